//go:build duckdb_arrow

package sqlfuncs

import (
	"context"

	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// split(data, fractions := [0.8, 0.2], by := [...], seed := 42): every
// input column unchanged, then split INTEGER, the row's part (1-based),
// chosen by a seeded hash of the by columns.

var splitFn = &Function{
	Name:    "split",
	Summary: "split data reproducibly: every input column, then split, the row's part 1, 2, ... chosen by a seeded hash of the by columns",
	Example: "CREATE TABLE parts AS SELECT * FROM split('customers', fractions := [0.8, 0.2], by := ['customer_id']);",
	Columns: []ColumnDoc{
		{"split", "INTEGER", "the row's part, 1..len(fractions): the same for the same values of the by columns and seed, whatever the row order"},
	},
	Table: &udf.TableFunc{
		Name: "split",
		Bind: bindSplit,
		Args: []udf.Param{dataParam},
		Named: []udf.Param{
			{Name: "fractions", Type: udf.List(udf.Double), Doc: "expected share of rows in each part, in part order; they must sum to 1",
				Default: service.DefaultSplitFractions, Range: &udf.Range{Min: 0, MinOpen: true, Max: 1}},
			{Name: "by", Type: udf.List(udf.Varchar), Doc: "columns whose values choose the part: rows that agree on them land in the same part", DefaultDoc: "all columns"},
			{Name: "seed", Type: udf.BigInt, Doc: "seed of the hash; another seed gives another split", Default: service.DefaultSplitSeed},
		},
	},
}

func bindSplit(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	data, err := a.str(0)
	if err != nil {
		return nil, err
	}
	var o service.SplitOptions
	if o.Fractions, err = a.namedFloats("fractions"); err != nil {
		return nil, err
	}
	if o.By, err = a.namedStrings("by"); err != nil {
		return nil, err
	}
	if o.Seed, err = a.optInt64("seed"); err != nil {
		return nil, err
	}
	s, err := service.BindSplit(b.Ctx, envOf(b), data, o)
	if err != nil {
		return nil, err
	}
	return splitBound{s}, nil
}

// splitBound is a bound split call: the service's Splitter, whose runs
// Fill writes.
type splitBound struct{ s *service.Splitter }

func (s splitBound) Columns() []udf.Column { return s.s.Columns() }
func (s splitBound) Close() error          { s.s.Close(); return nil }

func (s splitBound) Start(ctx context.Context) (udf.Execution, error) {
	run, err := s.s.Start(ctx)
	if err != nil {
		return nil, err
	}
	return splitExec{s: s.s, run: run}, nil
}

type splitExec struct {
	s   *service.Splitter
	run *service.SplitRun
}

func (e splitExec) Threads() int { return 1 }
func (e splitExec) Close() error { e.run.Close(); return nil }

// Fill writes the next data batch: its columns passed through, then the
// rows' parts, hashed only when the split column is projected.
func (e splitExec) Fill(ctx context.Context, out *udf.Output) error {
	b, err := e.run.Next()
	if err != nil || b == nil {
		out.SetLen(0)
		return err
	}
	defer b.Release()
	nIn := e.s.NumInputs()
	for i := 0; i < nIn; i++ {
		out.PassThrough(i, b, i)
	}
	if dst := out.Int32s(nIn); dst != nil {
		copy(dst, e.run.Parts())
	}
	out.SetLen(b.Len())
	return nil
}
