package perceptron

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"
)

// Batches is one pass over the training rows: it calls fn with every
// batch of n rows in turn (x row-major, n x Inputs; targets y; row weights
// w, nil meaning 1) and returns the first error fn or the pass itself
// returns. Every pass must hand over the same rows in the same batches and
// the same order: the objective's sums are added in that order, so the
// result is the same bit for bit from pass to pass.
type Batches func(fn func(x, y, w []float64, n int) error) error

// Objective evaluates the objective of a network without hidden layers
// (logistic, softmax or linear regression) over all the training rows:
//
//	sum(w_i * loss_i) / sum(w_i) + L2/2 * ||W||^2
//
// with the losses of Model.Loss and the biases not penalised, the same
// objective Trainer.Step minimises on a minibatch, here on the full data.
// It is convex, so its minimum is the model's exact optimum. The parameters
// are flat: the weights W (row-major, Inputs x Outputs), then the biases B.
// An Objective is not safe for concurrent use.
type Objective struct {
	m    *Model
	t    *Trainer
	data Batches
	sums Sums      // instead of data: the sums computed elsewhere
	sum  []float64 // the gradient sum over the batches
}

// Sums computes, at the flat parameters p (see Objective), the sums over
// all the training rows that the objective is made of: the weighted loss
// sum, returned with the sum of the row weights, and the weighted gradient
// sum of the loss with respect to the parameters, written into grad
// (length Dim). It is how rows that are not in this process (a database
// computing the sums in one aggregate query) become an Objective: the
// normalisation, the L2 term and the optimiser stay those of local
// training. The same p must give the same sums bit for bit.
type Sums func(p, grad []float64) (lossSum, weightSum float64, err error)

// NewObjective returns the objective of m over the rows of data. m must
// have no hidden layer.
func NewObjective(m *Model, data Batches) (*Objective, error) {
	if len(m.Layers) != 1 {
		return nil, fmt.Errorf("perceptron: the exact objective needs a network without hidden layers, got %d", len(m.Layers)-1)
	}
	t := NewTrainer(m)
	return &Objective{m: m, t: t, data: data, sum: make([]float64, len(t.grad))}, nil
}

// NewSumsObjective returns the objective of m, a network without hidden
// layers, whose sums over the training rows come from sums instead of a
// pass over batches: the same objective (mean loss plus the L2 term of the
// weights) as NewObjective's on the same rows.
func NewSumsObjective(m *Model, sums Sums) (*Objective, error) {
	o, err := NewObjective(m, nil)
	if err != nil {
		return nil, err
	}
	o.sums = sums
	return o, nil
}

// Dim returns the number of parameters: Inputs*Outputs weights and
// Outputs biases.
func (o *Objective) Dim() int { return len(o.sum) }

// Params copies the model's weights and biases into p (length Dim).
func (o *Objective) Params(p []float64) {
	l := &o.m.Layers[0]
	copy(p, l.W)
	copy(p[len(l.W):], l.B)
}

// SetParams sets the model's weights and biases from p (length Dim).
func (o *Objective) SetParams(p []float64) {
	l := &o.m.Layers[0]
	copy(l.W, p[:len(l.W)])
	copy(l.B, p[len(l.W):])
}

// penalty returns L2/2 * ||W||^2 of the flat parameters p.
func (o *Objective) penalty(p []float64) float64 {
	w := p[:len(o.m.Layers[0].W)]
	s := 0.0
	for _, v := range w {
		s += v * v
	}
	return o.m.Config.L2 / 2 * s
}

// Evaluate reads the data once and returns the objective at the model's
// current weights, the mean loss alone (the objective without the L2 term)
// and, in grad (length Dim), the objective's gradient. Batches over 1024
// rows are computed by shards in parallel, as Step does; the sums are
// added in shard and batch order, so the result does not depend on
// GOMAXPROCS. It is an error when the rows' weights sum to 0 (no rows).
func (o *Objective) Evaluate(grad []float64) (obj, loss float64, err error) {
	clear(o.sum)
	var lossSum, wSum float64
	if o.sums != nil {
		p := o.t.grad // scratch: the current parameters
		o.Params(p)
		lossSum, wSum, err = o.sums(p, o.sum)
	} else {
		err = o.data(func(x, y, w []float64, n int) error {
			if n == 0 {
				return nil
			}
			o.m.checkRows("Evaluate", x, n)
			checkTargets("Evaluate", y, w, n)
			lossSum += o.t.gradientSum(x, y, w, n)
			wSum += weightSum(w, n)
			for i, g := range o.t.grad {
				o.sum[i] += g
			}
			return nil
		})
	}
	if err != nil {
		return math.NaN(), math.NaN(), err
	}
	if !(wSum > 0) {
		return math.NaN(), math.NaN(), errors.New("perceptron: no training rows (or their weights sum to 0)")
	}
	inv := 1 / wSum
	for i, g := range o.sum {
		grad[i] = g * inv
	}
	l := &o.m.Layers[0]
	axpy(o.m.Config.L2, l.W, grad[:len(l.W)])
	loss = lossSum * inv
	p := o.t.grad // scratch: the current parameters
	o.Params(p)
	return loss + o.penalty(p), loss, nil
}

// LBFGSSettings control FitLBFGS.
type LBFGSSettings struct {
	// MaxIterations is the most L-BFGS iterations run (>= 1).
	MaxIterations int
	// GradientTolerance ends the run when the largest absolute component
	// of the objective's gradient is below it (DefaultGradientTolerance
	// when 0).
	GradientTolerance float64
	// Iteration, when set, is called after every iteration with the
	// model's weights set to the iterate; an error it returns ends the
	// run with that error.
	Iteration func(Iteration) error
}

// DefaultGradientTolerance is LBFGSSettings.GradientTolerance's default:
// the objective is a mean, so its gradient does not grow with the rows,
// and at 1e-8 the weights are within about 1e-8/L2 of the optimum in the
// flattest direction.
const DefaultGradientTolerance = 1e-8

// Iteration is the state after one L-BFGS iteration.
type Iteration struct {
	Iteration    int     // 1-based; 0 only when the start already met the tolerance
	Objective    float64 // the mean loss plus the L2 term
	Loss         float64 // the mean loss alone
	GradientNorm float64 // the largest absolute component of the gradient
}

// LBFGSResult is the end of a FitLBFGS run.
type LBFGSResult struct {
	Iteration // the last iteration, whose weights the model holds
	// Converged is true when the gradient met the tolerance, or when the
	// line search could not decrease the objective any more (the optimum
	// to the precision of float64); false when MaxIterations ended it.
	Converged bool
	// Status says how the run ended, in gonum/optimize's words
	// ("GradientThreshold", "IterationLimit", ...).
	Status string
}

// FitLBFGS minimises the objective (see Objective) of m, a network without
// hidden layers, over the rows of data with L-BFGS (gonum.org/v1/gonum/optimize,
// the More-Thuente line search), from m's current weights, and leaves the
// last iterate in m. Every evaluation of the objective and its gradient is
// one pass over data. The run is deterministic: the same data, start and
// settings give the same model bit for bit, whatever GOMAXPROCS is. It ends
// with ctx's error when ctx is done, and with the error of data or of
// settings.Iteration.
func FitLBFGS(ctx context.Context, m *Model, data Batches, s LBFGSSettings) (LBFGSResult, error) {
	obj, err := NewObjective(m, data)
	if err != nil {
		return LBFGSResult{}, err
	}
	return Minimize(ctx, obj, s)
}

// Minimize runs FitLBFGS's L-BFGS, with the same settings, on obj (made by
// NewObjective or NewSumsObjective) from its model's current weights, and
// leaves the last iterate in the model. Every evaluation of the objective
// and its gradient is one Evaluate.
func Minimize(ctx context.Context, obj *Objective, s LBFGSSettings) (LBFGSResult, error) {
	if s.MaxIterations < 1 {
		return LBFGSResult{}, fmt.Errorf("perceptron: MaxIterations must be >= 1, got %d", s.MaxIterations)
	}
	gtol := s.GradientTolerance
	if gtol == 0 {
		gtol = DefaultGradientTolerance
	}
	dim := obj.Dim()
	// Func and Grad are asked at the same points: one pass computes both
	// and the gradient is kept for the point it belongs to.
	var (
		evalErr error
		atX     = make([]float64, dim)
		atGrad  = make([]float64, dim)
		atF     = math.NaN()
		have    bool
	)
	eval := func(x []float64) {
		if have && equal(x, atX) {
			return
		}
		if evalErr == nil {
			evalErr = ctx.Err()
		}
		if evalErr != nil {
			atF = math.NaN()
			return
		}
		obj.SetParams(x)
		atF, _, evalErr = obj.Evaluate(atGrad)
		copy(atX, x)
		have = evalErr == nil
	}
	p := optimize.Problem{
		Func: func(x []float64) float64 {
			eval(x)
			return atF
		},
		Grad: func(grad, x []float64) {
			eval(x)
			copy(grad, atGrad)
		},
		Status: func() (optimize.Status, error) {
			if evalErr != nil {
				return optimize.Failure, evalErr
			}
			return optimize.NotTerminated, nil
		},
	}
	tr := &tracker{gtol: gtol, max: s.MaxIterations, obj: obj, each: s.Iteration}
	settings := &optimize.Settings{Converger: tr}
	x0 := make([]float64, dim)
	obj.Params(x0)
	method := &optimize.LBFGS{Linesearcher: &optimize.MoreThuente{}, GradStopThreshold: math.NaN()}
	res, err := optimize.Minimize(p, x0, settings, method)
	if evalErr != nil {
		return LBFGSResult{}, evalErr
	}
	if tr.err != nil {
		return LBFGSResult{}, tr.err
	}
	if res == nil {
		return LBFGSResult{}, err
	}
	out := LBFGSResult{Iteration: tr.last, Status: res.Status.String()}
	switch {
	case err == nil:
		out.Converged = res.Status == optimize.GradientThreshold
	case errors.Is(err, optimize.ErrNoProgress), errors.Is(err, optimize.ErrLinesearcherFailure),
		errors.Is(err, optimize.ErrLinesearcherBound), errors.Is(err, optimize.ErrNonDescentDirection):
		// The line search found no lower point along the direction: at
		// the optimum to the precision of the sums.
		out.Converged = true
	default:
		return LBFGSResult{}, err
	}
	if !tr.recorded {
		// Stopped before the first iteration was recorded (the start
		// already at the optimum): record the start.
		if err := tr.record(res.Location.X, res.F, res.Gradient, 0); err != nil {
			return LBFGSResult{}, err
		}
		out.Iteration = tr.last
	}
	obj.SetParams(tr.lastX)
	return out, nil
}

// tracker is FitLBFGS's optimize.Converger: it sees every major iteration
// (the start first) in order, records it, and ends the run when the
// gradient meets the tolerance or the iterations reach the cap.
type tracker struct {
	gtol float64
	max  int
	obj  *Objective
	each func(Iteration) error

	recorded bool // an iteration (or the start, as iteration 0) was recorded
	count    int  // iterations recorded
	seen     int  // major iterations seen, the start included
	last     Iteration
	lastX    []float64
	err      error
}

func (t *tracker) Init(dim int) { t.lastX = make([]float64, dim) }

func (t *tracker) Converged(loc *optimize.Location) optimize.Status {
	t.seen++
	gn := normInf(loc.Gradient)
	if t.seen == 1 {
		copy(t.lastX, loc.X)
		if gn < t.gtol {
			if err := t.record(loc.X, loc.F, loc.Gradient, 0); err != nil {
				return optimize.Failure
			}
			return optimize.GradientThreshold
		}
		return optimize.NotTerminated
	}
	if err := t.record(loc.X, loc.F, loc.Gradient, t.count+1); err != nil {
		return optimize.Failure
	}
	switch {
	case gn < t.gtol:
		return optimize.GradientThreshold
	case t.count >= t.max:
		return optimize.IterationLimit
	}
	return optimize.NotTerminated
}

// record keeps iteration it at x and reports it.
func (t *tracker) record(x []float64, f float64, grad []float64, it int) error {
	if it > 0 {
		t.count = it
	}
	t.recorded = true
	copy(t.lastX, x)
	t.last = Iteration{Iteration: it, Objective: f, Loss: f - t.obj.penalty(x), GradientNorm: normInf(grad)}
	if t.each != nil {
		t.obj.SetParams(x)
		if err := t.each(t.last); err != nil {
			t.err = err
			return err
		}
	}
	return nil
}

func normInf(g []float64) float64 {
	n := 0.0
	for _, v := range g {
		n = max(n, math.Abs(v))
	}
	return n
}

func equal(a, b []float64) bool {
	for i, v := range a {
		if v != b[i] {
			return false
		}
	}
	return true
}
