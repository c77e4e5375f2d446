package training

import (
	"context"
	"runtime"
	"runtime/metrics"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/engine/trees"
)

// liveHeap is the live heap after a collection.
func liveHeap() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// Once binned, the training values are let go: while the trees grow, the
// heap holds the bins, labels, the grower's buffers and histograms (15 MB
// here), not the 25.6 MB of values copied from the 100,000 rows of 32
// columns as well (41 MB when they were kept).
func TestTrainTreesLetsValuesGo(t *testing.T) {
	src := wideSource(t, memory.DefaultAllocator, 100_000, 32, 1)
	defer src.Release()
	const raw = 100_000 * 32 * 8
	base := liveHeap() // the batches of src included
	var during uint64
	o := TreeOptions{Label: "y", Trees: 2, ValidationFraction: new(0.0), EarlyStopping: new(false),
		Progress: func(e Epoch) {
			if e.Epoch == 1 {
				during = liveHeap()
			}
		}}
	res, err := TrainTrees(context.Background(), src, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Doc.Metrics.TrainRows != 100_000 || len(res.Doc.Model.Trees) != 2 {
		t.Fatalf("%d rows, %d trees", res.Doc.Metrics.TrainRows, len(res.Doc.Model.Trees))
	}
	grew := float64(during) - float64(base)
	t.Logf("live heap after the first round: %.1f MB above the baseline (values copied: %.1f MB)", grew/1e6, raw/1e6)
	if grew >= raw {
		t.Errorf("live heap after the first round %.1f MB above the baseline, at least the %.1f MB of training values: they were kept", grew/1e6, raw/1e6)
	}
}

// The room reserved for a side of the validation split is its expected
// rows and four standard deviations; a side that takes more (identical
// rows hash alike) grows once, to the limit, keeping every value.
func TestRawRowsRoom(t *testing.T) {
	for _, c := range []struct {
		rows     int64
		frac     float64
		min, max int64
	}{
		{1_000_000, 0, 0, 0},
		{1_000_000, 0.1, 100_000 + 1200 + 64, 100_000 + 1200 + 64},
		{1_000_000, 0.9, 900_000 + 1200 + 64, 900_000 + 1200 + 64},
		{1_000_000, 1, 1_000_000, 1_000_000},
		{100, 0.9, 100, 100},
	} {
		if got := splitRoom(c.rows, c.frac); got < c.min || got > c.max {
			t.Errorf("splitRoom(%d, %g) = %d, want %d..%d", c.rows, c.frac, got, c.min, c.max)
		}
	}
	cols := []trees.Column{{Name: "a", Kind: trees.Numeric}, {Name: "b", Kind: trees.Numeric}}
	r := newRawRows(cols, 3, 1000)
	batch := [][]float64{make([]float64, 1000), make([]float64, 1000)}
	for i := range batch[0] {
		batch[0][i], batch[1][i] = float64(i), -float64(i)
	}
	var caps []int
	for i := 0; i < 1000; i++ {
		r.add(batch, []int32{int32(i)}, []float64{float64(i % 2)})
		if c := cap(r.x[0]); len(caps) == 0 || caps[len(caps)-1] != c {
			caps = append(caps, c)
		}
	}
	if len(caps) != 2 || caps[0] != 3 || caps[1] < 1000 || caps[1] > 1024 {
		t.Errorf("capacities %v as 1000 rows came, want 3 then the limit 1000 (rounded up to a size class)", caps)
	}
	for i := 0; i < r.n; i++ {
		if r.x[0][i] != float64(i) || r.x[1][i] != -float64(i) || r.y[i] != float64(i%2) {
			t.Fatalf("row %d: %g %g %g", i, r.x[0][i], r.x[1][i], r.y[i])
		}
	}
	if r.n != 1000 {
		t.Errorf("%d rows, want 1000", r.n)
	}
}
