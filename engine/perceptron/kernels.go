package perceptron

import (
	"fmt"
	"math"
)

// The loops in this file are the fast path: plain Go over flat row-major
// slices, with bounds checks hoisted by re-slicing. For the small layers
// this package is for they beat gonum's blas64.Gemm (see BenchmarkAffine).

// dot returns sum a[i]*b[i] with four partial sums (fixed order, so the
// result is deterministic); b must be at least as long as a.
func dot(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		aa, bb := a[i:i+4:i+4], b[i:i+4:i+4]
		s0 += aa[0] * bb[0]
		s1 += aa[1] * bb[1]
		s2 += aa[2] * bb[2]
		s3 += aa[3] * bb[3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpy does y += alpha*x; y must be at least as long as x.
func axpy(alpha float64, x, y []float64) {
	y = y[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		xx, yy := x[i:i+4:i+4], y[i:i+4:i+4]
		yy[0] += alpha * xx[0]
		yy[1] += alpha * xx[1]
		yy[2] += alpha * xx[2]
		yy[3] += alpha * xx[3]
	}
	for ; i < len(x); i++ {
		y[i] += alpha * x[i]
	}
}

// affine computes z = a*W + b for n rows: a is n x in, W is in x out, z is
// n x out, all row-major. Every z[r][j] is b[j] plus the products a[r][i]*W[i][j]
// added in input order; the loops take two rows and four columns at a
// time so the eight sums stay in registers and each weight loaded serves
// two rows (the fastest of the blockings measured, see BenchmarkAffine).
func affine(a []float64, n, in int, w, b []float64, out int, z []float64) {
	if out == 1 {
		affine1(a, n, in, w, b[0], z)
		return
	}
	w = w[:in*out]
	b = b[:out]
	r := 0
	for ; r+2 <= n; r += 2 {
		ar := a[r*in : r*in+in]
		ak := a[r*in+in : r*in+2*in]
		ak = ak[:len(ar)]
		zr := z[r*out : r*out+out]
		zk := z[r*out+out : r*out+2*out]
		j := 0
		for ; j+4 <= out; j += 4 {
			bb := b[j : j+4 : j+4]
			s0, s1, s2, s3 := bb[0], bb[1], bb[2], bb[3]
			t0, t1, t2, t3 := s0, s1, s2, s3
			wo := j
			for i, av := range ar {
				bv := ak[i]
				wi := w[wo : wo+4 : wo+4]
				w0, w1, w2, w3 := wi[0], wi[1], wi[2], wi[3]
				s0 += av * w0
				s1 += av * w1
				s2 += av * w2
				s3 += av * w3
				t0 += bv * w0
				t1 += bv * w1
				t2 += bv * w2
				t3 += bv * w3
				wo += out
			}
			zz := zr[j : j+4 : j+4]
			zz[0], zz[1], zz[2], zz[3] = s0, s1, s2, s3
			kk := zk[j : j+4 : j+4]
			kk[0], kk[1], kk[2], kk[3] = t0, t1, t2, t3
		}
		for ; j < out; j++ {
			s, t := b[j], b[j]
			wo := j
			for i, av := range ar {
				s += av * w[wo]
				t += ak[i] * w[wo]
				wo += out
			}
			zr[j], zk[j] = s, t
		}
	}
	if r < n { // odd row count: the last row alone
		ar := a[r*in : r*in+in]
		zr := z[r*out : r*out+out]
		for j := range zr {
			s := b[j]
			wo := j
			for _, av := range ar {
				s += av * w[wo]
				wo += out
			}
			zr[j] = s
		}
	}
}

// affine1 is affine for one output: z[r] = b0 + (a[r][0]*w[0] + a[r][1]*w[1]
// + ...), summed in input order. Four rows go together, so each weight
// loaded serves four independent sums; a row gets the same bits wherever it
// sits in the batch.
func affine1(a []float64, n, in int, w []float64, b0 float64, z []float64) {
	w = w[:in]
	z = z[:n]
	r := 0
	for ; r+4 <= n; r += 4 {
		a0 := a[r*in : r*in+in]
		a1 := a[r*in+in : r*in+2*in][:len(w)]
		a2 := a[r*in+2*in : r*in+3*in][:len(w)]
		a3 := a[r*in+3*in : r*in+4*in][:len(w)]
		a0 = a0[:len(w)]
		var s0, s1, s2, s3 float64
		for i, wv := range w {
			s0 += a0[i] * wv
			s1 += a1[i] * wv
			s2 += a2[i] * wv
			s3 += a3[i] * wv
		}
		zz := z[r : r+4 : r+4]
		zz[0], zz[1], zz[2], zz[3] = b0+s0, b0+s1, b0+s2, b0+s3
	}
	for ; r < n; r++ {
		ar := a[r*in : r*in+in][:len(w)]
		s := 0.0
		for i, wv := range w {
			s += ar[i] * wv
		}
		z[r] = b0 + s
	}
}

// gemmTN adds a^T d to g: g (in x out) += the sum over the n rows r of
// the outer product of a's row r (in) and d's row r (out), rows added in
// order for every element. Four output columns at a time keep their sums
// in registers across the rows.
func gemmTN(a []float64, n, in int, d []float64, out int, g []float64) {
	if out == 1 {
		gemvT(a, n, in, d, g)
		return
	}
	a = a[:n*in]
	d = d[:n*out]
	for i := 0; i < in; i++ {
		gi := g[i*out : i*out+out]
		j := 0
		for ; j+4 <= out; j += 4 {
			gg := gi[j : j+4 : j+4]
			s0, s1, s2, s3 := gg[0], gg[1], gg[2], gg[3]
			ao, do := i, j
			for r := 0; r < n; r++ {
				av := a[ao]
				dr := d[do : do+4 : do+4]
				s0 += av * dr[0]
				s1 += av * dr[1]
				s2 += av * dr[2]
				s3 += av * dr[3]
				ao += in
				do += out
			}
			gg[0], gg[1], gg[2], gg[3] = s0, s1, s2, s3
		}
		for ; j < out; j++ {
			s := gi[j]
			ao, do := i, j
			for r := 0; r < n; r++ {
				s += a[ao] * d[do]
				ao += in
				do += out
			}
			gi[j] = s
		}
	}
}

// colSums adds the column sums of the n x out matrix d to g, rows in order.
func colSums(d []float64, n, out int, g []float64) {
	g = g[:out]
	for r := 0; r < n; r++ {
		for j, v := range d[r*out : r*out+out] {
			g[j] += v
		}
	}
}

// activate applies the hidden activation in place.
func activate(act string, z []float64) {
	switch act {
	case ReLU, "":
		// Branch-free max(v, 0): about half the signs are negative and a
		// mispredicted branch costs more than the arithmetic. Clearing every
		// bit when the sign bit is set also maps -0 to +0.
		for i, v := range z {
			b := math.Float64bits(v)
			z[i] = math.Float64frombits(b &^ uint64(int64(b)>>63))
		}
	case Tanh:
		for i, v := range z {
			z[i] = math.Tanh(v)
		}
	case Sigmoid:
		for i, v := range z {
			z[i] = sigmoid(v)
		}
	}
}

// activationGrad multiplies the gradient d with respect to a hidden layer's
// output by the activation's derivative, written in terms of that output a.
func activationGrad(act string, a, d []float64) {
	d = d[:len(a)]
	switch act {
	case ReLU, "":
		// Zero where the unit was off (a == +0, as activate leaves it),
		// branch-free like activate.
		for i, v := range a {
			b := math.Float64bits(v)
			on := (b | -b) >> 63 // 1 when a != +0
			d[i] = math.Float64frombits(math.Float64bits(d[i]) & -on)
		}
	case Tanh:
		for i, v := range a {
			d[i] *= 1 - v*v
		}
	case Sigmoid:
		for i, v := range a {
			d[i] *= v * (1 - v)
		}
	}
}

// sigmoid is the logistic function, evaluated without overflow.
func sigmoid(z float64) float64 {
	return sigmoidFrom(z, math.Exp(-math.Abs(z)))
}

// sigmoidFrom returns sigmoid(z) given e = exp(-|z|): 1/(1+e) for z >= 0
// and e/(1+e) for z < 0, both accurate to an ulp or two and free of
// overflow. The choice is made with bit operations, not a branch: logits
// take either sign unpredictably and a mispredicted branch costs more than
// the arithmetic.
func sigmoidFrom(z, e float64) float64 {
	const one = 0x3ff0000000000000                  // math.Float64bits(1)
	neg := uint64(int64(math.Float64bits(z)) >> 63) // all ones when z < 0 (or -0)
	f := math.Float64frombits(one ^ ((one ^ math.Float64bits(e)) & neg))
	return f / (1 + e)
}

// lossChunk is the number of rows whose log(1+exp(-|z|)) terms binaryRows
// multiplies together before taking one logarithm: each factor is in [1, 2],
// so the product of lossChunk of them cannot overflow.
const lossChunk = 256

// binaryRows turns the logits z of a binary task into the gradient of the
// weighted log loss, w*(p-y) with p = sigmoid(z), in place, and returns the
// weighted loss sum. The log loss of a row is
//
//	-y*log(p) - (1-y)*log(1-p) = max(z, 0) - z*y + log(1 + exp(-|z|)),
//
// evaluated without overflow from one exponential. Without weights the
// logarithms of a chunk of rows are taken as the logarithm of a product,
// which is exact to about 1e-16 per row and saves most of the cost.
// Chunks start every lossChunk rows from z[0], so callers that pass whole
// shards and callers that pass lossChunk-row blocks of them agree bit for bit.
func binaryRows(z, y, w []float64) float64 {
	y = y[:len(z)]
	sum := 0.0
	for c0 := 0; c0 < len(z); c0 += lossChunk {
		c1 := min(c0+lossChunk, len(z))
		zc, yc := z[c0:c1], y[c0:c1]
		lin := 0.0
		if w == nil {
			prod := 1.0
			for i, v := range zc {
				e := math.Exp(-math.Abs(v))
				yi := yc[i]
				zc[i] = sigmoidFrom(v, e) - yi
				lin += 0.5*(v+math.Abs(v)) - v*yi
				prod *= 1 + e
			}
			sum += lin + math.Log(prod)
			continue
		}
		wc := w[c0:c1]
		for i, v := range zc {
			e := math.Exp(-math.Abs(v))
			yi, wi := yc[i], wc[i]
			zc[i] = wi * (sigmoidFrom(v, e) - yi)
			lin += wi * (0.5*(v+math.Abs(v)) - v*yi + math.Log1p(e))
		}
		sum += lin
	}
	return sum
}

// regressionRows turns the predictions z of a regression task into the
// gradient of the weighted half squared error, w*(z-y), in place, and
// returns the weighted loss sum, sum w*(z-y)^2/2.
func regressionRows(z, y, w []float64) float64 {
	y = y[:len(z)]
	sum := 0.0
	if w == nil {
		for i, v := range z {
			d := v - y[i]
			z[i] = d
			sum += 0.5 * d * d
		}
		return sum
	}
	w = w[:len(z)]
	for i, v := range z {
		d := v - y[i]
		z[i] = w[i] * d
		sum += w[i] * (0.5 * d * d)
	}
	return sum
}

// gemvT adds a^T d to g: g[i] += sum_r d[r]*a[r*in+i] over n rows, rows in
// order for every i. Four columns at a time keep their sums in registers
// (eight spill on amd64 and run at half the speed).
func gemvT(a []float64, n, in int, d, g []float64) {
	d = d[:n]
	g = g[:in]
	c := 0
	for ; c+4 <= in; c += 4 {
		gg := g[c : c+4 : c+4]
		s0, s1, s2, s3 := gg[0], gg[1], gg[2], gg[3]
		ao := c
		for _, dr := range d {
			ar := a[ao : ao+4 : ao+4]
			s0 += dr * ar[0]
			s1 += dr * ar[1]
			s2 += dr * ar[2]
			s3 += dr * ar[3]
			ao += in
		}
		gg[0], gg[1], gg[2], gg[3] = s0, s1, s2, s3
	}
	for ; c < in; c++ {
		s := g[c]
		ao := c
		for _, dr := range d {
			s += dr * a[ao]
			ao += in
		}
		g[c] = s
	}
}

// softmax turns the logits z into probabilities in place and returns
// log(sum(exp(z))) of the original logits.
func softmax(z []float64) (logSumExp float64) {
	m := z[0]
	for _, v := range z[1:] {
		m = max(m, v)
	}
	s := 0.0
	for i, v := range z {
		e := math.Exp(v - m)
		z[i] = e
		s += e
	}
	inv := 1 / s
	for i := range z {
		z[i] *= inv
	}
	return m + math.Log(s)
}

// classIndex checks a multiclass label.
func classIndex(y float64, k int) int {
	c := int(y)
	if float64(c) != y || c < 0 || c >= k {
		panic(fmt.Sprintf("perceptron: multiclass label must be a class index 0..%d, got %v", k-1, y))
	}
	return c
}
