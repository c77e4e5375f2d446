package perceptron

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/ducksight/ducksight/engine/task"
)

// naivePredict is the textbook forward pass, one row and one unit at a
// time, with the library's activations written out again.
func naivePredict(m *Model, x []float64, n int) []float64 {
	k := m.Outputs()
	out := make([]float64, 0, n*k)
	for r := 0; r < n; r++ {
		a := x[r*m.Config.Inputs : (r+1)*m.Config.Inputs]
		for li, l := range m.Layers {
			z := make([]float64, l.Out)
			for j := range z {
				z[j] = l.B[j]
				for i := range a {
					z[j] += a[i] * l.W[i*l.Out+j]
				}
				if li < len(m.Layers)-1 {
					switch m.Config.Activation {
					case ReLU:
						z[j] = math.Max(z[j], 0)
					case Tanh:
						z[j] = math.Tanh(z[j])
					case Sigmoid:
						z[j] = 1 / (1 + math.Exp(-z[j]))
					}
				}
			}
			a = z
		}
		switch m.Config.Task {
		case task.Binary:
			out = append(out, 1/(1+math.Exp(-a[0])))
		case task.Regression:
			out = append(out, a[0])
		case task.Multiclass:
			s := 0.0
			for _, v := range a {
				s += math.Exp(v)
			}
			for _, v := range a {
				out = append(out, math.Exp(v)/s)
			}
		}
	}
	return out
}

func TestPredictMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, c := range []Config{
		{Task: task.Binary, Inputs: 7, LearningRate: 1},
		{Task: task.Regression, Inputs: 7, LearningRate: 1},
		{Task: task.Multiclass, Classes: 5, Inputs: 7, LearningRate: 1},
		{Task: task.Binary, Inputs: 7, Hidden: []int{9, 5}, LearningRate: 1, Seed: 1},
		{Task: task.Regression, Inputs: 3, Hidden: []int{6}, Activation: Tanh, LearningRate: 1, Seed: 2},
		{Task: task.Multiclass, Classes: 3, Inputs: 5, Hidden: []int{13}, Activation: Sigmoid, LearningRate: 1, Seed: 3},
	} {
		m := mustNew(c)
		for li := range m.Layers { // give the zero-initialised models weights
			for i := range m.Layers[li].W {
				m.Layers[li].W[i] += 0.5 * rng.NormFloat64()
			}
			for i := range m.Layers[li].B {
				m.Layers[li].B[i] = 0.5 * rng.NormFloat64()
			}
		}
		const n = 601 // several Predict blocks, odd
		x, _, _ := randomBatch(rng, m.Config, n, false)
		got := make([]float64, n*m.Outputs())
		m.Predict(x, n, got)
		want := naivePredict(m, x, n)
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-12*math.Max(1, math.Abs(want[i])) {
				t.Fatalf("%v hidden %v: output %d = %v, naive %v", c.Task, c.Hidden, i, got[i], want[i])
			}
		}
		// PredictRaw then Link is Predict, to the bit.
		raw := make([]float64, n*m.Outputs())
		m.PredictRaw(x, n, raw)
		if c.Task == task.Binary && raw[0] == got[0] {
			t.Fatalf("%v hidden %v: raw score %v is the probability", c.Task, c.Hidden, raw[0])
		}
		Link(c.Task, m.Outputs(), raw, n)
		for i := range got {
			if math.Float64bits(raw[i]) != math.Float64bits(got[i]) {
				t.Fatalf("%v hidden %v: Link(PredictRaw) output %d = %v, Predict %v", c.Task, c.Hidden, i, raw[i], got[i])
			}
		}
	}
}

// Huge logits give probabilities of exactly 0 or 1 and finite losses, never
// NaN or Inf.
func TestExtremeLogitsAreStable(t *testing.T) {
	for _, c := range []Config{
		{Task: task.Binary, Inputs: 1, LearningRate: 1},
		{Task: task.Multiclass, Classes: 3, Inputs: 1, LearningRate: 1},
	} {
		m := mustNew(c)
		l := m.Layers[0]
		for j := range l.W {
			l.W[j] = float64(j+1) * 1e3
		}
		if c.Task == task.Binary {
			l.W[0] = 1e3
		}
		x := []float64{-1000, -1, 0, 1, 1000}
		out := make([]float64, len(x)*m.Outputs())
		m.Predict(x, len(x), out)
		for i, p := range out {
			if math.IsNaN(p) || p < 0 || p > 1 {
				t.Errorf("%v: output %d = %v", c.Task, i, p)
			}
		}
		y := []float64{1, 0, 1, 0, 1}
		if c.Task == task.Multiclass {
			y = []float64{2, 0, 1, 0, 2}
		}
		loss := m.Loss(x, y, nil, len(x))
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			t.Errorf("%v: loss %v", c.Task, loss)
		}
		if loss < 1e5 { // the wrong confident rows cost about |z| = 1e6
			t.Errorf("%v: loss %v, want the cost of confident mistakes", c.Task, loss)
		}
		tr := NewTrainer(m)
		tr.Step(x, y, nil, len(x))
		for _, l := range m.Layers {
			for _, v := range append(append([]float64(nil), l.W...), l.B...) {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("%v: step produced weight %v", c.Task, v)
				}
			}
		}
	}
	if p := sigmoid(800); p != 1 {
		t.Errorf("sigmoid(800) = %v", p)
	}
	if p := sigmoid(-800); p != 0 {
		t.Errorf("sigmoid(-800) = %v", p)
	}
	if p := sigmoid(-30); math.Abs(p-9.357622968839299e-14)/p > 1e-15 {
		t.Errorf("sigmoid(-30) = %v, want full relative precision", p)
	}
}

// The loss Step reports is the loss of the model before the update, the
// same bits Loss returns, on the serial and on the sharded path.
func TestStepReportsLossBeforeUpdate(t *testing.T) {
	for _, c := range []Config{
		{Task: task.Binary, Inputs: 5, LearningRate: 0.01},
		{Task: task.Regression, Inputs: 5, Hidden: []int{4}, LearningRate: 0.01, Seed: 1},
		{Task: task.Multiclass, Classes: 4, Inputs: 5, Hidden: []int{6}, LearningRate: 0.01, Seed: 1},
	} {
		for _, n := range []int{300, 2500} {
			for _, weighted := range []bool{false, true} {
				m := mustNew(c)
				rng := rand.New(rand.NewPCG(uint64(n), 0))
				x, y, w := randomBatch(rng, m.Config, n, weighted)
				tr := NewTrainer(m)
				for step := 0; step < 3; step++ {
					before := m.Loss(x, y, w, n)
					got := tr.Step(x, y, w, n)
					if math.Float64bits(got) != math.Float64bits(before) {
						t.Errorf("%v n=%d weighted=%v step %d: Step returned %v, Loss before %v", c.Task, n, weighted, step, got, before)
					}
					if after := m.Loss(x, y, w, n); !(after < before) {
						t.Errorf("%v n=%d step %d: loss %v did not fall from %v", c.Task, n, step, after, before)
					}
				}
				if tr.Steps() != 3 {
					t.Errorf("Steps() = %d, want 3", tr.Steps())
				}
			}
		}
	}
}

func TestEmptyOrWeightlessBatchChangesNothing(t *testing.T) {
	m := mustNew(Config{Task: task.Binary, Inputs: 2, Hidden: []int{3}, LearningRate: 0.1, Seed: 1})
	before, _ := json.Marshal(m)
	tr := NewTrainer(m)
	if l := tr.Step(nil, nil, nil, 0); !math.IsNaN(l) {
		t.Errorf("empty batch: loss %v, want NaN", l)
	}
	if l := tr.Step([]float64{1, 2}, []float64{1}, []float64{0}, 1); !math.IsNaN(l) {
		t.Errorf("zero-weight batch: loss %v, want NaN", l)
	}
	if l := m.Loss(nil, nil, nil, 0); !math.IsNaN(l) {
		t.Errorf("empty Loss %v, want NaN", l)
	}
	after, _ := json.Marshal(m)
	if string(before) != string(after) || tr.Steps() != 0 {
		t.Errorf("model or step count changed by empty batches")
	}
}

// weightBits returns the bits of every weight and bias, in order.
func weightBits(m *Model) []uint64 {
	var b []uint64
	for _, l := range m.Layers {
		for _, v := range l.W {
			b = append(b, math.Float64bits(v))
		}
		for _, v := range l.B {
			b = append(b, math.Float64bits(v))
		}
	}
	return b
}

// Training is bit-for-bit reproducible: same config and data give the same
// weights, whatever GOMAXPROCS is, also when big batches are sharded over
// goroutines.
func TestDeterministicAcrossGOMAXPROCS(t *testing.T) {
	configs := []Config{
		{Task: task.Binary, Inputs: 6, LearningRate: 0.01, L2: 1e-3, Seed: 1},
		{Task: task.Binary, Inputs: 6, Hidden: []int{16}, LearningRate: 0.01, Seed: 2},
		{Task: task.Multiclass, Classes: 3, Inputs: 6, Hidden: []int{8, 5}, Activation: Tanh, Optimizer: SGD, LearningRate: 0.05, Seed: 3},
		{Task: task.Regression, Inputs: 6, Hidden: []int{7}, Activation: Sigmoid, LearningRate: 0.01, L2: 0.01, Seed: 4},
	}
	rng := rand.New(rand.NewPCG(11, 12))
	run := func(c Config, procs int, x, y, w []float64, batches []int) ([]uint64, []uint64) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		m := mustNew(c)
		tr := NewTrainer(m)
		var losses []uint64
		r0 := 0
		for _, b := range batches {
			var wb []float64
			if w != nil {
				wb = w[r0 : r0+b]
			}
			l := tr.Step(x[r0*c.Inputs:(r0+b)*c.Inputs], y[r0:r0+b], wb, b)
			losses = append(losses, math.Float64bits(l))
			r0 += b
		}
		return weightBits(m), losses
	}
	batches := []int{256, 5000, 1024, 1025, 3333, 256, 7}
	total := 0
	for _, b := range batches {
		total += b
	}
	for _, c := range configs {
		x, y, w := randomBatch(rng, c, total, true)
		for _, wt := range [][]float64{nil, w} {
			w1, l1 := run(c, 1, x, y, wt, batches)
			for _, procs := range []int{2, 3, 8} {
				wp, lp := run(c, procs, x, y, wt, batches)
				if fmt.Sprint(w1) != fmt.Sprint(wp) || fmt.Sprint(l1) != fmt.Sprint(lp) {
					t.Errorf("%v hidden %v weighted=%v: GOMAXPROCS 1 and %d train different models", c.Task, c.Hidden, wt != nil, procs)
				}
			}
		}
		// A different seed gives a different network (when there is a
		// random initialisation at all).
		if len(c.Hidden) > 0 {
			c2 := c
			c2.Seed++
			if fmt.Sprint(weightBits(mustNew(c))) == fmt.Sprint(weightBits(mustNew(c2))) {
				t.Errorf("seeds %d and %d give the same initial weights", c.Seed, c2.Seed)
			}
		}
	}
}

// The initialisation is a fixed function of the seed: these values must not
// change across Go releases or refactorings, or stored seeds stop
// reproducing models.
func TestInitialisationIsPinned(t *testing.T) {
	m := mustNew(Config{Task: task.Binary, Inputs: 2, Hidden: []int{2}, LearningRate: 0.1, Seed: 42})
	got := fmt.Sprintf("%.6f %.6f", m.Layers[0].W, m.Layers[1].W)
	const want = "[-0.940564 0.842941 -1.542705 1.229090] [-1.208150 0.463493]"
	if got != want {
		t.Errorf("initial weights %s, want %s", got, want)
	}
	// He bound for ReLU: sqrt(6/2) = 1.73; Glorot for the output: sqrt(6/3) = 1.41.
	for _, v := range m.Layers[0].W {
		if math.Abs(v) > math.Sqrt(3) {
			t.Errorf("hidden weight %v outside the He bound", v)
		}
	}
	for _, v := range m.Layers[1].W {
		if math.Abs(v) > math.Sqrt(2) {
			t.Errorf("output weight %v outside the Glorot bound", v)
		}
	}
}

// Predict is safe for concurrent use: many goroutines scoring with one
// model get the serial answer (run with -race).
func TestPredictConcurrent(t *testing.T) {
	for _, hidden := range [][]int{nil, {16, 4}} {
		c := Config{Task: task.Multiclass, Classes: 3, Inputs: 6, Hidden: hidden, LearningRate: 0.01, Seed: 5}
		m := mustNew(c)
		rng := rand.New(rand.NewPCG(5, 5))
		x, y, _ := randomBatch(rng, m.Config, 1000, false)
		trainEpochs(NewTrainer(m), dataset{x: x, y: y, n: 1000, in: 6}, 100, 1)
		want := make([]float64, 1000*3)
		m.Predict(x, 1000, want)
		var wg sync.WaitGroup
		errs := make(chan string, 16)
		for g := 0; g < 8; g++ {
			wg.Go(func() {
				got := make([]float64, 1000*3)
				var s Scratch
				for it := 0; it < 20; it++ {
					r0 := (g*37 + it*53) % 900
					n := 1 + (g+it)%100
					if it%2 == 0 {
						m.Predict(x[r0*6:], n, got)
					} else {
						m.PredictScratch(x[r0*6:], n, got, &s)
					}
					for i := 0; i < n*3; i++ {
						if got[i] != want[r0*3+i] {
							errs <- fmt.Sprintf("goroutine %d: row %d differs", g, r0+i/3)
							return
						}
					}
					_ = m.Loss(x[r0*6:], y[r0:], nil, n)
				}
			})
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	m := mustNew(Config{Task: task.Multiclass, Classes: 3, Inputs: 4, Hidden: []int{5}, Activation: Tanh, LearningRate: 0.01, L2: 1e-4, Seed: 9})
	rng := rand.New(rand.NewPCG(1, 1))
	x, y, _ := randomBatch(rng, m.Config, 500, false)
	trainEpochs(NewTrainer(m), dataset{x: x, y: y, n: 500, in: 4}, 64, 2)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"task":"multiclass"`) || !strings.Contains(string(b), `"activation":"tanh"`) {
		t.Errorf("JSON does not name the task and activation: %.200s", b)
	}
	var back Model
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Check(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(weightBits(m)) != fmt.Sprint(weightBits(&back)) {
		t.Errorf("weights changed in the JSON round trip")
	}
	p1, p2 := make([]float64, 1500), make([]float64, 1500)
	m.Predict(x, 500, p1)
	back.Predict(x, 500, p2)
	for i := range p1 {
		if p1[i] != p2[i] {
			t.Fatalf("prediction %d differs after the round trip", i)
		}
	}
}

func TestCheckFindsBrokenModels(t *testing.T) {
	fresh := func() *Model {
		return mustNew(Config{Task: task.Binary, Inputs: 3, Hidden: []int{4}, LearningRate: 0.1, Seed: 1})
	}
	if err := fresh().Check(); err != nil {
		t.Fatalf("fresh model: %v", err)
	}
	for name, breakIt := range map[string]func(*Model){
		"missing layer":   func(m *Model) { m.Layers = m.Layers[:1] },
		"short weights":   func(m *Model) { m.Layers[0].W = m.Layers[0].W[:5] },
		"wrong out":       func(m *Model) { m.Layers[1].Out = 2 },
		"short biases":    func(m *Model) { m.Layers[0].B = nil },
		"bad config":      func(m *Model) { m.Config.LearningRate = 0 },
		"hidden mismatch": func(m *Model) { m.Config.Hidden = []int{5} },
		"unresolved":      func(m *Model) { m.Config.Activation = "" },
	} {
		m := fresh()
		breakIt(m)
		if err := m.Check(); err == nil {
			t.Errorf("%s: Check passed", name)
		}
	}
}

// Steady-state training and scoring allocate nothing.
func TestNoAllocations(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	for _, c := range []Config{
		{Task: task.Binary, Inputs: 16, LearningRate: 0.01},
		{Task: task.Binary, Inputs: 16, Hidden: []int{16}, LearningRate: 0.01, Seed: 1},
		{Task: task.Multiclass, Classes: 4, Inputs: 16, Hidden: []int{8}, Activation: Tanh, LearningRate: 0.01, Seed: 1},
		{Task: task.Regression, Inputs: 16, LearningRate: 0.01, Optimizer: SGD},
	} {
		m := mustNew(c)
		x, y, w := randomBatch(rng, m.Config, 1024, true)
		tr := NewTrainer(m)
		if a := testing.AllocsPerRun(20, func() { tr.Step(x, y, nil, 256); tr.Step(x, y, w, 1024) }); a != 0 {
			t.Errorf("%v hidden %v: Step allocates %v times", c.Task, c.Hidden, a)
		}
		// Sharded batches allocate only for the goroutines they start.
		big, bigY, _ := randomBatch(rng, m.Config, 3000, false)
		old := runtime.GOMAXPROCS(1)
		if a := testing.AllocsPerRun(5, func() { tr.Step(big, bigY, nil, 3000) }); a != 0 {
			t.Errorf("%v hidden %v: sharded Step with GOMAXPROCS 1 allocates %v times", c.Task, c.Hidden, a)
		}
		runtime.GOMAXPROCS(old)
		out := make([]float64, 1024*m.Outputs())
		var s Scratch
		if a := testing.AllocsPerRun(20, func() { m.PredictScratch(x, 1024, out, &s) }); a != 0 {
			t.Errorf("%v hidden %v: PredictScratch allocates %v times", c.Task, c.Hidden, a)
		}
		if len(c.Hidden) == 0 && c.Task != task.Multiclass {
			if a := testing.AllocsPerRun(20, func() { m.Predict(x, 1024, out) }); a != 0 {
				t.Errorf("%v: Predict allocates %v times", c.Task, a)
			}
		}
	}
}

func TestInitBias(t *testing.T) {
	y := []float64{1, 0, 0, 0, 1, 0, 0, 0}
	x := make([]float64, len(y)*2)
	m := mustNew(Config{Task: task.Binary, Inputs: 2, LearningRate: 0.1})
	m.InitBias(y, nil, len(y))
	p := make([]float64, len(y))
	m.Predict(x, len(y), p)
	if math.Abs(p[0]-0.25) > 1e-15 {
		t.Errorf("binary: constant prediction %v, want the positive rate 0.25", p[0])
	}
	// Weights: 3 positives of weight 2 against 6 negatives of weight 1 -> 0.5.
	m.InitBias(y, []float64{2, 1, 1, 1, 2, 1, 1, 1}, len(y))
	m.Predict(x, 1, p)
	if math.Abs(p[0]-4.0/10) > 1e-15 {
		t.Errorf("weighted binary: %v, want 0.4", p[0])
	}

	r := mustNew(Config{Task: task.Regression, Inputs: 2, LearningRate: 0.1})
	r.InitBias([]float64{1, 2, 3, 6}, nil, 4)
	r.Predict(x, 1, p)
	if p[0] != 3 {
		t.Errorf("regression: %v, want the mean 3", p[0])
	}

	mc := mustNew(Config{Task: task.Multiclass, Classes: 3, Inputs: 2, LearningRate: 0.1})
	mc.InitBias([]float64{0, 1, 1, 2, 2, 2, 2, 2}, nil, 8)
	q := make([]float64, 3)
	mc.Predict(x, 1, q)
	for c, want := range []float64{1.0 / 8, 2.0 / 8, 5.0 / 8} {
		if math.Abs(q[c]-want) > 1e-15 {
			t.Errorf("multiclass: P(class %d) = %v, want %v", c, q[c], want)
		}
	}
}

func TestBadInputsPanic(t *testing.T) {
	m := mustNew(Config{Task: task.Multiclass, Classes: 3, Inputs: 2, LearningRate: 0.1})
	tr := NewTrainer(m)
	for name, f := range map[string]func(){
		"short x":         func() { m.Predict([]float64{1, 2, 3}, 2, make([]float64, 6)) },
		"short out":       func() { m.Predict([]float64{1, 2, 3, 4}, 2, make([]float64, 5)) },
		"short y":         func() { tr.Step([]float64{1, 2, 3, 4}, []float64{1}, nil, 2) },
		"short w":         func() { m.Loss([]float64{1, 2, 3, 4}, []float64{1, 1}, []float64{1}, 2) },
		"class too big":   func() { tr.Step([]float64{1, 2}, []float64{3}, nil, 1) },
		"class not whole": func() { tr.Step([]float64{1, 2}, []float64{1.5}, nil, 1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
