package kmeans_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/ducksight/ducksight/engine/kmeans"
)

// Three groups of customers by (visits per month, basket size): k-means
// finds them, OrderBySize numbers them from the largest, and Assign places
// new customers.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	centres := [][2]float64{{2, 20}, {8, 35}, {15, 12}}
	counts := []int{300, 200, 100}
	var x []float64
	for g, c := range centres {
		for range counts[g] {
			x = append(x, c[0]+rng.NormFloat64(), c[1]+2*rng.NormFloat64())
		}
	}
	n := len(x) / 2

	cfg := kmeans.DefaultConfig(3)
	cfg.Seed = 7
	m, err := kmeans.Fit(context.Background(), x, n, 2, nil, cfg)
	if err != nil {
		panic(err)
	}
	m.OrderBySize()
	for c := 0; c < m.K; c++ {
		ct := m.Centroid(c)
		fmt.Printf("cluster %d: %3d rows around (%.1f, %.1f)\n", c, m.Sizes[c], ct[0], ct[1])
	}

	labels := make([]int32, n)
	m.Assign(x, n, labels, nil)
	fmt.Printf("silhouette %.2f\n", kmeans.Silhouette(x, n, 2, labels, m.K))

	newRows := []float64{3, 21, 14, 11}
	dist := make([]float64, 2)
	m.Assign(newRows, 2, labels[:2], dist)
	fmt.Printf("new customers: clusters %v, %.1f and %.1f from their centroids\n", labels[:2], dist[0], dist[1])
	// Output:
	// cluster 0: 300 rows around (2.0, 20.0)
	// cluster 1: 200 rows around (8.0, 35.1)
	// cluster 2: 100 rows around (14.9, 12.4)
	// silhouette 0.82
	// new customers: clusters [0 2], 1.4 and 1.6 from their centroids
}

// ChooseK picks the number of clusters with the best silhouette on a
// sample of rows.
func ExampleChooseK() {
	rng := rand.New(rand.NewPCG(3, 4))
	var x []float64
	for _, c := range [][2]float64{{0, 0}, {10, 0}, {0, 10}, {10, 10}} {
		for range 250 {
			x = append(x, c[0]+rng.NormFloat64(), c[1]+rng.NormFloat64())
		}
	}
	n := len(x) / 2
	best, scores, _, err := kmeans.ChooseK(context.Background(), x, n, 2, nil, 2, 6, kmeans.DefaultConfig(0), kmeans.SampleRows(n, 500, 1))
	if err != nil {
		panic(err)
	}
	for _, s := range scores {
		fmt.Printf("k=%d silhouette %.2f\n", s.K, s.Silhouette)
	}
	fmt.Println("best k:", best)
	// Output:
	// k=2 silhouette 0.51
	// k=3 silhouette 0.62
	// k=4 silhouette 0.81
	// k=5 silhouette 0.69
	// k=6 silhouette 0.55
	// best k: 4
}

// An Accumulator runs Lloyd iterations over data read in batches, for
// example streamed from a query, one pass per iteration. The result is the
// same bit for bit as FitFrom on all the rows at once.
func ExampleAccumulator() {
	rows := []float64{0, 0, 1, 0, 0, 1, 5, 5, 6, 5, 5, 6} // 6 rows, 2 columns
	const n, d, k = 6, 2, 2
	read := func(batch func(x []float64, n int)) { // a stream of 4 rows, then 2
		batch(rows[:8], 4)
		batch(rows[8:], 2)
	}
	init := []float64{0, 0, 1, 0}
	tol := kmeans.Tolerance(rows, n, d, 1e-4) // or from the columns' variances

	acc := kmeans.NewAccumulator(init, k, d)
	for it := 1; it <= 300; it++ {
		read(func(x []float64, n int) { acc.Add(x, n, nil) })
		c, shift, _ := acc.Next()
		fmt.Printf("iteration %d: centroids %.3f shift %.4f\n", it, c, shift)
		if shift <= tol {
			break
		}
	}
	// One more pass scores the final centroids (its update is not needed).
	final := acc.Centroids()
	read(func(x []float64, n int) { acc.Add(x, n, nil) })
	_, _, inertia := acc.Next()
	fmt.Printf("inertia %.4f, sizes %v\n", inertia, acc.Counts())

	m, _ := kmeans.FitFrom(context.Background(), rows, n, d, nil, init, 300, 1e-4)
	fmt.Println("same as FitFrom:", fmt.Sprint(final) == fmt.Sprint(m.Centroids) && inertia == m.Inertia)
	// Output:
	// iteration 1: centroids [0.000 0.500 4.250 4.000] shift 26.8125
	// iteration 2: centroids [0.333 0.333 5.333 5.333] shift 3.0903
	// iteration 3: centroids [0.333 0.333 5.333 5.333] shift 0.0000
	// inertia 2.6667, sizes [3 3]
	// same as FitFrom: true
}
