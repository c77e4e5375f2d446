package perceptron

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/ducksight/ducksight/engine/task"
)

// Model is a trained network. Its fields are exported and it marshals with
// encoding/json, so it is stored as part of a model document as is; call
// Check after decoding one. A Model is read-only for Predict and Loss, which
// are safe for concurrent use; a Trainer updates it in place.
type Model struct {
	Config Config  `json:"config"`
	Layers []Layer `json:"layers"` // hidden layers in order, then the output layer
}

// Layer is one fully connected layer: out = act(in*W + B).
type Layer struct {
	In  int       `json:"in"`
	Out int       `json:"out"`
	W   []float64 `json:"w"` // In*Out weights, row-major: W[i*Out+j] joins input i to unit j
	B   []float64 `json:"b"` // Out biases
}

// New returns an untrained network for c, or c's validation error.
//
// Initialisation is deterministic in c.Seed (a PCG stream read with a fixed
// recipe, so it does not change with the Go release). Hidden layers use He
// uniform weights, U(-sqrt(6/in), sqrt(6/in)), for ReLU and Glorot uniform,
// U(-sqrt(6/(in+out)), sqrt(6/(in+out))), for tanh and sigmoid; the output
// layer of a network with hidden layers is Glorot uniform. A network without
// hidden layer is a convex model and starts from all-zero weights (Seed is
// then unused). Every bias starts at zero.
//
// The output layer has one unit for task.Binary and task.Regression and Classes units
// for task.Multiclass.
func New(c Config) (*Model, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.resolved()
	m := &Model{Config: c}
	src := rand.NewPCG(c.Seed, 0xd1b54a32d192ed03)
	uniform := func(w []float64, limit float64) {
		for i := range w {
			u := float64(src.Uint64()>>11) * 0x1p-53 // [0, 1)
			w[i] = limit * (2*u - 1)
		}
	}
	in := c.Inputs
	for _, h := range c.Hidden {
		l := newLayer(in, h)
		if c.Activation == ReLU {
			uniform(l.W, math.Sqrt(6/float64(in)))
		} else {
			uniform(l.W, math.Sqrt(6/float64(in+h)))
		}
		m.Layers = append(m.Layers, l)
		in = h
	}
	out := newLayer(in, m.Outputs())
	if len(c.Hidden) > 0 {
		uniform(out.W, math.Sqrt(6/float64(in+out.Out)))
	}
	m.Layers = append(m.Layers, out)
	return m, nil
}

func newLayer(in, out int) Layer {
	return Layer{In: in, Out: out, W: make([]float64, in*out), B: make([]float64, out)}
}

// Outputs returns the number of outputs per row: Classes for task.Multiclass,
// 1 otherwise.
func (m *Model) Outputs() int {
	if m.Config.Task == task.Multiclass {
		return m.Config.Classes
	}
	return 1
}

// Check reports whether m is a consistent network, as New makes them: a
// valid Config and layers whose shapes chain from Inputs to Outputs. Use it
// on a model decoded from storage.
func (m *Model) Check() error {
	c := m.Config
	if err := c.Validate(); err != nil {
		return err
	}
	if c.Activation == "" || c.Optimizer == "" {
		return fmt.Errorf("perceptron: stored config has no resolved activation/optimizer")
	}
	if len(m.Layers) != len(c.Hidden)+1 {
		return fmt.Errorf("perceptron: %d layers for %d hidden layers", len(m.Layers), len(c.Hidden))
	}
	in := c.Inputs
	for i, l := range m.Layers {
		out := m.Outputs()
		if i < len(c.Hidden) {
			out = c.Hidden[i]
		}
		if l.In != in || l.Out != out || len(l.W) != in*out || len(l.B) != out {
			return fmt.Errorf("perceptron: layer %d is %dx%d with %d weights and %d biases, want %dx%d",
				i, l.In, l.Out, len(l.W), len(l.B), in, out)
		}
		in = out
	}
	return nil
}

// Scratch holds the intermediate activations of Predict and Loss. The zero
// value is ready to use; a Scratch grows to what the largest model it served
// needs and must not be used by two goroutines at once.
type Scratch struct {
	bufs [][]float64
}

// buf returns scratch buffer i with length n, reusing its memory.
func (s *Scratch) buf(i, n int) []float64 {
	for len(s.bufs) <= i {
		s.bufs = append(s.bufs, nil)
	}
	if cap(s.bufs[i]) < n {
		s.bufs[i] = make([]float64, n)
	}
	return s.bufs[i][:n]
}

var scratchPool = sync.Pool{New: func() any { return new(Scratch) }}

// predictBlock is the number of rows Predict pushes through a network with
// hidden layers at a time: small enough for the activations to stay in cache.
const predictBlock = 256

func (m *Model) checkRows(fn string, x []float64, n int) {
	if n < 0 || len(x) < n*m.Config.Inputs {
		panic(fmt.Sprintf("perceptron: %s: x has %d values, want %d rows x %d inputs", fn, len(x), n, m.Config.Inputs))
	}
}

// Predict writes the model's output for the n rows of x (row-major, n x
// Inputs) into out: for task.Binary P(class 1) (len n), for task.Regression the
// prediction (len n), for task.Multiclass the class probabilities, row-major
// n x Classes. Scratch comes from a sync.Pool, so steady-state scoring
// allocates nothing; Predict is safe for concurrent use.
func (m *Model) Predict(x []float64, n int, out []float64) {
	if len(m.Layers) == 1 {
		m.PredictScratch(x, n, out, nil) // needs no scratch
		return
	}
	s := scratchPool.Get().(*Scratch)
	m.PredictScratch(x, n, out, s)
	scratchPool.Put(s)
}

// PredictScratch is Predict with a caller-owned scratch space (nil is
// allowed for networks without hidden layers).
func (m *Model) PredictScratch(x []float64, n int, out []float64, s *Scratch) {
	m.checkRows("Predict", x, n)
	k := m.Outputs()
	if len(out) < n*k {
		panic(fmt.Sprintf("perceptron: Predict: out has %d values, want %d rows x %d outputs", len(out), n, k))
	}
	if len(m.Layers) == 1 && k == 1 {
		// Logistic or linear regression: one dot product per row.
		l := &m.Layers[0]
		out = out[:n]
		affine1(x, n, l.In, l.W, l.B[0], out)
		if m.Config.Task == task.Binary {
			for r, z := range out {
				out[r] = sigmoid(z)
			}
		}
		return
	}
	in := m.Config.Inputs
	for r0 := 0; r0 < n; r0 += predictBlock {
		rows := min(predictBlock, n-r0)
		z := out[r0*k : (r0+rows)*k]
		m.forward(x[r0*in:(r0+rows)*in], rows, s, z)
		m.link(z, rows)
	}
}

// forward computes the output layer's pre-activations (logits) of n rows
// into z (n x Outputs), leaving hidden layer l's activations in s.buf(l).
func (m *Model) forward(x []float64, n int, s *Scratch, z []float64) {
	l := &m.Layers[0]
	if len(m.Layers) == 1 {
		affine(x, n, l.In, l.W, l.B, l.Out, z)
		return
	}
	affine(x, n, l.In, l.W, l.B, l.Out, s.buf(0, n*l.Out))
	m.forwardHidden(n, s, z)
}

// forwardHidden is forward from the first hidden layer's pre-activations
// of n rows, which s.buf(0) holds (n x Layers[0].Out): it activates them
// in place and computes the later layers, the output layer's
// pre-activations into z (skipped when z is nil: a backward pass from a
// given output gradient needs the hidden activations only). The network
// has hidden layers.
func (m *Model) forwardHidden(n int, s *Scratch, z []float64) {
	last := len(m.Layers) - 1
	var a []float64
	in := 0
	for i := range m.Layers[:last] {
		l := &m.Layers[i]
		h := s.buf(i, n*l.Out)
		if i > 0 {
			affine(a, n, in, l.W, l.B, l.Out, h)
		}
		activate(m.Config.Activation, h)
		a, in = h, l.Out
	}
	if z == nil {
		return
	}
	l := &m.Layers[last]
	affine(a, n, in, l.W, l.B, l.Out, z)
}

// backward is the backward pass of n rows through the forward pass that
// left its hidden activations in s: d (n x Outputs) is the gradient of an
// objective with respect to the output layer's pre-activations, and
// backward returns the gradient with respect to the first layer's
// pre-activations (d itself without hidden layers; else deltas[0], n x
// Layers[0].Out). deltas has room for n rows of each hidden layer. When
// grad is not nil, the gradient with respect to every weight and bias (the
// layout of Trainer's: W and B of each layer in turn) is added to it; x
// (n x Inputs), the rows' inputs, is read only then.
func (m *Model) backward(x []float64, n int, s *Scratch, deltas [][]float64, d, grad []float64) []float64 {
	off := len(grad)
	for li := len(m.Layers) - 1; li >= 0; li-- {
		l := &m.Layers[li]
		in, out := l.In, l.Out
		if grad != nil {
			off -= len(l.W) + len(l.B)
			gW := grad[off : off+len(l.W)]
			gB := grad[off+len(l.W) : off+len(l.W)+len(l.B)]
			a := x
			if li > 0 {
				a = s.bufs[li-1][:n*in]
			}
			// gW += a^T d, gB += column sums of d.
			gemmTN(a, n, in, d, out, gW)
			colSums(d, n, out, gB)
		}
		if li == 0 {
			break
		}
		// Gradient with respect to the layer's input: d W^T, times the
		// activation's derivative.
		a := s.bufs[li-1][:n*in]
		prev := deltas[li-1][:n*in]
		if out == 1 {
			wv := l.W[:in]
			for r, dr := range d[:n] {
				pr := prev[r*in : r*in+in]
				for i, wi := range wv {
					pr[i] = dr * wi
				}
			}
		} else {
			for r := 0; r < n; r++ {
				dr := d[r*out : r*out+out]
				pr := prev[r*in : r*in+in]
				for i := range pr {
					pr[i] = dot(dr, l.W[i*out:i*out+out])
				}
			}
		}
		activationGrad(m.Config.Activation, a, prev)
		d = prev
	}
	return d
}

// link turns the logits of n rows into predictions in place.
func (m *Model) link(z []float64, n int) { Link(m.Config.Task, m.Outputs(), z, n) }

// Link turns the raw scores of n rows of a model of task t with k outputs
// (k per row, row-major) into predictions in place, as Predict does after
// the output layer: task.Binary P(class 1) = sigmoid(z), task.Multiclass
// the softmax of each row's k logits, task.Regression unchanged. Other
// model kinds whose raw scores are log-odds and logits share it, so their
// probabilities are computed the same way to the bit.
func Link(t task.Task, k int, z []float64, n int) {
	switch t {
	case task.Binary:
		for i, v := range z[:n] {
			z[i] = sigmoid(v)
		}
	case task.Multiclass:
		for r := 0; r < n; r++ {
			softmax(z[r*k : r*k+k])
		}
	}
}

// PredictRaw writes the output layer's raw scores of the n rows of x
// (row-major, n x Inputs) into out (n x Outputs): the logit for
// task.Binary, one logit per class for task.Multiclass, the prediction
// for task.Regression (in the units the network was trained on). Link of
// them is what Predict writes, to the bit. It is safe for concurrent use.
func (m *Model) PredictRaw(x []float64, n int, out []float64) {
	m.checkRows("PredictRaw", x, n)
	k := m.Outputs()
	if len(out) < n*k {
		panic(fmt.Sprintf("perceptron: PredictRaw: out has %d values, want %d rows x %d outputs", len(out), n, k))
	}
	if len(m.Layers) == 1 && k == 1 {
		l := &m.Layers[0]
		affine1(x, n, l.In, l.W, l.B[0], out[:n])
		return
	}
	var s *Scratch
	if len(m.Layers) > 1 {
		s = scratchPool.Get().(*Scratch)
		defer scratchPool.Put(s)
	}
	in := m.Config.Inputs
	for r0 := 0; r0 < n; r0 += predictBlock {
		rows := min(predictBlock, n-r0)
		m.forward(x[r0*in:(r0+rows)*in], rows, s, out[r0*k:(r0+rows)*k])
	}
}

// rowLoss turns the logits z of n rows (n x Outputs) into the gradient of
// the weighted loss with respect to them, in place, and returns the weighted
// loss sum over the rows. Loss and Trainer.Step share it, so the loss Step
// reports equals Loss on the same batch bit for bit.
func (m *Model) rowLoss(z []float64, n int, y, w []float64) float64 {
	sum := 0.0
	switch m.Config.Task {
	case task.Binary:
		sum = binaryRows(z[:n], y, w)
	case task.Regression:
		sum = regressionRows(z[:n], y, w)
	case task.Multiclass:
		k := m.Config.Classes
		for r := 0; r < n; r++ {
			zr := z[r*k : r*k+k]
			c := classIndex(y[r], k)
			zc := zr[c]
			loss := softmax(zr) - zc // -log(p_c) = logsumexp(z) - z_c
			zr[c]--
			if w != nil {
				loss *= w[r]
				for j := range zr {
					zr[j] *= w[r]
				}
			}
			sum += loss
		}
	}
	return sum
}

// shardRows is the fixed shard size: Step and Loss cut larger batches into
// shards of this many rows and add the shards' sums in shard order, so the
// result never depends on how many goroutines computed them.
const shardRows = 1024

// weightSum returns the sum of the n row weights (n when w is nil).
func weightSum(w []float64, n int) float64 {
	if w == nil {
		return float64(n)
	}
	s := 0.0
	for _, v := range w[:n] {
		s += v
	}
	return s
}

func checkTargets(fn string, y, w []float64, n int) {
	if len(y) < n {
		panic(fmt.Sprintf("perceptron: %s: y has %d values, want %d", fn, len(y), n))
	}
	if w != nil && len(w) < n {
		panic(fmt.Sprintf("perceptron: %s: w has %d values, want %d", fn, len(w), n))
	}
}

// Loss returns the mean loss over the n rows of x against the targets y,
// weighted by w when w != nil (sum w_i*loss_i / sum w_i), without the L2
// term: log loss for task.Binary (y in {0, 1}), cross-entropy for task.Multiclass (y
// holds class indices as float64) and half the squared error, (pred-y)^2/2,
// for task.Regression (the loss scikit-learn's MLPRegressor reports; RMSE is
// sqrt(2*Loss) unweighted). It is NaN when n is 0 or the weights sum to 0.
// Loss is safe for concurrent use.
func (m *Model) Loss(x, y, w []float64, n int) float64 {
	m.checkRows("Loss", x, n)
	checkTargets("Loss", y, w, n)
	sw := weightSum(w, n)
	if n == 0 || !(sw > 0) {
		return math.NaN()
	}
	s := scratchPool.Get().(*Scratch)
	defer scratchPool.Put(s)
	in, k := m.Config.Inputs, m.Outputs()
	z := s.buf(len(m.Layers), min(n, shardRows)*k)
	sum := 0.0
	for r0 := 0; r0 < n; r0 += shardRows {
		rows := min(shardRows, n-r0)
		var ws []float64
		if w != nil {
			ws = w[r0 : r0+rows]
		}
		m.forward(x[r0*in:(r0+rows)*in], rows, s, z)
		sum += m.rowLoss(z, rows, y[r0:r0+rows], ws)
	}
	return sum / sw
}

// InitBias sets the output layer's biases to the best constant model for
// the targets y of n rows (weighted by w when w != nil): the log-odds of the
// positive rate for task.Binary, the centred log class frequencies for
// task.Multiclass and the mean for task.Regression. Called on the training targets
// before the first Step, it spares the optimizer the many steps it takes to
// walk the biases there from zero, which matters for rare positives and for
// regression targets far from zero. Rates are clipped to [1e-6, 1-1e-6].
func (m *Model) InitBias(y, w []float64, n int) {
	checkTargets("InitBias", y, w, n)
	sw := weightSum(w, n)
	if n == 0 || !(sw > 0) {
		return
	}
	b := m.Layers[len(m.Layers)-1].B
	wt := func(r int) float64 {
		if w == nil {
			return 1
		}
		return w[r]
	}
	const eps = 1e-6
	switch m.Config.Task {
	case task.Binary:
		s := 0.0
		for r, v := range y[:n] {
			s += wt(r) * v
		}
		p := min(max(s/sw, eps), 1-eps)
		b[0] = math.Log(p / (1 - p))
	case task.Regression:
		s := 0.0
		for r, v := range y[:n] {
			s += wt(r) * v
		}
		b[0] = s / sw
	case task.Multiclass:
		k := m.Config.Classes
		clear(b)
		for r, v := range y[:n] {
			b[classIndex(v, k)] += wt(r)
		}
		mean := 0.0
		for c := range b {
			b[c] = math.Log(min(max(b[c]/sw, eps), 1))
			mean += b[c]
		}
		mean /= float64(k)
		for c := range b {
			b[c] -= mean
		}
	}
}

// WarmStart sets m's weights and biases to from's, a network of the same
// layer shapes (a solver then starts from there instead of m's
// initialisation).
func (m *Model) WarmStart(from *Model) error {
	if len(from.Layers) != len(m.Layers) {
		return fmt.Errorf("perceptron: WarmStart: %d layers from %d", len(m.Layers), len(from.Layers))
	}
	for i := range m.Layers {
		a, b := &m.Layers[i], &from.Layers[i]
		if a.In != b.In || a.Out != b.Out || len(a.W) != len(b.W) || len(a.B) != len(b.B) {
			return fmt.Errorf("perceptron: WarmStart: layer %d is %dx%d, from %dx%d", i, a.In, a.Out, b.In, b.Out)
		}
		copy(a.W, b.W)
		copy(a.B, b.B)
	}
	return nil
}
