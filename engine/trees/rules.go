package trees

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Rule is one leaf of a tree with the condition that leads to it.
type Rule struct {
	// Leaf is the leaf's node index in the tree (what Tree.Leaf returns
	// for the rows the rule selects).
	Leaf int
	// Condition is the conjunction of the splits on the path from the
	// root, as a SQL boolean expression over the model's input columns in
	// their own units and level names (see Model.Rules); "TRUE" for a tree
	// that is a single leaf.
	Condition string
	// Rows is the number of training rows that reached the leaf.
	Rows int64
	// Value is the leaf's value (learning rate applied).
	Value float64
}

// RuleOptions tune the conditions Rules writes.
type RuleOptions struct {
	// NoMissing, when not nil, marks by column the columns that had no
	// missing value in the training rows. Their parts say nothing about
	// missing values: a split on such a column chose its default direction
	// without a missing row to learn from (see the package doc), so
	// `(tenure < 12.5 OR tenure IS NULL)` would only be noise to a reader.
	// The rules then select the training rows each leaf got, but a new row
	// missing such a column may match no rule.
	NoMissing []bool
}

// Rules returns the leaves of tree t (an index into m.Trees), left to
// right, each with the condition on the model's columns that leads to it.
//
// The conditions on one column along the path are merged: numeric splits
// into one interval (`tenure_months >= 3.5 AND tenure_months < 12.5`),
// categorical splits into one set of levels (`contract = 'x'`, `contract
// IN ('a', 'b')`, and `contract NOT IN (...)` listing the kept levels that
// are excluded when the 'other' code is included). Where missing values go
// with the path the column's part reads `(... OR income IS NULL)`; where
// only they do, `income IS NULL`; where they are excluded and nothing else
// is said, `income IS NOT NULL`. Parts are joined by AND in the order of
// their column's first split on the path.
//
// Thresholds are shown in the column's own units after its Arrow type
// (Column.Type): DATE ("date32", "date64"), TIMESTAMP ("timestamp[us]",
// with "tz=" as TIMESTAMPTZ) and TIME ("time64[us]", ...) columns as
// literals of their type, rounded up to the type's unit since their values
// are whole units (x < 19448.5 days is x < DATE '2023-04-02'); other
// numbers as the shortest decimal that reads back as the threshold.
// BOOLEAN levels are the literals true and false; other levels are
// string literals with quotes doubled; identifiers are double-quoted when
// they are not plain names or are SQL keywords. A condition is thus valid
// SQL in a WHERE clause over the training columns, and selects the rows
// the tree sends to the leaf, with one reservation: the model treats a
// floating-point NaN as missing where the SQL reads it as a value (and the
// one o.NoMissing makes).
func (m *Model) Rules(t int, o RuleOptions) ([]Rule, error) {
	if o.NoMissing != nil && len(o.NoMissing) != len(m.Columns) {
		return nil, fmt.Errorf("%d NoMissing entries for %d columns", len(o.NoMissing), len(m.Columns))
	}
	if t < 0 || t >= len(m.Trees) {
		return nil, fmt.Errorf("tree %d of %d", t+1, len(m.Trees))
	}
	tree := &m.Trees[t]
	if err := m.validateTree(tree); err != nil {
		return nil, fmt.Errorf("tree %d: %v", t+1, err)
	}
	var rules []Rule
	// steps is the path from the root to the current node: the internal
	// nodes and the side taken at each.
	var steps []step
	var walk func(node int)
	walk = func(node int) {
		if tree.IsLeaf(node) {
			rules = append(rules, Rule{
				Leaf:      node,
				Condition: m.condition(tree, steps, o.NoMissing),
				Rows:      tree.Rows[node],
				Value:     tree.Value[node],
			})
			return
		}
		steps = append(steps, step{node: node, left: true})
		walk(int(tree.Left[node]))
		steps[len(steps)-1].left = false
		walk(int(tree.Right[node]))
		steps = steps[:len(steps)-1]
	}
	walk(0)
	return rules, nil
}

// step is one split on a path and the side the path takes.
type step struct {
	node int
	left bool
}

// condition renders the conjunction of steps in tree, saying nothing about
// missing values of the columns noMissing marks.
func (m *Model) condition(tree *Tree, steps []step, noMissing []bool) string {
	var parts []string
	done := make(map[int]bool)
	for _, s := range steps {
		f := int(tree.Feature[s.node])
		if done[f] {
			continue
		}
		done[f] = true
		quiet := noMissing != nil && noMissing[f]
		var part string
		if m.Columns[f].Kind == Categorical {
			part = m.categoricalPart(tree, steps, f, quiet)
		} else {
			part = m.numericPart(tree, steps, f, quiet)
		}
		if part != "" {
			parts = append(parts, part)
		}
	}
	if len(parts) == 0 {
		return "TRUE"
	}
	return strings.Join(parts, " AND ")
}

// numericPart merges the splits of steps on numeric column f into one
// interval [lo, hi) and whether missing values follow the path (unsaid
// when quiet).
func (m *Model) numericPart(tree *Tree, steps []step, f int, quiet bool) string {
	var lo, hi float64
	hasLo, hasHi, null := false, false, true
	for _, s := range steps {
		i := s.node
		if int(tree.Feature[i]) != f {
			continue
		}
		th := tree.Threshold[i]
		if s.left {
			if !hasHi || th < hi {
				hi, hasHi = th, true
			}
		} else if !hasLo || th > lo {
			lo, hasLo = th, true
		}
		null = null && tree.DefaultLeft[i] == s.left
	}
	col := &m.Columns[f]
	name := quoteIdent(col.Name)
	var values []string
	empty := hasLo && hasHi && lo >= hi
	if !empty {
		if hasLo {
			values = append(values, name+" >= "+literal(col, lo))
		}
		if hasHi {
			values = append(values, name+" < "+literal(col, hi))
		}
	}
	return orNull(name, strings.Join(values, " AND "), len(values) > 1, empty, null, quiet)
}

// categoricalPart merges the splits of steps on categorical column f into
// the set of codes that follow the path and whether missing values do
// (unsaid when quiet).
func (m *Model) categoricalPart(tree *Tree, steps []step, f int, quiet bool) string {
	col := &m.Columns[f]
	other := len(col.Levels)
	in := make([]bool, other+1)
	for c := range in {
		in[c] = true
	}
	null := true
	for _, s := range steps {
		i := s.node
		if int(tree.Feature[i]) != f {
			continue
		}
		cats := tree.Categories[i]
		for c := range in {
			if inCategories(cats, c) != s.left {
				in[c] = false
			}
		}
		null = null && tree.DefaultLeft[i] == s.left
	}
	// A BOOLEAN column has no other level.
	otherIn := !isBool(col) && in[other]
	var kept, excluded []string
	for c := 0; c < other; c++ {
		if in[c] {
			kept = append(kept, levelLiteral(col, c))
		} else {
			excluded = append(excluded, levelLiteral(col, c))
		}
	}
	name := quoteIdent(col.Name)
	all := len(excluded) == 0 && (otherIn || isBool(col))
	none := len(kept) == 0 && !otherIn
	values := ""
	switch {
	case all || none:
	case otherIn:
		// The other levels are in: say which kept levels are not.
		values = name + " NOT IN (" + strings.Join(excluded, ", ") + ")"
		if len(excluded) == 1 {
			values = name + " <> " + excluded[0]
		}
	case len(kept) == 1:
		values = name + " = " + kept[0]
	default:
		values = name + " IN (" + strings.Join(kept, ", ") + ")"
	}
	return orNull(name, values, false, none, null, quiet)
}

// orNull combines the condition on a column's values (empty when it says
// nothing; compound when it is an AND of two comparisons; none when no
// value follows the path) with whether missing values follow the path;
// quiet says nothing about missing values.
func orNull(name, values string, compound, none, null, quiet bool) string {
	switch {
	case quiet && none:
		return "FALSE"
	case quiet:
		return values
	case none && null:
		return name + " IS NULL"
	case none:
		return "FALSE"
	case values == "" && null:
		return ""
	case values == "":
		return name + " IS NOT NULL"
	case !null:
		return values
	case compound:
		return "((" + values + ") OR " + name + " IS NULL)"
	default:
		return "(" + values + " OR " + name + " IS NULL)"
	}
}

// inCategories tells whether code c is in the sorted list cats.
func inCategories(cats []int32, c int) bool {
	for _, v := range cats {
		if int(v) == c {
			return true
		}
	}
	return false
}

// isBool tells whether col is a BOOLEAN column with both levels kept.
func isBool(col *Column) bool {
	if col.Type != "bool" || len(col.Levels) != 2 {
		return false
	}
	a, b := col.Levels[0], col.Levels[1]
	return a == "true" && b == "false" || a == "false" && b == "true"
}

// levelLiteral is the SQL literal of level code c of col.
func levelLiteral(col *Column, c int) string {
	l := col.Levels[c]
	if col.Type == "bool" && (l == "true" || l == "false") {
		return l
	}
	return quoteString(l)
}

// quoteString is s as a SQL string literal.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// literal is threshold v of numeric column col as a SQL literal of the
// column's type.
func literal(col *Column, v float64) string {
	typ := col.Type
	switch {
	case typ == "date32":
		return dateLiteral(v, 24*3600, 1)
	case typ == "date64":
		return dateLiteral(v, 1, 1000)
	case strings.HasPrefix(typ, "timestamp["):
		unit, tz, _ := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(typ, "timestamp["), "]"), ",")
		if perSecond, ok := unitsPerSecond[unit]; ok {
			return timestampLiteral(v, perSecond, unit, strings.TrimSpace(tz) != "")
		}
	case strings.HasPrefix(typ, "time32[") || strings.HasPrefix(typ, "time64["):
		unit := strings.TrimSuffix(typ[len("time32["):], "]")
		if perSecond, ok := unitsPerSecond[unit]; ok && !math.IsInf(v, 0) {
			return timeLiteral(v, perSecond)
		}
	}
	return number(v)
}

// unitsPerSecond are the Arrow time units.
var unitsPerSecond = map[string]int64{"s": 1, "ms": 1e3, "us": 1e6, "ns": 1e9}

// whole rounds a threshold on whole units up: for whole x, x < v is
// x < ceil(v) and x >= v is x >= ceil(v). ok is false when the result is
// infinite or out of the range of times.
func whole(v float64) (n int64, ok bool) {
	c := math.Ceil(v)
	if math.IsInf(c, 0) || math.Abs(c) > 1<<62 {
		return 0, false
	}
	return int64(c), true
}

// dateLiteral renders v, a number of units of secondsPer seconds (a day)
// or of 1/perSecond seconds (a millisecond), as a DATE when it is a whole
// day, a TIMESTAMP otherwise.
func dateLiteral(v float64, secondsPer, perSecond int64) string {
	n, ok := whole(v)
	if !ok {
		return infinity(v, "DATE")
	}
	if secondsPer > 1 {
		return "DATE '" + time.Unix(n*secondsPer, 0).UTC().Format(time.DateOnly) + "'"
	}
	if n%(86400*perSecond) == 0 {
		return "DATE '" + time.Unix(n/perSecond, 0).UTC().Format(time.DateOnly) + "'"
	}
	return timestampLiteral(float64(n), perSecond, "ms", false)
}

// timestampLiteral renders v units of 1/perSecond seconds since the epoch
// as a timestamp literal (TIMESTAMPTZ in UTC when tz).
func timestampLiteral(v float64, perSecond int64, unit string, tz bool) string {
	typ := "TIMESTAMP"
	switch {
	case tz:
		typ = "TIMESTAMPTZ"
	case unit == "ns":
		typ = "TIMESTAMP_NS"
	}
	n, ok := whole(v)
	if !ok {
		return infinity(v, typ)
	}
	sec, frac := n/perSecond, n%perSecond
	if frac < 0 {
		sec, frac = sec-1, frac+perSecond
	}
	t := time.Unix(sec, frac*(1e9/perSecond)).UTC()
	layout := "2006-01-02 15:04:05.999999999"
	if tz {
		layout += "-07"
	}
	return typ + " '" + t.Format(layout) + "'"
}

// timeLiteral renders v units of 1/perSecond seconds since midnight as a
// TIME literal.
func timeLiteral(v float64, perSecond int64) string {
	n, ok := whole(v)
	if !ok || n < 0 || n > 24*3600*perSecond {
		return number(v)
	}
	t := time.Unix(n/perSecond, n%perSecond*(1e9/perSecond)).UTC()
	if n == 24*3600*perSecond {
		return "TIME '24:00:00'"
	}
	return "TIME '" + t.Format("15:04:05.999999999") + "'"
}

// infinity is the infinite literal of type typ with v's sign.
func infinity(v float64, typ string) string {
	if v < 0 {
		return "'-infinity'::" + typ
	}
	return "'infinity'::" + typ
}

// number is v as a SQL number: the shortest decimal that reads back as
// v, without an exponent for ordinary magnitudes.
func number(v float64) string {
	switch {
	case math.IsInf(v, 0):
		return infinity(v, "DOUBLE")
	case v == 0:
		return "0"
	case math.Abs(v) >= 1e-4 && math.Abs(v) < 1e15:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return strconv.FormatFloat(v, 'e', -1, 64)
	}
}

// quoteIdent is name as a SQL identifier: as is when it is a plain name
// (letters, digits and underscores, not starting with a digit) and not a
// keyword, double-quoted with quotes doubled otherwise.
func quoteIdent(name string) string {
	plain := name != "" && !keywords[strings.ToLower(name)]
	for i, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// keywords are DuckDB's keywords that cannot stand for a column in an
// expression without quotes: its reserved, type-or-function and
// column-name keywords (duckdb_keywords()).
var keywords = func() map[string]bool {
	words := strings.Fields(`
all analyse analyze and any array as asc asymmetric both case cast check collate column constraint
create default deferrable desc describe distinct do else end except false fetch for foreign from
group having in initially intersect into lambda lateral leading limit not null offset on only or
order pivot pivot_longer pivot_wider placing primary qualify references returning select show some
summarize symmetric table then to trailing true union unique unpivot using variadic when where
window with
anti asof at authorization binary by collation columns concurrently cross freeze full generated
glob ilike inner is isnull join left like map natural notnull outer overlaps positional right semi
similar struct tablesample try_cast unpack verbose
between bigint bit boolean char character coalesce dec decimal exists extract float grouping
grouping_id inout int integer interval national nchar none nullif numeric out overlay position
precision real row setof smallint substring time timestamp treat trim values varchar xmlattributes
xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`)
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}()
