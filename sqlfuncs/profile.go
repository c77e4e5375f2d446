//go:build duckdb_arrow

package sqlfuncs

import (
	"context"
	"math"

	"github.com/ducksight/ducksight/service"
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
	job, err := service.BindProfile(b.Ctx, envOf(b), data)
	if err != nil {
		return nil, err
	}
	cols := make([]udf.Column, len(profileColumns))
	types := map[string]udf.Type{"VARCHAR": udf.Varchar, "BIGINT": udf.BigInt, "DOUBLE": udf.Double}
	for i, c := range profileColumns {
		cols[i] = udf.Column{Name: c.Name, Type: types[c.Type]}
	}
	return &profileBound{job: job, cols: cols}, nil
}

type profileBound struct {
	job  *service.ProfileJob
	cols []udf.Column
}

func (p *profileBound) Columns() []udf.Column { return p.cols }
func (p *profileBound) Close() error          { p.job.Close(); return nil }
func (p *profileBound) Start(ctx context.Context) (udf.Execution, error) {
	return &profileExec{job: p.job}, nil
}

type profileExec struct {
	job  *service.ProfileJob
	cols []service.ColumnProfile
	done bool
	next int
}

func (e *profileExec) Threads() int { return 1 }
func (e *profileExec) Close() error { return nil }

func (e *profileExec) Fill(ctx context.Context, out *udf.Output) error {
	if !e.done {
		cols, err := e.job.Run(ctx)
		if err != nil {
			return err
		}
		e.cols, e.done = cols, true
	}
	m := min(out.Capacity(), len(e.cols)-e.next)
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
	for j := 0; j < m; j++ {
		c := &e.cols[e.next+j]
		if hasName {
			name.Set(j, c.Column)
		}
		if hasType {
			typ.Set(j, c.Type)
		}
		if rows != nil {
			rows[j] = c.Rows
		}
		if nulls != nil {
			nulls[j] = c.Nulls
		}
		vals := [5]float64{c.NullShare, c.Mean, c.Std, c.Min, c.Max}
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
