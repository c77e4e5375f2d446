//go:build duckdb_arrow

package sqlfuncs

import (
	"context"
	"math"
	"time"

	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// segment_profile(model, min_size := 10, version := N), segment_quality
// and segment_k_scores: what a segmentation found, read from its stored
// document.

var segmentProfileFn = &Function{
	Name:    "segment_profile",
	Summary: "one row per segment of a segment model: size, share, feature means or top levels, and a readable description",
	Example: "SELECT * FROM segment_profile('rfm');",
	Columns: []ColumnDoc{
		{"segment", "INTEGER", "segment number, 1 the largest"},
		{"size", "BIGINT", "rows in the segment (at fitting)"},
		{"share", "DOUBLE", "size / all rows segmented"},
		{"<feature>_mean", "DOUBLE", "for each numeric or boolean input: its mean in the segment, original units (DATE and TIMESTAMP inputs: a DATE or TIMESTAMP)"},
		{"<feature>_top", "VARCHAR", "for each categorical input: its most common level in the segment"},
		{"<feature>_top_share", "DOUBLE", "that level's share of the segment"},
		{"description", "VARCHAR", "the 3 features that most set the segment apart, largest |z| first"},
	},
	Table: &udf.TableFunc{
		Name: "segment_profile",
		Bind: bindSegmentProfile,
		Args: []udf.Param{withDoc(modelParam, "model name (a segment model)")},
		Named: []udf.Param{
			{Name: "min_size", Type: udf.Integer, Doc: "segments smaller than this report their size only, so no tiny group of customers is exposed", Default: service.DefaultMinSize, Range: udf.AtLeast(0)},
			versionParam,
		},
	},
}

// segmentQualityColumns are segment_quality's result columns.
var segmentQualityColumns = []ColumnDoc{
	{"k", "INTEGER", "number of segments"},
	{"k_automatic", "BOOLEAN", "whether k was chosen automatically"},
	{"inertia", "DOUBLE", "sum of squared distances of the rows to their centroids (standardised units)"},
	{"silhouette", "DOUBLE", "mean silhouette on a deterministic sample of at most 10,000 rows (-1..1, higher is better)"},
	{"davies_bouldin", "DOUBLE", "Davies-Bouldin index (lower is better)"},
}

var segmentQualityFn = &Function{
	Name:    "segment_quality",
	Summary: "one row: how good a segment model's segmentation is (inertia, silhouette, Davies-Bouldin)",
	Example: "SELECT * FROM segment_quality('rfm');",
	Columns: segmentQualityColumns,
	Table: &udf.TableFunc{
		Name:  "segment_quality",
		Bind:  bindSegmentQuality,
		Args:  []udf.Param{withDoc(modelParam, "model name (a segment model)")},
		Named: []udf.Param{versionParam},
	},
}

// segmentKScoresColumns are segment_k_scores's result columns.
var segmentKScoresColumns = []ColumnDoc{
	{"k", "INTEGER", "number of segments tried"},
	{"inertia", "DOUBLE", "inertia of the best of n_init fits with k segments"},
	{"silhouette", "DOUBLE", "silhouette on the sample (the choice maximises it)"},
}

var segmentKScoresFn = &Function{
	Name:    "segment_k_scores",
	Summary: "one row per k tried when a segment model chose k automatically (empty otherwise), to see the elbow",
	Example: "SELECT * FROM segment_k_scores('rfm') ORDER BY k;",
	Columns: segmentKScoresColumns,
	Table: &udf.TableFunc{
		Name:  "segment_k_scores",
		Bind:  bindSegmentKScores,
		Args:  []udf.Param{withDoc(modelParam, "model name (a segment model)")},
		Named: []udf.Param{versionParam},
	},
}

func bindSegmentProfile(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	name, version, err := a.modelVersion()
	if err != nil {
		return nil, err
	}
	var o service.SegmentProfileOptions
	if m, err := a.optInt64("min_size"); err != nil {
		return nil, err
	} else if m != nil {
		o.MinSize = new(int(*m))
	}
	o.Version = version
	p, err := service.SegmentProfile(b.Ctx, envOf(b), name, o)
	if err != nil {
		return nil, err
	}
	cols := []udf.Column{{Name: "segment", Type: udf.Integer}, {Name: "size", Type: udf.BigInt}, {Name: "share", Type: udf.Double}}
	for _, c := range p.Columns {
		cols = append(cols, segmentProfileColumns(c.Column, c.Kind)...)
	}
	cols = append(cols, udf.Column{Name: "description", Type: udf.Varchar})
	return &rowsBound{cols: cols, compute: func(ctx context.Context) ([][]any, error) {
		rows := make([][]any, 0, len(p.Segments))
		for _, s := range p.Segments {
			row := []any{s.Segment, s.Size, s.Share}
			small := s.Size < int64(p.MinSize)
			for _, c := range s.Columns {
				row = append(row, segmentProfileValues(c, small)...)
			}
			if small {
				row = append(row, nil)
			} else {
				row = append(row, s.Description)
			}
			rows = append(rows, row)
		}
		return rows, nil
	}}, nil
}

// segmentProfileColumns are segment_profile's columns of one feature column of
// kind kind: <feature>_top and <feature>_top_share for a categorical
// column, <feature>_mean for the others (a DATE or TIMESTAMP for those
// kinds).
func segmentProfileColumns(name, kind string) []udf.Column {
	switch kind {
	case features.KindCategorical:
		return []udf.Column{{Name: name + "_top", Type: udf.Varchar}, {Name: name + "_top_share", Type: udf.Double}}
	case features.KindDate:
		return []udf.Column{{Name: name + "_mean", Type: udf.Date}}
	case features.KindTimestamp:
		return []udf.Column{{Name: name + "_mean", Type: udf.Timestamp}}
	}
	return []udf.Column{{Name: name + "_mean", Type: udf.Double}}
}

// segmentProfileValues are the values of segmentProfileColumns for a segment's summary
// c of a feature column; NULLs for a segment smaller than min_size
// (small).
func segmentProfileValues(c clustering.SegmentColumn, small bool) []any {
	switch {
	case c.Kind == features.KindCategorical && (small || c.Top == nil):
		return []any{nil, nil}
	case c.Kind == features.KindCategorical:
		return []any{*c.Top, float64(c.TopShare)}
	case small || math.IsNaN(float64(c.Mean)):
		return []any{nil}
	case c.Kind == features.KindDate:
		return []any{time.Unix(int64(math.Round(float64(c.Mean)))*86400, 0).UTC()}
	case c.Kind == features.KindTimestamp:
		return []any{time.UnixMicro(int64(math.Round(float64(c.Mean) * 1e6))).UTC()}
	}
	return []any{float64(c.Mean)}
}

func bindSegmentQuality(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	name, version, err := a.modelVersion()
	if err != nil {
		return nil, err
	}
	q, err := service.SegmentQuality(b.Ctx, envOf(b), name, service.SegmentsOptions{Version: version})
	if err != nil {
		return nil, err
	}
	return &rowsBound{cols: resultColumns(segmentQualityColumns), compute: func(ctx context.Context) ([][]any, error) {
		return [][]any{{q.K, q.KAutomatic, q.Inertia, float64(q.Silhouette), float64(q.DaviesBouldin)}}, nil
	}}, nil
}

func bindSegmentKScores(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	name, version, err := a.modelVersion()
	if err != nil {
		return nil, err
	}
	scores, err := service.SegmentKScores(b.Ctx, envOf(b), name, service.SegmentsOptions{Version: version})
	if err != nil {
		return nil, err
	}
	return &rowsBound{cols: resultColumns(segmentKScoresColumns), compute: func(ctx context.Context) ([][]any, error) {
		return rowsOf(scores, func(s clustering.KScore) []any { return []any{s.K, s.Inertia, float64(s.Silhouette)} }), nil
	}}, nil
}
