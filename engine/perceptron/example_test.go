package perceptron_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/ducksight/ducksight/engine/metrics"
	"github.com/ducksight/ducksight/engine/perceptron"
	"github.com/ducksight/ducksight/engine/task"
)

// Logistic regression: a network without hidden layer, trained with Adam
// on minibatches of 256 rows, recovers the coefficients that generated the
// labels. Adam moves a weight by about the learning rate per step, so the
// coefficient -2 takes a few hundred steps (here 79 per epoch) to reach.
func Example_logisticRegression() {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, in = 20000, 2
	x, y := make([]float64, n*in), make([]float64, n)
	for r := 0; r < n; r++ {
		x[r*in], x[r*in+1] = rng.NormFloat64(), rng.NormFloat64()
		z := 1.5*x[r*in] - 2*x[r*in+1] + 0.5 // the true model
		if rng.Float64() < 1/(1+math.Exp(-z)) {
			y[r] = 1
		}
	}
	m, err := perceptron.New(perceptron.Config{Task: task.Binary, Inputs: in, LearningRate: 0.01})
	if err != nil {
		panic(err)
	}
	m.InitBias(y, nil, n) // start from the positive rate
	t := perceptron.NewTrainer(m)
	for epoch := 1; epoch <= 10; epoch++ {
		sum := 0.0
		for r0 := 0; r0 < n; r0 += 256 {
			r1 := min(r0+256, n)
			sum += t.Step(x[r0*in:r1*in], y[r0:r1], nil, r1-r0) * float64(r1-r0)
		}
		if epoch == 1 || epoch == 2 || epoch == 5 || epoch == 10 {
			fmt.Printf("epoch %d: mean loss %.3f\n", epoch, sum/n)
		}
	}
	l := m.Layers[0]
	fmt.Printf("weights %.1f %.1f, bias %.1f\n", l.W[0], l.W[1], l.B[0])

	p := make([]float64, n)
	m.Predict(x, n, p)
	fmt.Printf("AUC %.2f\n", metrics.AUC(p, y, nil))
	// Output:
	// epoch 1: mean loss 0.563
	// epoch 2: mean loss 0.452
	// epoch 5: mean loss 0.405
	// epoch 10: mean loss 0.403
	// weights 1.5 -2.0, bias 0.5
	// AUC 0.90
}

// A hidden layer lets the network learn an interaction that no linear model
// can: the label is 1 when two inputs have the same sign.
func Example_hiddenLayer() {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, in = 20000, 2
	x, y := make([]float64, n*in), make([]float64, n)
	for r := 0; r < n; r++ {
		x[r*in], x[r*in+1] = rng.NormFloat64(), rng.NormFloat64()
		if x[r*in]*x[r*in+1] > 0 {
			y[r] = 1
		}
	}
	for _, hidden := range [][]int{nil, {16}} {
		m, err := perceptron.New(perceptron.Config{
			Task: task.Binary, Inputs: in, Hidden: hidden, LearningRate: 0.01, Seed: 1,
		})
		if err != nil {
			panic(err)
		}
		t := perceptron.NewTrainer(m)
		for epoch := 0; epoch < 5; epoch++ {
			for r0 := 0; r0 < n; r0 += 256 {
				r1 := min(r0+256, n)
				t.Step(x[r0*in:r1*in], y[r0:r1], nil, r1-r0)
			}
		}
		p := make([]float64, n)
		m.Predict(x, n, p)
		fmt.Printf("hidden %v: AUC %.2f\n", hidden, metrics.AUC(p, y, nil))
	}
	// Output:
	// hidden []: AUC 0.50
	// hidden [16]: AUC 1.00
}

// Predict scores rows with a stored model; task.Multiclass models give one
// probability per class.
func ExampleModel_Predict() {
	doc := `{"config": {"task": "multiclass", "inputs": 2, "hidden": [], "classes": 3,
	          "activation": "relu", "optimizer": "adam", "learning_rate": 0.01, "l2": 0, "seed": 0},
	         "layers": [{"in": 2, "out": 3, "w": [1, 0, -1, 0, 1, -1], "b": [0, 0, 0]}]}`
	var m perceptron.Model
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		panic(err)
	}
	if err := m.Check(); err != nil {
		panic(err)
	}
	x := []float64{
		2, 0, // row 0: class 0 likely
		0, 2, // row 1: class 1 likely
		-1, -1, // row 2: class 2 likely
	}
	p := make([]float64, 3*m.Outputs())
	m.Predict(x, 3, p)
	for r := 0; r < 3; r++ {
		fmt.Printf("row %d: %.3f\n", r, p[r*3:r*3+3])
	}
	// Output:
	// row 0: [0.867 0.117 0.016]
	// row 1: [0.117 0.867 0.016]
	// row 2: [0.045 0.045 0.909]
}

// Validate names the offending argument the way SQL errors do.
func ExampleConfig_Validate() {
	for _, c := range []perceptron.Config{
		{Task: task.Binary, Inputs: 4, Hidden: []int{16, 0}, LearningRate: 0.01},
		{Task: task.Binary, Inputs: 4, LearningRate: 0},
		{Task: task.Multiclass, Classes: 3, Inputs: 4, Activation: "gelu", LearningRate: 0.01},
		{Task: task.Regression, Inputs: 4, LearningRate: 0.01},
	} {
		fmt.Println(c.Validate())
	}
	// Output:
	// hidden: layer size must be >= 1, got 0
	// learning_rate: must be > 0 and finite, got 0
	// activation: unknown activation "gelu" (want relu, tanh or sigmoid)
	// <nil>
}
