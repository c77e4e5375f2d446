package pushdown

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/perceptron"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
)

// fakeRunner answers the plan's queries with made-up aggregates of the
// right shape (one value per column of the query) and records every query.
type fakeRunner struct {
	columns [][2]string
	queries []string
}

func (r *fakeRunner) Query(_ context.Context, q string) ([][]*string, error) {
	r.queries = append(r.queries, q)
	rows := func(vals ...[]string) [][]*string {
		out := make([][]*string, len(vals))
		for i, row := range vals {
			for _, v := range row {
				out[i] = append(out[i], &v)
			}
		}
		return out
	}
	switch {
	case strings.Contains(q, "system.columns") || strings.Contains(q, "information_schema.columns"):
		var out [][]string
		for _, c := range r.columns {
			out = append(out, []string{c[0], c[1]})
		}
		return rows(out...), nil
	case strings.Contains(q, "GROUP BY ducksight_score_bin, ducksight_hit"): // evaluate's
		return rows([]string{"10", "0", "5", "2", "3000", "100"}, []string{"40000", "1", "15", "10", "5000", "200"}), nil
	case strings.Contains(q, "GROUP BY ducksight_score_bin"):
		return rows([]string{"10", "5", "2"}, []string{"40000", "5", "3"}), nil
	case strings.Contains(q, "GROUP BY") && strings.Contains(q, "LIMIT 3"): // the label's classes
		return rows([]string{"0", "60"}, []string{"1", "40"}), nil
	case strings.Contains(q, "GROUP BY ducksight_usable"): // the first counts
		usable, skipped := aggregates(q), aggregates(q)
		usable[0], skipped[0], skipped[1] = "1", "0", "7"
		return rows(usable, skipped), nil
	case strings.Contains(q, "GROUP BY"): // a categorical column's levels
		return rows([]string{"red", "30"}, []string{"blue", "20"}, []string{"green", "10"}), nil
	}
	return rows(aggregates(q)), nil
}

// aggregates is a made-up row of q's aggregates, one value per column.
func aggregates(q string) []string {
	var row []string
	for _, c := range selectList(q) {
		switch {
		case strings.HasPrefix(c, "count(") && strings.Contains(q, "AND (holdout = 1)"):
			row = append(row, "20") // the validation rows
		case strings.HasPrefix(c, "count("):
			row = append(row, "100")
		case strings.Contains(c, "(min("):
			row = append(row, "0")
		case strings.Contains(c, "(max("):
			row = append(row, "10")
		case strings.Contains(c, "quantile"):
			row = append(row, "[0,1,2,3,4,5,6,7,8,9,10]")
		case c == "0":
			row = append(row, "0")
		default:
			row = append(row, "1250")
		}
	}
	return row
}

// selectList splits the outer SELECT list of q at its top-level commas.
func selectList(q string) []string {
	q = strings.TrimPrefix(q, "SELECT ")
	var out []string
	depth, start, quote := 0, 0, byte(0)
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '`' || c == '"':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		case depth == 0 && c == ',':
			out = append(out, strings.TrimSpace(q[start:i]))
			start = i + 1
		case depth == 0 && strings.HasPrefix(q[i:], " FROM "):
			return append(out, strings.TrimSpace(q[start:i]))
		}
	}
	return append(out, strings.TrimSpace(q[start:]))
}

// outside returns q with its string literals and quoted identifiers
// blanked, so that keywords are found only in the SQL itself.
func outside(q string) string {
	b := []byte(q)
	quote := byte(0)
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0:
			if c == '\\' && i+1 < len(b) {
				b[i], b[i+1] = ' ', ' '
				i++
				continue
			}
			if c == quote {
				quote = 0
			} else {
				b[i] = ' '
			}
		case c == '\'' || c == '`' || c == '"':
			quote = c
		}
	}
	return string(b)
}

// planQueries runs every query generator of a plan on table tbl of
// dialect d (the fit pass, a loss+gradient evaluation, the validation
// queries) with where and validation conditions, and returns the queries.
func planQueries(t *testing.T, d Dialect, tbl string, cols [][2]string, feats []string) []string {
	t.Helper()
	r := &fakeRunner{columns: cols}
	ctx := context.Background()
	p, err := NewPlan(ctx, r, Spec{Dialect: d, Table: tbl, Where: "b > 0", Validation: "holdout = 1", Label: "y", Features: feats, Exact: true})
	if err != nil {
		t.Fatal(err)
	}
	f, err := p.FitPass(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w := make([]float64, f.Encoder.Width+1)
	for i := range w {
		w[i] = 0.25 * float64(i+1)
	}
	q, _, err := p.LossGradSQL(f, w, p.trainCond(), f.TrainRows)
	if err != nil {
		t.Fatal(err)
	}
	r.queries = append(r.queries, q)
	if _, _, err := p.Validate(ctx, f, w); err != nil {
		t.Fatal(err)
	}
	if f.Skipped != 7 || f.Rows != 100 {
		t.Errorf("rows %d, skipped %d: want the usable group's 100 and the other's 7", f.Rows, f.Skipped)
	}
	// evaluate(model, NULL)'s query, of a model with these parameters.
	m, err := perceptron.New(perceptron.Config{Task: task.Binary, Inputs: f.Encoder.Width, Classes: 2, LearningRate: training.DefaultLearningRate})
	if err != nil {
		t.Fatal(err)
	}
	copy(m.Layers[0].W, w[:len(w)-1])
	m.Layers[0].B[0] = w[len(w)-1]
	doc := &training.Document{Task: task.Binary, Label: f.Label, Encoder: *f.Encoder, Network: *m, Metrics: training.Metrics{ValidRows: f.ValidRows}}
	b, err := Evaluate(ctx, p, doc, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if b.TP != 10 || b.FP != 5 || b.FN != 2 || b.TN != 3 || b.Pos[10] != 2 || b.Neg[40000] != 5 {
		t.Errorf("evaluate's counts %+v", b)
	}
	return r.queries
}

var testColumns = [][2]string{{"id", "Int64"}, {"a", "Nullable(Float64)"}, {"b", "Int32"}, {"c", "Nullable(String)"}, {"d", "UInt8"}, {"y", "UInt8"}, {"holdout", "UInt8"}}

// aliasDef finds a ClickHouse expression alias's definition.
var aliasDef = regexp.MustCompile(`\) AS (ducksight_\w+)\)`)

// Every query the plan sends to ClickHouse aggregates over the table
// itself: SELECT ... FROM <table> WHERE ..., no subquery anywhere, so a
// Distributed table's shards aggregate their own rows and only aggregates
// reach the initiator; each per-row term is defined once. The one other
// query lists the table's columns.
func TestClickHouseQueriesAreFlat(t *testing.T) {
	queries := planQueries(t, ClickHouse, "analytics.events_dist", testColumns, []string{"a", "b", "c", "d"})
	from := " FROM `analytics`.`events_dist` WHERE "
	kinds := map[string]int{}
	for _, q := range queries {
		if strings.Contains(q, " FROM system.columns ") {
			kinds["columns"]++
			continue
		}
		sql := outside(q)
		// evaluate's query binds a row's scores with an ARRAY JOIN (no
		// subquery) before its WHERE.
		evaluate := regexp.MustCompile(" FROM `analytics`.`events_dist` ARRAY JOIN \\[(?s:.*)\\] AS ds__o WHERE ").MatchString(q)
		if evaluate {
			kinds["evaluate"]++
		}
		if !strings.HasPrefix(sql, "SELECT ") || strings.Count(sql, " FROM ") != 1 || !strings.Contains(q, from) && !evaluate || strings.Count(sql, "SELECT") != 1 {
			t.Errorf("not one aggregate over the table:\n%s", q)
		}
		defs := map[string]int{}
		for _, m := range aliasDef.FindAllStringSubmatch(q, -1) {
			if defs[m[1]]++; defs[m[1]] == 2 {
				t.Errorf("%s defined twice:\n%s", m[1], q)
			}
		}
		if strings.Contains(q, "ducksight_x1") {
			kinds["terms"]++
		} else {
			kinds["fit"]++
		}
	}
	if kinds["columns"] != 1 || kinds["fit"] < 7 || kinds["terms"] != 3 || kinds["evaluate"] != 1 {
		t.Errorf("queries checked: %v", kinds)
	}
}

// In DuckDB the per-row terms are a projection of the table's rows, one
// level deep; every other query is flat.
func TestDuckDBQueries(t *testing.T) {
	cols := [][2]string{{"id", "BIGINT"}, {"a", "DOUBLE"}, {"b", "INTEGER"}, {"c", "VARCHAR"}, {"d", "BOOLEAN"}, {"y", "INTEGER"}, {"holdout", "BOOLEAN"}}
	queries := planQueries(t, DuckDB, "events", cols, []string{"a", "b", "c", "d"})
	projection := regexp.MustCompile(`^SELECT .* FROM \(SELECT .* FROM "events" WHERE .*\) AS ducksight_rows( GROUP BY ducksight_score_bin)?$`)
	for _, q := range queries[1:] {
		sql := outside(q)
		switch strings.Count(sql, "SELECT") {
		case 1:
			if !strings.Contains(q, ` FROM "events" WHERE `) {
				t.Errorf("not an aggregate over the table:\n%s", q)
			}
		case 2:
			if !projection.MatchString(q) {
				t.Errorf("not an aggregate over a projection of the table:\n%s", q)
			}
		default:
			// evaluate's: the stages of model_sql's statement, each a
			// projection of the one before, over the table's rows.
			if !strings.HasSuffix(q, ` GROUP BY ducksight_score_bin, ducksight_hit`) || !strings.Contains(q, ` FROM "events" WHERE `) {
				t.Errorf("nested deeper:\n%s", q)
			}
		}
	}
}

// The text of a loss+gradient query grows linearly with the inputs: each
// per-row term is written once.
func TestQueryTextLinear(t *testing.T) {
	for _, d := range []Dialect{DuckDB, ClickHouse} {
		size := func(n int) int {
			cols := [][2]string{{"y", "UInt8"}}
			var feats []string
			for i := range n {
				cols = append(cols, [2]string{fmt.Sprintf("x%d", i), "Float64"})
				feats = append(feats, fmt.Sprintf("x%d", i))
			}
			qs := planQueries(t, d, "t", cols, feats)
			for _, q := range qs {
				if strings.Contains(q, "ducksight_r") {
					return len(q)
				}
			}
			t.Fatal("no loss+gradient query")
			return 0
		}
		small, large := size(10), size(40)
		if ratio := float64(large) / float64(small); ratio > 4.4 {
			t.Errorf("%s: 4x the inputs, %.2fx the text (%d, %d)", d.Name(), ratio, small, large)
		}
	}
}

// Scale keeps rows * 10^scale * (bound+1) under 10^37, at most MaxScale.
func TestScale(t *testing.T) {
	for _, c := range []struct {
		rows  int64
		bound float64
		want  int
		ok    bool
	}{
		{1000, 1, 18, true},
		{1000, 7, 18, true},
		{1000, 8, 17, true}, // 9e18 is too large a term
		{1_000_000_000, 10, 17, true},
		{1_000_000_000, 1e12, 6, true},
		{10, 1e19, 0, false},
		{1, math.Inf(1), 0, false},
	} {
		s, ok := Scale(c.rows, c.bound)
		if ok != c.ok || (ok && s != c.want) {
			t.Errorf("Scale(%d, %g) = %d, %v; want %d, %v", c.rows, c.bound, s, ok, c.want, c.ok)
		}
		if ok {
			if digits := math.Log10(float64(c.rows)*(c.bound+1)) + float64(s); digits > 37 {
				t.Errorf("Scale(%d, %g) = %d: %.1f digits", c.rows, c.bound, s, digits)
			}
			if term := (c.bound + 1) * math.Pow10(s); term >= math.MaxInt64 {
				t.Errorf("Scale(%d, %g) = %d: a term of %g", c.rows, c.bound, s, term)
			}
		}
	}
}

// ParseSum reads both engines' exact sums to the same double; a NULL sum
// is 0.
func TestParseSum(t *testing.T) {
	duck, ch := "-1234567890123456789012", "-1234.567890123456789012"
	a, err := DuckDB.ParseSum(&duck, 18, true)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ClickHouse.ParseSum(&ch, 18, true)
	if err != nil {
		t.Fatal(err)
	}
	if a != b || a != -1234.567890123456789012 {
		t.Errorf("DuckDB %v, ClickHouse %v", a, b)
	}
	ra, _ := DuckDB.parseExact(&duck, 18)
	rb, _ := ClickHouse.parseExact(&ch, 18)
	if ra.Cmp(rb) != 0 {
		t.Errorf("exact values differ: %v, %v", ra, rb)
	}
	if v, err := DuckDB.ParseSum(nil, 18, true); v != 0 || err != nil {
		t.Errorf("NULL: %v, %v", v, err)
	}
	bad := "1.2.3"
	if _, err := ClickHouse.ParseSum(&bad, 3, true); err == nil {
		t.Error("unreadable sum accepted")
	}
}

// The engines' column types map to the kinds and Arrow types local
// training gives the same data in DuckDB.
func TestTypeOf(t *testing.T) {
	for _, c := range []struct {
		typ, kind, arrow string
		float            bool
	}{
		{"Nullable(Float64)", features.KindNumeric, "float64", true},
		{"LowCardinality(Nullable(String))", features.KindCategorical, "utf8", false},
		{"UInt8", features.KindNumeric, "uint8", false},
		{"Decimal(18, 4)", features.KindNumeric, "decimal(18, 4)", false},
		{"Decimal64(4)", features.KindNumeric, "decimal(18, 4)", false},
		{"BOOLEAN", features.KindBoolean, "bool", false},
		{"INTEGER", features.KindNumeric, "int32", false},
		{"Enum8('a' = 1, 'b' = 2)", features.KindCategorical, "utf8", false},
		{"DATE", "", "", false},
		{"Array(Int32)", "", "", false},
	} {
		kind, float, arrow := ClickHouse.typeOf(c.typ)
		if kind != c.kind || float != c.float || arrow != c.arrow {
			t.Errorf("%s: %q %v %q, want %q %v %q", c.typ, kind, float, arrow, c.kind, c.float, c.arrow)
		}
	}
}

// ColumnsSQL quotes the names as string literals of the dialect.
func TestColumnsSQL(t *testing.T) {
	for _, c := range []struct {
		d     Dialect
		table string
		want  string
	}{
		{ClickHouse, "t", "SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = 't'"},
		{ClickHouse, "db.it's", `SELECT name, type FROM system.columns WHERE database = 'db' AND table = 'it\'s'`},
		{DuckDB, "s.t", "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 't' AND table_schema = 's' AND table_catalog = current_database() ORDER BY ordinal_position"},
	} {
		if got := c.d.ColumnsSQL(c.table); got != c.want {
			t.Errorf("%s %q:\n got %s\nwant %s", c.d.Name(), c.table, got, c.want)
		}
	}
}
