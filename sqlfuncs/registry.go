//go:build duckdb_arrow

package sqlfuncs

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// Function is one registry entry: a table function (Table) or a scalar
// function (Scalar).
type Function struct {
	Name    string
	Summary string      // one line, for .functions
	Columns []ColumnDoc // result columns (a scalar's one result); pass-through functions add the input's first
	// EngineColumns are the result columns with engine :=, when they are
	// not Columns (segment's one row per segment).
	EngineColumns []ColumnDoc
	Example       string
	Table         *udf.TableFunc
	Scalar        *udf.ScalarFunc
}

// ColumnDoc documents a result column.
type ColumnDoc struct {
	Name, Type, Doc string
}

// The parameters most functions take, declared once: every function that
// takes a model name, a data argument or a model version uses these (a
// function whose model or data argument means something narrower says so
// with withDoc, keeping the name and type).
var (
	modelParam   = udf.Param{Name: "model", Type: udf.Varchar, Doc: "model name"}
	dataParam    = udf.Param{Name: "data", Type: udf.Varchar, Doc: "a table, view or quoted file name, or one SELECT query (see The data argument)"}
	versionParam = udf.Param{Name: "version", Type: udf.Integer, Doc: "model version", DefaultDoc: "the latest", Range: udf.AtLeast(1)}
	// evalDataParam is the data argument of the evaluation functions.
	evalDataParam = withDoc(dataParam, evalDataDoc)
)

// evalDataDoc is the evaluation functions' data argument's doc.
const evalDataDoc = "a table, view or quoted file name, or one SELECT query, with the label column; NULL: the model's own held-out rows (see Held-out evaluation)"

// withDoc is p with a function's own one-line doc.
func withDoc(p udf.Param, doc string) udf.Param {
	p.Doc = doc
	return p
}

// registry is the table of every ducksight SQL function, in the order
// docs list them.
var registry = []*Function{
	demoCustomers,
	profileFn,
	splitFn,
	trainPerceptron,
	trainBoostedTrees,
	crossValidateFn,
	tuneFn,
	trialInfoFn,
	predictFn,
	scoreFn,
	scoreLabelFn,
	segmentFn,
	segmentProfileFn,
	segmentQualityFn,
	segmentKScoresFn,
	evaluateFn,
	confusionMatrixFn,
	rocCurveFn,
	liftFn,
	calibrationFn,
	fairnessFn,
	thresholdFn,
	featureImportanceFn,
	explainFn,
	driftFn,
	whatIfFn,
	modelsFn,
	trainingInfoFn,
	treeRulesFn,
	modelSQLFn,
	dropModelFn,
	exportModelFn,
	importModelFn,
}

// Register registers every function in the database behind c (once per
// database instance; see udf.Attach) and returns the database's Host.
func Register(ctx context.Context, c *duckdb.Connector) (*udf.Host, error) {
	fns := make([]udf.Func, len(registry))
	for i, f := range registry {
		if f.Scalar != nil {
			fns[i] = f.Scalar
		} else {
			fns[i] = f.Table
		}
	}
	return udf.Attach(ctx, c, fns...)
}

// Doc describes a function for docs and the REPL.
type Doc struct {
	Name string
	Kind string // "table" or "scalar"
	// Signature is the call's one-line form, the same in docs/sql.md (each
	// section opens with it) and the REPL's .functions: positional
	// arguments with their types, an optional one in brackets, named ones
	// as name := TYPE, e.g. "predict(model VARCHAR, data VARCHAR,
	// threshold := DOUBLE, version := INTEGER)".
	Signature string
	Summary   string
	Args      []ArgDoc
	Columns   []ColumnDoc
	// EngineColumns are the result columns with engine := when they
	// differ (Function.EngineColumns).
	EngineColumns []ColumnDoc
	Example       string
}

// ArgDoc describes an argument, from its declaration (udf.Param).
type ArgDoc struct {
	Name  string
	Type  string
	Named bool
	// Optional marks a positional argument that may be left out (a scalar
	// function's overloads).
	Optional bool
	// Default is the value an absent argument stands for, as SQL text
	// ("0.5", "'relu'", "true", "[]"), or what it is when not a constant
	// ("the latest", "required").
	Default string
	// Range is what a given value may be: an interval ("[1, 100000]",
	// "(0, 10]", ">= 0") for a number (of each element, for a list), or
	// the accepted values ("'adam', 'sgd'"); "" when anything of the type
	// goes.
	Range string
	Doc   string
}

// Docs lists every function.
func Docs() []Doc {
	out := make([]Doc, 0, len(registry))
	for _, f := range registry {
		d := Doc{Name: f.Name, Kind: "table", Summary: f.Summary, Columns: f.Columns, EngineColumns: f.EngineColumns, Example: f.Example}
		if f.Scalar != nil {
			d.Kind = "scalar"
			sc := f.Scalar
			for i, p := range sc.Args {
				opt := i >= len(sc.Args)-1-sc.Optional && i < len(sc.Args)-1
				d.Args = append(d.Args, argDoc(p, false, opt))
			}
			out = append(out, d)
			continue
		}
		for _, p := range f.Table.Args {
			d.Args = append(d.Args, argDoc(p, false, false))
		}
		for _, p := range f.Table.Named {
			d.Args = append(d.Args, argDoc(p, true, false))
		}
		out = append(out, d)
	}
	for i := range out {
		out[i].Signature = signature(out[i])
	}
	return out
}

// argDoc documents a declared parameter.
func argDoc(p udf.Param, named, optional bool) ArgDoc {
	d := ArgDoc{Name: p.Name, Type: p.Type.String(), Named: named, Optional: optional, Doc: p.Doc,
		Default: p.DefaultDoc, Range: rangeDoc(p.Range, p.Type == udf.Double)}
	switch {
	case p.Default != nil:
		d.Default = sqlLiteral(p.Default)
	case d.Default == "" && !named:
		d.Default = "required"
	}
	if len(p.Choices) > 0 {
		q := make([]string, len(p.Choices))
		for i, c := range p.Choices {
			q[i] = sqlLiteral(c)
		}
		d.Range = strings.Join(q, ", ")
	}
	return d
}

// sqlLiteral writes a declared default as SQL text.
func sqlLiteral(v any) string {
	switch x := v.(type) {
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case float64:
		return number(x)
	case []string:
		q := make([]string, len(x))
		for i, s := range x {
			q[i] = sqlLiteral(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	case []float64:
		q := make([]string, len(x))
		for i, f := range x {
			q[i] = number(f)
		}
		return "[" + strings.Join(q, ", ") + "]"
	case []int:
		q := make([]string, len(x))
		for i, n := range x {
			q[i] = strconv.Itoa(n)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// number writes a bound or default: integers in full (100000, never 1e+05).
func number(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// rangeDoc writes r in interval notation ("[1, 100]", "(0, 10]", "[0, 1)"),
// or as a one-sided bound (">= 1"; a DOUBLE's says it must be finite); ""
// for nil.
func rangeDoc(r *udf.Range, double bool) string {
	if r == nil {
		return ""
	}
	hasLo, hasHi := !math.IsInf(r.Min, -1), !math.IsInf(r.Max, 1)
	if hasLo && hasHi {
		lb, rb := "[", "]"
		if r.MinOpen {
			lb = "("
		}
		if r.MaxOpen {
			rb = ")"
		}
		return lb + number(r.Min) + ", " + number(r.Max) + rb
	}
	var s string
	switch {
	case hasLo && r.MinOpen:
		s = "> " + number(r.Min)
	case hasLo:
		s = ">= " + number(r.Min)
	case hasHi && r.MaxOpen:
		s = "< " + number(r.Max)
	case hasHi:
		s = "<= " + number(r.Max)
	}
	if double && (r.MaxOpen && !hasHi || r.MinOpen && !hasLo) {
		s += ", finite"
	}
	return s
}

// signature formats d's call: the one place docs and .functions take it from.
func signature(d Doc) string {
	args := make([]string, len(d.Args))
	for i, a := range d.Args {
		switch {
		case a.Named:
			args[i] = a.Name + " := " + a.Type
		case a.Optional:
			args[i] = "[" + a.Name + " " + a.Type + "]"
		default:
			args[i] = a.Name + " " + a.Type
		}
	}
	return d.Name + "(" + strings.Join(args, ", ") + ")"
}

// envOf is the service environment of a call being bound: the database's
// host and the calling connection's search path.
func envOf(b *udf.BindContext) service.Env {
	return service.Env{Host: b.Host, SearchPath: b.SearchPath}
}
