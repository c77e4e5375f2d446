package training

import (
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ducksight/ducksight/engine/bigmem"
)

// retainer keeps a copy of the columns training needs (the candidate
// features and the label) of every batch of the fitting pass, so the rows
// can be encoded from memory instead of streaming the data a second time.
// The copy lives in a bigmem.Arena: the batches a dataset.Source hands out must be
// released after use (they may alias the database's memory), and the copy
// is large and short-lived. Columns of other types (nested, view and
// binary-view layouts) are not copied; they are NULL columns in the copy,
// which is only usable if none of them is needed in the end (see usable).
//
// The copied batches are the source's batches, value for value, validity
// for validity, in the same order and with the same boundaries, so
// encoding them gives what a second pass would, bit for bit.
type retainer struct {
	schema  *arrow.Schema // the source's schema, with NULL for the columns not copied
	copied  []bool        // per column: copied
	missing int           // columns asked for and not copied
	arena   bigmem.Arena
	batches []arrow.RecordBatch
	limit   int64 // memory_limit
	perRow  int64 // bytes per row the encoded cache will need at least

	// Hashing ahead (see hashAhead): per batch, the split hashes of the
	// rows over hashCols, complete once hashed.
	hashCols []int
	hashSeed uint64
	split    [][]uint64
	hashed   bool
}

// newRetainer prepares to copy the columns cols of schema; perRow is the
// least the encoded cache will need per row (the copy and the cache must
// both fit in limit).
func newRetainer(schema *arrow.Schema, cols []int, limit, perRow int64) *retainer {
	r := &retainer{copied: make([]bool, schema.NumFields()), limit: limit, perRow: perRow}
	fields := make([]arrow.Field, schema.NumFields())
	for i := range fields {
		fields[i] = arrow.Field{Name: schema.Field(i).Name, Type: arrow.Null, Nullable: true}
	}
	for _, c := range cols {
		if copyable(schema.Field(c).Type) {
			r.copied[c] = true
			fields[c] = schema.Field(c)
		} else {
			r.missing++
		}
	}
	md := schema.Metadata()
	r.schema = arrow.NewSchema(fields, &md)
	return r
}

// copyable reports whether array.Concatenate copies every buffer of an
// array of type t (it shares the dictionary of a dictionary array and the
// data buffers of a view array, which may alias the source's memory).
func copyable(t arrow.DataType) bool {
	switch t.(type) {
	case *arrow.BooleanType:
		return true
	case arrow.BinaryViewDataType:
		return false
	case arrow.BinaryDataType: // VARCHAR, BLOB, large variants
		return true
	case arrow.FixedWidthDataType: // numbers, decimals, dates, times, timestamps
		_, dict := t.(*arrow.DictionaryType)
		return !dict
	}
	return false
}

// hashAhead asks for the rows' split hashes (with seed) over cols to be
// computed while the data is read (by fitPass), before the fitting decides
// which columns are kept: cols are the candidate features and the label,
// which are the columns hashed when no feature is dropped.
func (r *retainer) hashAhead(cols []int, seed uint64) {
	r.hashCols, r.hashSeed = cols, seed
}

// hashes returns the split hashes computed ahead, if they were computed
// over cols.
func (r *retainer) hashes(cols []int) ([][]uint64, bool) {
	if !r.hashed || !slices.Equal(cols, r.hashCols) {
		return nil, false
	}
	return r.split, true
}

// add copies the needed columns of rec (rows is the number of rows seen so
// far, rec's included) and returns the copy, which stays valid until free.
// The copy's NULL counts are computed, so goroutines may read it at once.
// It reports false when the copy would no longer leave room for the
// encoded cache within the memory limit; the caller then frees the
// retainer and streams a second pass.
func (r *retainer) add(rec arrow.RecordBatch, rows int64) (arrow.RecordBatch, bool, error) {
	n := rec.NumRows()
	cols := make([]arrow.Array, len(r.copied))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	mem := arenaAllocator{&r.arena}
	for i, ok := range r.copied {
		if !ok {
			cols[i] = array.NewNull(int(n))
			continue
		}
		c, err := array.Concatenate([]arrow.Array{rec.Column(i)}, mem)
		if err != nil {
			return nil, false, err
		}
		// An array counts its NULLs on first use, and that count is a
		// write: count them now, before the copy is shared by fitPass's
		// goroutines, which then only read it.
		c.NullN()
		cols[i] = c
	}
	cp := array.NewRecordBatch(r.schema, cols, n)
	r.batches = append(r.batches, cp)
	if r.hashCols != nil && r.complete() {
		// For fitPass's hashing ahead, which writes them whole before
		// they are read (it runs only when the copy is complete).
		r.split = append(r.split, r.arena.RawUint64s(int(n)))
	}
	return cp, r.arena.Used()+rows*r.perRow <= r.limit, nil
}

// complete reports whether every column the retainer was made for is
// copied.
func (r *retainer) complete() bool { return r.missing == 0 }

// usable reports whether the copy holds every column in cols, and the copy
// and a cache of cacheBytes fit within the memory limit together.
func (r *retainer) usable(cols []int, cacheBytes int64) bool {
	for _, c := range cols {
		if !r.copied[c] {
			return false
		}
	}
	return r.arena.Used()+cacheBytes <= r.limit
}

// free releases the copied batches and gives their memory back. Nothing
// may use the batches afterwards. free is idempotent, and a nil retainer
// does nothing.
func (r *retainer) free() {
	if r == nil {
		return
	}
	for _, b := range r.batches {
		b.Release()
	}
	r.batches, r.split = nil, nil
	r.arena.Free()
}

// arenaAllocator is a memory.Allocator over an Arena for
// array.Concatenate: Free does nothing, the arena frees everything at
// once. The memory is not zeroed (the arena's pool hands out used memory,
// and clearing it would cost a pass over the copy): Concatenate writes
// every value, offset and validity bit within the arrays' lengths, which
// is all that the copy's readers look at; only the padding after them is
// left as it was.
type arenaAllocator struct{ a *bigmem.Arena }

func (m arenaAllocator) Allocate(n int) []byte { return m.a.RawBytes(n) }

func (m arenaAllocator) Reallocate(n int, b []byte) []byte {
	if n <= cap(b) {
		return b[:n]
	}
	nb := m.a.RawBytes(n)
	copy(nb, b)
	return nb
}

func (m arenaAllocator) Free([]byte) {}
