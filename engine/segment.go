package engine

import (
	"context"

	"github.com/ducksight/ducksight/service"
)

// SegmentOptions are segment's named arguments (docs/sql.md). A zero
// field means the documented default; a pointer field is one whose zero
// is meaningful (Standardize, Tol, Seed), so nil is its default. It is
// the service's type (clustering.Options).
type SegmentOptions = service.SegmentOptions

// Segmentation is a fitted segment model: its version, the segments'
// profiles, quality and, with k automatic, the score of every k tried.
type Segmentation = service.Segmentation

// SegmentsOptions choose the version of the segment model Segments reads.
type SegmentsOptions = service.SegmentsOptions

// Segment segments data with k-means and saves the model as a new version
// of model, as segment(model, data, ...) does; Predict(ctx, model, data,
// ...) then assigns rows to its segments.
func (e *Engine) Segment(ctx context.Context, model, data string, o SegmentOptions) (*Segmentation, error) {
	return service.Segment(ctx, e.env(), model, data, o)
}

// Segments reads a version of segment model (o.Version, 0 for the
// latest): what segment_profile, segment_quality and segment_k_scores
// show. Its errors are segment_profile's.
func (e *Engine) Segments(ctx context.Context, model string, o SegmentsOptions) (*Segmentation, error) {
	return service.Segments(ctx, e.env(), model, o)
}
