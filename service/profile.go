//go:build duckdb_arrow

package service

import (
	"context"
	"math"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/udf"
)

// fnProfile is profile's SQL name, which its errors carry.
const fnProfile = "profile"

// ProfileJob is a profile(data) call whose data query is prepared: what
// the SQL function holds between DuckDB's bind and its execution. The
// caller closes it.
type ProfileJob struct {
	q *udf.Query
}

// BindProfile prepares profile's data query, never running it.
func BindProfile(ctx context.Context, env Env, data string) (*ProfileJob, error) {
	q, err := env.Prepare(ctx, fnProfile, "data", data)
	if err != nil {
		return nil, err
	}
	return &ProfileJob{q: q}, nil
}

// Close releases the prepared data query.
func (p *ProfileJob) Close() { p.q.Close() }

// Run reads the data once, streaming (bounded memory), and returns one
// profile per column, in the data's column order.
func (p *ProfileJob) Run(ctx context.Context) ([]ColumnProfile, error) {
	stats := make([]features.Moments, p.q.NumColumns())
	var rows int64
	err := eachBatch(ctx, p.q, func(b *udf.Batch) {
		rows += int64(b.Len())
		for i, c := range b.Record.Columns() {
			stats[i].Merge(features.Observe(c))
		}
	})
	if err != nil {
		return nil, err
	}
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

// Profile is profile(data) for Go callers: one profile per column of
// data, from one streaming pass.
func Profile(ctx context.Context, env Env, data string) ([]ColumnProfile, error) {
	p, err := BindProfile(ctx, env, data)
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
