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
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/udf"
)

// explain(model, data, top_k, version): predict's columns, then reasons:
// the top_k feature columns by the size of their contribution to the
// row's raw score, the baseline the contributions are measured from, and
// the approximation error |baseline + sum of all contributions - raw
// score|. The raw score is the log-odds of a binary classifier, the
// predicted class's logit of a multiclass one, the prediction of a
// regression model in the label's units. The model kind explains (see
// Rows.Explain), every kind additively: a perceptron from its
// training-mean input (exactly without hidden layers, by integrated
// gradients with them: the error is the integration's), boosted trees by
// TreeSHAP from the expected value over the training data (the error is
// rounding).

// explanation is what a Predictor of explain adds to predict's.
type explanation struct {
	topK  int
	names []string // per feature: its name
	index []int    // per feature: its data column
}

// BindExplain binds explain(model, data, ...): predict's bind for a model
// that predicts a label (threshold 0.5), with the columns reasons,
// baseline and approximation_error after predict's. o.TopK is at least 1
// (0: DefaultTopK), capped by the model's feature columns. Errors are
// *dserr.Error values of function explain.
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
	rec, m, err := env.scoringRecord(ctx, fn, model, o.Version)
	if err != nil {
		return nil, err
	}
	if pm, ok := m.(perceptronModel); ok {
		// A perceptron is explained from its training-mean input, which
		// comes from the statistics block.
		if _, err := needStatistics(fn, rec, pm.doc, "explanations measured from the training means"); err != nil {
			return nil, err
		}
		if _, err := pm.doc.Encoder.Expected(pm.doc.Statistics); err != nil {
			return nil, dserr.New(dserr.Internal, fn, "model", "model %q version %d: %v", rec.Name, rec.Version, err)
		}
	}
	return withData(ctx, env, fn, data, func(q *udf.Query) (*Predictor, error) {
		p, err := newModelPredictor(fn, m, q, DefaultThreshold)
		if err != nil {
			return nil, err
		}
		explained := []Output{OutReasons, OutBaseline, OutApproximationError}
		if err := CheckClash(fn, q, explained...); err != nil {
			return nil, err
		}
		names := m.Features()
		x := &explanation{topK: min(topK, len(names)), names: names, index: make([]int, len(names))}
		for i, name := range names {
			x.index[i] = dataColumn(q, name)
		}
		p.ex = x
		p.outs = append(p.outs, explained...)
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

// explainRun is a Run's scratch for the reasons.
type explainRun struct {
	contrib []float64 // per batch: row-major rows x features
	cls     []int     // per row: the explained output
	order   []int
	rl      ReasonList
}

func (r *Run) startExplain() {
	c, k, n := len(r.p.ex.names), r.p.ex.topK, udf.VectorSize
	r.ex = &explainRun{contrib: make([]float64, n*c), cls: make([]int, n), order: make([]int, c)}
	r.ex.rl = ReasonList{K: k, Null: make([]bool, n), Feature: make([]int, n*k), Contribution: make([]float64, n*k), Value: make([]string, n*k),
		Baseline: make([]float64, n), Error: make([]float64, n)}
}

// Reasons computes the reasons of the batch Next returned last (once,
// scoring it first when Score was not called), for a run of explain. The
// result is valid until the next call to Next, and only while the batch
// is not released. A long explanation stops with the run's context.
func (r *Run) Reasons() (*ReasonList, error) {
	rl := &r.ex.rl
	if r.explained {
		return rl, nil
	}
	sc := r.Score()
	x, b := r.p.ex, r.b
	n, c, k := b.Len(), len(x.names), r.buf.k
	contrib, cls := r.ex.contrib[:n*c], r.ex.cls[:n]
	multiclass := r.p.model.Task() == task.Multiclass
	for i := range cls {
		cls[i] = 0
		if multiclass {
			cls[i] = sc.Class[i]
		}
	}
	raw := r.buf.raw[:n*k]
	additive, err := r.buf.rows.Explain(r.ctx, raw, cls, contrib, rl.Baseline[:n])
	if err != nil {
		return nil, err
	}
	rl.Additive = additive
	order := r.ex.order
	for row := 0; row < n; row++ {
		score := raw[row*k+cls[row]]
		rl.Null[row] = math.IsNaN(score)
		if rl.Null[row] {
			continue
		}
		cr := contrib[row*c : (row+1)*c]
		sum := rl.Baseline[row]
		for _, v := range cr {
			sum += v
		}
		rl.Error[row] = math.Abs(sum - score)
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(i, j int) int {
			if d := cmp.Compare(math.Abs(cr[j]), math.Abs(cr[i])); d != 0 {
				return d
			}
			return strings.Compare(x.names[i], x.names[j])
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
