//go:build duckdb_arrow

package service

import (
	"context"
	"strings"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/pushdown"
	"github.com/ducksight/ducksight/engine/store"
)

// Segmenting where the data lives: segment with engine := runs the
// pushed-down segmentation of engine/pushdown on a table of that engine
// (the fit pass, k-means++ on a sample fetched from it, one GROUP BY
// query per Lloyd iteration, a profile pass) and saves the model as
// local segmentation saves one. Its SQL result is one row per segment.

// bindSegmentEngine binds segment(model, table, engine := ...): the
// options checked with their defaults, the engine's address, a writable
// database; nothing reaches the engine before Features or the fit.
func bindSegmentEngine(ctx context.Context, env Env, model, table string, o SegmentOptions) (*SegmentJob, error) {
	fn := clustering.Fn
	if err := CheckModelName(fn, model); err != nil {
		return nil, err
	}
	o.Defaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if err := pushdown.CheckWhere(fn, "where", o.Where); err != nil {
		return nil, err
	}
	d, err := engineDialect(fn, o.Engine)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(table) == "" {
		return nil, dserr.Arg(fn, "data", "with engine, the name of a table in the engine")
	}
	if err := env.checkWritable(ctx, fn); err != nil {
		return nil, err
	}
	if d == pushdown.DuckDB {
		o.Engine = engineDuckDB
	}
	spec := &pushdown.Spec{Fn: fn, Dialect: d, Table: table, Where: o.Where, Features: o.Features, Exclude: o.Exclude,
		Exact: true, Distance: true}
	return &SegmentJob{modelJob: modelJob{env: env, name: model, data: table, engine: o.Engine}, o: o, spec: spec}, nil
}

// Engine reports whether the job segments a table where it lives
// (engine :=).
func (s *SegmentJob) Engine() bool { return s.spec != nil }

// Features resolves, with engine :=, the feature columns of the table in
// the engine (connecting to it): their names and kinds, in order. The
// fit may drop some (constant, all NULL).
func (s *SegmentJob) Features(ctx context.Context) ([]pushdown.FeatureColumn, error) {
	fn := clustering.Fn
	r, closeRunner, err := openRunner(ctx, s.env, fn, s.o.Engine)
	if err != nil {
		return nil, err
	}
	defer closeRunner()
	plan, err := pushdown.NewPlan(ctx, r, *s.spec)
	if err != nil {
		return nil, err
	}
	return plan.Features(), nil
}

// FitEngine fits a segmentation with engine := and reserves the model's
// version; it returns the model, each segment's inertia (segment s at
// s-1), and the PendingSave that saves it.
func (s *SegmentJob) FitEngine(ctx context.Context) (*clustering.Document, []float64, *PendingSave, error) {
	d, inertia, rec, err := s.fitEngine(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := Reserve(ctx, s.env, clustering.Fn, rec)
	if err != nil {
		return nil, nil, nil, err
	}
	return d, inertia, p, nil
}

func (s *SegmentJob) fitEngine(ctx context.Context) (*clustering.Document, []float64, *store.Record, error) {
	fn := clustering.Fn
	r, closeRunner, err := openRunner(ctx, s.env, fn, s.o.Engine)
	if err != nil {
		return nil, nil, nil, err
	}
	defer closeRunner()
	plan, err := pushdown.NewPlan(ctx, r, *s.spec)
	if err != nil {
		return nil, nil, nil, err
	}
	res, err := pushdown.Segment(ctx, plan, s.o)
	if err != nil {
		return nil, nil, nil, err
	}
	d, rec, err := s.record(res.Result)
	if err != nil {
		return nil, nil, nil, err
	}
	return d, res.Inertia, rec, nil
}
