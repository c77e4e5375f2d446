package trees

import (
	"math"
	"math/rand/v2"
	"testing"
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
