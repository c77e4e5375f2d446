package kmeans

import (
	"math"

	"github.com/ducksight/ducksight/dserr"
)

// Initialisation methods.
const (
	KMeansPlusPlus = "kmeans++"
	Random         = "random"
)

// Defaults of the options.
const (
	DefaultNInit   = 3
	DefaultMaxIter = 300
	DefaultTol     = 1e-4
)

// Config says how to fit k-means. The zero values of Init, NInit and MaxIter
// select their defaults (see Defaults); Tol has no such default because 0 is
// a meaningful tolerance (iterate until the centroids stop moving), so start
// from DefaultConfig to get DefaultTol.
type Config struct {
	K       int    `json:"k"`        // number of clusters, >= 1
	Init    string `json:"init"`     // "kmeans++" (the default, "") or "random"
	NInit   int    `json:"n_init"`   // runs from different initialisations, >= 1; default 3
	MaxIter int    `json:"max_iter"` // Lloyd iterations per run, >= 1; default 300
	// Tol stops a run once the centroid shift (the sum over clusters of the
	// squared distance each centroid moved in an iteration) is at most
	// Tol times the mean of the columns' variances (population variances,
	// unweighted), like scikit-learn's tol. It must be >= 0.
	Tol  float64 `json:"tol"`
	Seed int64   `json:"seed"` // seeds the initialisations
}

// DefaultConfig returns the configuration with every default for k clusters:
// k-means++, 3 runs, at most 300 iterations, tolerance 1e-4, seed 0.
func DefaultConfig(k int) Config {
	return Config{K: k, Init: KMeansPlusPlus, NInit: DefaultNInit, MaxIter: DefaultMaxIter, Tol: DefaultTol}
}

// Defaults returns c with the zero values of Init, NInit and MaxIter replaced
// by their defaults. Tol is left as it is.
func (c Config) Defaults() Config {
	if c.Init == "" {
		c.Init = KMeansPlusPlus
	}
	if c.NInit == 0 {
		c.NInit = DefaultNInit
	}
	if c.MaxIter == 0 {
		c.MaxIter = DefaultMaxIter
	}
	return c
}

// Validate reports the first problem with c (after Defaults) as a
// *dserr.Error with code dserr.InvalidArgument whose argument names the SQL
// parameter, e.g. "n_init: must be >= 1, got -1". The function name is left
// empty for the caller to fill in (dserr.Wrap). Whether K fits the data is
// checked by Fit.
func (c Config) Validate() error {
	c = c.Defaults()
	if c.K < 1 {
		return dserr.Arg("", "k", "must be >= 1, got %d", c.K)
	}
	switch c.Init {
	case KMeansPlusPlus, Random:
	default:
		return dserr.Arg("", "init", "unknown method %q (want kmeans++ or random)", c.Init)
	}
	if c.NInit < 1 {
		return dserr.Arg("", "n_init", "must be >= 1, got %d", c.NInit)
	}
	if c.MaxIter < 1 {
		return dserr.Arg("", "max_iter", "must be >= 1, got %d", c.MaxIter)
	}
	if !(c.Tol >= 0) || math.IsInf(c.Tol, 1) {
		return dserr.Arg("", "tol", "must be a finite number >= 0, got %v", c.Tol)
	}
	return nil
}
