package kmeans

import (
	"fmt"
	"math"
	"sort"
)

// Model is a fitted k-means model. Its fields are exported and it marshals
// with encoding/json, so it is stored as part of a model document as is.
// A Model is read-only for Assign, which is safe for concurrent use.
type Model struct {
	K         int       `json:"k"`
	Dim       int       `json:"dim"`       // number of columns
	Centroids []float64 `json:"centroids"` // K x Dim, row-major
	// Inertia is the weighted sum of squared distances of the training rows
	// to their nearest centroid.
	Inertia float64 `json:"inertia"`
	Iter    int     `json:"iter"`  // Lloyd iterations of the winning run
	Sizes   []int64 `json:"sizes"` // training rows per cluster
	// Converged is false when the winning run stopped at the iteration
	// limit rather than at the tolerance.
	Converged bool `json:"converged"`
}

// Centroid returns centroid c (a view into Centroids).
func (m *Model) Centroid(c int) []float64 {
	return m.Centroids[c*m.Dim : c*m.Dim+m.Dim]
}

// Assign writes to out[i] the cluster of row i of x (row-major, n x Dim),
// its nearest centroid (ties: the lower index), and, when dist is not nil,
// to dist[i] the Euclidean distance to it. A row with a NaN gets cluster -1
// and distance NaN. Batches of more than 1024 rows are split into shards
// labelled in parallel.
func (m *Model) Assign(x []float64, n int, out []int32, dist []float64) {
	d := m.Dim
	if n < 0 || len(x) < n*d || len(out) < n || dist != nil && len(dist) < n {
		panic(fmt.Sprintf("kmeans: Assign: %d values, %d labels, %d distances for %d rows of %d columns",
			len(x), len(out), len(dist), n, d))
	}
	nsh := (n + shardRows - 1) / shardRows
	procs := workers(nsh)
	bufs := make([][]float64, procs)
	for i := range bufs {
		bufs[i] = make([]float64, m.K)
	}
	parallel(procs, nsh, func(wk, s int) {
		buf := bufs[wk]
		for i := s * shardRows; i < min(n, (s+1)*shardRows); i++ {
			c, d2 := nearest(x[i*d:i*d+d], m.Centroids, m.K, buf)
			out[i] = int32(c)
			if dist != nil {
				if c < 0 {
					d2 = math.NaN()
				}
				dist[i] = math.Sqrt(d2)
			}
		}
	})
}

// OrderBySize renumbers the clusters by size, the largest first (ties: the
// lower original number), permuting Centroids and Sizes, and returns the
// renumbering: perm[old] is the new number of cluster old, so labels from
// an earlier Assign are updated with labels[i] = perm[labels[i]].
func (m *Model) OrderBySize() []int32 {
	order := make([]int, m.K) // order[new] = old
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return m.Sizes[order[a]] > m.Sizes[order[b]] })
	perm := make([]int32, m.K)
	cent := make([]float64, len(m.Centroids))
	sizes := make([]int64, m.K)
	for nw, old := range order {
		perm[old] = int32(nw)
		copy(cent[nw*m.Dim:nw*m.Dim+m.Dim], m.Centroid(old))
		sizes[nw] = m.Sizes[old]
	}
	m.Centroids, m.Sizes = cent, sizes
	return perm
}
