//go:build duckdb_arrow

package engine

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/sqlfuncs"
)

// The typed Go API: the model functions of docs/sql.md as methods. Each
// runs the SQL function's own code (package sqlfuncs) on the engine's
// database, with the same checks, data query rules and errors, returned as
// *dserr.Error (function and argument set, test the code with errors.Is).
// Names and data texts are values, never spliced into SQL. The methods use
// the default search path: models live in the engine's default database,
// and data names resolve as in a fresh connection.

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
