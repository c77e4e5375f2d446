package perceptron

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ducksight/ducksight/engine/task"
)

// randomNet is an untrained network with random biases too (New leaves
// them at zero), so hidden units switch along a path.
func randomNet(t testing.TB, tk task.Task, in int, hidden []int, classes int, act string, seed uint64) *Model {
	t.Helper()
	m, err := New(Config{Task: tk, Inputs: in, Hidden: hidden, Classes: classes, Activation: act, LearningRate: 0.01, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	for li := range m.Layers {
		for j := range m.Layers[li].B {
			m.Layers[li].B[j] = rng.NormFloat64()
		}
		if len(m.Layers) == 1 {
			for j := range m.Layers[li].W {
				m.Layers[li].W[j] = rng.NormFloat64()
			}
		}
	}
	return m
}

func randomRows(rng *rand.Rand, n, in int) []float64 {
	x := make([]float64, n*in)
	for i := range x {
		x[i] = 1.5 * rng.NormFloat64()
	}
	return x
}

func rawOf(m *Model, x []float64) []float64 {
	z := make([]float64, m.Outputs())
	m.PredictRaw(x, 1, z)
	return z
}

// Without hidden layers the attributions are W·(x - ref), and the
// reference's raw score plus them is the raw score to rounding.
func TestAttributeLinear(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		tk      task.Task
		classes int
	}{{task.Binary, 0}, {task.Regression, 0}, {task.Multiclass, 4}} {
		const in, n = 7, 50
		m := randomNet(t, tc.tk, in, nil, tc.classes, "", 3)
		k := m.Outputs()
		ref := randomRows(rng, 1, in)
		a, err := NewAttributor(m, ref)
		if err != nil {
			t.Fatal(err)
		}
		x := randomRows(rng, n, in)
		cls := make([]int, n)
		for r := range cls {
			cls[r] = r % k
		}
		attr := make([]float64, n*in)
		a.Attribute(x, n, cls, attr)
		for r := 0; r < n; r++ {
			c := cls[r]
			sum := a.Reference(c)
			if want := rawOf(m, ref)[c]; sum != want {
				t.Fatalf("%v: reference score %v, PredictRaw %v", tc.tk, sum, want)
			}
			for i := 0; i < in; i++ {
				want := m.Layers[0].W[i*k+c] * (x[r*in+i] - ref[i])
				if got := attr[r*in+i]; got != want {
					t.Fatalf("%v: row %d input %d: %v, want %v", tc.tk, r, i, got, want)
				}
				sum += attr[r*in+i]
			}
			score := rawOf(m, x[r*in:(r+1)*in])[c]
			if e := math.Abs(sum - score); e > 1e-12*math.Max(1, math.Abs(score)) {
				t.Fatalf("%v: row %d: reference + attributions %v, raw score %v", tc.tk, r, sum, score)
			}
		}
	}
}

// A smooth network (tanh, two hidden layers) against the same trapezoid
// rule with the gradient from central differences of PredictRaw: the
// backward pass and the quadrature agree; and the attributions add up to
// the difference of raw scores within the rule's O(1/IGSteps²) error.
func TestAttributeSmoothBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, tc := range []struct {
		tk      task.Task
		classes int
	}{{task.Binary, 0}, {task.Multiclass, 3}} {
		const in, n = 5, 6
		m := randomNet(t, tc.tk, in, []int{6, 4}, tc.classes, Tanh, 11)
		k := m.Outputs()
		ref := randomRows(rng, 1, in)
		a, err := NewAttributor(m, ref)
		if err != nil {
			t.Fatal(err)
		}
		x := randomRows(rng, n, in)
		cls := make([]int, n)
		for r := range cls {
			cls[r] = (r + 1) % k
		}
		attr := make([]float64, n*in)
		a.Attribute(x, n, cls, attr)
		pt := make([]float64, in)
		const h = 1e-5
		for r := 0; r < n; r++ {
			c := cls[r]
			xr := x[r*in : (r+1)*in]
			sum := a.Reference(c)
			for i := 0; i < in; i++ {
				integral := 0.0
				for s := 0; s <= IGSteps; s++ {
					alpha := float64(s) / IGSteps
					for j := range pt {
						pt[j] = ref[j] + alpha*(xr[j]-ref[j])
					}
					pt[i] += h
					up := rawOf(m, pt)[c]
					pt[i] -= 2 * h
					down := rawOf(m, pt)[c]
					wt := 1.0
					if s == 0 || s == IGSteps {
						wt = 0.5
					}
					integral += wt * (up - down) / (2 * h) / IGSteps
				}
				want := (xr[i] - ref[i]) * integral
				if got := attr[r*in+i]; math.Abs(got-want) > 1e-7*math.Max(1, math.Abs(want)) {
					t.Fatalf("%v: row %d input %d: %v, brute force %v", tc.tk, r, i, got, want)
				}
				sum += attr[r*in+i]
			}
			score := rawOf(m, xr)[c]
			diff := score - a.Reference(c)
			if e := math.Abs(sum - score); e > 1e-3*math.Max(1e-3, math.Abs(diff)) {
				t.Fatalf("%v: row %d: reference + attributions %v, raw score %v (difference %v)", tc.tk, r, sum, score, diff)
			}
		}
	}
}

// A ReLU network with one hidden layer has exact integrated gradients:
// along the path unit j's pre-activation is linear, on for a fraction f_j
// of it, so the attribution of input i to output c is (x_i - ref_i)·Σ_j
// W0[i][j]·W1[j][c]·f_j. The trapezoid rule misses each f_j by at most
// half an interval.
func TestAttributeReLUExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const in, hid, n = 6, 16, 200
	m := randomNet(t, task.Binary, in, []int{hid}, 0, ReLU, 13)
	l0, l1 := &m.Layers[0], &m.Layers[1]
	ref := randomRows(rng, 1, in)
	a, err := NewAttributor(m, ref)
	if err != nil {
		t.Fatal(err)
	}
	x := randomRows(rng, n, in)
	attr := make([]float64, n*in)
	a.Attribute(x, n, nil, attr)
	pre := func(v []float64) []float64 {
		p := make([]float64, hid)
		for j := range p {
			p[j] = l0.B[j]
			for i := range v {
				p[j] += v[i] * l0.W[i*hid+j]
			}
		}
		return p
	}
	p0 := pre(ref)
	var errSum, diffSum float64
	for r := 0; r < n; r++ {
		xr := x[r*in : (r+1)*in]
		p1 := pre(xr)
		sum := a.Reference(0)
		for i := 0; i < in; i++ {
			exact, bound := 0.0, 0.0
			for j := 0; j < hid; j++ {
				f := onFraction(p0[j], p1[j])
				g := (xr[i] - ref[i]) * l0.W[i*hid+j] * l1.W[j]
				exact += g * f
				bound += math.Abs(g) * 0.5 / IGSteps
			}
			if got := attr[r*in+i]; math.Abs(got-exact) > bound+1e-12 {
				t.Fatalf("row %d input %d: %v, exact %v, bound %v", r, i, got, exact, bound)
			}
			sum += attr[r*in+i]
		}
		score := rawOf(m, xr)[0]
		errSum += math.Abs(sum - score)
		diffSum += math.Abs(score - a.Reference(0))
	}
	if errSum > 0.01*diffSum {
		t.Fatalf("mean completeness error %v, %.2f%% of the mean |raw - reference| %v", errSum/n, 100*errSum/diffSum, diffSum/n)
	}
}

// onFraction is the share of α in [0, 1] where a + α(b - a) > 0.
func onFraction(a, b float64) float64 {
	switch {
	case a > 0 && b > 0:
		return 1
	case a <= 0 && b <= 0:
		return 0
	case a > 0:
		return a / (a - b)
	default:
		return b / (b - a)
	}
}

// The same attributions whatever the rows are batched with, and a bad
// reference is refused.
func TestAttributeBlocksAndErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const in, n = 4, 70
	m := randomNet(t, task.Regression, in, []int{5}, 0, ReLU, 2)
	ref := randomRows(rng, 1, in)
	a, err := NewAttributor(m, ref)
	if err != nil {
		t.Fatal(err)
	}
	x := randomRows(rng, n, in)
	all, one := make([]float64, n*in), make([]float64, in)
	a.Attribute(x, n, nil, all)
	for r := 0; r < n; r++ {
		a.Attribute(x[r*in:(r+1)*in], 1, nil, one)
		for i := range one {
			if math.Float64bits(one[i]) != math.Float64bits(all[r*in+i]) {
				t.Fatalf("row %d input %d: alone %v, in the batch %v", r, i, one[i], all[r*in+i])
			}
		}
	}
	if _, err := NewAttributor(m, ref[:3]); err == nil {
		t.Error("a short reference: no error")
	}
	if _, err := NewAttributor(m, []float64{0, math.NaN(), 0, 0}); err == nil {
		t.Error("a NaN reference: no error")
	}
}

// BenchmarkAttribute: integrated gradients of 2048 rows of 30 inputs
// through hidden := [16], and the linear model's exact attributions.
func BenchmarkAttribute(b *testing.B) {
	for _, hidden := range [][]int{nil, {16}} {
		name := "linear"
		if hidden != nil {
			name = "mlp16"
		}
		b.Run(name, func(b *testing.B) {
			const in, n = 30, 2048
			m := randomNet(b, task.Binary, in, hidden, 0, ReLU, 1)
			rng := rand.New(rand.NewPCG(1, 1))
			a, err := NewAttributor(m, randomRows(rng, 1, in))
			if err != nil {
				b.Fatal(err)
			}
			x, attr := randomRows(rng, n, in), make([]float64, n*in)
			b.ResetTimer()
			for range b.N {
				a.Attribute(x, n, nil, attr)
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
