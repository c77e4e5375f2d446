package trees

import (
	"fmt"
	"math"

	"github.com/ducksight/ducksight/engine/task"
)

// Config holds the hyper-parameters of Train. The zero value is not
// usable; start from DefaultConfig.
type Config struct {
	// Task is Binary (log loss), Multiclass (softmax) or Regression
	// (squared error); Auto must be resolved by the caller.
	Task task.Task
	// K is the number of classes of a Multiclass task (at least 2);
	// ignored otherwise.
	K int
	// Rounds is the number of boosting rounds (SQL: trees); a multiclass
	// round grows K trees.
	Rounds int
	// LearningRate shrinks every leaf value.
	LearningRate float64
	// L2 is the leaf values' L2 penalty (XGBoost's lambda).
	L2 float64
	// MinChildWeight is the least hessian sum of a child.
	MinChildWeight float64
	// MinSplitGain is the least loss reduction of a split (XGBoost's
	// gamma).
	MinSplitGain float64
	// Subsample is the fraction of rows each round trains on, chosen by
	// a seeded hash of the row index and the round.
	Subsample float64
	// Colsample is the fraction of columns each tree may split on,
	// chosen with the seed.
	Colsample float64
	// MaxDepth is the depth of the deepest leaf (a stump has depth 1).
	MaxDepth int
	// MinRowsInLeaf is the least number of training rows of a child.
	MinRowsInLeaf int
	// MaxBins is the most bins a numeric column is cut into (a missing
	// value has a bin of its own besides).
	MaxBins int
	// Patience is how many rounds without a better validation loss
	// early stopping waits.
	Patience int
	// EarlyStopping stops when the validation loss has not improved for
	// Patience rounds and keeps the best rounds; it needs validation
	// rows.
	EarlyStopping bool
	// CatExactLevels: a categorical column of at most this many levels
	// (BOOLEAN, small enums) is split by the exact search: every level
	// present in the node, ordered by G/(H+L2), every prefix of that order
	// tried, unregularised. A column of more levels is split by the
	// regularised search that the Cat fields below tune (LightGBM's rule,
	// see the package doc).
	CatExactLevels int
	// CatMinRows: a level with fewer rows in the node stays out of the
	// order and goes right (LightGBM uses cat_smooth as this count).
	CatMinRows int
	// CatSmooth is added to a level's hessian sum in its ordering key
	// G/(H+CatSmooth), drawing small levels to the middle of the order
	// (LightGBM's cat_smooth).
	CatSmooth float64
	// CatL2 is added to L2 in the children's scores of a regularised
	// categorical split's gain (LightGBM's cat_l2).
	CatL2 float64
	// CatMinGroupRows is the least number of rows the scan adds to the
	// left side between two splits it tries, and the least number of rows
	// of the right side (LightGBM's min_data_per_group).
	CatMinGroupRows int
	// CatMaxLevels is the most levels on the left side of a regularised
	// categorical split, which also holds at most half the ordered levels
	// (LightGBM's max_cat_threshold).
	CatMaxLevels int
	// Seed drives every random choice (row and column sampling, the
	// binning sample of large data).
	Seed uint64
}

// DefaultConfig returns the defaults of train_boosted_trees for task t:
// 300 rounds, learning rate 0.1, depth 6, min_child_weight 1, one row per
// leaf, l2 1, no minimum gain, no sampling, 255 bins, patience 20 with
// early stopping off (the caller turns it on with validation rows), and
// the categorical search's defaults (DefaultCatExactLevels and after).
func DefaultConfig(t task.Task) Config {
	return Config{
		Task: t, K: 1, Rounds: DefaultRounds, LearningRate: DefaultLearningRate, L2: DefaultL2, MinChildWeight: DefaultMinChildWeight,
		MinSplitGain: DefaultMinSplitGain, Subsample: DefaultSubsample, Colsample: DefaultColsample, MaxDepth: DefaultMaxDepth,
		MinRowsInLeaf: DefaultMinRowsInLeaf, MaxBins: DefaultMaxBins, Patience: DefaultPatience,
		CatExactLevels: DefaultCatExactLevels, CatMinRows: DefaultCatMinRows, CatSmooth: DefaultCatSmooth, CatL2: DefaultCatL2,
		CatMinGroupRows: DefaultCatMinGroupRows, CatMaxLevels: DefaultCatMaxLevels,
	}
}

// The defaults of train_boosted_trees' boosting arguments, declared once
// (training.TreeOptions applies them, the SQL declarations show them).
const (
	DefaultRounds         = 300
	DefaultLearningRate   = 0.1
	DefaultL2             = 1.0
	DefaultMinChildWeight = 1.0
	DefaultMinSplitGain   = 0.0
	DefaultSubsample      = 1.0
	DefaultColsample      = 1.0
	DefaultMaxDepth       = 6
	DefaultMinRowsInLeaf  = 1
	DefaultMaxBins        = 255
	DefaultPatience       = 20
)

// The defaults of the categorical split search (Config.CatExactLevels and
// the Cat fields after it): the exact search up to 4 levels (where
// LightGBM and XGBoost split one level against the rest), LightGBM's
// defaults for the regularised search beyond. They have no SQL argument.
const (
	DefaultCatExactLevels  = 4
	DefaultCatMinRows      = 10
	DefaultCatSmooth       = 10.0
	DefaultCatL2           = 10.0
	DefaultCatMinGroupRows = 100
	DefaultCatMaxLevels    = 32
)

// ConfigError is an invalid hyper-parameter: Arg is the argument's SQL
// name (trees, learning_rate, max_depth, ...), or for a field without
// one, the field's name in snake case (cat_l2, ...).
type ConfigError struct {
	Arg string
	Msg string
}

// Error returns "arg: msg".
func (e *ConfigError) Error() string { return e.Arg + ": " + e.Msg }

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Validate checks the ranges of the hyper-parameters; the error is a
// *ConfigError naming the argument as SQL names it.
func (c *Config) Validate() error {
	bad := func(arg, format string, a ...any) error {
		return &ConfigError{Arg: arg, Msg: fmt.Sprintf(format, a...)}
	}
	switch c.Task {
	case task.Binary, task.Regression:
	case task.Multiclass:
		if c.K < 2 {
			return bad("task", "multiclass needs at least 2 classes, got %d", c.K)
		}
		if c.K > 1<<16 {
			return bad("task", "%d classes, at most %d", c.K, 1<<16)
		}
	default:
		return bad("task", "%q is not binary, multiclass or regression", c.Task.String())
	}
	switch {
	case c.Rounds < 1:
		return bad("trees", "%d, want at least 1", c.Rounds)
	case !finite(c.LearningRate) || c.LearningRate <= 0:
		return bad("learning_rate", "%g, want a finite number > 0", c.LearningRate)
	case c.MaxDepth < 1 || c.MaxDepth > 30:
		return bad("max_depth", "%d, want 1 to 30", c.MaxDepth)
	case !finite(c.MinChildWeight) || c.MinChildWeight < 0:
		return bad("min_child_weight", "%g, want a finite number >= 0", c.MinChildWeight)
	case c.MinRowsInLeaf < 1:
		return bad("min_rows_in_leaf", "%d, want at least 1", c.MinRowsInLeaf)
	case !finite(c.L2) || c.L2 < 0:
		return bad("l2", "%g, want a finite number >= 0", c.L2)
	case !finite(c.MinSplitGain) || c.MinSplitGain < 0:
		return bad("min_split_gain", "%g, want a finite number >= 0", c.MinSplitGain)
	case !(c.Subsample > 0 && c.Subsample <= 1):
		return bad("subsample", "%g, want a number in (0, 1]", c.Subsample)
	case !(c.Colsample > 0 && c.Colsample <= 1):
		return bad("colsample", "%g, want a number in (0, 1]", c.Colsample)
	case c.MaxBins < 2 || c.MaxBins > 255:
		return bad("max_bins", "%d, want 2 to 255", c.MaxBins)
	case c.Patience < 1:
		return bad("patience", "%d, want at least 1", c.Patience)
	case c.CatExactLevels < 0:
		return bad("cat_exact_levels", "%d, want at least 0", c.CatExactLevels)
	case c.CatMinRows < 0:
		return bad("cat_min_rows", "%d, want at least 0", c.CatMinRows)
	case !finite(c.CatSmooth) || c.CatSmooth < 0:
		return bad("cat_smooth", "%g, want a finite number >= 0", c.CatSmooth)
	case !finite(c.CatL2) || c.CatL2 < 0:
		return bad("cat_l2", "%g, want a finite number >= 0", c.CatL2)
	case c.CatMinGroupRows < 0:
		return bad("cat_min_group_rows", "%d, want at least 0", c.CatMinGroupRows)
	case c.CatMaxLevels < 1:
		return bad("cat_max_levels", "%d, want at least 1", c.CatMaxLevels)
	}
	return nil
}
