package metrics

import (
	"fmt"
	"math"
)

// Multiclass is the report of MulticlassReport.
type Multiclass struct {
	Rows    int64
	Classes int // k

	Accuracy float64 // share of rows whose argmax class is the label

	// Macro averages are unweighted means over the classes that occur in
	// the labels or the predictions; weighted averages weigh each class by
	// its support (number of rows with that label).
	MacroPrecision, MacroRecall, MacroF1          float64
	WeightedPrecision, WeightedRecall, WeightedF1 float64

	LogLoss float64 // multi-class cross-entropy, clipped and renormalised

	// Confusion[i][j] counts the rows of label i predicted as class j.
	Confusion [][]int64
}

// ConfusionMatrix counts the rows by label and predicted class, both in
// [0, k): m[i][j] is the number of rows with label i predicted as j, like
// sklearn.metrics.confusion_matrix(y, pred, labels=range(k)). A class outside
// [0, k) panics.
func ConfusionMatrix(y, pred []int, k int) [][]int64 {
	checkLen("ConfusionMatrix", len(pred), len(y))
	flat := make([]int64, k*k)
	m := make([][]int64, k)
	for i := range m {
		m[i] = flat[i*k : (i+1)*k : (i+1)*k]
	}
	for i, yi := range y {
		pi := pred[i]
		if yi < 0 || yi >= k || pi < 0 || pi >= k {
			panic(fmt.Sprintf("metrics: ConfusionMatrix: row %d: label %d, prediction %d outside [0, %d)", i, yi, pi, k))
		}
		m[yi][pi]++
	}
	return m
}

// MulticlassReport scores the class probabilities probs, row-major n x k
// (probs[i*k+c] is the probability that row i is of class c), against the
// labels y in [0, k). The predicted class of a row is its most probable one,
// the first on ties (numpy's argmax).
//
// The conventions are scikit-learn 1.2's:
//
//   - Precision, recall and F1 per class as precision_recall_fscore_support
//     with the default zero_division="warn": an undefined ratio is 0 (no
//     warning here), F1 is 2PR/(P+R) and 0 when P+R is 0.
//   - average="macro" and average="weighted" without an explicit labels
//     argument: a class that occurs neither in y nor in the predictions is
//     left out of both averages (sklearn's unique_labels(y, pred)).
//   - LogLoss is log_loss(y, probs, eps=1e-15, labels=range(k)): each
//     probability is clipped to [LogLossEps, 1-LogLossEps], each row is
//     divided by its (clipped) sum, and the loss is the mean of -log of the
//     true class's renormalised probability.
//
// Every float field is NaN for no rows. len(probs) != len(y)*k or a label
// outside [0, k) panics.
func MulticlassReport(y []int, probs []float64, k int) Multiclass {
	if k < 1 || len(probs) != len(y)*k {
		panic(fmt.Sprintf("metrics: MulticlassReport: %d probabilities for %d rows of %d classes", len(probs), len(y), k))
	}
	n := len(y)
	pred := make([]int, n)
	var ll float64
	for i := 0; i < n; i++ {
		row := probs[i*k : (i+1)*k]
		best := 0
		sum := 0.0
		for c, v := range row {
			if v > row[best] {
				best = c
			}
			sum += min(max(v, LogLossEps), 1-LogLossEps)
		}
		pred[i] = best
		if yi := y[i]; yi >= 0 && yi < k {
			ll -= math.Log(min(max(row[yi], LogLossEps), 1-LogLossEps) / sum)
		}
	}
	m := Multiclass{Rows: int64(n), Classes: k, Confusion: ConfusionMatrix(y, pred, k)}
	if n == 0 {
		nan := math.NaN()
		m.Accuracy, m.LogLoss = nan, nan
		m.MacroPrecision, m.MacroRecall, m.MacroF1 = nan, nan, nan
		m.WeightedPrecision, m.WeightedRecall, m.WeightedF1 = nan, nan, nan
		return m
	}
	m.LogLoss = ll / float64(n)

	var hits int64
	present := 0
	var total float64
	for c := 0; c < k; c++ {
		tp := m.Confusion[c][c]
		hits += tp
		var support, predicted int64
		for j := 0; j < k; j++ {
			support += m.Confusion[c][j]
			predicted += m.Confusion[j][c]
		}
		if support == 0 && predicted == 0 {
			continue
		}
		present++
		prec := divOrZero(float64(tp), float64(predicted))
		rec := divOrZero(float64(tp), float64(support))
		f := f1(prec, rec)
		m.MacroPrecision += prec
		m.MacroRecall += rec
		m.MacroF1 += f
		s := float64(support)
		m.WeightedPrecision += s * prec
		m.WeightedRecall += s * rec
		m.WeightedF1 += s * f
		total += s
	}
	m.Accuracy = float64(hits) / float64(n)
	m.MacroPrecision /= float64(present)
	m.MacroRecall /= float64(present)
	m.MacroF1 /= float64(present)
	m.WeightedPrecision /= total
	m.WeightedRecall /= total
	m.WeightedF1 /= total
	return m
}
