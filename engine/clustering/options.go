package clustering

import (
	"math"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/kmeans"
	"github.com/ducksight/ducksight/engine/training"
)

// Fn is the SQL function whose job this is, for error messages.
const Fn = "segment"

// Options are segment's named arguments (docs/sql.md), and the Go API's
// segmentation options. A zero value means the documented default
// (Defaults fills it in); a pointer field is one whose zero is a
// meaningful value, so nil is its default: Standardize, Tol and Seed. A
// Go caller writes e.g. Seed: new(int64(7)).
type Options struct {
	K           int      `json:"k"`                  // number of segments; 0 chooses it by silhouette among 2..KMax
	KMax        int      `json:"k_max"`              // largest k the automatic choice tries; default DefaultKMax
	Features    []string `json:"features,omitempty"` // input columns (default: all but Exclude)
	Exclude     []string `json:"exclude,omitempty"`  // columns not to use
	Standardize *bool    `json:"standardize"`        // standardise numeric columns; default DefaultStandardize
	Init        string   `json:"init"`               // kmeans.KMeansPlusPlus (default) or kmeans.Random
	NInit       int      `json:"n_init"`             // initialisations tried; default kmeans.DefaultNInit
	MaxIter     int      `json:"max_iter"`           // most Lloyd iterations per initialisation; default kmeans.DefaultMaxIter
	Tol         *float64 `json:"tol"`                // default kmeans.DefaultTol
	MemoryLimit string   `json:"memory_limit"`       // default the smaller of training.DefaultMemoryLimit and DuckDB's memory_limit (see the service)
	Seed        *int64   `json:"seed"`               // default training.DefaultSeed
	// Engine segments a table where it lives: "duckdb" or a ClickHouse
	// address (never a password); "" segments the data here.
	Engine string `json:"engine,omitempty"`
	// Where is a condition pushed into the engine's queries (with Engine
	// only).
	Where string `json:"where,omitempty"`
}

// Defaults (the kmeans package has those of n_init, max_iter, tol and
// init; training those of memory_limit and seed).
const (
	DefaultKMax        = 10
	DefaultStandardize = true
	// SilhouetteRows is the most rows the silhouette is computed on (a
	// deterministic sample).
	SilhouetteRows = 10000
)

// Bounds of the numeric options, documented in docs/sql.md: an upper bound
// keeps a typo from running for hours.
const (
	MaxK       = 1000 // segments of a given k
	MaxKMax    = 100  // the automatic choice fits every k in 2..k_max
	MaxNInit   = 100
	MaxMaxIter = 100_000
)

// Defaults fills unset options.
func (o *Options) Defaults() {
	if o.KMax == 0 {
		o.KMax = DefaultKMax
	}
	if o.Standardize == nil {
		t := DefaultStandardize
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
	if o.Seed == nil {
		v := int64(training.DefaultSeed)
		o.Seed = &v
	}
}

// Validate checks the options (after Defaults).
func (o *Options) Validate() error {
	switch {
	case o.Features != nil && len(o.Features) == 0:
		// Not "every column": that is what leaving it out (nil) means.
		return dserr.Arg(Fn, "features", "empty list; leave it out to use every column")
	case o.K != 0 && (o.K < 2 || o.K > MaxK):
		return dserr.Arg(Fn, "k", "must be between 2 and %d (or 0 to choose k automatically), got %d", MaxK, o.K)
	case o.KMax < 2 || o.KMax > MaxKMax:
		return dserr.Between(Fn, "k_max", 2, MaxKMax, o.KMax)
	case o.Init != kmeans.KMeansPlusPlus && o.Init != kmeans.Random:
		return dserr.Arg(Fn, "init", "must be 'kmeans++' or 'random', got %q", o.Init)
	case o.NInit < 1 || o.NInit > MaxNInit:
		return dserr.Between(Fn, "n_init", 1, MaxNInit, o.NInit)
	case o.MaxIter < 1 || o.MaxIter > MaxMaxIter:
		return dserr.Between(Fn, "max_iter", 1, MaxMaxIter, o.MaxIter)
	case !(*o.Tol >= 0) || math.IsInf(*o.Tol, 1):
		// No upper bound: a large tol stops after the first iteration.
		return dserr.Arg(Fn, "tol", "must be a finite number at least 0, got %g", *o.Tol)
	}
	if o.Where != "" && o.Engine == "" {
		return dserr.Arg(Fn, "where", "applies only with engine := (a condition pushed into the engine's queries); filter the data query instead")
	}
	if n, err := dataset.ParseSize(o.MemoryLimit); err != nil || n <= 0 {
		return dserr.Arg(Fn, "memory_limit", "must be a size such as '2GB', got %q", o.MemoryLimit)
	}
	return nil
}

// SeedValue is the seed of a fitted document's options (Defaults set it;
// 0 for a document that has none).
func (o *Options) SeedValue() int64 {
	if o.Seed == nil {
		return 0
	}
	return *o.Seed
}
