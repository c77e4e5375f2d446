//go:build duckdb_arrow

package udf

import (
	"fmt"
	"unsafe"

	"github.com/duckdb/duckdb-go/v2/mapping"
)

// Nested result columns: see "Nested result columns" in the package
// documentation.

// vecw is a vector being written: a result column's or a nested value's
// child. Its data pointer and validity are cached, and refreshed when the
// list it belongs to grows.
type vecw struct {
	v    mapping.Vector
	t    Type
	name string // for messages: reasons[].feature
	data unsafe.Pointer
	n    int      // entries addressable
	mask Validity // writable validity, fetched on first use
	// LIST and MAP: the elements, and how many are written and reserved.
	elem      *vecw
	size, cap int
	// STRUCT, and a MAP's elements: the fields.
	fields []*vecw
}

// newVecw makes the writer of vector v of type t, with n entries
// addressable, and of its children; o collects the lists among them, whose
// sizes it sets when Fill returns.
func newVecw(o *Output, v mapping.Vector, t Type, name string, n int) *vecw {
	if t.q != nil {
		panic(fmt.Sprintf("udf: %s has a data query's column type: pass it through (Output.PassThrough)", name))
	}
	w := &vecw{v: v, t: t, name: name, n: n}
	if n > 0 {
		w.data = mapping.VectorGetData(v)
	}
	switch t.id {
	case mapping.TypeList, mapping.TypeMap:
		w.size = int(mapping.ListVectorGetSize(v))
		w.cap = w.size
		et, en := *t.child, name+"[]"
		if t.id == mapping.TypeMap {
			et = Struct(StructField{Name: "key", Type: *t.child}, StructField{Name: "value", Type: *t.value})
		}
		w.elem = newVecw(o, mapping.ListVectorGetChild(v), et, en, w.cap)
		o.lists = append(o.lists, w)
	case mapping.TypeStruct:
		if t.fields == nil {
			panic(fmt.Sprintf("udf: %s is a STRUCT without declared fields", name))
		}
		w.fields = make([]*vecw, len(*t.fields))
		for k, f := range *t.fields {
			w.fields[k] = newVecw(o, mapping.StructVectorGetChild(v, mapping.IdxT(k)), f.Type, name+"."+f.Name, n)
		}
	}
	return w
}

// refresh takes w's memory again after it was resized to n entries.
func (w *vecw) refresh(n int) {
	w.n = n
	w.data = mapping.VectorGetData(w.v)
	w.mask = nil
	for k, f := range w.fields {
		f.v = mapping.StructVectorGetChild(w.v, mapping.IdxT(k))
		f.refresh(n)
	}
}

// grow reserves room for at least need elements in list w's child.
func (w *vecw) grow(need int) {
	c := max(2*w.cap, VectorSize)
	for c < need {
		c *= 2
	}
	if mapping.ListVectorReserve(w.v, mapping.IdxT(c)) == mapping.StateError {
		panic(fmt.Sprintf("udf: %s: cannot reserve %d list elements", w.name, c))
	}
	w.cap = c
	w.elem.v = mapping.ListVectorGetChild(w.v)
	w.elem.refresh(c)
}

// validity is w's writable validity mask.
func (w *vecw) validity() Validity {
	if w.mask == nil {
		mapping.VectorEnsureValidityWritable(w.v)
		w.mask = Validity(unsafe.Slice((*uint64)(mapping.VectorGetValidity(w.v)), (w.n+63)/64))
	}
	return w.mask
}

// setNull marks entry j NULL; a list's entry gets length 0, a STRUCT's
// fields are NULL too (DuckDB expects both).
func (w *vecw) setNull(j int) {
	if j < 0 || j >= w.n {
		panic(fmt.Sprintf("udf: %s: SetNull(%d) out of range [0, %d)", w.name, j, w.n))
	}
	w.validity().SetNull(j)
	switch w.t.id {
	case mapping.TypeList, mapping.TypeMap:
		w.entries()[j] = listEntry{offset: uint64(w.size)}
	case mapping.TypeStruct:
		for _, f := range w.fields {
			f.setNull(j)
		}
	}
}

// entries is list w's (offset, length) array.
func (w *vecw) entries() []listEntry {
	return unsafe.Slice((*listEntry)(w.data), w.n)
}

// listEntry mirrors duckdb_list_entry: offset and length into the child.
type listEntry struct {
	offset, length uint64
}

// check panics unless w is of type id.
func (w *vecw) check(id mapping.Type, as string) {
	if w.t.id != id {
		panic(fmt.Sprintf("udf: %s is %s, written as %s", w.name, w.t, as))
	}
}

// nested returns the writer of result column col, checked to be of type id,
// or nil when the column is not projected. A column has one writer per
// Fill call, however often it is asked for.
func (o *Output) nested(col int, id mapping.Type) *vecw {
	v, ok := o.vector(col, id)
	if !ok {
		return nil
	}
	if o.cols == nil {
		o.cols = make(map[int]*vecw)
	}
	w := o.cols[col]
	if w == nil {
		w = newVecw(o, v, o.es.bind.cols[col].Type, o.es.bind.cols[col].Name, VectorSize)
		o.cols[col] = w
	}
	return w
}

// finish sets the size of every list written, once Fill is done.
func (o *Output) finish() {
	for _, w := range o.lists {
		mapping.ListVectorSetSize(w.v, mapping.IdxT(w.size))
	}
}

// List returns the writer of LIST column col, or ok=false when the column
// is not projected.
func (o *Output) List(col int) (ListWriter, bool) {
	w := o.nested(col, mapping.TypeList)
	return ListWriter{w}, w != nil
}

// Map returns the writer of MAP column col, or ok=false when the column is
// not projected.
func (o *Output) Map(col int) (MapWriter, bool) {
	w := o.nested(col, mapping.TypeMap)
	return MapWriter{w}, w != nil
}

// Struct returns the writer of STRUCT column col, or ok=false when the
// column is not projected.
func (o *Output) Struct(col int) (StructWriter, bool) {
	w := o.nested(col, mapping.TypeStruct)
	return StructWriter{w}, w != nil
}

// ListWriter writes LIST values: a column's rows, or the elements of a
// nested LIST.
type ListWriter struct{ w *vecw }

// Append makes value i a list of n elements and returns the index of the
// first in Elem; the caller writes elements first to first+n-1. The child
// grows as needed.
func (l ListWriter) Append(i, n int) (first int) { return l.w.append(i, n) }

func (w *vecw) append(i, n int) int {
	e := w.entries()
	if i < 0 || i >= len(e) || n < 0 {
		panic(fmt.Sprintf("udf: %s: Append(%d, %d) out of range [0, %d)", w.name, i, n, len(e)))
	}
	if w.size+n > w.cap {
		w.grow(w.size + n)
	}
	first := w.size
	e[i] = listEntry{offset: uint64(first), length: uint64(n)}
	w.size += n
	return first
}

// SetNull makes value i NULL.
func (l ListWriter) SetNull(i int) { l.w.setNull(i) }

// Elem is the list's elements.
func (l ListWriter) Elem() Child { return Child{l.w.elem} }

// MapWriter writes MAP values: a column's rows, or the elements of a nested
// MAP. DuckDB stores a map as a list of (key, value) entries.
type MapWriter struct{ w *vecw }

// Append makes value i a map of n entries and returns the index of the
// first in Keys and Values; the caller writes entries first to first+n-1,
// with distinct keys that are not NULL. The child grows as needed.
func (m MapWriter) Append(i, n int) (first int) { return m.w.append(i, n) }

// SetNull makes value i NULL.
func (m MapWriter) SetNull(i int) { m.w.setNull(i) }

// Keys is the map's keys.
func (m MapWriter) Keys() Child { return Child{m.w.elem.fields[0]} }

// Values is the map's values.
func (m MapWriter) Values() Child { return Child{m.w.elem.fields[1]} }

// StructWriter writes STRUCT values: a column's rows, or the elements of a
// nested STRUCT. Value j is entry j of every field.
type StructWriter struct{ w *vecw }

// NumFields is the number of fields.
func (s StructWriter) NumFields() int { return len(s.w.fields) }

// Field is field k, in the declared order.
func (s StructWriter) Field(k int) Child { return Child{s.w.fields[k]} }

// SetNull makes value j NULL, and each of its fields.
func (s StructWriter) SetNull(j int) { s.w.setNull(j) }

// Child is a nested value's child vector being written: a LIST's
// elements, a MAP's keys or values, or a STRUCT's field. Its typed views
// check the declared type (and panic on a mismatch), and stay valid while
// the list they belong to grows, until the Fill call returns.
type Child struct{ w *vecw }

// Type is the child's declared type.
func (c Child) Type() Type { return c.w.t }

// SetNull marks entry j NULL.
func (c Child) SetNull(j int) { c.w.setNull(j) }

// Float64s is the view of a DOUBLE child.
func (c Child) Float64s() Values[float64] {
	c.w.check(mapping.TypeDouble, "DOUBLE")
	return Values[float64](c)
}

// Int64s is the view of a BIGINT child.
func (c Child) Int64s() Values[int64] {
	c.w.check(mapping.TypeBigInt, "BIGINT")
	return Values[int64](c)
}

// Int32s is the view of an INTEGER child.
func (c Child) Int32s() Values[int32] {
	c.w.check(mapping.TypeInteger, "INTEGER")
	return Values[int32](c)
}

// Bools is the view of a BOOLEAN child.
func (c Child) Bools() Values[bool] {
	c.w.check(mapping.TypeBoolean, "BOOLEAN")
	return Values[bool](c)
}

// Strings is the view of a VARCHAR child.
func (c Child) Strings() Strings {
	c.w.check(mapping.TypeVarchar, "VARCHAR")
	return Strings(c)
}

// List is the writer of a LIST child.
func (c Child) List() ListWriter {
	c.w.check(mapping.TypeList, "LIST")
	return ListWriter(c)
}

// Map is the writer of a MAP child.
func (c Child) Map() MapWriter {
	c.w.check(mapping.TypeMap, "MAP")
	return MapWriter(c)
}

// Struct is the writer of a STRUCT child.
func (c Child) Struct() StructWriter {
	c.w.check(mapping.TypeStruct, "STRUCT")
	return StructWriter(c)
}

// Values writes fixed-width values (DOUBLE, BIGINT, INTEGER, BOOLEAN) into
// a child vector, straight into its memory.
type Values[T float64 | int64 | int32 | bool] struct{ w *vecw }

// Set writes x at entry j.
func (v Values[T]) Set(j int, x T) { unsafe.Slice((*T)(v.w.data), v.w.n)[j] = x }

// Copy writes xs at entries j to j+len(xs)-1.
func (v Values[T]) Copy(j int, xs []T) { copy(unsafe.Slice((*T)(v.w.data), v.w.n)[j:j+len(xs)], xs) }

// SetNull marks entry j NULL.
func (v Values[T]) SetNull(j int) { v.w.setNull(j) }
