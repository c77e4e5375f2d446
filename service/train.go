//go:build duckdb_arrow

package service

import (
	"context"
	"encoding/json"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/store"
	"github.com/ducksight/ducksight/engine/training"
)

// TrainJob is a checked train_perceptron call whose data query is
// prepared: what the SQL function holds between DuckDB's bind and its
// execution. Nothing is read or trained until Run. The caller closes it.
type TrainJob struct {
	modelJob
	o TrainOptions
}

// BindTrainPerceptron checks a train_perceptron(model, data, ...) call
// (the model name, the options with their defaults applied, a writable
// database) and prepares its data query, never running it.
func BindTrainPerceptron(ctx context.Context, env Env, model, data string, o TrainOptions) (*TrainJob, error) {
	j, err := bindModelJob(ctx, env, training.Fn, model, data, &o.MemoryLimit, &o)
	if err != nil {
		return nil, err
	}
	return &TrainJob{modelJob: j, o: o}, nil
}

// Run trains and reserves the model's version; the returned PendingSave
// saves it (the SQL function commits it after its last row). o.Progress,
// or else the progress function of ctx (training.WithProgress), is called
// after every epoch.
func (t *TrainJob) Run(ctx context.Context) (*TrainResult, *PendingSave, error) {
	r, rec, err := t.train(ctx)
	if err != nil {
		return nil, nil, err
	}
	p, err := Reserve(ctx, t.env, training.Fn, rec)
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
	defer t.Close()
	r, rec, err := t.train(ctx)
	if err == nil {
		r.Version, err = Save(ctx, t.env, training.Fn, rec)
	}
	if err != nil {
		return nil, Err(ctx, training.Fn, err)
	}
	return r, nil
}

// train trains and returns the result row (without its version) and the
// record to save.
func (t *TrainJob) train(ctx context.Context) (*TrainResult, *store.Record, error) {
	o := t.o
	if o.Progress == nil {
		o.Progress = training.ProgressFrom(ctx) // e.g. the shell's progress line
	}
	res, err := training.Train(ctx, Source(t.q), o)
	if err != nil {
		return nil, nil, err
	}
	rec, err := modelRecord(t.name, t.data, res)
	if err != nil {
		return nil, nil, err
	}
	d := res.Doc
	return &TrainResult{
		Model: t.name, Task: d.Task, RowsUsed: d.Metrics.RowsUsed, RowsSkipped: d.Metrics.RowsSkipped,
		Features: d.Features, Inputs: d.Encoder.Width, EpochsRun: d.Metrics.EpochsRun, TrainLoss: d.Metrics.TrainLoss,
		ValidLoss: float64(d.Metrics.ValidLoss), ValidMetric: float64(d.Metrics.ValidMetric),
		Mode: res.Mode, Notes: res.Notes, Seconds: res.Seconds,
	}, rec, nil
}

// modelRecord is the store row of a trained document.
func modelRecord(name, data string, res *training.Result) (*store.Record, error) {
	d := res.Doc
	doc, err := training.MarshalDocument(d)
	if err != nil {
		return nil, dserr.Wrap(dserr.Internal, training.Fn, "", err)
	}
	opts, _ := json.Marshal(d.Options)
	// The metrics column adds the timings, which the document leaves out
	// so that it is the same bit for bit for the same data, options and seed.
	secs := make([]float64, len(d.History))
	for i, e := range d.History {
		secs[i] = e.Seconds
	}
	mets, _ := json.Marshal(struct {
		training.Metrics
		Seconds      float64   `json:"seconds"`
		EpochSeconds []float64 `json:"epoch_seconds"`
	}{d.Metrics, res.Seconds, secs})
	return &store.Record{
		Name: name, Kind: d.Kind, Task: d.Task, Label: d.Label.Column, Features: d.Features,
		Options: opts, Metrics: mets, Data: data, Document: doc,
	}, nil
}
