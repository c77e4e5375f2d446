package perceptron

import (
	"fmt"
	"slices"
)

// IGSteps is the number of intervals of the trapezoid rule an Attributor
// integrates a network with hidden layers with: the gradient is evaluated
// at IGSteps+1 evenly spaced points of the path, both ends included.
//
// The trapezoid rule was chosen over Gauss-Legendre for the default
// activation: along the path the gradient of a ReLU network is piecewise
// constant, with a jump wherever a unit switches, so no rule converges
// faster than O(1/IGSteps) on it, and evenly spaced points bound the
// error of a jump by half an interval, where Gauss-Legendre's points are
// widest (about π/2 times) in the middle of the path. For tanh and sigmoid
// (smooth) the trapezoid rule's error is O(1/IGSteps²).
const IGSteps = 64

// attributeBlock is the number of rows an Attributor pushes through the
// network at once: each row is IGSteps+1 rows of the path, so a block is
// about 2,000 rows of activations.
const attributeBlock = 32

// Attributor attributes raw scores of a Model to its inputs, measured from
// a reference input: for each row x and explained output c, the
// attribution of input i is how much of the raw score's difference
// F_c(x) - F_c(ref) goes to i.
//
// Without hidden layers the model is linear and the attributions are
// exact: W[i][c]·(x_i - ref_i), which add up to the difference to
// rounding. With hidden layers they are the integrated gradients
// (Sundararajan, Taly and Yan, 2017) along the straight path from ref to
// x,
//
//	(x_i - ref_i) · ∫₀¹ ∂F_c/∂x_i(ref + α·(x - ref)) dα,
//
// the integral by the trapezoid rule with IGSteps intervals (see IGSteps),
// so they add up to the difference up to the rule's error. The gradient
// comes from the network's own backward pass (the training's), to the
// first layer's pre-activations only: they are linear in α, so the
// forward pass starts from them interpolated between the two ends, and
// the integral's product with the first layer's weights is taken once per
// row instead of once per point.
//
// An Attributor holds scratch memory: it is not safe for concurrent use.
// The model must not change while it is in use.
type Attributor struct {
	m      *Model
	ref    []float64 // Inputs: the reference input
	refRaw []float64 // Outputs: the raw scores at ref

	// With hidden layers: the first layer's pre-activations at ref, a
	// block's at its rows, their path points' activations and gradients.
	p0, p1 []float64
	s      Scratch
	deltas [][]float64
	d      []float64
	gbar   []float64
}

// NewAttributor returns an Attributor of m's raw scores from the reference
// input ref (len Inputs, copied). It is an error when ref has the wrong
// length or a value that is not finite.
func NewAttributor(m *Model, ref []float64) (*Attributor, error) {
	in := m.Config.Inputs
	if len(ref) != in {
		return nil, fmt.Errorf("perceptron: reference input of %d values for %d inputs", len(ref), in)
	}
	for i, v := range ref {
		if !finiteFloat(v) {
			return nil, fmt.Errorf("perceptron: reference input %d is %v", i, v)
		}
	}
	a := &Attributor{m: m, ref: slices.Clone(ref), refRaw: make([]float64, m.Outputs())}
	m.PredictRaw(a.ref, 1, a.refRaw)
	if len(m.Layers) == 1 {
		return a, nil
	}
	h0 := m.Layers[0].Out
	a.p0 = make([]float64, h0)
	l := &m.Layers[0]
	affine(a.ref, 1, in, l.W, l.B, h0, a.p0)
	v := attributeBlock * (IGSteps + 1)
	for _, l := range m.Layers[:len(m.Layers)-1] {
		a.s.buf(len(a.deltas), v*l.Out)
		a.deltas = append(a.deltas, make([]float64, v*l.Out))
	}
	k := m.Outputs()
	a.p1 = make([]float64, attributeBlock*h0)
	a.d = make([]float64, v*k)
	a.gbar = make([]float64, attributeBlock*h0)
	return a, nil
}

// Reference is the raw score of output c at the reference input (the
// score the attributions are measured from).
func (a *Attributor) Reference(c int) float64 { return a.refRaw[c] }

// Attribute writes the attributions of the n rows of x (row-major, n x
// Inputs) into attr (n x Inputs): row r's to the raw score of output
// cls[r] (nil: output 0 for every row). Inputs that are not finite give
// attributions that are not.
func (a *Attributor) Attribute(x []float64, n int, cls []int, attr []float64) {
	m := a.m
	in, k := m.Config.Inputs, m.Outputs()
	m.checkRows("Attribute", x, n)
	if len(attr) < n*in || cls != nil && len(cls) < n {
		panic(fmt.Sprintf("perceptron: Attribute: attr has %d values and cls %d for %d rows x %d inputs", len(attr), len(cls), n, in))
	}
	out := func(r int) int {
		if cls == nil {
			return 0
		}
		if c := cls[r]; c >= 0 && c < k {
			return c
		}
		panic(fmt.Sprintf("perceptron: Attribute: output %d of row %d, the model has %d", cls[r], r, k))
	}
	if len(m.Layers) == 1 {
		w := m.Layers[0].W
		for r := 0; r < n; r++ {
			c := out(r)
			xr, ar := x[r*in:(r+1)*in], attr[r*in:(r+1)*in]
			for i, v := range xr {
				ar[i] = w[i*k+c] * (v - a.ref[i])
			}
		}
		return
	}
	for r0 := 0; r0 < n; r0 += attributeBlock {
		rows := min(attributeBlock, n-r0)
		for r := range rows {
			out(r0 + r)
		}
		a.block(x[r0*in:(r0+rows)*in], rows, cls, r0, attr[r0*in:(r0+rows)*in])
	}
}

// block is Attribute of the rows <= attributeBlock rows of x, the rows
// from r0 on of the batch cls describes, for a network with hidden
// layers.
func (a *Attributor) block(x []float64, rows int, cls []int, r0 int, attr []float64) {
	m := a.m
	l0 := &m.Layers[0]
	in, h, k := m.Config.Inputs, l0.Out, m.Outputs()
	const pts = IGSteps + 1
	v := rows * pts
	// The first layer's pre-activations at the rows, then at each point
	// of each row's path: p0 + α·(p1 - p0), α = s/IGSteps.
	p1 := a.p1[:rows*h]
	affine(x, rows, in, l0.W, l0.B, h, p1)
	pre := a.s.buf(0, v*h)
	p0 := a.p0[:h]
	for r := range rows {
		// p1 becomes the step p1 - p0.
		dp := p1[r*h : (r+1)*h][:h]
		for j, e := range p0 {
			dp[j] -= e
		}
		for s := range pts {
			alpha := float64(s) / IGSteps
			dst := pre[(r*pts+s)*h : (r*pts+s+1)*h][:h]
			for j, e := range p0 {
				dst[j] = e + alpha*dp[j]
			}
		}
	}
	m.forwardHidden(v, &a.s, nil)
	// The gradient of the explained output, weighted by the point's
	// trapezoid weight (the backward pass is linear in it), back to the
	// first layer's pre-activations.
	d := a.d[:v*k]
	clear(d)
	for r := range rows {
		c := 0
		if cls != nil {
			c = cls[r0+r]
		}
		for s := range pts {
			wt := 1.0 / IGSteps
			if s == 0 || s == IGSteps {
				wt = 0.5 / IGSteps
			}
			d[(r*pts+s)*k+c] = wt
		}
	}
	g := m.backward(nil, v, &a.s, a.deltas, d, nil)
	// Per row, the integral of the gradient with respect to the first
	// layer's pre-activations, then through the first layer's weights to
	// each input, times the input's step.
	gbar := a.gbar[:rows*h]
	clear(gbar)
	for r := range rows {
		gr := gbar[r*h : (r+1)*h]
		for s := range pts {
			gs := g[(r*pts+s)*h : (r*pts+s+1)*h]
			gs = gs[:len(gr)]
			for j, e := range gs {
				gr[j] += e
			}
		}
		xr, ar := x[r*in:(r+1)*in], attr[r*in:(r+1)*in]
		for i, xv := range xr {
			ar[i] = (xv - a.ref[i]) * dot(gr, l0.W[i*h:(i+1)*h])
		}
	}
}

// finiteFloat reports whether v is neither NaN nor infinite.
func finiteFloat(v float64) bool { return v-v == 0 }
