package engine

import (
	"context"

	"github.com/ducksight/ducksight/engine/tuning"
	"github.com/ducksight/ducksight/service"
)

// TuneOptions are tune's named arguments: the kind searched ("auto",
// the default, "perceptron" or "boosted_trees"), the space (nil: the
// default spaces), trials, folds, by, metric and time budget, and the
// training options of the kinds searched (with kind "auto" the data
// arguments, label included, may be set in Perceptron alone). Fixed names
// the training arguments not to search; nil means the tunable options set
// in Perceptron and BoostedTrees. Progress is called after every trial.
type TuneOptions = service.TuneOptions

// NoFolds is TuneOptions.Folds measuring every trial on its validation
// rows (SQL's folds := 0); Folds 0 chooses (see TuneOptions).
const NoFolds = service.NoFolds

// TuneField is a field of TuneOptions.Space, as a SQL STRUCT's: Value is
// a LIST of choices ([]any) or a range ([]TuneField{{"min", ...}, {"max",
// ...}, {"scale", "log"}}), or with kind "auto" a kind's space.
type TuneField = tuning.Field

// TuneProgress is a report after a trial: trial i of n, the best metric
// so far, the time elapsed.
type TuneProgress = service.TuneProgress

// TuneResult is tune's result: the trials, and the version of the model
// the best configuration was saved as.
type TuneResult = service.TuneResult

// Trial is a row of tune and trial_info.
type Trial = service.Trial

// Tune is tune(model, data, ...): it tries o.Trials configurations of the
// kinds searched (seeded quasi-random samples of the space, weak ones
// stopped early by successive halving), ranks them by the metric on their
// validation rows or over cross-validation folds, trains the best on all
// of data and saves it at once as a new version of model, with its
// trials (TrialInfo). The same data, options and seed give the same
// trials and model when the time budget does not bind. Errors are the SQL
// function's, as *dserr.Error values; nothing is saved on an error or a
// cancelled ctx.
func (e *Engine) Tune(ctx context.Context, model, data string, o TuneOptions) (*TuneResult, error) {
	return service.Tune(ctx, e.env(), model, data, o)
}

// TrialInfo is trial_info(model, version := ...): the trials of the tune
// that saved version (0: the latest) of model.
func (e *Engine) TrialInfo(ctx context.Context, model string, version int) ([]Trial, error) {
	return service.TrialInfo(ctx, e.env(), model, version)
}
