//go:build duckdb_arrow

package service

import (
	"context"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/perceptron"
	"github.com/ducksight/ducksight/engine/store"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
)

// The one scoring interface. Every model kind that predicts a label
// (perceptron, boosted_trees) implements Model; predict, score, score_label,
// explain, evaluate, confusion_matrix, roc_curve, lift, calibration,
// fairness and feature_importance consume only Model, BoundModel and
// Rows. A kind computes raw scores (log-odds, logits, predictions) and
// explanations; the shared code derives probabilities (link), classes
// (decide) and values (regress) from the raw scores, so every kind's
// outputs mean the same. A new kind implements Model for its document
// and adds a case to scoringModel and its name to the kinds sets
// (takesScoring, takesAll) in env.go.

// Model is a decoded model document of a kind that predicts a label.
// It is read-only: several goroutines may use it at once.
type Model interface {
	// Kind is the store's name of the model kind ("perceptron",
	// "boosted_trees").
	Kind() string
	// Task is task.Binary, task.Multiclass or task.Regression.
	Task() task.Task
	// Label is the encoding of the training label: its column, type,
	// classes (a binary model's positive class) and how a label value
	// of evaluation data is read.
	Label() *features.LabelEncoding
	// Outputs is the number of raw scores per row: the number of
	// classes for a multiclass model, else 1.
	Outputs() int
	// Features are the model's input columns, by name, in the model's
	// order: what explain's reasons and feature_importance name.
	Features() []string
	// Bind binds the model to the columns of a data schema; its error
	// is a plain error about the data (a column missing or of a type
	// the model cannot read).
	Bind(schema *arrow.Schema) (BoundModel, error)
	// Holdout is the model's validation split, which finds its
	// validation rows again in its training data (data := NULL).
	Holdout() training.Holdout
}

// BoundModel is a Model bound to the columns of a data schema. It is
// read-only: several goroutines may use it at once, each with its own
// Rows.
type BoundModel interface {
	// BadRows marks in skip the rows of rec the model cannot score (for
	// a perceptron a NaN or infinite numeric feature), which evaluation
	// skips, and returns how many it marked that were not marked yet.
	BadRows(rec arrow.RecordBatch, skip []bool) int
	// NewRows returns an empty Rows with room for n rows before it
	// grows.
	NewRows(n int) Rows
}

// Rows are rows of data in a bound model's prepared input form (for a
// perceptron its encoded inputs). A Rows is used by one goroutine at a
// time.
type Rows interface {
	// Len is the number of rows held.
	Len() int
	// Reset empties the rows, keeping their memory.
	Reset()
	// Append prepares the rows of rec that skip does not mark (nil:
	// every row) and appends them, in order; it returns how many.
	Append(rec arrow.RecordBatch, skip []bool) int
	// Raw writes the raw scores of the rows into raw, Outputs per row
	// (row-major): log-odds for a binary model, one logit per class for
	// a multiclass one, the prediction in the label's units for
	// regression; NaN where a row has no score.
	Raw(raw []float64)
	// Permute replaces the values of feature f (an index into
	// Model.Features) of row i by the value row perm[i] had before the
	// first Permute of f; Restore(f) puts the original values back. One
	// feature is permuted at a time: restore it before permuting
	// another.
	Permute(f int, perm []int)
	// Restore undoes the Permute calls of feature f.
	Restore(f int)
	// Explain writes, for every row i, each feature's contribution to
	// the raw score of output cls[i] (row-major, Len x len(Features))
	// into contrib and the raw score the contributions are measured
	// from into base[i]; raw holds the rows' raw scores (Raw's). It
	// reports whether the explanation is additive: base[i] plus the
	// row's contributions is its raw score, up to rounding or an
	// approximation's error (explain reports the difference as
	// approximation_error; NULL when not additive). A long explanation
	// stops with ctx.
	Explain(ctx context.Context, raw []float64, cls []int, contrib, base []float64) (additive bool, err error)
}

// featureWeights is implemented by a Model that has a size of each
// feature's weights (feature_importance's weight column): a perceptron
// without hidden layers.
type featureWeights interface {
	// Weight is the size of feature f's weights, NaN when the model has
	// none.
	Weight(f int) float64
}

// featureGains is implemented by a Model whose features have a total
// split gain (feature_importance's gain column): boosted trees.
type featureGains interface {
	// Gain is the total loss reduction of the splits on feature f.
	Gain(f int) float64
}

// scoringModel is the Model of a decoded document, false for a kind that
// predicts no label (kmeans).
func scoringModel(doc store.Document) (Model, bool) {
	switch doc := doc.(type) {
	case *training.Document:
		return perceptronModel{doc}, true
	case *training.TreesDocument:
		m, err := newTreesModel(doc)
		return m, err == nil // Decode validated the ensemble: it explains
	}
	return nil, false
}

// Scoring loads a model of a kind that predicts a label (see Record) and
// returns its Model.
func (e Env) Scoring(ctx context.Context, fn, name string, version int) (Model, error) {
	_, m, err := e.scoringRecord(ctx, fn, name, version)
	return m, err
}

// scoringRecord is Scoring that returns the model's store record too.
func (e Env) scoringRecord(ctx context.Context, fn, name string, version int) (*store.Record, Model, error) {
	rec, err := e.Record(ctx, fn, name, version)
	if err != nil {
		return nil, nil, err
	}
	doc, err := decodeKind(fn, rec, takesScoring)
	if err != nil {
		return nil, nil, err
	}
	m, ok := scoringModel(doc)
	if !ok {
		return nil, nil, dserr.New(dserr.Internal, fn, "model", "model %q version %d: a %s document does not score", rec.Name, rec.Version, rec.Kind)
	}
	return rec, m, nil
}

// link turns the raw scores of n rows of m into what predict reports, in
// place: P(positive class) for a binary model, every class's probability
// for a multiclass one; a regression model's raw scores are its
// predictions already.
func link(m Model, raw []float64, n int) {
	perceptron.Link(m.Task(), m.Outputs(), raw, n)
}

// bindModel binds m to schema; a failure is an error of fn's data
// argument.
func bindModel(fn string, m Model, schema *arrow.Schema) (BoundModel, error) {
	b, err := m.Bind(schema)
	if err != nil {
		return nil, dserr.Arg(fn, "data", "%v", err)
	}
	return b, nil
}

// perceptronModel is the Model of a perceptron document.
type perceptronModel struct{ doc *training.Document }

func (m perceptronModel) Kind() string                   { return m.doc.Kind }
func (m perceptronModel) Task() task.Task                { return m.doc.Task }
func (m perceptronModel) Label() *features.LabelEncoding { return &m.doc.Label }
func (m perceptronModel) Outputs() int                   { return max(m.doc.Network.Outputs(), 1) }
func (m perceptronModel) Holdout() training.Holdout      { return m.doc.Holdout() }

func (m perceptronModel) Features() []string {
	cols := m.doc.Encoder.Columns
	names := make([]string, len(cols))
	for i := range cols {
		names[i] = cols[i].Name
	}
	return names
}

func (m perceptronModel) Bind(schema *arrow.Schema) (BoundModel, error) {
	b, err := m.doc.Encoder.Bind(schema)
	if err != nil {
		return nil, err
	}
	return perceptronBound{doc: m.doc, binding: b}, nil
}

// Weight is the size of a single-layer network's weights on feature f's
// inputs (see columnWeight); NaN with hidden layers.
func (m perceptronModel) Weight(f int) float64 {
	net := &m.doc.Network
	if len(net.Layers) != 1 {
		return math.NaN()
	}
	c := &m.doc.Encoder.Columns[f]
	return columnWeight(net.Layers[0].W, net.Layers[0].Out, c.Offset, c.Width)
}

// perceptronBound is a perceptron document bound to a schema.
type perceptronBound struct {
	doc     *training.Document
	binding *features.Binding
}

func (b perceptronBound) BadRows(rec arrow.RecordBatch, skip []bool) int {
	return b.binding.BadRows(rec, skip)
}

func (b perceptronBound) NewRows(n int) Rows {
	k := max(b.doc.Network.Outputs(), 1)
	return &perceptronRows{doc: b.doc, binding: b.binding, w: b.doc.Encoder.Width, k: k,
		x: make([]float64, 0, n*b.doc.Encoder.Width), saved: -1}
}

// perceptronRows are encoded rows of a perceptron: n x Encoder.Width
// inputs, row-major, feature f's at [Offset, Offset+Width) of each row.
type perceptronRows struct {
	doc     *training.Document
	binding *features.Binding
	w, k    int
	x       []float64 // n x w encoded inputs
	z       []float64 // the network's outputs of the last Raw (standardised for regression)

	saved int       // the feature whose original inputs keep holds (-1: none)
	keep  []float64 // n x its width

	at   *perceptron.Attributor // explain's (nil until needed)
	attr []float64              // explainChunk x w attributions
}

func (r *perceptronRows) Len() int { return len(r.x) / r.w }

func (r *perceptronRows) Reset() { r.x, r.saved = r.x[:0], -1 }

func (r *perceptronRows) Append(rec arrow.RecordBatch, skip []bool) int {
	n0, rows := len(r.x), int(rec.NumRows())
	if cap(r.x) < n0+rows*r.w {
		x := make([]float64, n0, max(n0+rows*r.w, 2*cap(r.x)))
		copy(x, r.x)
		r.x = x
	}
	m := r.binding.Encode(rec, skip, r.x[n0:n0+rows*r.w])
	r.x = r.x[:n0+m*r.w]
	return m
}

// Raw runs the network; a regression model's standardised output o
// becomes o*std + mean.
func (r *perceptronRows) Raw(raw []float64) {
	n := r.Len()
	if cap(r.z) < n*r.k {
		r.z = make([]float64, n*r.k)
	}
	r.z = r.z[:n*r.k]
	r.doc.Network.PredictRaw(r.x, n, r.z)
	copy(raw[:n*r.k], r.z)
	if r.doc.Task == task.Regression {
		mean, std := targetScale(r.doc)
		for i, o := range raw[:n] {
			raw[i] = o*std + mean
		}
	}
}

func (r *perceptronRows) Permute(f int, perm []int) {
	c := &r.doc.Encoder.Columns[f]
	off, cw, w := c.Offset, c.Width, r.w
	if r.saved != f {
		// One copy of the column's inputs: the source of the permuted
		// values and the restore afterwards.
		r.keep = r.keep[:0]
		for i := range r.Len() {
			r.keep = append(r.keep, r.x[i*w+off:i*w+off+cw]...)
		}
		r.saved = f
	}
	for i, p := range perm {
		copy(r.x[i*w+off:i*w+off+cw], r.keep[p*cw:(p+1)*cw])
	}
}

func (r *perceptronRows) Restore(f int) {
	if r.saved != f {
		return
	}
	c := &r.doc.Encoder.Columns[f]
	off, cw, w := c.Offset, c.Width, r.w
	for i := range r.Len() {
		copy(r.x[i*w+off:i*w+off+cw], r.keep[i*cw:(i+1)*cw])
	}
	r.saved = -1
}

// Explain measures every row from the training-mean input (the
// reference: features.Encoder.Expected of the document's statistics) with
// a perceptron.Attributor: a network without hidden layers exactly, w·(x -
// E[x]) per input, one with hidden layers by integrated gradients; a
// column's contribution is the sum over its inputs (times the label's
// standard deviation for regression), and the baseline is the raw score
// at the reference. Both add up to the raw score: exactly (to rounding)
// without hidden layers, within the integration's error with them, which
// approximation_error reports. Raw must have run on the same rows.
func (r *perceptronRows) Explain(ctx context.Context, raw []float64, cls []int, contrib, base []float64) (bool, error) {
	if r.at == nil {
		ref, err := r.doc.Encoder.Expected(r.doc.Statistics)
		if err != nil {
			return false, fmt.Errorf("explain: model document: %v", err)
		}
		if r.at, err = perceptron.NewAttributor(&r.doc.Network, ref); err != nil {
			return false, fmt.Errorf("explain: model document: %v", err)
		}
	}
	w, n := r.w, r.Len()
	cols := r.doc.Encoder.Columns
	c := len(cols)
	scale, mean := r.scale()
	if len(r.attr) < explainChunk*w {
		r.attr = make([]float64, explainChunk*w)
	}
	for r0 := 0; r0 < n; r0 += explainChunk {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		rows := min(explainChunk, n-r0)
		r.at.Attribute(r.x[r0*w:(r0+rows)*w], rows, cls[r0:r0+rows], r.attr)
		for i := range rows {
			in := r.attr[i*w : (i+1)*w]
			out := contrib[(r0+i)*c : (r0+i+1)*c]
			for ci := range cols {
				s := 0.0
				for _, v := range in[cols[ci].Offset : cols[ci].Offset+cols[ci].Width] {
					s += v
				}
				out[ci] = s * scale
			}
			base[r0+i] = r.at.Reference(cls[r0+i])*scale + mean
		}
	}
	return true, nil
}

// explainChunk is the number of rows Explain attributes between two looks
// at its context.
const explainChunk = 256

// scale is the factor from the network's output to the raw score's
// units, and the raw score of output 0: the label's standard deviation
// and mean for regression, else 1 and 0.
func (r *perceptronRows) scale() (std, mean float64) {
	if r.doc.Task == task.Regression {
		mean, std := targetScale(r.doc)
		return std, mean
	}
	return 1, 0
}
