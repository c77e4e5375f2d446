//go:build duckdb_arrow

package sqlfuncs

import (
	"context"
	"errors"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/store"
	"github.com/ducksight/ducksight/udf"
)

// A SQL function that saves a model (train_perceptron, segment,
// import_model) commits it as its execution's last step: when DuckDB asks
// for the chunk after the function's last row, which it does only once
// the statement has consumed every row. The version is reserved before the
// first row (store.Reserve), so the rows can name it. An error or a
// cancel while the statement still consumes the rows (a failing
// expression, Ctrl-C) therefore saves nothing, and neither does a
// statement that stops reading early (LIMIT, EXISTS): the execution ends
// without that last request. The save runs on the host's own connection,
// so an error raised after the function finished (a later pipeline, a
// ROLLBACK of the caller's transaction) does not undo it, and a cancel
// landing between the save and the statement's return may report an error
// with the version saved. The Go API calls save at once.

// pendingSave is a model whose version is reserved and whose row is saved
// by commit.
type pendingSave struct {
	h          *udf.Host
	searchPath string
	fn         string
	rec        *store.Record
	version    int
	done       bool
}

// reserveSave reserves the next version of rec.Name for a save that commit
// makes later.
func reserveSave(ctx context.Context, h *udf.Host, searchPath, fn string, rec *store.Record) (*pendingSave, error) {
	conn, err := h.Conn(ctx, searchPath)
	if err != nil {
		return nil, dserr.Wrap(dserr.Internal, fn, "", err)
	}
	defer conn.Close()
	v, err := store.Reserve(ctx, conn, rec.Name)
	if err != nil {
		return nil, saveErr(fn, err)
	}
	return &pendingSave{h: h, searchPath: searchPath, fn: fn, rec: rec, version: v}, nil
}

// commit saves the model under its reserved version, once; nil does
// nothing.
func (p *pendingSave) commit(ctx context.Context) error {
	if p == nil || p.done {
		return nil
	}
	p.done = true
	conn, err := p.h.Conn(ctx, p.searchPath)
	if err != nil {
		return dserr.Wrap(dserr.Internal, p.fn, "", err)
	}
	defer conn.Close()
	if err := store.SaveAt(ctx, conn, p.rec, p.version); err != nil {
		return saveErr(p.fn, err)
	}
	return nil
}

// saveErr is the error of a failed save: the store's own error in fn, or
// "cannot save".
func saveErr(fn string, err error) error {
	if errors.As(err, new(*dserr.Error)) {
		return dserr.Wrap(dserr.Internal, fn, "model", err)
	}
	return dserr.New(dserr.Internal, fn, "model", "cannot save: %v", err)
}
