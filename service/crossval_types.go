package service

import "github.com/ducksight/ducksight/engine/task"

// DefaultFolds is cross_validate's folds default.
const DefaultFolds = 5

// CrossValidateOptions are cross_validate's named arguments. The training
// options of the kind cross-validated hold the label and every training
// argument (their Seed also seeds the folds); the other kind's are left
// zero.
type CrossValidateOptions struct {
	Folds        int      // default DefaultFolds; at least 2, at most the rows
	By           []string // group columns: rows with equal values share a fold
	Perceptron   TrainOptions
	BoostedTrees TreeOptions
	// Predictions asks for every scored row's fold and prediction
	// (CrossValidation.Predictions); the SQL function does not.
	Predictions bool
}

// CrossValidation is cross_validate's result: a row per fold, then the
// mean and standard deviation (n-1) over the folds.
type CrossValidation struct {
	Task     task.Task
	Positive string   // a binary task's positive class (see ModelInfo)
	Columns  []string // the task's measures, in column order
	Folds    []CVFold
	// Mean and Std are the mean and sample standard deviation over the
	// folds of each measure of Columns and of "seconds".
	Mean, Std map[string]float64
	// Predictions, when asked for, are the scored rows of every fold, in
	// the order of the data.
	Predictions []CVPrediction
}

// CVFold is a fold's row: the rows its model trained on (training and
// validation rows) and was tested on, the task's measures on the test
// rows, and the wall time of the fold (training and testing).
type CVFold struct {
	Fold                int // 1, 2, ...
	RowsTrain, RowsTest int64
	Measures            map[string]float64
	Seconds             float64
}

// CVPrediction is a scored row of a fold's test rows: its position in the
// data (0-based), its fold (1-based), its label as the model encodes it
// (binary: 1 for the positive class; multiclass: the class index;
// regression: the value) and the model's output (binary: P(positive);
// multiclass: the classes' probabilities; regression: the prediction).
type CVPrediction struct {
	Row    int64
	Fold   int
	Label  float64
	Output []float64
}
