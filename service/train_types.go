package service

import (
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
)

// TrainOptions are train_perceptron's named arguments: a zero field is
// the documented default, a nil pointer field too (see training.Options).
type TrainOptions = training.Options

// TreeOptions are train_boosted_trees' named arguments: a zero field is
// the documented default, a nil pointer field too (see
// training.TreeOptions).
type TreeOptions = training.TreeOptions

// TrainResult is the result row of train_perceptron and
// train_boosted_trees (whose EpochsRun is the number of rounds kept, its
// SQL column trees).
type TrainResult struct {
	Model       string
	Version     int       // the version the training saved
	Task        task.Task // binary, multiclass or regression
	Positive    string    // a binary model's positive class as text (SQL NULL for other tasks)
	RowsUsed    int64
	RowsSkipped int64
	Features    []string
	Inputs      int
	EpochsRun   int // train_boosted_trees: the rounds kept
	TrainLoss   float64
	ValidLoss   float64 // NaN (SQL NULL) without validation rows
	ValidMetric float64 // NaN (SQL NULL) when there is none
	// GradientNorm is the lbfgs solver's final gradient norm (NaN, SQL
	// NULL, for adam, sgd and train_boosted_trees).
	GradientNorm float64
	Mode         string
	Notes        []string // the notes column joins them with "; "
	Seconds      float64
}
