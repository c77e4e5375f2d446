//go:build duckdb_arrow

package engine

import (
	"context"

	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/sqlfuncs"
)

// SegmentOptions are segment's named arguments (docs/sql.md). A zero value
// means the documented default; pointers tell "not given" from a
// meaningful zero.
type SegmentOptions struct {
	K           int      // number of segments; 0 chooses it by silhouette among 2..KMax
	KMax        int      // default 10
	Features    []string // input columns (default: all but Exclude)
	Exclude     []string // columns not to use
	Standardize *bool    // default true
	Init        string   // "kmeans++" (default) or "random"
	NInit       int      // default 3
	MaxIter     int      // default 300
	Tol         *float64 // default 1e-4
	MemoryLimit string   // default the smaller of "2GB" and DuckDB's memory_limit
	Seed        *int64   // default 42
}

// Segmentation is a fitted segment model: its version, the segments'
// profiles, quality and, with k automatic, the score of every k tried.
type Segmentation struct {
	Model   string
	Version int
	K       int
	// Profile has one entry per segment, 1 (the largest) first.
	Profile []clustering.Segment
	Quality clustering.Quality
	KScores []clustering.KScore
}

// Segment segments data with k-means and saves the model as a new version
// of name, as segment(name, data, ...) does; Predict(ctx, name, data)
// then assigns rows to its segments.
func (e *Engine) Segment(ctx context.Context, name, data string, o SegmentOptions) (*Segmentation, error) {
	co := clustering.Options{
		K: o.K, KMax: o.KMax, Features: o.Features, Exclude: o.Exclude, Standardize: o.Standardize,
		Init: o.Init, NInit: o.NInit, MaxIter: o.MaxIter, Tol: o.Tol, MemoryLimit: o.MemoryLimit,
	}
	if o.Seed != nil {
		co.Seed, co.SeedGiven = *o.Seed, true
	}
	doc, v, err := sqlfuncs.Segment(ctx, e.host, "", name, data, co)
	if err != nil {
		return nil, apiError(ctx, "segment", err)
	}
	return segmentation(name, v, doc), nil
}

// Segments reads version (0: the latest) of segment model name: what
// segment_profile, segment_quality and segment_k_scores show.
func (e *Engine) Segments(ctx context.Context, name string, version int) (*Segmentation, error) {
	doc, v, err := sqlfuncs.LoadSegments(ctx, e.host, "", "segment_profile", name, version)
	if err != nil {
		return nil, apiError(ctx, "segment_profile", err)
	}
	return segmentation(name, v, doc), nil
}

func segmentation(name string, version int, d *clustering.Document) *Segmentation {
	return &Segmentation{Model: name, Version: version, K: d.K, Profile: d.Profile, Quality: d.Quality, KScores: d.KScores}
}
