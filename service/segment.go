//go:build duckdb_arrow

package service

import (
	"context"
	"encoding/json"
	"math"
	"strings"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/pushdown"
	"github.com/ducksight/ducksight/engine/store"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/udf"
)

// The SQL names of the segment functions, which their errors carry.
const (
	fnSegmentProfile = "segment_profile"
	fnSegmentQuality = "segment_quality"
	fnSegmentKScores = "segment_k_scores"
)

// SegmentJob is a checked segment call whose data query is prepared:
// what the SQL function holds between DuckDB's bind and its execution.
// Nothing is read or fitted until Fit. The caller closes it.
type SegmentJob struct {
	modelJob
	o SegmentOptions
	// spec is the pushed-down plan's with engine :=.
	spec *pushdown.Spec
}

// BindSegment checks a segment(model, data, ...) call (the model name, the
// options with their defaults applied, a writable database) and prepares
// its data query, never running it.
func BindSegment(ctx context.Context, env Env, model, data string, o SegmentOptions) (*SegmentJob, error) {
	o.Init = strings.ToLower(o.Init)
	if o.Engine != "" {
		return bindSegmentEngine(ctx, env, model, data, o)
	}
	j, err := bindModelJob(ctx, env, clustering.Fn, model, data, &o.MemoryLimit, &o)
	if err != nil {
		return nil, err
	}
	return &SegmentJob{modelJob: j, o: o}, nil
}

// Query is the prepared data query: its columns are the rows segment
// returns (with their segment and distance), and the SQL function streams
// it again to assign them. It is valid until Close; nil with engine :=.
func (s *SegmentJob) Query() *udf.Query { return s.q }

// Fit fits the segmentation and reserves the model's version; the
// returned PendingSave saves it (the SQL function commits it after its
// last row).
func (s *SegmentJob) Fit(ctx context.Context) (*clustering.Document, *PendingSave, error) {
	d, _, rec, err := s.fit(ctx)
	if err != nil {
		return nil, nil, err
	}
	p, err := Reserve(ctx, s.env, clustering.Fn, rec)
	if err != nil {
		return nil, nil, err
	}
	return d, p, nil
}

// Segment segments data with k-means and saves the model at once as a
// new version of model: segment for Go callers, with the same checks,
// data query rules, fitting and errors, without the returned rows
// (predict gives them).
func Segment(ctx context.Context, env Env, model, data string, o SegmentOptions) (*Segmentation, error) {
	s, err := BindSegment(ctx, env, model, data, o)
	if err != nil {
		return nil, Err(ctx, clustering.Fn, err)
	}
	defer s.Close()
	d, inertia, rec, err := s.fit(ctx)
	var v int
	if err == nil {
		v, err = Save(ctx, env, clustering.Fn, rec)
	}
	if err != nil {
		return nil, Err(ctx, clustering.Fn, err)
	}
	sg := segmentation(model, v, d)
	sg.Inertia = inertia
	return sg, nil
}

// fit fits a segmentation of the data and returns it, with engine := each
// segment's inertia, and the store row that saves it.
func (s *SegmentJob) fit(ctx context.Context) (*clustering.Document, []float64, *store.Record, error) {
	if s.spec != nil {
		return s.fitEngine(ctx)
	}
	res, err := clustering.Fit(ctx, Source(s.q), s.o)
	if err != nil {
		return nil, nil, nil, err
	}
	d, rec, err := s.record(res)
	return d, nil, rec, err
}

// record is the store row of a fitted segmentation.
func (s *SegmentJob) record(res *clustering.Result) (*clustering.Document, *store.Record, error) {
	d := res.Doc
	doc, err := json.Marshal(d)
	if err != nil {
		return nil, nil, dserr.Wrap(dserr.Internal, clustering.Fn, "", err)
	}
	opts, _ := json.Marshal(d.Options)
	mets, _ := json.Marshal(struct {
		Metric        string   `json:"metric"`
		ValidMetric   *float64 `json:"valid_metric"`
		K             int      `json:"k"`
		KAutomatic    bool     `json:"k_automatic"`
		Inertia       float64  `json:"inertia"`
		DaviesBouldin *float64 `json:"davies_bouldin"`
		Mode          string   `json:"mode"`
		Notes         []string `json:"notes,omitempty"`
		Seconds       float64  `json:"seconds"`
	}{"silhouette", finiteOrNil(float64(d.Quality.Silhouette)), d.K, d.KAutomatic, d.Quality.Inertia,
		finiteOrNil(float64(d.Quality.DaviesBouldin)), res.Mode, res.Notes, res.Seconds})
	return d, &store.Record{
		Name: s.name, Kind: "kmeans", Task: task.Segmentation, Features: d.Features,
		Options: opts, Metrics: mets, Data: s.data, Document: doc, Source: s.source(),
	}, nil
}

func finiteOrNil(f float64) *float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

func segmentation(model string, version int, d *clustering.Document) *Segmentation {
	return &Segmentation{Model: model, Version: version, K: d.K, Profile: d.Profile, Quality: d.Quality, KScores: d.KScores}
}

// Segments reads a segment model: what segment_profile, segment_quality
// and segment_k_scores show. Its errors are segment_profile's.
func Segments(ctx context.Context, env Env, model string, o SegmentsOptions) (*Segmentation, error) {
	rec, d, err := env.KMeans(ctx, fnSegmentProfile, model, o.Version)
	if err != nil {
		return nil, Err(ctx, fnSegmentProfile, err)
	}
	return segmentation(model, rec.Version, d), nil
}

// SegmentProfile is segment_profile(model, min_size := ..., version :=
// ...): the segments of a segment model, each summarised over the
// feature columns.
func SegmentProfile(ctx context.Context, env Env, model string, o SegmentProfileOptions) (*SegmentProfiles, error) {
	fn := fnSegmentProfile
	minSize := DefaultMinSize
	if o.MinSize != nil {
		minSize = *o.MinSize
	}
	if minSize < 0 {
		return nil, dserr.AtLeast(fn, "min_size", 0, int64(minSize))
	}
	rec, d, err := env.KMeans(ctx, fn, model, o.Version)
	if err != nil {
		return nil, Err(ctx, fn, err)
	}
	return &SegmentProfiles{Model: model, Version: rec.Version, Columns: d.Population, Segments: d.Profile, MinSize: minSize}, nil
}

// SegmentQuality is segment_quality(model, version := ...): how good a
// segment model's segmentation is.
func SegmentQuality(ctx context.Context, env Env, model string, o SegmentsOptions) (*clustering.Quality, error) {
	_, d, err := env.KMeans(ctx, fnSegmentQuality, model, o.Version)
	if err != nil {
		return nil, Err(ctx, fnSegmentQuality, err)
	}
	return &d.Quality, nil
}

// SegmentKScores is segment_k_scores(model, version := ...): the score of
// every k tried when the model chose k automatically (none otherwise).
func SegmentKScores(ctx context.Context, env Env, model string, o SegmentsOptions) ([]clustering.KScore, error) {
	_, d, err := env.KMeans(ctx, fnSegmentKScores, model, o.Version)
	if err != nil {
		return nil, Err(ctx, fnSegmentKScores, err)
	}
	return d.KScores, nil
}
