// Package metrics scores predictions against known labels.
//
// The single numbers AUC, Accuracy, RMSE and LogLoss are the building blocks;
// the reports gather what a model evaluation shows:
//
//   - BinaryReport (and Confusion): accuracy, precision, recall and F1 at a
//     threshold, log loss, ROC AUC, average precision (PR AUC) and Brier
//     score of binary scores;
//   - MulticlassReport (and ConfusionMatrix): accuracy, macro and weighted
//     precision, recall and F1, and multi-class log loss of class
//     probabilities;
//   - RegressionReport: MAE, RMSE, R² and MAPE;
//   - ROCPoints, Lift and Calibration: the points of ROC and
//     precision-recall curves at chosen thresholds, lift and cumulative gain
//     tables, and reliability (calibration) bins;
//   - GroupReport: per-group rates and the demographic parity, equal
//     opportunity and equalized odds gaps against a reference group.
//
// The definitions follow scikit-learn 1.2, checked against it to 1e-9 by the
// golden file testdata/sklearn.json that scripts/metrics_sklearn.py writes.
// Where a metric is undefined the package follows scikit-learn where
// scikit-learn has a number (precision, recall and F1 are 0, the
// zero_division default; R² of a constant target is 1 or 0), and says NaN
// where it has none or would raise (AUC with one class, empty inputs, empty
// bins, fairness rates of a group without positives). The few deliberate
// differences (MAPE skips zero targets; log loss clips at 1e-15, sklearn
// 1.2's explicit eps; ROCPoints' precision is 1 when nothing is predicted
// positive) are documented on the function.
//
// Binary labels are float64, a row positive when y > 0 (0/1 and -1/+1 both
// work); a row is predicted positive when its score is >= the threshold, and
// a NaN score never is. The functions take plain slices, allocate only what
// they must and are deterministic: the same inputs give the same result bit
// for bit (ties are broken by row order). Slices of different lengths are a
// programming error and panic. The functions that order rows by score
// (BinaryReport, Lift) sort in a Scratch the caller owns, so the caller
// chooses where that memory lives and reuses it; nil means the Go heap.
//
// Like the rest of ducksight's kernels, this package imports neither udf nor
// duckdb-go.
package metrics
