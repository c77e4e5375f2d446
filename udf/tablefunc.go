//go:build duckdb_arrow

package udf

import (
	"context"
	"math"
)

// Param is a positional or named parameter of a table or scalar function:
// its type, default, allowed values and one-line meaning, declared once.
// The argument readers of package sqlfuncs apply Default and Range, and
// docs/sql.md's argument tables and the REPL's .functions show them.
type Param struct {
	Name string // for docs and errors; the SQL name of a named parameter
	Type Type
	Doc  string // one line for docs/sql.md and the REPL; the default and range have fields of their own
	// Default is the value an absent argument stands for, a Go value of
	// the parameter's type: int or int64 (INTEGER, BIGINT), float64
	// (DOUBLE), string (VARCHAR), bool (BOOLEAN), []int (INTEGER[]),
	// []float64 (DOUBLE[]) or []string (VARCHAR[]). It is taken from the
	// named constant the code that applies it uses. nil: required, no
	// default, or a default that is computed (DefaultDoc says which).
	Default any
	// DefaultDoc describes a default that is not a constant value ("the
	// latest", "all but the label and exclude"), or "required"; used only
	// when Default is nil.
	DefaultDoc string
	// Range, when set, bounds a numeric parameter's given value.
	Range *Range
	// Choices, when set, lists the values a VARCHAR parameter accepts (for
	// docs; the kernel that interprets the value checks it).
	Choices []string
}

// Range is the interval a numeric parameter's value must lie in. Min and
// Max are included unless MinOpen or MaxOpen is set; an infinite bound is
// no bound (and, with MaxOpen, refuses an infinite value).
type Range struct {
	Min, Max         float64
	MinOpen, MaxOpen bool
}

// Between is the closed interval [lo, hi].
func Between(lo, hi float64) *Range { return &Range{Min: lo, Max: hi} }

// AtLeast is [lo, +Inf): at least lo, and finite.
func AtLeast(lo float64) *Range { return &Range{Min: lo, Max: math.Inf(1), MaxOpen: true} }

// Contains reports whether v lies in r (NaN never does).
func (r *Range) Contains(v float64) bool {
	lo := v > r.Min || !r.MinOpen && v == r.Min
	hi := v < r.Max || !r.MaxOpen && v == r.Max
	return lo && hi
}

// Column is a result column.
type Column struct {
	Name string
	Type Type
}

// TableFunc describes a table function: its signature, and Bind, which
// DuckDB calls while planning a statement. Bind parses and checks the
// arguments, may prepare (never run) a data query to learn its schema, and
// returns a Bound that knows the result columns. Nothing heavy happens in
// Bind: EXPLAIN, or a statement prepared and never run, does no work.
type TableFunc struct {
	Name  string
	Args  []Param
	Named []Param
	// Mutates marks a function that changes state (trains, drops or imports
	// a model). It is refused when called inside a data query.
	Mutates bool
	Bind    func(b *BindContext) (Bound, error)
}

// BindContext is what Bind gets.
type BindContext struct {
	Ctx  context.Context
	Host *Host
	// Func is the function being bound, so that a Bind set in the
	// function's own declaration reaches its parameters and name.
	Func *TableFunc
	// ConnID is the id of the connection the statement runs on.
	ConnID uint64
	// Args holds the positional arguments: nil (NULL), bool, int64, float64,
	// string or []any.
	Args []any
	// Named holds the named arguments that were given, same value types.
	Named map[string]any
	// ArgTypes and NamedTypes hold the SQL types of the given values
	// (parameters are declared ANY), for error messages.
	ArgTypes   []string
	NamedTypes map[string]string
	// SearchPath is the calling connection's search_path setting ("" when
	// it is the default), which reflects USE.
	SearchPath string
}

// Bound is a bound call. Columns fixes the result schema. Start is called
// once per execution of the statement (a prepared statement run twice starts
// twice) with the caller's context; Close when DuckDB drops the bound call.
type Bound interface {
	Columns() []Column
	Start(ctx context.Context) (Execution, error)
	Close() error
}

// Cardinalizer may be implemented by a Bound that knows how many rows it
// returns; it helps DuckDB's planner.
type Cardinalizer interface {
	Cardinality() (rows uint64, exact bool)
}

// Execution produces the result of one execution. Fill writes the next chunk
// into out and sets its length; a chunk of length 0 ends the result. Fill is
// called from at most Threads() DuckDB threads at once. Close is called when
// the execution ends, whether it ran to the end, failed, or was abandoned
// (e.g. by LIMIT).
type Execution interface {
	Threads() int
	Fill(ctx context.Context, out *Output) error
	Close() error
}
