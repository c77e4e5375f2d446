package clustering

import (
	"math"
	"testing"
)

func TestDistinctRows(t *testing.T) {
	negZero := math.Copysign(0, -1)
	x := []float64{
		1, 2,
		1, 2,
		0, 5,
		negZero, 5, // the same point as (0, 5)
		3, 1,
	}
	for _, c := range []struct{ limit, want int }{{10, 3}, {3, 3}, {2, 2}, {1, 1}} {
		if got := distinctRows(x, 5, 2, c.limit); got != c.want {
			t.Errorf("limit %d: %d distinct rows, want %d", c.limit, got, c.want)
		}
	}
	// Rows that differ in one column only are distinct.
	if got := distinctRows([]float64{1, 2, 1, 3}, 2, 2, 10); got != 2 {
		t.Errorf("%d distinct rows, want 2", got)
	}
}
