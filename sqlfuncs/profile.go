//go:build duckdb_arrow

package sqlfuncs

import (
	"context"
	"math"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/udf"
)

// profile(data): one row per column of data with its type, row and NULL
// counts and, for numeric and BOOLEAN columns, mean, standard deviation,
// min and max. One streaming pass, bounded memory.

// profileColumns are profile's result columns.
var profileColumns = []ColumnDoc{
	{"column_name", "VARCHAR", "column of data, in order"},
	{"column_type", "VARCHAR", "its DuckDB type"},
	{"rows", "BIGINT", "rows in data"},
	{"nulls", "BIGINT", "NULL values in the column"},
	{"null_share", "DOUBLE", "nulls / rows (NULL when data is empty)"},
	{"mean", "DOUBLE", "mean of the non-NULL values; numeric columns (integers, floats, DECIMAL) and BOOLEAN (as 0/1); NULL for other types"},
	{"std", "DOUBLE", "sample standard deviation (n-1); NULL below two values"},
	{"min", "DOUBLE", "smallest value"},
	{"max", "DOUBLE", "largest value"},
}

var profileFn = &Function{
	Name:    "profile",
	Summary: "per-column statistics of a table or query: rows, NULLs, mean, std, min, max",
	Example: "SELECT * FROM profile('customers');",
	Columns: profileColumns,
	Table: &udf.TableFunc{
		Name: "profile",
		Bind: bindProfile,
		Args: []udf.Param{dataParam},
	},
}

func bindProfile(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	data, err := a.str(0)
	if err != nil {
		return nil, err
	}
	q, err := envOf(b).Prepare(b.Ctx, a.fn, "data", data)
	if err != nil {
		return nil, err
	}
	cols := make([]udf.Column, len(profileColumns))
	types := map[string]udf.Type{"VARCHAR": udf.Varchar, "BIGINT": udf.BigInt, "DOUBLE": udf.Double}
	for i, c := range profileColumns {
		cols[i] = udf.Column{Name: c.Name, Type: types[c.Type]}
	}
	return &profileBound{q: q, cols: cols}, nil
}

type profileBound struct {
	q    *udf.Query
	cols []udf.Column
}

func (p *profileBound) Columns() []udf.Column { return p.cols }
func (p *profileBound) Close() error          { p.q.Close(); return nil }
func (p *profileBound) Start(ctx context.Context) (udf.Execution, error) {
	return &profileExec{q: p.q}, nil
}

type profileExec struct {
	q     *udf.Query
	stats []features.Moments
	rows  int64
	done  bool
	next  int
}

func (e *profileExec) Threads() int { return 1 }
func (e *profileExec) Close() error { return nil }

func (e *profileExec) scan(ctx context.Context) error {
	r, err := e.q.Stream(ctx, nil)
	if err != nil {
		return err
	}
	defer r.Close()
	e.stats = make([]features.Moments, e.q.NumColumns())
	for {
		b, err := r.Next()
		if err != nil {
			return err
		}
		if b == nil {
			return nil
		}
		e.rows += int64(b.Len())
		for i, c := range b.Record.Columns() {
			e.stats[i].Merge(features.Observe(c))
		}
		b.Release()
	}
}

func profiled(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.DATE32, arrow.TIMESTAMP:
		return false
	}
	return features.Numeric(t)
}

func (e *profileExec) Fill(ctx context.Context, out *udf.Output) error {
	if !e.done {
		if err := e.scan(ctx); err != nil {
			return err
		}
		e.done = true
	}
	m := min(out.Capacity(), len(e.stats)-e.next)
	if m <= 0 {
		out.SetLen(0)
		return nil
	}
	name, hasName := out.Strings(0)
	typ, hasType := out.Strings(1)
	rows, nulls := out.Int64s(2), out.Int64s(3)
	floats := [5][]float64{out.Float64s(4), out.Float64s(5), out.Float64s(6), out.Float64s(7), out.Float64s(8)}
	var masks [5]udf.Validity
	for k := range floats {
		if floats[k] != nil {
			masks[k] = out.Validity(4 + k)
		}
	}
	schema := e.q.Schema()
	for j := 0; j < m; j++ {
		i := e.next + j
		s := e.stats[i]
		if hasName {
			name.Set(j, e.q.ColumnName(i))
		}
		if hasType {
			typ.Set(j, e.q.ColumnTypeName(i))
		}
		if rows != nil {
			rows[j] = e.rows
		}
		if nulls != nil {
			nulls[j] = s.Nulls
		}
		vals := [5]float64{math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()}
		if e.rows > 0 {
			vals[0] = float64(s.Nulls) / float64(e.rows)
		}
		if profiled(schema.Field(i).Type) && s.Count > 0 {
			vals[1], vals[2], vals[3], vals[4] = s.Mean, s.Std(), s.Min, s.Max
		}
		for k, v := range vals {
			if floats[k] == nil {
				continue
			}
			if math.IsNaN(v) {
				masks[k].SetNull(j)
				floats[k][j] = 0
			} else {
				floats[k][j] = v
			}
		}
	}
	e.next += m
	out.SetLen(m)
	return nil
}
