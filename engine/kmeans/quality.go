package kmeans

import (
	"fmt"
	"math"
	"slices"
)

// checkLabels panics unless x holds n rows of d columns and labels n
// cluster numbers in [0, k); it returns the rows per cluster.
func checkLabels(fn string, x []float64, n, d int, labels []int32, k int) []int {
	if n < 0 || d < 1 || len(x) < n*d || len(labels) < n || k < 1 {
		panic(fmt.Sprintf("kmeans: %s: %d values, %d labels for %d rows of %d columns, k=%d", fn, len(x), len(labels), n, d, k))
	}
	size := make([]int, k)
	for i, l := range labels[:n] {
		if l < 0 || int(l) >= k {
			panic(fmt.Sprintf("kmeans: %s: label %d of row %d is outside [0, %d)", fn, l, i, k))
		}
		size[l]++
	}
	return size
}

// Silhouette returns the mean silhouette coefficient of the n rows of x
// (row-major, n x d) labelled with clusters in [0, k), with Euclidean
// distances, as scikit-learn's silhouette_score: for row i, a is its mean
// distance to the other rows of its cluster, b the smallest mean distance
// to the rows of another cluster, and s = (b-a)/max(a, b), with s = 0 for
// a row alone in its cluster. It ranges from -1 to 1; higher is better.
//
// It is exact and costs O(n^2 d): callers pass a sample (see SampleRows).
// Rows are processed in parallel, each row's sums in row order, and the s
// values added in row order, so the result does not depend on GOMAXPROCS.
// It returns NaN unless at least 2 and at most n-1 clusters have rows.
// Labels outside [0, k) panic.
func Silhouette(x []float64, n, d int, labels []int32, k int) float64 {
	size := checkLabels("Silhouette", x, n, d, labels, k)
	used := 0
	for _, s := range size {
		if s > 0 {
			used++
		}
	}
	if used < 2 || used > n-1 {
		return math.NaN()
	}
	const block = 64 // rows per task
	s := make([]float64, n)
	nb := (n + block - 1) / block
	procs := workers(nb)
	dists := make([][]float64, procs)
	sums := make([][]float64, procs)
	for i := range dists {
		dists[i], sums[i] = make([]float64, n), make([]float64, k)
	}
	parallel(procs, nb, func(wk, b int) {
		dist, sum := dists[wk], sums[wk]
		for i := b * block; i < min(n, (b+1)*block); i++ {
			sqdists(x[i*d:i*d+d], x, n, dist)
			clear(sum)
			for j, d2 := range dist {
				sum[labels[j]] += math.Sqrt(d2)
			}
			own := labels[i]
			if size[own] == 1 {
				s[i] = 0
				continue
			}
			a := sum[own] / float64(size[own]-1)
			b := math.Inf(1)
			for c, v := range sum {
				if int32(c) != own && size[c] > 0 {
					b = min(b, v/float64(size[c]))
				}
			}
			if m := max(a, b); m > 0 {
				s[i] = (b - a) / m
			}
		}
	})
	total := 0.0
	for _, v := range s {
		total += v
	}
	return total / float64(n)
}

// DaviesBouldin returns the Davies-Bouldin index of the n rows of x
// labelled with clusters in [0, k), as scikit-learn's davies_bouldin_score:
// the mean over clusters i of max over j != i of (S_i + S_j) / M_ij, where
// S_i is the mean distance of cluster i's rows to its centroid and M_ij the
// distance between the centroids (a ratio whose centroids coincide counts
// as 0). Lower is better; 0 is the minimum.
//
// centroids (k x d) are the clusters' centres, or nil to use the means of
// their rows, as scikit-learn does (for a k-means model's own training rows
// and labels the two agree). Clusters without rows are left out; with fewer
// than 2 clusters left the index is NaN. Labels outside [0, k) panic.
func DaviesBouldin(x []float64, n, d int, labels []int32, centroids []float64, k int) float64 {
	size := checkLabels("DaviesBouldin", x, n, d, labels, k)
	if centroids == nil {
		centroids = make([]float64, k*d)
		for i, l := range labels[:n] {
			c := centroids[int(l)*d : int(l)*d+d]
			for j, v := range x[i*d : i*d+d] {
				c[j] += v
			}
		}
		for c, s := range size {
			for j := range d {
				centroids[c*d+j] /= float64(max(s, 1))
			}
		}
	} else if len(centroids) < k*d {
		panic(fmt.Sprintf("kmeans: DaviesBouldin: %d centroid values for k=%d, d=%d", len(centroids), k, d))
	}
	intra := make([]float64, k)
	for i, l := range labels[:n] {
		intra[l] += math.Sqrt(sqdist(x[i*d:i*d+d], centroids[int(l)*d:int(l)*d+d]))
	}
	var used []int
	for c, s := range size {
		if s > 0 {
			intra[c] /= float64(s)
			used = append(used, c)
		}
	}
	if len(used) < 2 {
		return math.NaN()
	}
	total := 0.0
	for _, i := range used {
		worst := 0.0
		for _, j := range used {
			if i == j {
				continue
			}
			m := math.Sqrt(sqdist(centroids[i*d:i*d+d], centroids[j*d:j*d+d]))
			if m > 0 {
				worst = max(worst, (intra[i]+intra[j])/m)
			}
		}
		total += worst
	}
	return total / float64(len(used))
}

// SampleRows returns maxRows row numbers drawn uniformly without replacement
// from [0, n), in increasing order, from the seed's sample stream (Floyd's
// algorithm), or all n rows when n <= maxRows. The same n, maxRows and seed give
// the same rows.
func SampleRows(n, maxRows int, seed int64) []int {
	if n <= maxRows {
		rows := make([]int, n)
		for i := range rows {
			rows[i] = i
		}
		return rows
	}
	if maxRows <= 0 {
		return []int{}
	}
	src := newRand(seed, sampleStream)
	chosen := make(map[int]struct{}, maxRows)
	rows := make([]int, 0, maxRows)
	for j := n - maxRows; j < n; j++ {
		t := below(src, j+1)
		if _, ok := chosen[t]; ok {
			t = j
		}
		chosen[t] = struct{}{}
		rows = append(rows, t)
	}
	slices.Sort(rows)
	return rows
}
