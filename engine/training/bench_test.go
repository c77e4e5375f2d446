package training

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/engine/bigmem"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/task"
)

// BenchmarkTrainFirstEpoch: one epoch of a logistic model on the data of
// sqlfuncs' BenchmarkTrainLogistic (1M x 16 DOUBLE) held in memory, so
// the profile shows training alone, without DuckDB.
//
//	go test -run '^$' -bench TrainFirstEpoch -benchtime 5x -cpuprofile cpu.prof ./engine/training/
func BenchmarkTrainFirstEpoch(b *testing.B) {
	src := wideSource(b, memory.DefaultAllocator, 1_000_000, 16, 7)
	defer src.Release()
	early := false
	o := Options{Label: "y", Epochs: 1, EarlyStopping: &early}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Train(context.Background(), src, o)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Doc.Metrics.ValidMetric), "valid-auc")
	}
}

// BenchmarkEncodeRetained: the cache filled from 1M x 16 DOUBLE rows held
// in memory (the second half of a single-pass training, the hashes
// computed ahead).
func BenchmarkEncodeRetained(b *testing.B) {
	src := wideSource(b, memory.DefaultAllocator, 1_000_000, 16, 7)
	defer src.Release()
	fitter, err := features.NewFitter(src.Schema(), []string{"c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11", "c12", "c13", "c14", "c15", "c16"}, features.FitOptions{})
	if err != nil {
		b.Fatal(err)
	}
	lf, err := features.NewLabelFitter(src.Schema().Field(16), task.Auto, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, rec := range src.Batches {
		lf.Observe(rec.Column(16), make([]bool, rec.NumRows()))
		if err := fitter.Observe(rec, nil); err != nil {
			b.Fatal(err)
		}
	}
	le, _ := lf.Finish()
	enc, _, _ := fitter.Finish()
	binding, _ := enc.Bind(src.Schema())
	cols := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	split := splitter{frac: 0.1, seed: 42}
	var sh [][]uint64 // hashed ahead, as in a training
	for _, rec := range src.Batches {
		sh = append(sh, features.RowHashes(rec, cols, 42, nil))
	}
	b.ResetTimer()
	for range b.N {
		var mem bigmem.Arena
		d := encodedData{width: enc.Width}
		if _, _, _, err := d.encodeRetained(context.Background(), src.Batches, sh, false, binding, le, 16, cols, split, 42, &mem); err != nil {
			b.Fatal(err)
		}
		mem.Free()
	}
}
