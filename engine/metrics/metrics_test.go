package metrics

import (
	"math"
	"math/rand/v2"
	"testing"
)

// pairwiseAUC is the O(n^2) definition: the weighted fraction of
// (positive, negative) pairs ordered correctly, ties counting one half.
func pairwiseAUC(score, y, w []float64) float64 {
	var num, den float64
	for i := range score {
		if y[i] <= 0 {
			continue
		}
		for j := range score {
			if y[j] > 0 {
				continue
			}
			wij := 1.0
			if w != nil {
				wij = w[i] * w[j]
			}
			den += wij
			switch {
			case score[i] > score[j]:
				num += wij
			case score[i] == score[j]:
				num += wij / 2
			}
		}
	}
	return num / den
}

func TestAUCMatchesPairwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := 0; trial < 200; trial++ {
		n := 2 + rng.IntN(300)
		levels := 1 + rng.IntN(20) // few distinct scores: many ties
		score := make([]float64, n)
		y := make([]float64, n)
		w := make([]float64, n)
		for i := range score {
			score[i] = float64(rng.IntN(levels)) / 4
			if rng.Float64() < 0.3+0.4*score[i]/float64(levels) {
				y[i] = 1
			}
			w[i] = 0.1 + rng.Float64()*3
		}
		y[0], y[1] = 0, 1 // both classes present
		for _, ww := range [][]float64{nil, w} {
			got, want := AUC(score, y, ww), pairwiseAUC(score, y, ww)
			if math.Abs(got-want) > 1e-12 {
				t.Fatalf("trial %d (n=%d, weighted=%v): AUC = %v, pairwise = %v", trial, n, ww != nil, got, want)
			}
		}
	}
}

func TestAUCKnownValues(t *testing.T) {
	cases := []struct {
		name     string
		score, y []float64
		want     float64
	}{
		{"perfect", []float64{0.1, 0.2, 0.8, 0.9}, []float64{0, 0, 1, 1}, 1},
		{"reversed", []float64{0.9, 0.8, 0.2, 0.1}, []float64{0, 0, 1, 1}, 0},
		{"all tied", []float64{0.5, 0.5, 0.5, 0.5}, []float64{0, 1, 0, 1}, 0.5},
		// sklearn.metrics.roc_auc_score([0,0,1,1], [0.1,0.4,0.35,0.8]) == 0.75
		{"sklearn doc", []float64{0.1, 0.4, 0.35, 0.8}, []float64{0, 0, 1, 1}, 0.75},
		{"minus one labels", []float64{0.1, 0.4, 0.35, 0.8}, []float64{-1, -1, 1, 1}, 0.75},
	}
	for _, c := range cases {
		if got := AUC(c.score, c.y, nil); got != c.want {
			t.Errorf("%s: AUC = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestAUCOneClassIsNaN(t *testing.T) {
	if got := AUC([]float64{0.1, 0.2}, []float64{1, 1}, nil); !math.IsNaN(got) {
		t.Errorf("only positives: AUC = %v, want NaN", got)
	}
	if got := AUC([]float64{0.1, 0.2}, []float64{0, 0}, nil); !math.IsNaN(got) {
		t.Errorf("only negatives: AUC = %v, want NaN", got)
	}
	if got := AUC(nil, nil, nil); !math.IsNaN(got) {
		t.Errorf("empty: AUC = %v, want NaN", got)
	}
	// Zero weights remove a class as surely as its absence.
	if got := AUC([]float64{0.1, 0.2}, []float64{0, 1}, []float64{1, 0}); !math.IsNaN(got) {
		t.Errorf("zero-weight positive: AUC = %v, want NaN", got)
	}
}

func TestAUCWeightsActAsCopies(t *testing.T) {
	score := []float64{0.3, 0.7, 0.7, 0.2, 0.9}
	y := []float64{1, 0, 1, 0, 1}
	w := []float64{2, 1, 3, 1, 1}
	var rs, ry []float64
	for i := range score {
		for k := 0; k < int(w[i]); k++ {
			rs = append(rs, score[i])
			ry = append(ry, y[i])
		}
	}
	if got, want := AUC(score, y, w), AUC(rs, ry, nil); math.Abs(got-want) > 1e-15 {
		t.Errorf("weighted AUC = %v, AUC of the repeated rows = %v", got, want)
	}
}

func TestAUCNaNScoresSortLowest(t *testing.T) {
	got := AUC([]float64{math.NaN(), 0.5, math.NaN(), 0.1}, []float64{0, 1, 0, 1}, nil)
	// Positives 0.5 and 0.1 both beat the two NaN negatives.
	if got != 1 {
		t.Errorf("AUC = %v, want 1", got)
	}
}

func TestAUCDoesNotModifyInput(t *testing.T) {
	score := []float64{0.9, 0.1, 0.5}
	y := []float64{1, 0, 1}
	AUC(score, y, nil)
	if score[0] != 0.9 || score[1] != 0.1 || score[2] != 0.5 {
		t.Errorf("score was modified: %v", score)
	}
}

func TestAccuracy(t *testing.T) {
	if got := Accuracy([]int{0, 1, 2, 2}, []int{0, 1, 1, 2}); got != 0.75 {
		t.Errorf("Accuracy = %v, want 0.75", got)
	}
	if got := Accuracy(nil, nil); !math.IsNaN(got) {
		t.Errorf("empty Accuracy = %v, want NaN", got)
	}
}

func TestRMSE(t *testing.T) {
	if got := RMSE([]float64{1, 2, 3, 4}, []float64{1, 2, 3, 8}); got != 2 {
		t.Errorf("RMSE = %v, want 2", got)
	}
	if got := RMSE(nil, nil); !math.IsNaN(got) {
		t.Errorf("empty RMSE = %v, want NaN", got)
	}
}

func TestLogLoss(t *testing.T) {
	p := []float64{0.9, 0.2, 0.6}
	y := []float64{1, 0, 0}
	want := -(math.Log(0.9) + math.Log(0.8) + math.Log(0.4)) / 3
	if got := LogLoss(p, y); math.Abs(got-want) > 1e-15 {
		t.Errorf("LogLoss = %v, want %v", got, want)
	}
	// Clipping keeps a certain mistake finite.
	got := LogLoss([]float64{0, 1}, []float64{1, 0})
	// (1-LogLossEps rounds to 1-9.992e-16, so the y=0 row costs a hair more.)
	if want := -math.Log(LogLossEps); math.IsInf(got, 0) || math.Abs(got-want) > 1e-3 {
		t.Errorf("clipped LogLoss = %v, want %v", got, want)
	}
	// Soft labels use the general formula.
	got = LogLoss([]float64{0.7}, []float64{0.25})
	if want := -(0.25*math.Log(0.7) + 0.75*math.Log(0.3)); math.Abs(got-want) > 1e-15 {
		t.Errorf("soft-label LogLoss = %v, want %v", got, want)
	}
}

func TestLengthMismatchPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"AUC":        func() { AUC([]float64{1}, []float64{1, 0}, nil) },
		"AUC weight": func() { AUC([]float64{1, 2}, []float64{1, 0}, []float64{1}) },
		"Accuracy":   func() { Accuracy([]int{1}, nil) },
		"RMSE":       func() { RMSE([]float64{1}, nil) },
		"LogLoss":    func() { LogLoss([]float64{1}, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic on length mismatch", name)
				}
			}()
			f()
		}()
	}
}

func BenchmarkAUC1M(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 1_000_000
	score, y := make([]float64, n), make([]float64, n)
	for i := range score {
		score[i] = rng.Float64()
		if rng.Float64() < score[i] {
			y[i] = 1
		}
	}
	b.ResetTimer()
	for b.Loop() {
		AUC(score, y, nil)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func TestAUCMixedSignsAndInfinities(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	special := []float64{math.Inf(-1), math.Inf(1), math.Copysign(0, -1), 0, -1e-300, 1e-300, -2.5, 2.5}
	for trial := 0; trial < 100; trial++ {
		n := 2 + rng.IntN(200)
		score, y := make([]float64, n), make([]float64, n)
		for i := range score {
			if rng.IntN(3) == 0 {
				score[i] = special[rng.IntN(len(special))]
			} else {
				score[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(20)-10))
			}
			y[i] = float64(rng.IntN(2))
		}
		y[0], y[1] = 0, 1
		if got, want := AUC(score, y, nil), pairwiseAUC(score, y, nil); math.Abs(got-want) > 1e-12 {
			t.Fatalf("trial %d: AUC = %v, pairwise = %v", trial, got, want)
		}
	}
}

func TestRadixSortMatchesNumericOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	n := 5000
	keys, vals := make([]uint64, n), make([]float64, n)
	for i := range keys {
		v := rng.NormFloat64() * math.Pow(2, float64(rng.IntN(200)-100))
		keys[i], vals[i] = sortKey(v), v
	}
	radixSort(keys, vals, make([]uint64, n), make([]float64, n))
	for i := range keys {
		if sortKey(vals[i]) != keys[i] {
			t.Fatalf("value %d moved apart from its key", i)
		}
		if i > 0 && !(vals[i-1] <= vals[i]) {
			t.Fatalf("not sorted at %d: %v > %v", i, vals[i-1], vals[i])
		}
	}
}
