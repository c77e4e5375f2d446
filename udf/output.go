//go:build duckdb_arrow

package udf

import (
	"fmt"
	"time"
	"unsafe"

	"github.com/duckdb/duckdb-go/v2/mapping"
)

// VectorSize is DuckDB's chunk capacity (STANDARD_VECTOR_SIZE, 2048).
var VectorSize = int(mapping.VectorSize())

// Output is the chunk a table function fills on one Fill call. Columns are
// addressed by their index in the function's result schema; when DuckDB's
// projection pushdown drops a column, its accessors return nil and writes to
// it are skipped, so a writer can test Projected and skip the work.
//
// Values are written straight into DuckDB's vectors: the typed slices alias
// vector memory and are valid only during the Fill call.
type Output struct {
	chunk mapping.DataChunk
	es    *execState
	n     int
	cols  map[int]*vecw // nested columns' writers (see List)
	lists []*vecw       // every LIST and MAP being written, nested ones too
}

func newOutput(chunk mapping.DataChunk, es *execState) *Output {
	return &Output{chunk: chunk, es: es}
}

// Capacity is the most rows one chunk holds.
func (o *Output) Capacity() int { return VectorSize }

// SetLen sets the number of rows written; 0 ends the result.
func (o *Output) SetLen(n int) {
	if n < 0 || n > VectorSize {
		panic(fmt.Sprintf("udf: Output.SetLen(%d) out of range", n))
	}
	o.n = n
}

// Len is the number of rows set so far.
func (o *Output) Len() int { return o.n }

// Projected reports whether result column col is wanted by the query.
func (o *Output) Projected(col int) bool { return o.es.proj[col] >= 0 }

func (o *Output) vector(col int, want mapping.Type) (mapping.Vector, bool) {
	j := o.es.proj[col]
	if j < 0 {
		return mapping.Vector{}, false
	}
	if got := o.es.bind.cols[col].Type.id; want != mapping.TypeInvalid && got != want {
		panic(fmt.Sprintf("udf: column %d (%s) is type %d, accessed as %d", col, o.es.bind.cols[col].Name, got, want))
	}
	return mapping.DataChunkGetVector(o.chunk, mapping.IdxT(j)), true
}

// values returns column col's value array, or nil when it is not projected.
func values[T any](o *Output, col int, t mapping.Type) []T {
	v, ok := o.vector(col, t)
	if !ok {
		return nil
	}
	return vecSlice[T](v)
}

func vecSlice[T any](v mapping.Vector) []T {
	return unsafe.Slice((*T)(mapping.VectorGetData(v)), VectorSize)
}

// Float64s returns the DOUBLE column's values, or nil when not projected.
func (o *Output) Float64s(col int) []float64 { return values[float64](o, col, mapping.TypeDouble) }

// Int64s returns the BIGINT column's values, or nil when not projected.
func (o *Output) Int64s(col int) []int64 { return values[int64](o, col, mapping.TypeBigInt) }

// Int32s returns the INTEGER column's values, or nil when not projected.
func (o *Output) Int32s(col int) []int32 { return values[int32](o, col, mapping.TypeInteger) }

// Bools returns the BOOLEAN column's values (a byte per row, as DuckDB
// stores them), or nil when not projected.
func (o *Output) Bools(col int) []bool { return values[bool](o, col, mapping.TypeBoolean) }

// Validity is a column's validity mask: bit i%64 of word i/64 set means row
// i is valid (not NULL), LSB first, as in Arrow.
type Validity []uint64

// SetNull marks row i NULL.
func (m Validity) SetNull(i int) { m[i>>6] &^= 1 << (uint(i) & 63) }

// SetValid marks row i valid.
func (m Validity) SetValid(i int) { m[i>>6] |= 1 << (uint(i) & 63) }

// Validity returns the column's writable validity mask with every row valid,
// or nil when the column is not projected.
func (o *Output) Validity(col int) Validity {
	v, ok := o.vector(col, mapping.TypeInvalid)
	if !ok {
		return nil
	}
	m := writableMask(v)
	for i := range m {
		m[i] = ^uint64(0)
	}
	return m
}

// writableMask returns v's validity words, made writable.
func writableMask(v mapping.Vector) Validity {
	mapping.VectorEnsureValidityWritable(v)
	return Validity(unsafe.Slice((*uint64)(mapping.VectorGetValidity(v)), VectorSize/64))
}

// Strings writes VARCHAR values: a result column's (Output.Strings,
// ScalarOutput.Strings) or a nested value's child (Child.Strings).
type Strings struct{ w *vecw }

// stringT mirrors duckdb_string_t: a length, then either 12 inlined bytes or
// a 4-byte prefix and a pointer into the vector's string heap.
type stringT struct {
	length uint32
	inl    [12]byte
}

// Strings returns a writer for VARCHAR column col, or ok=false when the
// column is not projected.
func (o *Output) Strings(col int) (Strings, bool) {
	v, ok := o.vector(col, mapping.TypeVarchar)
	if !ok {
		return Strings{}, false
	}
	return stringsOf(v), true
}

// stringsOf is the writer of a chunk's VARCHAR vector v.
func stringsOf(v mapping.Vector) Strings {
	return Strings{&vecw{v: v, t: Varchar, name: "VARCHAR result", data: mapping.VectorGetData(v), n: VectorSize}}
}

// Set writes s at row i. Strings of up to 12 bytes are inlined straight into
// the vector (no cgo call); longer ones are copied into the vector's heap.
func (w Strings) Set(i int, s string) {
	d := &unsafe.Slice((*stringT)(w.w.data), w.w.n)[i]
	if len(s) <= 12 {
		d.length = uint32(len(s))
		d.inl = [12]byte{}
		copy(d.inl[:], s)
		return
	}
	mapping.VectorAssignStringElement(w.w.v, mapping.IdxT(i), s)
}

// SetNull marks row i NULL.
func (w Strings) SetNull(i int) { w.w.setNull(i) }

// PassThrough makes result column col reference column srcCol of batch b,
// without copying or converting its values; the result column must have been
// declared with that column's type (Query.ColumnType). The chunk's length
// must be b.Len().
func (o *Output) PassThrough(col int, b *Batch, srcCol int) {
	v, ok := o.vector(col, mapping.TypeInvalid)
	if !ok {
		return
	}
	mapping.VectorReferenceVector(v, b.vector(srcCol))
}

// SetInt writes an integer into a column of any integer type up to BIGINT.
func (o *Output) SetInt(col, i int, v int64) {
	v0, ok := o.vector(col, mapping.TypeInvalid)
	if !ok {
		return
	}
	switch o.es.bind.cols[col].Type.id {
	case mapping.TypeBigInt:
		vecSlice[int64](v0)[i] = v
	case mapping.TypeInteger:
		vecSlice[int32](v0)[i] = int32(v)
	case mapping.TypeSmallInt:
		vecSlice[int16](v0)[i] = int16(v)
	case mapping.TypeTinyInt:
		vecSlice[int8](v0)[i] = int8(v)
	case mapping.TypeUBigInt:
		vecSlice[uint64](v0)[i] = uint64(v)
	case mapping.TypeUInteger:
		vecSlice[uint32](v0)[i] = uint32(v)
	case mapping.TypeUSmallInt:
		vecSlice[uint16](v0)[i] = uint16(v)
	case mapping.TypeUTinyInt:
		vecSlice[uint8](v0)[i] = uint8(v)
	default:
		panic(fmt.Sprintf("udf: SetInt on column %d (%s)", col, o.es.bind.cols[col].Name))
	}
}

// SetNull marks row i of column col NULL, leaving other rows' validity as
// it is (unlike Validity, which resets the mask).
func (o *Output) SetNull(col, i int) {
	v, ok := o.vector(col, mapping.TypeInvalid)
	if !ok {
		return
	}
	writableMask(v).SetNull(i)
}

// SetTimestamp writes t into a TIMESTAMP column (microseconds since the
// epoch, UTC) or a DATE column (its day, UTC).
func (o *Output) SetTimestamp(col, i int, t time.Time) {
	if o.es.bind.cols[col].Type.id == mapping.TypeDate {
		// A DATE column: the day of t (UTC).
		days := t.Unix() / 86400
		if t.Unix()%86400 < 0 {
			days--
		}
		values[int32](o, col, mapping.TypeDate)[i] = int32(days)
		return
	}
	values[int64](o, col, mapping.TypeTimestamp)[i] = t.UnixMicro()
}
