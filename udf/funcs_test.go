//go:build duckdb_arrow

package udf

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/duckdb/duckdb-go/v2"
	"gonum.org/v1/gonum/floats"

	"github.com/ducksight/ducksight/dserr"
)

// Test table functions exercising the bridge.

// simpleBound / simpleExec adapt closures to Bound / Execution.
type simpleBound struct {
	cols  []Column
	start func(ctx context.Context) (Execution, error)
	close func()
}

func (s *simpleBound) Columns() []Column { return s.cols }
func (s *simpleBound) Start(ctx context.Context) (Execution, error) {
	return s.start(ctx)
}
func (s *simpleBound) Close() error {
	if s.close != nil {
		s.close()
	}
	return nil
}

type simpleExec struct {
	threads int
	fill    func(ctx context.Context, out *Output) error
	close   func()
}

func (e *simpleExec) Threads() int { return e.threads }
func (e *simpleExec) Fill(ctx context.Context, out *Output) error {
	return e.fill(ctx, out)
}
func (e *simpleExec) Close() error {
	if e.close != nil {
		e.close()
	}
	return nil
}

var startCount atomic.Int64

// t_emit(n): a = i::DOUBLE, b = i * 0.5 for i in [0, n).
var emitFunc = &TableFunc{
	Name: "t_emit",
	Args: []Param{{Name: "n", Type: BigInt}},
	Bind: func(b *BindContext) (Bound, error) {
		n, ok := b.Args[0].(int64)
		if !ok || n < 0 {
			return nil, dserr.Arg("t_emit", "n", "must be a non-negative integer")
		}
		return &simpleBound{
			cols: []Column{{"a", Double}, {"b", Double}},
			start: func(ctx context.Context) (Execution, error) {
				startCount.Add(1)
				var next int64
				return &simpleExec{threads: 1, fill: func(ctx context.Context, out *Output) error {
					m := min(int64(out.Capacity()), n-next)
					if a := out.Float64s(0); a != nil {
						for j := int64(0); j < m; j++ {
							a[j] = float64(next + j)
						}
					}
					if bb := out.Float64s(1); bb != nil {
						for j := int64(0); j < m; j++ {
							bb[j] = float64(next+j) * 0.5
						}
					}
					next += m
					out.SetLen(int(m))
					return nil
				}}, nil
			},
		}, nil
	},
}

// t_scan(data): streams data; one row: rows, batches, and the sum of every
// numeric column (NULLs skipped).
var scanFunc = &TableFunc{
	Name: "t_scan",
	Args: []Param{{Name: "data", Type: Varchar}},
	Bind: func(b *BindContext) (Bound, error) {
		data, _ := b.Args[0].(string)
		q, err := b.Prepare("t_scan", "data", data)
		if err != nil {
			return nil, err
		}
		return &simpleBound{
			cols:  []Column{{"rows", BigInt}, {"batches", BigInt}, {"checksum", Double}},
			close: q.Close,
			start: func(ctx context.Context) (Execution, error) {
				done := false
				return &simpleExec{threads: 1, fill: func(ctx context.Context, out *Output) error {
					if done {
						out.SetLen(0)
						return nil
					}
					done = true
					rows, batches, sum, err := scanAll(ctx, q, nil)
					if err != nil {
						return err
					}
					if v := out.Int64s(0); v != nil {
						v[0] = rows
					}
					if v := out.Int64s(1); v != nil {
						v[0] = batches
					}
					if v := out.Float64s(2); v != nil {
						v[0] = sum
					}
					out.SetLen(1)
					return nil
				}}, nil
			},
		}, nil
	},
}

// scanAll streams q and sums every numeric column.
func scanAll(ctx context.Context, q *Query, alloc memory.Allocator) (rows, batches int64, sum float64, err error) {
	r, err := q.Stream(ctx, alloc)
	if err != nil {
		return 0, 0, 0, err
	}
	defer r.Close()
	for {
		b, err := r.Next()
		if err != nil {
			return 0, 0, 0, err
		}
		if b == nil {
			return rows, batches, sum, nil
		}
		rows += int64(b.Len())
		batches++
		for _, c := range b.Record.Columns() {
			sum += sumArray(c)
		}
		b.Release()
	}
}

func sumArray(c arrow.Array) float64 {
	s := 0.0
	switch a := c.(type) {
	case *array.Float64:
		vals := a.Float64Values()
		if a.NullN() == 0 {
			return floats.Sum(vals) // gonum's vectorised kernel
		}
		for i, v := range vals {
			if a.IsValid(i) {
				s += v
			}
		}
	case *array.Int64:
		for i, v := range a.Int64Values() {
			if a.IsValid(i) {
				s += float64(v)
			}
		}
	case *array.Int32:
		for i, v := range a.Int32Values() {
			if a.IsValid(i) {
				s += float64(v)
			}
		}
	case *array.Int16:
		for i, v := range a.Int16Values() {
			if a.IsValid(i) {
				s += float64(v)
			}
		}
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		for i := 0; i < a.Len(); i++ {
			if a.IsValid(i) {
				s += a.Value(i).ToFloat64(scale)
			}
		}
	case *array.Boolean:
		for i := 0; i < a.Len(); i++ {
			if a.IsValid(i) && a.Value(i) {
				s++
			}
		}
	}
	return s
}

// t_pass(data): every input column passed through, then idx BIGINT,
// label VARCHAR ('r' || idx, long every 3rd row), odd BOOLEAN (idx odd) and
// half DOUBLE (idx/2, NULL on even idx).
var passFunc = &TableFunc{
	Name: "t_pass",
	Args: []Param{{Name: "data", Type: Varchar}},
	Bind: func(b *BindContext) (Bound, error) {
		data, _ := b.Args[0].(string)
		q, err := b.Prepare("t_pass", "data", data)
		if err != nil {
			return nil, err
		}
		k := q.NumColumns()
		cols := make([]Column, 0, k+4)
		for i := 0; i < k; i++ {
			cols = append(cols, Column{q.ColumnName(i), q.ColumnType(i)})
		}
		cols = append(cols, Column{"idx", BigInt}, Column{"label", Varchar}, Column{"odd", Boolean}, Column{"half", Double})
		return &simpleBound{cols: cols, close: q.Close, start: func(ctx context.Context) (Execution, error) {
			r, err := q.Stream(ctx, nil)
			if err != nil {
				return nil, err
			}
			var idx int64
			return &simpleExec{threads: 1, close: r.Close, fill: func(ctx context.Context, out *Output) error {
				b, err := r.Next()
				if err != nil || b == nil {
					out.SetLen(0)
					return err
				}
				defer b.Release()
				n := b.Len()
				for i := 0; i < k; i++ {
					out.PassThrough(i, b, i)
				}
				if v := out.Int64s(k); v != nil {
					for j := 0; j < n; j++ {
						v[j] = idx + int64(j)
					}
				}
				if w, ok := out.Strings(k + 1); ok {
					for j := 0; j < n; j++ {
						s := "r" + strconv.FormatInt(idx+int64(j), 10)
						if (idx+int64(j))%3 == 0 {
							s += "-a-long-label-beyond-inline"
						}
						w.Set(j, s)
					}
				}
				if v := out.Bools(k + 2); v != nil {
					for j := 0; j < n; j++ {
						v[j] = (idx+int64(j))%2 == 1
					}
				}
				if v := out.Float64s(k + 3); v != nil {
					m := out.Validity(k + 3)
					for j := 0; j < n; j++ {
						v[j] = float64(idx+int64(j)) / 2
						if (idx+int64(j))%2 == 0 {
							m.SetNull(j)
						}
					}
				}
				idx += int64(n)
				out.SetLen(n)
				return nil
			}}, nil
		}}, nil
	},
}

// t_mutate(data): a state-changing function (refused inside data queries).
var mutateFunc = &TableFunc{
	Name:    "t_mutate",
	Args:    []Param{{Name: "data", Type: Varchar}},
	Mutates: true,
	Bind: func(b *BindContext) (Bound, error) {
		return &simpleBound{cols: []Column{{"ok", Boolean}}, start: func(ctx context.Context) (Execution, error) {
			done := false
			return &simpleExec{threads: 1, fill: func(ctx context.Context, out *Output) error {
				if !done {
					out.Bools(0)[0] = true
					out.SetLen(1)
					done = true
				}
				return nil
			}}, nil
		}}, nil
	},
}

// t_panic(): panics in Fill.
var panicFunc = &TableFunc{
	Name: "t_panic",
	Bind: func(b *BindContext) (Bound, error) {
		return &simpleBound{cols: []Column{{"x", Double}}, start: func(ctx context.Context) (Execution, error) {
			return &simpleExec{threads: 1, fill: func(ctx context.Context, out *Output) error {
				var m map[string]int
				m["boom"] = 1 //lint:ignore SA5000 the panic is the point
				return nil
			}}, nil
		}}, nil
	},
}

// t_spin(): loops until its context is cancelled (a stand-in for a long
// training run).
var spinFunc = &TableFunc{
	Name: "t_spin",
	Bind: func(b *BindContext) (Bound, error) {
		return &simpleBound{cols: []Column{{"x", Double}}, start: func(ctx context.Context) (Execution, error) {
			return &simpleExec{threads: 1, fill: func(ctx context.Context, out *Output) error {
				x := 0.0
				for i := 0; ; i++ {
					x += math.Sqrt(float64(i))
					if i%1024 == 0 && ctx.Err() != nil {
						return fmt.Errorf("t_spin: %w", ctx.Err())
					}
				}
			}}, nil
		}}, nil
	},
}

// weighted_sum(scale, row) -> DOUBLE: scale * the sum of row's numeric
// fields (NULL fields count 0; a text field adds its length), computed from
// the Arrow batch the bridge makes of the STRUCT's children. It counts its
// binds and live bound states, so tests can check bind-once and cleanup.
var (
	weightedBinds atomic.Int64
	weightedLive  atomic.Int64
)

type weightedBound struct{ scale float64 }

func (w *weightedBound) Eval(rows arrow.RecordBatch, out *ScalarOutput) error {
	vals := out.Float64s()
	for i := range vals {
		vals[i] = 0
	}
	for c := 0; c < int(rows.NumCols()); c++ {
		col := rows.Column(c)
		for i := range vals {
			if col.IsNull(i) {
				continue
			}
			switch a := col.(type) {
			case *array.Float64:
				vals[i] += a.Value(i)
			case *array.Int32:
				vals[i] += float64(a.Value(i))
			case *array.Int64:
				vals[i] += float64(a.Value(i))
			case *array.Boolean:
				if a.Value(i) {
					vals[i]++
				}
			case *array.String:
				vals[i] += float64(len(a.Value(i)))
			default:
				return fmt.Errorf("unexpected column type %s", col.DataType())
			}
		}
	}
	for i := range vals {
		vals[i] *= w.scale
	}
	return nil
}

func (w *weightedBound) Close() error { weightedLive.Add(-1); return nil }

var weightedSum = &ScalarFunc{
	Name:    "weighted_sum",
	Args:    []Param{{Name: "scale", Type: Double}, {Name: "row", Type: Row}},
	Returns: Double,
	Bind: func(b *ScalarBindContext) (ScalarBound, error) {
		weightedBinds.Add(1)
		var scale float64
		switch v := b.Args[0].(type) {
		case float64:
			scale = v
		case int64:
			scale = float64(v)
		default:
			return nil, dserr.Arg("weighted_sum", "scale", "must be a number, got %s", b.ArgTypes[0])
		}
		weightedLive.Add(1)
		return &weightedBound{scale: scale}, nil
	},
}

// row_names(row) -> VARCHAR: the row's field names and Arrow types.
var rowNames = &ScalarFunc{
	Name:    "row_names",
	Args:    []Param{{Name: "tag", Type: Varchar}, {Name: "row", Type: Row}},
	Returns: Varchar,
	Bind: func(b *ScalarBindContext) (ScalarBound, error) {
		s := fmt.Sprint(b.Args[0])
		for _, f := range b.Row.Fields() {
			s += " " + f.Name + ":" + f.Type.String()
		}
		return textBound(s), nil
	},
}

type textBound string

func (t textBound) Eval(rows arrow.RecordBatch, out *ScalarOutput) error {
	w := out.Strings()
	for i := 0; i < out.Len(); i++ {
		w.Set(i, string(t))
	}
	return nil
}
func (t textBound) Close() error { return nil }

var allTestFuncs = []Func{emitFunc, scanFunc, passFunc, mutateFunc, panicFunc, spinFunc, weightedSum, rowNames, keepFirst, nestedFunc, nestedWrongFunc, emitNestedFunc}

type testDB struct {
	*sql.DB
	host *Host
}

// openTest opens a DuckDB (path "" for in-memory) with the test functions.
func openTest(tb testing.TB, path string) *testDB {
	tb.Helper()
	c, err := duckdb.NewConnector(path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	h, err := Attach(context.Background(), c, allTestFuncs...)
	if err != nil {
		tb.Fatal(err)
	}
	db := sql.OpenDB(c)
	tb.Cleanup(func() { db.Close() })
	return &testDB{DB: db, host: h}
}

// keep_first(row) -> DOUBLE: 1 per row; Retains the row's first column and
// keeps it in retained, for tests of what a scalar's input may outlive.
var retained struct {
	sync.Mutex
	cols []arrow.Array
}

type keepBound struct{}

func (keepBound) Eval(rows arrow.RecordBatch, out *ScalarOutput) error {
	col := rows.Column(0)
	col.Retain()
	retained.Lock()
	retained.cols = append(retained.cols, col)
	retained.Unlock()
	vals := out.Float64s()
	for i := range vals {
		vals[i] = 1
	}
	return nil
}
func (keepBound) Close() error { return nil }

var keepFirst = &ScalarFunc{
	Name:    "keep_first",
	Args:    []Param{{Name: "row", Type: Row}},
	Returns: Double,
	Bind:    func(*ScalarBindContext) (ScalarBound, error) { return keepBound{}, nil },
}
