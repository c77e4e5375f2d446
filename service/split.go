//go:build duckdb_arrow

package service

import (
	"context"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/udf"
)

// fnSplit is split's SQL name, which its errors carry.
const fnSplit = "split"

// SplitColumn is the name of the column split adds after the data's.
const SplitColumn = "split"

// Splitter is a bound split(data, ...) call: the options checked, the
// data query prepared once (never run by the bind) and the hashed columns
// resolved. Start streams the data and assigns each row its part. The
// caller closes the Splitter, which closes its data query and its
// connection.
type Splitter struct {
	q    *udf.Query
	by   []int     // the data columns hashed, in the order given
	seed uint64    // the hash's seed
	cuts []float64 // the cumulative fractions of the parts but the last
}

// BindSplit binds split(data, fractions, by, seed): it checks o's
// fractions (positive, finite, summing to 1 within
// SplitFractionTolerance), prepares data, refuses a data column named
// split, and resolves o.By to data columns (each existing and named
// once). Nothing runs yet. Errors are *dserr.Error values of function
// split.
func BindSplit(ctx context.Context, env Env, data string, o SplitOptions) (*Splitter, error) {
	cuts, err := splitCuts(o.Fractions)
	if err != nil {
		return nil, err
	}
	seed := int64(DefaultSplitSeed)
	if o.Seed != nil {
		seed = *o.Seed
	}
	return withData(ctx, env, fnSplit, data, func(q *udf.Query) (*Splitter, error) {
		if err := checkClashNames(fnSplit, q, SplitColumn); err != nil {
			return nil, err
		}
		by, err := splitColumns(q, o.By)
		if err != nil {
			return nil, err
		}
		return &Splitter{q: q, by: by, seed: uint64(seed), cuts: cuts}, nil
	})
}

// splitCuts checks split's fractions (nil is DefaultSplitFractions) and
// returns the cumulative sums of all but the last, summed in order: a
// row whose hash maps to u in [0, 1) goes to the first part k whose cut
// exceeds u, else to the last part. The last part takes the rest, so a
// sum within the tolerance of 1 loses no rows.
func splitCuts(fractions []float64) ([]float64, error) {
	if fractions == nil {
		fractions = DefaultSplitFractions
	}
	if len(fractions) == 0 {
		return nil, dserr.Arg(fnSplit, "fractions", "must list at least one share, such as [0.8, 0.2]")
	}
	sum := 0.0
	for i, f := range fractions {
		if !(f > 0) || math.IsInf(f, 1) {
			return nil, dserr.Arg(fnSplit, "fractions", "every share must be a finite number greater than 0, got %g (element %d)", f, i+1)
		}
		sum += f
	}
	if math.Abs(sum-1) > SplitFractionTolerance {
		return nil, dserr.Arg(fnSplit, "fractions", "must sum to 1, got %s summing to %s", fractionList(fractions), strconv.FormatFloat(sum, 'g', -1, 64))
	}
	cuts := make([]float64, len(fractions)-1)
	cum := 0.0
	for i := range cuts {
		cum += fractions[i]
		cuts[i] = cum
	}
	return cuts, nil
}

// fractionList writes fractions as a SQL list, for an error.
func fractionList(fractions []float64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, f := range fractions {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
	}
	b.WriteByte(']')
	return b.String()
}

// splitColumns resolves split's by columns in q (as DuckDB binds names:
// exactly, else case-insensitively); none is every column.
func splitColumns(q *udf.Query, by []string) ([]int, error) {
	schema := q.Schema()
	if len(by) == 0 {
		all := make([]int, q.NumColumns())
		for i := range all {
			all[i] = i
		}
		return all, nil
	}
	cols := make([]int, len(by))
	for k, name := range by {
		i := features.ColumnIndex(schema, name)
		if i < 0 {
			return nil, dserr.UnknownColumn(fnSplit, "by", name, features.ColumnNames(schema))
		}
		for _, j := range cols[:k] {
			if j == i {
				return nil, dserr.Arg(fnSplit, "by", "names column %q twice", q.ColumnName(i))
			}
		}
		cols[k] = i
	}
	return cols, nil
}

// NumInputs is the number of data columns, which come first in the
// output, unchanged.
func (s *Splitter) NumInputs() int { return s.q.NumColumns() }

// Columns are the output columns for the SQL adapter: the data's columns,
// then split INTEGER.
func (s *Splitter) Columns() []udf.Column {
	n := s.q.NumColumns()
	cols := make([]udf.Column, 0, n+1)
	for i := 0; i < n; i++ {
		cols = append(cols, udf.Column{Name: s.q.ColumnName(i), Type: s.q.ColumnType(i)})
	}
	return append(cols, udf.Column{Name: SplitColumn, Type: udf.Integer})
}

// Schema is the Arrow schema of the output for the Go adapter: the data
// query's batches' fields, then split as int32 (DuckDB's INTEGER).
func (s *Splitter) Schema() *arrow.Schema {
	in := s.q.Schema()
	fields := make([]arrow.Field, 0, in.NumFields()+1)
	fields = append(fields, in.Fields()...)
	fields = append(fields, arrow.Field{Name: SplitColumn, Type: arrow.PrimitiveTypes.Int32, Nullable: true})
	return arrow.NewSchema(fields, nil)
}

// Close closes the data query and its connection.
func (s *Splitter) Close() { s.q.Close() }

// Start runs the data query and returns the run that assigns its rows.
// The caller closes the run before the Splitter.
func (s *Splitter) Start(ctx context.Context) (*SplitRun, error) {
	r, err := s.q.Stream(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &SplitRun{s: s, r: r}, nil
}

// SplitRun streams a bound split's data batch by batch: Next hands out
// the next data batch, and Parts computes the rows' parts only when asked,
// so an adapter that does not project the split column hashes nothing. A
// SplitRun is used by one goroutine at a time; the caller closes it.
type SplitRun struct {
	s        *Splitter
	r        *udf.Reader
	b        *udf.Batch
	assigned bool
	hashes   []uint64
	parts    []int32
}

// Next returns the next data batch, or (nil, nil) at the end of the data.
// The caller releases the batch, after reading its Parts. The data
// query's errors (cancellation included) come from here.
func (r *SplitRun) Next() (*udf.Batch, error) {
	r.b, r.assigned = nil, false
	b, err := r.r.Next()
	if err != nil || b == nil {
		return nil, err
	}
	r.b = b
	return b, nil
}

// Parts are the parts (1-based) of the rows of the batch Next returned
// last, computed once however often it is called. A row's part depends
// only on its values in the by columns and the seed: never on its
// position, its batch or the number of threads. The result is valid until
// the next call to Next.
func (r *SplitRun) Parts() []int32 {
	if !r.assigned {
		r.assigned = true
		r.hashes = features.RowHashes(r.b.Record, r.s.by, r.s.seed, r.hashes)
		if cap(r.parts) < len(r.hashes) {
			r.parts = make([]int32, len(r.hashes))
		}
		r.parts = r.parts[:len(r.hashes)]
		assignParts(r.hashes, r.s.cuts, r.parts)
	}
	return r.parts
}

// Close ends the stream (also mid-way).
func (r *SplitRun) Close() { r.r.Close() }

// assignParts sets parts[i] to the part (1-based) of the row hashed to
// hashes[i]: the hash mapped to u in [0, 1) (features.HashUnit) falls in
// part k+1 for the first k with u < cuts[k], else in the last part,
// len(cuts)+1.
func assignParts(hashes []uint64, cuts []float64, parts []int32) {
	for i, h := range hashes {
		u := features.HashUnit(h)
		k := sort.Search(len(cuts), func(j int) bool { return cuts[j] > u })
		parts[i] = int32(k + 1)
	}
}
