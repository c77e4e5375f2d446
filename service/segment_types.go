package service

import "github.com/ducksight/ducksight/engine/clustering"

// SegmentOptions are segment's named arguments: a zero field is the
// documented default, a nil pointer field too (see clustering.Options).
type SegmentOptions = clustering.Options

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
	// Inertia has, with engine :=, each segment's sum of squared
	// distances of its rows to its centroid (segment s at s-1); nil
	// otherwise.
	Inertia []float64
}

// SegmentsOptions choose the version of a segment model that
// segment_quality, segment_k_scores and the Go API's Segments read.
type SegmentsOptions struct {
	Version int // default (0) the latest
}

// DefaultMinSize is segment_profile's default min_size.
const DefaultMinSize = 10

// SegmentProfileOptions are segment_profile's named arguments.
type SegmentProfileOptions struct {
	// MinSize: segments smaller than this report their size only
	// (default DefaultMinSize; 0 reports every segment in full).
	MinSize *int
	Version int // default (0) the latest
}

// SegmentProfiles is what segment_profile shows of a segment model: one
// entry per segment, 1 (the largest) first, each with a summary of every
// feature column in Columns' order.
type SegmentProfiles struct {
	Model    string
	Version  int
	Columns  []clustering.ColumnStat // the feature columns: name and kind (numeric, date, timestamp, categorical)
	Segments []clustering.Segment
	MinSize  int // segments smaller than this report their size only
}
