package trees

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// spec is a node of a tree written by hand: a split on column f (x < th,
// or the codes cats left; missing left when dl) with children l and r, or
// a leaf (f < 0) with a value and a row count.
type spec struct {
	f     int
	th    float64
	cats  []int32
	dl    bool
	l, r  int
	value float64
	rows  int64
}

func split(f int, th float64, dl bool, l, r int) spec { return spec{f: f, th: th, dl: dl, l: l, r: r} }
func catSplit(f int, cats []int32, dl bool, l, r int) spec {
	return spec{f: f, cats: cats, dl: dl, l: l, r: r}
}
func leaf(value float64, rows int64) spec { return spec{f: -1, value: value, rows: rows} }

// build makes a Tree of specs; an internal node's rows and cover are its
// children's.
func build(specs ...spec) Tree {
	n := len(specs)
	t := Tree{
		Left: make([]int32, n), Right: make([]int32, n), Feature: make([]int32, n),
		Threshold: make([]float64, n), Categories: make([][]int32, n), DefaultLeft: make([]bool, n),
		Value: make([]float64, n), Cover: make([]float64, n), Rows: make([]int64, n), Gain: make([]float64, n),
	}
	for i := n - 1; i >= 0; i-- {
		s := specs[i]
		t.Feature[i] = int32(s.f)
		if s.f < 0 {
			t.Left[i], t.Right[i] = -1, -1
			t.Value[i], t.Rows[i], t.Cover[i] = s.value, s.rows, float64(s.rows)
			continue
		}
		t.Left[i], t.Right[i] = int32(s.l), int32(s.r)
		t.Threshold[i], t.Categories[i], t.DefaultLeft[i] = s.th, s.cats, s.dl
		t.Rows[i] = t.Rows[s.l] + t.Rows[s.r]
		t.Cover[i] = float64(t.Rows[i])
		t.Gain[i] = 1
	}
	return t
}

// customers is a model over columns of every kind rules render.
func customers(trees ...Tree) *Model {
	return &Model{
		Columns: []Column{
			{Name: "tenure_months", Kind: Numeric, Type: "int64"},                                                           // 0
			{Name: "income", Kind: Numeric, Type: "double"},                                                                 // 1
			{Name: "contract", Kind: Categorical, Type: "utf8", Levels: []string{"Month-to-month", "One year", "Two year"}}, // 2
			{Name: "signup_date", Kind: Numeric, Type: "date32"},                                                            // 3
			{Name: "paperless", Kind: Categorical, Type: "bool", Levels: []string{"false", "true"}},                         // 4
			{Name: "my col", Kind: Numeric, Type: "double"},                                                                 // 5
			{Name: "order", Kind: Categorical, Type: "utf8", Levels: []string{"it's", `say "hi"`}},                          // 6
			{Name: "last_seen", Kind: Numeric, Type: "timestamp[us]"},                                                       // 7
			{Name: "Score_2", Kind: Numeric, Type: "float"},                                                                 // 8
		},
		K: 1, Base: []float64{0}, Trees: trees,
	}
}

func checkRules(t *testing.T, m *Model, tree int, want []Rule) {
	t.Helper()
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	got, err := m.Rules(tree, RuleOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d rules, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("rule %d:\n got %+v\nwant %+v", i+1, got[i], want[i])
		}
	}
}

func TestRules(t *testing.T) {
	m := customers(build(
		split(0, 12.5, true, 1, 2), // 0: tenure_months < 12.5, NULL left
		split(0, 3.5, false, 3, 4), // 1: tenure_months < 3.5, NULL right
		split(1, 40000, false, 7, 8),
		leaf(-1, 10), // 3
		catSplit(2, []int32{0}, true, 5, 6),
		leaf(-0.5, 20),                 // 5
		leaf(0.25, 30),                 // 6
		split(3, 19447.5, true, 9, 10), // 7: signup_date < 2023-04-01
		catSplit(2, []int32{1, 2, 3}, false, 11, 12),
		leaf(1, 40), // 9
		leaf(2, 50), // 10
		catSplit(2, []int32{2}, true, 13, 14),
		catSplit(4, []int32{1}, false, 15, 16),
		leaf(3, 60), // 13
		leaf(4, 70), // 14
		leaf(5, 80), // 15
		leaf(6, 90), // 16
	))
	checkRules(t, m, 0, []Rule{
		{Leaf: 3, Rows: 10, Value: -1, Condition: "tenure_months < 3.5"},
		{Leaf: 5, Rows: 20, Value: -0.5, Condition: "((tenure_months >= 3.5 AND tenure_months < 12.5) OR tenure_months IS NULL) AND " +
			"(contract = 'Month-to-month' OR contract IS NULL)"},
		{Leaf: 6, Rows: 30, Value: 0.25, Condition: "((tenure_months >= 3.5 AND tenure_months < 12.5) OR tenure_months IS NULL) AND " +
			"contract <> 'Month-to-month'"},
		{Leaf: 9, Rows: 40, Value: 1, Condition: "tenure_months >= 12.5 AND income < 40000 AND " +
			"(signup_date < DATE '2023-04-01' OR signup_date IS NULL)"},
		{Leaf: 10, Rows: 50, Value: 2, Condition: "tenure_months >= 12.5 AND income < 40000 AND signup_date >= DATE '2023-04-01'"},
		{Leaf: 13, Rows: 60, Value: 3, Condition: "tenure_months >= 12.5 AND (income >= 40000 OR income IS NULL) AND contract = 'Two year'"},
		{Leaf: 14, Rows: 70, Value: 4, Condition: "tenure_months >= 12.5 AND (income >= 40000 OR income IS NULL) AND " +
			"contract NOT IN ('Month-to-month', 'Two year')"},
		{Leaf: 15, Rows: 80, Value: 5, Condition: "tenure_months >= 12.5 AND (income >= 40000 OR income IS NULL) AND " +
			"(contract = 'Month-to-month' OR contract IS NULL) AND paperless = true"},
		{Leaf: 16, Rows: 90, Value: 6, Condition: "tenure_months >= 12.5 AND (income >= 40000 OR income IS NULL) AND " +
			"(contract = 'Month-to-month' OR contract IS NULL) AND (paperless = false OR paperless IS NULL)"},
	})
}

// Columns without a missing value in training say nothing about NULL:
// TestRules's tree with tenure_months, contract and paperless marked so,
// income and signup_date not; a path only missing values of a marked
// column could take is FALSE, and IS NOT NULL is not said of it either.
func TestRulesNoMissing(t *testing.T) {
	m := customers(build(
		split(0, 12.5, true, 1, 2),
		split(0, 3.5, false, 3, 4),
		split(1, 40000, false, 7, 8),
		leaf(-1, 10),
		catSplit(2, []int32{0}, true, 5, 6),
		leaf(-0.5, 20),
		leaf(0.25, 30),
		split(3, 19447.5, true, 9, 10),
		catSplit(2, []int32{1, 2, 3}, false, 11, 12),
		leaf(1, 40),
		leaf(2, 50),
		catSplit(2, []int32{2}, true, 13, 14),
		catSplit(4, []int32{1}, false, 15, 16),
		leaf(3, 60),
		leaf(4, 70),
		leaf(5, 80),
		leaf(6, 90),
	))
	noMissing := make([]bool, len(m.Columns))
	noMissing[0], noMissing[2], noMissing[4] = true, true, true
	got, err := m.Rules(0, RuleOptions{NoMissing: noMissing})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"tenure_months < 3.5",
		"tenure_months >= 3.5 AND tenure_months < 12.5 AND contract = 'Month-to-month'",
		"tenure_months >= 3.5 AND tenure_months < 12.5 AND contract <> 'Month-to-month'",
		"tenure_months >= 12.5 AND income < 40000 AND (signup_date < DATE '2023-04-01' OR signup_date IS NULL)",
		"tenure_months >= 12.5 AND income < 40000 AND signup_date >= DATE '2023-04-01'",
		"tenure_months >= 12.5 AND (income >= 40000 OR income IS NULL) AND contract = 'Two year'",
		"tenure_months >= 12.5 AND (income >= 40000 OR income IS NULL) AND contract NOT IN ('Month-to-month', 'Two year')",
		"tenure_months >= 12.5 AND (income >= 40000 OR income IS NULL) AND contract = 'Month-to-month' AND paperless = true",
		"tenure_months >= 12.5 AND (income >= 40000 OR income IS NULL) AND contract = 'Month-to-month' AND paperless = false",
	}
	if len(got) != len(want) {
		t.Fatalf("%d rules, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Condition != want[i] {
			t.Errorf("rule %d:\n got %s\nwant %s", i+1, got[i].Condition, want[i])
		}
	}
	// Every code goes left, only a missing contract right.
	m = customers(build(
		catSplit(2, []int32{0, 1, 2, 3}, false, 1, 2),
		leaf(1, 0),
		leaf(2, 5),
	))
	got, err = m.Rules(0, RuleOptions{NoMissing: noMissing})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Condition != "TRUE" || got[1].Condition != "FALSE" {
		t.Errorf("rules %q and %q, want TRUE and FALSE", got[0].Condition, got[1].Condition)
	}
	if _, err := m.Rules(0, RuleOptions{NoMissing: noMissing[:2]}); err == nil {
		t.Error("NoMissing of the wrong length accepted")
	}
}

// TestRulesMissingOnly checks paths that only missing values, or nothing,
// can take, and splits that only separate missing values.
func TestRulesMissingOnly(t *testing.T) {
	m := customers(build(
		split(1, 3, true, 1, 2), // income < 3, NULL left
		split(1, 5, false, 3, 4),
		catSplit(4, []int32{0, 1}, false, 5, 6), // every level left, NULL right
		leaf(1, 1),
		leaf(2, 2),
		catSplit(2, []int32{0, 1, 2, 3}, true, 7, 8), // every code left, NULL too
		leaf(4, 4),
		leaf(5, 5),
		split(1, 7, false, 9, 10), // the contract's empty side
		leaf(6, 6),
		leaf(7, 7),
	))
	checkRules(t, m, 0, []Rule{
		{Leaf: 3, Rows: 1, Value: 1, Condition: "income < 3"},
		{Leaf: 4, Rows: 2, Value: 2, Condition: "income IS NULL"}, // income < 3 and >= 5: only NULL
		{Leaf: 7, Rows: 5, Value: 5, Condition: "income >= 3 AND paperless IS NOT NULL"},
		// No contract code goes right, and NULL went left.
		{Leaf: 9, Rows: 6, Value: 6, Condition: "income >= 3 AND income < 7 AND paperless IS NOT NULL AND FALSE"},
		{Leaf: 10, Rows: 7, Value: 7, Condition: "income >= 7 AND paperless IS NOT NULL AND FALSE"},
		{Leaf: 6, Rows: 4, Value: 4, Condition: "income >= 3 AND paperless IS NULL"},
	})
}

// TestRulesQuoting checks identifiers and literals that need quotes, and
// timestamps.
func TestRulesQuoting(t *testing.T) {
	m := customers(
		build(
			split(5, -2.25, false, 1, 2),
			catSplit(6, []int32{0, 1}, false, 3, 4),
			split(7, 1680307200e6-0.5, false, 5, 6),
			leaf(1, 1),
			leaf(2, 2),
			leaf(3, 3),
			split(8, 1.5e-7, true, 7, 8),
			leaf(4, 4),
			leaf(5, 5),
		),
		build(leaf(9, 100)),
	)
	checkRules(t, m, 0, []Rule{
		{Leaf: 3, Rows: 1, Value: 1, Condition: `"my col" < -2.25 AND "order" IN ('it''s', 'say "hi"')`},
		{Leaf: 4, Rows: 2, Value: 2, Condition: `"my col" < -2.25 AND ("order" NOT IN ('it''s', 'say "hi"') OR "order" IS NULL)`},
		{Leaf: 5, Rows: 3, Value: 3, Condition: `("my col" >= -2.25 OR "my col" IS NULL) AND last_seen < TIMESTAMP '2023-04-01 00:00:00'`},
		{Leaf: 7, Rows: 4, Value: 4, Condition: `("my col" >= -2.25 OR "my col" IS NULL) AND (last_seen >= TIMESTAMP '2023-04-01 00:00:00' OR last_seen IS NULL) AND ` +
			`(Score_2 < 1.5e-07 OR Score_2 IS NULL)`},
		{Leaf: 8, Rows: 5, Value: 5, Condition: `("my col" >= -2.25 OR "my col" IS NULL) AND (last_seen >= TIMESTAMP '2023-04-01 00:00:00' OR last_seen IS NULL) AND ` +
			`Score_2 >= 1.5e-07`},
	})
	// A tree that is one leaf.
	checkRules(t, m, 1, []Rule{{Leaf: 0, Rows: 100, Value: 9, Condition: "TRUE"}})
}

func TestRulesLiterals(t *testing.T) {
	for _, c := range []struct {
		typ  string
		v    float64
		want string
	}{
		{"double", 40000, "40000"},
		{"double", 1234567.125, "1234567.125"},
		{"double", 0.1, "0.1"},
		{"double", -0.0001, "-0.0001"},
		{"double", 3e-5, "3e-05"},
		{"double", 2e20, "2e+20"},
		{"double", 0, "0"},
		{"double", math.Inf(1), "'infinity'::DOUBLE"},
		{"double", math.Inf(-1), "'-infinity'::DOUBLE"},
		{"date32", 19448, "DATE '2023-04-01'"},
		{"date32", 19447.5, "DATE '2023-04-01'"},
		{"date32", 19447.01, "DATE '2023-04-01'"},
		{"date32", -0.5, "DATE '1970-01-01'"},
		{"date32", -1.5, "DATE '1969-12-31'"},
		{"date32", math.Inf(1), "'infinity'::DATE"},
		{"date64", 1680307200e3, "DATE '2023-04-01'"},
		{"date64", 1680307200e3 + 1500.5, "TIMESTAMP '2023-04-01 00:00:01.501'"},
		{"timestamp[s]", 1680307200 + 3661, "TIMESTAMP '2023-04-01 01:01:01'"},
		{"timestamp[ms]", 1680307200e3 + 250, "TIMESTAMP '2023-04-01 00:00:00.25'"},
		{"timestamp[us]", 1680307200e6 + 0.5, "TIMESTAMP '2023-04-01 00:00:00.000001'"},
		{"timestamp[us]", -1.5, "TIMESTAMP '1969-12-31 23:59:59.999999'"},
		{"timestamp[ns]", 1680307200e9 + 4096, "TIMESTAMP_NS '2023-04-01 00:00:00.000004096'"},
		{"timestamp[us, tz=UTC]", 1680307200e6, "TIMESTAMPTZ '2023-04-01 00:00:00+00'"},
		{"timestamp[us]", math.Inf(-1), "'-infinity'::TIMESTAMP"},
		{"time64[us]", 3600e6 + 0.5, "TIME '01:00:00.000001'"},
		{"time32[s]", 45296, "TIME '12:34:56'"},
		{"int64", 12.5, "12.5"},
	} {
		col := Column{Name: "x", Kind: Numeric, Type: c.typ}
		if got := literal(&col, c.v); got != c.want {
			t.Errorf("%s %v: %s, want %s", c.typ, c.v, got, c.want)
		}
	}
}

func TestQuoteIdent(t *testing.T) {
	for name, want := range map[string]string{
		"income": "income", "Income": "Income", "_x1": "_x1", "1x": `"1x"`, "my col": `"my col"`,
		`a"b`: `"a""b"`, "select": `"select"`, "Order": `"Order"`, "year": "year", "": `""`, "né": `"né"`,
	} {
		if got := quoteIdent(name); got != want {
			t.Errorf("%q: %s, want %s", name, got, want)
		}
	}
}

// TestRulesMatchLeaf checks, on random trees and rows, that every row's
// leaf is the one rule whose condition a tiny evaluator of the rules'
// grammar finds true.
func TestRulesMatchLeaf(t *testing.T) {
	// The evaluator works on conditions over numeric columns only, so the
	// check is the interval and NULL logic; categorical parts are checked
	// by the hand-written cases above.
	m := &Model{K: 1, Base: []float64{0}}
	for j := 0; j < 3; j++ {
		m.Columns = append(m.Columns, Column{Name: fmt.Sprintf("x%d", j), Kind: Numeric, Type: "double"})
	}
	rng := rand.New(rand.NewPCG(9, 10))
	grid := []float64{-1, -0.5, 0, 0.5, 1}
	for trial := 0; trial < 50; trial++ {
		m.Trees = []Tree{randomTree(rng, m.Columns, 5, grid)}
		rules, err := m.Rules(0, RuleOptions{})
		if err != nil {
			t.Fatal(err)
		}
		x := randomRows(rng, m, 200)
		for r := 0; r < 200; r++ {
			want := m.Trees[0].Leaf(x, r)
			for _, rule := range rules {
				got := evalCondition(t, rule.Condition, m, x, r)
				if got != (rule.Leaf == want) {
					t.Fatalf("trial %d row %d (%v %v %v): rule of leaf %d %q is %v; the row reaches leaf %d",
						trial, r, x[0][r], x[1][r], x[2][r], rule.Leaf, rule.Condition, got, want)
				}
			}
		}
	}
}

// evalCondition evaluates a rule over numeric columns: parts joined by
// " AND " outside parentheses, each a comparison, "x IS NULL",
// "(... OR x IS NULL)", "TRUE" or "FALSE".
func evalCondition(t *testing.T, cond string, m *Model, x [][]float64, r int) bool {
	for _, part := range splitTop(cond) {
		if !evalPart(t, part, m, x, r) {
			return false
		}
	}
	return true
}

func splitTop(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '(':
			depth++
		case s[i] == ')':
			depth--
		case depth == 0 && strings.HasPrefix(s[i:], " AND "):
			parts = append(parts, s[start:i])
			start = i + len(" AND ")
		}
	}
	return append(parts, s[start:])
}

func evalPart(t *testing.T, part string, m *Model, x [][]float64, r int) bool {
	switch {
	case part == "TRUE":
		return true
	case part == "FALSE":
		return false
	case strings.HasPrefix(part, "(") && strings.HasSuffix(part, ")"):
		inner := part[1 : len(part)-1]
		i := strings.LastIndex(inner, " OR ")
		if i < 0 {
			return evalCondition(t, inner, m, x, r)
		}
		return evalCondition(t, inner[:i], m, x, r) || evalPart(t, inner[i+len(" OR "):], m, x, r)
	}
	f := strings.Fields(part)
	col := -1
	for j, c := range m.Columns {
		if c.Name == f[0] {
			col = j
		}
	}
	if col < 0 {
		t.Fatalf("column of %q", part)
	}
	v := x[col][r]
	if len(f) == 3 && f[1] == "IS" && f[2] == "NULL" {
		return math.IsNaN(v)
	}
	if len(f) != 3 {
		t.Fatalf("part %q", part)
	}
	var th float64
	if _, err := fmt.Sscan(f[2], &th); err != nil {
		t.Fatalf("part %q: %v", part, err)
	}
	switch f[1] {
	case "<":
		return v < th
	case ">=":
		return v >= th
	}
	t.Fatalf("part %q", part)
	return false
}

func TestRulesRefuses(t *testing.T) {
	m := stump()
	for _, tree := range []int{-1, 1} {
		if _, err := m.Rules(tree, RuleOptions{}); err == nil {
			t.Errorf("tree %d: accepted", tree)
		}
	}
	m.Trees[0].Feature[2] = 9
	if _, err := m.Rules(0, RuleOptions{}); err == nil {
		t.Error("accepted a split on a column the model does not have")
	}
}

func ExampleModel_Rules() {
	m := stump() // a < 2.5 (NULL left) -> -1, else c in ('x', 'z') -> 3, else (NULL too) 5
	rules, err := m.Rules(0, RuleOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, r := range rules {
		fmt.Printf("leaf %d: %s (rows %d, value %g)\n", i+1, r.Condition, r.Rows, r.Value)
	}
	// Output:
	// leaf 1: (a < 2.5 OR a IS NULL) (rows 4, value -1)
	// leaf 2: a >= 2.5 AND c IN ('x', 'z') (rows 3, value 3)
	// leaf 3: a >= 2.5 AND (c NOT IN ('x', 'z') OR c IS NULL) (rows 3, value 5)
}
