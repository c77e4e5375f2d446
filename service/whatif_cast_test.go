//go:build duckdb_arrow

package service

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/features"
)

// castSetting casts as DuckDB's CAST to the training type would: each
// case's result worked out by hand.
func TestCastSetting(t *testing.T) {
	num := func(typ string) *features.ColumnEncoding {
		return &features.ColumnEncoding{Name: "x", Kind: features.KindNumeric, Type: typ}
	}
	cat := &features.ColumnEncoding{Name: "plan", Kind: features.KindCategorical, Type: "utf8",
		Levels: []string{"basic", "plus"}, Other: true, OtherLevels: []string{"gold", "pro"}}
	boolean := &features.ColumnEncoding{Name: "promo", Kind: features.KindBoolean, Type: "bool"}
	date := &features.ColumnEncoding{Name: "d", Kind: features.KindDate, Type: "date32"}
	ts := &features.ColumnEncoding{Name: "ts", Kind: features.KindTimestamp, Type: "timestamp[us]"}
	for _, c := range []struct {
		col  *features.ColumnEncoding
		v    any
		want setValue
	}{
		{num("int32"), int64(40), setValue{num: 40}},
		{num("int32"), 39.5, setValue{num: 40}},   // half away from zero
		{num("int32"), -39.5, setValue{num: -40}}, // likewise
		{num("int32"), " 41 ", setValue{num: 41}},
		{num("int32"), "2.4", setValue{num: 2}},
		{num("int32"), true, setValue{num: 1}},
		{num("uint8"), 255, setValue{num: 255}},
		{num("int64"), int64(math.MaxInt64), setValue{num: math.MaxInt64}},
		{num("float64"), 0.1, setValue{num: 0.1}},
		{num("float64"), int32(3), setValue{num: 3}},
		{num("float32"), 0.1, setValue{num: float64(float32(0.1))}},
		{num("decimal(10, 2)"), 12.345, setValue{num: 12.35}}, // 12.345 * 100 is 1234.5 in float64: 12.35, as DuckDB's CAST gives
		{num("decimal(10, 2)"), "7", setValue{num: 7}},
		{num("int32"), nil, setValue{null: true}},
		{cat, "plus", setValue{s: "plus"}},
		{cat, "gold", setValue{s: "gold"}}, // an 'other' level of training
		{cat, nil, setValue{null: true}},
		{boolean, "Yes", setValue{b: true}},
		{boolean, " f", setValue{b: false}},
		{boolean, int64(2), setValue{b: true}},
		{boolean, false, setValue{b: false}},
		{date, "1970-01-11", setValue{i: 10}},
		{date, "1969-12-31", setValue{i: -1}},
		{date, time.Date(2000, 3, 1, 23, 59, 0, 0, time.FixedZone("x", -5*3600)), setValue{i: 11017}},
		{ts, "1970-01-01 00:00:01.5", setValue{i: 1_500_000}},
		{ts, "1970-01-01T01:00:00+01:00", setValue{i: 0}},
		{ts, "1970-01-02", setValue{i: 86_400_000_000}},
	} {
		got, err := castSetting("what_if", c.col, c.v)
		if err != nil {
			t.Errorf("%s %v: %v", c.col.Type, c.v, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s %v: %+v, want %+v", c.col.Type, c.v, got, c.want)
		}
	}
	other := &features.ColumnEncoding{Name: "city", Kind: features.KindCategorical, Type: "utf8", Levels: []string{"a"}, Other: true, OtherAny: true}
	if got, err := castSetting("what_if", other, "never seen"); err != nil || got.s != "never seen" {
		t.Errorf("a column whose unseen values go to 'other': %+v, %v", got, err)
	}
	for _, c := range []struct {
		col  *features.ColumnEncoding
		v    any
		want string
	}{
		{num("int32"), "old", "what_if: set: x: 'old' does not cast to INTEGER, the column's type in training"},
		{num("int8"), 128, "what_if: set: x: 128 does not cast to TINYINT, the column's type in training (out of range)"},
		{num("int8"), -128.5, "(out of range)"},
		{num("uint32"), -1, "(out of range)"},
		{num("uint64"), int64(-1), "(out of range)"},
		{num("int64"), 0x1p63, "(out of range)"},
		{num("int32"), math.NaN(), "(not a finite number)"},
		{num("float32"), 1e39, "does not cast to FLOAT, the column's type in training (out of range)"},
		{num("decimal(4, 2)"), 100.0, "does not cast to DECIMAL(4,2)"},
		{cat, "Plus", `what_if: set: plan: "Plus" is not a level of the column in training (did you mean "plus"?)`},
		{cat, "zzzzzzzz", `(levels: "basic", "plus", "gold", "pro")`},
		{boolean, "maybe", "promo: 'maybe' does not cast to BOOLEAN"},
		{date, "2024-13-01", "(want YYYY-MM-DD)"},
		{date, int64(3), "d: 3 does not cast to DATE"},
		{ts, "noon", "ts: 'noon' does not cast to TIMESTAMP"},
		{num("int32"), []any{int64(1)}, "does not cast to INTEGER"},
	} {
		_, err := castSetting("what_if", c.col, c.v)
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, dserr.InvalidArgument) {
			t.Errorf("%s %v: error %v, want one containing %q", c.col.Type, c.v, err, c.want)
		}
	}
}

// A constant column holds the value in every row, of the type that
// encodes as the column's kind, or NULL in every row.
func TestSetValueColumn(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, c := range []struct {
		kind string
		v    setValue
		typ  arrow.DataType
		want string
	}{
		{features.KindNumeric, setValue{num: 2.5}, arrow.PrimitiveTypes.Float64, "[2.5 2.5 2.5]"},
		{features.KindBoolean, setValue{b: true}, arrow.FixedWidthTypes.Boolean, "[true true true]"},
		{features.KindCategorical, setValue{s: "plus"}, arrow.BinaryTypes.String, `["plus" "plus" "plus"]`},
		{features.KindDate, setValue{i: 10}, arrow.FixedWidthTypes.Date32, "[1970-01-11 1970-01-11 1970-01-11]"},
		{features.KindTimestamp, setValue{i: 1}, &arrow.TimestampType{Unit: arrow.Microsecond}, "[1 1 1]"},
		{features.KindCategorical, setValue{null: true}, arrow.BinaryTypes.String, "[(null) (null) (null)]"},
	} {
		a := c.v.column(mem, c.kind, 3)
		if !arrow.TypeEqual(a.DataType(), c.typ) || a.Len() != 3 || a.String() != c.want {
			t.Errorf("%s: %s %s, want %s %s", c.kind, a.DataType(), a, c.typ, c.want)
		}
		if c.v.null != (a.NullN() == 3) {
			t.Errorf("%s: %d NULLs", c.kind, a.NullN())
		}
		if s := array.NewSlice(a, 0, 2); s.Len() != 2 {
			t.Errorf("%s: a slice of 2 rows has %d", c.kind, s.Len())
		} else {
			s.Release()
		}
		a.Release()
	}
}
