package perceptron

import (
	"math"
	"math/rand/v2"

	"github.com/ducksight/ducksight/engine/metrics"
)

// dataset is a synthetic table: n rows of inputs, targets, optional weights.
type dataset struct {
	x, y []float64
	n    int
	in   int
}

func (d dataset) rows(r0, r1 int) (x, y []float64) {
	return d.x[r0*d.in : r1*d.in], d.y[r0:r1]
}

// logisticData draws standard normal inputs and labels from a known
// logistic model; it returns the data and the true probabilities.
func logisticData(rng *rand.Rand, n, in int, w []float64, b float64) (dataset, []float64) {
	d := dataset{x: make([]float64, n*in), y: make([]float64, n), n: n, in: in}
	p := make([]float64, n)
	for r := 0; r < n; r++ {
		z := b
		for i := 0; i < in; i++ {
			v := rng.NormFloat64()
			d.x[r*in+i] = v
			z += v * w[i]
		}
		p[r] = 1 / (1 + math.Exp(-z))
		if rng.Float64() < p[r] {
			d.y[r] = 1
		}
	}
	return d, p
}

// xorData: the label is 1 when x0*x1 > 0 (flipped with probability 0.05);
// the other inputs are noise. No linear model beats AUC 0.5 by much.
func xorData(rng *rand.Rand, n, in int) dataset {
	d := dataset{x: make([]float64, n*in), y: make([]float64, n), n: n, in: in}
	for r := 0; r < n; r++ {
		for i := 0; i < in; i++ {
			d.x[r*in+i] = rng.NormFloat64()
		}
		lab := d.x[r*in]*d.x[r*in+1] > 0
		if rng.Float64() < 0.05 {
			lab = !lab
		}
		if lab {
			d.y[r] = 1
		}
	}
	return d
}

// blobs: k Gaussian blobs with unit variance around centres 5*e_c (five
// units out along axis c), so neighbouring centres are about 7 apart.
func blobs(rng *rand.Rand, n, in, k int) dataset {
	d := dataset{x: make([]float64, n*in), y: make([]float64, n), n: n, in: in}
	for r := 0; r < n; r++ {
		c := rng.IntN(k)
		d.y[r] = float64(c)
		for i := 0; i < in; i++ {
			d.x[r*in+i] = rng.NormFloat64()
		}
		d.x[r*in+c%in] += 5
	}
	return d
}

// trainEpochs runs epochs of minibatch steps over d in order (no
// shuffling: the synthetic rows are already in random order).
func trainEpochs(t *Trainer, d dataset, batch, epochs int) {
	for e := 0; e < epochs; e++ {
		for r0 := 0; r0 < d.n; r0 += batch {
			r1 := min(r0+batch, d.n)
			x, y := d.rows(r0, r1)
			t.Step(x, y, nil, r1-r0)
		}
	}
}

func aucOf(m *Model, d dataset) float64 {
	p := make([]float64, d.n)
	m.Predict(d.x, d.n, p)
	return metrics.AUC(p, d.y, nil)
}

func mustNew(c Config) *Model {
	m, err := New(c)
	if err != nil {
		panic(err)
	}
	return m
}
