//go:build duckdb_arrow

package engine

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/sqlfuncs"
)

// The typed Go API: the model functions of docs/sql.md as methods. Each
// runs the SQL function's own code (package sqlfuncs) on the engine's
// database, with the same checks, data query rules and errors, returned as
// *dserr.Error (function and argument set, test the code with errors.Is).
// Names and data texts are values, never spliced into SQL. The methods use
// the default search path: models live in the engine's default database,
// and data names resolve as in a fresh connection.

// TrainOptions are train_perceptron's named arguments (docs/sql.md). A zero
// value means the documented default; the pointer fields tell "not given"
// from a value whose zero is meaningful.
//
// It is a struct of its own rather than training.Options (or an alias of
// it): training.Options has no "not given" for L2 (its zero is no penalty)
// and marks the seed with a separate SeedGiven flag, which a caller could
// forget; here a nil pointer is the default. TrainOptions maps field by
// field onto it, and training.Options.Validate checks it as it checks SQL's
// arguments.
type TrainOptions struct {
	Label              string    // column to predict (required)
	Features           []string  // input columns (default: all but the label and Exclude)
	Exclude            []string  // columns not to use
	Task               task.Task // task.Auto (the default; also task.None), task.Binary, task.Multiclass or task.Regression
	Hidden             []int     // hidden layer sizes; nil or empty is the single-layer perceptron
	Activation         string    // "relu" (default), "tanh" or "sigmoid"
	Optimizer          string    // "adam" (default) or "sgd"
	LearningRate       float64   // default 0.01
	BatchSize          int       // default 256
	Epochs             int       // default 50
	L2                 *float64  // default 1e-4
	ValidationFraction *float64  // default 0.1; 0 disables validation
	EarlyStopping      *bool     // default true
	Patience           int       // default 5
	ClassWeight        string    // "none" (default) or "balanced"
	Positive           *string   // binary: the positive class, as text (default the larger label value)
	MemoryLimit        string    // default the smaller of "2GB" and DuckDB's memory_limit
	Seed               *int64    // default 42

	// Progress, when set, is called after every epoch, on the goroutine
	// that called TrainPerceptron.
	Progress func(Epoch)
}

// Epoch is a line of the training history: the epoch number (from 1), the
// mean training loss, and the validation loss and metric after it (NaN
// without validation rows).
type Epoch = training.Epoch

func (o *TrainOptions) options() training.Options {
	t := training.Options{
		Label: o.Label, Features: o.Features, Exclude: o.Exclude, Task: o.Task, Hidden: o.Hidden,
		Activation: o.Activation, Optimizer: o.Optimizer, LearningRate: o.LearningRate,
		BatchSize: o.BatchSize, Epochs: o.Epochs, L2: training.DefaultL2,
		ValidationFraction: o.ValidationFraction, EarlyStopping: o.EarlyStopping, Patience: o.Patience,
		ClassWeight: o.ClassWeight, Positive: o.Positive, MemoryLimit: o.MemoryLimit, Progress: o.Progress,
	}
	if o.L2 != nil {
		t.L2 = *o.L2
	}
	if o.Seed != nil {
		t.Seed, t.SeedGiven = *o.Seed, true
	}
	return t
}

// TrainResult is train_perceptron's result row.
type TrainResult = sqlfuncs.TrainRow

// WithProgress returns a context under which every training run (a
// TrainPerceptron call without its own Progress, or a train_perceptron
// statement run with this context through database/sql) calls fn after
// every epoch. The ducksight shell draws its progress line this way.
func WithProgress(ctx context.Context, fn func(Epoch)) context.Context {
	return training.WithProgress(ctx, fn)
}

// TrainPerceptron trains a perceptron or MLP on data and saves it as a new
// version of model name, exactly as train_perceptron(name, data, ...)
// does: data is one read-only query or a table, view or file name, checked
// before anything runs. It returns when the model is saved (or when ctx is
// cancelled, saving nothing).
func (e *Engine) TrainPerceptron(ctx context.Context, name, data string, o TrainOptions) (*TrainResult, error) {
	const fn = "train_perceptron"
	r, err := sqlfuncs.TrainPerceptron(ctx, e.host, "", name, data, o.options())
	if err != nil {
		return nil, apiError(ctx, fn, err)
	}
	return r, nil
}

// PredictOption is an optional argument of Predict.
type PredictOption func(*predictArgs)

type predictArgs struct {
	named map[string]any
}

func (p *predictArgs) set(name string, v any) { p.named[name] = v }

// ModelVersion scores with version v of the model (default the latest).
func ModelVersion(v int) PredictOption {
	return func(p *predictArgs) { p.set("version", int64(v)) }
}

// Threshold sets the probability at or above which a binary model predicts
// the positive class (default 0.5).
func Threshold(t float64) PredictOption {
	return func(p *predictArgs) { p.set("threshold", t) }
}

// Predict scores data with model name, as predict(name, data, ...) does,
// and returns the result as Arrow record batches: every column of data,
// then prediction (and probability for classifiers), the same columns and
// types as SELECT * FROM predict(...).
//
// The call is checked first with predict's own bind (model, version,
// threshold, data query), so the usual errors come back as *dserr.Error;
// then it runs through SQL on a connection of its own, with name, data and
// the options as bound parameters. DuckDB computes the whole result before
// Predict returns (the reader hands out batches of up to 2048 rows of it),
// so memory grows with the result; for very large data, aggregate or write
// it in SQL instead (COPY (SELECT * FROM predict(...)) TO ...).
//
// The caller owns the reader and must call Release when done with it (also
// after an error from Next): that frees the result and the connection. A
// batch from RecordBatch is valid until the next call to Next or Release;
// Retain it to keep it longer. ctx also bounds reading: once it is done,
// Next returns false and Err returns a dserr.Cancelled error. Release every reader
// before closing the engine.
func (e *Engine) Predict(ctx context.Context, name, data string, opts ...PredictOption) (array.RecordReader, error) {
	p := predictArgs{named: map[string]any{}}
	for _, o := range opts {
		o(&p)
	}
	return e.arrowCall(ctx, "predict", name, data, p.named)
}

// Explain is explain(name, data, top_k := topK, version := version): every
// row of data with predict's columns and its reasons, as Arrow record
// batches (released by the caller, as Predict's). topK and version 0 mean
// the defaults (3, the latest).
func (e *Engine) Explain(ctx context.Context, name, data string, topK, version int) (array.RecordReader, error) {
	named := map[string]any{}
	if topK != 0 {
		named["top_k"] = int64(topK)
	}
	if version != 0 {
		named["version"] = int64(version)
	}
	return e.arrowCall(ctx, "explain", name, data, named)
}

// arrowCall binds table function fn(name, data, named...) in Go (its
// errors as *dserr.Error), then runs it through duckdb-go's Arrow API on a
// connection of its own (see callSQL).
func (e *Engine) arrowCall(ctx context.Context, fn, name, data string, named map[string]any) (array.RecordReader, error) {
	if err := sqlfuncs.CheckCall(ctx, e.host, fn, []any{name, data}, named); err != nil {
		return nil, apiError(ctx, fn, err)
	}
	q, vals := callSQL(fn, name, data, named)
	dc, err := e.connector.Connect(ctx)
	if err != nil {
		return nil, apiError(ctx, fn, err)
	}
	ar, err := duckdb.NewArrowFromConn(dc)
	if err != nil {
		return nil, apiError(ctx, fn, errors.Join(err, dc.Close()))
	}
	rr, err := ar.QueryContext(ctx, q, vals...)
	if err != nil {
		_ = dc.Close()
		return nil, apiError(ctx, fn, err)
	}
	r := &connReader{RecordReader: rr, conn: dc, ctx: ctx}
	r.refs.Store(1)
	return r, nil
}

// callSQL is the statement that calls table function fn(name, data,
// named...) with every value a bound parameter; the named arguments' names
// are fixed by the typed calls, never user text, and go in sorted order.
func callSQL(fn, name, data string, named map[string]any) (string, []any) {
	keys := make([]string, 0, len(named))
	for k := range named {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var q strings.Builder
	q.WriteString("SELECT * FROM " + fn + "(?, ?")
	vals := []any{name, data}
	for _, k := range keys {
		q.WriteString(", " + k + " := ?")
		vals = append(vals, named[k])
	}
	q.WriteString(")")
	return q.String(), vals
}

// connReader is a RecordReader that owns the connection its result came
// from and closes it on the last Release. Its errors are *dserr.Error.
type connReader struct {
	array.RecordReader
	conn interface{ Close() error }
	ctx  context.Context
	refs atomic.Int64
}

func (r *connReader) Err() error {
	if err := r.RecordReader.Err(); err != nil {
		return apiError(r.ctx, "predict", err)
	}
	return nil
}

func (r *connReader) Retain() { r.refs.Add(1) }

func (r *connReader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	r.RecordReader.Release()
	_ = r.conn.Close()
}

// ModelInfo is a row of models().
type ModelInfo struct {
	Name        string
	Version     int
	Kind        string    // "perceptron"
	Task        task.Task // task.Binary, task.Multiclass, task.Regression or task.Segmentation
	Label       string
	Features    []string
	Metric      string  // "auc", "accuracy" or "rmse"
	ValidMetric float64 // validation metric of the kept epoch; NaN when there is none
	CreatedAt   time.Time
	Data        string // the data argument it was trained on
}

// Models lists every stored model version, by name then version, as
// models() does. An empty database has none (and no error).
func (e *Engine) Models(ctx context.Context) ([]ModelInfo, error) {
	rows, err := sqlfuncs.ListModels(ctx, e.host, "")
	if err != nil {
		return nil, apiError(ctx, "models", err)
	}
	out := make([]ModelInfo, len(rows))
	for i, m := range rows {
		out[i] = ModelInfo(m)
	}
	return out, nil
}

// DropModel deletes version of model name, or every version when version
// is 0, and returns the versions it deleted, as drop_model does. Deleting
// nothing (no such model or version) is a dserr.NotFound error.
func (e *Engine) DropModel(ctx context.Context, name string, version int) ([]int, error) {
	v, err := sqlfuncs.DropModel(ctx, e.host, "", name, version)
	if err != nil {
		return nil, apiError(ctx, "drop_model", err)
	}
	return v, nil
}

// ExportModel writes version of model name (0: the latest) to the file at
// path, as export_model does: a JSON model file that ImportModel (or
// import_model) reads, replacing an existing file atomically. A relative
// path is relative to the process's working directory. It is refused
// (dserr.Refused) when the database has enable_external_access = false.
func (e *Engine) ExportModel(ctx context.Context, name string, version int, path string) error {
	if _, err := sqlfuncs.ExportModel(ctx, e.host, "", name, version, path); err != nil {
		return apiError(ctx, "export_model", err)
	}
	return nil
}

// ImportModel reads a model file written by ExportModel (or export_model),
// checks it, and saves it as a new version of model name, whatever name
// the file holds; it returns that version, as import_model does. Nothing
// is saved when the file fails a check. It is refused (dserr.Refused) when
// the database has enable_external_access = false, and on a read-only
// database.
func (e *Engine) ImportModel(ctx context.Context, name, path string) (int, error) {
	r, err := sqlfuncs.ImportModel(ctx, e.host, "", name, path)
	if err != nil {
		return 0, apiError(ctx, "import_model", err)
	}
	return r.Version, nil
}

// apiError makes err a *dserr.Error of function fn: a ducksight error
// keeps its text and code (its function set when it had none); an error
// that comes with a cancelled ctx is dserr.Cancelled and wraps ctx's
// error (errors.Is(err, context.DeadlineExceeded) holds); an error that crossed DuckDB as
// text (a statement run through SQL) loses DuckDB's class prefix and
// LINE marker and keeps ducksight's "fn: arg: message" as function,
// argument and message (dserr.DataQuery: what fails once a checked call
// runs is its data query); anything else is dserr.Internal.
func apiError(ctx context.Context, fn string, err error) error {
	if errors.As(err, new(*dserr.Error)) {
		var de *dserr.Error // err's, its function set when it had none
		errors.As(dserr.Wrap(dserr.Internal, fn, "", err), &de)
		// A failure the cancellation caused (a connection or the data
		// query stopping) keeps its text and gets its code; with the
		// context's error in its chain, so errors.Is(err,
		// context.DeadlineExceeded) holds.
		if cerr := ctx.Err(); cerr != nil && (de.Code == dserr.Internal || de.Code == dserr.DataQuery || de.Code == dserr.Cancelled) {
			if de.Code == dserr.Cancelled && errors.Is(de, cerr) {
				return de
			}
			return &dserr.Error{Code: dserr.Cancelled, Func: de.Func, Arg: de.Arg, Msg: de.Msg, Err: errors.Join(de, cerr)}
		}
		return de
	}
	if cerr := ctx.Err(); cerr != nil {
		return &dserr.Error{Code: dserr.Cancelled, Func: fn, Msg: "cancelled: " + cerr.Error(), Err: errors.Join(err, cerr)}
	}
	var dd *duckdb.Error
	if !errors.As(err, &dd) {
		return &dserr.Error{Code: dserr.Internal, Func: fn, Msg: err.Error(), Err: err}
	}
	msg := dd.Msg
	if i := strings.Index(msg, "\n\nLINE "); i >= 0 {
		msg = msg[:i]
	}
	if i := strings.Index(msg, fn+": "); i >= 0 {
		msg = msg[i+len(fn)+2:]
	}
	arg := ""
	for _, a := range []string{"model", "data", "version", "threshold", "path"} {
		if rest, ok := strings.CutPrefix(msg, a+": "); ok {
			arg, msg = a, rest
			break
		}
	}
	return &dserr.Error{Code: dserr.DataQuery, Func: fn, Arg: arg, Msg: msg, Err: err}
}
