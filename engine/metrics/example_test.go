package metrics_test

import (
	"fmt"

	"github.com/ducksight/ducksight/engine/metrics"
)

func ExampleAUC() {
	score := []float64{0.1, 0.4, 0.35, 0.8, 0.4}
	y := []float64{0, 0, 1, 1, 1}
	fmt.Printf("AUC %.4f\n", metrics.AUC(score, y, nil))
	// Weights count a row several times: the positive scored 0.35 now weighs 3.
	fmt.Printf("weighted AUC %.4f\n", metrics.AUC(score, y, []float64{1, 1, 3, 1, 1}))
	fmt.Println("one class:", metrics.AUC(score, []float64{1, 1, 1, 1, 1}, nil))
	// Output:
	// AUC 0.7500
	// weighted AUC 0.6500
	// one class: NaN
}

func ExampleLogLoss() {
	p := []float64{0.9, 0.2, 0.6}
	y := []float64{1, 0, 0}
	fmt.Printf("log loss %.4f\n", metrics.LogLoss(p, y))
	fmt.Printf("accuracy %.4f\n", metrics.Accuracy([]int{1, 0, 1}, []int{1, 0, 0}))
	fmt.Printf("rmse %.4f\n", metrics.RMSE([]float64{2.5, 0, 2}, []float64{3, -0.5, 2}))
	// Output:
	// log loss 0.4149
	// accuracy 0.6667
	// rmse 0.4082
}
