package trees

import (
	"fmt"
	"math"
	"slices"
)

// ColumnKind is how a model reads a column.
type ColumnKind string

// The column kinds.
const (
	Numeric     ColumnKind = "numeric"
	Categorical ColumnKind = "categorical"
)

// Column is an input column of a model.
type Column struct {
	Name string     `json:"name"`
	Kind ColumnKind `json:"kind"`
	// Type is the column's Arrow type name in the training data (e.g.
	// "double", "int64", "date32", "timestamp[us]", "utf8", "bool"), so
	// thresholds are shown in the column's own units (a DATE's threshold
	// is a day number, shown as a date).
	Type string `json:"type"`
	// Levels are a categorical column's kept training levels, as text, in
	// code order (code len(Levels) is every other level).
	Levels []string `json:"levels,omitempty"`
}

// Tree is one regression tree in flat arrays indexed by node; node 0 is
// the root. Node i is a leaf when Left[i] < 0.
type Tree struct {
	Left  []int32 `json:"left"`
	Right []int32 `json:"right"`
	// Feature is the split column of an internal node (an index into
	// Model.Columns); -1 for a leaf.
	Feature []int32 `json:"feature"`
	// Threshold is a numeric split's threshold: x < Threshold goes left.
	Threshold []float64 `json:"threshold"`
	// Categories lists, for a categorical split, the codes that go left
	// (sorted); nil for numeric splits and leaves.
	Categories [][]int32 `json:"categories"`
	// DefaultLeft sends a missing value (NaN) left.
	DefaultLeft []bool `json:"default_left"`
	// Value is a leaf's value (learning rate applied); for an internal
	// node the value it would have as a leaf.
	Value []float64 `json:"value"`
	// Cover is the sum of the training rows' hessians at the node
	// (TreeSHAP weighs paths by it).
	Cover []float64 `json:"cover"`
	// Rows is the number of training rows reaching the node.
	Rows []int64 `json:"rows"`
	// Gain is an internal node's split gain (loss reduction); 0 for a
	// leaf. A categorical split of a column of more than
	// Config.CatExactLevels levels records its regularised gain (the
	// children scored with l2 raised by Config.CatL2, see the package
	// doc), a little less than its loss reduction.
	Gain []float64 `json:"gain"`
	// Positives is, for a binary model, the number of training rows of
	// the positive class reaching the node (at most Rows); nil for other
	// tasks.
	Positives []int64 `json:"positives,omitempty"`
}

// Len is the number of nodes.
func (t *Tree) Len() int { return len(t.Left) }

// IsLeaf tells whether node i is a leaf.
func (t *Tree) IsLeaf(i int) bool { return t.Left[i] < 0 }

// goesLeft tells whether value x at internal node i goes left.
func (t *Tree) goesLeft(i int, x float64) bool {
	if math.IsNaN(x) {
		return t.DefaultLeft[i]
	}
	if cats := t.Categories[i]; cats != nil {
		_, found := slices.BinarySearch(cats, int32(x))
		return found
	}
	return x < t.Threshold[i]
}

// Leaf is the leaf row r of x (column-major, see the package doc) reaches.
func (t *Tree) Leaf(x [][]float64, r int) int {
	i := 0
	for !t.IsLeaf(i) {
		if t.goesLeft(i, x[t.Feature[i]][r]) {
			i = int(t.Left[i])
		} else {
			i = int(t.Right[i])
		}
	}
	return i
}

// Model is a boosted ensemble.
type Model struct {
	Columns []Column `json:"columns"`
	// K is the number of outputs: 1 for binary and regression, the number
	// of classes for multiclass.
	K int `json:"k"`
	// Base is each output's starting raw score.
	Base  []float64 `json:"base"`
	Trees []Tree    `json:"trees"`
}

// Rounds is the number of boosting rounds.
func (m *Model) Rounds() int {
	if m.K < 1 {
		return 0
	}
	return len(m.Trees) / m.K
}

// PredictRaw writes the raw scores of the n rows of x (column-major, one
// slice per column of m.Columns) into out, row-major, K per row: log-odds
// for binary, one logit per class for multiclass, the prediction for
// regression.
func (m *Model) PredictRaw(x [][]float64, n int, out []float64) {
	k := m.K
	for r := 0; r < n; r++ {
		copy(out[r*k:(r+1)*k], m.Base)
	}
	for ti := range m.Trees {
		t := &m.Trees[ti]
		c := ti % k
		for r := 0; r < n; r++ {
			out[r*k+c] += t.Value[t.Leaf(x, r)]
		}
	}
}

// Validate checks what scoring relies on: shapes, child and feature
// indices, a tree structure (every node reached once from the root),
// finite values, sorted categories within the column's codes.
func (m *Model) Validate() error {
	if m.K < 1 {
		return fmt.Errorf("k %d, want at least 1", m.K)
	}
	if len(m.Base) != m.K {
		return fmt.Errorf("%d base scores for k %d", len(m.Base), m.K)
	}
	for _, b := range m.Base {
		if math.IsNaN(b) || math.IsInf(b, 0) {
			return fmt.Errorf("base score %g is not finite", b)
		}
	}
	if len(m.Trees)%m.K != 0 {
		return fmt.Errorf("%d trees is not a whole number of rounds of %d", len(m.Trees), m.K)
	}
	if len(m.Columns) == 0 {
		return fmt.Errorf("no columns")
	}
	for j, c := range m.Columns {
		if c.Kind != Numeric && c.Kind != Categorical {
			return fmt.Errorf("column %d (%q): unknown kind %q", j, c.Name, c.Kind)
		}
	}
	for ti := range m.Trees {
		if err := m.validateTree(&m.Trees[ti]); err != nil {
			return fmt.Errorf("tree %d: %v", ti+1, err)
		}
	}
	return nil
}

func (m *Model) validateTree(t *Tree) error {
	n := t.Len()
	if n == 0 {
		return fmt.Errorf("no nodes")
	}
	for name, l := range map[string]int{"right": len(t.Right), "feature": len(t.Feature), "threshold": len(t.Threshold),
		"categories": len(t.Categories), "default_left": len(t.DefaultLeft), "value": len(t.Value), "cover": len(t.Cover),
		"rows": len(t.Rows), "gain": len(t.Gain)} {
		if l != n {
			return fmt.Errorf("%d %s entries for %d nodes", l, name, n)
		}
	}
	if t.Positives != nil {
		if len(t.Positives) != n {
			return fmt.Errorf("%d positives entries for %d nodes", len(t.Positives), n)
		}
		for i, p := range t.Positives {
			if p < 0 || p > t.Rows[i] {
				return fmt.Errorf("node %d: %d positive rows of %d", i, p, t.Rows[i])
			}
		}
	}
	seen := make([]bool, n)
	seen[0] = true
	for i := 0; i < n; i++ {
		for _, v := range []float64{t.Value[i], t.Cover[i], t.Gain[i]} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("node %d: value %g is not finite", i, v)
			}
		}
		if t.Rows[i] < 0 {
			return fmt.Errorf("node %d: %d rows", i, t.Rows[i])
		}
		if t.Left[i] < 0 {
			if t.Right[i] >= 0 || t.Feature[i] >= 0 || t.Categories[i] != nil {
				return fmt.Errorf("node %d: a leaf with a split", i)
			}
			continue
		}
		for _, c := range []int32{t.Left[i], t.Right[i]} {
			if int(c) <= i || int(c) >= n || seen[c] {
				return fmt.Errorf("node %d: child %d out of order or reached twice", i, c)
			}
			seen[c] = true
		}
		f := int(t.Feature[i])
		if f < 0 || f >= len(m.Columns) {
			return fmt.Errorf("node %d: feature %d of %d columns", i, f, len(m.Columns))
		}
		col := m.Columns[f]
		if col.Kind == Categorical {
			cats := t.Categories[i]
			if len(cats) == 0 || !slices.IsSorted(cats) {
				return fmt.Errorf("node %d: categorical split without sorted categories", i)
			}
			if cats[0] < 0 || int(cats[len(cats)-1]) > len(col.Levels) {
				return fmt.Errorf("node %d: category code outside 0..%d", i, len(col.Levels))
			}
		} else {
			if t.Categories[i] != nil {
				return fmt.Errorf("node %d: categories on numeric column %q", i, col.Name)
			}
			if math.IsNaN(t.Threshold[i]) {
				return fmt.Errorf("node %d: threshold NaN", i)
			}
		}
	}
	for i, s := range seen {
		if !s {
			return fmt.Errorf("node %d is not reached from the root", i)
		}
	}
	return nil
}
