package features

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Binding is an Encoder resolved against the schema of the data to
// encode: each feature's column position and a type check done once. It
// holds no per-batch state, so one Binding may encode batches from several
// goroutines at once. The Encoder must not change while it is bound.
type Binding struct {
	enc   *Encoder
	cols  []boundCol
	width int
}

// boundCol is one ColumnEncoding with its position in the data and what
// encoding needs precomputed.
type boundCol struct {
	name  string
	index int
	typ   arrow.DataType // of the data column
	kind  string
	off   int

	// numeric-like: out = (x - mean) * inv, NULL -> impute (+ indicator),
	// x as toFloats converts it
	mean, inv, impute float64
	ind               bool

	// categorical
	slots    map[string]int32 // level -> one-hot input (within the column)
	other    int32            // input of 'other', or -1
	null     int32            // input of NULL, or -1
	otherAny bool
	width    int
	scale    float64
}

// Bind resolves e's columns in schema: names match exactly or else
// case-insensitively (as DuckDB binds names), in any order, and columns e
// does not use are ignored. A missing column is an error naming it and
// listing the data's columns; so is a column whose type cannot be encoded
// as stored (a type of another kind: numeric covers every integer, float
// and decimal type, date both Arrow date types, timestamp any unit and
// zone, categorical VARCHAR in any Arrow string layout and ENUM). A damaged
// Encoder (see Validate) is an error too.
func (e *Encoder) Bind(schema *arrow.Schema) (*Binding, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	b := &Binding{enc: e, width: e.Width, cols: make([]boundCol, len(e.Columns))}
	for i := range e.Columns {
		c := &e.Columns[i]
		idx, err := findColumn(schema, c.Name)
		if err != nil {
			return nil, err
		}
		fld := schema.Field(idx)
		if k := kindOf(fld.Type); k != c.Kind {
			trained := c.Kind
			if c.Type != "" {
				trained += ", trained on " + SQLTypeName(c.Type)
			}
			return nil, fmt.Errorf("column %q has type %s in the data, which cannot be encoded as the model's %s", c.Name, SQLType(fld.Type), trained)
		}
		bc := boundCol{name: c.Name, index: idx, typ: fld.Type, kind: c.Kind, off: c.Offset, width: c.Width}
		switch c.Kind {
		case KindCategorical:
			bc.scale = c.scale()
			bc.slots = make(map[string]int32, len(c.Levels)+len(c.OtherLevels))
			for j, l := range c.Levels {
				bc.slots[l] = int32(j)
			}
			bc.other, bc.null = -1, -1
			next := int32(len(c.Levels))
			if c.Other {
				bc.other = next
				next++
				for _, l := range c.OtherLevels {
					if _, dup := bc.slots[l]; !dup {
						bc.slots[l] = bc.other
					}
				}
				bc.otherAny = c.OtherAny
			}
			if c.NullLevel {
				bc.null = next
			}
		case KindBoolean:
			bc.mean, bc.inv, bc.impute, bc.ind = 0, 1, c.Mean, c.Indicator
		default:
			bc.mean, bc.inv, bc.impute, bc.ind = c.Mean, 1/c.Std, 0, c.Indicator
		}
		b.cols[i] = bc
	}
	return b, nil
}

// Encoder is the Encoder b was bound from.
func (b *Binding) Encoder() *Encoder { return b.enc }

// check panics unless rec has the bound columns with the bound types.
func (b *Binding) check(rec arrow.RecordBatch) {
	for i := range b.cols {
		c := &b.cols[i]
		if int64(c.index) >= rec.NumCols() || !arrow.TypeEqual(rec.Column(c.index).DataType(), c.typ) {
			panic(fmt.Sprintf("features: batch does not have the schema the encoder was bound to (column %q)", c.name))
		}
	}
}

// BadRows sets skip[i] for each row not yet skipped whose value in a
// feature column is NaN or ±Inf, and returns how many rows it marked
// (Encode would otherwise write NaN or ±Inf for them). len(skip) must be
// rec.NumRows(). rec is not released.
func (b *Binding) BadRows(rec arrow.RecordBatch, skip []bool) int {
	if len(skip) != int(rec.NumRows()) {
		panic(fmt.Sprintf("features: BadRows: %d skip flags for %d rows", len(skip), rec.NumRows()))
	}
	b.check(rec)
	n := 0
	for i := range b.cols {
		n += markBad(rec.Column(b.cols[i].index), skip)
	}
	return n
}

// Encode writes the inputs of rec's rows that skip does not mark (skip is
// nil or has one flag per row) into out, row-major: row r of the result
// occupies out[r*Width : (r+1)*Width]. It returns the number of rows
// written. out must hold at least that many rows; rec must have the
// schema given to Bind (Encode panics otherwise). The caller keeps
// ownership of rec and releases it; out keeps no reference to it.
//
// Each column is converted by a loop specialised to its Arrow type, chosen
// once per batch, over blocks of rows small enough that the block of out
// being written stays in cache. A NaN or ±Inf feature value is written
// through standardisation as NaN or ±Inf: call BadRows first to skip such
// rows.
func (b *Binding) Encode(rec arrow.RecordBatch, skip []bool, out []float64) int {
	n := int(rec.NumRows())
	b.check(rec)
	sel, done := selection(skip, n)
	defer done()
	rows := n
	if sel != nil {
		rows = len(sel)
	}
	w := b.width
	if len(out) < rows*w {
		panic(fmt.Sprintf("features: Encode: out holds %d values, %d rows need %d", len(out), rows, rows*w))
	}
	if rows == 0 {
		return 0
	}
	out = out[:rows*w]
	ws := make([]writer, len(b.cols))
	for i := range b.cols {
		ws[i] = b.cols[i].writer(rec.Column(b.cols[i].index))
	}
	block := max(16, blockValues/w)
	for lo := 0; lo < rows; lo += block {
		hi := min(lo+block, rows)
		for _, wr := range ws {
			wr.write(out, w, sel, lo, hi)
		}
	}
	return rows
}

// blockValues is how many output values a block of rows spans (8 KiB):
// columns are written one after another over a block, so the block should
// stay in the L1 cache. With BenchmarkEncode, 512 to 2048 were alike and
// 8192 and above slower.
const blockValues = 1024

// selection lists the rows skip keeps, or returns nil when it keeps all,
// and the function that gives the list back (see scratch).
func selection(skip []bool, n int) ([]int32, func()) {
	if skip == nil {
		return nil, func() {}
	}
	if len(skip) != n {
		panic(fmt.Sprintf("features: %d skip flags for %d rows", len(skip), n))
	}
	k := 0
	for _, s := range skip {
		if s {
			k++
		}
	}
	if k == 0 {
		return nil, func() {}
	}
	sel, done := scratch[int32](&int32Scratch, n-k)
	sel = sel[:0]
	for i, s := range skip {
		if !s {
			sel = append(sel, int32(i))
		}
	}
	return sel, done
}

// writer writes one column's inputs for output rows [lo, hi): output row r
// comes from input row sel[r], or r when sel is nil.
type writer interface {
	write(out []float64, w int, sel []int32, lo, hi int)
}

// writer picks the loop for one batch of the column.
func (c *boundCol) writer(a arrow.Array) writer {
	if c.kind == KindCategorical {
		return &oneHotWriter{c: c, slots: c.slotsOf(a)}
	}
	bm, off := validity(a)
	switch v := a.(type) {
	case *array.Float64:
		return &numWriter[float64]{c: c, vals: v.Float64Values(), bm: bm, off: off}
	case *array.Float32:
		return &numWriter[float32]{c: c, vals: v.Float32Values(), bm: bm, off: off}
	case *array.Int64:
		return &numWriter[int64]{c: c, vals: v.Int64Values(), bm: bm, off: off}
	case *array.Int32:
		return &numWriter[int32]{c: c, vals: v.Int32Values(), bm: bm, off: off}
	case *array.Int16:
		return &numWriter[int16]{c: c, vals: v.Int16Values(), bm: bm, off: off}
	case *array.Int8:
		return &numWriter[int8]{c: c, vals: v.Int8Values(), bm: bm, off: off}
	case *array.Uint64:
		return &numWriter[uint64]{c: c, vals: v.Uint64Values(), bm: bm, off: off}
	case *array.Uint32:
		return &numWriter[uint32]{c: c, vals: v.Uint32Values(), bm: bm, off: off}
	case *array.Uint16:
		return &numWriter[uint16]{c: c, vals: v.Uint16Values(), bm: bm, off: off}
	case *array.Uint8:
		return &numWriter[uint8]{c: c, vals: v.Uint8Values(), bm: bm, off: off}
	case *array.Date32:
		return &numWriter[arrow.Date32]{c: c, vals: v.Date32Values(), bm: bm, off: off}
	}
	// Booleans, decimals, timestamps and DATE64 (which need a division):
	// convert the batch once, with fitting's conversion, then the float64
	// loop.
	vals := make([]float64, a.Len())
	if !toFloats(a, vals) {
		panic("features: no encoding loop for " + a.DataType().String())
	}
	return &numWriter[float64]{c: c, vals: vals, bm: bm, off: off}
}

// numWriter standardises a numeric-like column with values of type T.
type numWriter[T number] struct {
	c    *boundCol
	vals []T
	bm   []byte // validity, nil when no NULLs
	off  int
}

func (nw *numWriter[T]) write(out []float64, w int, sel []int32, lo, hi int) {
	c := nw.c
	dst := out[lo*w+c.off:]
	n := hi - lo
	switch {
	case sel == nil:
		// Every row: the dense loop, then the NULLs patched over.
		denseLoop(dst, w, nw.vals[lo:hi], c.mean, c.inv)
		if c.ind {
			zeroLoop(dst[1:], w, n)
		}
		if nw.bm != nil {
			patchNulls(dst, w, n, nw.bm, nw.off+lo, c.impute, c.ind)
		}
	case nw.bm == nil:
		selLoop(dst, w, nw.vals, sel[lo:hi], c.mean, c.inv)
		if c.ind {
			zeroLoop(dst[1:], w, n)
		}
	default:
		nullSelLoop(dst, w, nw.vals, sel[lo:hi], nw.bm, nw.off, c.mean, c.inv, c.impute, c.ind)
	}
}

// denseLoop: every row, no NULLs. Unrolled, as the strided stores
// dominate.
//
//go:noinline
func denseLoop[T number](dst []float64, w int, vals []T, mean, inv float64) {
	i := 0
	for ; i+4 <= len(vals); i += 4 {
		v := vals[i : i+4 : i+4]
		d := dst[i*w : i*w+3*w+1]
		d[0] = (float64(v[0]) - mean) * inv
		d[w] = (float64(v[1]) - mean) * inv
		d[2*w] = (float64(v[2]) - mean) * inv
		d[3*w] = (float64(v[3]) - mean) * inv
	}
	for ; i < len(vals); i++ {
		dst[i*w] = (float64(vals[i]) - mean) * inv
	}
}

// selLoop: the rows in sel, no NULLs.
//
//go:noinline
func selLoop[T number](dst []float64, w int, vals []T, sel []int32, mean, inv float64) {
	for r, i := range sel {
		dst[r*w] = (float64(vals[i]) - mean) * inv
	}
}

// zeroLoop zeroes dst[r*w] for r < n: the indicators of non-NULL rows.
//
//go:noinline
func zeroLoop(dst []float64, w, n int) {
	for k := 0; k < n*w; k += w {
		dst[k] = 0
	}
}

// patchNulls overwrites, for each row r < n whose validity bit off+r in bm
// is clear, dst[r*w] with the imputed value and, with an indicator,
// dst[r*w+1] with 1. It works a validity byte at a time, visiting only the
// clear bits.
//
//go:noinline
func patchNulls(dst []float64, w, n int, bm []byte, off int, impute float64, ind bool) {
	patch := func(r int) {
		dst[r*w] = impute
		if ind {
			dst[r*w+1] = 1
		}
	}
	r := 0
	for ; r < n && (off+r)&7 != 0; r++ {
		if j := off + r; bm[j>>3]>>(j&7)&1 == 0 {
			patch(r)
		}
	}
	for ; r+8 <= n; r += 8 {
		for z := ^bm[(off+r)>>3]; z != 0; z &= z - 1 {
			patch(r + bits.TrailingZeros8(z))
		}
	}
	for ; r < n; r++ {
		if j := off + r; bm[j>>3]>>(j&7)&1 == 0 {
			patch(r)
		}
	}
}

// nullSelLoop: the rows in sel, with NULLs (validity bit off+sel[r] of
// bm). Every value is computed, and it or the imputed value chosen by the
// validity bit without a branch: NULLs are unpredictable, and the value
// under a NULL is arbitrary but harmless to compute.
//
//go:noinline
func nullSelLoop[T number](dst []float64, w int, vals []T, sel []int32, bm []byte, off int, mean, inv, impute float64, ind bool) {
	imp := math.Float64bits(impute)
	for r, i := range sel {
		j := off + int(i)
		bit := uint64(bm[j>>3] >> (j & 7) & 1)
		m := -bit // all ones when valid
		dst[r*w] = math.Float64frombits(math.Float64bits((float64(vals[i])-mean)*inv)&m | imp&^m)
		if ind {
			dst[r*w+1] = float64(1 - bit)
		}
	}
}

// oneHotWriter writes a categorical column from its rows' one-hot inputs.
type oneHotWriter struct {
	c     *boundCol
	slots []int32 // per input row: the input to set, or -1 for none
}

func (ow *oneHotWriter) write(out []float64, w int, sel []int32, lo, hi int) {
	c := ow.c
	width, scale := c.width, c.scale
	for r := lo; r < hi; r++ {
		i := r
		if sel != nil {
			i = int(sel[r])
		}
		row := out[r*w+c.off : r*w+c.off+width]
		clear(row)
		if s := ow.slots[i]; s >= 0 {
			row[s] = scale
		}
	}
}

// slotsOf maps each row of a text or dictionary batch to its one-hot
// input. A dictionary's entries are looked up once per batch.
func (c *boundCol) slotsOf(a arrow.Array) []int32 {
	n := a.Len()
	slots := make([]int32, n)
	bm, off := validity(a)
	switch s := a.(type) {
	case *array.Dictionary:
		dict := s.Dictionary()
		words := dict.(array.StringLike)
		dbm, doff := validity(dict)
		ds := make([]int32, dict.Len())
		for j := range ds {
			if isValid(dbm, doff, j) {
				ds[j] = c.lookup(words.Value(j))
			} else {
				ds[j] = c.null
			}
		}
		for i, j := range dictIndices(s, nil) {
			if isValid(bm, off, i) {
				slots[i] = ds[j]
			} else {
				slots[i] = c.null
			}
		}
	case *array.String:
		for i := range slots {
			if isValid(bm, off, i) {
				slots[i] = c.lookup(s.Value(i))
			} else {
				slots[i] = c.null
			}
		}
	case *array.LargeString:
		for i := range slots {
			if isValid(bm, off, i) {
				slots[i] = c.lookup(s.Value(i))
			} else {
				slots[i] = c.null
			}
		}
	case *array.StringView:
		for i := range slots {
			if isValid(bm, off, i) {
				slots[i] = c.lookup(s.Value(i))
			} else {
				slots[i] = c.null
			}
		}
	default:
		panic("features: no one-hot loop for " + a.DataType().String())
	}
	return slots
}

// lookup is the one-hot input of a non-NULL value: its level, 'other', or
// -1 (all zeros) for a value never seen in training.
func (c *boundCol) lookup(v string) int32 {
	if s, ok := c.slots[v]; ok {
		return s
	}
	if c.otherAny {
		return c.other
	}
	return -1
}
