package features

import (
	"fmt"
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/decimal256"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// checked returns an allocator that fails t if anything allocated through
// it is still held when t ends.
func checked(t testing.TB) *memory.CheckedAllocator {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { alloc.AssertSize(t, 0) })
	return alloc
}

// column builds an array of type dt; nil is NULL. Numbers are given as
// int or float64 and land as the type's value: decimals as v×10^scale
// (v may be a float64 for a fraction), timestamps as v seconds in the
// unit, dates as v days, dictionaries as their string values.
func column(alloc memory.Allocator, dt arrow.DataType, vals ...any) arrow.Array {
	b := array.NewBuilder(alloc, dt)
	defer b.Release()
	for _, v := range vals {
		if v == nil {
			b.AppendNull()
			continue
		}
		f := func() float64 {
			switch x := v.(type) {
			case int:
				return float64(x)
			case float64:
				return x
			}
			panic(fmt.Sprintf("not a number: %v", v))
		}
		switch bb := b.(type) {
		case *array.Int8Builder:
			bb.Append(int8(v.(int)))
		case *array.Int16Builder:
			bb.Append(int16(v.(int)))
		case *array.Int32Builder:
			bb.Append(int32(v.(int)))
		case *array.Int64Builder:
			bb.Append(int64(v.(int)))
		case *array.Uint8Builder:
			bb.Append(uint8(v.(int)))
		case *array.Uint16Builder:
			bb.Append(uint16(v.(int)))
		case *array.Uint32Builder:
			bb.Append(uint32(v.(int)))
		case *array.Uint64Builder:
			bb.Append(uint64(v.(int)))
		case *array.Float32Builder:
			bb.Append(float32(f()))
		case *array.Float64Builder:
			bb.Append(f())
		case *array.BooleanBuilder:
			bb.Append(v.(bool))
		case *array.Date32Builder:
			bb.Append(arrow.Date32(v.(int)))
		case *array.Date64Builder:
			bb.Append(arrow.Date64(int64(v.(int)) * 86400000))
		case *array.TimestampBuilder:
			unit := dt.(*arrow.TimestampType).Unit
			bb.Append(arrow.Timestamp(int64(v.(int)) * int64(1e9/unit.Multiplier())))
		case *array.Decimal128Builder:
			scale := dt.(*arrow.Decimal128Type).Scale
			bb.Append(decimal128.FromI64(int64(math.Round(f() * math.Pow10(int(scale))))))
		case *array.Decimal256Builder:
			scale := dt.(*arrow.Decimal256Type).Scale
			bb.Append(decimal256.FromI64(int64(math.Round(f() * math.Pow10(int(scale))))))
		case *array.StringBuilder:
			bb.Append(v.(string))
		case *array.LargeStringBuilder:
			bb.Append(v.(string))
		case *array.StringViewBuilder:
			bb.Append(v.(string))
		case *array.BinaryDictionaryBuilder:
			if err := bb.AppendString(v.(string)); err != nil {
				panic(err)
			}
		default:
			panic(fmt.Sprintf("column: no case for %s", dt))
		}
	}
	return b.NewArray()
}

// enum builds a dictionary array over words (in that order, like a DuckDB
// ENUM's dictionary) with index type it; idx -1 is NULL.
func enum(alloc memory.Allocator, it arrow.DataType, words []string, idx ...int) arrow.Array {
	dt := &arrow.DictionaryType{IndexType: it, ValueType: arrow.BinaryTypes.String}
	iv := make([]any, len(idx))
	for i, j := range idx {
		if j >= 0 {
			iv[i] = j
		}
	}
	ind := column(alloc, it, iv...)
	defer ind.Release()
	wv := make([]any, len(words))
	for i, w := range words {
		wv[i] = w
	}
	dict := column(alloc, arrow.BinaryTypes.String, wv...)
	defer dict.Release()
	return array.NewDictionaryArray(dt, ind, dict)
}

// record makes a batch of the named columns and releases the arrays
// (the batch holds them). The caller releases the batch.
func record(names []string, cols ...arrow.Array) arrow.RecordBatch {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: names[i], Type: c.DataType(), Nullable: true}
	}
	n := int64(0)
	if len(cols) > 0 {
		n = int64(cols[0].Len())
	}
	rec := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, n)
	for _, c := range cols {
		c.Release()
	}
	return rec
}

// fit fits an encoder on batches with the given options, using every
// column of the first batch's schema as a candidate feature.
func fit(t testing.TB, opts FitOptions, recs ...arrow.RecordBatch) (*Encoder, []Dropped) {
	t.Helper()
	schema := recs[0].Schema()
	var names []string
	for _, f := range schema.Fields() {
		names = append(names, f.Name)
	}
	f, err := NewFitter(schema, names, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		skip := make([]bool, rec.NumRows())
		f.BadRows(rec, skip)
		if err := f.Observe(rec, skip); err != nil {
			t.Fatal(err)
		}
	}
	enc, dropped, err := f.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return enc, dropped
}

// encode binds enc to rec's schema and encodes the rows skip keeps.
func encode(t testing.TB, enc *Encoder, rec arrow.RecordBatch, skip []bool) [][]float64 {
	t.Helper()
	b, err := enc.Bind(rec.Schema())
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, int(rec.NumRows())*enc.Width+3)
	for i := range out {
		out[i] = -999 // every input must be written
	}
	n := b.Encode(rec, skip, out)
	if out[n*enc.Width] != -999 {
		t.Fatalf("Encode wrote past its %d rows", n)
	}
	rows := make([][]float64, n)
	for r := range rows {
		rows[r] = out[r*enc.Width : (r+1)*enc.Width]
	}
	return rows
}

func closeTo(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b))
}

func sameRows(t testing.TB, got, want [][]float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d:\n got %v\nwant %v", len(got), len(want), got, want)
	}
	for r := range got {
		if len(got[r]) != len(want[r]) {
			t.Fatalf("row %d: %v, want %v", r, got[r], want[r])
		}
		for j := range got[r] {
			if !closeTo(got[r][j], want[r][j]) {
				t.Fatalf("row %d: %v, want %v", r, got[r], want[r])
			}
		}
	}
}
