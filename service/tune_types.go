package service

import (
	"time"

	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/tuning"
)

// NoFolds is TuneOptions.Folds measuring every trial on its validation
// rows (SQL's folds := 0).
const NoFolds = -1

// Defaults of tune's arguments.
const (
	DefaultTuneKind   = "auto"
	DefaultTuneTrials = 20
)

// TuneOptions are tune's named arguments.
type TuneOptions struct {
	// Kind is "auto" (DefaultTuneKind: both families, trials alternating,
	// boosted trees first), "perceptron" or "boosted_trees".
	Kind string
	// Space is tune's space argument (a STRUCT's fields; see
	// tuning.ParseSearch); nil is every kind's default space.
	Space  []tuning.Field
	Trials int // default DefaultTuneTrials
	// Folds is NoFolds (each trial is measured on its validation rows),
	// at least 2 (each trial is cross-validated, as cross_validate does),
	// or 0, the default: 5 folds when the validation rows would be too
	// few to rank the trials (fewer than 2,000 rows, or fewer than 200 of
	// the rarest value of a label of at most 20 values), else NoFolds. By
	// groups the folds' rows.
	Folds int
	By    []string
	// Metric is what the trials are ranked by: roc_auc (the binary
	// default), pr_auc, log_loss, f1, accuracy (the multiclass default),
	// brier, rmse (the regression default), mae or r2.
	Metric string
	// TimeBudget, when positive, is the time after which no new trial
	// starts (the final training of the best one comes after it).
	TimeBudget time.Duration
	// Perceptron and BoostedTrees are the training options of the kinds
	// searched: the label and every argument given. Their Seed (the same
	// in both) also seeds the search and the folds.
	Perceptron   TrainOptions
	BoostedTrees TreeOptions
	// Fixed names the training arguments given explicitly, which are not
	// searched. Nil: the tunable options set in Perceptron and
	// BoostedTrees (non-zero, non-nil).
	Fixed []string
	// Progress, when set, is called after every trial; nil reports to the
	// context's progress function (training.WithProgress) as epochs whose
	// unit is "trial".
	Progress func(TuneProgress)
}

// TuneProgress is a report after a trial.
type TuneProgress struct {
	Trial, Trials int
	Kind          string
	Metric        string  // the metric's name
	Best          float64 // the best metric of the trials completed so far
	Elapsed       time.Duration
	// ETA is the time the remaining trials should take at the pace so
	// far, within the time budget.
	ETA time.Duration
}

// Trial is a row of tune and of trial_info: one configuration tried.
type Trial struct {
	Trial      int         `json:"trial"` // 1-based
	Kind       string      `json:"kind"`
	Params     string      `json:"params"`     // a JSON object of the searched values
	Metric     dataset.Num `json:"metric"`     // NaN (SQL NULL) when not measured
	MetricStd  dataset.Num `json:"metric_std"` // over the folds; NaN without folds
	Iterations int         `json:"iterations"` // epochs, L-BFGS iterations or rounds run (the first fold's)
	Seconds    float64     `json:"seconds"`
	Status     string      `json:"status"` // "best", "completed", "stopped early", "skipped: time budget"
}

// TuneResult is tune's result: the trials, and the model version the best
// configuration was saved as.
type TuneResult struct {
	Model   string
	Version int
	Metric  string
	Trials  []Trial
	Notes   []string
}
