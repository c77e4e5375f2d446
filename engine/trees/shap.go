package trees

// This file is exact path-dependent TreeSHAP (Lundberg, Erion and Lee,
// "Consistent individualized feature attribution for tree ensembles",
// 2018, Algorithm 2), after the shap package's tree_shap.h and XGBoost's
// TreeShap: one pass down each tree keeps, for every feature on the path,
// the share of the weight of every subset size that flows through it, so
// a tree of L leaves and depth D costs O(L D^2) per row instead of the
// 2^M subsets of the Shapley definition.

import "fmt"

// Explainer computes exact TreeSHAP contributions of a Model's columns to
// its raw scores: for row r and output k, phi[j] is column j's Shapley
// value of the path-dependent value function, in which a row's features
// outside a coalition S are integrated out by following both children of
// a split in proportion to their training covers (Tree.Cover). Missing and
// categorical splits follow the model's own rules (see the package doc).
//
// The contributions add up: Expected(k) + sum(phi) equals the raw score of
// output k (PredictRaw) up to rounding.
//
// An Explainer holds scratch space, so a row costs no allocation; it is
// not safe for concurrent use: give each goroutine its own.
type Explainer struct {
	m        *Model
	expected []float64
	// path is the scratch of the unique paths from the root to the
	// current node: each node's path (one element more than the splits
	// above it, at most) right after its parent's, so a tree of depth D
	// needs (D+2)(D+3)/2 elements.
	path []pathElement
	// recip[i] is 1/i for the depths of the paths.
	recip []float64
	// phi is a per-tree accumulator, so a tree's contributions are added
	// to the caller's phi in one fixed order.
	phi []float64
}

// pathElement is one feature on the unique path from the root to a node.
type pathElement struct {
	feature int
	// zero is the share of the weight that flows down the path when the
	// feature is outside the coalition (the product of the cover
	// fractions of its splits on the path); one is 1 when the row's value
	// follows the path at every split on the feature, 0 otherwise.
	zero, one float64
	// weight is the permutation weight of the subsets of this size.
	weight float64
}

// NewExplainer returns an Explainer of m, after checking m with Validate.
// m must not change while the Explainer is in use.
func NewExplainer(m *Model) (*Explainer, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	depth := 0
	for ti := range m.Trees {
		depth = max(depth, m.Trees[ti].depth())
	}
	// The root's path holds the placeholder element, and a leaf at depth
	// depth adds one element per split above it.
	levels := depth + 2
	e := &Explainer{
		m:        m,
		expected: make([]float64, m.K),
		path:     make([]pathElement, levels*(levels+1)/2),
		phi:      make([]float64, len(m.Columns)),
		recip:    make([]float64, levels+1),
	}
	for i := 1; i < len(e.recip); i++ {
		e.recip[i] = 1 / float64(i)
	}
	copy(e.expected, m.Base)
	for ti := range m.Trees {
		e.expected[ti%m.K] += m.Trees[ti].expectedValue()
	}
	return e, nil
}

// Clone returns an Explainer of the same model with its own scratch
// space, for another goroutine, without checking the model again.
func (e *Explainer) Clone() *Explainer {
	return &Explainer{
		m:        e.m,
		expected: e.expected,
		path:     make([]pathElement, len(e.path)),
		phi:      make([]float64, len(e.phi)),
		recip:    e.recip,
	}
}

// Expected is the raw score of output k that contributions are measured
// from: Base[k] plus, for every tree of output k, the mean of its leaf
// values weighted by the share of the training cover that reaches them.
func (e *Explainer) Expected(k int) float64 { return e.expected[k] }

// SHAP writes into phi (len(m.Columns)) the contributions of the columns
// of row r of x (column-major, one slice per column of m.Columns, as
// PredictRaw reads them) to the raw score of output k, and returns
// Expected(k). Trees are visited in their order and each tree's
// contributions are summed before they are added to phi, so the result
// does not depend on anything but the model and the row.
func (e *Explainer) SHAP(x [][]float64, r, k int, phi []float64) (expected float64) {
	m := e.m
	if k < 0 || k >= m.K {
		panic(fmt.Sprintf("trees: output %d of a model with %d", k, m.K))
	}
	if len(phi) != len(m.Columns) {
		panic(fmt.Sprintf("trees: %d contributions for %d columns", len(phi), len(m.Columns)))
	}
	clear(phi)
	for ti := k; ti < len(m.Trees); ti += m.K {
		t := &m.Trees[ti]
		if t.IsLeaf(0) {
			continue
		}
		clear(e.phi)
		e.recurse(t, x, r, 0, 0, 0, 1, 1, -1)
		for j, v := range e.phi {
			phi[j] += v
		}
	}
	return e.expected[k]
}

// recurse is tree_shap_recursive without the interaction conditions: node
// is reached at depth depth of the unique path, whose first depth
// elements are the parent's, at offset parent of the scratch, and the
// element to add for the split that led here (feature, with its fractions
// zero and one; feature -1 at the root). The node's own path goes right
// after the parent's, so the parent's stays intact for its other child.
func (e *Explainer) recurse(t *Tree, x [][]float64, r int, node, depth, parent int, zero, one float64, feature int) {
	// Copy the parent's path (depth elements) and extend it.
	off := parent + depth + 1
	path := e.path[off : off+depth+1]
	copy(path, e.path[parent:parent+depth])
	extend(path, depth, zero, one, feature)

	if t.IsLeaf(node) {
		v := t.Value[node]
		for i := 1; i <= depth; i++ {
			el := &path[i]
			w := unwoundSum(path, depth, i, e.recip)
			e.phi[el.feature] += w * (el.one - el.zero) * v
		}
		return
	}

	split := int(t.Feature[node])
	hot, cold := int(t.Left[node]), int(t.Right[node])
	if !t.goesLeft(node, x[split][r]) {
		hot, cold = cold, hot
	}
	hotZero, coldZero := t.fractions(node)
	if hot != int(t.Left[node]) {
		hotZero, coldZero = coldZero, hotZero
	}

	// A feature split on before is unwound, to be extended again below
	// with the product of its fractions.
	inZero, inOne := 1.0, 1.0
	for i := 1; i <= depth; i++ {
		if path[i].feature == split {
			inZero, inOne = path[i].zero, path[i].one
			unwind(path, depth, i)
			depth--
			break
		}
	}

	// A child that no weight reaches, in or out of the coalition (no
	// cover goes there and the row does not either), adds nothing: its
	// weights would all be 0, and unwinding them would divide by 0.
	if z := hotZero * inZero; z != 0 || inOne != 0 {
		e.recurse(t, x, r, hot, depth+1, off, z, inOne, split)
	}
	if z := coldZero * inZero; z != 0 {
		e.recurse(t, x, r, cold, depth+1, off, z, 0, split)
	}
}

// extend adds the element (feature, zero, one) at index depth of path and
// updates the permutation weights (EXTEND in the paper).
func extend(path []pathElement, depth int, zero, one float64, feature int) {
	path[depth] = pathElement{feature: feature, zero: zero, one: one}
	if depth == 0 {
		path[0].weight = 1
		return
	}
	d1 := float64(depth + 1)
	for i := depth - 1; i >= 0; i-- {
		path[i+1].weight += one * path[i].weight * float64(i+1) / d1
		path[i].weight = zero * path[i].weight * float64(depth-i) / d1
	}
}

// unwind removes element index of path (depth+1 elements), undoing its
// extend (UNWIND in the paper).
func unwind(path []pathElement, depth, index int) {
	one, zero := path[index].one, path[index].zero
	d1 := float64(depth + 1)
	next := path[depth].weight
	for i := depth - 1; i >= 0; i-- {
		if one != 0 {
			tmp := path[i].weight
			path[i].weight = next * d1 / (float64(i+1) * one)
			next = tmp - path[i].weight*zero*float64(depth-i)/d1
		} else {
			path[i].weight = path[i].weight * d1 / (zero * float64(depth-i))
		}
	}
	for i := index; i < depth; i++ {
		w := path[i].weight
		path[i] = path[i+1]
		path[i].weight = w
	}
}

// unwoundSum is the total permutation weight of path (depth+1 elements)
// with element index unwound, without changing path. recip[i] is 1/i.
// A path-dependent one fraction is 0 or 1 (the row follows the path at
// every split on the feature, or not), which saves the divisions.
func unwoundSum(path []pathElement, depth, index int, recip []float64) float64 {
	one, zero := path[index].one, path[index].zero
	total := 0.0
	if one != 0 {
		next := path[depth].weight
		for i := depth - 1; i >= 0; i-- {
			tmp := next * recip[i+1]
			total += tmp
			next = path[i].weight - tmp*zero*float64(depth-i)
		}
	} else {
		for i := depth - 1; i >= 0; i-- {
			total += path[i].weight * recip[depth-i]
		}
		total /= zero
	}
	return total * float64(depth+1)
}

// fractions are the shares of internal node i's weight that go to its
// left and right children when its feature is integrated out: their
// covers over the sum of both. Children without a positive cover between
// them (a document written by hand) share it evenly.
func (t *Tree) fractions(i int) (left, right float64) {
	l, r := t.Cover[t.Left[i]], t.Cover[t.Right[i]]
	if !(l >= 0 && r >= 0 && l+r > 0) {
		return 0.5, 0.5
	}
	return l / (l + r), r / (l + r)
}

// expectedValue is the tree's value with every feature integrated out:
// the leaf values weighted by the cover fractions along their paths.
func (t *Tree) expectedValue() float64 {
	// Nodes come after their parents (Validate), so one pass from the
	// root pushes each node's share down to its children.
	share := make([]float64, t.Len())
	share[0] = 1
	sum := 0.0
	for i := range share {
		if t.IsLeaf(i) {
			sum += share[i] * t.Value[i]
			continue
		}
		l, r := t.fractions(i)
		share[t.Left[i]] = share[i] * l
		share[t.Right[i]] = share[i] * r
	}
	return sum
}

// depth is the number of splits on the longest path from the root to a
// leaf.
func (t *Tree) depth() int {
	d := make([]int, t.Len())
	most := 0
	for i := range d {
		if t.IsLeaf(i) {
			most = max(most, d[i])
			continue
		}
		d[t.Left[i]] = d[i] + 1
		d[t.Right[i]] = d[i] + 1
	}
	return most
}
