package service

import (
	"context"

	"github.com/ducksight/ducksight/engine/metrics"
)

// The evaluation services' options and results: evaluate,
// confusion_matrix, roc_curve, lift, calibration, fairness and
// feature_importance (docs/sql.md). In every options struct a zero field
// means the documented default, and a pointer field is one whose zero is a
// meaningful value (nil: the default). Version 0 is the latest version.

// The defaults and limits of the evaluation functions' arguments.
const (
	// DefaultThreshold is the probability at or above which a binary
	// classifier predicts the positive class.
	DefaultThreshold = 0.5
	// DefaultPoints is roc_curve's number of thresholds (0, 0.01, ..., 1).
	DefaultPoints = 101
	// MinPoints and MaxPoints bound roc_curve's points: each is a result
	// row, so a typo cannot ask for millions.
	MinPoints, MaxPoints = 2, 100000
	// DefaultBins is the number of bins of lift and calibration.
	DefaultBins = 10
	// MinBins and MaxBins bound the bins of lift and calibration.
	MinBins, MaxBins = 2, 100000
	// DefaultMinGroup is the fewest rows of a fairness group that reports
	// rates; smaller groups report their rows only.
	DefaultMinGroup = 30
	// DefaultRepeats is feature_importance's permutations per column.
	DefaultRepeats = 3
	// MinRepeats and MaxRepeats bound feature_importance's repeats: each
	// rescores the data.
	MinRepeats, MaxRepeats = 1, 100
	// DefaultImportanceSeed is the seed of feature_importance's
	// permutations.
	DefaultImportanceSeed = 42
)

// EvaluateOptions are evaluate's named arguments.
type EvaluateOptions struct {
	// Threshold is the probability at or above which a binary classifier
	// predicts the positive class, strictly between 0 and 1 (nil:
	// DefaultThreshold). Given for any other model it is an error.
	Threshold *float64
	Version   int
}

// ConfusionOptions are confusion_matrix's named arguments.
type ConfusionOptions struct {
	// Threshold is as EvaluateOptions.Threshold.
	Threshold *float64
	Version   int
}

// ROCOptions are roc_curve's named arguments.
type ROCOptions struct {
	// Points is the number of thresholds, evenly spaced over [0, 1],
	// MinPoints to MaxPoints (0: DefaultPoints).
	Points  int
	Version int
}

// LiftOptions are lift's named arguments.
type LiftOptions struct {
	// Bins is the number of equal-count bins, MinBins to MaxBins and at
	// most the rows with a usable label (0: DefaultBins).
	Bins    int
	Version int
}

// CalibrationOptions are calibration's named arguments.
type CalibrationOptions struct {
	// Bins is the number of equal-width bins of P(positive), MinBins to
	// MaxBins (0: DefaultBins).
	Bins    int
	Version int
}

// FairnessOptions are fairness's named arguments.
type FairnessOptions struct {
	// By is the group column (required: an error lists the data's
	// columns when it is empty or missing).
	By string
	// Threshold is as EvaluateOptions.Threshold.
	Threshold *float64
	// MinGroup is the fewest rows of a group that reports rates, at least
	// 0 (nil: DefaultMinGroup).
	MinGroup *int
	Version  int
}

// ImportanceOptions are feature_importance's named arguments.
type ImportanceOptions struct {
	// Repeats is the number of permutations per column, MinRepeats to
	// MaxRepeats (0: DefaultRepeats).
	Repeats int
	// Seed is the seed of the permutations (nil: DefaultImportanceSeed).
	Seed    *int64
	Version int
}

// Evaluation is evaluate's row: the rows evaluated and the measures of the
// model's kind (binary, multiclass, regression or kmeans), by evaluate's
// column names, with NaN where SQL shows NULL.
type Evaluation struct {
	Rows     int64
	Measures map[string]float64 // "accuracy", "roc_auc", "rmse", "silhouette", ...
	Columns  []string           // the measures' names in evaluate's column order
}

// ConfusionCell is a row of confusion_matrix: the rows whose true class is
// Actual and predicted class Predicted (classes as text).
type ConfusionCell struct {
	Actual, Predicted string
	Count             int64
}

// FairnessGroup is a row of fairness. Null marks the group of NULL values
// (its Name is ""). A group with fewer rows than MinGroup has NaN rates and
// differences.
type FairnessGroup struct {
	metrics.Group
	Null bool
}

// Importance is a row of feature_importance.
type Importance struct {
	Feature       string
	Importance    float64 // mean drop of the metric when the column is permuted
	ImportanceStd float64 // population standard deviation of the drop over the repeats
	Weight        float64 // single-layer models: the column's summed |w|; NaN for hidden layers and other kinds
	Gain          float64 // boosted trees: the total split gain on the column; NaN for other kinds
}

// EvalCall is a bound call of an evaluation function: its arguments checked,
// its model loaded and its data query prepared, nothing run yet. Run
// streams the data and computes the result; the SQL adapter binds when
// DuckDB plans the statement and runs when it executes, the Go API does
// both at once. The caller calls Close once done with the call (after Run,
// or instead of it), which releases the prepared query.
type EvalCall[T any] struct {
	fn    string
	run   func(ctx context.Context) (T, error)
	close func()
}

// EvaluateCall is a bound evaluate call, whose measure names (evaluate's
// columns after rows) are known before it runs.
type EvaluateCall struct {
	*EvalCall[*Evaluation]
	// Columns are the measures of the model's kind, in evaluate's column
	// order.
	Columns []string
}

// The metrics threshold optimises, and its defaults.
var ThresholdMetrics = []string{"f1", "youden", "cost"}

const (
	DefaultThresholdMetric = "f1"
	DefaultCost            = 1.0
)

// ThresholdOptions are threshold's named arguments.
type ThresholdOptions struct {
	// Metric is what the threshold optimises, one of ThresholdMetrics:
	// 'f1' (the default, "" when not given) maximises F1, 'youden' TPR -
	// FPR, 'cost' minimises CostFP*FP + CostFN*FN. Given with Budget it
	// is an error.
	Metric string
	// Budget, when not nil, is the share of rows to flag, greater than 0
	// and less than 1: the threshold then flags that share (at least;
	// tied scores move together) instead of optimising a metric.
	Budget *float64
	// CostFP and CostFN weigh a false positive and a false negative for
	// metric 'cost', finite and >= 0, not both 0 (nil: DefaultCost).
	// Given with another metric, or with Budget, they are an error.
	CostFP, CostFN *float64
	Version        int
}
