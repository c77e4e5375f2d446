package trees

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ducksight/ducksight/engine/task"
)

// The compiled Scorer gives Model.PredictRaw's scores bit for bit, on
// random models with categorical splits and missing values, for batches
// small (one goroutine) and large (split across cores).
func TestScorerSameAsModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 30; trial++ {
		k := 1 + rng.IntN(3)
		m := randomModel(rng, 1+rng.IntN(8), k, 1+rng.IntN(5), 1+rng.IntN(7))
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		s := NewScorer(m)
		for _, n := range []int{1, 300, 5000} {
			x := randomRows(rng, m, n)
			want, got := make([]float64, n*k), make([]float64, n*k)
			m.PredictRaw(x, n, want)
			s.PredictRaw(x, n, got)
			for i := range want {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("trial %d, %d rows: score %d is %v, want %v", trial, n, i, got[i], want[i])
				}
			}
		}
	}
}

// BenchmarkPredict scores 100k rows with 100 depth-6 trees over 16
// columns: Model.PredictRaw against the compiled Scorer.
func BenchmarkPredict(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	m := randomModel(rng, 16, 1, 100, 6)
	n := 100_000
	x := randomRows(rng, m, n)
	out := make([]float64, n)
	b.Run("model", func(b *testing.B) {
		for b.Loop() {
			m.PredictRaw(x, n, out)
		}
	})
	s := NewScorer(m)
	b.Run("scorer", func(b *testing.B) {
		for b.Loop() {
			s.PredictRaw(x, n, out)
		}
	})
}

// Infinite thresholds (allowed in an imported model) and infinite values
// route as Model.PredictRaw routes them, missing values going either way:
// the Scorer's copy with missing values as -Inf must not send a missing
// value left past a -Inf threshold, nor a real -Inf anywhere but where
// -Inf < threshold says.
func TestScorerInfinities(t *testing.T) {
	inf := math.Inf(1)
	m := &Model{Columns: []Column{num("a"), num("b")}, K: 1, Base: []float64{0.5}}
	for _, thr := range []float64{-inf, inf, 0} {
		for _, dl := range []bool{false, true} {
			// Root on a (threshold thr), its right child on b at 0 with
			// the other default direction: 3 leaves of distinct values.
			m.Trees = append(m.Trees, Tree{
				Left: []int32{1, -1, 3, -1, -1}, Right: []int32{2, -1, 4, -1, -1},
				Feature: []int32{0, -1, 1, -1, -1}, Threshold: []float64{thr, 0, 0, 0, 0},
				Categories: make([][]int32, 5), DefaultLeft: []bool{dl, false, !dl, false, false},
				Value: []float64{0, 1, 0, 10, 100}, Cover: make([]float64, 5), Rows: make([]int64, 5), Gain: make([]float64, 5),
			})
		}
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	vals := []float64{math.NaN(), -inf, -1, 0, 1, inf}
	var x [2][]float64
	for _, a := range vals {
		for _, b := range vals {
			x[0], x[1] = append(x[0], a), append(x[1], b)
		}
	}
	n := len(x[0])
	want, got := make([]float64, n), make([]float64, n)
	m.PredictRaw(x[:], n, want)
	NewScorer(m).PredictRaw(x[:], n, got)
	for r := range want {
		if math.Float64bits(got[r]) != math.Float64bits(want[r]) {
			t.Errorf("a=%v b=%v: score %v, want %v", x[0][r], x[1][r], got[r], want[r])
		}
	}
}

// BenchmarkPredictTrained scores 200k rows with 100 depth-6 trees trained
// on 16 numeric columns (the speed bar's model, at a smaller size).
func BenchmarkPredictTrained(b *testing.B) {
	d := benchData(200_000)
	cfg := DefaultConfig(task.Binary)
	cfg.Rounds, cfg.MaxDepth = 100, 6
	m, _, err := Train(context.Background(), cfg, d, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	s := NewScorer(m)
	out := make([]float64, d.N)
	b.ResetTimer()
	for b.Loop() {
		s.PredictRaw(d.X, d.N, out)
	}
	b.ReportMetric(float64(d.N)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
