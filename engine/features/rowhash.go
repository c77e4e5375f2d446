package features

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Type tags mixed into value hashes, so that equal bits of different kinds
// of value (the integer 1, true, 1.0) hash differently.
const (
	tagInt    = 0x1f83d9abfb41bd6b
	tagFloat  = 0x5be0cd19137e2179
	tagBool   = 0x6a09e667f3bcc908
	tagText   = 0x3c6ef372fe94f82b
	tagDate   = 0x510e527fade682d1
	tagDate64 = 0x9b05688c2b3e6c1f
	tagTime   = 0xbb67ae8584caa73b
	tagDec    = 0xa54ff53a5f1d36f1
	tagOther  = 0xcbbb9d5dc1059ed8
	nullHash  = 0x629a292a367cd507 // the hash of NULL, whatever the type
)

// RowHash hashes the values of row row of rec in the columns cols (in
// that order) together with seed. It depends on the values only, not on
// the row's position or batch, so a validation split drawn from it is the
// same however the data is ordered or chunked. It is type-aware: NULL
// differs from 0 and "" and false; every integer type hashes a value
// alike (so INTEGER 5 and BIGINT 5 agree), floats by their float64 value
// (-0 as 0, one NaN), text by its bytes whatever the Arrow layout (VARCHAR
// and ENUM alike), DATE, TIMESTAMP (with its unit) and DECIMAL (with its
// scale) by their stored integers. Other types hash their text form.
// RowHashes gives the same values for a whole batch.
func RowHash(rec arrow.RecordBatch, cols []int, row int, seed uint64) uint64 {
	h := []uint64{hashStart(seed)}
	for _, c := range cols {
		hashColumn(rec.Column(c), row, h, nil)
	}
	return fmix64(h[0])
}

// RowHashes fills dst (grown if it is shorter than rec.NumRows()) with
// RowHash of every row of rec, one column at a time, and returns it.
func RowHashes(rec arrow.RecordBatch, cols []int, seed uint64, dst []uint64) []uint64 {
	n := int(rec.NumRows())
	if cap(dst) < n {
		dst = make([]uint64, n)
	}
	dst = dst[:n]
	start := hashStart(seed)
	for i := range dst {
		dst[i] = start
	}
	for _, c := range cols {
		hashColumn(rec.Column(c), 0, dst, nil)
	}
	for i, h := range dst {
		dst[i] = fmix64(h)
	}
	return dst
}

// RowHashPair is RowHashes with two seeds at once, into a and b (each
// grown like RowHashes' dst): a[i] is RowHash(rec, cols, i, seedA) and
// b[i] RowHash(rec, cols, i, seedB). Each value is hashed once and folded
// into both, so it costs less than two calls of RowHashes.
func RowHashPair(rec arrow.RecordBatch, cols []int, seedA, seedB uint64, a, b []uint64) ([]uint64, []uint64) {
	n := int(rec.NumRows())
	if cap(a) < n {
		a = make([]uint64, n)
	}
	if cap(b) < n {
		b = make([]uint64, n)
	}
	a, b = a[:n], b[:n]
	startA, startB := hashStart(seedA), hashStart(seedB)
	for i := range a {
		a[i], b[i] = startA, startB
	}
	for _, c := range cols {
		hashColumn(rec.Column(c), 0, a, b)
	}
	for i := range a {
		a[i], b[i] = fmix64(a[i]), fmix64(b[i])
	}
	return a, b
}

// HashUnit maps a hash to [0, 1) uniformly, e.g. to put rows with
// HashUnit(RowHash(...)) < 0.2 in a 20% validation set.
func HashUnit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

func hashStart(seed uint64) uint64 { return fmix64(seed ^ hk0) }

// fold mixes the hash x of one value into a row's running hash.
func fold(h, x uint64) uint64 { return mum(h^x, hk1) }

// hashColumn folds the values of rows [lo, lo+len(h)) of a into h, and
// into h2 too unless h2 is nil (it is then as long as h).
func hashColumn(a arrow.Array, lo int, h, h2 []uint64) {
	bm, off := validity(a)
	off += lo
	switch c := a.(type) {
	case *array.Int8:
		foldInts(h, h2, c.Int8Values()[lo:], bm, off, tagInt)
	case *array.Int16:
		foldInts(h, h2, c.Int16Values()[lo:], bm, off, tagInt)
	case *array.Int32:
		foldInts(h, h2, c.Int32Values()[lo:], bm, off, tagInt)
	case *array.Int64:
		foldInts(h, h2, c.Int64Values()[lo:], bm, off, tagInt)
	case *array.Uint8:
		foldInts(h, h2, c.Uint8Values()[lo:], bm, off, tagInt)
	case *array.Uint16:
		foldInts(h, h2, c.Uint16Values()[lo:], bm, off, tagInt)
	case *array.Uint32:
		foldInts(h, h2, c.Uint32Values()[lo:], bm, off, tagInt)
	case *array.Uint64:
		foldInts(h, h2, c.Uint64Values()[lo:], bm, off, tagInt)
	case *array.Date32:
		foldInts(h, h2, c.Date32Values()[lo:], bm, off, tagDate)
	case *array.Date64:
		foldInts(h, h2, c.Date64Values()[lo:], bm, off, tagDate64)
	case *array.Timestamp:
		unit := uint64(c.DataType().(*arrow.TimestampType).Unit)
		foldInts(h, h2, c.TimestampValues()[lo:], bm, off, tagTime+unit)
	case *array.Float64:
		foldFloats(h, h2, c.Float64Values()[lo:], bm, off)
	case *array.Float32:
		foldFloats(h, h2, c.Float32Values()[lo:], bm, off)
	case *array.Boolean:
		for i := range h {
			x := uint64(nullHash)
			if isValid(bm, off, i) {
				x = fmix64(uint64(b2i(c.Value(lo+i))) ^ tagBool)
			}
			foldBoth(h, h2, i, x)
		}
	case *array.Decimal32:
		scale := uint64(c.DataType().(*arrow.Decimal32Type).Scale)
		foldInts(h, h2, c.Values()[lo:], bm, off, tagDec+scale)
	case *array.Decimal64:
		scale := uint64(c.DataType().(*arrow.Decimal64Type).Scale)
		foldInts(h, h2, c.Values()[lo:], bm, off, tagDec+scale)
	case *array.Decimal128:
		scale := uint64(c.DataType().(*arrow.Decimal128Type).Scale)
		for i := range h {
			x := uint64(nullHash)
			if isValid(bm, off, i) {
				v := c.Value(lo + i)
				x = fmix64(mum(v.LowBits()^tagDec^scale, uint64(v.HighBits())^hk2))
			}
			foldBoth(h, h2, i, x)
		}
	case *array.Decimal256:
		scale := uint64(c.DataType().(*arrow.Decimal256Type).Scale)
		for i := range h {
			x := uint64(nullHash)
			if isValid(bm, off, i) {
				w := c.Value(lo + i).Array()
				x = tagDec ^ scale
				for _, word := range w {
					x = mum(x^word, hk2)
				}
				x = fmix64(x)
			}
			foldBoth(h, h2, i, x)
		}
	case *array.Dictionary:
		dict := c.Dictionary()
		dh := make([]uint64, dict.Len())
		for j := range dh {
			dh[j] = valueHash(dict, j)
		}
		idx := dictIndices(c, nil)
		for i := range h {
			x := uint64(nullHash)
			if isValid(bm, off, i) {
				x = dh[idx[lo+i]]
			}
			foldBoth(h, h2, i, x)
		}
	default:
		for i := range h {
			foldBoth(h, h2, i, valueHash(a, lo+i))
		}
	}
}

// valueHash is the hash of one value of a text array (or, for other
// types, of its text form), nullHash for NULL.
func valueHash(a arrow.Array, i int) uint64 {
	if a.IsNull(i) {
		return nullHash
	}
	if s, ok := a.(array.StringLike); ok {
		return hashString(s.Value(i)) ^ tagText
	}
	return hashString(a.ValueStr(i)) ^ tagOther
}

// foldBoth folds x into h[i], and into h2[i] unless h2 is nil.
func foldBoth(h, h2 []uint64, i int, x uint64) {
	h[i] = fold(h[i], x)
	if h2 != nil {
		h2[i] = fold(h2[i], x)
	}
}

func foldInts[T ~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64](h, h2 []uint64, vals []T, bm []byte, off int, tag uint64) {
	vals = vals[:len(h)]
	if h2 != nil {
		h2 = h2[:len(h)]
		for i, v := range vals {
			x := uint64(nullHash)
			if isValid(bm, off, i) {
				x = fmix64(uint64(int64(v)) ^ tag)
			}
			h[i] = fold(h[i], x)
			h2[i] = fold(h2[i], x)
		}
		return
	}
	for i, v := range vals {
		x := uint64(nullHash)
		if isValid(bm, off, i) {
			x = fmix64(uint64(int64(v)) ^ tag)
		}
		h[i] = fold(h[i], x)
	}
}

func foldFloats[T float32 | float64](h, h2 []uint64, vals []T, bm []byte, off int) {
	vals = vals[:len(h)]
	if h2 != nil {
		h2 = h2[:len(h)]
		for i, v := range vals {
			x := uint64(nullHash)
			if isValid(bm, off, i) {
				f := float64(v) + 0 // -0 + 0 is +0
				if f != f {
					f = math.NaN()
				}
				x = fmix64(math.Float64bits(f) ^ tagFloat)
			}
			h[i] = fold(h[i], x)
			h2[i] = fold(h2[i], x)
		}
		return
	}
	for i, v := range vals {
		x := uint64(nullHash)
		if isValid(bm, off, i) {
			f := float64(v) + 0 // -0 + 0 is +0
			if f != f {
				f = math.NaN()
			}
			x = fmix64(math.Float64bits(f) ^ tagFloat)
		}
		h[i] = fold(h[i], x)
	}
}
