package trees_test

import (
	"context"
	"fmt"
	"math"

	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/trees"
)

// Train a regression stump on a numeric column with a missing value and
// score new rows, one of them missing.
func ExampleTrain() {
	cols := []trees.Column{{Name: "size", Kind: trees.Numeric, Type: "double"}}
	train := trees.Data{
		Columns: cols,
		X:       [][]float64{{1, 2, 3, 4, math.NaN()}},
		Y:       []float64{10, 10, 20, 20, 20},
		N:       5,
	}
	cfg := trees.DefaultConfig(task.Regression)
	cfg.Rounds, cfg.MaxDepth, cfg.LearningRate, cfg.L2, cfg.MinChildWeight = 1, 1, 1, 0, 0
	m, rounds, err := trees.Train(context.Background(), cfg, train, nil, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	tr := m.Trees[0]
	fmt.Printf("base %g; size < %g (missing left: %v), gain %g\n", m.Base[0], tr.Threshold[0], tr.DefaultLeft[0], tr.Gain[0])
	fmt.Printf("training loss after round 1: %g\n", rounds[0].TrainLoss)

	x := [][]float64{{0, 3.5, math.NaN()}}
	out := make([]float64, 3)
	m.PredictRaw(x, 3, out)
	fmt.Println(out)
	// Output:
	// base 16; size < 2.5 (missing left: false), gain 60
	// training loss after round 1: 0
	// [10 20 20]
}
