//go:build duckdb_arrow

package service

import (
	"context"
	"math"

	"github.com/ducksight/ducksight/engine/store"
	"github.com/ducksight/ducksight/engine/training"
)

// BindTrainBoostedTrees checks a train_boosted_trees(model, data, ...)
// call (the model name, the options with their defaults applied, a
// writable database) and prepares its data query, never running it: the
// same checks, in the same order, as BindTrainPerceptron.
func BindTrainBoostedTrees(ctx context.Context, env Env, model, data string, o TreeOptions) (*TrainJob, error) {
	const fn = training.TreesFn
	j, err := bindModelJob(ctx, env, fn, model, data, &o.MemoryLimit, &o)
	if err != nil {
		return nil, err
	}
	t := &TrainJob{modelJob: j, fn: fn}
	t.fit = func(ctx context.Context) (*TrainResult, *store.Record, error) {
		if o.Progress == nil {
			o.Progress = training.ProgressFrom(ctx)
		}
		res, err := training.TrainTrees(ctx, Source(t.q), o)
		if err != nil {
			return nil, nil, err
		}
		d := res.Doc
		rec, err := t.record(fn, d, d.Kind, &d.Label, d.Features, d.Options, d.Metrics, d.History, res.Seconds)
		if err != nil {
			return nil, nil, err
		}
		return &TrainResult{
			Model: t.name, Task: d.Task, Positive: rec.Positive, RowsUsed: d.Metrics.RowsUsed, RowsSkipped: d.Metrics.RowsSkipped,
			Features: d.Features, Inputs: len(d.Model.Columns), EpochsRun: d.Metrics.BestEpoch, TrainLoss: d.Metrics.TrainLoss,
			ValidLoss: float64(d.Metrics.ValidLoss), ValidMetric: float64(d.Metrics.ValidMetric), GradientNorm: math.NaN(),
			Mode: "cached", Notes: res.Notes, Seconds: res.Seconds,
		}, rec, nil
	}
	return t, nil
}

// TrainBoostedTrees trains boosted trees on data and saves them at once
// as a new version of model: train_boosted_trees for Go callers.
func TrainBoostedTrees(ctx context.Context, env Env, model, data string, o TreeOptions) (*TrainResult, error) {
	t, err := BindTrainBoostedTrees(ctx, env, model, data, o)
	if err != nil {
		return nil, Err(ctx, training.TreesFn, err)
	}
	return t.runNow(ctx)
}
