package metrics

import (
	"math"
	"math/rand/v2"
	"testing"
)

// BinnedAUC counts a positive above a negative 1 and within one bin 1/2.
func TestBinnedAUC(t *testing.T) {
	if got := BinnedAUC([]float64{0, 0, 2}, []float64{2, 0, 0}); got != 1 {
		t.Errorf("separated: %v", got)
	}
	if got := BinnedAUC([]float64{1, 1}, []float64{1, 1}); got != 0.5 {
		t.Errorf("one bin each: %v", got)
	}
	if got := BinnedAUC([]float64{0, 3}, []float64{1, 1}); got != 0.75 {
		t.Errorf("a tie: %v", got)
	}
	if got := BinnedAUC([]float64{1}, []float64{0}); !math.IsNaN(got) {
		t.Errorf("one class: %v", got)
	}
}

// With every score at its bin's lower edge, the rows of a bin are tied in
// BinaryReport too: the binned report is BinaryReport's, the ranking
// measures to rounding (the step sums add in another order), the
// threshold measures exactly.
func TestBinnedReportMatchesRows(t *testing.T) {
	const bins = 64
	rng := rand.New(rand.NewPCG(7, 11))
	for _, n := range []int{1, 2, 50, 5000} {
		y, p := make([]float64, n), make([]float64, n)
		b := Binned{Pos: make([]float64, bins), Neg: make([]float64, bins)}
		const threshold = 0.5
		for i := range n {
			k := rng.IntN(bins)
			p[i] = float64(k) / bins
			if rng.Float64() < p[i] {
				y[i] = 1
			}
			c := min(max(p[i], LogLossEps), 1-LogLossEps)
			d := p[i] - y[i]
			b.Brier += d * d
			hit := p[i] >= threshold
			switch {
			case y[i] > 0:
				b.Pos[k]++
				b.LogLoss -= math.Log(c)
				if hit {
					b.TP++
				} else {
					b.FN++
				}
			default:
				b.Neg[k]++
				b.LogLoss -= math.Log(1 - c)
				if hit {
					b.FP++
				} else {
					b.TN++
				}
			}
		}
		want := BinaryReport(y, p, threshold, nil)
		got := b.Report(threshold)
		if got.Rows != want.Rows || got.TP != want.TP || got.FP != want.FP || got.TN != want.TN || got.FN != want.FN ||
			got.Accuracy != want.Accuracy || got.Precision != want.Precision || got.Recall != want.Recall || got.F1 != want.F1 {
			t.Errorf("n=%d: threshold measures %+v, rows give %+v", n, got, want)
		}
		near := func(a, b float64) bool {
			return math.IsNaN(a) && math.IsNaN(b) || math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b))
		}
		if !near(got.LogLoss, want.LogLoss) || !near(got.Brier, want.Brier) || !near(got.ROCAUC, want.ROCAUC) || !near(got.PRAUC, want.PRAUC) {
			t.Errorf("n=%d: log loss %v/%v, Brier %v/%v, ROC AUC %v/%v, PR AUC %v/%v", n,
				got.LogLoss, want.LogLoss, got.Brier, want.Brier, got.ROCAUC, want.ROCAUC, got.PRAUC, want.PRAUC)
		}
	}
	if r := (&Binned{}).Report(0.5); r.Rows != 0 || !math.IsNaN(r.Accuracy) || !math.IsNaN(r.ROCAUC) {
		t.Errorf("no rows: %+v", r)
	}
}
