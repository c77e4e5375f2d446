//go:build duckdb_arrow

package udf

import (
	"context"
	"sync"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	bindings "github.com/duckdb/duckdb-go-bindings"
	"github.com/duckdb/duckdb-go/v2/arrowmapping"
	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/ducksight/ducksight/dserr"
)

// How a column of a streamed chunk becomes an Arrow array.
type colKind uint8

const (
	// kindZeroCopy: fixed-width values read in place (numbers, DATE,
	// TIME, TIMESTAMP*): the Arrow buffers alias DuckDB's vector, and the
	// validity words are DuckDB's own (LSB first, as in Arrow).
	kindZeroCopy colKind = iota
	// kindBool: DuckDB's byte per row packed into Arrow's bit per row.
	kindBool
	// kindConvert: everything else (VARCHAR, DECIMAL, ENUM, nested types,
	// ...), through DuckDB's own Arrow converter.
	kindConvert
)

type colPlan struct {
	kind  colKind
	width int // bytes per value, kindZeroCopy
	sub   int // index in the convert sub-chunk, kindConvert
}

var zeroCopyWidth = map[mapping.Type]int{
	mapping.TypeTinyInt: 1, mapping.TypeUTinyInt: 1, mapping.TypeSmallInt: 2, mapping.TypeUSmallInt: 2,
	mapping.TypeInteger: 4, mapping.TypeUInteger: 4, mapping.TypeBigInt: 8, mapping.TypeUBigInt: 8,
	mapping.TypeFloat: 4, mapping.TypeDouble: 8, mapping.TypeDate: 4, mapping.TypeTime: 8,
	mapping.TypeTimestamp: 8, mapping.TypeTimestampS: 8, mapping.TypeTimestampMS: 8,
	mapping.TypeTimestampNS: 8, mapping.TypeTimestampTZ: 8,
}

// describe reads the prepared statement's columns and plans their conversion.
func (q *Query) describe() error {
	n := int(mapping.PreparedStatementColumnCount(q.stmt))
	q.names = make([]string, n)
	q.lts = make([]mapping.LogicalType, n)
	for i := 0; i < n; i++ {
		q.names[i] = mapping.PreparedStatementColumnName(q.stmt, mapping.IdxT(i))
		q.lts[i] = mapping.PreparedStatementColumnLogicalType(q.stmt, mapping.IdxT(i))
	}
	arrowmapping.ConnectionGetArrowOptions(q.conn.raw, &q.opts)
	schema, ed := arrowmapping.NewArrowSchema(q.opts, q.lts, q.names)
	if err := errorData(ed); err != nil {
		return dserr.New(dserr.DataQuery, q.fn, q.arg, "cannot represent the result in Arrow: %v", err)
	}
	q.schema = schema
	q.plan = make([]colPlan, n)
	sub := 0
	for i := 0; i < n; i++ {
		id := mapping.GetTypeId(q.lts[i])
		ft := schema.Field(i).Type
		if w, ok := zeroCopyWidth[id]; ok {
			if fw, ok := ft.(arrow.FixedWidthDataType); ok && fw.BitWidth() == 8*w {
				q.plan[i] = colPlan{kind: kindZeroCopy, width: w}
				continue
			}
		}
		if id == mapping.TypeBoolean && ft.ID() == arrow.BOOL {
			q.plan[i] = colPlan{kind: kindBool}
			continue
		}
		q.plan[i] = colPlan{kind: kindConvert, sub: sub}
		sub++
	}
	return nil
}

func errorData(ed mapping.ErrorData) error {
	if ed.Ptr == nil {
		return nil
	}
	defer mapping.DestroyErrorData(&ed)
	if !mapping.ErrorDataHasError(ed) {
		return nil
	}
	return errorString(mapping.ErrorDataMessage(ed))
}

type errorString string

func (e errorString) Error() string { return string(e) }

// Batch is one streamed chunk of a data query: an Arrow record batch over
// DuckDB's chunk. The Reader that returned it owns nothing of it: the caller
// must call Release exactly once, after which Record (and any array taken
// from it without Retain-ing a copy of the data) must not be used.
type Batch struct {
	// Record holds the chunk's columns. Plain numeric columns alias DuckDB's
	// memory and stay valid only until Release.
	Record arrow.RecordBatch
	chunk  mapping.DataChunk
	n      int
}

// Len is the number of rows.
func (b *Batch) Len() int { return b.n }

func (b *Batch) vector(col int) mapping.Vector {
	return mapping.DataChunkGetVector(b.chunk, mapping.IdxT(col))
}

// Release frees the record and the DuckDB chunk.
func (b *Batch) Release() {
	if b.Record != nil {
		b.Record.Release()
		b.Record = nil
	}
	mapping.DestroyDataChunk(&b.chunk)
}

// Reader streams a Query's result.
type Reader struct {
	q     *Query
	ctx   context.Context
	alloc memory.Allocator
	res   mapping.Result
	open  bool
	done  bool
	err   error
	rows  int64

	sub      mapping.DataChunk // convert columns, referenced per batch
	subTypes []mapping.LogicalType
	subSch   *arrow.Schema

	// The interrupter goroutine interrupts the nested connection when ctx
	// is cancelled, never after Close: Close stops it and waits for it.
	stop     chan struct{}
	stopped  chan struct{}
	stopOnce sync.Once
}

func newReader(ctx context.Context, q *Query, alloc memory.Allocator) (*Reader, error) {
	if err := ctx.Err(); err != nil {
		return nil, dserr.New(dserr.Cancelled, q.fn, q.arg, "cancelled: %v", err)
	}
	r := &Reader{q: q, ctx: ctx, alloc: alloc, stop: make(chan struct{}), stopped: make(chan struct{})}
	go func(raw mapping.Connection) {
		defer close(r.stopped)
		select {
		case <-r.stop:
			return
		case <-ctx.Done():
		}
		// Both may be ready; Close wins, so a closed connection is never
		// interrupted.
		select {
		case <-r.stop:
		default:
			mapping.Interrupt(raw)
		}
	}(q.conn.raw)
	if bindings.ExecutePreparedStreaming(q.stmt, &r.res) == mapping.StateError {
		msg := mapping.ResultError(&r.res)
		mapping.DestroyResult(&r.res)
		r.Close()
		return nil, r.failure(msg)
	}
	r.open = true
	var fields []arrow.Field
	for i, p := range q.plan {
		if p.kind == kindConvert {
			r.subTypes = append(r.subTypes, q.lts[i])
			fields = append(fields, q.schema.Field(i))
		}
	}
	if len(fields) > 0 {
		r.sub = mapping.CreateDataChunk(r.subTypes)
		r.subSch = arrow.NewSchema(fields, nil)
	}
	return r, nil
}

func (r *Reader) failure(msg string) error {
	if r.ctx.Err() != nil {
		return dserr.New(dserr.Cancelled, r.q.fn, r.q.arg, "cancelled: %v", r.ctx.Err())
	}
	return dserr.New(dserr.DataQuery, r.q.fn, r.q.arg, "%s", withHint(msg))
}

// Rows is the number of rows returned so far.
func (r *Reader) Rows() int64 { return r.rows }

// Next returns the next batch, or (nil, nil) at the end of the result. A
// query that fails part-way (an error at row 1.5M) returns that error, never
// a silently shortened result. The caller releases each batch.
func (r *Reader) Next() (*Batch, error) {
	if r.err != nil || r.done {
		return nil, r.err
	}
	for {
		if err := r.ctx.Err(); err != nil {
			r.err = dserr.New(dserr.Cancelled, r.q.fn, r.q.arg, "cancelled: %v", err)
			return nil, r.err
		}
		var chunk mapping.DataChunk
		if bindings.StreamFetchChunk(r.res, &chunk) == mapping.StateError {
			// NULL: the end, or an error: the result says which.
			if msg := mapping.ResultError(&r.res); msg != "" {
				r.err = r.failure(msg)
				return nil, r.err
			}
			r.done = true
			return nil, nil
		}
		n := int(mapping.DataChunkGetSize(chunk))
		if n == 0 {
			mapping.DestroyDataChunk(&chunk)
			continue
		}
		b, err := r.convert(chunk, n)
		if err != nil {
			mapping.DestroyDataChunk(&chunk)
			r.err = err
			return nil, err
		}
		r.rows += int64(n)
		return b, nil
	}
}

// Close ends the stream (also mid-way) and frees its resources.
func (r *Reader) Close() {
	r.stopOnce.Do(func() {
		close(r.stop)
		<-r.stopped
	})
	if r.open {
		mapping.DestroyResult(&r.res)
		r.open = false
	}
	if r.sub.Ptr != nil {
		mapping.DestroyDataChunk(&r.sub)
	}
}

func (r *Reader) convert(chunk mapping.DataChunk, n int) (*Batch, error) {
	q := r.q
	cols := make([]arrow.Array, len(q.plan))
	release := func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}
	if r.sub.Ptr != nil {
		mapping.DataChunkReset(r.sub)
		for i, p := range q.plan {
			if p.kind == kindConvert {
				mapping.VectorReferenceVector(mapping.DataChunkGetVector(r.sub, mapping.IdxT(p.sub)),
					mapping.DataChunkGetVector(chunk, mapping.IdxT(i)))
			}
		}
		mapping.DataChunkSetSize(r.sub, mapping.IdxT(n))
		rec, ed := arrowmapping.DataChunkToArrowArray(q.opts, r.subSch, r.sub)
		if err := errorData(ed); err != nil {
			return nil, dserr.New(dserr.DataQuery, q.fn, q.arg, "converting to Arrow: %v", err)
		}
		for i, p := range q.plan {
			if p.kind == kindConvert {
				cols[i] = rec.Column(p.sub)
				cols[i].Retain()
			}
		}
		rec.Release()
	}
	for i, p := range q.plan {
		if p.kind == kindConvert {
			continue
		}
		vec := mapping.DataChunkGetVector(chunk, mapping.IdxT(i))
		valid := mapping.VectorGetValidity(vec)
		var vbuf *memory.Buffer
		nulls := 0
		if valid != nil {
			vbuf = memory.NewBufferBytes(unsafe.Slice((*byte)(valid), (n+7)/8))
			nulls = array.UnknownNullCount
		}
		dt := q.schema.Field(i).Type
		data := mapping.VectorGetData(vec)
		switch p.kind {
		case kindZeroCopy:
			dbuf := memory.NewBufferBytes(unsafe.Slice((*byte)(data), n*p.width))
			ad := array.NewData(dt, n, []*memory.Buffer{vbuf, dbuf}, nil, nulls, 0)
			cols[i] = array.MakeFromData(ad)
			ad.Release()
		case kindBool:
			src := unsafe.Slice((*byte)(data), n)
			bits := memory.NewResizableBuffer(r.alloc)
			bits.Resize((n + 7) / 8)
			bb := bits.Bytes()
			clear(bb)
			for j, v := range src {
				if v != 0 {
					bb[j>>3] |= 1 << (uint(j) & 7)
				}
			}
			var vb *memory.Buffer
			if vbuf != nil {
				// Copy the validity too, so the array does not depend on
				// the chunk more than the numeric columns do.
				vb = memory.NewResizableBuffer(r.alloc)
				vb.Resize((n + 7) / 8)
				copy(vb.Bytes(), vbuf.Bytes())
			}
			ad := array.NewData(dt, n, []*memory.Buffer{vb, bits}, nil, nulls, 0)
			cols[i] = array.MakeFromData(ad)
			ad.Release()
			bits.Release()
			if vb != nil {
				vb.Release()
			}
		}
	}
	rec := array.NewRecordBatch(q.schema, cols, int64(n))
	release()
	return &Batch{Record: rec, chunk: chunk, n: n}, nil
}
