package pushdown

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/features"
)

// Fn is the name errors carry by default: train_perceptron's (Spec.Fn
// names another function, segment).
const Fn = "train_perceptron"

// Runner runs one query in the engine and returns its rows, every value
// as text (nil for NULL). An error is the engine's; Runner's caller names
// the query's purpose. It must stop the query when ctx is done.
type Runner interface {
	Query(ctx context.Context, query string) ([][]*string, error)
}

// Spec is what the pushed-down plan trains on.
type Spec struct {
	// Fn is the SQL function the plan serves, which its errors name
	// (default Fn).
	Fn      string
	Dialect Dialect
	// Table is the table's name in the engine (schema.table allowed),
	// quoted as an identifier.
	Table string
	// Where is an optional filter pushed into every query, the user's
	// SQL run with their engine rights. It may not contain ';'.
	Where string
	// Validation is an optional condition that holds for the validation
	// rows; the others train.
	Validation string
	// Label is the label column; "" for none (a segmentation).
	Label string
	// Binary is true when task := 'binary' was given: a floating-point
	// label then trains (task 'auto' would make it a regression, which
	// the engine plan does not train).
	Binary bool
	// Positive is the positive class as text (nil: local training's
	// rule).
	Positive *string
	// Features are the feature columns; without them, every column but
	// the label and Exclude, which must then be given: identifier-like
	// columns are not detected in the engine, so the columns are named.
	Features, Exclude []string
	// Exact sums (the default in SQL); false sums doubles.
	Exact bool
	// MaxLevels is features.FitOptions.MaxLevels (0: its default).
	MaxLevels int
	// ExactEdgeRows is the most rows whose quantile edges (the
	// statistics' deciles) ClickHouse computes from every row; above,
	// they come from a deterministic sample of about that many rows
	// (EdgeSample). 0: DefaultExactEdgeRows.
	ExactEdgeRows int64
	// Distance fits the encoder of a distance-based model (segment):
	// features.FitOptions.Distance, no NULL indicators and one-hot
	// inputs of 1/√2.
	Distance bool
}

// column is a resolved column of the table.
type column struct {
	name, typ, kind string
	float           bool   // NaN and ±Inf rows are skipped
	arrow           string // the Arrow type name documents store
}

// Plan is a checked Spec: the resolved columns and the SQL text of the
// filters. Its ClickHouse queries aggregate over the table directly (FROM
// <table> WHERE ...), never over a subquery wrapping it: on a Distributed
// table a wrapper would move every row to the initiator. DuckDB's
// loss+gradient and validation queries read a projection of the rows
// (see rowTerms).
type Plan struct {
	fn       string
	s        Spec
	r        Runner
	d        Dialect
	label    column
	feats    []column
	base     string // the usable rows: label not NULL, finite doubles, Where
	usable   string // base less Where ("" when every row is usable)
	where    string // Where in parentheses, or 1 = 1
	from     string
	y        string // the label as 0/1 (1: the positive class), set by FitPass
	maxLevel int
	queries  int // queries run
}

// CheckWhere refuses a filter text of argument arg of function fn with a
// ';' (one statement only reaches the engine).
func CheckWhere(fn, arg, text string) error {
	if strings.Contains(text, ";") {
		return dserr.Arg(fn, arg, "may not contain ';': it is one SQL condition pushed into the engine's queries")
	}
	return nil
}

// NewPlan resolves spec's label and features against the table's columns
// (ColumnsSQL, run by r) and checks the filters.
func NewPlan(ctx context.Context, r Runner, spec Spec) (*Plan, error) {
	d := spec.Dialect
	fn := spec.Fn
	if fn == "" {
		fn = Fn
	}
	if d.Dialect == "" {
		return nil, dserr.Arg(fn, "engine", "no dialect")
	}
	if err := CheckWhere(fn, "where", spec.Where); err != nil {
		return nil, err
	}
	if err := CheckWhere(fn, "validation", spec.Validation); err != nil {
		return nil, err
	}
	if len(spec.Features) == 0 && len(spec.Exclude) == 0 {
		return nil, dserr.Arg(fn, "features", "required with engine (or exclude): name the feature columns, or the columns to leave out; "+
			"identifier-like columns are not detected in the engine as local %s detects them", localWhat(spec))
	}
	rows, err := r.Query(ctx, d.ColumnsSQL(spec.Table))
	if err != nil {
		return nil, engineErr(ctx, fn, "data", "listing the table's columns", err)
	}
	if len(rows) == 0 {
		return nil, dserr.Arg(fn, "data", "table %q does not exist in the engine (%s); with engine := data is the name of a table there", spec.Table, d.Name())
	}
	cols := make([]column, 0, len(rows))
	fields := make([]arrow.Field, 0, len(rows))
	for _, row := range rows {
		if len(row) < 2 || row[0] == nil || row[1] == nil {
			return nil, dserr.New(dserr.Internal, fn, "data", "unreadable column list")
		}
		c := column{name: *row[0], typ: *row[1]}
		if generatedName(c.name) {
			return nil, dserr.Arg(fn, "data", "table %q has a column %q: names beginning ds__ or ducksight_ are the generated queries' own "+
				"(a column of that name would stand for one of their terms); rename it, or give a view without it", spec.Table, c.name)
		}
		c.kind, c.float, c.arrow = d.typeOf(c.typ)
		cols = append(cols, c)
		fields = append(fields, arrow.Field{Name: c.name, Type: arrow.Null, Nullable: true})
	}
	// The columns are chosen as local training chooses them (less its
	// identifier detection).
	schema := arrow.NewSchema(fields, nil)
	sel := features.Selection{Label: spec.Label, Features: spec.Features, Exclude: spec.Exclude}
	label, names, _, err := sel.Choose(schema)
	if err != nil {
		return nil, dserr.Wrap(dserr.InvalidArgument, fn, "", err)
	}
	p := &Plan{fn: fn, s: spec, r: r, d: d, from: d.Table(spec.Table), maxLevel: spec.MaxLevels}
	if label >= 0 {
		p.label = cols[label]
	}
	if p.maxLevel == 0 {
		p.maxLevel = features.DefaultMaxLevels
	}
	switch {
	case spec.Label == "":
	case p.label.kind == "":
		return nil, dserr.Arg(fn, "label", "column %q of type %s: the engine plan trains binary classifiers of a BOOLEAN, integer or text label", p.label.name, p.label.typ)
	case (p.label.float || strings.HasPrefix(p.label.arrow, "decimal")) && !spec.Binary:
		return nil, dserr.Arg(fn, "label", "column %q is of type %s: task 'auto' would train a regression, which the engine plan does not; give task := 'binary' if it holds two classes", p.label.name, p.label.typ)
	}
	for _, name := range names {
		c := cols[features.ColumnIndex(schema, name)]
		if c.kind == "" {
			arg := "features"
			if len(spec.Features) == 0 {
				arg = "exclude"
			}
			return nil, dserr.Arg(fn, arg, "column %q of type %s: the engine plan encodes numbers, booleans and text (leave it out with exclude, or name the features)", c.name, c.typ)
		}
		p.feats = append(p.feats, c)
	}
	var conds []string
	if spec.Label != "" {
		conds = append(conds, d.Ident(p.label.name)+" IS NOT NULL")
		if p.label.float {
			conds = append(conds, d.Finite(d.Ident(p.label.name)))
		}
	}
	for _, c := range p.feats {
		if c.float {
			q := d.Ident(c.name)
			conds = append(conds, "("+q+" IS NULL OR "+d.Finite(q)+")")
		}
	}
	p.usable = strings.Join(conds, " AND ")
	p.where = "1 = 1"
	if strings.TrimSpace(spec.Where) != "" {
		p.where = "(" + spec.Where + ")"
		conds = append(conds, p.where)
	}
	if len(conds) == 0 {
		conds = append(conds, p.where)
	}
	p.base = strings.Join(conds, " AND ")
	return p, nil
}

// generatedName is true for a name the generated queries give their own
// terms (ducksight_x1, ducksight_y, ...; sqlgen's ds__x, ds__o, ...), in
// any case: engines resolve identifiers without case (ClickHouse's
// aliases, DuckDB's columns).
func generatedName(name string) bool {
	n := strings.ToLower(name)
	return strings.HasPrefix(n, "ds__") || strings.HasPrefix(n, "ducksight_")
}

// localWhat is what runs locally instead of the plan, for messages.
func localWhat(spec Spec) string {
	if spec.Label == "" {
		return "segmentation"
	}
	return "training"
}

// HeldOutSQL is the query of the validation rows of a training on table
// with conditions where (may be empty) and validation, in dialect d.
func HeldOutSQL(d Dialect, table, where, validation string) string {
	cond := "(" + validation + ")"
	if strings.TrimSpace(where) != "" {
		cond = "(" + where + ") AND " + cond
	}
	return "SELECT * FROM " + d.Table(table) + " WHERE " + cond
}

// engineErr is an engine's error in a query of argument arg; after ctx
// is done, the cancellation whatever the engine said.
func engineErr(ctx context.Context, fn, arg, what string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return dserr.Cancel(fn, "", cerr)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return dserr.Cancel(fn, "", err)
	}
	return dserr.Arg(fn, arg, "the engine refused the query %s: %v", what, err)
}

// query is SELECT cols FROM table WHERE cond [GROUP BY/ORDER BY/LIMIT tail].
func (p *Plan) query(cols []string, cond, tail string) string {
	q := "SELECT " + strings.Join(cols, ", ") + " FROM " + p.from + " WHERE " + cond
	if tail != "" {
		q += " " + tail
	}
	return q
}

// trainCond and validCond split the usable rows.
func (p *Plan) trainCond() string {
	if strings.TrimSpace(p.s.Validation) == "" {
		return p.base
	}
	return p.base + " AND NOT (" + p.s.Validation + ")"
}

func (p *Plan) validCond() string { return p.base + " AND (" + p.s.Validation + ")" }

// run runs q for argument arg (whose text reached it), what says why.
func (p *Plan) run(ctx context.Context, arg, what, q string) ([][]*string, error) {
	p.queries++
	rows, err := p.r.Query(ctx, q)
	if err != nil {
		return nil, engineErr(ctx, p.fn, arg, what, err)
	}
	return rows, nil
}

// Fit is the fit pass's outcome.
type Fit struct {
	Rows, TrainRows, ValidRows int64
	// Skipped are the rows of the table under Where that no query uses:
	// a NULL label, a NaN or infinite float (local training's
	// rows_skipped).
	Skipped        int64
	TrainPositives int64 // training rows of the positive class
	Label          features.LabelEncoding
	Encoder        *features.Encoder
	Statistics     features.Statistics
	Dropped        []features.Dropped
	// Fingerprint is a hash of the exact column sums (with Rows, the
	// model's data fingerprint).
	Fingerprint uint64
	bound       []float64 // per input: the largest absolute encoded value
	inputs      []string  // per input: its SQL expression
	absMax      []float64 // per encoder column: a numeric column's largest absolute value
}

func num(v *string) float64 {
	if v == nil {
		return math.NaN()
	}
	f, err := strconv.ParseFloat(*v, 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

func count(v *string) int64 {
	if v == nil {
		return 0
	}
	n, _ := strconv.ParseInt(*v, 10, 64)
	return n
}
