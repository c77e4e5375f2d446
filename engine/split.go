package engine

import (
	"context"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/service"
)

// SplitOptions are split's named arguments (docs/sql.md): nil Fractions
// are [0.8, 0.2] (service.DefaultSplitFractions; an empty non-nil slice
// is an error, as fractions := [] is), empty By hashes every column, a
// nil Seed is 42 (service.DefaultSplitSeed).
type SplitOptions = service.SplitOptions

// Split assigns every row of data to a part, as split(data, ...) does,
// and returns the result as Arrow record batches: every column of data,
// then split (int32, SQL's INTEGER), the row's part 1..len(Fractions),
// the columns and types of SELECT * FROM split(...). A row's part is
// chosen by a hash of its values in the By columns and the seed, so rows
// that agree on them land in the same part whatever the data's order or
// batching. data is one read-only query or a table, view or file name,
// checked before anything runs.
//
// The options are checked and data prepared here; errors are the SQL
// function's, as *dserr.Error values. The data then streams as the reader
// is read, in bounded memory; the data's columns are not copied. The
// caller owns the reader and releases it as Predict's.
func (e *Engine) Split(ctx context.Context, data string, o SplitOptions) (array.RecordReader, error) {
	const fn = "split"
	s, err := service.BindSplit(ctx, e.env(), data, o)
	if err != nil {
		return nil, service.Err(ctx, fn, err)
	}
	run, err := s.Start(ctx)
	if err != nil {
		s.Close()
		return nil, service.Err(ctx, fn, err)
	}
	r := &splitReader{ctx: ctx, s: s, run: run, schema: s.Schema(), mem: memory.DefaultAllocator}
	r.refs.Store(1)
	return r, nil
}

// splitReader is the RecordReader of Split: it owns the Splitter (the
// data query and its connection) and its run, and closes them at the end
// of the data, on an error, or on the last Release.
type splitReader struct {
	refs   atomic.Int64
	ctx    context.Context
	s      *service.Splitter
	run    *service.SplitRun
	schema *arrow.Schema
	mem    memory.Allocator
	cur    arrow.RecordBatch
	err    error
	closed bool
}

func (r *splitReader) Schema() *arrow.Schema { return r.schema }

func (r *splitReader) RecordBatch() arrow.RecordBatch { return r.cur }

// Record is RecordBatch.
//
// Deprecated: Use RecordBatch.
func (r *splitReader) Record() arrow.RecordBatch { return r.cur }

func (r *splitReader) Err() error { return r.err }

func (r *splitReader) Retain() { r.refs.Add(1) }

func (r *splitReader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	r.close()
}

// close ends the run and closes the Splitter, once.
func (r *splitReader) close() {
	if !r.closed {
		r.closed = true
		r.run.Close()
		r.s.Close()
	}
}

func (r *splitReader) Next() bool {
	const fn = "split"
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.closed {
		return false
	}
	if cerr := r.ctx.Err(); cerr != nil {
		return r.fail(dserr.Cancel(fn, "", cerr))
	}
	b, err := r.run.Next()
	if err != nil {
		return r.fail(err)
	}
	if b == nil {
		r.close()
		return false
	}
	defer b.Release()
	nIn := r.s.NumInputs()
	cols := make([]arrow.Array, 0, nIn+1)
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	for i := 0; i < nIn; i++ {
		c := b.Record.Column(i)
		c.Retain() // the batch's column, not copied: it keeps DuckDB's chunk
		cols = append(cols, c)
	}
	pb := array.NewInt32Builder(r.mem)
	pb.AppendValues(r.run.Parts(), nil)
	cols = append(cols, pb.NewArray())
	pb.Release()
	r.cur = array.NewRecordBatch(r.schema, cols, int64(b.Len()))
	return true
}

// fail records err (as the *dserr.Error Err returns), ends the run and
// returns false.
func (r *splitReader) fail(err error) bool {
	r.err = service.Err(r.ctx, "split", err)
	r.close()
	return false
}
