package perceptron

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/ducksight/ducksight/engine/task"
)

// inBatches is a Batches over x, y, w cut into batches of size rows.
func inBatches(x, y, w []float64, in, size int) Batches {
	return func(fn func(x, y, w []float64, n int) error) error {
		n := len(y)
		for r0 := 0; r0 < n; r0 += size {
			r1 := min(r0+size, n)
			var wb []float64
			if w != nil {
				wb = w[r0:r1]
			}
			if err := fn(x[r0*in:r1*in], y[r0:r1], wb, r1-r0); err != nil {
				return err
			}
		}
		return nil
	}
}

// The objective's gradient, summed over several batches, matches central
// finite differences of Loss plus the L2 term on all the rows.
func TestObjectiveGradient(t *testing.T) {
	for _, c := range []Config{
		{Task: task.Binary, Inputs: 4, LearningRate: 0.01, L2: 0.05},
		{Task: task.Multiclass, Classes: 3, Inputs: 4, LearningRate: 0.01, L2: 0.05},
		{Task: task.Regression, Inputs: 4, LearningRate: 0.01, L2: 0.05},
	} {
		for _, weighted := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v/weighted=%v", c.Task, weighted), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(4, 5))
				m := mustNew(c)
				l := &m.Layers[0]
				for i := range l.W {
					l.W[i] = 0.3 * rng.NormFloat64()
				}
				for i := range l.B {
					l.B[i] = 0.2 * rng.NormFloat64()
				}
				n := 2600 // sharded batches, and a short last one
				x, y, w := randomBatch(rng, c, n, weighted)
				o, err := NewObjective(m, inBatches(x, y, w, c.Inputs, 1100))
				if err != nil {
					t.Fatal(err)
				}
				grad := make([]float64, o.Dim())
				f, loss, err := o.Evaluate(grad)
				if err != nil {
					t.Fatal(err)
				}
				if want := m.Loss(x, y, w, n); math.Abs(loss-want) > 1e-13 {
					t.Errorf("loss %v, Loss %v", loss, want)
				}
				if want := objective(m, x, y, w, n); math.Abs(f-want) > 1e-13 {
					t.Errorf("objective %v, Loss plus L2 term %v", f, want)
				}
				p := make([]float64, o.Dim())
				o.Params(p)
				const h = 1e-6
				for i := range p {
					orig := p[i]
					p[i] = orig + h
					o.SetParams(p)
					fp := objective(m, x, y, w, n)
					p[i] = orig - h
					o.SetParams(p)
					fm := objective(m, x, y, w, n)
					p[i] = orig
					o.SetParams(p)
					num := (fp - fm) / (2 * h)
					if e := math.Abs(num-grad[i]) / math.Max(1e-3, math.Abs(num)+math.Abs(grad[i])); e > 1e-6 {
						t.Errorf("param %d: gradient %.10g, finite difference %.10g", i, grad[i], num)
					}
				}
			})
		}
	}
}

func fit(t *testing.T, m *Model, x, y, w []float64, s LBFGSSettings) LBFGSResult {
	t.Helper()
	r, err := FitLBFGS(context.Background(), m, inBatches(x, y, w, m.Config.Inputs, 1000), s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Hand-checked: x = 1 has label 1 twice in three rows, x = -1 once in
// three; without a penalty the optimum is b = 0, w = log 2 (P(1|x=1) =
// 2/3), and the objective is the entropy -(2/3 log 2/3 + 1/3 log 1/3).
func TestLBFGSNonSeparable(t *testing.T) {
	x := []float64{1, 1, 1, -1, -1, -1}
	y := []float64{1, 1, 0, 0, 0, 1}
	m := mustNew(Config{Task: task.Binary, Inputs: 1, LearningRate: 1})
	r := fit(t, m, x, y, nil, LBFGSSettings{MaxIterations: 100})
	if !r.Converged || r.GradientNorm >= DefaultGradientTolerance {
		t.Errorf("not converged: %+v", r)
	}
	if w := m.Layers[0].W[0]; math.Abs(w-math.Log(2)) > 1e-8 {
		t.Errorf("w = %.12g, want log 2 = %.12g", w, math.Log(2))
	}
	if b := m.Layers[0].B[0]; math.Abs(b) > 1e-8 {
		t.Errorf("b = %g, want 0", b)
	}
	want := -(2.0/3*math.Log(2.0/3) + 1.0/3*math.Log(1.0/3))
	if math.Abs(r.Objective-want) > 1e-12 || r.Loss != r.Objective {
		t.Errorf("objective %.15g, loss %.15g, want both %.15g", r.Objective, r.Loss, want)
	}
}

// Separable data has no optimum without a penalty; with l2 the optimum of
// log(1+exp(-w)) + l2/2 w^2 (b = 0 by symmetry) solves
// l2*w = 1/(1+exp(w)), found here by bisection.
func TestLBFGSSeparable(t *testing.T) {
	x := []float64{1, -1, 2, -2}
	y := []float64{1, 0, 1, 0}
	const l2 = 0.1
	m := mustNew(Config{Task: task.Binary, Inputs: 1, LearningRate: 1, L2: l2})
	r := fit(t, m, x, y, nil, LBFGSSettings{MaxIterations: 100})
	// d/dw of (log(1+e^-w) + log(1+e^-2w))/2 + l2/2 w^2.
	g := func(w float64) float64 { return -(1/(1+math.Exp(w))+2/(1+math.Exp(2*w)))/2 + l2*w }
	lo, hi := 0.0, 100.0
	for i := 0; i < 200; i++ {
		if mid := (lo + hi) / 2; g(mid) > 0 {
			hi = mid
		} else {
			lo = mid
		}
	}
	if w := m.Layers[0].W[0]; math.Abs(w-lo) > 1e-7 {
		t.Errorf("w = %.12g, want %.12g", w, lo)
	}
	if b := m.Layers[0].B[0]; math.Abs(b) > 1e-8 {
		t.Errorf("b = %g, want 0", b)
	}
	wantF := (math.Log1p(math.Exp(-lo))+math.Log1p(math.Exp(-2*lo)))/2 + l2/2*lo*lo
	if math.Abs(r.Objective-wantF) > 1e-12 {
		t.Errorf("objective %.15g, want %.15g", r.Objective, wantF)
	}
}

// Ridge regression with an unpenalised intercept has a closed form: the
// normal equations (X'X/n + l2*I) w + X'1 b/n = X'y/n, 1'X w/n + b = mean(y).
func TestLBFGSRidge(t *testing.T) {
	const n, in, l2 = 500, 5, 0.3
	rng := rand.New(rand.NewPCG(7, 7))
	c := Config{Task: task.Regression, Inputs: in, LearningRate: 1, L2: l2}
	x, y, _ := randomBatch(rng, c, n, false)
	for r := range y {
		y[r] += 2*x[r*in] - x[r*in+3] + 1.5
	}
	a := mat.NewDense(in+1, in+1, nil)
	rhs := mat.NewVecDense(in+1, nil)
	for r := 0; r < n; r++ {
		row := append(append([]float64{}, x[r*in:r*in+in]...), 1)
		for i := range row {
			for j := range row {
				a.Set(i, j, a.At(i, j)+row[i]*row[j]/n)
			}
			rhs.SetVec(i, rhs.AtVec(i)+row[i]*y[r]/n)
		}
	}
	for i := 0; i < in; i++ {
		a.Set(i, i, a.At(i, i)+l2)
	}
	var sol mat.VecDense
	if err := sol.SolveVec(a, rhs); err != nil {
		t.Fatal(err)
	}
	m := mustNew(c)
	fit(t, m, x, y, nil, LBFGSSettings{MaxIterations: 200})
	for i := 0; i < in; i++ {
		if got := m.Layers[0].W[i]; math.Abs(got-sol.AtVec(i)) > 1e-7 {
			t.Errorf("w[%d] = %.10g, normal equations %.10g", i, got, sol.AtVec(i))
		}
	}
	if got := m.Layers[0].B[0]; math.Abs(got-sol.AtVec(in)) > 1e-7 {
		t.Errorf("b = %.10g, normal equations %.10g", got, sol.AtVec(in))
	}
}

// Softmax: at the end the gradient meets the tolerance, each iteration
// is reported once in order with a non-increasing objective, and the
// model holds the last iterate.
func TestLBFGSMulticlass(t *testing.T) {
	c := Config{Task: task.Multiclass, Classes: 4, Inputs: 6, LearningRate: 1, L2: 1e-3}
	rng := rand.New(rand.NewPCG(2, 9))
	x, y, w := randomBatch(rng, c, 3000, true)
	for r := range y { // a learnable signal
		if x[r*6] > 0.5 {
			y[r] = 2
		}
	}
	m := mustNew(c)
	var its []Iteration
	r := fit(t, m, x, y, w, LBFGSSettings{MaxIterations: 500, Iteration: func(it Iteration) error {
		its = append(its, it)
		return nil
	}})
	if !r.Converged || len(its) != r.Iteration.Iteration || its[len(its)-1] != r.Iteration {
		t.Fatalf("result %+v after %d reported iterations", r, len(its))
	}
	for i, it := range its {
		if it.Iteration != i+1 || (i > 0 && it.Objective > its[i-1].Objective) {
			t.Errorf("iteration %d: %+v after %+v", i, it, its[max(i-1, 0)])
		}
	}
	o, _ := NewObjective(m, inBatches(x, y, w, 6, 1000))
	grad := make([]float64, o.Dim())
	f, _, _ := o.Evaluate(grad)
	if f != r.Objective || normInf(grad) != r.GradientNorm {
		t.Errorf("model's objective %v and gradient norm %v, result's %v and %v", f, normInf(grad), r.Objective, r.GradientNorm)
	}
}

// The cap ends the run after exactly MaxIterations iterations; an error
// from Iteration or from the data ends it with that error.
func TestLBFGSStops(t *testing.T) {
	c := Config{Task: task.Binary, Inputs: 5, LearningRate: 1, L2: 1e-4}
	rng := rand.New(rand.NewPCG(3, 3))
	x, y, _ := randomBatch(rng, c, 2000, false)
	m := mustNew(c)
	r := fit(t, m, x, y, nil, LBFGSSettings{MaxIterations: 3})
	if r.Iteration.Iteration != 3 || r.Converged || r.Status != "IterationLimit" {
		t.Errorf("after a cap of 3: %+v", r)
	}
	stop := errors.New("stop")
	_, err := FitLBFGS(context.Background(), mustNew(c), inBatches(x, y, nil, 5, 1000), LBFGSSettings{MaxIterations: 50,
		Iteration: func(it Iteration) error {
			if it.Iteration == 2 {
				return stop
			}
			return nil
		}})
	if !errors.Is(err, stop) {
		t.Errorf("Iteration's error: got %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := FitLBFGS(ctx, mustNew(c), inBatches(x, y, nil, 5, 1000), LBFGSSettings{MaxIterations: 50}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v", err)
	}
	bad := errors.New("read failed")
	failing := func(fn func(x, y, w []float64, n int) error) error { return bad }
	if _, err := FitLBFGS(context.Background(), mustNew(c), failing, LBFGSSettings{MaxIterations: 50}); !errors.Is(err, bad) {
		t.Errorf("data's error: got %v", err)
	}
	if _, err := FitLBFGS(context.Background(), mustNew(Config{Task: task.Binary, Inputs: 2, Hidden: []int{3}, LearningRate: 1}),
		inBatches(x, y, nil, 2, 1000), LBFGSSettings{MaxIterations: 5}); err == nil {
		t.Error("a network with a hidden layer was accepted")
	}
}

// The same data and start give the same model bit for bit whatever
// GOMAXPROCS is.
func TestLBFGSDeterministic(t *testing.T) {
	c := Config{Task: task.Binary, Inputs: 8, LearningRate: 1, L2: 1e-4}
	rng := rand.New(rand.NewPCG(6, 6))
	x, y, _ := randomBatch(rng, c, 20000, false)
	run := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		m := mustNew(c)
		_, err := FitLBFGS(context.Background(), m, inBatches(x, y, nil, 8, 20000), LBFGSSettings{MaxIterations: 100})
		if err != nil {
			t.Fatal(err)
		}
		return append(m.Layers[0].W, m.Layers[0].B...)
	}
	a, b := run(1), run(4)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("parameter %d: %v with GOMAXPROCS 1, %v with 4", i, a[i], b[i])
		}
	}
}

// The hand-checked problem of TestLBFGSNonSeparable, its sums computed
// outside the Objective (as a database computes them): sum of
// log(1+exp(-z)) for y = 1 and log(1+exp(z)) for y = 0, and of
// (sigmoid(z) - y) * (x, 1). Minimize reaches the same optimum.
func TestMinimizeSums(t *testing.T) {
	x := []float64{1, 1, 1, -1, -1, -1}
	y := []float64{1, 1, 0, 0, 0, 1}
	m := mustNew(Config{Task: task.Binary, Inputs: 1, LearningRate: 1, L2: 0.01})
	calls := 0
	sums := func(p, grad []float64) (float64, float64, error) {
		calls++
		loss := 0.0
		grad[0], grad[1] = 0, 0
		for i := range x {
			z := p[0]*x[i] + p[1]
			loss += math.Max(z, 0) - z*y[i] + math.Log1p(math.Exp(-math.Abs(z)))
			r := 1/(1+math.Exp(-z)) - y[i]
			grad[0] += r * x[i]
			grad[1] += r
		}
		return loss, float64(len(x)), nil
	}
	obj, err := NewSumsObjective(m, sums)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Minimize(context.Background(), obj, LBFGSSettings{MaxIterations: 100})
	if err != nil {
		t.Fatal(err)
	}
	ref := mustNew(Config{Task: task.Binary, Inputs: 1, LearningRate: 1, L2: 0.01})
	fit(t, ref, x, y, nil, LBFGSSettings{MaxIterations: 100})
	if !r.Converged || calls == 0 {
		t.Fatalf("not converged: %+v", r)
	}
	for i, w := range []float64{m.Layers[0].W[0], m.Layers[0].B[0]} {
		want := []float64{ref.Layers[0].W[0], ref.Layers[0].B[0]}[i]
		if math.Abs(w-want) > 1e-9 {
			t.Errorf("parameter %d = %.12g, local %.12g", i, w, want)
		}
	}
	if _, err := NewSumsObjective(mustNew(Config{Task: task.Binary, Inputs: 1, Hidden: []int{2}, LearningRate: 1}), sums); err == nil {
		t.Error("a hidden layer accepted")
	}
}
