package sqlgen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/engine/trees"
)

// Trees returns the statement that scores the rows of table source (a
// placeholder when empty) with a boosted-trees model in dialect d, with
// the output columns of Perceptron. Each tree is one nested CASE
// expression; a missing value (NULL, or NaN in a floating column) takes
// the split's default direction.
func Trees(d Dialect, source string, doc *training.TreesDocument) (string, error) {
	m := &doc.Model
	if err := m.Validate(); err != nil {
		return "", err
	}
	if len(doc.Encoder.Columns) != len(m.Columns) {
		return "", fmt.Errorf("ensemble of %d columns, preprocessing of %d", len(m.Columns), len(doc.Encoder.Columns))
	}
	if err := doc.Encoder.Validate(); err != nil {
		return "", fmt.Errorf("preprocessing: %v", err)
	}
	p := newProgram(d, source)
	x := p.rawColumns(&doc.Encoder)
	init := make([]string, m.K)
	terms := make([][]string, m.K)
	for c := range m.K {
		init[c] = d.Float(m.Base[c])
	}
	for ti := range m.Trees {
		c := ti % m.K
		terms[c] = append(terms[c], "("+treeCase(d, &m.Trees[ti], m.Columns, x, 0)+")")
	}
	raw := p.sums("ds__raw", init, terms, false)
	switch doc.Task {
	case task.Regression:
		p.regression(raw[0])
	default:
		if err := p.classify(doc.Task, raw, doc.Label.Levels, doc.Label.Positive, doc.Label.Type); err != nil {
			return "", err
		}
	}
	return p.text(), nil
}

// rawColumns adds the stage of the columns as the trees read them
// (features.Binding.Raw: numbers unstandardised, DATE as days, TIMESTAMP
// as microseconds, BOOLEAN 0/1, a categorical column's level code, NULL
// for a missing value) and returns their references.
func (p *program) rawColumns(e *features.Encoder) []string {
	d := p.d
	names := make([]string, len(e.Columns))
	var s stage
	for j := range e.Columns {
		c := &e.Columns[j]
		names[j] = "ds__x" + strconv.Itoa(j)
		x := p.col(c.Name)
		var v string
		switch c.Kind {
		case features.KindCategorical:
			// A level's code is its one-hot slot (the last position
			// of a level listed twice); every other value, an 'other'
			// level of training or one never seen, is len(Levels).
			v = "CASE WHEN " + d.isNull(x) + " THEN NULL"
			slot := slots(c)
			for k, l := range c.Levels {
				if slot[l] == k {
					v += " WHEN " + x + " = " + d.Str(l) + " THEN " + d.Float(float64(k))
				}
			}
			v += " ELSE " + d.Float(float64(len(c.Levels))) + " END"
		case features.KindNumeric:
			v = p.value(c, true)
			if floating(c.Type) {
				// NaN is a missing value to the trees; DuckDB and
				// PostgreSQL would read it as above every threshold.
				v = "CASE WHEN " + d.isNaN(v) + " THEN NULL ELSE " + v + " END"
			}
		default:
			v = p.value(c, true)
		}
		s = append(s, named{names[j], v})
	}
	return p.add(s)
}

// treeCase is node i of t as an expression of the columns x.
func treeCase(d Dialect, t *trees.Tree, cols []trees.Column, x []string, i int) string {
	if t.IsLeaf(i) {
		return d.Float(t.Value[i])
	}
	v := x[t.Feature[i]]
	var cond string
	if cats := t.Categories[i]; cats != nil {
		codes := make([]string, len(cats))
		for k, c := range cats {
			codes[k] = d.Float(float64(c))
		}
		cond = v + " IN (" + strings.Join(codes, ", ") + ")"
	} else {
		cond = v + " < " + d.Float(t.Threshold[i])
	}
	if t.DefaultLeft[i] {
		cond = d.isNull(v) + " OR " + cond
	}
	return "CASE WHEN " + cond + " THEN " + treeCase(d, t, cols, x, int(t.Left[i])) +
		" ELSE " + treeCase(d, t, cols, x, int(t.Right[i])) + " END"
}

// floating reports whether a column's training type (an Arrow type name)
// holds NaN.
func floating(arrowType string) bool {
	switch arrowType {
	case "float64", "float32", "float16":
		return true
	}
	return false
}
