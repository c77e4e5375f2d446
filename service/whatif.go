//go:build duckdb_arrow

package service

import (
	"context"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/store"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/udf"
)

// what_if(model, data, set, version): every data column, the prediction
// (and a classifier's probability) of the row as it is, then of the row
// with the columns of set replaced by their values, and the change. Both
// are scored by the same Scorer path as predict: the what-if rows are the
// data's batches with the set columns swapped for constant columns, bound
// once to the model at bind time, so a column set to the value a row
// already has scores the same bits and changes by 0 exactly.

// whatIf is what a Predictor of what_if adds to predict's.
type whatIf struct {
	scorer *Scorer       // the model bound to the what-if schema
	schema *arrow.Schema // the data's schema with the set columns replaced
	index  []int         // per set column: its data column
	konst  []arrow.Array // per set column: udf.VectorSize rows of its value
	mem    memory.Allocator
}

// BindWhatIf binds what_if(model, data, set := {...}, version := ...):
// version o.Version of model (perceptron or boosted_trees, with the
// training statistics block), data prepared, and o.Set resolved against
// the model's input columns (names as SQL compares them) and cast to their
// training types (see castSetting). The output columns are every data
// column, prediction (and probability for a classifier) of the row as it
// is, prediction_what_if (and probability_what_if) of the row with the
// set columns replaced, and change. Errors are *dserr.Error values of
// function what_if: an empty set, a column that is not in the data nor a
// model input (with the nearest input), a data column that is not a model
// input, a column set twice, a value that does not cast.
func BindWhatIf(ctx context.Context, env Env, model, data string, o WhatIfOptions) (*Predictor, error) {
	const fn = "what_if"
	if err := CheckModelName(fn, model); err != nil {
		return nil, err
	}
	if len(o.Set) == 0 {
		return nil, dserr.Arg(fn, "set", "must name at least one model input column and its value, e.g. set := {'plan': 'premium'}")
	}
	if o.Version < 0 {
		return nil, dserr.AtLeast(fn, "version", 1, o.Version)
	}
	rec, err := env.Record(ctx, fn, model, o.Version)
	if err != nil {
		return nil, err
	}
	doc, err := decodeKind(fn, rec, takesScoring)
	if err != nil {
		return nil, err
	}
	if _, err := needStatistics(fn, rec, doc, "what_if"); err != nil {
		return nil, err
	}
	m, ok := scoringModel(doc)
	enc := modelEncoder(doc)
	if !ok || enc == nil {
		return nil, WrongKind(fn, rec, takesScoring.words)
	}
	return withData(ctx, env, fn, data, func(q *udf.Query) (*Predictor, error) {
		cols, vals, err := resolveSettings(fn, rec.Name, enc, q, o.Set)
		if err != nil {
			return nil, err
		}
		p, err := newModelPredictor(fn, m, q, DefaultThreshold)
		if err != nil {
			return nil, err
		}
		p.outs = []Output{OutPrediction}
		if m.Task() != task.Regression {
			p.outs = append(p.outs, OutProbability)
		}
		p.outs = append(p.outs, OutPredictionWhatIf)
		if m.Task() != task.Regression {
			p.outs = append(p.outs, OutProbabilityWhatIf)
		}
		p.outs = append(p.outs, OutChange)
		if err := CheckClash(fn, q, p.outs...); err != nil {
			return nil, err
		}
		wi := &whatIf{mem: memory.DefaultAllocator}
		fields := q.Schema().Fields()
		for j, c := range cols {
			idx := dataColumn(q, c.Name)
			k := vals[j].column(wi.mem, c.Kind, udf.VectorSize)
			wi.index, wi.konst = append(wi.index, idx), append(wi.konst, k)
			fields[idx] = arrow.Field{Name: fields[idx].Name, Type: k.DataType(), Nullable: true}
		}
		wi.schema = arrow.NewSchema(fields, nil)
		if wi.scorer, err = newScorer(fn, m, wi.schema, DefaultThreshold); err != nil {
			wi.release()
			return nil, err
		}
		p.wi = wi
		return p, nil
	})
}

// modelEncoder is the preprocessing of a document that predicts a label,
// which holds each input column's kind, training type and levels.
func modelEncoder(doc store.Document) *features.Encoder {
	switch doc := doc.(type) {
	case *training.Document:
		return &doc.Encoder
	case *training.TreesDocument:
		return &doc.Encoder
	}
	return nil
}

// resolveSettings finds each column of set among the model's input
// columns (exact name, else the one equal but for case) and casts its
// value; a name that is no input is an error: one the data has is not an
// input of the model, any other an unknown column, with the nearest input.
func resolveSettings(fn, model string, enc *features.Encoder, q *udf.Query, set []Setting) ([]*features.ColumnEncoding, []setValue, error) {
	inputs := make([]string, len(enc.Columns))
	for i := range enc.Columns {
		inputs[i] = enc.Columns[i].Name
	}
	cols := make([]*features.ColumnEncoding, 0, len(set))
	vals := make([]setValue, 0, len(set))
	for _, s := range set {
		c := inputColumn(enc, s.Column)
		if c == nil {
			if dataColumn(q, s.Column) >= 0 {
				return nil, nil, dserr.Arg(fn, "set", "column %q is not an input of model %q (its inputs: %s)", s.Column, model, dserr.ColumnList(inputs))
			}
			return nil, nil, dserr.UnknownColumn(fn, "set", s.Column, inputs)
		}
		for _, d := range cols {
			if d == c {
				return nil, nil, dserr.Arg(fn, "set", "column %q is set twice", c.Name)
			}
		}
		v, err := castSetting(fn, c, s.Value)
		if err != nil {
			return nil, nil, err
		}
		cols, vals = append(cols, c), append(vals, v)
	}
	return cols, vals, nil
}

// inputColumn is the encoding of the model input column name, matched
// exactly or else as SQL compares names; nil when there is none.
func inputColumn(enc *features.Encoder, name string) *features.ColumnEncoding {
	for i := range enc.Columns {
		if enc.Columns[i].Name == name {
			return &enc.Columns[i]
		}
	}
	for i := range enc.Columns {
		if strings.EqualFold(enc.Columns[i].Name, name) {
			return &enc.Columns[i]
		}
	}
	return nil
}

// release releases the constant columns.
func (w *whatIf) release() {
	for _, k := range w.konst {
		k.Release()
	}
	w.konst = nil
}

// replace is rec (n rows) with the set columns replaced by their
// constant columns, of schema w.schema. The caller releases it.
func (w *whatIf) replace(rec arrow.RecordBatch, n int) arrow.RecordBatch {
	cols := append([]arrow.Array(nil), rec.Columns()...)
	for j, idx := range w.index {
		cols[idx] = array.NewSlice(w.konst[j], 0, int64(n))
	}
	out := array.NewRecordBatch(w.schema, cols, int64(n))
	for _, idx := range w.index {
		cols[idx].Release()
	}
	return out
}

// startWhatIf gives a run its what-if buffers.
func (r *Run) startWhatIf() {
	n := udf.VectorSize
	r.wiBuf = r.p.wi.scorer.NewBuffer()
	r.wis = WhatIfScores{Null: make([]bool, n), Change: make([]float64, n), ChangeNull: make([]bool, n)}
	if r.p.model.Task() != task.Regression {
		r.wis.Prob = make([]float64, n)
	}
	r.wis.ProbNull = r.wis.Null
	if r.p.model.Task() == task.Multiclass {
		r.wis.ProbNull = r.wis.ChangeNull
	}
}

// WhatIf scores the batch Next returned last with the set columns
// replaced (once, however often it is called) and compares it with Score.
// The result is valid until the next call to Next, and only while the
// batch is not released.
func (r *Run) WhatIf() *WhatIfScores {
	if r.whatIfDone {
		return &r.wis
	}
	r.whatIfDone = true
	as := r.Score()
	n := r.b.Len()
	rec := r.p.wi.replace(r.b.Record, n)
	sc := r.p.wi.scorer.Score(rec, n, r.wiBuf)
	rec.Release()
	w := &r.wis
	copy(w.Null[:n], sc.Null[:n])
	w.Class, w.Value = sc.Class, sc.Value
	for i := range n {
		w.ChangeNull[i] = as.Null[i] || sc.Null[i]
	}
	switch r.p.model.Task() {
	case task.Regression:
		for i := range n {
			w.Change[i] = sc.Value[i] - as.Value[i]
		}
	case task.Multiclass:
		for i := range n {
			w.Prob[i] = sc.Probs[i*sc.K+as.Class[i]]
			w.Change[i] = w.Prob[i] - as.Prob[i]
		}
	default:
		for i := range n {
			w.Prob[i] = sc.Prob[i]
			w.Change[i] = w.Prob[i] - as.Prob[i]
		}
	}
	return w
}
