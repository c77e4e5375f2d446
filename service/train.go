//go:build duckdb_arrow

package service

import (
	"context"
	"encoding/json"
	"math"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/store"
	"github.com/ducksight/ducksight/engine/training"
)

// TrainJob is a checked training call (train_perceptron,
// train_boosted_trees) whose data query is prepared: what the SQL
// function holds between DuckDB's bind and its execution. Nothing is read
// or trained until Run. The caller closes it.
type TrainJob struct {
	modelJob
	fn string
	// fit trains on the job's data and returns the result row (without
	// its version) and the record to save; progress is the callback of
	// the options or of ctx.
	fit func(ctx context.Context) (*TrainResult, *store.Record, error)
}

// BindTrainPerceptron checks a train_perceptron(model, data, ...) call
// (the model name, the options with their defaults applied, a writable
// database) and prepares its data query, never running it.
//
// With o.Engine set, data is a table of that engine, and the model trains
// there (docs/scale-out.md): every pass over the rows is one aggregate
// query the engine runs, and nothing reaches it before Run.
func BindTrainPerceptron(ctx context.Context, env Env, model, data string, o TrainOptions) (*TrainJob, error) {
	if o.Engine != "" {
		return bindTrainEngine(ctx, env, model, data, o)
	}
	j, err := bindModelJob(ctx, env, training.Fn, model, data, &o.MemoryLimit, &o)
	if err != nil {
		return nil, err
	}
	t := &TrainJob{modelJob: j, fn: training.Fn}
	t.fit = func(ctx context.Context) (*TrainResult, *store.Record, error) {
		if o.Progress == nil {
			o.Progress = training.ProgressFrom(ctx) // e.g. the shell's progress line
		}
		res, err := training.Train(ctx, Source(t.q), o)
		if err != nil {
			return nil, nil, err
		}
		d := res.Doc
		rec, err := t.record(t.fn, d, d.Kind, &d.Label, d.Features, d.Options, d.Metrics, d.History, res.Seconds)
		if err != nil {
			return nil, nil, err
		}
		gn := math.NaN()
		if d.Metrics.GradientNorm != nil {
			gn = *d.Metrics.GradientNorm
		}
		return &TrainResult{
			Model: t.name, Task: d.Task, Positive: rec.Positive, RowsUsed: d.Metrics.RowsUsed, RowsSkipped: d.Metrics.RowsSkipped,
			Features: d.Features, Inputs: d.Encoder.Width, EpochsRun: d.Metrics.EpochsRun, TrainLoss: d.Metrics.TrainLoss,
			ValidLoss: float64(d.Metrics.ValidLoss), ValidMetric: float64(d.Metrics.ValidMetric), GradientNorm: gn,
			Mode: res.Mode, Notes: res.Notes, Seconds: res.Seconds,
		}, rec, nil
	}
	return t, nil
}

// Run trains and reserves the model's version; the returned PendingSave
// saves it (the SQL function commits it after its last row). o.Progress,
// or else the progress function of ctx (training.WithProgress), is called
// after every epoch.
func (t *TrainJob) Run(ctx context.Context) (*TrainResult, *PendingSave, error) {
	r, rec, err := t.fit(ctx)
	if err != nil {
		return nil, nil, err
	}
	p, err := Reserve(ctx, t.env, t.fn, rec)
	if err != nil {
		return nil, nil, err
	}
	r.Version = p.Version()
	return r, p, nil
}

// TrainPerceptron trains a perceptron or MLP on data and saves it at once
// as a new version of model: train_perceptron for Go callers, with the
// same checks, data query rules, training and errors.
func TrainPerceptron(ctx context.Context, env Env, model, data string, o TrainOptions) (*TrainResult, error) {
	t, err := BindTrainPerceptron(ctx, env, model, data, o)
	if err != nil {
		return nil, Err(ctx, training.Fn, err)
	}
	return t.runNow(ctx)
}

// runNow trains, saves at once and closes the job: the Go API's path.
func (t *TrainJob) runNow(ctx context.Context) (*TrainResult, error) {
	defer t.Close()
	r, rec, err := t.fit(ctx)
	if err == nil {
		r.Version, err = Save(ctx, t.env, t.fn, rec)
	}
	if err != nil {
		return nil, Err(ctx, t.fn, err)
	}
	return r, nil
}

// record is the store row of a document doc that function fn trained
// on the job's data: its kind, label (task, column, a binary model's
// positive class) and features as the row's columns, its options and
// metrics, the timings the document leaves out (so that it is the same
// bit for bit for the same data, options and seed), and the search path
// the data was read under (evaluate(model, NULL) reads it again).
func (j *modelJob) record(fn string, doc any, kind string, le *features.LabelEncoding, feats []string,
	options any, metrics training.Metrics, history []training.Epoch, seconds float64) (*store.Record, error) {
	text, err := json.Marshal(doc)
	if err != nil {
		return nil, dserr.Wrap(dserr.Internal, fn, "", err)
	}
	opts, _ := json.Marshal(options)
	secs := make([]float64, len(history))
	for i, e := range history {
		secs[i] = e.Seconds
	}
	mets, _ := json.Marshal(struct {
		training.Metrics
		Seconds      float64   `json:"seconds"`
		EpochSeconds []float64 `json:"epoch_seconds"`
	}{metrics, seconds, secs})
	positive, _ := le.PositiveClass()
	return &store.Record{
		Name: j.name, Kind: kind, Task: le.Task, Label: le.Column, Features: feats,
		Options: opts, Metrics: mets, Data: j.data, Document: text,
		Positive: positive, Source: j.source(),
	}, nil
}
