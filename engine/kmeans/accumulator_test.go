package kmeans

import (
	"context"
	"math"
	"slices"
	"testing"
)

// Feeding the rows in batches of any size gives the centroids, shift and
// inertia of one Add with all of them, bit for bit: shards are numbered from
// the first row of the pass, and a shard cut by a batch boundary is
// continued by the next batch.
func TestAccumulatorBatchesBitIdentical(t *testing.T) {
	const n, d, k = 5000, 3, 5
	x, _, _ := blobs(21, n, d, k, 3)
	w := make([]float64, n)
	for i := range w {
		w[i] = float64(1 + i%4)
	}
	init := slices.Clone(x[:k*d])
	for _, wt := range [][]float64{nil, w} {
		ref := NewAccumulator(init, k, d)
		var refC [][]float64
		var refS, refI []float64
		for it := 0; it < 4; it++ {
			ref.Add(x, n, wt)
			c, s, in := ref.Next()
			refC, refS, refI = append(refC, c), append(refS, s), append(refI, in)
		}
		for _, batch := range []int{1, 7, 1000, 1024, 1500, 3000, n} {
			acc := NewAccumulator(init, k, d)
			for it := 0; it < 4; it++ {
				for r0 := 0; r0 < n; r0 += batch {
					r1 := min(r0+batch, n)
					var wb []float64
					if wt != nil {
						wb = wt[r0:r1]
					}
					acc.Add(x[r0*d:r1*d], r1-r0, wb)
				}
				c, s, in := acc.Next()
				if !sameBits(c, refC[it]) || s != refS[it] || in != refI[it] {
					t.Fatalf("batches of %d, iteration %d: %v %v %v, want %v %v %v", batch, it, c, s, in, refC[it], refS[it], refI[it])
				}
			}
		}
	}
}

// Fit on cached data is the accumulator loop.
func TestFitMatchesAccumulator(t *testing.T) {
	const n, d, k = 3000, 2, 3
	x, _, _ := blobs(4, n, d, k, 2)
	init := slices.Clone(x[:k*d])
	m, err := FitFrom(context.Background(), x, n, d, nil, init, 5, 0)
	if err != nil {
		t.Fatal(err)
	}
	acc := NewAccumulator(init, k, d)
	var c []float64
	for it := 0; it < m.Iter; it++ {
		for r0 := 0; r0 < n; r0 += 700 {
			acc.Add(x[r0*d:min(r0+700, n)*d], min(r0+700, n)-r0, nil)
		}
		c, _, _ = acc.Next()
	}
	if !sameBits(c, m.Centroids) || !slices.Equal(acc.Centroids(), c) {
		t.Fatalf("accumulator %v, FitFrom %v", c, m.Centroids)
	}
	acc.Add(x, n, nil)
	_, _, inertia := acc.Next()
	if inertia != m.Inertia || !slices.Equal(acc.Counts(), m.Sizes) {
		t.Fatalf("inertia %v sizes %v, FitFrom %v %v", inertia, acc.Counts(), m.Inertia, m.Sizes)
	}
}

func TestAccumulatorSkipsNaNRows(t *testing.T) {
	acc := NewAccumulator([]float64{0, 10}, 2, 1)
	acc.Add([]float64{1, math.NaN(), 9, 11}, 4, nil)
	c, _, inertia := acc.Next()
	if !slices.Equal(c, []float64{1, 10}) || inertia != 3 || !slices.Equal(acc.Counts(), []int64{1, 2}) {
		t.Fatalf("centroids %v inertia %v counts %v", c, inertia, acc.Counts())
	}
	// An empty pass keeps the centroids.
	c, shift, inertia := acc.Next()
	if !slices.Equal(c, []float64{1, 10}) || shift != 0 || inertia != 0 {
		t.Fatalf("empty pass: %v %v %v", c, shift, inertia)
	}
}

func TestFarList(t *testing.T) {
	var f farList
	f.init(3, 1)
	for i, dist := range []float64{0, 5, 1, 5, 7, 2, 5} {
		f.insert(dist, int64(i), 0, 1, []float64{float64(i)})
	}
	var rows []int64
	for _, p := range f.pts[:f.n] {
		rows = append(rows, p.row)
	}
	if !slices.Equal(rows, []int64{4, 1, 3}) || f.threshold() != 5 {
		t.Fatalf("rows %v threshold %v, want [4 1 3] 5", rows, f.threshold())
	}
	// Merging in another order gives the same list.
	var g farList
	g.init(3, 1)
	for i := f.n - 1; i >= 0; i-- {
		p := f.pts[i]
		g.insert(p.dist, p.row, p.label, p.w, p.x)
	}
	g.insert(5, 6, 0, 1, []float64{6})
	for i := range 3 {
		if g.pts[i].row != f.pts[i].row || g.pts[i].x[0] != float64(f.pts[i].row) {
			t.Fatalf("merged list %+v differs from %+v", g.pts, f.pts)
		}
	}
}
