//go:build duckdb_arrow

package udf

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
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
	conv, err := newConverter(q.fn, q.arg, q.opts, q.lts, q.names)
	if err != nil {
		return err
	}
	q.conv = conv
	q.schema = conv.schema
	return nil
}

// converter turns columns of DuckDB vectors (a chunk's, or a STRUCT's
// children) into an Arrow record batch. It borrows the logical types and
// options it is made from; it is read-only after newConverter, so several
// goroutines may convert at once, each with its own sub-chunk.
type converter struct {
	fn, arg  string
	opts     arrowmapping.ArrowOptions
	schema   *arrow.Schema
	plan     []colPlan
	subTypes []mapping.LogicalType // the kindConvert columns' types
	subSch   *arrow.Schema         // and their Arrow fields
}

func newConverter(fn, arg string, opts arrowmapping.ArrowOptions, lts []mapping.LogicalType, names []string) (*converter, error) {
	schema, ed := arrowmapping.NewArrowSchema(opts, lts, names)
	if err := errorData(ed); err != nil {
		return nil, dserr.New(dserr.DataQuery, fn, arg, "cannot represent the result in Arrow: %v", err)
	}
	c := &converter{fn: fn, arg: arg, opts: opts, schema: schema, plan: make([]colPlan, len(lts))}
	var fields []arrow.Field
	for i, lt := range lts {
		id := mapping.GetTypeId(lt)
		ft := schema.Field(i).Type
		if w, ok := zeroCopyWidth[id]; ok {
			if fw, ok := ft.(arrow.FixedWidthDataType); ok && fw.BitWidth() == 8*w {
				c.plan[i] = colPlan{kind: kindZeroCopy, width: w}
				continue
			}
		}
		if id == mapping.TypeBoolean && ft.ID() == arrow.BOOL {
			c.plan[i] = colPlan{kind: kindBool}
			continue
		}
		c.plan[i] = colPlan{kind: kindConvert, sub: len(c.subTypes)}
		c.subTypes = append(c.subTypes, lt)
		fields = append(fields, schema.Field(i))
	}
	if len(fields) > 0 {
		c.subSch = arrow.NewSchema(fields, nil)
	}
	return c, nil
}

// newSub makes the chunk convert needs for DuckDB's Arrow converter, or a
// zero chunk when every column converts without it. The caller destroys it.
func (c *converter) newSub() mapping.DataChunk {
	if len(c.subTypes) == 0 {
		return mapping.DataChunk{}
	}
	return mapping.CreateDataChunk(c.subTypes)
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
// DuckDB's chunk. The caller must call Release exactly once. Plain numeric,
// DATE, TIME and TIMESTAMP columns (and their validity) alias the chunk's
// memory, through buffers whose allocator is the chunk (chunkRef, as
// arrow-go's C-data importer ties imported buffers to their ArrowArray): the
// chunk is destroyed when the batch is released and the last buffer taken
// from it (an array or column Retain-ed beyond Release) is released. So
// Retain is honoured: a retained column stays valid until its own Release.
// Retained columns must be released before the database is closed.
type Batch struct {
	// Record holds the chunk's columns.
	Record arrow.RecordBatch
	chunk  *chunkRef
	n      int
}

// Len is the number of rows.
func (b *Batch) Len() int { return b.n }

func (b *Batch) vector(col int) mapping.Vector {
	return mapping.DataChunkGetVector(b.chunk.chunk, mapping.IdxT(col))
}

// Release frees the record and drops the batch's hold on the DuckDB chunk.
func (b *Batch) Release() {
	if b.Record != nil {
		b.Record.Release()
		b.Record = nil
	}
	if b.chunk != nil {
		b.chunk.release()
		b.chunk = nil
	}
}

// chunkRef owns a streamed DuckDB chunk for the Arrow buffers that alias
// its vectors. It is the memory.Allocator of those buffers: it never
// allocates, and Free (called by a buffer's last Release) drops one hold.
// The Batch holds one more; the chunk is destroyed when the last hold goes.
type chunkRef struct {
	holds atomic.Int64
	chunk mapping.DataChunk
}

// liveChunks counts the streamed chunks not yet destroyed (tests check
// that retained columns keep their chunk, and that every chunk goes).
var liveChunks atomic.Int64

func newChunkRef(chunk mapping.DataChunk) *chunkRef {
	c := &chunkRef{chunk: chunk}
	c.holds.Store(1)
	liveChunks.Add(1)
	return c
}

// lend returns a buffer over b, a slice of the chunk's memory, holding the
// chunk until the buffer's last Release.
func (c *chunkRef) lend(b []byte) *memory.Buffer {
	c.holds.Add(1)
	return memory.NewBufferWithAllocator(b, c)
}

func (c *chunkRef) release() {
	switch n := c.holds.Add(-1); {
	case n == 0:
		mapping.DestroyDataChunk(&c.chunk)
		liveChunks.Add(-1)
	case n < 0:
		panic("udf: DuckDB chunk released too many times")
	}
}

func (*chunkRef) Allocate(int) []byte { panic("udf: cannot allocate from a DuckDB chunk") }
func (*chunkRef) Reallocate(int, []byte) []byte {
	panic("udf: cannot reallocate a DuckDB chunk's memory")
}
func (c *chunkRef) Free([]byte) { c.release() }

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

	sub mapping.DataChunk // convert columns, referenced per batch

	// The interrupter goroutine interrupts the nested connection when ctx
	// is cancelled, never after Close: Close stops it and waits for it.
	stop     chan struct{}
	stopped  chan struct{}
	stopOnce sync.Once
	closeMu  sync.Mutex
}

func newReader(ctx context.Context, q *Query, alloc memory.Allocator) (*Reader, error) {
	if err := ctx.Err(); err != nil {
		return nil, dserr.Cancel(q.fn, q.arg, err)
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
	q.track(r)
	if bindings.ExecutePreparedStreaming(q.stmt, &r.res) == mapping.StateError {
		msg := mapping.ResultError(&r.res)
		mapping.DestroyResult(&r.res)
		r.Close()
		return nil, r.failure(msg)
	}
	r.open = true
	r.sub = q.conv.newSub()
	return r, nil
}

func (r *Reader) failure(msg string) error {
	if r.ctx.Err() != nil {
		return dserr.Cancel(r.q.fn, r.q.arg, r.ctx.Err())
	}
	if strings.HasPrefix(msg, "INTERRUPT Error") {
		// Nobody cancelled it (ctx is live and only ctx interrupts): one of
		// DuckDB's threads failed and DuckDB 1.5.6 sometimes reports its
		// interruption of the others instead of that thread's error
		// (about 1 run in 40 of TestErrorMidStream).
		msg += lostError
	}
	return dserr.New(dserr.DataQuery, r.q.fn, r.q.arg, "%s", withHint(msg))
}

// lostError follows DuckDB's "Interrupted!" when ducksight did not
// interrupt the query.
const lostError = " (not a cancel: the query failed in another of DuckDB's threads, whose error DuckDB did not report; run the data query on its own to see it)"

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
			r.err = dserr.Cancel(r.q.fn, r.q.arg, err)
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
			r.err = err
			return nil, err
		}
		r.rows += int64(n)
		return b, nil
	}
}

// Close ends the stream (also mid-way) and frees its resources.
// Close may be called more than once; Query.Close calls it for a Reader
// still open, so the result and the interrupter never outlive the
// connection.
func (r *Reader) Close() {
	r.closeMu.Lock()
	defer r.closeMu.Unlock()
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
	if r.err == nil && !r.done {
		r.err = dserr.New(dserr.Internal, r.q.fn, r.q.arg, "the data query's stream was closed before its end")
	}
	r.q.untrack(r)
}

func (r *Reader) convert(chunk mapping.DataChunk, n int) (*Batch, error) {
	ref := newChunkRef(chunk)
	rec, err := r.q.conv.convert(func(i int) mapping.Vector {
		return mapping.DataChunkGetVector(chunk, mapping.IdxT(i))
	}, r.sub, n, r.alloc, ref.lend)
	if err != nil {
		ref.release()
		return nil, err
	}
	return &Batch{Record: rec, chunk: ref, n: n}, nil
}

// convert makes a record batch of n rows from the vectors vector(i), one
// per column. sub comes from newSub and is reused; alloc allocates the buffers
// that must be converted (BOOLEAN bitmaps). lend, when not nil, wraps the
// vectors' own memory for plain numeric columns and their validity (zero
// copy: lend must tie the vectors' lifetime to the buffers'); when nil,
// those are copied into buffers from alloc. Columns of other types are made
// by DuckDB's Arrow converter and own their memory.
func (c *converter) convert(vector func(int) mapping.Vector, sub mapping.DataChunk, n int, alloc memory.Allocator, lend func([]byte) *memory.Buffer) (arrow.RecordBatch, error) {
	if lend == nil {
		lend = func(b []byte) *memory.Buffer { return copyBuffer(alloc, b) }
	}
	cols := make([]arrow.Array, len(c.plan))
	release := func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}
	if sub.Ptr != nil {
		mapping.DataChunkReset(sub)
		for i, p := range c.plan {
			if p.kind == kindConvert {
				mapping.VectorReferenceVector(mapping.DataChunkGetVector(sub, mapping.IdxT(p.sub)), vector(i))
			}
		}
		mapping.DataChunkSetSize(sub, mapping.IdxT(n))
		rec, ed := arrowmapping.DataChunkToArrowArray(c.opts, c.subSch, sub)
		if err := errorData(ed); err != nil {
			return nil, dserr.New(dserr.DataQuery, c.fn, c.arg, "converting to Arrow: %v", err)
		}
		for i, p := range c.plan {
			if p.kind == kindConvert {
				cols[i] = rec.Column(p.sub)
				cols[i].Retain()
			}
		}
		rec.Release()
	}
	for i, p := range c.plan {
		if p.kind == kindConvert {
			continue
		}
		vec := vector(i)
		valid := mapping.VectorGetValidity(vec)
		var validBytes []byte
		nulls := 0
		if valid != nil {
			validBytes = unsafe.Slice((*byte)(valid), (n+7)/8)
			nulls = array.UnknownNullCount
		}
		dt := c.schema.Field(i).Type
		data := mapping.VectorGetData(vec)
		var bufs [2]*memory.Buffer
		switch p.kind {
		case kindZeroCopy:
			if validBytes != nil {
				bufs[0] = lend(validBytes)
			}
			bufs[1] = lend(unsafe.Slice((*byte)(data), n*p.width))
		case kindBool:
			src := unsafe.Slice((*byte)(data), n)
			bits := memory.NewResizableBuffer(alloc)
			bits.Resize((n + 7) / 8)
			bb := bits.Bytes()
			clear(bb)
			for j, v := range src {
				if v != 0 {
					bb[j>>3] |= 1 << (uint(j) & 7)
				}
			}
			if validBytes != nil {
				// A copy: the bitmap is Go memory, so the validity is too.
				bufs[0] = copyBuffer(alloc, validBytes)
			}
			bufs[1] = bits
		}
		ad := array.NewData(dt, n, bufs[:], nil, nulls, 0)
		cols[i] = array.MakeFromData(ad)
		ad.Release()
		for _, b := range bufs {
			if b != nil {
				b.Release()
			}
		}
	}
	rec := array.NewRecordBatch(c.schema, cols, int64(n))
	release()
	return rec, nil
}

// copyBuffer returns a buffer from alloc holding a copy of b.
func copyBuffer(alloc memory.Allocator, b []byte) *memory.Buffer {
	buf := memory.NewResizableBuffer(alloc)
	buf.Resize(len(b))
	copy(buf.Bytes(), b)
	return buf
}
