package features

import (
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

// A row hashes the same wherever it is: in another batch, at another
// position, after a slice; the vectorised form agrees with RowHash.
func TestRowHashOrderIndependent(t *testing.T) {
	alloc := checked(t)
	a := record([]string{"id", "name", "x", "ok", "plan"},
		column(alloc, i64, 1, 2, 3, nil),
		column(alloc, str, "ann", "bob", "", "dee"),
		column(alloc, f64, 0.5, nil, math.Copysign(0, -1), 2),
		column(alloc, arrow.FixedWidthTypes.Boolean, true, false, nil, true),
		enum(alloc, i8, []string{"gold", "free"}, 0, 1, -1, 1))
	defer a.Release()
	// The same rows reversed, with other physical types of equal values.
	b := record([]string{"id", "name", "x", "ok", "plan"},
		column(alloc, i32, nil, 3, 2, 1),
		column(alloc, arrow.BinaryTypes.StringView, "dee", "", "bob", "ann"),
		column(alloc, f64, 2, 0.0, nil, 0.5),
		column(alloc, arrow.FixedWidthTypes.Boolean, true, nil, false, true),
		column(alloc, arrow.BinaryTypes.LargeString, "free", nil, "free", "gold"))
	defer b.Release()
	cols := []int{0, 1, 2, 3, 4}
	ha := RowHashes(a, cols, 42, nil)
	hb := RowHashes(b, cols, 42, make([]uint64, 1))
	for i := range 4 {
		if ha[i] != hb[3-i] {
			t.Errorf("row %d: %x, reversed %x", i, ha[i], hb[3-i])
		}
		if h := RowHash(a, cols, i, 42); h != ha[i] {
			t.Errorf("row %d: RowHash %x, RowHashes %x", i, h, ha[i])
		}
	}
	s := a.NewSlice(2, 4)
	defer s.Release()
	if hs := RowHashes(s, cols, 42, nil); hs[0] != ha[2] || hs[1] != ha[3] || RowHash(s, cols, 1, 42) != ha[3] {
		t.Error("a slice hashes differently")
	}
	seen := map[uint64]bool{}
	for _, h := range ha {
		seen[h] = true
	}
	if len(seen) != 4 {
		t.Error("distinct rows collide")
	}
	if RowHash(a, cols, 0, 43) == ha[0] || RowHash(a, []int{0, 1}, 0, 42) == ha[0] || RowHash(a, []int{1, 0}, 0, 42) == RowHash(a, []int{0, 1}, 0, 42) {
		t.Error("the hash ignores the seed or the columns")
	}
}

// NULL, 0, "", false and NaN all hash differently; so do values of
// different kinds with the same bits.
func TestRowHashTypeAware(t *testing.T) {
	alloc := checked(t)
	rec := record([]string{"i", "f", "s", "b", "d", "ts"},
		column(alloc, i64, nil, 0, 1),
		column(alloc, f64, nil, 0, 1),
		column(alloc, str, nil, "", "1"),
		column(alloc, arrow.FixedWidthTypes.Boolean, nil, false, true),
		column(alloc, &arrow.Decimal128Type{Precision: 5, Scale: 0}, nil, 0, 1),
		column(alloc, arrow.FixedWidthTypes.Timestamp_s, nil, 0, 1))
	defer rec.Release()
	seen := map[uint64]string{}
	for c := range 6 {
		for r := range 3 {
			h := RowHash(rec, []int{c}, r, 0)
			if r == 0 {
				if c > 0 && seen[h] != "NULL" {
					t.Errorf("NULL of column %d hashes differently", c)
				}
				seen[h] = "NULL"
				continue
			}
			if prev, dup := seen[h]; dup {
				t.Errorf("column %d row %d hashes like %s", c, r, prev)
			}
			seen[h] = rec.ColumnName(c) + rec.Column(c).ValueStr(r)
		}
	}
	// The validation split keeps a steady fraction.
	n := 0
	for i := range 10_000 {
		if HashUnit(fmix64(uint64(i))) < 0.2 {
			n++
		}
	}
	if n < 1900 || n > 2100 {
		t.Errorf("HashUnit < 0.2 on %d of 10000", n)
	}
}

// RowHashPair gives what RowHashes gives for each of its seeds, for every
// kind of column.
func TestRowHashPair(t *testing.T) {
	alloc := checked(t)
	rec := record([]string{"id", "name", "x", "ok", "plan", "f"},
		column(alloc, i64, 1, 2, 3, nil),
		column(alloc, str, "ann", "bob", "", nil),
		column(alloc, f64, 0.5, nil, math.Copysign(0, -1), 2),
		column(alloc, arrow.FixedWidthTypes.Boolean, true, false, nil, true),
		enum(alloc, i8, []string{"gold", "free"}, 0, 1, -1, 1),
		column(alloc, arrow.PrimitiveTypes.Float32, 1.5, nil, 0, -2))
	defer rec.Release()
	for _, cols := range [][]int{{0, 1, 2, 3, 4, 5}, {2}, {5, 0}, {}} {
		a, b := RowHashPair(rec, cols, 42, 0, nil, make([]uint64, 1))
		wa, wb := RowHashes(rec, cols, 42, nil), RowHashes(rec, cols, 0, nil)
		for i := range wa {
			if a[i] != wa[i] || b[i] != wb[i] {
				t.Errorf("columns %v, row %d: RowHashPair %x %x, RowHashes %x %x", cols, i, a[i], b[i], wa[i], wb[i])
			}
		}
	}
}
