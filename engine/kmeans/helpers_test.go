package kmeans

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// blobs returns n rows of d columns drawn from k spherical Gaussian blobs of
// standard deviation sd whose centres lie spread apart in [-10, 10]^d, and
// each row's true blob. Rows are dealt to blobs in turn.
func blobs(seed uint64, n, d, k int, sd float64) (x []float64, truth []int32, centres []float64) {
	rng := rand.New(rand.NewPCG(seed, 99))
	centres = make([]float64, k*d)
	for c := 0; c < k; c++ {
	again:
		for j := 0; j < d; j++ {
			centres[c*d+j] = rng.Float64()*20 - 10
		}
		for o := 0; o < c; o++ { // keep centres at least 6 apart
			if sqdist(centres[c*d:c*d+d], centres[o*d:o*d+d]) < 36 {
				goto again
			}
		}
	}
	x = make([]float64, n*d)
	truth = make([]int32, n)
	for i := 0; i < n; i++ {
		c := i % k
		truth[i] = int32(c)
		for j := 0; j < d; j++ {
			x[i*d+j] = centres[c*d+j] + sd*rng.NormFloat64()
		}
	}
	return x, truth, centres
}

// withProcs runs f with GOMAXPROCS set to p.
func withProcs(p int, f func()) {
	old := runtime.GOMAXPROCS(p)
	defer runtime.GOMAXPROCS(old)
	f()
}

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func sameModel(t *testing.T, what string, a, b *Model) {
	t.Helper()
	if !sameBits(a.Centroids, b.Centroids) || math.Float64bits(a.Inertia) != math.Float64bits(b.Inertia) ||
		a.Iter != b.Iter || a.Converged != b.Converged || !equalInt64(a.Sizes, b.Sizes) {
		t.Fatalf("%s: models differ:\n%+v\n%+v", what, a, b)
	}
}

func equalInt64(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*max(1, math.Abs(a), math.Abs(b))
}
