package service

// The options and per-batch results of predict and explain. They are
// declared without the duckdb_arrow build constraint (and reference no
// tagged identifier), so go doc lists them; BindPredict, BindExplain and
// Predictor are in predict.go and explain.go.

// DefaultTopK is the number of reasons explain gives per row when
// ExplainOptions.TopK is 0.
const DefaultTopK = 3

// PredictOptions are predict's named arguments. A zero value means the
// documented default.
type PredictOptions struct {
	// Threshold is the probability at or above which a binary model
	// predicts the positive class, in [0, 1]; nil is DefaultThreshold.
	// It is refused for a model that is not a binary classifier.
	Threshold *float64
	// Version is the model version to score with; 0 is the latest.
	Version int
}

// ExplainOptions are explain's named arguments. A zero value means the
// documented default.
type ExplainOptions struct {
	// TopK is the number of reasons per row, at least 1 (capped by the
	// model's feature columns); 0 is DefaultTopK.
	TopK int
	// Version is the model version to explain; 0 is the latest.
	Version int
}

// WhatIfOptions are what_if's arguments after model and data. A zero
// Version means the latest.
type WhatIfOptions struct {
	// Set are the model input columns to replace and the value each gets
	// in every row, in order; at least one. A value is cast to the
	// column's training type (see BindWhatIf); nil is NULL.
	Set []Setting
	// Version is the model version to score with; 0 is the latest.
	Version int
}

// Setting is one column of WhatIfOptions.Set and its value: nil (NULL),
// a bool, an integer or float of any Go type, a string or a time.Time.
type Setting struct {
	Column string
	Value  any
}

// ScoreOptions are the optional arguments of score and score_label. A
// zero value means the documented default.
type ScoreOptions struct {
	// Version is the model version to score with; 0 is the latest.
	Version int
}

// Output is one of the columns predict or explain adds after the data's
// columns.
type Output int

const (
	// OutPrediction is the predicted class, of the training label's type
	// (see Scores.Class), or for regression the predicted value (DOUBLE,
	// Scores.Value).
	OutPrediction Output = iota
	// OutProbability is a classifier's probability (Scores.Prob): binary
	// P(positive class), multiclass P(predicted class).
	OutProbability
	// OutProbabilities is a multiclass model's probability of every class
	// (Scores.Probs), as MAP(VARCHAR, DOUBLE) keyed by the class as text.
	OutProbabilities
	// OutSegment is a kmeans model's segment of the row, 1..k (INTEGER,
	// Scores.Segment).
	OutSegment
	// OutDistance is the distance of the row to its segment's centroid in
	// standardised units (DOUBLE, Scores.Value).
	OutDistance
	// OutReasons is explain's LIST(STRUCT(feature, value, contribution))
	// column (Reasons).
	OutReasons
	// OutBaseline is explain's baseline column: the raw score the
	// contributions are measured from (DOUBLE, ReasonList.Baseline).
	OutBaseline
	// OutApproximationError is explain's approximation_error column:
	// |baseline + sum of the contributions - raw score| (DOUBLE,
	// ReasonList.Error), NULL for a non-additive explanation.
	OutApproximationError
	// OutPredictionWhatIf is what_if's prediction of the row with the set
	// columns replaced, of OutPrediction's type (WhatIfScores.Class or
	// Value).
	OutPredictionWhatIf
	// OutProbabilityWhatIf is what_if's classifier probability of the
	// row with the set columns replaced (DOUBLE, WhatIfScores.Prob):
	// binary P(positive class), multiclass P(the class predicted as the
	// row is).
	OutProbabilityWhatIf
	// OutChange is what_if's change column (DOUBLE, WhatIfScores.Change):
	// OutProbabilityWhatIf - OutProbability for a classifier, the
	// difference of the predictions for regression.
	OutChange
)

// String is the output's column name.
func (o Output) String() string {
	switch o {
	case OutPrediction:
		return "prediction"
	case OutProbability:
		return "probability"
	case OutProbabilities:
		return "probabilities"
	case OutSegment:
		return "segment"
	case OutDistance:
		return "distance"
	case OutReasons:
		return "reasons"
	case OutBaseline:
		return "baseline"
	case OutApproximationError:
		return "approximation_error"
	case OutPredictionWhatIf:
		return "prediction_what_if"
	case OutProbabilityWhatIf:
		return "probability_what_if"
	case OutChange:
		return "change"
	}
	return "output"
}

// Scores are the scores of one batch of rows. The slices have one entry
// per row of the batch (Probs: K per row) and belong to the run that
// returned them: they are valid until its next call to Next.
type Scores struct {
	// Null marks the rows without a prediction: a classifier's or
	// regression model's output is NaN (or, for regression, infinite), a
	// kmeans row has a NaN or infinite feature. Every output of such a
	// row is NULL.
	Null []bool
	// Class is a classifier's predicted class, an index into the model's
	// levels (Predictor.Levels).
	Class []int
	// Prob is a classifier's probability (see Probability).
	Prob []float64
	// Probs holds a multiclass model's probability of each class, K per
	// row, in the order of the levels.
	Probs []float64
	// K is the number of classes of a multiclass model (0 otherwise).
	K int
	// Value is a regression model's prediction in the label's units, or
	// a kmeans row's distance to its centroid.
	Value []float64
	// Segment is a kmeans row's segment, 1..k.
	Segment []int32
}

// WhatIfScores are what_if's scores of one batch of rows with the set
// columns replaced. The slices have one entry per row of the batch and
// belong to the run that returned them: they are valid until its next
// call to Next.
type WhatIfScores struct {
	// Null marks the rows without a what-if prediction (the model's
	// output is NaN), whose prediction_what_if, probability_what_if and
	// change are NULL.
	Null []bool
	// Class is a classifier's predicted class, an index into the model's
	// levels (Predictor.Levels).
	Class []int
	// Value is a regression model's prediction in the label's units.
	Value []float64
	// Prob is a classifier's probability: binary P(positive class),
	// multiclass P(the class the row is predicted as it is).
	Prob []float64
	// ProbNull marks the rows whose Prob is NULL: Null, and for a
	// multiclass model also the rows without a prediction as they are.
	ProbNull []bool
	// Change is Prob minus the row's probability as it is (regression:
	// Value minus the prediction as it is).
	Change []float64
	// ChangeNull marks the rows whose change is NULL: no prediction as
	// the row is or with the columns replaced.
	ChangeNull []bool
}

// ReasonList holds explain's reasons of one batch of rows: K reasons per
// row, largest |contribution| first (ties by feature name). The slices
// belong to the run that returned them: they are valid until its next
// call to Next.
type ReasonList struct {
	// K is the number of reasons per row.
	K int
	// Null marks the rows without reasons (their score is NaN).
	Null []bool
	// Feature holds each reason's feature column, an index into
	// Predictor.Features (K per row).
	Feature []int
	// Contribution holds each reason's contribution to the row's raw
	// score (K per row).
	Contribution []float64
	// Value holds each reason's value of the row, as text ('NULL' for
	// NULL), K per row.
	Value []string
	// Baseline is each row's baseline: the raw score its contributions
	// are measured from (the raw score is a binary classifier's
	// log-odds, a multiclass one's logit of the predicted class, a
	// regression model's prediction).
	Baseline []float64
	// Error is each row's approximation error: |Baseline + the sum of
	// every feature's contribution (not only the K reasons) - the raw
	// score|: rounding for an exact explanation, the integration's error
	// for integrated gradients.
	Error []float64
	// Additive tells whether the contributions are meant to add up to
	// the raw score's distance from the baseline (every kind's do); when
	// false approximation_error is NULL.
	Additive bool
}
