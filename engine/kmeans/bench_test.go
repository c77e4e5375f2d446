package kmeans

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

const benchN, benchD, benchK = 1_000_000, 16, 8

var benchData = sync.OnceValues(func() ([]float64, []float64) {
	x, _, _ := blobs(1, benchN, benchD, benchK, 3)
	return x, slices.Clone(x[:benchK*benchD]) // the first rows start the centroids
})

// One Lloyd iteration (assignment, sums in shard order, update) over 1M
// cached rows of 16 columns with k = 8, at the current GOMAXPROCS.
func BenchmarkLloydIteration(b *testing.B) {
	x, init := benchData()
	acc := NewAccumulator(init, benchK, benchD)
	b.ReportAllocs()
	for b.Loop() {
		acc.Reset(init)
		acc.Add(x, benchN, nil)
		acc.Next()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchN, "ns/row")
}

// The same iteration with GOMAXPROCS 1 and 2 alternately; reports ns/row of
// each and the speed-up of 2 threads over 1.
func BenchmarkLloydIterationThreads(b *testing.B) {
	x, init := benchData()
	acc := NewAccumulator(init, benchK, benchD)
	var t1, t2 time.Duration
	old := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(old)
	for b.Loop() {
		for _, p := range []int{1, 2} {
			runtime.GOMAXPROCS(p)
			start := time.Now()
			acc.Reset(init)
			acc.Add(x, benchN, nil)
			acc.Next()
			if p == 1 {
				t1 += time.Since(start)
			} else {
				t2 += time.Since(start)
			}
		}
	}
	b.ReportMetric(float64(t1.Nanoseconds())/float64(b.N)/benchN, "ns/row-1thread")
	b.ReportMetric(float64(t2.Nanoseconds())/float64(b.N)/benchN, "ns/row-2threads")
	b.ReportMetric(float64(t1)/float64(t2), "speedup")
}

// The assignment step alone (Model.Assign: nearest centroid and distance
// of 1M rows), with GOMAXPROCS 1 and 2 alternately.
func BenchmarkAssignThreads(b *testing.B) {
	x, init := benchData()
	m := &Model{K: benchK, Dim: benchD, Centroids: init}
	out := make([]int32, benchN)
	dist := make([]float64, benchN)
	var t1, t2 time.Duration
	old := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(old)
	for b.Loop() {
		for _, p := range []int{1, 2} {
			runtime.GOMAXPROCS(p)
			start := time.Now()
			m.Assign(x, benchN, out, dist)
			if p == 1 {
				t1 += time.Since(start)
			} else {
				t2 += time.Since(start)
			}
		}
	}
	b.ReportMetric(float64(t1.Nanoseconds())/float64(b.N)/benchN, "ns/row-1thread")
	b.ReportMetric(float64(t2.Nanoseconds())/float64(b.N)/benchN, "ns/row-2threads")
	b.ReportMetric(float64(t1)/float64(t2), "speedup")
}

// A whole fit with the defaults (3 runs of k-means++ and Lloyd to
// tolerance 1e-4) on 100,000 rows of 16 columns, k = 8.
func BenchmarkFit100K(b *testing.B) {
	x, _ := benchData()
	const n = 100_000
	var iters int
	for b.Loop() {
		cfg := DefaultConfig(benchK)
		cfg.Seed = 1
		m, err := Fit(context.Background(), x[:n*benchD], n, benchD, nil, cfg)
		if err != nil {
			b.Fatal(err)
		}
		iters = m.Iter
	}
	b.ReportMetric(float64(iters), "iter")
}

// k-means++ initialisation of k = 8 on 100,000 rows of 16 columns.
func BenchmarkKMeansPlusPlus100K(b *testing.B) {
	x, _ := benchData()
	const n = 100_000
	for b.Loop() {
		if _, err := initPlusPlus(context.Background(), x[:n*benchD], n, benchD, nil, benchK, newRand(1, 0)); err != nil {
			b.Fatal(err)
		}
	}
}

// The exact silhouette of a 10,000-row sample (the size ChooseK uses).
func BenchmarkSilhouette10K(b *testing.B) {
	x, init := benchData()
	const n = 10_000
	m := &Model{K: benchK, Dim: benchD, Centroids: init}
	labels := make([]int32, n)
	m.Assign(x[:n*benchD], n, labels, nil)
	for b.Loop() {
		Silhouette(x[:n*benchD], n, benchD, labels, benchK)
	}
}
