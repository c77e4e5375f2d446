package metrics

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The ordering sorts in the caller's Scratch when it is large enough (its
// buffers are written), reuses it across calls of any size up to it, and
// gives the same order as a nil Scratch or one too short (which fall back
// to the Go heap and leave it untouched).
func TestScratch(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	big := NewScratch(1000)
	short := &Scratch{Keys: make([]uint64, 10), Vals: make([]float64, 10)}
	for _, n := range []int{1000, 7, 0, 513} {
		p := make([]float64, n)
		for i := range p {
			p[i] = math.Round(rng.Float64()*50) / 50 // ties
			if i%37 == 5 {
				p[i] = math.NaN()
			}
		}
		for i := range big.Vals {
			big.Vals[i] = -1
		}
		want := descendingOrder(p, nil)
		if got := descendingOrder(p, big); !slices.Equal(got, want) {
			t.Errorf("n=%d: the order in a Scratch differs from the one without", n)
		}
		if n > 0 && big.Vals[0] == -1 {
			t.Errorf("n=%d: the Scratch was not used", n)
		}
		if got := descendingOrder(p, short); !slices.Equal(got, want) {
			t.Errorf("n=%d: the order with a short Scratch differs", n)
		}
		if n > 5 && slices.ContainsFunc(short.Vals, func(v float64) bool { return v != 0 }) {
			t.Errorf("n=%d: a Scratch too short was written", n)
		}
		// Descending, ties in row order, NaN last.
		for i := 1; i < len(want); i++ {
			a, b := p[want[i-1]], p[want[i]]
			if math.IsNaN(a) && !math.IsNaN(b) || a < b || a == b && want[i-1] > want[i] {
				t.Fatalf("n=%d: rows %d, %d out of order (%v, %v)", n, want[i-1], want[i], a, b)
			}
		}
	}
}
