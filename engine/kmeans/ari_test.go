package kmeans

import (
	"math"
	"testing"
)

func TestARI(t *testing.T) {
	cases := []struct {
		a, b []int32
		want float64
	}{
		{[]int32{0, 0, 1, 1}, []int32{0, 0, 1, 1}, 1},
		{[]int32{0, 0, 1, 1}, []int32{5, 5, -3, -3}, 1}, // label values do not matter
		// By hand: contingency cells 2, 1, 1 -> sum C(n_ij, 2) = 1; rows of a
		// in clusters of 2, 1, 1 -> 1 pair; of b in 2, 2 -> 2 pairs; C(4, 2) = 6.
		// Expected 1*2/6 = 1/3, maximum (1+2)/2 = 1.5:
		// ARI = (1 - 1/3)/(1.5 - 1/3) = 4/7.
		{[]int32{0, 0, 1, 2}, []int32{0, 0, 1, 1}, 4.0 / 7},
		{[]int32{0, 0, 1, 1}, []int32{0, 0, 1, 2}, 4.0 / 7}, // symmetric
		{[]int32{0, 0, 0, 0}, []int32{0, 1, 2, 3}, 0},
		{[]int32{0, 1, 2, 3}, []int32{0, 1, 2, 3}, 1},
		{[]int32{7, 7, 7}, []int32{1, 1, 1}, 1},
		{nil, nil, 1},
		// Worse than chance: every pair together in one is apart in the other.
		{[]int32{0, 0, 1, 1}, []int32{0, 1, 0, 1}, -0.5},
	}
	for _, c := range cases {
		if got := ARI(c.a, c.b); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("ARI(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
