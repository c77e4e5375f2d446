//go:build duckdb_arrow

package sqlfuncs

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
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
	threshold, err := a.float("threshold")
	if err != nil {
		return nil, err
	}
	version, err := versionArg(a)
	if err != nil {
		return nil, err
	}
	rec, err := envOf(b).Record(b.Ctx, a.fn, name, version)
	if err != nil {
		return nil, err
	}
	if err := thresholdBinaryOnly(a, name, rec.Kind, rec.Task); err != nil {
		return nil, err
	}
	if rec.Kind == "kmeans" {
		var doc clustering.Document
		if err := service.Decode(a.fn, rec, &doc); err != nil {
			return nil, err
		}
		return newSegmentPredictor(b, a.fn, &doc, data)
	}
	if rec.Kind != "perceptron" {
		return nil, service.WrongKind(a.fn, rec, "perceptron or kmeans")
	}
	var doc training.Document
	if err := service.Decode(a.fn, rec, &doc); err != nil {
		return nil, err
	}
	q, err := envOf(b).Prepare(b.Ctx, a.fn, "data", data)
	if err != nil {
		return nil, err
	}
	p, err := newPredictor(a.fn, &doc, q, threshold)
	if err != nil {
		q.Close()
		return nil, err
	}
	return p, nil
}

// predictor scores a data query with a perceptron document.
type predictor struct {
	fn        string
	doc       *training.Document
	q         *udf.Query
	binding   *features.Binding
	threshold float64
	cols      []udf.Column
	nIn       int
	labelType udf.Type
}

func newPredictor(fn string, doc *training.Document, q *udf.Query, threshold float64) (*predictor, error) {
	binding, err := doc.Encoder.Bind(q.Schema())
	if err != nil {
		return nil, dserr.Arg(fn, "data", "%v", err)
	}
	p := &predictor{fn: fn, doc: doc, q: q, binding: binding, threshold: threshold, nIn: q.NumColumns()}
	out := []string{"prediction"}
	if doc.Task != task.Regression {
		out = append(out, "probability")
	}
	if doc.Task == task.Multiclass {
		out = append(out, "probabilities")
	}
	for i := 0; i < p.nIn; i++ {
		for _, o := range out {
			if strings.EqualFold(q.ColumnName(i), o) {
				return nil, outputClash(fn, q.ColumnName(i))
			}
		}
		p.cols = append(p.cols, udf.Column{Name: q.ColumnName(i), Type: q.ColumnType(i)})
	}
	p.labelType = udf.Double
	if doc.Task != task.Regression {
		p.labelType = labelUDFType(doc.Label.Type)
	}
	p.cols = append(p.cols, udf.Column{Name: "prediction", Type: p.labelType})
	if doc.Task != task.Regression {
		p.cols = append(p.cols, udf.Column{Name: "probability", Type: udf.Double})
	}
	if doc.Task == task.Multiclass {
		p.cols = append(p.cols, udf.Column{Name: "probabilities", Type: udf.Map(udf.Varchar, udf.Double)})
	}
	return p, nil
}

// outputClash is the error of a data column whose name an output column
// takes.
func outputClash(fn, name string) error {
	return dserr.Arg(fn, "data", "has a column named %q, which the output adds; rename it (SELECT * RENAME (%s AS %s_in) FROM ...)", name, name, name)
}

// labelUDFType maps the label's Arrow type name to the prediction column type.
func labelUDFType(arrowType string) udf.Type {
	switch arrowType {
	case "bool":
		return udf.Boolean
	case "int8":
		return udf.TinyInt
	case "int16":
		return udf.SmallInt
	case "int32":
		return udf.Integer
	case "int64":
		return udf.BigInt
	case "uint8":
		return udf.UTinyInt
	case "uint16":
		return udf.USmallInt
	case "uint32":
		return udf.UInteger
	case "uint64":
		return udf.UBigInt
	default:
		return udf.Varchar
	}
}

func (p *predictor) Columns() []udf.Column { return p.cols }
func (p *predictor) Close() error          { p.q.Close(); return nil }

func (p *predictor) Start(ctx context.Context) (udf.Execution, error) {
	r, err := p.q.Stream(ctx, nil)
	if err != nil {
		return nil, err
	}
	return p.exec(r), nil
}

// exec makes the execution that scores the batches of r.
func (p *predictor) exec(r *udf.Reader) *predictExec {
	net := p.doc.Network
	k := max(net.Outputs(), 1)
	return &predictExec{p: p, r: r, x: make([]float64, udf.VectorSize*p.doc.Encoder.Width), out: make([]float64, udf.VectorSize*k), k: k,
		classes: make([]int, udf.VectorSize), prob: make([]float64, udf.VectorSize), bad: make([]bool, udf.VectorSize)}
}

type predictExec struct {
	p       *predictor
	r       *udf.Reader
	x       []float64
	out     []float64
	k       int
	classes []int     // per chunk: predicted class index
	prob    []float64 // per chunk: its probability
	bad     []bool    // per chunk: no prediction (NaN)
}

func (e *predictExec) Threads() int { return 1 }
func (e *predictExec) Close() error { e.r.Close(); return nil }

func (e *predictExec) Fill(ctx context.Context, out *udf.Output) error {
	b, err := e.r.Next()
	if err != nil || b == nil {
		out.SetLen(0)
		return err
	}
	defer b.Release()
	p := e.p
	n := b.Len()
	for i := 0; i < p.nIn; i++ {
		out.PassThrough(i, b, i)
	}
	predCol, probCol, probsCol := p.nIn, p.nIn+1, p.nIn+2
	if !out.Projected(predCol) && (p.doc.Task == task.Regression || !out.Projected(probCol)) &&
		(p.doc.Task != task.Multiclass || !out.Projected(probsCol)) {
		out.SetLen(n)
		return nil
	}
	e.score(b, n)
	e.writePredictions(out, n)
	out.SetLen(n)
	return nil
}

// score encodes the n rows of b into e.x and runs the network into e.out.
func (e *predictExec) score(b *udf.Batch, n int) {
	p := e.p
	w := p.doc.Encoder.Width
	p.binding.Encode(b.Record, nil, e.x[:n*w])
	p.doc.Network.Predict(e.x[:n*w], n, e.out[:n*e.k])
}

// writePredictions writes the prediction columns of n rows from e.out
// (see score); for a classifier it leaves each row's class, probability
// and NaN flag in e.classes, e.prob and e.bad.
func (e *predictExec) writePredictions(out *udf.Output, n int) {
	p := e.p
	predCol, probCol, probsCol := p.nIn, p.nIn+1, p.nIn+2
	switch p.doc.Task {
	case task.Regression:
		if out.Projected(predCol) {
			regress(p.doc, e.out[:n], out.Float64s(predCol), out.Validity(predCol))
		}
	default: // binary, multiclass: a class and its probability per row
		classes, bad, prob := e.classes[:n], e.bad[:n], e.prob[:n]
		decide(p.doc, p.threshold, e.out[:n*e.k], classes, prob, bad)
		if probs := out.Float64s(probCol); probs != nil {
			setOrNull(probs, out.Validity(probCol), prob, bad)
		}
		writeClasses(out, predCol, p.labelType, p.doc.Label.Levels, classes, bad)
		if p.doc.Task == task.Multiclass {
			if m, ok := out.Map(probsCol); ok {
				writeProbabilities(m, p.doc.Label.Levels, e.out[:n*e.k], bad)
			}
		}
	}
}

// writeProbabilities writes the probabilities column of a multiclass
// model, MAP(VARCHAR, DOUBLE): row i, for i < len(bad), maps each class
// (as text, in the model's order) to its probability in outs (row-major,
// len(levels) per row), or is NULL where bad[i].
func writeProbabilities(m udf.MapWriter, levels []string, outs []float64, bad []bool) {
	k := len(levels)
	keys, vals := m.Keys().Strings(), m.Values().Float64s()
	for i := range bad {
		if bad[i] {
			m.SetNull(i)
			continue
		}
		j := m.Append(i, k)
		for c, l := range levels {
			keys.Set(j+c, l)
		}
		vals.Copy(j, outs[i*k:(i+1)*k])
	}
}

// regress writes a regression network's outputs, back in the label's
// scale, into vals; a NaN or infinite value is written NULL.
func regress(doc *training.Document, outs, vals []float64, nulls udf.Validity) {
	mean, std := 0.0, 1.0
	if t := doc.Target; t != nil {
		mean, std = t.Mean, t.Std
	}
	for i, o := range outs {
		v := o*std + mean
		if math.IsNaN(v) || math.IsInf(v, 0) {
			nulls.SetNull(i)
			continue
		}
		vals[i] = v
	}
}

// decide turns a classifier's outputs (len(classes) rows of one output for
// binary, of one per class for multiclass) into each row's class index and
// probability (binary: P(positive class), the class by threshold;
// multiclass: the most probable class and its probability); bad marks rows
// whose output is NaN.
func decide(doc *training.Document, threshold float64, outs []float64, classes []int, prob []float64, bad []bool) {
	if doc.Task == task.Binary {
		pos, neg := doc.Label.Positive, 1-doc.Label.Positive
		for i, v := range outs[:len(classes)] {
			prob[i], bad[i] = v, math.IsNaN(v)
			if v >= threshold {
				classes[i] = pos
			} else {
				classes[i] = neg
			}
		}
		return
	}
	k := len(outs) / len(classes)
	for i := range classes {
		row := outs[i*k : (i+1)*k]
		best := 0
		for c := 1; c < k; c++ {
			if row[c] > row[best] {
				best = c
			}
		}
		classes[i], prob[i], bad[i] = best, row[best], math.IsNaN(row[best])
	}
}

// setOrNull writes vals into dst, NULL where bad.
func setOrNull(dst []float64, nulls udf.Validity, vals []float64, bad []bool) {
	for i, v := range vals {
		if bad[i] {
			nulls.SetNull(i)
		} else {
			dst[i] = v
		}
	}
}

// writeClasses writes class indexes as label values of the label's type.
func writeClasses(out *udf.Output, col int, t udf.Type, levels []string, classes []int, bad []bool) {
	if !out.Projected(col) {
		return
	}
	nulls := out.Validity(col)
	switch t {
	case udf.Boolean:
		vals := out.Bools(col)
		for i, c := range classes {
			if bad[i] {
				nulls.SetNull(i)
				continue
			}
			vals[i] = levels[c] == "true"
		}
	case udf.TinyInt, udf.SmallInt, udf.Integer, udf.BigInt, udf.UTinyInt, udf.USmallInt, udf.UInteger, udf.UBigInt:
		parsed := make([]int64, len(levels))
		for j, l := range levels {
			v, err := strconv.ParseInt(l, 10, 64)
			if err != nil {
				// UBIGINT above the BIGINT range: the bits travel as int64
				// and SetInt writes them back as uint64.
				u, uerr := strconv.ParseUint(l, 10, 64)
				if uerr != nil {
					panic(fmt.Sprintf("predict: class %q of an integer label does not parse", l))
				}
				v = int64(u)
			}
			parsed[j] = v
		}
		for i, c := range classes {
			if bad[i] {
				nulls.SetNull(i)
				continue
			}
			out.SetInt(col, i, parsed[c])
		}
	default:
		w, _ := out.Strings(col)
		for i, c := range classes {
			if bad[i] {
				nulls.SetNull(i)
				continue
			}
			w.Set(i, levels[c])
		}
	}
}
