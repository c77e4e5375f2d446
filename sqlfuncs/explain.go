//go:build duckdb_arrow

package sqlfuncs

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// explain(model, data, top_k := 3, version := N): every input column
// unchanged, the prediction columns of predict, then reasons: the top_k
// feature columns by the size of their contribution to the row's score.
//
// A network without hidden layers is explained exactly: a column's
// contribution is its share of the output layer's linear sum (the logit of
// a classifier, the prediction of a regression model in the label's units),
// so the contributions of all columns plus the bias give the logit or the
// prediction. A network with hidden layers is explained by occlusion: a
// column's contribution is the score minus the score with that column's
// inputs set to the training baseline (see baseline).

var explainFn = &Function{
	Name:    "explain",
	Summary: "score data with a perceptron model and give each row's top_k reasons: the feature columns that moved its score most",
	Example: "SELECT customer_id, probability, reasons FROM explain('churn', 'customers', top_k := 3) ORDER BY probability DESC LIMIT 10;",
	Columns: []ColumnDoc{
		{"prediction", "label type", "as predict: predicted class (the training label's type) or, for regression, the predicted value (DOUBLE)"},
		{"probability", "DOUBLE", "as predict: binary P(positive class); multiclass P(predicted class); absent for regression"},
		{"probabilities", "MAP(VARCHAR, DOUBLE)", "as predict: multiclass only, every class (as text) and its probability"},
		{"reasons", "STRUCT(feature VARCHAR, value VARCHAR, contribution DOUBLE)[]", "the top_k feature columns by |contribution|, largest first (ties by name): the column, the row's value as text ('NULL' for NULL) and its contribution to the score"},
	},
	Table: &udf.TableFunc{
		Name: "explain",
		Bind: bindExplain,
		Args: []udf.Param{
			withDoc(modelParam, "perceptron model name"),
			dataParam,
		},
		Named: []udf.Param{
			{Name: "top_k", Type: udf.Integer, Doc: "reasons per row; more than the model's feature columns gives them all", Default: defaultTopK, Range: udf.AtLeast(1)},
			versionParam,
		},
	},
}

func bindExplain(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	name, data, err := a.modelData()
	if err != nil {
		return nil, err
	}
	// No upper bound: top_k is capped by the model's feature columns.
	topK, err := a.int("top_k")
	if err != nil {
		return nil, err
	}
	version, err := versionArg(a)
	if err != nil {
		return nil, err
	}
	_, doc, err := envOf(b).Perceptron(b.Ctx, a.fn, name, version)
	if err != nil {
		return nil, err
	}
	q, err := envOf(b).Prepare(b.Ctx, a.fn, "data", data)
	if err != nil {
		return nil, err
	}
	p, err := newPredictor(a.fn, doc, q, service.DefaultThreshold)
	if err != nil {
		q.Close()
		return nil, err
	}
	for i := 0; i < p.nIn; i++ {
		if strings.EqualFold(q.ColumnName(i), "reasons") {
			q.Close()
			return nil, outputClash(a.fn, q.ColumnName(i))
		}
	}
	x := &explainer{predictor: p, topK: int(min(topK, int64(len(doc.Encoder.Columns)))), reasonsCol: len(p.cols)}
	x.cols = append(x.cols, udf.Column{Name: "reasons", Type: reasonsType})
	enc := &doc.Encoder
	x.index = make([]int, len(enc.Columns))
	for i := range enc.Columns {
		x.index[i] = dataColumn(q, enc.Columns[i].Name)
	}
	x.baseline = baseline(enc)
	if t := doc.Target; t != nil && doc.Task == task.Regression {
		x.scale = t.Std
	} else {
		x.scale = 1
	}
	return x, nil
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

// reasonsType is the type of explain's reasons column.
var reasonsType = udf.List(udf.Struct(
	udf.StructField{Name: "feature", Type: udf.Varchar},
	udf.StructField{Name: "value", Type: udf.Varchar},
	udf.StructField{Name: "contribution", Type: udf.Double},
))

// explainer is a predictor with a reasons column.
type explainer struct {
	*predictor
	topK       int
	reasonsCol int
	index      []int     // per encoder column: its data column
	baseline   []float64 // encoded baseline row (MLP)
	scale      float64   // regression: the label's standard deviation; else 1
}

func (x *explainer) Start(ctx context.Context) (udf.Execution, error) {
	r, err := x.q.Stream(ctx, nil)
	if err != nil {
		return nil, err
	}
	c := len(x.doc.Encoder.Columns)
	return &explainExec{predictExec: x.exec(r), x: x, contrib: make([]float64, udf.VectorSize*c),
		order: make([]int, c)}, nil
}

type explainExec struct {
	*predictExec
	x       *explainer
	contrib []float64 // per chunk: row-major rows x encoder columns
	order   []int
	xb, ob  []float64 // MLP: modified rows and their outputs
}

// occlusionBudget bounds the modified rows an MLP chunk is explained with
// at once, in float64 inputs.
const occlusionBudget = 1 << 22

func (e *explainExec) Fill(ctx context.Context, out *udf.Output) error {
	b, err := e.r.Next()
	if err != nil || b == nil {
		out.SetLen(0)
		return err
	}
	defer b.Release()
	x := e.x
	n := b.Len()
	for i := 0; i < x.nIn; i++ {
		out.PassThrough(i, b, i)
	}
	want := out.Projected(x.reasonsCol)
	for col := x.nIn; col < x.reasonsCol; col++ {
		want = want || out.Projected(col)
	}
	if !want {
		out.SetLen(n)
		return nil
	}
	e.score(b, n)
	e.writePredictions(out, n)
	if out.Projected(x.reasonsCol) {
		if err := e.writeReasons(ctx, out, b, n); err != nil {
			return err
		}
	}
	out.SetLen(n)
	return nil
}

// class is the output whose score row r is explained by: the predicted
// class of a multiclass model, else the one output.
func (e *explainExec) class(r int) int {
	if e.x.doc.Task == task.Multiclass {
		return e.classes[r]
	}
	return 0
}

// scoreOf is the score of output row i of outs for class cls.
func (e *explainExec) scoreOf(outs []float64, i, cls int) float64 {
	return outs[i*e.k+cls] * e.x.scale
}

func (e *explainExec) writeReasons(ctx context.Context, out *udf.Output, b *udf.Batch, n int) error {
	x := e.x
	cols := x.doc.Encoder.Columns
	c := len(cols)
	contrib := e.contrib[:n*c]
	if len(x.doc.Network.Layers) == 1 {
		e.linear(n, contrib)
	} else if err := e.occlude(ctx, n, contrib); err != nil {
		return err
	}
	reasons, _ := out.List(x.reasonsCol)
	elem := reasons.Elem().Struct()
	feature, value, contribution := elem.Field(0).Strings(), elem.Field(1).Strings(), elem.Field(2).Float64s()
	for r := 0; r < n; r++ {
		if math.IsNaN(e.scoreOf(e.out, r, e.class(r))) {
			reasons.SetNull(r)
			continue
		}
		row := contrib[r*c : (r+1)*c]
		for i := range e.order {
			e.order[i] = i
		}
		slices.SortFunc(e.order, func(i, j int) int {
			if d := cmp.Compare(math.Abs(row[j]), math.Abs(row[i])); d != 0 {
				return d
			}
			return strings.Compare(cols[i].Name, cols[j].Name)
		})
		j := reasons.Append(r, x.topK)
		for k, i := range e.order[:x.topK] {
			feature.Set(j+k, cols[i].Name)
			value.Set(j+k, valueText(b.Record.Column(x.index[i]), r))
			contribution.Set(j+k, row[i])
		}
	}
	return nil
}

// valueText is row r of a as text, 'NULL' for NULL. The text may alias the
// batch's memory: Strings.Set copies it into DuckDB's vector before the
// batch is released.
func valueText(a arrow.Array, r int) string {
	if a.IsNull(r) {
		return "NULL"
	}
	return a.ValueStr(r)
}

// linear writes the exact contributions of a network without hidden
// layers: per column, the sum of its inputs times their weights to the
// explained output (times the label's standard deviation for regression).
func (e *explainExec) linear(n int, contrib []float64) {
	x := e.x
	l := &x.doc.Network.Layers[0]
	w, k := x.doc.Encoder.Width, l.Out
	cols := x.doc.Encoder.Columns
	c := len(cols)
	for r := 0; r < n; r++ {
		in, cls := e.predictExec.x[r*w:(r+1)*w], e.class(r)
		for ci := range cols {
			s := 0.0
			for j := cols[ci].Offset; j < cols[ci].Offset+cols[ci].Width; j++ {
				s += l.W[j*k+cls] * in[j]
			}
			contrib[r*c+ci] = s * x.scale
		}
	}
}

// occlude writes the occlusion contributions of a network with hidden
// layers: per column, the score minus the score of the row with that
// column's inputs at the baseline, all modified rows of a block of rows
// scored in one Predict call.
func (e *explainExec) occlude(ctx context.Context, n int, contrib []float64) error {
	x := e.x
	w := x.doc.Encoder.Width
	cols := x.doc.Encoder.Columns
	c := len(cols)
	block := max(1, min(n, occlusionBudget/(c*w)))
	if len(e.xb) < block*c*w {
		e.xb, e.ob = make([]float64, block*c*w), make([]float64, block*c*e.k)
	}
	for r0 := 0; r0 < n; r0 += block {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows := min(block, n-r0)
		for r := 0; r < rows; r++ {
			in := e.predictExec.x[(r0+r)*w : (r0+r+1)*w]
			for ci := range cols {
				dst := e.xb[(r*c+ci)*w : (r*c+ci+1)*w]
				copy(dst, in)
				lo, hi := cols[ci].Offset, cols[ci].Offset+cols[ci].Width
				copy(dst[lo:hi], x.baseline[lo:hi])
			}
		}
		m := rows * c
		x.doc.Network.Predict(e.xb[:m*w], m, e.ob[:m*e.k])
		for r := 0; r < rows; r++ {
			cls := e.class(r0 + r)
			s := e.scoreOf(e.out, r0+r, cls)
			for ci := range cols {
				contrib[(r0+r)*c+ci] = s - e.scoreOf(e.ob, r*c+ci, cls)
			}
		}
	}
	return nil
}
