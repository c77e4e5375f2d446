package perceptron

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/ducksight/ducksight/engine/task"
)

func benchData(n, in int) dataset {
	rng := rand.New(rand.NewPCG(1, 2))
	w := make([]float64, in)
	for i := range w {
		w[i] = rng.NormFloat64() * 0.5
	}
	d, _ := logisticData(rng, n, in, w, -1)
	return d
}

func benchStep(b *testing.B, hidden []int, batch int) {
	const in, n = 16, 1 << 16
	d := benchData(n, in)
	m := mustNew(Config{Task: task.Binary, Inputs: in, Hidden: hidden, LearningRate: 0.01, Seed: 1})
	t := NewTrainer(m)
	r0 := 0
	b.ReportAllocs()
	for b.Loop() {
		if r0+batch > n {
			r0 = 0
		}
		x, y := d.rows(r0, r0+batch)
		t.Step(x, y, nil, batch)
		r0 += batch
	}
	b.ReportMetric(float64(batch)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mrows/s")
}

// One Adam step of logistic regression on 256 rows x 16 inputs.
func BenchmarkStepLogistic(b *testing.B) { benchStep(b, nil, 256) }

// One Adam step of an MLP with one hidden layer of 16 ReLU units.
func BenchmarkStepMLP16(b *testing.B) { benchStep(b, []int{16}, 256) }

// Full-batch steps of 16384 rows take the sharded, parallel path.
func BenchmarkStepLogisticBatch16K(b *testing.B) { benchStep(b, nil, 16384) }
func BenchmarkStepMLP16Batch16K(b *testing.B)    { benchStep(b, []int{16}, 16384) }

func benchPredict(b *testing.B, hidden []int, n int) {
	const in = 16
	d := benchData(n, in)
	m := mustNew(Config{Task: task.Binary, Inputs: in, Hidden: hidden, LearningRate: 0.01, Seed: 1})
	for i := range m.Layers[len(m.Layers)-1].W {
		m.Layers[len(m.Layers)-1].W[i] = 0.1
	}
	out := make([]float64, n)
	b.ReportAllocs()
	for b.Loop() {
		m.Predict(d.x, n, out)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mrows/s")
}

// Scoring 1M rows x 16 inputs (128 MB, read from memory) with logistic
// regression.
func BenchmarkPredictLogistic(b *testing.B) { benchPredict(b, nil, 1_000_000) }

// Scoring a 2048-row batch that is in cache, as the features encoder hands
// them over.
func BenchmarkPredictLogisticBatch2K(b *testing.B) { benchPredict(b, nil, 2048) }

// Scoring 1M rows x 16 inputs with an MLP(16).
func BenchmarkPredictMLP16(b *testing.B) { benchPredict(b, []int{16}, 1_000_000) }

// BenchmarkAffine compares this package's loops with gonum's blas64.Gemm
// for the forward product of a 256 x 16 batch with a 16 x 16 layer.
func BenchmarkAffine(b *testing.B) {
	const n, in, out = 256, 16, 16
	rng := rand.New(rand.NewPCG(3, 4))
	a, w, bias, z := make([]float64, n*in), make([]float64, in*out), make([]float64, out), make([]float64, n*out)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	b.Run("loops", func(b *testing.B) {
		for b.Loop() {
			affine(a, n, in, w, bias, out, z)
		}
	})
	b.Run("gemm", func(b *testing.B) {
		A := blas64.General{Rows: n, Cols: in, Stride: in, Data: a}
		W := blas64.General{Rows: in, Cols: out, Stride: out, Data: w}
		Z := blas64.General{Rows: n, Cols: out, Stride: out, Data: z}
		for b.Loop() {
			for r := 0; r < n; r++ {
				copy(z[r*out:r*out+out], bias)
			}
			blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, A, W, 1, Z)
		}
	})
	// The backward weight gradient, a^T d, of the same shapes.
	g := make([]float64, in*out)
	b.Run("loops-grad", func(b *testing.B) {
		for b.Loop() {
			clear(g)
			gemmTN(a, n, in, z, out, g)
		}
	})
	b.Run("gemm-grad", func(b *testing.B) {
		A := blas64.General{Rows: n, Cols: in, Stride: in, Data: a}
		D := blas64.General{Rows: n, Cols: out, Stride: out, Data: z}
		G := blas64.General{Rows: in, Cols: out, Stride: out, Data: g}
		for b.Loop() {
			blas64.Gemm(blas.Trans, blas.NoTrans, 1, A, D, 0, G)
		}
	})
}
