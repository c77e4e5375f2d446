package engine

import (
	"context"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// passReader is the RecordReader of a call that streams its data through
// (Predict, Explain, Split): each batch's first nIn columns are the data's
// own arrays, not copied (they keep DuckDB's chunk), and extra builds the
// columns the call adds. It ends the call (end) at the end of the data, on
// an error, or on the last Release.
type passReader struct {
	refs   atomic.Int64
	ctx    context.Context
	fn     string
	schema *arrow.Schema
	nIn    int
	next   func() (*udf.Batch, error)
	// extra returns the added columns of the batch just read, n rows.
	extra  func(n int) ([]arrow.Array, error)
	end    func()
	cur    arrow.RecordBatch
	err    error
	closed bool
}

func newPassReader(ctx context.Context, fn string, schema *arrow.Schema, nIn int, next func() (*udf.Batch, error),
	extra func(n int) ([]arrow.Array, error), end func()) *passReader {
	r := &passReader{ctx: ctx, fn: fn, schema: schema, nIn: nIn, next: next, extra: extra, end: end}
	r.refs.Store(1)
	return r
}

func (r *passReader) Schema() *arrow.Schema { return r.schema }

func (r *passReader) RecordBatch() arrow.RecordBatch { return r.cur }

// Record is RecordBatch.
//
// Deprecated: Use RecordBatch.
func (r *passReader) Record() arrow.RecordBatch { return r.cur }

func (r *passReader) Err() error { return r.err }

func (r *passReader) Retain() { r.refs.Add(1) }

func (r *passReader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	r.close()
}

// close ends the call, once.
func (r *passReader) close() {
	if !r.closed {
		r.closed = true
		r.end()
	}
}

func (r *passReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.closed {
		return false
	}
	if cerr := r.ctx.Err(); cerr != nil {
		return r.fail(dserr.Cancel(r.fn, "", cerr))
	}
	b, err := r.next()
	if err != nil {
		return r.fail(err)
	}
	if b == nil {
		r.close()
		return false
	}
	defer b.Release()
	n := b.Len()
	cols := make([]arrow.Array, 0, r.schema.NumFields())
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	for i := 0; i < r.nIn; i++ {
		c := b.Record.Column(i)
		c.Retain() // the batch's column, not copied: it keeps DuckDB's chunk
		cols = append(cols, c)
	}
	added, err := r.extra(n)
	cols = append(cols, added...)
	if err != nil {
		return r.fail(err)
	}
	r.cur = array.NewRecordBatch(r.schema, cols, int64(n))
	return true
}

// fail records err (as the *dserr.Error Err returns), ends the call and
// returns false.
func (r *passReader) fail(err error) bool {
	r.err = service.Err(r.ctx, r.fn, err)
	r.close()
	return false
}
