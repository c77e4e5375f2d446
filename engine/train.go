package engine

import (
	"context"

	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/service"
)

// TrainOptions are train_perceptron's named arguments (docs/sql.md). A
// zero field means the documented default; a pointer field is one whose
// zero is meaningful (L2, ValidationFraction, EarlyStopping, Positive,
// Seed), so nil is its default: Seed: new(int64(7)). Progress, which SQL
// cannot set, is called after every epoch on the goroutine that called
// TrainPerceptron. It is the service's type (training.Options), checked
// by the same code as SQL's arguments.
type TrainOptions = service.TrainOptions

// TrainResult is train_perceptron's result row.
type TrainResult = service.TrainResult

// Epoch is a line of the training history: the epoch number (from 1), the
// mean training loss, and the validation loss and metric after it (NaN
// without validation rows).
type Epoch = training.Epoch

// WithProgress returns a context under which every training run (a
// TrainPerceptron call without its own Progress, or a train_perceptron
// statement run with this context through database/sql) calls fn after
// every epoch. The ducksight shell draws its progress line this way.
func WithProgress(ctx context.Context, fn func(Epoch)) context.Context {
	return training.WithProgress(ctx, fn)
}

// TrainPerceptron trains a perceptron or MLP on data and saves it as a new
// version of model, exactly as train_perceptron(model, data, ...) does:
// data is one read-only query or a table, view or file name, checked
// before anything runs. It returns when the model is saved (or when ctx is
// cancelled, saving nothing). With o.Engine set ("duckdb" or
// "clickhouse://[user@]host:port/database", o.Where, o.Validation and
// o.Exact as SQL's where, validation and exact), data is a table of that
// engine and the model trains there, every pass one aggregate query
// (docs/scale-out.md); cancelling ctx stops the engine's query.
func (e *Engine) TrainPerceptron(ctx context.Context, model, data string, o TrainOptions) (*TrainResult, error) {
	return service.TrainPerceptron(ctx, e.env(), model, data, o)
}

// TreeOptions are train_boosted_trees' named arguments (docs/sql.md), with
// the convention of TrainOptions: a zero field is the default, a nil
// pointer field too (MinChildWeight, L2, ValidationFraction,
// EarlyStopping, Positive, Seed). Progress is called after every round.
type TreeOptions = service.TreeOptions

// TrainBoostedTrees trains gradient-boosted trees on data and saves them
// as a new version of model, exactly as train_boosted_trees(model, data,
// ...) does. The result's EpochsRun is the number of rounds kept.
func (e *Engine) TrainBoostedTrees(ctx context.Context, model, data string, o TreeOptions) (*TrainResult, error) {
	return service.TrainBoostedTrees(ctx, e.env(), model, data, o)
}
