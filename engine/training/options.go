package training

import (
	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/task"
)

// Fn names the SQL function in errors.
const Fn = "train_perceptron"

// Options are train_perceptron's named arguments (docs/sql.md), and the
// Go API's training options. A zero value means the documented default
// (Defaults fills it in); a pointer field is one whose zero is a
// meaningful value, so nil is its default: L2 (0 is no penalty),
// ValidationFraction (0 disables validation), EarlyStopping, Positive and
// Seed. A Go caller writes e.g. Seed: new(int64(7)).
type Options struct {
	Label      string    `json:"label"`              // column to predict (required)
	Features   []string  `json:"features,omitempty"` // input columns (default: all but the label and Exclude)
	Exclude    []string  `json:"exclude,omitempty"`  // columns not to use
	Task       task.Task `json:"task"`               // task.Auto (the default, also the zero task.None: chosen from the label), task.Binary, task.Multiclass or task.Regression
	Hidden     []int     `json:"hidden"`             // hidden layer sizes; nil or empty is the single-layer perceptron
	Activation string    `json:"activation"`         // "relu" (DefaultActivation), "tanh" or "sigmoid"
	// Solver is "auto" (DefaultSolver), "lbfgs", "adam" or "sgd"; Defaults
	// resolves "auto" to "adam" (to "lbfgs" without hidden layers once
	// autoLBFGS is on), and an empty Solver to Optimizer when that is set
	// (its alias).
	Solver       string  `json:"solver"`
	Optimizer    string  `json:"optimizer"`     // "adam" or "sgd", the solver's; empty with lbfgs
	LearningRate float64 `json:"learning_rate"` // in (0, MaxLearningRate]; default DefaultLearningRate; 0 with lbfgs
	BatchSize    int     `json:"batch_size"`    // rows per gradient step; default DefaultBatchSize; 0 with lbfgs
	// Epochs is the most passes over the data (adam, sgd; default
	// DefaultEpochs), or the most L-BFGS iterations (default
	// DefaultLBFGSIterations).
	Epochs             int      `json:"epochs"`
	L2                 *float64 `json:"l2"`                  // L2 weight penalty; default DefaultL2
	ValidationFraction *float64 `json:"validation_fraction"` // share of rows held out, in [0, 1); default DefaultValidationFraction; 0 disables validation
	EarlyStopping      *bool    `json:"early_stopping"`      // default true; nil with lbfgs
	Patience           int      `json:"patience"`            // epochs without improvement before stopping; default DefaultPatience; 0 with lbfgs
	ClassWeight        string   `json:"class_weight"`        // "none" (DefaultClassWeight) or "balanced"
	Positive           *string  `json:"positive,omitempty"`  // binary: the positive class, as text (default: true, 1 of a 0/1 label, else the less frequent class)
	MemoryLimit        string   `json:"memory_limit"`        // default the smaller of DefaultMemoryLimit and DuckDB's memory_limit (see the service)
	Seed               *int64   `json:"seed"`                // default DefaultSeed

	// Engine, when set, trains where the data lives: "duckdb" (the local
	// database) or "clickhouse://[user@]host:port/database", and the data
	// argument is a table of that engine. Only a network without hidden
	// layers, with the lbfgs solver, trains there: every pass over the
	// rows is one aggregate query the engine runs (docs/scale-out.md).
	Engine string `json:"engine,omitempty"`
	// Where is an optional condition pushed into every query of Engine
	// (SQL of that engine; no ';').
	Where string `json:"where,omitempty"`
	// Validation is an optional condition (SQL of Engine) that holds for
	// the validation rows; the other rows train.
	Validation string `json:"validation,omitempty"`
	// Exact sums in Engine (nil: true): every per-row term rounded to a
	// fixed scale and summed as a 128-bit integer, so that the model does
	// not depend on how the engine splits the rows. false sums doubles.
	Exact *bool `json:"exact,omitempty"`

	// Progress, when set, is called after every epoch, on the goroutine
	// that trains.
	Progress func(Epoch) `json:"-"`
}

// Default values, documented in docs/sql.md.
const (
	DefaultTask       = task.Auto
	DefaultActivation = "relu"
	DefaultOptimizer  = "adam"
	DefaultSolver     = "auto"
	// DefaultLBFGSIterations is epochs' default with the lbfgs solver:
	// the most L-BFGS iterations, enough for the tolerance
	// (perceptron.DefaultGradientTolerance) on standardised data.
	DefaultLBFGSIterations    = 1000
	DefaultBatchSize          = 256
	DefaultEpochs             = 50
	DefaultL2                 = 1e-4
	DefaultValidationFraction = 0.1
	DefaultEarlyStopping      = true
	DefaultPatience           = 5
	DefaultClassWeight        = "none"
	DefaultMemoryLimit        = "2GB"
	DefaultSeed               = 42
	// DefaultLearningRate is Adam's step size, with or without hidden layers:
	// at batch 256 on standardised inputs it reaches the optimum in few epochs,
	// where sklearn's 0.001 needs many more, and with hidden layers its test
	// AUC matches or beats 0.003's (scripts/lr_default; docs/performance.md,
	// "learning_rate default").
	DefaultLearningRate = 0.01
)

// Bounds of the numeric options, documented in docs/sql.md: an upper bound
// keeps a typo from running for hours or taking the machine's memory.
const (
	MaxHiddenSize   = 4096      // units of one hidden layer
	MaxLearningRate = 10        // learning_rate is in (0, MaxLearningRate]
	MaxBatchSize    = 1_000_000 // rows per gradient step (a batch buffer each)
	MaxEpochs       = 100_000
	MaxPatience     = 100_000
	MaxL2           = 1000
)

// autoLBFGS makes solver 'auto' choose lbfgs for networks without hidden
// layers; off, 'auto' is adam.
const autoLBFGS = true

// common is o's share of the options every supervised training takes.
func (o *Options) common() common {
	return common{label: &o.Label, features: &o.Features, exclude: &o.Exclude, task: &o.Task, validationFraction: &o.ValidationFraction,
		earlyStopping: &o.EarlyStopping, classWeight: &o.ClassWeight, memoryLimit: &o.MemoryLimit, seed: &o.Seed}
}

// Defaults fills unset options. With the lbfgs solver the options of
// adam and sgd (optimizer, learning_rate, batch_size, early_stopping,
// patience) stay unset: Validate refuses them when given.
func (o *Options) Defaults() {
	if o.Hidden == nil {
		o.Hidden = []int{}
	}
	if o.Solver == "" {
		o.Solver = o.Optimizer // the alias; "" when neither is given
	}
	if o.Solver == "" || o.Solver == "auto" {
		// lbfgs for a network without hidden layers, unless an option
		// only adam and sgd take is given: asking for a learning rate,
		// batches or early stopping asks for gradient steps.
		o.Solver = "adam"
		stepping := o.LearningRate != 0 || o.BatchSize != 0 || o.EarlyStopping != nil || o.Patience != 0
		if autoLBFGS && len(o.Hidden) == 0 && !stepping {
			o.Solver = "lbfgs"
		}
	}
	es := o.EarlyStopping
	o.common().defaults()
	if o.Activation == "" {
		o.Activation = DefaultActivation
	}
	if o.Solver == "lbfgs" {
		o.EarlyStopping = es
		if o.Epochs == 0 {
			o.Epochs = DefaultLBFGSIterations
		}
		if o.L2 == nil {
			v := DefaultL2
			o.L2 = &v
		}
		return
	}
	if o.Optimizer == "" {
		o.Optimizer = o.Solver
		if o.Solver != "adam" && o.Solver != "sgd" {
			o.Optimizer = DefaultOptimizer // an unknown solver: Validate names it
		}
	}
	if o.LearningRate == 0 {
		o.LearningRate = DefaultLearningRate
	}
	if o.BatchSize == 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.Epochs == 0 {
		o.Epochs = DefaultEpochs
	}
	if o.Patience == 0 {
		o.Patience = DefaultPatience
	}
	if o.L2 == nil {
		v := DefaultL2
		o.L2 = &v
	}
}

// Validate checks options after Defaults; errors name the argument.
func (o *Options) Validate() error {
	c := o.common()
	if err := c.validateLabel(Fn); err != nil {
		return err
	}
	bad := func(arg, format string, a ...any) error { return dserr.Arg(Fn, arg, format, a...) }
	for _, h := range o.Hidden {
		if h < 1 || h > MaxHiddenSize {
			return bad("hidden", "layer sizes must be between 1 and %d, got %d", MaxHiddenSize, h)
		}
	}
	switch o.Activation {
	case "relu", "tanh", "sigmoid":
	default:
		return bad("activation", "must be 'relu', 'tanh' or 'sigmoid', got '%s'", o.Activation)
	}
	if o.Optimizer != "" && o.Optimizer != "adam" && o.Optimizer != "sgd" {
		return bad("optimizer", "must be 'adam' or 'sgd', got '%s'", o.Optimizer)
	}
	switch o.Solver {
	case "lbfgs":
		if len(o.Hidden) > 0 {
			return bad("solver", "'lbfgs' trains a network without hidden layers (hidden := []), got hidden %v: use 'adam' or 'sgd'", o.Hidden)
		}
		given := []struct {
			name string
			set  bool
		}{{"optimizer", o.Optimizer != ""}, {"learning_rate", o.LearningRate != 0}, {"batch_size", o.BatchSize != 0},
			{"early_stopping", o.EarlyStopping != nil}, {"patience", o.Patience != 0}}
		for _, g := range given {
			if g.set {
				return bad("solver", "%s does not apply to 'lbfgs' (full-data steps, no early stopping): leave it out, or use solver 'adam' or 'sgd'", g.name)
			}
		}
	case "adam", "sgd":
		if o.Optimizer != o.Solver {
			return bad("solver", "'%s' and optimizer '%s' disagree (optimizer is an alias of solver): give one", o.Solver, o.Optimizer)
		}
		if !(o.LearningRate > 0 && o.LearningRate <= MaxLearningRate) {
			return LearningRateError(o.LearningRate)
		}
		if o.BatchSize < 1 || o.BatchSize > MaxBatchSize {
			return dserr.Between(Fn, "batch_size", 1, MaxBatchSize, o.BatchSize)
		}
		if o.Patience < 1 || o.Patience > MaxPatience {
			return dserr.Between(Fn, "patience", 1, MaxPatience, o.Patience)
		}
	default:
		return bad("solver", "must be 'auto', 'lbfgs', 'adam' or 'sgd', got '%s'", o.Solver)
	}
	if o.Epochs < 1 || o.Epochs > MaxEpochs {
		return dserr.Between(Fn, "epochs", 1, MaxEpochs, o.Epochs)
	}
	if l2 := *o.L2; !(l2 >= 0 && l2 <= MaxL2) {
		return dserr.Between(Fn, "l2", 0, MaxL2, l2)
	}
	if o.Engine == "" {
		for _, a := range []struct {
			name string
			set  bool
		}{{"where", o.Where != ""}, {"validation", o.Validation != ""}, {"exact", o.Exact != nil}} {
			if a.set {
				return bad(a.name, "applies only with engine := (training where the data lives)")
			}
		}
	}
	limit, err := c.validateRest(Fn)
	if err != nil {
		return err
	}
	// The hidden layers alone, with one input and one output: a network
	// too large whatever the data is refused before any is read.
	return checkNetwork(o, 1, 1, limit)
}

// LearningRateError is the error of a learning rate outside (0, MaxLearningRate].
func LearningRateError(v float64) error {
	return dserr.Arg(Fn, "learning_rate", "must be greater than 0 and at most %d, got %g", MaxLearningRate, v)
}
