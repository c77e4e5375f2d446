package sqlgen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/kmeans"
)

// Assignment is the nearest-centroid assignment of the rows of one table
// to the centroids of a k-means model, written as expressions over the
// table's own columns, for a query that reads the table directly:
//
//	SELECT <Segment> AS s, count(*), sum(<Inputs[0]>), ..., sum(<Distance2>)
//	FROM table WHERE ... GROUP BY s
//
// No subquery and no common table expression wraps the table (on a
// distributed table a wrapper would move every row to the initiator).
// The assignment is KMeans' (model_sql's): the same encoding, distances
// summed in the same order, the same nearest centroid.
//
// In the clickhouse dialect Segment defines the names (expression
// aliases) that Inputs and Distance2 are: a query that uses them selects
// Segment too, once. In the duckdb dialect every expression stands on its
// own; the stages after the inputs are bound by one-element
// list_transform lambdas (a "let"), which keeps the text linear in the
// model.
type Assignment struct {
	// Segment is the nearest centroid's number: 1 for the first, the
	// lower number of equally near ones.
	Segment string
	// Distance2 is the squared Euclidean distance to it.
	Distance2 string
	// Inputs are the encoded inputs, in the encoder's order.
	Inputs []string
}

// flatDialect checks that d writes flat expressions (duckdb, clickhouse).
func flatDialect(d Dialect) error {
	if d != DuckDB && d != ClickHouse {
		return fmt.Errorf("flat expressions are written in the duckdb and clickhouse dialects, not %s", d)
	}
	return nil
}

// NearestCentroid returns the assignment of rows encoded by enc to the
// centroids of m, in dialect d (duckdb or clickhouse).
func NearestCentroid(d Dialect, enc *features.Encoder, m *kmeans.Model) (*Assignment, error) {
	if err := flatDialect(d); err != nil {
		return nil, err
	}
	p := &program{d: d, flat: true}
	seg, dmin, err := p.nearest(enc, m)
	if err != nil {
		return nil, err
	}
	a := &Assignment{}
	if d == ClickHouse {
		// As text renders a ClickHouse statement: every name is an alias
		// defined inside the first expression.
		var defs []string
		for _, s := range p.stages {
			for _, nm := range s {
				defs = append(defs, "("+nm.expr+") AS "+nm.name)
			}
		}
		a.Segment = "tupleElement(tuple(" + strings.Join(defs, ", ") + ", " + seg + "), " + strconv.Itoa(len(defs)+1) + ")"
		a.Distance2 = dmin
		for _, nm := range p.stages[0] {
			a.Inputs = append(a.Inputs, nm.name)
		}
		return a, nil
	}
	a.Segment = p.let(seg)
	a.Distance2 = p.let(dmin)
	for _, nm := range p.stages[0] {
		a.Inputs = append(a.Inputs, nm.expr)
	}
	return a, nil
}

// EncodedInputs returns the inputs of enc as expressions over a table's
// own columns, each standing on its own, in dialect d (duckdb or
// clickhouse): the encoding KMeans, Perceptron and NearestCentroid write.
func EncodedInputs(d Dialect, enc *features.Encoder) ([]string, error) {
	if err := flatDialect(d); err != nil {
		return nil, err
	}
	p := &program{d: d, flat: true}
	names, err := p.inputs(enc)
	if err != nil {
		return nil, err
	}
	exprs := make(map[string]string, len(names))
	for _, nm := range p.stages[0] {
		exprs[nm.name] = nm.expr
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = exprs[n]
	}
	return out, nil
}

// let renders the program's stages and then final as one DuckDB
// expression: stage s is a one-element list of its values, bound to
// ds__l<s> by list_transform's lambda, and each name of an earlier stage
// becomes an element of its stage's list.
//
//	list_transform([[x0, x1]], lambda ds__l0: list_transform([[f(ds__l0[1])]], lambda ds__l1: g(ds__l1[1]))[1])[1]
func (p *program) let(final string) string {
	ref := map[string]string{}
	var b strings.Builder
	for s, st := range p.stages {
		param := "ds__l" + strconv.Itoa(s)
		b.WriteString("list_transform([[")
		for i, nm := range st {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(rename(nm.expr, ref))
		}
		b.WriteString("]], lambda " + param + ": ")
		for i, nm := range st {
			ref[nm.name] = param + "[" + strconv.Itoa(i+1) + "]"
		}
	}
	b.WriteString(rename(final, ref))
	for range p.stages {
		b.WriteString(")[1]")
	}
	return b.String()
}

// rename replaces each bare word of the DuckDB expression text that is a
// key of ref with its value, leaving string literals ('...') and quoted
// identifiers ("...") alone: a column or a level may be spelled like a
// name.
func rename(text string, ref map[string]string) string {
	var b strings.Builder
	word := func(c byte) bool {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\'' || c == '"':
			// To the closing quote; a doubled quote stays inside.
			j := i + 1
			for j < len(text) {
				if text[j] == c {
					if j+1 < len(text) && text[j+1] == c {
						j += 2
						continue
					}
					break
				}
				j++
			}
			j = min(j+1, len(text))
			b.WriteString(text[i:j])
			i = j
		case word(c):
			j := i
			for j < len(text) && word(text[j]) {
				j++
			}
			w := text[i:j]
			if r, ok := ref[w]; ok {
				w = r
			}
			b.WriteString(w)
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}
