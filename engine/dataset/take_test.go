package dataset_test

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/engine/dataset"
)

// Take copies the rows asked for, in order and repeated, for every type a
// DuckDB query hands over (from sliced arrays too), and the copy outlives
// the batch it came from.
func TestTake(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	dictType := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Uint8, ValueType: arrow.BinaryTypes.String}
	fields := []arrow.Field{
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "f", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		{Name: "d", Type: &arrow.Decimal128Type{Precision: 18, Scale: 3}, Nullable: true},
		{Name: "day", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_us, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "ls", Type: arrow.BinaryTypes.LargeString, Nullable: true},
		{Name: "e", Type: dictType, Nullable: true},
		{Name: "n", Type: arrow.Null, Nullable: true},
	}
	schema := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(mem, schema)
	const rows = 40
	for r := 0; r < rows; r++ {
		if r%7 == 3 {
			for j := range fields {
				b.Field(j).AppendNull()
			}
			continue
		}
		b.Field(0).(*array.BooleanBuilder).Append(r%3 == 0)
		b.Field(1).(*array.Int64Builder).Append(int64(r * 1000003))
		b.Field(2).(*array.Float32Builder).Append(float32(r) / 3)
		b.Field(3).(*array.Decimal128Builder).Append(decimal128.FromI64(int64(r*r - 50)))
		b.Field(4).(*array.Date32Builder).Append(arrow.Date32(19000 + r))
		b.Field(5).(*array.TimestampBuilder).Append(arrow.Timestamp(int64(r) << 33))
		b.Field(6).(*array.StringBuilder).Append(strings.Repeat("x", r%5) + "é" + string(rune('a'+r%26)))
		b.Field(7).(*array.LargeStringBuilder).Append(strings.Repeat("y", r%4))
		if err := b.Field(8).(*array.BinaryDictionaryBuilder).AppendString([]string{"basic", "plus", "premium"}[r%3]); err != nil {
			t.Fatal(err)
		}
		b.Field(9).AppendNull()
	}
	full := b.NewRecordBatch()
	b.Release()
	// A slice: arrays with an offset.
	rec := full.NewSlice(5, rows)
	full.Release()
	pick := []int{0, 34, 34, 3, 1, 10, 2, 33}
	want := make([][]string, rec.NumCols())
	for j := range want {
		c := rec.Column(j)
		for _, r := range pick {
			if c.IsNull(r) {
				want[j] = append(want[j], "NULL")
			} else {
				want[j] = append(want[j], c.ValueStr(r))
			}
		}
	}
	got, err := dataset.Take(rec, pick)
	rec.Release() // the copy shares nothing with it
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	if got.NumRows() != int64(len(pick)) || !got.Schema().Equal(schema) {
		t.Fatalf("%d rows, schema %v", got.NumRows(), got.Schema())
	}
	for j := range want {
		c := got.Column(j)
		nulls := 0
		for i := range pick {
			v := "NULL"
			if !c.IsNull(i) {
				v = c.ValueStr(i)
			} else {
				nulls++
			}
			if v != want[j][i] {
				t.Errorf("column %s row %d: %q, want %q", fields[j].Name, i, v, want[j][i])
			}
		}
		if c.DataType().ID() != arrow.NULL && c.NullN() != nulls {
			t.Errorf("column %s: NullN %d, counted %d", fields[j].Name, c.NullN(), nulls)
		}
	}
	// No rows.
	empty, err := dataset.Take(got, nil)
	if err != nil || empty.NumRows() != 0 {
		t.Fatalf("no rows: %v %v", empty, err)
	}
	empty.Release()
}

func TestTakeRefusesNested(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64), Nullable: true}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	b.Field(0).AppendNull()
	rec := b.NewRecordBatch()
	b.Release()
	defer rec.Release()
	if _, err := dataset.Take(rec, []int{0}); err == nil || err.Error() != `column "l": cannot copy a column of type list<item: int64, nullable>` {
		t.Fatalf("nested: %v", err)
	}
	if dataset.Takeable(schema.Field(0).Type) {
		t.Fatal("a list is takeable")
	}
}
