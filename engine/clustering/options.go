package clustering

import (
	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/kmeans"
	"github.com/ducksight/ducksight/engine/training"
)

// Fn is the SQL function whose job this is, for error messages.
const Fn = "segment"

// Options are segment's named arguments. Zero values mean the default
// (Defaults, docs/sql.md); pointers tell "not given" from a meaningful zero.
type Options struct {
	K           int      `json:"k"`     // 0: automatic, 2..KMax by silhouette
	KMax        int      `json:"k_max"` // default 10
	Features    []string `json:"features,omitempty"`
	Exclude     []string `json:"exclude,omitempty"`
	Standardize *bool    `json:"standardize"` // default true
	Init        string   `json:"init"`        // "kmeans++" (default) or "random"
	NInit       int      `json:"n_init"`      // default 3
	MaxIter     int      `json:"max_iter"`    // default 300
	Tol         *float64 `json:"tol"`         // default 1e-4
	MemoryLimit string   `json:"memory_limit"`
	Seed        int64    `json:"seed"`
	SeedGiven   bool     `json:"-"`
}

// Defaults.
const (
	DefaultKMax = 10
	// SilhouetteRows is the most rows the silhouette is computed on (a
	// deterministic sample).
	SilhouetteRows = 10000
)

// Defaults fills unset options.
func (o *Options) Defaults() {
	if o.KMax == 0 {
		o.KMax = DefaultKMax
	}
	if o.Standardize == nil {
		t := true
		o.Standardize = &t
	}
	if o.Init == "" {
		o.Init = kmeans.KMeansPlusPlus
	}
	if o.NInit == 0 {
		o.NInit = kmeans.DefaultNInit
	}
	if o.MaxIter == 0 {
		o.MaxIter = kmeans.DefaultMaxIter
	}
	if o.Tol == nil {
		t := kmeans.DefaultTol
		o.Tol = &t
	}
	if o.MemoryLimit == "" {
		o.MemoryLimit = training.DefaultMemoryLimit
	}
	if !o.SeedGiven && o.Seed == 0 {
		o.Seed = training.DefaultSeed
	}
}

// Validate checks the options (after Defaults).
func (o *Options) Validate() error {
	switch {
	case o.K < 0:
		return dserr.Arg(Fn, "k", "must be >= 0 (0 chooses k automatically), got %d", o.K)
	case o.K == 1:
		return dserr.Arg(Fn, "k", "must be at least 2 to make segments, got 1")
	case o.KMax < 2:
		return dserr.Arg(Fn, "k_max", "must be >= 2, got %d", o.KMax)
	case o.KMax > 100:
		return dserr.Arg(Fn, "k_max", "must be at most 100, got %d", o.KMax)
	case o.Init != kmeans.KMeansPlusPlus && o.Init != kmeans.Random:
		return dserr.Arg(Fn, "init", "must be 'kmeans++' or 'random', got %q", o.Init)
	case o.NInit < 1:
		return dserr.Arg(Fn, "n_init", "must be >= 1, got %d", o.NInit)
	case o.MaxIter < 1:
		return dserr.Arg(Fn, "max_iter", "must be >= 1, got %d", o.MaxIter)
	case !(*o.Tol >= 0):
		return dserr.Arg(Fn, "tol", "must be >= 0, got %g", *o.Tol)
	}
	if n, err := training.ParseSize(o.MemoryLimit); err != nil || n <= 0 {
		return dserr.Arg(Fn, "memory_limit", "must be a size such as '2GB', got %q", o.MemoryLimit)
	}
	return nil
}
