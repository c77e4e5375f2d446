//go:build duckdb_arrow

package sqlfuncs

import (
	"context"

	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// predict(model, data, threshold := 0.5, version := N): every input column
// unchanged, then the model's prediction columns.

var predictFn = &Function{
	Name:    "predict",
	Summary: "score data with a stored model: every input column, then prediction (and probability for classifiers)",
	Example: "SELECT customer_id, probability FROM predict('churn', 'customers') ORDER BY probability DESC LIMIT 20;",
	Columns: []ColumnDoc{
		{"prediction", "label type", "predicted class (the training label's type) or, for regression, the predicted value (DOUBLE)"},
		{"probability", "DOUBLE", "binary: P(positive class); multiclass: P(predicted class); absent for regression"},
		{"probabilities", "MAP(VARCHAR, DOUBLE)", "multiclass only: every class (as text) and its probability"},
		{"segment", "INTEGER", "kmeans (segment) models only, instead of the columns above: the row's segment, 1..k (NULL when a feature is NULL, NaN or infinite)"},
		{"distance", "DOUBLE", "kmeans models only: the distance to the segment's centroid, in standardised units"},
	},
	Table: &udf.TableFunc{
		Name: "predict",
		Bind: bindPredict,
		Args: []udf.Param{
			modelParam,
			dataParam,
		},
		Named: []udf.Param{
			{Name: "threshold", Type: udf.Double, Doc: "binary: the positive class is predicted when its probability is at least this; an error for any other model",
				Default: service.DefaultThreshold, Range: udf.Between(0, 1)},
			versionParam,
		},
	},
}

func bindPredict(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	name, data, err := a.modelData()
	if err != nil {
		return nil, err
	}
	var o service.PredictOptions
	if o.Threshold, err = a.optFloat("threshold"); err != nil {
		return nil, err
	}
	if o.Version, err = versionArg(a); err != nil {
		return nil, err
	}
	p, err := service.BindPredict(b.Ctx, envOf(b), name, data, o)
	if err != nil {
		return nil, err
	}
	return scoredBound{p}, nil
}

// scoredBound is a bound predict or explain call: the service's
// Predictor, whose runs Fill writes.
type scoredBound struct{ p *service.Predictor }

func (s scoredBound) Columns() []udf.Column { return s.p.Columns() }
func (s scoredBound) Close() error          { s.p.Close(); return nil }

func (s scoredBound) Start(ctx context.Context) (udf.Execution, error) {
	run, err := s.p.Start(ctx)
	if err != nil {
		return nil, err
	}
	return scoredExec{p: s.p, run: run}, nil
}

type scoredExec struct {
	p   *service.Predictor
	run *service.Run
}

func (e scoredExec) Threads() int { return 1 }
func (e scoredExec) Close() error { e.run.Close(); return nil }

func (e scoredExec) Fill(ctx context.Context, out *udf.Output) error {
	return fillScored(out, e.p, e.run)
}

// fillScored writes the next batch of run into out: the data's columns
// passed through, then p's outputs, scored only when one of them is
// projected.
func fillScored(out *udf.Output, p *service.Predictor, run *service.Run) error {
	b, err := run.Next()
	if err != nil || b == nil {
		out.SetLen(0)
		return err
	}
	defer b.Release()
	n, nIn := b.Len(), p.NumInputs()
	for i := 0; i < nIn; i++ {
		out.PassThrough(i, b, i)
	}
	outs := p.Outputs()
	want := false
	for j := range outs {
		want = want || out.Projected(nIn+j)
	}
	if !want {
		out.SetLen(n)
		return nil
	}
	sc := run.Score()
	null := sc.Null[:n]
	for j, o := range outs {
		col := nIn + j
		if !out.Projected(col) {
			continue
		}
		switch o {
		case service.OutPrediction:
			if p.Task() == task.Regression {
				setOrNull(out.Float64s(col), out.Validity(col), sc.Value[:n], null)
			} else {
				writeClasses(out, col, p, sc.Class[:n], null)
			}
		case service.OutProbability:
			setOrNull(out.Float64s(col), out.Validity(col), sc.Prob[:n], null)
		case service.OutProbabilities:
			if m, ok := out.Map(col); ok {
				writeProbabilities(m, p.Levels(), sc.Probs, null)
			}
		case service.OutSegment:
			nulls := out.Validity(col)
			for i, s := range sc.Segment[:n] {
				if null[i] {
					nulls.SetNull(i)
				} else {
					out.SetInt(col, i, int64(s))
				}
			}
		case service.OutDistance:
			setOrNull(out.Float64s(col), out.Validity(col), sc.Value[:n], null)
		case service.OutReasons:
			rl, err := run.Reasons()
			if err != nil {
				return err
			}
			writeReasons(out, col, p.Features(), rl, n)
		case service.OutBaseline, service.OutApproximationError:
			rl, err := run.Reasons()
			if err != nil {
				return err
			}
			writeExplained(out, col, o, rl, n)
		case service.OutPredictionWhatIf, service.OutProbabilityWhatIf, service.OutChange:
			writeWhatIf(out, col, p, o, run.WhatIf(), n)
		}
	}
	out.SetLen(n)
	return nil
}

// writeProbabilities writes the probabilities column of a multiclass
// model, MAP(VARCHAR, DOUBLE): row i, for i < len(null), maps each class
// (as text, in the model's order) to its probability in probs (row-major,
// len(levels) per row), or is NULL where null[i].
func writeProbabilities(m udf.MapWriter, levels []string, probs []float64, null []bool) {
	k := len(levels)
	keys, vals := m.Keys().Strings(), m.Values().Float64s()
	for i := range null {
		if null[i] {
			m.SetNull(i)
			continue
		}
		j := m.Append(i, k)
		for c, l := range levels {
			keys.Set(j+c, l)
		}
		vals.Copy(j, probs[i*k:(i+1)*k])
	}
}

// setOrNull writes vals into dst, NULL where null.
func setOrNull(dst []float64, nulls udf.Validity, vals []float64, null []bool) {
	for i, v := range vals {
		if null[i] {
			nulls.SetNull(i)
		} else {
			dst[i] = v
		}
	}
}

// writeClasses writes class indexes as label values of the label's type.
func writeClasses(out *udf.Output, col int, p *service.Predictor, classes []int, null []bool) {
	nulls := out.Validity(col)
	levels := p.Levels()
	switch t := p.PredictionType(); {
	case t == udf.Boolean:
		vals := out.Bools(col)
		for i, c := range classes {
			if null[i] {
				nulls.SetNull(i)
				continue
			}
			vals[i] = levels[c] == "true"
		}
	case p.IntLevels() != nil:
		ints := p.IntLevels()
		for i, c := range classes {
			if null[i] {
				nulls.SetNull(i)
				continue
			}
			out.SetInt(col, i, ints[c])
		}
	default:
		w, _ := out.Strings(col)
		for i, c := range classes {
			if null[i] {
				nulls.SetNull(i)
				continue
			}
			w.Set(i, levels[c])
		}
	}
}
