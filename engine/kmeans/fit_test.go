package kmeans

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ducksight/ducksight/dserr"
)

// Six points in two groups, the textbook example for Lloyd's algorithm:
//
//	A(0,0) B(1,0) C(0,1)   D(5,5) E(6,5) F(5,6)
//
// Starting from c1 = A = (0,0) and c2 = B = (1,0):
//
// Iteration 1. A is on c1, B on c2. C: 1 to c1, 2 to c2 -> c1. D: 50 to c1,
// 16+25 = 41 to c2 -> c2; likewise E (61 vs 50) and F (61 vs 52) -> c2.
// New centroids c1 = mean(A, C) = (0, 0.5), c2 = mean(B, D, E, F) =
// (17/4, 16/4) = (4.25, 4); shift = 0.25 + (3.25^2 + 16) = 26.8125.
//
// Iteration 2. B: 1 + 0.25 = 1.25 to c1, 3.25^2 + 16 = 26.5625 to c2 -> c1;
// A and C stay with c1, D, E, F with c2 (D: 45.25 vs 1.5625). New centroids
// c1 = mean(A, B, C) = (1/3, 1/3), c2 = mean(D, E, F) = (16/3, 16/3).
//
// Iteration 3. No row changes cluster, the centroids do not move (shift 0):
// converged after 3 iterations. Inertia: A is 2/9 from c1, B and C 5/9
// each, 12/9 in all, and the same for D, E, F around c2: 8/3.
var textbook = []float64{0, 0, 1, 0, 0, 1, 5, 5, 6, 5, 5, 6}

func TestTextbookLloyd(t *testing.T) {
	ctx := context.Background()
	init := []float64{0, 0, 1, 0}

	m, err := FitFrom(ctx, textbook, 6, 2, nil, init, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{0, 0.5, 4.25, 4}; !slices.Equal(m.Centroids, want) || m.Iter != 1 || m.Converged {
		t.Fatalf("after 1 iteration: %+v, want centroids %v", m, want)
	}
	// Sizes and inertia are those of the returned centroids: A, B, C go to
	// (0, 0.5) (0.25 + 1.25 + 0.25), D, E, F to (4.25, 4).
	wantInertia := 1.75 + (0.5625 + 1) + (3.0625 + 1) + (0.5625 + 4)
	if !slices.Equal(m.Sizes, []int64{3, 3}) || !near(m.Inertia, wantInertia, 1e-15) {
		t.Fatalf("after 1 iteration: sizes %v inertia %v, want [3 3] %v", m.Sizes, m.Inertia, wantInertia)
	}

	m, err = FitFrom(ctx, textbook, 6, 2, nil, init, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{1.0 / 3, 1.0 / 3, 16.0 / 3, 16.0 / 3}; !slices.Equal(m.Centroids, want) || m.Iter != 2 || m.Converged {
		t.Fatalf("after 2 iterations: %+v, want centroids %v", m, want)
	}

	m, err = FitFrom(ctx, textbook, 6, 2, nil, init, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{1.0 / 3, 1.0 / 3, 16.0 / 3, 16.0 / 3}; !slices.Equal(m.Centroids, want) || m.Iter != 3 || !m.Converged {
		t.Fatalf("converged: %+v, want centroids %v after 3 iterations", m, want)
	}
	if !near(m.Inertia, 8.0/3, 1e-15) || !slices.Equal(m.Sizes, []int64{3, 3}) {
		t.Fatalf("converged: inertia %v sizes %v, want 8/3 and [3 3]", m.Inertia, m.Sizes)
	}

	// A tolerance larger than the second shift stops after 2 iterations.
	// Each column (0,1,0,5,6,5 and 0,0,1,5,5,6) has mean 17/6 and population
	// variance 87/6 - (17/6)^2 = 233/36; the second shift is (1/3)^2 +
	// (1/6)^2 + (13/12)^2 + (4/3)^2 = 445/144 = 3.0903, so tol 0.48 (3.1067)
	// stops there and tol 0.47 (3.0419) does not.
	if got := Tolerance(textbook, 6, 2, 1); !near(got, 233.0/36, 1e-15) {
		t.Fatalf("Tolerance = %v, want 233/36", got)
	}
	for _, c := range []struct {
		tol  float64
		iter int
	}{{0.48, 2}, {0.47, 3}} {
		m, err = FitFrom(ctx, textbook, 6, 2, nil, init, 100, c.tol)
		if err != nil {
			t.Fatal(err)
		}
		if m.Iter != c.iter || !m.Converged {
			t.Fatalf("tol %v: %d iterations, want %d", c.tol, m.Iter, c.iter)
		}
	}
}

// A centroid far from every row gets no rows in the first assignment and
// is re-seeded with the row farthest from its centroid: with c1 = (0,0) all
// rows go to c1, E(6,5) and F(5,6) are the farthest (61), E is the earlier,
// so c2 = E and c1 = mean(A, B, C, D, F) = (11/5, 12/5).
func TestEmptyClusterReseeded(t *testing.T) {
	ctx := context.Background()
	init := []float64{0, 0, 100, 100}
	m, err := FitFrom(ctx, textbook, 6, 2, nil, init, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{11.0 / 5, 12.0 / 5, 6, 5}; !slices.Equal(m.Centroids, want) {
		t.Fatalf("after 1 iteration: %v, want %v", m.Centroids, want)
	}
	m, err = FitFrom(ctx, textbook, 6, 2, nil, init, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{1.0 / 3, 1.0 / 3, 16.0 / 3, 16.0 / 3}; !slices.Equal(m.Centroids, want) || !slices.Equal(m.Sizes, []int64{3, 3}) {
		t.Fatalf("converged: %+v, want centroids %v", m, want)
	}

	// Two empty clusters take the two farthest rows, E then F.
	m, err = FitFrom(ctx, textbook, 6, 2, nil, []float64{0, 0, 100, 100, -100, 50}, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{6.0 / 4, 6.0 / 4, 6, 5, 5, 6}; !slices.Equal(m.Centroids, want) {
		t.Fatalf("two empty clusters: %v, want %v", m.Centroids, want)
	}
}

// With fewer distinct rows than clusters, a cluster stays empty: no row
// can be moved without emptying its own cluster or lies off its centroid.
func TestDuplicateRowsLeaveClusterEmpty(t *testing.T) {
	x := []float64{1, 2, 1, 2, 1, 2, 1, 2, 3, 3, 3, 3}
	for _, init := range []string{KMeansPlusPlus, Random} {
		m, err := Fit(context.Background(), x, 6, 2, nil, Config{K: 3, Init: init, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		sizes := slices.Clone(m.Sizes)
		slices.Sort(sizes)
		if !slices.Equal(sizes, []int64{0, 2, 4}) || m.Inertia != 0 || !m.Converged {
			t.Fatalf("%s: %+v, want sizes {0, 2, 4} and inertia 0", init, m)
		}
		for _, v := range m.Centroids {
			if math.IsNaN(v) {
				t.Fatalf("%s: NaN centroid %v", init, m.Centroids)
			}
		}
	}
}

func TestKMeansPlusPlusReproducible(t *testing.T) {
	x, _, _ := blobs(7, 3000, 4, 6, 1.5)
	ctx := context.Background()
	for _, init := range []string{KMeansPlusPlus, Random} {
		cfg := Config{K: 6, Init: init, NInit: 2, Seed: 42}
		a, err := Fit(ctx, x, 3000, 4, nil, cfg)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Fit(ctx, x, 3000, 4, nil, cfg)
		if err != nil {
			t.Fatal(err)
		}
		sameModel(t, init+" same seed", a, b)
		// The initial centroids differ with the seed.
		c1 := initFor(t, x, 3000, 4, cfg)
		cfg.Seed = 43
		c2 := initFor(t, x, 3000, 4, cfg)
		if slices.Equal(c1, c2) {
			t.Fatalf("%s: seeds 42 and 43 give the same initial centroids", init)
		}
	}
}

func initFor(t *testing.T, x []float64, n, d int, cfg Config) []float64 {
	src := newRand(cfg.Seed, 0)
	if cfg.Init == Random {
		return initRandom(x, n, d, nil, cfg.K, src)
	}
	c, err := initPlusPlus(context.Background(), x, n, d, nil, cfg.K, src)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// k-means++ spreads its centroids: on k far-apart blobs, every seed puts
// one initial centroid in each blob (with the greedy candidates, a second
// centroid in a blob already covered would leave a far larger potential).
func TestKMeansPlusPlusSpreads(t *testing.T) {
	const n, d, k = 2000, 3, 5
	x, _, centres := blobs(3, n, d, k, 0.3)
	truth := &Model{K: k, Dim: d, Centroids: centres}
	for seed := int64(0); seed < 20; seed++ {
		c, err := initPlusPlus(context.Background(), x, n, d, nil, k, newRand(seed, 0))
		if err != nil {
			t.Fatal(err)
		}
		got := make([]int32, k)
		truth.Assign(c, k, got, nil)
		slices.Sort(got)
		if !slices.Equal(got, []int32{0, 1, 2, 3, 4}) {
			t.Fatalf("seed %d: initial centroids fall in blobs %v", seed, got)
		}
	}
	// Weights steer the draws: rows of weight 0 are never picked.
	w := make([]float64, n)
	for i := range w {
		if i%k != 2 {
			w[i] = 1
		}
	}
	for seed := int64(0); seed < 20; seed++ {
		c, err := initPlusPlus(context.Background(), x, n, d, w, k-1, newRand(seed, 0))
		if err != nil {
			t.Fatal(err)
		}
		got := make([]int32, k-1)
		truth.Assign(c, k-1, got, nil)
		if slices.Contains(got, 2) {
			t.Fatalf("seed %d: a zero-weight row was picked: blobs %v", seed, got)
		}
	}
}

func TestInitRandomDistinctRows(t *testing.T) {
	const n, d = 50, 1
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i)
	}
	w := make([]float64, n)
	for i := 0; i < n; i += 5 {
		w[i] = float64(i + 1)
	}
	for seed := int64(0); seed < 50; seed++ {
		c := initRandom(x, n, d, w, 10, newRand(seed, 0))
		seen := map[float64]bool{}
		for _, v := range c {
			if seen[v] || int(v)%5 != 0 {
				t.Fatalf("seed %d: %v repeats a row or picks one of weight 0", seed, c)
			}
			seen[v] = true
		}
	}
}

func TestGOMAXPROCSBitIdentical(t *testing.T) {
	// 20,000 rows: 20 shards, the last one partial.
	const n, d = 20000, 5
	x, _, _ := blobs(11, n, d, 4, 2.5)
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.5 + float64(i%7)
	}
	for _, cfg := range []Config{
		{K: 4, Seed: 3, Tol: 0},
		{K: 7, Init: Random, NInit: 2, Seed: 5, Tol: 1e-6},
	} {
		for _, wt := range [][]float64{nil, w} {
			var a, b *Model
			var err1, err2 error
			withProcs(1, func() { a, err1 = Fit(context.Background(), x, n, d, wt, cfg) })
			withProcs(2, func() { b, err2 = Fit(context.Background(), x, n, d, wt, cfg) })
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			sameModel(t, "GOMAXPROCS 1 vs 2", a, b)
			if a.Iter < 3 {
				t.Fatalf("only %d iterations: the test does not exercise Lloyd", a.Iter)
			}
		}
	}
}

// Weights count a row several times: weight 2 on a row gives the model of
// the data with the row repeated (to rounding: the sums are added in a
// different order).
func TestWeightsAsRepeats(t *testing.T) {
	const n, d = 3000, 3
	x, _, _ := blobs(5, n, d, 3, 3)
	w := make([]float64, n)
	var rep []float64
	for i := range w {
		w[i] = float64(1 + i%3)
		for r := 0; r < int(w[i]); r++ {
			rep = append(rep, x[i*d:i*d+d]...)
		}
	}
	init := slices.Clone(x[:3*d])
	a, err := FitFrom(context.Background(), x, n, d, w, init, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := FitFrom(context.Background(), rep, len(rep)/d, d, nil, init, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Centroids {
		if !near(a.Centroids[i], b.Centroids[i], 1e-12) {
			t.Fatalf("weighted %v, repeated %v", a.Centroids, b.Centroids)
		}
	}
	if !near(a.Inertia, b.Inertia, 1e-12) {
		t.Fatalf("inertia weighted %v, repeated %v", a.Inertia, b.Inertia)
	}
}

func TestBlobsRecovered(t *testing.T) {
	for _, c := range []struct {
		k, d int
		init string
	}{{3, 2, KMeansPlusPlus}, {4, 3, KMeansPlusPlus}, {5, 8, KMeansPlusPlus}, {4, 3, Random}, {5, 8, Random}} {
		const n = 5000
		x, truth, _ := blobs(uint64(c.k*10+c.d), n, c.d, c.k, 1)
		m, err := Fit(context.Background(), x, n, c.d, nil, Config{K: c.k, Init: c.init, NInit: 5, Seed: 1, Tol: DefaultTol})
		if err != nil {
			t.Fatal(err)
		}
		got := make([]int32, n)
		m.Assign(x, n, got, nil)
		if ari := ARI(truth, got); ari < 0.99 {
			t.Errorf("k=%d d=%d %s: ARI %.4f < 0.99 (%+v)", c.k, c.d, c.init, ari, m)
		}
		if !m.Converged {
			t.Errorf("k=%d d=%d %s: not converged", c.k, c.d, c.init)
		}
		var sum int64
		for _, s := range m.Sizes {
			sum += s
		}
		if sum != n {
			t.Errorf("sizes %v add up to %d", m.Sizes, sum)
		}
	}
}

// The model's inertia is the sum of squared distances that Assign reports.
func TestAssignAgreesWithFit(t *testing.T) {
	const n, d = 4000, 3
	x, _, _ := blobs(9, n, d, 4, 2)
	m, err := Fit(context.Background(), x, n, d, nil, Config{K: 4, Seed: 2, Tol: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	labels := make([]int32, n)
	dist := make([]float64, n)
	m.Assign(x, n, labels, dist)
	sizes := make([]int64, 4)
	inertia := 0.0
	for i, l := range labels {
		sizes[l]++
		inertia += dist[i] * dist[i]
		want := math.Sqrt(sqdist(x[i*d:i*d+d], m.Centroid(int(l))))
		if dist[i] != want {
			t.Fatalf("row %d: distance %v, want %v", i, dist[i], want)
		}
		for c := 0; c < 4; c++ {
			if sqdist(x[i*d:i*d+d], m.Centroid(c)) < want*want*(1-1e-12) {
				t.Fatalf("row %d: cluster %d is nearer than %d", i, c, l)
			}
		}
	}
	if !slices.Equal(sizes, m.Sizes) || !near(inertia, m.Inertia, 1e-10) {
		t.Fatalf("sizes %v inertia %v, model %v %v", sizes, inertia, m.Sizes, m.Inertia)
	}
	// NaN rows get -1 and NaN.
	m.Assign([]float64{math.NaN(), 0, 0}, 1, labels, dist)
	if labels[0] != -1 || !math.IsNaN(dist[0]) {
		t.Fatalf("NaN row: %d %v", labels[0], dist[0])
	}
}

func TestOrderBySize(t *testing.T) {
	m := &Model{K: 4, Dim: 1, Centroids: []float64{10, 20, 30, 40}, Sizes: []int64{5, 9, 5, 7}}
	perm := m.OrderBySize()
	if !slices.Equal(perm, []int32{2, 0, 3, 1}) || !slices.Equal(m.Centroids, []float64{20, 40, 10, 30}) ||
		!slices.Equal(m.Sizes, []int64{9, 7, 5, 5}) {
		t.Fatalf("perm %v centroids %v sizes %v", perm, m.Centroids, m.Sizes)
	}
}

func TestModelJSON(t *testing.T) {
	m, err := FitFrom(context.Background(), textbook, 6, 2, nil, []float64{0, 0, 1, 0}, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Model
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	sameModel(t, "JSON round trip", m, &back)
	if !strings.Contains(string(b), `"centroids":[`) {
		t.Fatalf("JSON %s", b)
	}
}

func TestFitErrors(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		x    []float64
		n    int
		w    []float64
		cfg  Config
		want string
	}{
		{[]float64{1, math.NaN()}, 2, nil, Config{K: 1}, "data: row 1, column 0 is NaN; k-means needs finite values"},
		{[]float64{1, 2}, 2, []float64{1, -1}, Config{K: 1}, "weight: row 1 has weight -1; weights must be finite and >= 0"},
		{[]float64{1, 2}, 2, nil, Config{K: 3}, "k: 3 clusters need at least as many rows, got 2"},
		{[]float64{1, 2, 3}, 3, []float64{1, 0, 0}, Config{K: 2}, "k: 2 clusters need at least as many rows of positive weight, got 1"},
		{[]float64{1, 2}, 2, nil, Config{K: 1, NInit: -1}, "n_init: must be >= 1, got -1"},
	}
	for _, c := range cases {
		_, err := Fit(ctx, c.x, c.n, 1, c.w, c.cfg)
		if err == nil || err.Error() != c.want || !errors.Is(err, dserr.InvalidArgument) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
	if _, err := FitFrom(ctx, []float64{1, 2}, 2, 1, nil, []float64{0}, 0, 0); err == nil || err.Error() != "max_iter: must be >= 1, got 0" {
		t.Errorf("FitFrom max_iter 0: %v", err)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Fit(ctx, textbook, 6, 2, nil, Config{K: 2}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled before: %v", err)
	}

	// Cancel while a long fit runs (tolerance 0, many runs): Fit returns
	// the context's error well before it would finish.
	const n, d = 200000, 8
	x, _, _ := blobs(1, n, d, 20, 4)
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		_, err := Fit(ctx, x, n, d, nil, Config{K: 20, NInit: 50, MaxIter: 300, Tol: 0, Seed: 1})
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		t.Logf("returned %v after cancelling", time.Since(start)-50*time.Millisecond)
	case <-time.After(10 * time.Second):
		t.Fatal("Fit did not return within 10s of cancelling")
	}
}
