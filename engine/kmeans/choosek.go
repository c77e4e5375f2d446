package kmeans

import (
	"context"
	"fmt"

	"github.com/ducksight/ducksight/dserr"
)

// DefaultSampleRows is the number of rows ChooseK scores the silhouette on
// when no sample is given.
const DefaultSampleRows = 10000

// KScore is how well one number of clusters did in ChooseK.
type KScore struct {
	K          int     `json:"k"`
	Inertia    float64 `json:"inertia"`
	Silhouette float64 `json:"silhouette"` // on the sample; NaN if undefined
}

// ChooseK fits a model for every k from kMin to kMax to the n rows of x
// (row-major, n x d) with optional row weights w, as Fit does (cfg with K
// set to k; the other options and the seed are the same for every k), and
// picks the k with the highest silhouette (ties: the smaller k), computed
// (unweighted) on the rows listed in sample labelled by each model. A nil
// sample means
// SampleRows(n, DefaultSampleRows, cfg.Seed). It returns the chosen k, the
// score of every k and every model, in order of k. If no silhouette is a
// number (a sample on which every model puts all rows in one cluster), the
// choice is kMin.
//
// Errors are those of Fit, and a *dserr.Error when kMin < 2 (the silhouette
// needs two clusters), kMax < kMin or a sampled row is out of range.
func ChooseK(ctx context.Context, x []float64, n, d int, w []float64, kMin, kMax int, cfg Config, sample []int) (best int, scores []KScore, models []*Model, err error) {
	if kMin < 2 {
		return 0, nil, nil, dserr.Arg("", "k_min", "must be >= 2, got %d", kMin)
	}
	if kMax < kMin {
		return 0, nil, nil, dserr.Arg("", "k_max", "must be >= k_min (%d), got %d", kMin, kMax)
	}
	if n < 0 || d < 1 || len(x) < n*d {
		panic(fmt.Sprintf("kmeans: ChooseK: %d values for %d rows of %d columns", len(x), n, d))
	}
	if sample == nil {
		sample = SampleRows(n, DefaultSampleRows, cfg.Seed)
	}
	xs := make([]float64, 0, len(sample)*d)
	for _, r := range sample {
		if r < 0 || r >= n {
			return 0, nil, nil, dserr.Arg("", "sample", "row %d is outside [0, %d)", r, n)
		}
		xs = append(xs, x[r*d:r*d+d]...)
	}
	ns := len(sample)
	labels := make([]int32, ns)
	best = kMin
	bestScore := 0.0
	found := false
	for k := kMin; k <= kMax; k++ {
		if err := ctx.Err(); err != nil {
			return 0, nil, nil, err
		}
		c := cfg
		c.K = k
		m, err := Fit(ctx, x, n, d, w, c)
		if err != nil {
			return 0, nil, nil, err
		}
		m.Assign(xs, ns, labels, nil)
		s := Silhouette(xs, ns, d, labels, k)
		scores = append(scores, KScore{K: k, Inertia: m.Inertia, Silhouette: s})
		models = append(models, m)
		if s == s && (!found || s > bestScore) {
			best, bestScore, found = k, s, true
		}
	}
	return best, scores, models, nil
}
