//go:build duckdb_arrow

package service

import (
	"context"
	"math"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/udf"
)

// fnProfile is profile's SQL name, which its errors carry.
const fnProfile = "profile"

// ProfileJob is a profile(data) call whose data query is prepared: what
// the SQL function holds between DuckDB's bind and its execution. The
// caller closes it.
type ProfileJob struct {
	q     *udf.Query
	label int // index of the label column, -1 without
}

// BindProfile prepares profile's data query, never running it, and finds
// the label column among its columns (a missing one is an error of the
// argument label).
func BindProfile(ctx context.Context, env Env, data string, o ProfileOptions) (*ProfileJob, error) {
	q, err := env.Prepare(ctx, fnProfile, "data", data)
	if err != nil {
		return nil, err
	}
	p := &ProfileJob{q: q, label: -1}
	if o.Label != "" {
		schema := q.Schema()
		if p.label = features.ColumnIndex(schema, o.Label); p.label < 0 {
			q.Close()
			return nil, dserr.UnknownColumn(fnProfile, "label", o.Label, features.ColumnNames(schema))
		}
		if _, err := features.NewSummarizer(schema, p.label); err != nil {
			q.Close()
			return nil, dserr.Arg(fnProfile, "label", "%v", err)
		}
	}
	return p, nil
}

// Close releases the prepared data query.
func (p *ProfileJob) Close() { p.q.Close() }

// Run reads the data once, streaming (bounded memory), and returns one
// profile per column, in the data's column order.
func (p *ProfileJob) Run(ctx context.Context) ([]ColumnProfile, error) {
	stats := make([]features.Moments, p.q.NumColumns())
	sum, err := features.NewSummarizer(p.q.Schema(), p.label)
	if err != nil {
		return nil, dserr.Arg(fnProfile, "label", "%v", err)
	}
	var rows int64
	var bad error
	err = eachBatch(ctx, p.q, func(b *udf.Batch) {
		rows += int64(b.Len())
		for i, c := range b.Record.Columns() {
			stats[i].Merge(features.Observe(c))
		}
		if bad == nil {
			bad = sum.Observe(b.Record)
		}
	})
	if err == nil {
		err = bad
	}
	if err != nil {
		return nil, err
	}
	more := sum.Finish()
	schema := p.q.Schema()
	out := make([]ColumnProfile, len(stats))
	for i, s := range stats {
		c := ColumnProfile{Column: p.q.ColumnName(i), Type: p.q.ColumnTypeName(i), Rows: rows, Nulls: s.Nulls,
			NullShare: math.NaN(), Mean: math.NaN(), Std: math.NaN(), Min: math.NaN(), Max: math.NaN()}
		if rows > 0 {
			c.NullShare = float64(s.Nulls) / float64(rows)
		}
		if profiled(schema.Field(i).Type) && s.Count > 0 {
			c.Mean, c.Std, c.Min, c.Max = s.Mean, s.Std(), s.Min, s.Max
		}
		m := &more[i]
		c.ApproxUnique, c.Q25, c.Q50, c.Q75 = m.Distinct, m.Q25, m.Q50, m.Q75
		c.TopLevel, c.TopShare = m.TopLevel, m.TopShare
		c.IdentifierLike, c.Constant = m.IdentifierLike, m.Constant
		c.LabelAssociation, c.Leakage = m.Association, m.Leakage
		out[i] = c
	}
	return out, nil
}

// profiled reports whether profile computes the moments of a column of
// type t: numbers and BOOLEAN, not DATE or TIMESTAMP.
func profiled(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.DATE32, arrow.TIMESTAMP:
		return false
	}
	return features.Numeric(t)
}

// Profile is profile(data, ...) for Go callers: one profile per column of
// data, from one streaming pass.
func Profile(ctx context.Context, env Env, data string, o ProfileOptions) ([]ColumnProfile, error) {
	p, err := BindProfile(ctx, env, data, o)
	if err != nil {
		return nil, Err(ctx, fnProfile, err)
	}
	defer p.Close()
	cols, err := p.Run(ctx)
	if err != nil {
		return nil, Err(ctx, fnProfile, err)
	}
	return cols, nil
}
