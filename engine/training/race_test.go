package training

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// unknownNulls returns rec with every column's null count left to be
// computed on first use, as in the batches DuckDB hands out.
func unknownNulls(rec arrow.RecordBatch) arrow.RecordBatch {
	cols := make([]arrow.Array, rec.NumCols())
	for i, c := range rec.Columns() {
		d := c.Data()
		nd := array.NewData(d.DataType(), d.Len(), d.Buffers(), d.Children(), array.UnknownNullCount, d.Offset())
		nd.SetDictionary(d.Dictionary())
		cols[i] = array.MakeFromData(nd)
		nd.Release()
	}
	out := array.NewRecordBatch(rec.Schema(), cols, rec.NumRows())
	for _, c := range cols {
		c.Release()
	}
	return out
}

// The single pass shares each copied batch between the fitting and the
// hashing goroutines; neither may write to it (an Arrow array counts its
// NULLs lazily, on first use, which is a write). Run under -race, this
// failed on that lazy count.
func TestFitPassSharesBatchesReadOnly(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	src := makeSource(t, mem, 8000, 500, mixedColumns())
	defer src.Release()
	for i, b := range src.Batches {
		src.Batches[i] = unknownNulls(b)
		b.Release()
	}
	src.Streams = 0
	_, res := trainDoc(t, src, Options{Label: "y", Exclude: exclude("grade", "amount"), Epochs: 1}, true)
	if src.Streams != 1 || res.Mode != "cached" {
		t.Fatalf("%d passes, mode %s: the single pass did not run", src.Streams, res.Mode)
	}
}
