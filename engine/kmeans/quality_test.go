package kmeans

import (
	"context"
	"math"
	"slices"
	"testing"
)

// silhouetteRef is the definition, written out.
func silhouetteRef(x []float64, n, d int, labels []int32) float64 {
	total := 0.0
	for i := 0; i < n; i++ {
		sums := map[int32]float64{}
		counts := map[int32]int{}
		for j := 0; j < n; j++ {
			if j == i {
				continue
			}
			s := 0.0
			for c := 0; c < d; c++ {
				s += (x[i*d+c] - x[j*d+c]) * (x[i*d+c] - x[j*d+c])
			}
			sums[labels[j]] += math.Sqrt(s)
			counts[labels[j]]++
		}
		own := labels[i]
		if counts[own] == 0 {
			continue // alone: s = 0
		}
		a := sums[own] / float64(counts[own])
		b := math.Inf(1)
		for l, s := range sums {
			if l != own {
				b = min(b, s/float64(counts[l]))
			}
		}
		total += (b - a) / max(a, b)
	}
	return total / float64(n)
}

func TestSilhouette(t *testing.T) {
	// By hand: 0 and 1 against 10 and 11. Row 0: a = 1, b = 10.5, s =
	// 9.5/10.5; row 1: a = 1, b = 9.5, s = 8.5/9.5; rows 10 and 11 mirror.
	x := []float64{0, 1, 10, 11}
	got := Silhouette(x, 4, 1, []int32{0, 0, 1, 1}, 2)
	if want := (9.5/10.5 + 8.5/9.5) / 2; !near(got, want, 1e-15) {
		t.Fatalf("hand case: %v, want %v", got, want)
	}
	// A row alone in its cluster scores 0; unused label values are fine.
	got = Silhouette(x, 4, 1, []int32{0, 0, 0, 3}, 4)
	if want := silhouetteRef(x, 4, 1, []int32{0, 0, 0, 3}); !near(got, want, 1e-15) || got >= 0.5 {
		t.Fatalf("singleton: %v, want %v", got, want)
	}
	// Undefined with one cluster or n clusters.
	if s := Silhouette(x, 4, 1, []int32{1, 1, 1, 1}, 2); !math.IsNaN(s) {
		t.Fatalf("one cluster: %v", s)
	}
	if s := Silhouette(x, 4, 1, []int32{0, 1, 2, 3}, 4); !math.IsNaN(s) {
		t.Fatalf("n clusters: %v", s)
	}

	// Against the definition on random labels (bad clustering, s < 0 for
	// many rows) and on fitted labels, over several shards of rows.
	const n, d = 300, 3
	xb, truth, _ := blobs(2, n, d, 3, 2)
	random := make([]int32, n)
	for i := range random {
		random[i] = int32((i * 7919) % 4)
	}
	for _, labels := range [][]int32{truth, random} {
		k := int(slices.Max(labels)) + 1
		got, want := Silhouette(xb, n, d, labels, k), silhouetteRef(xb, n, d, labels)
		if !near(got, want, 1e-12) {
			t.Fatalf("got %v, reference %v", got, want)
		}
	}

	// Two far-apart tight blobs score near 1.
	xf, tf, _ := blobs(3, 400, 2, 2, 0.05)
	if s := Silhouette(xf, 400, 2, tf, 2); s < 0.98 {
		t.Fatalf("two far blobs: %v", s)
	}

	// GOMAXPROCS does not change the bits.
	var a, b float64
	withProcs(1, func() { a = Silhouette(xb, n, d, random, 4) })
	withProcs(2, func() { b = Silhouette(xb, n, d, random, 4) })
	if a != b {
		t.Fatalf("GOMAXPROCS 1: %v, 2: %v", a, b)
	}
}

func TestDaviesBouldin(t *testing.T) {
	// By hand: clusters {0, 1} and {10, 11} have centroids 0.5 and 10.5,
	// mean distance 0.5 to them, 10 apart: (0.5+0.5)/10 = 0.1.
	x := []float64{0, 1, 10, 11}
	labels := []int32{0, 0, 1, 1}
	if got := DaviesBouldin(x, 4, 1, labels, nil, 2); !near(got, 0.1, 1e-15) {
		t.Fatalf("hand case: %v, want 0.1", got)
	}
	if got := DaviesBouldin(x, 4, 1, labels, []float64{0.5, 10.5}, 2); !near(got, 0.1, 1e-15) {
		t.Fatalf("given centroids: %v, want 0.1", got)
	}
	// Three clusters in 2D, by hand. Centroids (0,0), (4,0), (0,3):
	//   A = {(-1,0), (1,0)}: S = 1;  B = {(4,-2), (4,2)}: S = 2;
	//   C = {(0,3)}: S = 0.
	// M_AB = 4, M_AC = 3, M_BC = 5. R_A = max(3/4, 1/3) = 0.75,
	// R_B = max(3/4, 2/5) = 0.75, R_C = max(1/3, 2/5) = 0.4.
	// DB = (0.75 + 0.75 + 0.4)/3 = 1.9/3.
	x2 := []float64{-1, 0, 1, 0, 4, -2, 4, 2, 0, 3}
	l2 := []int32{0, 0, 1, 1, 2}
	if got := DaviesBouldin(x2, 5, 2, l2, nil, 3); !near(got, 1.9/3, 1e-15) {
		t.Fatalf("three clusters: %v, want %v", got, 1.9/3)
	}
	// An empty cluster is left out; one cluster is undefined.
	if got := DaviesBouldin(x2, 5, 2, []int32{0, 0, 3, 3, 2}, nil, 4); !near(got, 1.9/3, 1e-15) {
		t.Fatalf("with an empty cluster: %v", got)
	}
	if got := DaviesBouldin(x, 4, 1, []int32{0, 0, 0, 0}, nil, 1); !math.IsNaN(got) {
		t.Fatalf("one cluster: %v", got)
	}
}

func TestSampleRows(t *testing.T) {
	if got := SampleRows(5, 10, 1); !slices.Equal(got, []int{0, 1, 2, 3, 4}) {
		t.Fatalf("all rows: %v", got)
	}
	a := SampleRows(100000, 1000, 7)
	b := SampleRows(100000, 1000, 7)
	c := SampleRows(100000, 1000, 8)
	if !slices.Equal(a, b) || slices.Equal(a, c) || len(a) != 1000 {
		t.Fatalf("not deterministic in the seed (%d rows)", len(a))
	}
	if !slices.IsSorted(a) || a[0] < 0 || a[999] >= 100000 || len(slices.Compact(slices.Clone(a))) != 1000 {
		t.Fatal("rows not sorted, distinct and in range")
	}
	// Uniform: each tenth of the range gets about a tenth of the sample.
	counts := make([]int, 10)
	for _, r := range a {
		counts[r/10000]++
	}
	for i, c := range counts {
		if c < 60 || c > 140 {
			t.Fatalf("decile %d has %d of 1000 rows", i, c)
		}
	}
}

func TestChooseK(t *testing.T) {
	const n, d = 4000, 2
	x, _, _ := blobs(12, n, d, 4, 0.8)
	best, scores, models, err := ChooseK(context.Background(), x, n, d, nil, 2, 7, Config{K: 1, Seed: 1, Tol: DefaultTol}, SampleRows(n, 1000, 1))
	if err != nil {
		t.Fatal(err)
	}
	if best != 4 || len(scores) != 6 || len(models) != 6 {
		t.Fatalf("best %d, scores %+v", best, scores)
	}
	for i, s := range scores {
		if s.K != i+2 || models[i].K != s.K || s.Inertia != models[i].Inertia {
			t.Fatalf("score %d: %+v", i, s)
		}
		if i > 0 && s.Inertia > scores[i-1].Inertia {
			t.Fatalf("inertia grows with k: %+v", scores)
		}
		if s.K != 4 && s.Silhouette >= scores[2].Silhouette {
			t.Fatalf("k=%d scores %v >= k=4's %v", s.K, s.Silhouette, scores[2].Silhouette)
		}
	}
	if _, _, _, err := ChooseK(context.Background(), x, n, d, nil, 1, 3, Config{}, nil); err == nil || err.Error() != "k_min: must be >= 2, got 1" {
		t.Fatalf("k_min 1: %v", err)
	}
}
