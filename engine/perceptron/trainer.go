package perceptron

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/ducksight/ducksight/engine/task"
)

// Optimizer constants.
const (
	adamBeta1   = 0.9
	adamBeta2   = 0.999
	adamEpsilon = 1e-8
	sgdMomentum = 0.9
)

// Trainer updates a Model in place, one minibatch at a time, and holds the
// optimizer state (Adam's moment estimates and step count, or SGD's
// velocities) and all the scratch memory a step needs. Each step reads the
// model's Config.LearningRate and Config.L2, so a caller may change them
// between steps (a learning-rate schedule). A Trainer is not safe for
// concurrent use, and the model must not be read by Predict or Loss while
// Step runs.
type Trainer struct {
	m     *Model
	steps int

	grad   []float64 // flat gradient: W and B of each layer in turn
	mom1   []float64 // Adam first moments, or SGD velocities
	mom2   []float64 // Adam second moments
	b1pow  float64   // adamBeta1^steps
	b2pow  float64   // adamBeta2^steps
	work   []*workspace
	slots  [][]float64 // per-shard gradients of one parallel wave
	losses []float64   // per-shard loss sums of one parallel wave
}

// workspace is one goroutine's scratch for a shard: the hidden activations
// (in Scratch buffers 0..L-2), the output gradient, the hidden gradients.
type workspace struct {
	s      Scratch
	z      []float64   // shardRows x Outputs: logits, then their gradient
	deltas [][]float64 // per hidden layer, shardRows x size
}

// NewTrainer returns a trainer for m starting from step 0.
func NewTrainer(m *Model) *Trainer {
	n := 0
	for _, l := range m.Layers {
		n += len(l.W) + len(l.B)
	}
	t := &Trainer{m: m, grad: make([]float64, n), mom1: make([]float64, n), b1pow: 1, b2pow: 1}
	if m.Config.Optimizer != SGD {
		t.mom2 = make([]float64, n)
	}
	return t
}

// Model returns the model being trained.
func (t *Trainer) Model() *Model { return t.m }

// Steps returns the number of updates made so far.
func (t *Trainer) Steps() int { return t.steps }

func (t *Trainer) workspace(i int) *workspace {
	for len(t.work) <= i {
		ws := &workspace{z: make([]float64, shardRows*t.m.Outputs())}
		for i, l := range t.m.Layers[:len(t.m.Layers)-1] {
			ws.s.buf(i, shardRows*l.Out)
			ws.deltas = append(ws.deltas, make([]float64, shardRows*l.Out))
		}
		t.work = append(t.work, ws)
	}
	return t.work[i]
}

// Step does one update on the minibatch of n rows of x (row-major, n x
// Inputs) with targets y and optional non-negative row weights w (nil means
// 1, e.g. class_weight 'balanced'), and returns the batch's mean loss before
// the update, the same number Loss(x, y, w, n) returns. The objective is
// sum(w_i*loss_i)/sum(w_i) + L2/2*||W||^2. A batch with no rows or zero total
// weight changes nothing and returns NaN.
//
// Batches of more than 1024 rows are cut into 1024-row shards whose
// gradients are computed in parallel (up to GOMAXPROCS goroutines) and added
// in shard order, so the model is the same bit for bit whatever GOMAXPROCS
// is. Step allocates nothing once the first calls have sized the scratch,
// except that a parallel step starts a goroutine per extra worker for every
// wave of 4*GOMAXPROCS shards.
func (t *Trainer) Step(x, y, w []float64, n int) float64 {
	loss, ok := t.gradient(x, y, w, n)
	if ok {
		t.update()
	}
	return loss
}

// gradient fills t.grad with the gradient of the objective on the batch and
// returns the mean loss (without the L2 term); ok is false for an empty or
// zero-weight batch.
func (t *Trainer) gradient(x, y, w []float64, n int) (loss float64, ok bool) {
	m := t.m
	m.checkRows("Step", x, n)
	checkTargets("Step", y, w, n)
	sw := weightSum(w, n)
	if n == 0 || !(sw > 0) {
		return math.NaN(), false
	}
	sum := t.gradientSum(x, y, w, n)
	inv := 1 / sw
	for i := range t.grad {
		t.grad[i] *= inv
	}
	if l2 := m.Config.L2; l2 != 0 {
		off := 0
		for _, l := range m.Layers {
			axpy(l2, l.W, t.grad[off:off+len(l.W)])
			off += len(l.W) + len(l.B)
		}
	}
	return sum / sw, true
}

// gradientSum fills t.grad with the gradient of the weighted loss sum of
// the n rows (no L2 term, not divided by the weights' sum) and returns the
// weighted loss sum. The sum is over fixed shards in shard order.
func (t *Trainer) gradientSum(x, y, w []float64, n int) float64 {
	if n <= shardRows {
		return t.shard(t.workspace(0), x, y, w, n, t.grad)
	}
	return t.parallel(x, y, w, n)
}

// parallel computes the gradient sum of a batch of several shards into
// t.grad and returns the loss sum. Shards are computed a wave at a time into
// per-shard slots by up to GOMAXPROCS goroutines, and each wave's slots are
// added to the total in shard order: the result is the same left-to-right
// sum over shards whichever goroutine computed which shard.
func (t *Trainer) parallel(x, y, w []float64, n int) float64 {
	nsh := (n + shardRows - 1) / shardRows
	procs := min(runtime.GOMAXPROCS(0), nsh)
	wave := min(4*procs, nsh)
	for len(t.slots) < wave {
		t.slots = append(t.slots, make([]float64, len(t.grad)))
	}
	if len(t.losses) < wave {
		t.losses = make([]float64, wave)
	}
	for i := 0; i < procs; i++ {
		t.workspace(i)
	}
	clear(t.grad)
	total := 0.0
	add := func(j int) { // fold shard slot j into the total
		total += t.losses[j]
		g := t.slots[j]
		for i := range t.grad {
			t.grad[i] += g[i]
		}
	}
	if procs == 1 {
		for s := 0; s < nsh; s++ {
			t.shardSlot(t.work[0], x, y, w, n, s, 0)
			add(0)
		}
		return total
	}
	for first := 0; first < nsh; first += wave {
		cnt := min(wave, nsh-first)
		var next atomic.Int64
		run := func(ws *workspace) {
			for {
				j := int(next.Add(1) - 1)
				if j >= cnt {
					return
				}
				t.shardSlot(ws, x, y, w, n, first+j, j)
			}
		}
		var wg sync.WaitGroup
		for i := 1; i < min(procs, cnt); i++ {
			ws := t.work[i]
			wg.Go(func() { run(ws) })
		}
		run(t.work[0])
		wg.Wait()
		for j := 0; j < cnt; j++ {
			add(j)
		}
	}
	return total
}

// shardSlot computes shard s of the n-row batch into slot.
func (t *Trainer) shardSlot(ws *workspace, x, y, w []float64, n, s, slot int) {
	in := t.m.Config.Inputs
	r0 := s * shardRows
	rows := min(shardRows, n-r0)
	var wsh []float64
	if w != nil {
		wsh = w[r0 : r0+rows]
	}
	t.losses[slot] = t.shard(ws, x[r0*in:(r0+rows)*in], y[r0:r0+rows], wsh, rows, t.slots[slot])
}

// shard writes the gradient of the weighted loss sum of n <= shardRows rows
// into grad (overwriting it) and returns the weighted loss sum.
func (t *Trainer) shard(ws *workspace, x, y, w []float64, n int, grad []float64) float64 {
	m := t.m
	if len(m.Layers) == 1 && m.Outputs() == 1 {
		return t.shardLinear(ws, x, y, w, n, grad)
	}
	clear(grad)
	z := ws.z[:n*m.Outputs()]
	m.forward(x, n, &ws.s, z)
	sum := m.rowLoss(z, n, y, w)
	m.backward(x, n, &ws.s, ws.deltas, z, grad)
	return sum
}

// shardLinear is shard for a network without hidden layer and one output
// (logistic and linear regression): per lossChunk-row block, the logits,
// then their gradients, then the weight gradient a^T d.
func (t *Trainer) shardLinear(ws *workspace, x, y, w []float64, n int, grad []float64) float64 {
	l := &t.m.Layers[0]
	in := l.In
	clear(grad)
	gW := grad[:in]
	sum, gB := 0.0, 0.0
	for r0 := 0; r0 < n; r0 += lossChunk {
		rows := min(lossChunk, n-r0)
		xb := x[r0*in : (r0+rows)*in]
		z := ws.z[:rows]
		affine(xb, rows, in, l.W, l.B, 1, z)
		var wb []float64
		if w != nil {
			wb = w[r0 : r0+rows]
		}
		if t.m.Config.Task == task.Binary {
			sum += binaryRows(z, y[r0:r0+rows], wb)
		} else {
			sum += regressionRows(z, y[r0:r0+rows], wb)
		}
		for _, d := range z {
			gB += d
		}
		gemvT(xb, rows, in, z, gW)
	}
	grad[in] = gB
	return sum
}

// update applies the optimizer to every weight and bias with t.grad.
func (t *Trainer) update() {
	t.steps++
	lr := t.m.Config.LearningRate
	off := 0
	if t.m.Config.Optimizer == SGD {
		for li := range t.m.Layers {
			l := &t.m.Layers[li]
			for _, p := range [2][]float64{l.W, l.B} {
				g, v := t.grad[off:off+len(p)], t.mom1[off:off+len(p)]
				for i := range p {
					v[i] = sgdMomentum*v[i] - lr*g[i]
					p[i] += v[i]
				}
				off += len(p)
			}
		}
		return
	}
	// Adam with the bias correction folded into the step size, as
	// scikit-learn and the paper's efficient form do.
	t.b1pow *= adamBeta1
	t.b2pow *= adamBeta2
	step := lr * math.Sqrt(1-t.b2pow) / (1 - t.b1pow)
	for li := range t.m.Layers {
		l := &t.m.Layers[li]
		for _, p := range [2][]float64{l.W, l.B} {
			g := t.grad[off : off+len(p)]
			m1, m2 := t.mom1[off:off+len(p)], t.mom2[off:off+len(p)]
			for i := range p {
				gi := g[i]
				m1[i] = adamBeta1*m1[i] + (1-adamBeta1)*gi
				m2[i] = adamBeta2*m2[i] + (1-adamBeta2)*gi*gi
				p[i] -= step * m1[i] / (math.Sqrt(m2[i]) + adamEpsilon)
			}
			off += len(p)
		}
	}
}
