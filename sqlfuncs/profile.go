//go:build duckdb_arrow

package sqlfuncs

import (
	"context"
	"math"

	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// profile(data, label := NULL): one row per column of data with its type,
// row and NULL counts, moments, distinct count, quartiles, most frequent
// level, identifier-like and constant flags and, with a label, each
// column's association with it. One streaming pass, bounded memory.

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
	{"approx_unique", "BIGINT", "distinct non-NULL values: exact up to 16384, a HyperLogLog estimate beyond (standard error about 0.8%); NULL for UNION columns"},
	{"q25", "DOUBLE", "first quartile of the finite values (quantile_cont): numeric, DATE (days since 1970-01-01) and TIMESTAMP (seconds since the epoch) columns; exact up to 16384 values, from a fixed stratified sample beyond"},
	{"q50", "DOUBLE", "median, as q25"},
	{"q75", "DOUBLE", "third quartile, as q25"},
	{"top_level", "VARCHAR", "most frequent value of a VARCHAR, ENUM or BOOLEAN column (ties: the smaller text)"},
	{"top_share", "DOUBLE", "its share of the non-NULL values"},
	{"identifier_like", "BOOLEAN", "an integer or text column unique on every row with no NULLs (training drops it)"},
	{"constant", "BOOLEAN", "fewer than two distinct values, NULL counting as a value"},
	{"label_association", "DOUBLE", "with label: the column's association with the label (see below); NULL without label, for the label itself, identifier-like columns and a multiclass label"},
	{"leakage", "BOOLEAN", "label_association > 0.98: the column nearly gives the label away; NULL where label_association is"},
}

var profileFn = &Function{
	Name:    "profile",
	Summary: "per-column statistics of a table or query: NULLs, moments, distinct values, quartiles, top level, label association",
	Example: "SELECT * FROM profile('customers', label := 'churned');",
	Columns: profileColumns,
	Table: &udf.TableFunc{
		Name: "profile",
		Bind: bindProfile,
		Args: []udf.Param{dataParam},
		Named: []udf.Param{
			{Name: "label", Type: udf.Varchar, Doc: "a column of data: report every other column's association with it", DefaultDoc: "NULL (none)"},
		},
	},
}

func bindProfile(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	data, err := a.str(0)
	if err != nil {
		return nil, err
	}
	var o service.ProfileOptions
	if v, typ, ok, err := a.lookup("label"); err != nil {
		return nil, err
	} else if ok && v != nil {
		if o.Label, err = toString(a.fn, "label", v, typ); err != nil {
			return nil, err
		}
	}
	job, err := service.BindProfile(b.Ctx, envOf(b), data, o)
	if err != nil {
		return nil, err
	}
	cols := make([]udf.Column, len(profileColumns))
	types := map[string]udf.Type{"VARCHAR": udf.Varchar, "BIGINT": udf.BigInt, "DOUBLE": udf.Double, "BOOLEAN": udf.Boolean}
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
	// The DOUBLE columns, NULL where NaN: null_share .. max, q25 .. q75,
	// top_share, label_association.
	floatCols := [...]int{4, 5, 6, 7, 8, 10, 11, 12, 14, 17}
	var floats [len(floatCols)][]float64
	var masks [len(floatCols)]udf.Validity
	for k, col := range floatCols {
		if floats[k] = out.Float64s(col); floats[k] != nil {
			masks[k] = out.Validity(col)
		}
	}
	unique := out.Int64s(9)
	var uniqueMask udf.Validity
	if unique != nil {
		uniqueMask = out.Validity(9)
	}
	top, hasTop := out.Strings(13)
	var topMask udf.Validity
	if hasTop {
		topMask = out.Validity(13)
	}
	ident, constant, leak := out.Bools(15), out.Bools(16), out.Bools(18)
	var leakMask udf.Validity
	if leak != nil {
		leakMask = out.Validity(18)
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
		vals := [len(floatCols)]float64{c.NullShare, c.Mean, c.Std, c.Min, c.Max, c.Q25, c.Q50, c.Q75, c.TopShare, c.LabelAssociation}
		if unique != nil {
			if c.ApproxUnique < 0 {
				uniqueMask.SetNull(j)
				unique[j] = 0
			} else {
				unique[j] = c.ApproxUnique
			}
		}
		if hasTop {
			if math.IsNaN(c.TopShare) {
				topMask.SetNull(j)
			} else {
				top.Set(j, c.TopLevel)
			}
		}
		if ident != nil {
			ident[j] = c.IdentifierLike
		}
		if constant != nil {
			constant[j] = c.Constant
		}
		if leak != nil {
			leak[j] = c.Leakage
			if math.IsNaN(c.LabelAssociation) {
				leakMask.SetNull(j)
			}
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
