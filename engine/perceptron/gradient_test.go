package perceptron

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ducksight/ducksight/engine/task"
)

// objective is what Step minimises: the mean loss plus L2/2*||W||^2.
func objective(m *Model, x, y, w []float64, n int) float64 {
	f := m.Loss(x, y, w, n)
	for _, l := range m.Layers {
		for _, v := range l.W {
			f += m.Config.L2 / 2 * v * v
		}
	}
	return f
}

// randomBatch draws inputs and targets valid for c's task.
func randomBatch(rng *rand.Rand, c Config, n int, weighted bool) (x, y, w []float64) {
	x = make([]float64, n*c.Inputs)
	for i := range x {
		x[i] = rng.NormFloat64()
		if rng.IntN(5) == 0 {
			x[i] = 0 // exercise the zero-skipping paths
		}
	}
	y = make([]float64, n)
	for i := range y {
		switch c.Task {
		case task.Binary:
			y[i] = float64(rng.IntN(2))
		case task.Multiclass:
			y[i] = float64(rng.IntN(c.Classes))
		case task.Regression:
			y[i] = 3 * rng.NormFloat64()
		}
	}
	if weighted {
		w = make([]float64, n)
		for i := range w {
			w[i] = 0.2 + 2*rng.Float64()
		}
	}
	return x, y, w
}

// checkGradient compares Trainer.gradient with central finite differences
// of the objective for every weight and bias.
func checkGradient(t *testing.T, c Config, n int, weighted bool) {
	t.Helper()
	rng := rand.New(rand.NewPCG(c.Seed, 99))
	m := mustNew(c)
	// Move away from the all-zero start of single-layer models and give
	// the biases values, so no gradient is trivially zero.
	for li := range m.Layers {
		for i := range m.Layers[li].W {
			m.Layers[li].W[i] += 0.3 * rng.NormFloat64()
		}
		for i := range m.Layers[li].B {
			m.Layers[li].B[i] = 0.2 * rng.NormFloat64()
		}
	}
	x, y, w := randomBatch(rng, m.Config, n, weighted)
	tr := NewTrainer(m)
	loss, ok := tr.gradient(x, y, w, n)
	if !ok {
		t.Fatal("gradient reported an empty batch")
	}
	if want := m.Loss(x, y, w, n); loss != want {
		t.Errorf("gradient's loss %v != Loss %v", loss, want)
	}
	const h = 1e-6
	off, worst := 0, 0.0
	for li := range m.Layers {
		l := &m.Layers[li]
		for _, p := range [2][]float64{l.W, l.B} {
			for i := range p {
				orig := p[i]
				p[i] = orig + h
				fp := objective(m, x, y, w, n)
				p[i] = orig - h
				fm := objective(m, x, y, w, n)
				p[i] = orig
				num := (fp - fm) / (2 * h)
				ana := tr.grad[off+i]
				err := math.Abs(num-ana) / math.Max(1e-3, math.Abs(num)+math.Abs(ana))
				worst = max(worst, err)
				if err > 1e-5 {
					t.Errorf("layer %d param %d: backprop %.10g, finite difference %.10g", li, off+i, ana, num)
				}
			}
			off += len(p)
		}
	}
	if off != len(tr.grad) {
		t.Fatalf("checked %d parameters, gradient has %d", off, len(tr.grad))
	}
}

func TestGradientCheck(t *testing.T) {
	tasks := []struct {
		task    task.Task
		classes int
	}{{task.Binary, 0}, {task.Multiclass, 4}, {task.Regression, 0}}
	for _, tk := range tasks {
		for _, hidden := range [][]int{nil, {5}, {6, 3}} {
			acts := []string{ReLU, Tanh, Sigmoid}
			if len(hidden) == 0 {
				acts = []string{""} // no hidden layer, no activation
			}
			for _, act := range acts {
				for _, weighted := range []bool{false, true} {
					c := Config{Task: tk.task, Classes: tk.classes, Inputs: 4, Hidden: hidden,
						Activation: act, LearningRate: 0.01, L2: 0.05, Seed: 3}
					name := fmt.Sprintf("%v/hidden%v/%s/weighted=%v", tk.task, hidden, act, weighted)
					t.Run(name, func(t *testing.T) { checkGradient(t, c, 17, weighted) })
				}
			}
		}
	}
}

// Batches over 1024 rows take the sharded path; its gradient is checked too.
func TestGradientCheckSharded(t *testing.T) {
	for _, c := range []Config{
		{Task: task.Binary, Inputs: 3, LearningRate: 0.01, L2: 0.01, Seed: 5},
		{Task: task.Multiclass, Classes: 3, Inputs: 3, Hidden: []int{4}, Activation: Tanh, LearningRate: 0.01, Seed: 5},
	} {
		t.Run(c.Task.String(), func(t *testing.T) { checkGradient(t, c, 2500, true) })
	}
}

// Integer weights act as repeated rows: both the loss and the gradient of
// the weighted batch equal those of the batch with rows repeated.
func TestWeightsActAsRepeats(t *testing.T) {
	c := Config{Task: task.Binary, Inputs: 3, Hidden: []int{4}, LearningRate: 0.01, Seed: 8}
	rng := rand.New(rand.NewPCG(1, 1))
	x, y, _ := randomBatch(rng, c, 6, false)
	w := []float64{1, 2, 1, 3, 1, 1}
	var rx, ry []float64
	for r := range y {
		for k := 0; k < int(w[r]); k++ {
			rx = append(rx, x[r*3:r*3+3]...)
			ry = append(ry, y[r])
		}
	}
	m := mustNew(c)
	t1, t2 := NewTrainer(m), NewTrainer(m)
	l1, _ := t1.gradient(x, y, w, len(y))
	l2, _ := t2.gradient(rx, ry, nil, len(ry))
	if math.Abs(l1-l2) > 1e-14 {
		t.Errorf("weighted loss %v, repeated-rows loss %v", l1, l2)
	}
	for i := range t1.grad {
		if math.Abs(t1.grad[i]-t2.grad[i]) > 1e-14 {
			t.Errorf("gradient %d: weighted %v, repeated rows %v", i, t1.grad[i], t2.grad[i])
		}
	}
}
