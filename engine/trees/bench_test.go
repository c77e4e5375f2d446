package trees

import (
	"context"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/ducksight/ducksight/engine/task"
)

// benchData returns n rows of 16 standard normal columns and a binary
// label from a known model: a logistic function of a few columns, one
// product and one threshold.
func benchData(n int) Data {
	rng := rand.New(rand.NewPCG(2026, 16))
	const p = 16
	x := make([][]float64, p)
	cols := make([]Column, p)
	for j := range x {
		x[j] = make([]float64, n)
		cols[j] = num("x" + strconv.Itoa(j))
	}
	y := make([]float64, n)
	for r := 0; r < n; r++ {
		for j := range x {
			x[j][r] = rng.NormFloat64()
		}
		z := 0.8*x[0][r] - 0.5*x[1][r] + 0.7*x[2][r]*x[3][r] + 0.3*x[4][r]
		if x[5][r] > 1 {
			z += 1
		}
		if rng.Float64() < 1/(1+math.Exp(-z)) {
			y[r] = 1
		}
	}
	return Data{Columns: cols, X: x, Y: y, N: n}
}

// BenchmarkTrain trains 100 trees of depth 6 on 255 bins over 1M rows of
// 16 columns (the benchmark table of the boosted-trees issue).
func BenchmarkTrain(b *testing.B) {
	d := benchData(1 << 20)
	cfg := DefaultConfig(task.Binary)
	cfg.Rounds, cfg.MaxDepth, cfg.MaxBins, cfg.LearningRate = 100, 6, 255, 0.1
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := Train(context.Background(), cfg, d, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(d.N)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// wideData returns n rows shaped like the 1M x 16 benchmark table
// (scripts/internal/widetable): 16 columns uniform on [-1, 1) in steps of
// 1e-4, and a binary label drawn from a logistic function of 13 of them.
func wideData(n int) Data {
	rng := rand.New(rand.NewPCG(2026, 17))
	const p = 16
	x := make([][]float64, p)
	cols := make([]Column, p)
	for j := range x {
		x[j] = make([]float64, n)
		cols[j] = num("c" + strconv.Itoa(j+1))
	}
	y := make([]float64, n)
	for r := 0; r < n; r++ {
		z := 0.0
		for j := range x {
			v := float64(rng.IntN(20000))/10000 - 1
			x[j][r] = v
			z += float64((j+1)%5-2) * 0.7 * v
		}
		if rng.Float64() < 1/(1+math.Exp(-z)) {
			y[r] = 1
		}
	}
	return Data{Columns: cols, X: x, Y: y, N: n}
}

// BenchmarkTrainWide is BenchmarkTrain on rows shaped like the benchmark
// table: every tree grows to its full depth.
func BenchmarkTrainWide(b *testing.B) {
	d := wideData(1_000_000)
	cfg := DefaultConfig(task.Binary)
	cfg.Rounds, cfg.MaxDepth, cfg.MaxBins, cfg.LearningRate = 100, 6, 255, 0.1
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := Train(context.Background(), cfg, d, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(d.N)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
