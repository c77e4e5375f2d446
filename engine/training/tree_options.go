package training

import (
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/trees"
)

// TreesFn names train_boosted_trees in errors.
const TreesFn = "train_boosted_trees"

// TreeOptions are train_boosted_trees' named arguments (docs/sql.md), and
// the Go API's boosted-trees options. The data, label and validation
// arguments are train_perceptron's (Options), with the same defaults,
// checks and errors; the rest are the boosting's. A zero value means the
// documented default (Defaults fills it in); a pointer field is one whose
// zero is a meaningful value, so nil is its default.
type TreeOptions struct {
	Label              string    `json:"label"`               // column to predict (required)
	Features           []string  `json:"features,omitempty"`  // input columns (default: all but the label and Exclude)
	Exclude            []string  `json:"exclude,omitempty"`   // columns not to use
	Task               task.Task `json:"task"`                // as Options.Task
	Objective          string    `json:"objective"`           // "auto" (DefaultObjective): log loss, softmax or squared error by task
	Trees              int       `json:"trees"`               // boosting rounds (multiclass: a tree per class per round); default DefaultTrees
	LearningRate       float64   `json:"learning_rate"`       // shrinkage of every tree; default DefaultTreeLearningRate
	MaxDepth           int       `json:"max_depth"`           // default DefaultMaxDepth
	MinChildWeight     *float64  `json:"min_child_weight"`    // least hessian sum of a child; default DefaultMinChildWeight
	MinRowsInLeaf      int       `json:"min_rows_in_leaf"`    // default DefaultMinRowsInLeaf
	L2                 *float64  `json:"l2"`                  // lambda, the leaf weights' L2 penalty; default DefaultTreeL2
	MinSplitGain       float64   `json:"min_split_gain"`      // gamma: least loss reduction of a split; default 0
	Subsample          float64   `json:"subsample"`           // share of rows per tree, in (0, 1]; default 1
	Colsample          float64   `json:"colsample"`           // share of columns per tree, in (0, 1]; default 1
	MaxBins            int       `json:"max_bins"`            // bins per numeric column, 2..255; default DefaultMaxBins
	ValidationFraction *float64  `json:"validation_fraction"` // as Options.ValidationFraction
	EarlyStopping      *bool     `json:"early_stopping"`      // keep the best number of rounds on the validation rows; default true
	Patience           int       `json:"patience"`            // rounds without improvement before stopping; default DefaultTreePatience
	ClassWeight        string    `json:"class_weight"`        // as Options.ClassWeight
	Positive           *string   `json:"positive,omitempty"`  // as Options.Positive
	MemoryLimit        string    `json:"memory_limit"`        // the binned matrix and validation rows must fit; as Options.MemoryLimit
	Seed               *int64    `json:"seed"`                // default DefaultSeed

	// Progress, when set, is called after every round, on the goroutine
	// that trains (Epoch.Epoch is the round).
	Progress func(Epoch) `json:"-"`
}

// The defaults of train_boosted_trees' own arguments (the shared ones are
// Options').
const (
	DefaultObjective        = "auto"
	DefaultTrees            = trees.DefaultRounds
	DefaultTreeLearningRate = trees.DefaultLearningRate
	DefaultMaxDepth         = trees.DefaultMaxDepth
	DefaultMinChildWeight   = trees.DefaultMinChildWeight
	DefaultMinRowsInLeaf    = trees.DefaultMinRowsInLeaf
	DefaultTreeL2           = trees.DefaultL2
	DefaultSubsample        = trees.DefaultSubsample
	DefaultColsample        = trees.DefaultColsample
	DefaultMaxBins          = trees.DefaultMaxBins
	DefaultTreePatience     = trees.DefaultPatience
	DefaultMinSplitGain     = trees.DefaultMinSplitGain
)

// Bounds of train_boosted_trees' numeric options (docs/sql.md): an upper
// bound keeps a typo from running for hours.
const (
	MaxTrees         = 100_000
	MaxTreeDepth     = 30
	MaxMinRowsInLeaf = 1_000_000_000
	MaxTreeBins      = 255
)

// common is o's share of the options every supervised training takes.
func (o *TreeOptions) common() common {
	return common{label: &o.Label, features: &o.Features, exclude: &o.Exclude, task: &o.Task, validationFraction: &o.ValidationFraction,
		earlyStopping: &o.EarlyStopping, classWeight: &o.ClassWeight, memoryLimit: &o.MemoryLimit, seed: &o.Seed}
}

// Defaults fills unset options.
func (o *TreeOptions) Defaults() {
	o.common().defaults()
	if o.Objective == "" {
		o.Objective = DefaultObjective
	}
	if o.Trees == 0 {
		o.Trees = DefaultTrees
	}
	if o.LearningRate == 0 {
		o.LearningRate = DefaultTreeLearningRate
	}
	if o.MaxDepth == 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.MinChildWeight == nil {
		o.MinChildWeight = new(DefaultMinChildWeight)
	}
	if o.MinRowsInLeaf == 0 {
		o.MinRowsInLeaf = DefaultMinRowsInLeaf
	}
	if o.L2 == nil {
		o.L2 = new(DefaultTreeL2)
	}
	if o.Subsample == 0 {
		o.Subsample = DefaultSubsample
	}
	if o.Colsample == 0 {
		o.Colsample = DefaultColsample
	}
	if o.MaxBins == 0 {
		o.MaxBins = DefaultMaxBins
	}
	if o.Patience == 0 {
		o.Patience = DefaultTreePatience
	}
}
