//go:build duckdb_arrow

package service

import (
	"context"
	"math"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/udf"
)

// Predictor is a bound predict or explain call: the model loaded once,
// the data query prepared once (never run by the bind) and the output
// columns derived. Start streams the data and scores it. The caller
// closes the Predictor, which closes its data query and its connection.
type Predictor struct {
	q         *udf.Query
	ownsQuery bool
	nIn       int
	outs      []Output

	// A model that predicts a label.
	model     Model
	scorer    *Scorer
	labelType udf.Type
	labelInts []int64 // integer labels: each level's value

	// A kmeans model and its encoder bound to the data.
	km      *clustering.Document
	binding *features.Binding

	// explain (see explain.go).
	ex *explanation

	// what_if (see whatif.go).
	wi *whatIf
}

// BindPredict binds predict(model, data, ...): it checks o (a threshold
// in [0, 1], and only for a binary classifier), loads version o.Version
// of model (a kind that predicts a label, or kmeans), prepares data and
// derives the output columns: every data column, then prediction (and
// probability for a classifier, probabilities for a multiclass one), or
// for a kmeans model segment and distance. Nothing runs yet. Errors are
// *dserr.Error values of function predict.
func BindPredict(ctx context.Context, env Env, model, data string, o PredictOptions) (*Predictor, error) {
	const fn = "predict"
	if err := CheckModelName(fn, model); err != nil {
		return nil, err
	}
	threshold := DefaultThreshold
	if o.Threshold != nil {
		threshold = *o.Threshold
		if !(threshold >= 0 && threshold <= 1) {
			return nil, dserr.Arg(fn, "threshold", "must be between 0 and 1, got %g", threshold)
		}
	}
	if o.Version < 0 {
		return nil, dserr.AtLeast(fn, "version", 1, o.Version)
	}
	rec, err := env.Record(ctx, fn, model, o.Version)
	if err != nil {
		return nil, err
	}
	if err := thresholdBinaryOnly(fn, model, o.Threshold != nil, rec.Kind, rec.Task); err != nil {
		return nil, err
	}
	doc, err := decodeKind(fn, rec, takesAll)
	if err != nil {
		return nil, err
	}
	if m, ok := scoringModel(doc); ok {
		return withData(ctx, env, fn, data, func(q *udf.Query) (*Predictor, error) {
			return newModelPredictor(fn, m, q, threshold)
		})
	}
	switch doc := doc.(type) {
	case *clustering.Document:
		return withData(ctx, env, fn, data, func(q *udf.Query) (*Predictor, error) {
			if err := CheckClash(fn, q, OutSegment, OutDistance); err != nil {
				return nil, err
			}
			p, err := AssignSegments(fn, doc, q)
			if err != nil {
				return nil, err
			}
			p.ownsQuery = true
			return p, nil
		})
	}
	return nil, WrongKind(fn, rec, takesAll.words)
}

// AssignSegments is a Predictor of function fn that assigns the rows of q
// to the segments of a kmeans document: every column of q, then segment
// and distance (segment's output, and predict's for a kmeans model). The
// query stays the caller's: closing the Predictor does not close it.
func AssignSegments(fn string, doc *clustering.Document, q *udf.Query) (*Predictor, error) {
	binding, err := bindEncoder(fn, &doc.Encoder, q.Schema())
	if err != nil {
		return nil, err
	}
	return &Predictor{q: q, nIn: q.NumColumns(), outs: []Output{OutSegment, OutDistance}, km: doc, binding: binding}, nil
}

// newModelPredictor binds a model that predicts a label to q; the
// Predictor owns q.
func newModelPredictor(fn string, m Model, q *udf.Query, threshold float64) (*Predictor, error) {
	scorer, err := newScorer(fn, m, q.Schema(), threshold)
	if err != nil {
		return nil, err
	}
	p := &Predictor{q: q, ownsQuery: true, nIn: q.NumColumns(), model: m, scorer: scorer}
	tk, label := m.Task(), m.Label()
	p.outs = []Output{OutPrediction}
	if tk != task.Regression {
		p.outs = append(p.outs, OutProbability)
	}
	if tk == task.Multiclass {
		p.outs = append(p.outs, OutProbabilities)
	}
	if err := CheckClash(fn, q, p.outs...); err != nil {
		return nil, err
	}
	p.labelType = udf.Double
	if tk != task.Regression {
		p.labelType = labelType(label.Type)
		if isInteger(p.labelType) {
			p.labelInts = make([]int64, len(label.Levels))
			for j, l := range label.Levels {
				v, err := strconv.ParseInt(l, 10, 64)
				if err != nil {
					// UBIGINT above the BIGINT range: the bits travel as
					// int64, written back as uint64.
					u, uerr := strconv.ParseUint(l, 10, 64)
					if uerr != nil {
						return nil, dserr.New(dserr.Internal, fn, "model", "class %q of an integer label does not parse", l)
					}
					v = int64(u)
				}
				p.labelInts[j] = v
			}
		}
	}
	return p, nil
}

// CheckClash refuses a data column whose name one of outs takes.
func CheckClash(fn string, q *udf.Query, outs ...Output) error {
	names := make([]string, len(outs))
	for i, o := range outs {
		names[i] = o.String()
	}
	return checkClashNames(fn, q, names...)
}

// checkClashNames refuses a data column of q that has one of names (the
// columns fn adds), compared as SQL compares names.
func checkClashNames(fn string, q *udf.Query, names ...string) error {
	for i := 0; i < q.NumColumns(); i++ {
		for _, n := range names {
			if name := q.ColumnName(i); strings.EqualFold(name, n) {
				return dserr.Arg(fn, "data", "has a column named %q, which the output adds; rename it (SELECT * RENAME (%s AS %s_in) FROM ...)", name, name, name)
			}
		}
	}
	return nil
}

// labelTypes are the label types a classifier's prediction column keeps:
// the Arrow type of the training label (LabelEncoding.Type is its
// spelling), the column's DuckDB type, and whether it is an integer. A
// label of any other type predicts VARCHAR.
var labelTypes = []struct {
	arrow   arrow.DataType
	sql     udf.Type
	integer bool
}{
	{arrow.FixedWidthTypes.Boolean, udf.Boolean, false},
	{arrow.PrimitiveTypes.Int8, udf.TinyInt, true},
	{arrow.PrimitiveTypes.Int16, udf.SmallInt, true},
	{arrow.PrimitiveTypes.Int32, udf.Integer, true},
	{arrow.PrimitiveTypes.Int64, udf.BigInt, true},
	{arrow.PrimitiveTypes.Uint8, udf.UTinyInt, true},
	{arrow.PrimitiveTypes.Uint16, udf.USmallInt, true},
	{arrow.PrimitiveTypes.Uint32, udf.UInteger, true},
	{arrow.PrimitiveTypes.Uint64, udf.UBigInt, true},
}

// labelType maps the label's Arrow type name to the prediction column's
// type.
func labelType(arrowType string) udf.Type {
	for _, l := range labelTypes {
		if l.arrow.String() == arrowType {
			return l.sql
		}
	}
	return udf.Varchar
}

func isInteger(t udf.Type) bool {
	for _, l := range labelTypes {
		if l.sql == t {
			return l.integer
		}
	}
	return false
}

// Task is the model's task: task.Binary, task.Multiclass,
// task.Regression or, for a kmeans model, task.Segmentation.
func (p *Predictor) Task() task.Task {
	if p.km != nil {
		return task.Segmentation
	}
	return p.model.Task()
}

// NumInputs is the number of data columns, which come first in the
// output, unchanged.
func (p *Predictor) NumInputs() int { return p.nIn }

// Outputs are the columns added after the data's, in order.
func (p *Predictor) Outputs() []Output { return p.outs }

// Levels are a classifier's classes as text, in the model's order
// (Scores.Class indexes them); nil for other models.
func (p *Predictor) Levels() []string {
	if p.model == nil || p.model.Task() == task.Regression {
		return nil
	}
	return p.model.Label().Levels
}

// PredictionType is the DuckDB type of the prediction column: the
// training label's type for a classifier (a label of another type than
// BOOLEAN or an integer predicts VARCHAR), DOUBLE for regression.
func (p *Predictor) PredictionType() udf.Type { return p.labelType }

// IntLevels are the levels of an integer label as values (a UBIGINT
// above the BIGINT range as its bits), nil for other labels.
func (p *Predictor) IntLevels() []int64 { return p.labelInts }

// Columns are the output columns for the SQL adapter: the data's columns,
// then Outputs.
func (p *Predictor) Columns() []udf.Column {
	cols := make([]udf.Column, 0, p.nIn+len(p.outs))
	for i := 0; i < p.nIn; i++ {
		cols = append(cols, udf.Column{Name: p.q.ColumnName(i), Type: p.q.ColumnType(i)})
	}
	for _, o := range p.outs {
		cols = append(cols, udf.Column{Name: o.String(), Type: p.outputType(o)})
	}
	return cols
}

// ReasonsType is the type of explain's reasons column.
var ReasonsType = udf.List(udf.Struct(
	udf.StructField{Name: "feature", Type: udf.Varchar},
	udf.StructField{Name: "value", Type: udf.Varchar},
	udf.StructField{Name: "contribution", Type: udf.Double},
))

func (p *Predictor) outputType(o Output) udf.Type {
	switch o {
	case OutPrediction, OutPredictionWhatIf:
		return p.labelType
	case OutProbabilities:
		return udf.Map(udf.Varchar, udf.Double)
	case OutSegment:
		return udf.Integer
	case OutReasons:
		return ReasonsType
	}
	return udf.Double
}

// Schema is the Arrow schema of the output for the Go adapter: the data
// query's batches' fields, then Outputs with the Arrow types DuckDB gives
// their SQL types.
func (p *Predictor) Schema() *arrow.Schema {
	in := p.q.Schema()
	fields := make([]arrow.Field, 0, p.nIn+len(p.outs))
	fields = append(fields, in.Fields()...)
	for _, o := range p.outs {
		fields = append(fields, arrow.Field{Name: o.String(), Type: p.arrowType(o), Nullable: true})
	}
	return arrow.NewSchema(fields, nil)
}

// ArrowReasonsType is the Arrow type of explain's reasons column.
var ArrowReasonsType = arrow.ListOf(arrow.StructOf(
	arrow.Field{Name: "feature", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "value", Type: arrow.BinaryTypes.String, Nullable: true},
	arrow.Field{Name: "contribution", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
))

// ArrowProbabilitiesType is the Arrow type of predict's probabilities
// column.
var ArrowProbabilitiesType = arrow.MapOf(arrow.BinaryTypes.String, arrow.PrimitiveTypes.Float64)

func (p *Predictor) arrowType(o Output) arrow.DataType {
	switch o {
	case OutPrediction, OutPredictionWhatIf:
		if p.labelType == udf.Double {
			return arrow.PrimitiveTypes.Float64
		}
		for _, l := range labelTypes {
			if l.sql == p.labelType {
				return l.arrow
			}
		}
		return arrow.BinaryTypes.String
	case OutProbabilities:
		return ArrowProbabilitiesType
	case OutSegment:
		return arrow.PrimitiveTypes.Int32
	case OutReasons:
		return ArrowReasonsType
	}
	return arrow.PrimitiveTypes.Float64
}

// Close closes the data query (and its connection) when the Predictor
// owns it.
func (p *Predictor) Close() {
	if p.ownsQuery {
		p.q.Close()
	}
	if p.wi != nil {
		p.wi.release()
	}
}

// Start runs the data query and returns the run that scores its batches.
// The caller closes the run before the Predictor.
func (p *Predictor) Start(ctx context.Context) (*Run, error) {
	r, err := p.q.Stream(ctx, nil)
	if err != nil {
		return nil, err
	}
	run := &Run{p: p, ctx: ctx, r: r}
	if p.km != nil {
		n := udf.VectorSize
		run.kx = make([]float64, n*p.binding.Encoder().Width)
		run.buf = &ScoreBuffer{}
		run.buf.sc = Scores{Null: make([]bool, n), Segment: make([]int32, n), Value: make([]float64, n)}
		run.lab, run.dist = make([]int32, n), make([]float64, n)
		return run, nil
	}
	run.buf = p.scorer.NewBuffer()
	if p.ex != nil {
		run.startExplain()
	}
	if p.wi != nil {
		run.startWhatIf()
	}
	return run, nil
}

// Run streams a bound call's data and scores it batch by batch, lazily:
// Next hands out the next data batch, and Score (and, for explain,
// OutReasons) computes its scores only when asked, so an adapter that needs
// none of the output columns does no scoring. A Run is used by one
// goroutine at a time; the caller closes it.
type Run struct {
	p   *Predictor
	ctx context.Context
	r   *udf.Reader
	b   *udf.Batch

	scored, explained bool

	buf *ScoreBuffer // the batch's prepared rows, raw scores and scores

	kx   []float64 // kmeans: the batch's encoded rows
	lab  []int32   // kmeans: segment index per encoded row
	dist []float64

	ex *explainRun

	// what_if: the what-if rows' buffer and scores (see WhatIf).
	wiBuf      *ScoreBuffer
	wis        WhatIfScores
	whatIfDone bool
}

// Next returns the next data batch, or (nil, nil) at the end of the data.
// The caller releases the batch, after reading its Score and Reasons.
// The data query's errors (cancellation included) come from here.
func (r *Run) Next() (*udf.Batch, error) {
	r.b, r.scored, r.explained, r.whatIfDone = nil, false, false, false
	b, err := r.r.Next()
	if err != nil || b == nil {
		return nil, err
	}
	r.b = b
	return b, nil
}

// Close ends the stream (also mid-way).
func (r *Run) Close() { r.r.Close() }

// Score scores the batch Next returned last (once, however often it is
// called). The result is valid until the next call to Next, and only
// while the batch is not released.
func (r *Run) Score() *Scores {
	if !r.scored {
		r.scored = true
		if r.p.km != nil {
			r.assign(r.b)
		} else {
			r.p.scorer.Score(r.b.Record, r.b.Len(), r.buf)
		}
	}
	return &r.buf.sc
}

// assign assigns the n rows of b to their segments.
func (r *Run) assign(b *udf.Batch) {
	n, w, sc := b.Len(), r.p.km.Encoder.Width, &r.buf.sc
	null := sc.Null[:n]
	clear(null)
	r.p.binding.BadRows(b.Record, null)
	k := r.p.binding.Encode(b.Record, null, r.kx[:n*w])
	r.p.km.Model.Assign(r.kx[:k*w], k, r.lab[:k], r.dist[:k])
	j := 0
	for i := range null {
		if null[i] {
			continue
		}
		if r.lab[j] < 0 {
			null[i] = true
		} else {
			sc.Segment[i], sc.Value[i] = r.lab[j]+1, r.dist[j]
		}
		j++
	}
}

// targetScale is the standardisation of a regression model's label:
// its network's output o predicts o*std + mean (0 and 1 without one).
func targetScale(doc *training.Document) (mean, std float64) {
	if t := doc.Target; t != nil {
		return t.Mean, t.Std
	}
	return 0, 1
}

// regress turns a regression model's raw scores (its predictions in the
// label's units) into vals; null marks the NaN or infinite ones.
func regress(raw, vals []float64, null []bool) {
	for i, v := range raw {
		vals[i], null[i] = v, math.IsNaN(v) || math.IsInf(v, 0)
	}
}

// decide turns a classifier's linked outputs (len(classes) rows of one
// output for binary, of one per class for multiclass) into each row's
// class index and probability (binary: P(positive class), the class by
// threshold; multiclass: the most probable class and its probability);
// null marks rows whose output is NaN.
func decide(m Model, threshold float64, outs []float64, classes []int, prob []float64, null []bool) {
	if m.Task() == task.Binary {
		pos := m.Label().Positive
		neg := 1 - pos
		for i, v := range outs[:len(classes)] {
			prob[i], null[i] = v, math.IsNaN(v)
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
		best := argmax(row)
		classes[i], prob[i], null[i] = best, row[best], math.IsNaN(row[best])
	}
}

// argmax is the index of the largest of a multiclass row's outputs, the
// first of equal ones (a comparison with NaN is false: a NaN first output
// stays, which the callers read as no prediction).
func argmax(row []float64) int {
	best := 0
	for c := 1; c < len(row); c++ {
		if row[c] > row[best] {
			best = c
		}
	}
	return best
}
