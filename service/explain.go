//go:build duckdb_arrow

package service

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/udf"
)

// explain(model, data, top_k, version): predict's columns, then reasons:
// the top_k feature columns by the size of their contribution to the
// row's score.
//
// A network without hidden layers is explained exactly: a column's
// contribution is its share of the output layer's linear sum (the logit of
// a classifier, the prediction of a regression model in the label's units),
// so the contributions of all columns plus the bias give the logit or the
// prediction. A network with hidden layers is explained by occlusion: a
// column's contribution is the score minus the score with that column's
// inputs set to the training baseline (see baseline).

// explanation is what a Predictor of explain adds to predict's.
type explanation struct {
	topK     int
	names    []string  // per encoder column: its name
	index    []int     // per encoder column: its data column
	baseline []float64 // encoded baseline row (MLP)
	scale    float64   // regression: the label's standard deviation; else 1
}

// BindExplain binds explain(model, data, ...): predict's bind for a
// perceptron model (threshold 0.5), with the reasons column after
// predict's. o.TopK is at least 1 (0: DefaultTopK), capped by the model's
// feature columns. Errors are *dserr.Error values of function explain.
func BindExplain(ctx context.Context, env Env, model, data string, o ExplainOptions) (*Predictor, error) {
	const fn = "explain"
	if err := CheckModelName(fn, model); err != nil {
		return nil, err
	}
	topK := o.TopK
	if topK == 0 {
		topK = DefaultTopK
	}
	// No upper bound: top_k is capped by the model's feature columns.
	if topK < 1 {
		return nil, dserr.AtLeast(fn, "top_k", 1, topK)
	}
	if o.Version < 0 {
		return nil, dserr.AtLeast(fn, "version", 1, o.Version)
	}
	_, doc, err := env.Perceptron(ctx, fn, model, o.Version)
	if err != nil {
		return nil, err
	}
	return withData(ctx, env, fn, data, func(q *udf.Query) (*Predictor, error) {
		p, err := newPerceptronPredictor(fn, doc, q, DefaultThreshold)
		if err != nil {
			return nil, err
		}
		if err := CheckClash(fn, q, OutReasons); err != nil {
			return nil, err
		}
		enc := &doc.Encoder
		x := &explanation{topK: min(topK, len(enc.Columns)), scale: 1, baseline: baseline(enc)}
		x.names = make([]string, len(enc.Columns))
		x.index = make([]int, len(enc.Columns))
		for i := range enc.Columns {
			x.names[i] = enc.Columns[i].Name
			x.index[i] = dataColumn(q, enc.Columns[i].Name)
		}
		if t := doc.Target; t != nil && doc.Task == task.Regression {
			x.scale = t.Std
		}
		p.ex = x
		p.outs = append(p.outs, OutReasons)
		return p, nil
	})
}

// Features are the model's feature columns an explain call's reasons
// name (ReasonList.Feature indexes them); nil for predict.
func (p *Predictor) Features() []string {
	if p.ex == nil {
		return nil
	}
	return p.ex.names
}

// dataColumn is the index of the data column name, found as Encoder.Bind
// finds it (which succeeded): an exact match, else a case-insensitive one.
func dataColumn(q *udf.Query, name string) int {
	for i := 0; i < q.NumColumns(); i++ {
		if q.ColumnName(i) == name {
			return i
		}
	}
	for i := 0; i < q.NumColumns(); i++ {
		if strings.EqualFold(q.ColumnName(i), name) {
			return i
		}
	}
	return -1
}

// baseline is the encoded training baseline row an MLP's column is reset
// to: the mean (standardised 0) of a numeric, date or timestamp column, the
// training fraction of true of a boolean one, NULL indicators 0, and the
// most frequent training level of a categorical column (Levels[0]: the
// levels are kept most frequent first).
func baseline(enc *features.Encoder) []float64 {
	base := make([]float64, enc.Width)
	for _, c := range enc.Columns {
		switch c.Kind {
		case features.KindBoolean:
			base[c.Offset] = c.Mean
		case features.KindCategorical:
			if len(c.Levels) > 0 {
				s := c.Scale
				if s == 0 {
					s = 1
				}
				base[c.Offset] = s
			}
		}
	}
	return base
}

// explainRun is a Run's scratch for the reasons.
type explainRun struct {
	contrib []float64 // per batch: row-major rows x encoder columns
	order   []int
	xb, ob  []float64 // MLP: modified rows and their outputs
	rl      ReasonList
}

func (r *Run) startExplain() {
	c, k, n := len(r.p.ex.names), r.p.ex.topK, udf.VectorSize
	r.ex = &explainRun{contrib: make([]float64, n*c), order: make([]int, c)}
	r.ex.rl = ReasonList{K: k, Null: make([]bool, n), Feature: make([]int, n*k), Contribution: make([]float64, n*k), Value: make([]string, n*k)}
}

// occlusionBudget bounds the modified rows an MLP batch is explained with
// at once, in float64 inputs.
const occlusionBudget = 1 << 22

// OutReasons computes the reasons of the batch Next returned last (once,
// scoring it first when Score was not called), for a run of explain. The
// result is valid until the next call to Next, and only while the batch
// is not released. A long occlusion stops with the run's context.
func (r *Run) Reasons() (*ReasonList, error) {
	rl := &r.ex.rl
	if r.explained {
		return rl, nil
	}
	r.Score()
	x, b := r.p.ex, r.b
	cols := r.p.doc.Encoder.Columns
	n, c := b.Len(), len(cols)
	contrib := r.ex.contrib[:n*c]
	if len(r.p.doc.Network.Layers) == 1 {
		r.linear(n, contrib)
	} else if err := r.occlude(n, contrib); err != nil {
		return nil, err
	}
	order := r.ex.order
	for row := 0; row < n; row++ {
		rl.Null[row] = math.IsNaN(r.scoreOf(r.buf.out, row, r.class(row)))
		if rl.Null[row] {
			continue
		}
		cr := contrib[row*c : (row+1)*c]
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(i, j int) int {
			if d := cmp.Compare(math.Abs(cr[j]), math.Abs(cr[i])); d != 0 {
				return d
			}
			return strings.Compare(cols[i].Name, cols[j].Name)
		})
		for k, i := range order[:x.topK] {
			j := row*x.topK + k
			rl.Feature[j], rl.Contribution[j] = i, cr[i]
			rl.Value[j] = valueText(b.Record.Column(x.index[i]), row)
		}
	}
	r.explained = true
	return rl, nil
}

// valueText is row r of a as text, 'NULL' for NULL (a reason's value).
// The text may alias a's memory.
func valueText(a arrow.Array, r int) string {
	if a.IsNull(r) {
		return "NULL"
	}
	return a.ValueStr(r)
}

// class is the output whose score row i is explained by: the predicted
// class of a multiclass model, else the one output.
func (r *Run) class(i int) int {
	if r.p.doc.Task == task.Multiclass {
		return r.buf.sc.Class[i]
	}
	return 0
}

// scoreOf is the score of output row i of outs for class cls.
func (r *Run) scoreOf(outs []float64, i, cls int) float64 {
	return outs[i*r.buf.k+cls] * r.p.ex.scale
}

// linear writes the exact contributions of a network without hidden
// layers: per column, the sum of its inputs times their weights to the
// explained output (times the label's standard deviation for regression).
func (r *Run) linear(n int, contrib []float64) {
	p := r.p
	l := &p.doc.Network.Layers[0]
	w, k := p.doc.Encoder.Width, l.Out
	cols := p.doc.Encoder.Columns
	c := len(cols)
	for row := 0; row < n; row++ {
		in, cls := r.buf.x[row*w:(row+1)*w], r.class(row)
		for ci := range cols {
			s := 0.0
			for j := cols[ci].Offset; j < cols[ci].Offset+cols[ci].Width; j++ {
				s += l.W[j*k+cls] * in[j]
			}
			contrib[row*c+ci] = s * p.ex.scale
		}
	}
}

// occlude writes the occlusion contributions of a network with hidden
// layers: per column, the score minus the score of the row with that
// column's inputs at the baseline, all modified rows of a block of rows
// scored in one Predict call.
func (r *Run) occlude(n int, contrib []float64) error {
	p, e := r.p, r.ex
	w := p.doc.Encoder.Width
	cols := p.doc.Encoder.Columns
	c := len(cols)
	block := max(1, min(n, occlusionBudget/(c*w)))
	if len(e.xb) < block*c*w {
		e.xb, e.ob = make([]float64, block*c*w), make([]float64, block*c*r.buf.k)
	}
	for r0 := 0; r0 < n; r0 += block {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		rows := min(block, n-r0)
		for i := 0; i < rows; i++ {
			in := r.buf.x[(r0+i)*w : (r0+i+1)*w]
			for ci := range cols {
				dst := e.xb[(i*c+ci)*w : (i*c+ci+1)*w]
				copy(dst, in)
				lo, hi := cols[ci].Offset, cols[ci].Offset+cols[ci].Width
				copy(dst[lo:hi], p.ex.baseline[lo:hi])
			}
		}
		m := rows * c
		p.doc.Network.Predict(e.xb[:m*w], m, e.ob[:m*r.buf.k])
		for i := 0; i < rows; i++ {
			cls := r.class(r0 + i)
			s := r.scoreOf(r.buf.out, r0+i, cls)
			for ci := range cols {
				contrib[(r0+i)*c+ci] = s - r.scoreOf(e.ob, i*c+ci, cls)
			}
		}
	}
	return nil
}
