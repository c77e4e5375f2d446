package pushdown

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/metrics"
	"github.com/ducksight/ducksight/engine/perceptron"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
)

// AUCBins is the number of score bins of the engine-side AUC.
const AUCBins = 65536

// rowTerms names the per-row terms of one aggregate query (the encoded
// inputs, the logit, the 0/1 label) so that each is written once and the
// query's text stays linear in the number of inputs (an engine's planner
// is slow on, and ClickHouse's max_query_size refuses, text that repeats
// the logit in every gradient column). ClickHouse defines each term at
// its first use with an expression alias ((expr) AS name), which the
// whole query may use (18.16 too), and the query stays one aggregate over
// the table: on a Distributed table a subquery around it would bring every
// row to the initiator. DuckDB computes the terms in a projection of the
// table's rows that the aggregates read (FROM (SELECT terms FROM table
// WHERE ...)): one process, where a projection moves nothing; a term may
// use the ones before it (DuckDB's lateral column aliases).
type rowTerms struct {
	p     *Plan
	defs  []string // DuckDB: the projection's columns
	named map[string]bool
}

func (p *Plan) terms() *rowTerms { return &rowTerms{p: p, named: map[string]bool{}} }

// ref is a reference to the term name of expression expr.
func (t *rowTerms) ref(name, expr string) string {
	if t.named[name] {
		return name
	}
	t.named[name] = true
	if t.p.d == ClickHouse {
		return "((" + expr + ") AS " + name + ")"
	}
	t.defs = append(t.defs, expr+" AS "+name)
	return name
}

// input is the encoded input j.
func (t *rowTerms) input(f *Fit, j int) string {
	return t.ref(fmt.Sprintf("ducksight_x%d", j+1), f.inputs[j])
}

// y is the label as 0/1 (1: the positive class).
func (t *rowTerms) y() string { return t.ref("ducksight_y", t.p.y) }

// z is the logit at flat parameters w (Inputs weights, then the bias).
func (t *rowTerms) z(f *Fit, w []float64) string {
	d := t.p.d
	var b strings.Builder
	b.WriteString(d.Float(w[len(w)-1]))
	for j := range f.inputs {
		if w[j] != 0 {
			fmt.Fprintf(&b, " + %s * %s", d.Float(w[j]), t.input(f, j))
		}
	}
	return t.ref("ducksight_z", b.String())
}

// loss is the log loss of a row, max(z, 0) - z*y + ln(1 + exp(-|z|)).
func (t *rowTerms) loss(f *Fit, w []float64) string {
	// Each use asks for the term: the first defines it (ClickHouse).
	s := "(greatest(" + t.z(f, w) + ", 0) - "
	s += t.z(f, w) + " * " + t.y() + " + "
	return s + t.p.d.Ln("1 + exp(-abs("+t.z(f, w)+"))") + ")"
}

// r is sigmoid(z) - y, the gradient of a row's loss with respect to z.
func (t *rowTerms) r(f *Fit, w []float64) string {
	return t.ref("ducksight_r", "1 / (1 + exp(-"+t.z(f, w)+")) - "+t.y())
}

// query is the aggregate query of cols over the rows of cond, the terms
// defined (see rowTerms), with tail (GROUP BY ...) after it.
func (t *rowTerms) query(cols []string, cond, tail string) string {
	if t.p.d == ClickHouse || len(t.defs) == 0 {
		return t.p.query(cols, cond, tail)
	}
	q := "SELECT " + strings.Join(cols, ", ") + " FROM (SELECT " + strings.Join(t.defs, ", ") + " FROM " + t.p.from + " WHERE " + cond + ") AS ducksight_rows"
	if tail != "" {
		q += " " + tail
	}
	return q
}

// lossBound bounds a row's log loss at parameters w: |z| + ln 2, |z| at
// most the bias plus the weights times their inputs' bounds.
func (p *Plan) lossBound(f *Fit, w []float64) float64 {
	zb := math.Abs(w[len(w)-1]) + 1
	for j, b := range f.bound {
		zb += math.Abs(w[j]) * b
	}
	return zb
}

// LossGradSQL is the one aggregate query of an evaluation at parameters w
// over the rows of cond: the log-loss sum, then the gradient sums of each
// input's weight and of the bias, and the scales of the exact sums.
func (p *Plan) LossGradSQL(f *Fit, w []float64, cond string, rows int64) (string, []int, error) {
	d := p.d
	t := p.terms()
	zb := p.lossBound(f, w)
	scales := make([]int, 0, len(f.inputs)+2)
	sum := func(expr string, bound float64) (string, error) {
		if !p.s.Exact {
			scales = append(scales, 0)
			return d.FloatSum(expr), nil
		}
		s, ok := Scale(rows, bound)
		if !ok {
			return "", dserr.Arg(Fn, "exact", "terms too large for exact sums (weights of order %g); exact := false sums doubles", zb)
		}
		scales = append(scales, s)
		return d.ExactSum(expr, s), nil
	}
	cols := make([]string, 0, len(f.inputs)+2)
	c, err := sum(t.loss(f, w), zb)
	if err != nil {
		return "", nil, err
	}
	cols = append(cols, c)
	for j := range f.inputs {
		if c, err = sum(t.r(f, w)+" * "+t.input(f, j), f.bound[j]); err != nil {
			return "", nil, err
		}
		cols = append(cols, c)
	}
	if c, err = sum(t.r(f, w), 1); err != nil {
		return "", nil, err
	}
	cols = append(cols, c)
	return t.query(cols, cond, ""), scales, nil
}

// sums runs LossGradSQL over the training rows: perceptron.Sums.
func (p *Plan) sums(ctx context.Context, f *Fit) perceptron.Sums {
	return func(w, grad []float64) (float64, float64, error) {
		q, scales, err := p.LossGradSQL(f, w, p.trainCond(), f.TrainRows)
		if err != nil {
			return 0, 0, err
		}
		rows, err := p.run(ctx, "data", "of the loss and gradient", q)
		if err != nil {
			return 0, 0, err
		}
		vals := make([]float64, len(rows[0]))
		for i, v := range rows[0] {
			if vals[i], err = p.d.ParseSum(v, scales[i], p.s.Exact); err != nil {
				return 0, 0, err
			}
		}
		copy(grad, vals[1:])
		return vals[0], float64(f.TrainRows), nil
	}
}

// Validate returns the mean log loss of the model's parameters w over the
// validation rows and their AUC over AUCBins equal-width score bins (the
// pairs within one bin count one half), both computed in the engine.
func (p *Plan) Validate(ctx context.Context, f *Fit, w []float64) (loss, auc float64, err error) {
	d := p.d
	t := p.terms()
	// The loss sum is exact as the training's are (the same scale rule),
	// so that it too does not depend on the shards.
	scale, exact := Scale(f.ValidRows, p.lossBound(f, w))
	exact = exact && p.s.Exact
	rowLoss := t.loss(f, w) // once: the first use of a term defines it
	sum := d.FloatSum(rowLoss)
	if exact {
		sum = d.ExactSum(rowLoss, scale)
	}
	rows, err := p.run(ctx, "validation", "of the validation loss", t.query([]string{sum}, p.validCond(), ""))
	if err != nil {
		return 0, 0, err
	}
	ls, err := d.ParseSum(rows[0][0], scale, exact)
	if err != nil {
		return 0, 0, dserr.Wrap(dserr.Internal, Fn, "", err)
	}
	t = p.terms()
	bin := fmt.Sprintf("least(%d, floor(%d / (1 + exp(-%s))))", AUCBins-1, AUCBins, t.z(f, w))
	rows, err = p.run(ctx, "validation", "of the validation AUC", t.query([]string{d.Text(bin) + " AS ducksight_score_bin", "count(*)", "sum(" + t.y() + ")"}, p.validCond(), "GROUP BY ducksight_score_bin"))
	if err != nil {
		return 0, 0, err
	}
	pos := make([]float64, AUCBins)
	neg := make([]float64, AUCBins)
	for _, r := range rows {
		k := int(num(r[0]))
		if k < 0 || k >= AUCBins {
			continue
		}
		n, yp := num(r[1]), num(r[2])
		pos[k] += yp
		neg[k] += n - yp
	}
	return ls / float64(f.ValidRows), metrics.BinnedAUC(pos, neg), nil
}

// Train runs the fit pass and full-batch L-BFGS (perceptron.Minimize: the
// local exact solver's objective and settings) with options o (hidden :=
// [], solver 'lbfgs'; its Epochs caps the iterations, its L2 the
// penalty), one aggregate query per evaluation, and returns the model as
// local training returns one, Mode "engine".
func Train(ctx context.Context, p *Plan, o training.Options) (*training.Result, error) {
	start := time.Now()
	f, err := p.FitPass(ctx)
	if err != nil {
		return nil, err
	}
	m, err := perceptron.New(perceptron.Config{Task: task.Binary, Inputs: f.Encoder.Width, Classes: 2,
		Activation: o.Activation, Optimizer: o.Optimizer, LearningRate: training.DefaultLearningRate, L2: *o.L2, Seed: uint64(*o.Seed)})
	if err != nil {
		return nil, dserr.Wrap(dserr.Internal, Fn, "", err)
	}
	// Local training's starting point: the seeded weights, the bias at
	// the training rows' log odds (the counts as two weighted rows give
	// InitBias the same sums, so the same bits).
	m.InitBias([]float64{1, 0}, []float64{float64(f.TrainPositives), float64(f.TrainRows - f.TrainPositives)}, 2)
	obj, err := perceptron.NewSumsObjective(m, p.sums(ctx, f))
	if err != nil {
		return nil, dserr.Wrap(dserr.Internal, Fn, "", err)
	}
	var history []training.Epoch
	t0 := time.Now()
	params := make([]float64, obj.Dim())
	res, err := perceptron.Minimize(ctx, obj, perceptron.LBFGSSettings{MaxIterations: o.Epochs, Iteration: func(it perceptron.Iteration) error {
		ev := training.Epoch{Epoch: it.Iteration, TrainLoss: it.Loss, ValidLoss: dataset.Num(math.NaN()), ValidMetric: dataset.Num(math.NaN()),
			Seconds: time.Since(t0).Seconds()}
		t0 = time.Now()
		history = append(history, ev)
		if o.Progress != nil {
			pe := ev
			pe.Epochs, pe.MetricName, pe.Unit = o.Epochs, "AUC", "iteration"
			o.Progress(pe)
		}
		return nil
	}})
	if err != nil {
		var de *dserr.Error
		if errors.As(err, &de) {
			return nil, err
		}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, dserr.Cancel(Fn, "", err)
		}
		return nil, dserr.Wrap(dserr.Internal, Fn, "", err)
	}
	obj.Params(params)
	last := history[len(history)-1]
	if f.ValidRows > 0 {
		l, a, err := p.Validate(ctx, f, params)
		if err != nil {
			return nil, err
		}
		last.ValidLoss, last.ValidMetric = dataset.Num(l), dataset.Num(a)
		history[len(history)-1] = last
	}
	gn := res.GradientNorm
	names := make([]string, len(f.Encoder.Columns))
	for i, c := range f.Encoder.Columns {
		names[i] = c.Name
	}
	doc := &training.Document{
		Format: training.FormatVersion, Kind: "perceptron", Task: task.Binary, Label: f.Label, Encoder: *f.Encoder, Dropped: f.Dropped,
		Network: *m, Options: o, History: history, Features: names, Data: dataset.NewFingerprint(f.Rows, f.Fingerprint), Statistics: f.Statistics,
		Metrics: training.Metrics{Metric: "auc", TrainLoss: last.TrainLoss, ValidLoss: last.ValidLoss, ValidMetric: last.ValidMetric,
			BestEpoch: last.Epoch, EpochsRun: len(history), RowsUsed: f.Rows, RowsSkipped: f.Skipped, TrainRows: f.TrainRows, ValidRows: f.ValidRows, GradientNorm: &gn},
	}
	notes := []string{fmt.Sprintf("trained in the engine (%s, %d aggregate queries)", p.d.Name(), p.queries), training.LBFGSNote(res, o.Epochs)}
	pos, _ := f.Label.PositiveClass()
	notes = append(notes, fmt.Sprintf("positive class %s (%s)", pos, f.Label.PositiveRule))
	for _, dr := range f.Dropped {
		notes = append(notes, fmt.Sprintf("dropped %s: %s", dr.Column, dr.Reason))
	}
	return &training.Result{Doc: doc, Mode: "engine", Notes: notes, Seconds: time.Since(start).Seconds()}, nil
}
