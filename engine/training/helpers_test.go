package training

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/engine/dataset/datasettest"
)

// wideSource is the data of sqlfuncs' BenchmarkTrainLogistic: cols DOUBLE
// columns c1..cN uniform in [-1, 1) and a BOOLEAN label y drawn from a
// logistic model of them, in batches of 2048 rows (DuckDB's chunk size).
func wideSource(tb testing.TB, mem memory.Allocator, rows, cols int, seed uint64) *datasettest.Source {
	tb.Helper()
	var fields []arrow.Field
	for j := 1; j <= cols; j++ {
		fields = append(fields, arrow.Field{Name: "c" + itoa(j), Type: arrow.PrimitiveTypes.Float64, Nullable: true})
	}
	fields = append(fields, arrow.Field{Name: "y", Type: arrow.FixedWidthTypes.Boolean, Nullable: true})
	schema := arrow.NewSchema(fields, nil)
	rng := rand.New(rand.NewPCG(seed, 1))
	src := datasettest.New(schema)
	x := make([]float64, cols)
	for lo := 0; lo < rows; lo += 2048 {
		n := min(2048, rows-lo)
		b := array.NewRecordBuilder(mem, schema)
		for i := 0; i < n; i++ {
			logit := 0.0
			for j := range x {
				x[j] = rng.Float64()*2 - 1
				b.Field(j).(*array.Float64Builder).Append(x[j])
				logit += float64(((j+1)%5)-2) * 0.7 * x[j]
			}
			b.Field(cols).(*array.BooleanBuilder).Append(rng.Float64() < 1/(1+math.Exp(-logit)))
		}
		src.Batches = append(src.Batches, b.NewRecordBatch())
		b.Release()
	}
	return src
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// col describes a column of a made-up source: val gives row i's value (nil
// for NULL) as the Go type of the column's builder (float64, float32,
// int64, string, bool; string for a dictionary).
type col struct {
	name string
	typ  arrow.DataType
	val  func(i int) any
}

// makeSource builds a source of rows rows in batches of batch rows.
func makeSource(tb testing.TB, mem memory.Allocator, rows, batch int, cols []col) *datasettest.Source {
	tb.Helper()
	fields := make([]arrow.Field, len(cols))
	for j, c := range cols {
		fields[j] = arrow.Field{Name: c.name, Type: c.typ, Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	src := datasettest.New(schema)
	for lo := 0; lo < rows; lo += batch {
		b := array.NewRecordBuilder(mem, schema)
		for i := lo; i < min(lo+batch, rows); i++ {
			for j, c := range cols {
				v := c.val(i)
				fb := b.Field(j)
				if v == nil {
					fb.AppendNull()
					continue
				}
				switch fb := fb.(type) {
				case *array.Float64Builder:
					fb.Append(v.(float64))
				case *array.Float32Builder:
					fb.Append(v.(float32))
				case *array.Int64Builder:
					fb.Append(v.(int64))
				case *array.Int32Builder:
					fb.Append(int32(v.(int64)))
				case *array.StringBuilder:
					fb.Append(v.(string))
				case *array.BooleanBuilder:
					fb.Append(v.(bool))
				case *array.BinaryDictionaryBuilder:
					if err := fb.AppendString(v.(string)); err != nil {
						tb.Fatal(err)
					}
				default:
					tb.Fatalf("no builder case for %T", fb)
				}
			}
		}
		src.Batches = append(src.Batches, b.NewRecordBatch())
		b.Release()
	}
	return src
}
