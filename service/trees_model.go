//go:build duckdb_arrow

package service

import (
	"context"
	"math"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/engine/trees"
)

// treesModel is the Model of a boosted-trees document. Its rows are the
// columns as the trees read them (features.Raw: values unstandardised,
// categorical codes, NaN for missing), column-major; its explanations
// are exact TreeSHAP values, measured from the ensemble's expected value.
type treesModel struct {
	doc *training.TreesDocument
	sc  *trees.Scorer    // the compiled ensemble, shared
	exp *trees.Explainer // the template each Rows clones (its own scratch)
}

// newTreesModel makes the Model of doc, which Decode has validated.
func newTreesModel(doc *training.TreesDocument) (treesModel, error) {
	exp, err := trees.NewExplainer(&doc.Model)
	if err != nil {
		return treesModel{}, err
	}
	return treesModel{doc: doc, sc: trees.NewScorer(&doc.Model), exp: exp}, nil
}

func (m treesModel) Kind() string                   { return m.doc.Kind }
func (m treesModel) Task() task.Task                { return m.doc.Task }
func (m treesModel) Label() *features.LabelEncoding { return &m.doc.Label }
func (m treesModel) Outputs() int                   { return m.doc.Model.K }
func (m treesModel) Features() []string             { return m.doc.Features }
func (m treesModel) Holdout() training.Holdout      { return m.doc.Holdout() }

func (m treesModel) Bind(schema *arrow.Schema) (BoundModel, error) {
	b, err := m.doc.Encoder.Bind(schema)
	if err != nil {
		return nil, err
	}
	return treesBound{m: m, binding: b}, nil
}

// Weight: trees have no weights (feature_importance's weight column is
// NULL).
func (m treesModel) Weight(int) float64 { return math.NaN() }

// Gain is the total split gain of feature f over every tree
// (feature_importance's gain column).
func (m treesModel) Gain(f int) float64 { return m.doc.Model.Gain()[f] }

// treesBound is a boosted-trees document bound to a schema.
type treesBound struct {
	m       treesModel
	binding *features.Binding
}

// BadRows marks nothing: trees route missing and infinite values
// themselves.
func (treesBound) BadRows(arrow.RecordBatch, []bool) int { return 0 }

func (b treesBound) NewRows(n int) Rows {
	c := len(b.m.doc.Model.Columns)
	r := &treesRows{m: b.m, binding: b.binding, x: make([][]float64, c), saved: -1, exp: b.m.exp.Clone(),
		phi: make([]float64, c)}
	for j := range r.x {
		r.x[j] = make([]float64, 0, n)
	}
	return r
}

// treesRows are rows as the trees read them, column-major.
type treesRows struct {
	m       treesModel
	binding *features.Binding
	x       [][]float64 // x[j][i]: column j of row i
	batch   [][]float64 // one batch, column-major, before skipping
	saved   int         // the column keep holds (-1: none)
	keep    []float64
	exp     *trees.Explainer
	phi     []float64
}

func (r *treesRows) Len() int { return len(r.x[0]) }

func (r *treesRows) Reset() {
	for j := range r.x {
		r.x[j] = r.x[j][:0]
	}
	r.saved = -1
}

func (r *treesRows) Append(rec arrow.RecordBatch, skip []bool) int {
	n := int(rec.NumRows())
	if r.batch == nil || cap(r.batch[0]) < n {
		r.batch = make([][]float64, len(r.x))
		for j := range r.batch {
			r.batch[j] = make([]float64, n)
		}
	}
	for j := range r.batch {
		r.batch[j] = r.batch[j][:n]
	}
	r.binding.Raw(rec, r.batch)
	added := 0
	for j, col := range r.batch {
		if skip == nil {
			r.x[j] = append(r.x[j], col...)
			continue
		}
		for i, v := range col {
			if !skip[i] {
				r.x[j] = append(r.x[j], v)
			}
		}
	}
	if skip == nil {
		return n
	}
	for _, s := range skip[:n] {
		if !s {
			added++
		}
	}
	return added
}

func (r *treesRows) Raw(raw []float64) {
	r.m.sc.PredictRaw(r.x, r.Len(), raw)
}

func (r *treesRows) Permute(f int, perm []int) {
	col := r.x[f]
	if r.saved != f {
		r.keep = append(r.keep[:0], col...)
		r.saved = f
	}
	for i, p := range perm {
		col[i] = r.keep[p]
	}
}

func (r *treesRows) Restore(f int) {
	if r.saved != f {
		return
	}
	copy(r.x[f], r.keep)
	r.saved = -1
}

// Explain writes exact path-dependent TreeSHAP values: base is the
// ensemble's expected value of the explained output, and base plus the
// contributions is the row's raw score.
func (r *treesRows) Explain(ctx context.Context, raw []float64, cls []int, contrib, base []float64) (bool, error) {
	c := len(r.x)
	for i := range r.Len() {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return true, err
			}
		}
		base[i] = r.exp.SHAP(r.x, i, cls[i], contrib[i*c:(i+1)*c])
	}
	return true, nil
}
