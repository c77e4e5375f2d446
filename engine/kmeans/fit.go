package kmeans

import (
	"context"
	"fmt"
	"math"

	"github.com/ducksight/ducksight/dserr"
)

// Fit clusters the n rows of x (row-major, n x d) into cfg.K clusters, with
// optional row weights w (nil means 1): cfg.NInit runs, each from its own
// initialisation drawn from the PCG stream (cfg.Seed, run), of Lloyd
// iterations; the run with the lowest inertia wins (ties: the earlier run).
// See the package documentation for the algorithm.
//
// It returns cfg's validation error, a *dserr.Error (code InvalidArgument)
// when the data cannot be clustered (a non-finite value or weight, a
// negative weight, fewer rows of positive weight than K), or ctx's error
// when ctx is cancelled; ctx is checked between the initialisation's steps
// and between waves of shards of every iteration. Wrong slice lengths are a
// programming error and panic.
func Fit(ctx context.Context, x []float64, n, d int, w []float64, cfg Config) (*Model, error) {
	cfg = cfg.Defaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := checkData(x, n, d, w, cfg.K); err != nil {
		return nil, err
	}
	tol := Tolerance(x, n, d, cfg.Tol)
	var best *Model
	var acc *Accumulator
	for run := 0; run < cfg.NInit; run++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		src := newRand(cfg.Seed, uint64(run))
		var init []float64
		if cfg.Init == Random {
			init = initRandom(x, n, d, w, cfg.K, src)
		} else {
			var err error
			if init, err = initPlusPlus(ctx, x, n, d, w, cfg.K, src); err != nil {
				return nil, err
			}
		}
		if acc == nil {
			acc = NewAccumulator(init, cfg.K, d)
		} else {
			acc.Reset(init)
		}
		m, err := lloyd(ctx, acc, x, n, w, cfg.MaxIter, tol)
		if err != nil {
			return nil, err
		}
		if best == nil || m.Inertia < best.Inertia {
			best = m
		}
	}
	return best, nil
}

// FitFrom runs Lloyd iterations from the given k x d initial centroids (k
// is len(init)/d): at most maxIter of them, stopping once the centroid shift
// is at most tol times the mean column variance, as for Config.Tol. Weights,
// errors and cancellation are as for Fit.
func FitFrom(ctx context.Context, x []float64, n, d int, w []float64, init []float64, maxIter int, tol float64) (*Model, error) {
	if d < 1 || len(init) == 0 || len(init)%d != 0 {
		panic(fmt.Sprintf("kmeans: FitFrom: %d initial values for %d columns", len(init), d))
	}
	k := len(init) / d
	cfg := Config{K: k, MaxIter: maxIter, Tol: tol}
	if maxIter < 1 {
		return nil, dserr.Arg("", "max_iter", "must be >= 1, got %d", maxIter)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := checkData(x, n, d, w, k); err != nil {
		return nil, err
	}
	for i, v := range init {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, dserr.Arg("", "init", "centroid %d, column %d is %v; centroids must be finite", i/d, i%d, v)
		}
	}
	return lloyd(ctx, NewAccumulator(init, k, d), x, n, w, maxIter, Tolerance(x, n, d, tol))
}

// lloyd iterates acc over the cached rows until the shift is at most tol
// (an absolute tolerance) or maxIter iterations, and returns the model of
// the last centroids with their inertia and sizes.
func lloyd(ctx context.Context, acc *Accumulator, x []float64, n int, w []float64, maxIter int, tol float64) (*Model, error) {
	m := &Model{K: acc.k, Dim: acc.d}
	exact := false // the last pass assigned to the final centroids
	for it := 1; it <= maxIter; it++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := acc.add(ctx, x, n, w); err != nil {
			return nil, err
		}
		cent, shift, inertia := acc.Next()
		m.Iter = it
		m.Centroids = cent
		if shift == 0 {
			// Nothing moved, so the pass's labels, inertia and sizes are
			// those of the final centroids.
			m.Converged, exact = true, true
			m.Inertia = inertia
			m.Sizes = acc.Counts()
			break
		}
		if shift <= tol {
			m.Converged = true
			break
		}
	}
	if !exact {
		// One more assignment to the final centroids for their inertia and
		// sizes (its update is discarded).
		if err := acc.add(ctx, x, n, w); err != nil {
			return nil, err
		}
		_, _, m.Inertia = acc.Next()
		m.Sizes = acc.Counts()
	}
	return m, nil
}

// Tolerance returns the absolute shift tolerance for the relative tol:
// tol times the mean over the d columns of x of their population variance
// (unweighted, as scikit-learn computes it), or 0 when tol is 0. Streaming
// callers compute the same number from their column statistics and compare
// the shift that Accumulator.Next returns with it.
func Tolerance(x []float64, n, d int, tol float64) float64 {
	if tol == 0 || n == 0 {
		return 0
	}
	mean := make([]float64, d)
	for i := 0; i < n; i++ {
		for j, v := range x[i*d : i*d+d] {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	ss := make([]float64, d)
	for i := 0; i < n; i++ {
		row := x[i*d : i*d+d]
		for j, m := range mean {
			t := row[j] - m
			ss[j] += t * t
		}
	}
	v := 0.0
	for _, s := range ss {
		v += s / float64(n)
	}
	return tol * v / float64(d)
}

// checkData checks the shapes (panicking on a programming error) and the
// values of the data for k clusters.
func checkData(x []float64, n, d int, w []float64, k int) error {
	if n < 0 || d < 1 || len(x) < n*d {
		panic(fmt.Sprintf("kmeans: %d values for %d rows of %d columns", len(x), n, d))
	}
	if w != nil && len(w) < n {
		panic(fmt.Sprintf("kmeans: %d weights for %d rows", len(w), n))
	}
	for i, v := range x[:n*d] {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return dserr.Arg("", "data", "row %d, column %d is %v; k-means needs finite values", i/d, i%d, v)
		}
	}
	pos := n
	if w != nil {
		pos = 0
		for i, v := range w[:n] {
			if !(v >= 0) || math.IsInf(v, 1) {
				return dserr.Arg("", "weight", "row %d has weight %v; weights must be finite and >= 0", i, v)
			}
			if v > 0 {
				pos++
			}
		}
	}
	if pos < k {
		if w != nil {
			return dserr.Arg("", "k", "%d clusters need at least as many rows of positive weight, got %d", k, pos)
		}
		return dserr.Arg("", "k", "%d clusters need at least as many rows, got %d", k, pos)
	}
	return nil
}
