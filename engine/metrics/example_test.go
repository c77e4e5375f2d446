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

func ExampleBinaryReport() {
	y := []float64{0, 0, 1, 1, 0, 1, 1, 0}
	p := []float64{0.1, 0.4, 0.35, 0.8, 0.6, 0.9, 0.6, 0.2}
	b := metrics.BinaryReport(y, p, 0.5, nil)
	fmt.Printf("tp %d fp %d tn %d fn %d\n", b.TP, b.FP, b.TN, b.FN)
	fmt.Printf("accuracy %.4f precision %.4f recall %.4f f1 %.4f\n", b.Accuracy, b.Precision, b.Recall, b.F1)
	// scikit-learn 1.2.1 agrees: roc_auc_score 0.84375, average_precision_score
	// 0.854167, brier_score_loss 0.150313, log_loss(eps=1e-15) 0.455597.
	fmt.Printf("roc auc %.4f pr auc %.4f brier %.4f log loss %.4f\n", b.ROCAUC, b.PRAUC, b.Brier, b.LogLoss)
	// Nothing predicted positive: precision is 0, as in scikit-learn.
	fmt.Printf("precision at 0.95: %.0f\n", metrics.BinaryReport(y, p, 0.95, nil).Precision)
	// Output:
	// tp 3 fp 1 tn 3 fn 1
	// accuracy 0.7500 precision 0.7500 recall 0.7500 f1 0.7500
	// roc auc 0.8438 pr auc 0.8542 brier 0.1503 log loss 0.4556
	// precision at 0.95: 0
}

func ExampleLift() {
	// Ten customers, scored; four responded.
	y := []float64{1, 0, 1, 0, 0, 1, 0, 0, 1, 0}
	p := []float64{0.9, 0.8, 0.75, 0.3, 0.2, 0.6, 0.1, 0.4, 0.5, 0.05}
	for _, b := range metrics.Lift(y, p, 3, nil) {
		fmt.Printf("bin %d: %d customers, %d positives, rate %.2f, lift %.2f, gain %.2f\n",
			b.Bin, b.Customers, b.Positives, b.ResponseRate, b.Lift, b.CumulativeGain)
	}
	// Output:
	// bin 1: 4 customers, 3 positives, rate 0.75, lift 1.88, gain 0.75
	// bin 2: 3 customers, 1 positives, rate 0.33, lift 0.83, gain 1.00
	// bin 3: 3 customers, 0 positives, rate 0.00, lift 0.00, gain 1.00
}
