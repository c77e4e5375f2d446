package tuning

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestRungs(t *testing.T) {
	cases := []struct {
		max, eta, n int
		want        []int
	}{
		{50, 3, 2, []int{6, 17}},
		{300, 3, 2, []int{33, 100}},
		{9, 3, 2, []int{1, 3}},
		{2, 3, 2, []int{1}},
		{1, 3, 2, nil},
		{10, 2, 3, []int{1, 3, 5}},
		{1000, 3, 1, []int{333}},
	}
	for _, c := range cases {
		if got := Rungs(c.max, c.eta, c.n); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Rungs(%d, %d, %d) = %v, want %v", c.max, c.eta, c.n, got, c.want)
		}
	}
	if h := NewHalving(50); h.Eta != 3 || !reflect.DeepEqual(h.Rungs, []int{6, 17}) {
		t.Errorf("NewHalving(50) = %+v", h)
	}
}

// run trains each trial of curves in turn (curves[t][s-1] is trial t's
// metric after step s), asking h after every step; it returns the steps
// each trial ran.
func run(h *Halving, curves [][]float64) []int {
	steps := make([]int, len(curves))
	for t, c := range curves {
		steps[t] = len(c)
		for s := 1; s <= len(c); s++ {
			if !h.Continue(t, s, c[s-1]) {
				steps[t] = s
				break
			}
		}
		if steps[t] == len(c) {
			h.Finish(t, c[len(c)-1])
		}
	}
	return steps
}

// TestHalvingKeepsSlowBest is the constructed case of issue 14: trial 4
// learns slower than trial 3 at first but ends best. At each rung it is
// compared with the earlier trials' metrics at that same step, where all
// of them are still low, and it is within the best third there, so it
// runs to the end. A naive rule that compares a trial's early metric with
// the best final metric so far (stop what cannot yet match the incumbent)
// stops it at the first rung; so would a rule asking it to be the best so
// far at each rung.
func TestHalvingKeepsSlowBest(t *testing.T) {
	curves := [][]float64{
		{0.55, 0.62, 0.70, 0.74, 0.76, 0.77, 0.78, 0.78, 0.78},
		{0.63, 0.70, 0.74, 0.77, 0.79, 0.80, 0.80, 0.80, 0.80},
		{0.58, 0.65, 0.71, 0.75, 0.77, 0.78, 0.79, 0.79, 0.79},
		{0.64, 0.71, 0.75, 0.78, 0.80, 0.81, 0.81, 0.81, 0.81},
		{0.63, 0.69, 0.74, 0.78, 0.81, 0.83, 0.84, 0.85, 0.85}, // slow start, best end
		{0.50, 0.55, 0.60, 0.62, 0.63, 0.64, 0.64, 0.64, 0.64}, // weak
	}
	h := &Halving{Eta: 3, Rungs: Rungs(9, 3, 2)} // rungs at steps 1 and 3
	steps := run(h, curves)
	if want := []int{9, 9, 9, 9, 9, 1}; !reflect.DeepEqual(steps, want) {
		t.Fatalf("steps run %v, want %v", steps, want)
	}
	best := 0
	for i, c := range curves {
		if c[steps[i]-1] > curves[best][steps[best]-1] {
			best = i
		}
	}
	if best != 4 || h.Stopped(4) {
		t.Fatalf("best trial %d (stopped: %v), want 4 run to the end", best, h.Stopped(4))
	}
	// The naive rule stops trial 4 at its first rung.
	incumbent := math.Inf(-1)
	for _, c := range curves[:4] {
		incumbent = max(incumbent, c[len(c)-1])
	}
	if curves[4][h.Rungs[0]-1] >= incumbent {
		t.Fatal("the case does not defeat the naive rule")
	}
	// Trial 4 is not the best at either rung: a best-so-far rule stops it.
	if curves[4][0] >= curves[3][0] || curves[4][2] >= curves[3][2] {
		t.Fatal("trial 4 is not behind trial 3 early on")
	}
}

func TestHalvingStopsWeak(t *testing.T) {
	// Three good trials, then alternately a clearly weak and a good one:
	// the weak ones stop at the first rung (step 6 of 50), the good ones
	// run their 50 epochs.
	var curves [][]float64
	good := func(off float64) []float64 {
		c := make([]float64, 50)
		for s := range c {
			c[s] = 0.8 + off - 0.2*math.Exp(-float64(s)/5)
		}
		return c
	}
	weak := func() []float64 {
		c := make([]float64, 50)
		for s := range c {
			c[s] = 0.5
		}
		return c
	}
	var want []int
	for i := range 3 {
		curves = append(curves, good(0.01*float64(i)))
		want = append(want, 50)
	}
	for i := range 6 {
		curves = append(curves, weak(), good(0.05+0.01*float64(i)))
		want = append(want, 6, 50)
	}
	h := NewHalving(50)
	if got := run(h, curves); !reflect.DeepEqual(got, want) {
		t.Fatalf("steps run %v, want %v", got, want)
	}
	for i, w := range want {
		if h.Stopped(i) != (w < 50) {
			t.Errorf("Stopped(%d) = %v", i, h.Stopped(i))
		}
	}
}

// TestHalvingRule checks the rule itself against a brute force reading of
// its definition, on random metrics, with records at a single rung.
func TestHalvingRule(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for eta := 2; eta <= 4; eta++ {
		h := &Halving{Eta: eta, Rungs: []int{1}}
		var earlier []float64
		for trial := range 60 {
			m := math.Round(r.Float64()*20) / 20 // ties happen
			got := h.Continue(trial, 1, m)
			// Brute force: sort the earlier metrics descending; go on when
			// fewer than eta, or when m >= the ceil(n/eta)-th best.
			want := true
			if n := len(earlier); n >= eta {
				sorted := append([]float64(nil), earlier...)
				for i := range sorted {
					for j := i + 1; j < len(sorted); j++ {
						if sorted[j] > sorted[i] {
							sorted[i], sorted[j] = sorted[j], sorted[i]
						}
					}
				}
				want = m >= sorted[(n+eta-1)/eta-1]
			}
			if got != want {
				t.Fatalf("eta %d trial %d metric %v after %v: Continue %v, want %v", eta, trial, m, earlier, got, want)
			}
			earlier = append(earlier, m) // a stopped trial's metric stays recorded
		}
	}
}

func TestHalvingPrefix(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	curves := make([][]float64, 40)
	for i := range curves {
		// Noisy saturating curves of different lengths (early stopping),
		// some with NaN (a diverged training).
		n := 10 + r.IntN(41)
		final, rate := 0.6+0.3*r.Float64(), 0.05+0.5*r.Float64()
		c := make([]float64, n)
		for s := range c {
			c[s] = final - 0.3*math.Exp(-rate*float64(s)) + 0.01*r.NormFloat64()
		}
		if i%13 == 5 {
			c[len(c)/2] = math.NaN()
		}
		curves[i] = c
	}
	full := run(NewHalving(50), curves)
	stopped := 0
	for i, s := range full {
		if s < len(curves[i]) {
			stopped++
		}
	}
	if stopped < 10 || stopped > 35 {
		t.Fatalf("%d of 40 trials stopped: the case tests little", stopped)
	}
	for m := 1; m < len(curves); m++ {
		if got := run(NewHalving(50), curves[:m]); !reflect.DeepEqual(got, full[:m]) {
			t.Fatalf("the first %d trials run %v alone, %v in the full run", m, got, full[:m])
		}
	}
}

func TestHalvingFinishAndNaN(t *testing.T) {
	// Trials 0..2 end (early stopping) at step 2, before the rung at step
	// 3: Finish records their final 0.9 there, so trial 3's 0.8 at step 3
	// is behind three earlier metrics and stops.
	h := &Halving{Eta: 3, Rungs: []int{1, 3}}
	for trial := range 3 {
		if !h.Continue(trial, 1, 0.5) || !h.Continue(trial, 2, 0.9) {
			t.Fatal("stopped early")
		}
		h.Finish(trial, 0.9)
	}
	if !h.Continue(3, 1, 0.5) || h.Continue(3, 3, 0.8) {
		t.Fatal("trial 3: want on at step 1, stopped at step 3")
	}
	// A stopped trial says false at every later step, and Finish records
	// nothing for it.
	if h.Continue(3, 4, 1) || h.Continue(3, 3, 1) {
		t.Fatal("a stopped trial goes on")
	}
	h.Finish(3, 1)
	if n := len(h.records[1]); n != 4 {
		t.Fatalf("%d records at the rung at step 3, want 4", n)
	}
	// Without Finish, trial 3 would go on (no earlier metric at step 3).
	h2 := &Halving{Eta: 3, Rungs: []int{1, 3}}
	for trial := range 3 {
		h2.Continue(trial, 1, 0.5)
	}
	if !h2.Continue(3, 3, 0.8) {
		t.Fatal("without earlier records at a rung, a trial stops")
	}
	// NaN is the worst metric: behind three earlier ones it stops; as an
	// earlier metric it is behind anything.
	h3 := &Halving{Rungs: []int{1}}
	for trial := range 3 {
		h3.Continue(trial, 1, math.NaN())
	}
	if !h3.Continue(3, 1, -1e300) {
		t.Fatal("a finite metric behind three NaN stops")
	}
	h3 = &Halving{Rungs: []int{1}}
	for trial := range 3 {
		h3.Continue(trial, 1, -1e300)
	}
	if h3.Continue(3, 1, math.NaN()) {
		t.Fatal("a NaN metric behind three finite ones goes on")
	}
	// Calling Continue again at the same rung replaces the record.
	h4 := &Halving{Rungs: []int{1}}
	h4.Continue(0, 1, 0.1)
	h4.Continue(0, 1, 0.2)
	if len(h4.records[0]) != 1 || h4.records[0][0].metric != 0.2 {
		t.Fatalf("records %v", h4.records)
	}
}
