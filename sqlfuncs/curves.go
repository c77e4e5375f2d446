//go:build duckdb_arrow

package sqlfuncs

import (
	"math"
	"sort"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/bigmem"
	"github.com/ducksight/ducksight/engine/metrics"
	"github.com/ducksight/ducksight/udf"
)

// confusion_matrix, roc_curve, lift, calibration and fairness: tables a
// classifier's quality reads from, over data that holds the label.

// evalTable declares an evaluation function whose rows prepare computes
// (by names the named argument holding a group column, "" for none).
func evalTable(name, summary, example string, cols []ColumnDoc, prepare evalPrepare, by string, named ...udf.Param) *Function {
	ef := &evalFunc{cols: resultColumns(cols), prepare: prepare, by: by}
	return &Function{
		Name: name, Summary: summary, Example: example, Columns: cols,
		Table: &udf.TableFunc{
			Name: name,
			Bind: ef.bind,
			Args: []udf.Param{
				withDoc(modelParam, "model name (a classifier)"),
				withDoc(dataParam, "a table, view or quoted file name, or one SELECT query, with the label column"),
			},
			Named: append(named, versionParam),
		},
	}
}

// The most thresholds roc_curve computes and the most bins of lift and
// calibration: each is a result row, so a typo cannot ask for millions.
const (
	maxCurvePoints = 100000
	maxBins        = 100000
)

// thresholdParam is the threshold of the evaluation functions: strictly
// between 0 and 1 (predict's may be 0 or 1).
var thresholdParam = udf.Param{Name: "threshold", Type: udf.Double, Doc: "binary: P(positive) at or above which the positive class is predicted; an error for any other model",
	Default: defaultThreshold, Range: &udf.Range{Min: 0, Max: 1, MinOpen: true, MaxOpen: true}}

var confusionMatrixFn = evalTable("confusion_matrix",
	"counts of every (actual, predicted) class pair of a classifier on data, zeros included",
	"SELECT * FROM confusion_matrix('churn', 'holdout');",
	[]ColumnDoc{
		{"actual", "VARCHAR", "the true class (as text)"},
		{"predicted", "VARCHAR", "the predicted class (as text)"},
		{"count", "BIGINT", "rows with that pair"},
	}, prepareConfusion, "", thresholdParam)

var rocCurveFn = evalTable("roc_curve",
	"a binary classifier's ROC and precision-recall points at thresholds evenly spaced over [0, 1]",
	"SELECT * FROM roc_curve('churn', 'holdout', points := 101);",
	[]ColumnDoc{
		{"threshold", "DOUBLE", "predicted positive when P(positive) >= threshold"},
		{"tpr", "DOUBLE", "true positive rate (recall)"},
		{"fpr", "DOUBLE", "false positive rate"},
		{"precision", "DOUBLE", "TP / (TP + FP); 1 when nothing is predicted positive"},
		{"recall", "DOUBLE", "TP / (TP + FN)"},
	}, prepareROC, "", udf.Param{Name: "points", Type: udf.Integer, Doc: "number of thresholds, evenly spaced from 0 to 1 (the default gives 0, 0.01, ..., 1)",
		Default: defaultPoints, Range: udf.Between(2, maxCurvePoints)})

var liftFn = evalTable("lift",
	"a binary classifier's lift table: equal-count bins of rows by descending score, response rate, lift and cumulative gain",
	"SELECT * FROM lift('churn', 'holdout', bins := 10);",
	[]ColumnDoc{
		{"bin", "INTEGER", "1 holds the highest scores"},
		{"customers", "BIGINT", "rows in the bin"},
		{"positives", "BIGINT", "positive rows in the bin"},
		{"response_rate", "DOUBLE", "positives / customers"},
		{"lift", "DOUBLE", "response_rate / the overall positive rate"},
		{"cumulative_gain", "DOUBLE", "share of all positives in bins 1..bin (1 in the last bin)"},
	}, prepareLift, "", udf.Param{Name: "bins", Type: udf.Integer, Doc: "number of equal-count bins, at most the rows with a usable label",
		Default: defaultBins, Range: udf.Between(2, maxBins)})

var calibrationFn = evalTable("calibration",
	"a binary classifier's calibration: equal-width bins of P(positive), mean predicted against observed rate",
	"SELECT * FROM calibration('churn', 'holdout', bins := 10);",
	[]ColumnDoc{
		{"bin", "INTEGER", "bin over [0, 1], 1 the lowest probabilities"},
		{"mean_predicted", "DOUBLE", "mean P(positive) in the bin (NULL when empty)"},
		{"observed_rate", "DOUBLE", "share of positives in the bin (NULL when empty)"},
		{"rows", "BIGINT", "rows in the bin"},
	}, prepareCalibration, "", udf.Param{Name: "bins", Type: udf.Integer, Doc: "number of equal-width bins over [0, 1]", Default: defaultBins, Range: udf.Between(2, maxBins)})

var fairnessFn = evalTable("fairness",
	"a binary classifier's rates per group of a column, and parity measures against the largest group",
	"SELECT * FROM fairness('churn', 'holdout', by := 'gender');",
	[]ColumnDoc{
		{"group", "VARCHAR", "the value of the by column (NULL is a group of its own)"},
		{"rows", "BIGINT", "rows in the group"},
		{"positive_rate", "DOUBLE", "share predicted positive (selection rate)"},
		{"tpr", "DOUBLE", "true positive rate"},
		{"fpr", "DOUBLE", "false positive rate"},
		{"precision", "DOUBLE", "TP / (TP + FP)"},
		{"accuracy", "DOUBLE", "share predicted right"},
		{"roc_auc", "DOUBLE", "AUC within the group"},
		{"demographic_parity_ratio", "DOUBLE", "positive_rate / the largest group's"},
		{"equal_opportunity_difference", "DOUBLE", "tpr - the largest group's tpr"},
		{"equalized_odds_difference", "DOUBLE", "max(|tpr difference|, |fpr difference|) against the largest group"},
	}, prepareFairness, "by",
	udf.Param{Name: "by", Type: udf.Varchar, Doc: "the group column", Default: defaultBy},
	thresholdParam,
	udf.Param{Name: "min_group", Type: udf.Integer, Doc: "groups with fewer rows report rows only", Default: defaultMinGroup, Range: udf.AtLeast(0)})

func prepareConfusion(a args, e *evalBinding) (func(*evalData) ([][]any, error), error) {
	if err := needTask(a, e, "classification", "binary", "multiclass"); err != nil {
		return nil, err
	}
	model, _ := a.str(0) // read at bind already
	if err := thresholdBinaryOnly(a, model, e.doc.Kind, e.doc.Task); err != nil {
		return nil, err
	}
	t, err := threshold(a)
	if err != nil {
		return nil, err
	}
	levels := e.doc.Label.Levels
	return func(d *evalData) ([][]any, error) {
		var truth, pred []int
		k := len(levels)
		if d.task == "binary" {
			pos, neg := e.doc.Label.Positive, 1-e.doc.Label.Positive
			for i, y := range d.y {
				tc, pc := neg, neg
				if y > 0 {
					tc = pos
				}
				if d.p[i] >= t {
					pc = pos
				}
				truth, pred = append(truth, tc), append(pred, pc)
			}
		} else {
			truth, pred = d.classes()
		}
		m := metrics.ConfusionMatrix(truth, pred, k)
		var rows [][]any
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				rows = append(rows, []any{levels[i], levels[j], m[i][j]})
			}
		}
		return rows, nil
	}, nil
}

func prepareROC(a args, e *evalBinding) (func(*evalData) ([][]any, error), error) {
	if err := needTask(a, e, "binary", "binary"); err != nil {
		return nil, err
	}
	points, err := a.int("points")
	if err != nil {
		return nil, err
	}
	return func(d *evalData) ([][]any, error) {
		ts := make([]float64, points)
		for i := range ts {
			ts[i] = float64(i) / float64(points-1)
		}
		var rows [][]any
		for _, p := range metrics.ROCPoints(d.y, d.p, ts) {
			rows = append(rows, []any{p.Threshold, p.TPR, p.FPR, p.Precision, p.Recall})
		}
		return rows, nil
	}, nil
}

func prepareLift(a args, e *evalBinding) (func(*evalData) ([][]any, error), error) {
	if err := needTask(a, e, "binary", "binary"); err != nil {
		return nil, err
	}
	bins, err := a.int("bins")
	if err != nil {
		return nil, err
	}
	return func(d *evalData) ([][]any, error) {
		// Equal-count bins: more bins than rows would be empty rows.
		if n := d.rows(); int64(n) < bins {
			return nil, dserr.Arg(a.fn, "bins", "must be at most the number of rows with a usable label (%d), got %d", n, bins)
		}
		var mem bigmem.Arena
		defer mem.Free()
		var rows [][]any
		for _, b := range metrics.Lift(d.y, d.p, int(bins), sortScratch(&mem, len(d.y))) {
			rows = append(rows, []any{b.Bin, b.Customers, b.Positives, b.ResponseRate, b.Lift, b.CumulativeGain})
		}
		return rows, nil
	}, nil
}

func prepareCalibration(a args, e *evalBinding) (func(*evalData) ([][]any, error), error) {
	if err := needTask(a, e, "binary", "binary"); err != nil {
		return nil, err
	}
	bins, err := a.int("bins")
	if err != nil {
		return nil, err
	}
	return func(d *evalData) ([][]any, error) {
		var rows [][]any
		for _, b := range metrics.Calibration(d.y, d.p, int(bins)) {
			rows = append(rows, []any{b.Bin, b.MeanPredicted, b.ObservedRate, b.Rows})
		}
		return rows, nil
	}, nil
}

// nullGroup stands for the NULL group inside metrics.GroupReport.
const nullGroup = "\x00NULL"

func prepareFairness(a args, e *evalBinding) (func(*evalData) ([][]any, error), error) {
	if err := needTask(a, e, "binary", "binary"); err != nil {
		return nil, err
	}
	t, err := threshold(a)
	if err != nil {
		return nil, err
	}
	minGroup, err := a.int("min_group")
	if err != nil {
		return nil, err
	}
	return func(d *evalData) ([][]any, error) {
		groups := make([]string, len(d.group))
		count := map[string]int64{}
		for i, g := range d.group {
			if d.groupNull[i] {
				g = nullGroup
			}
			groups[i] = g
			count[g]++
		}
		// The reference: the largest group (ties: the first by name).
		ref := ""
		for g, n := range count {
			if ref == "" || n > count[ref] || n == count[ref] && g < ref {
				ref = g
			}
		}
		report, err := metrics.GroupReport(d.y, d.p, groups, t, ref)
		if err != nil {
			return nil, dserr.Wrap(dserr.Internal, a.fn, "", err)
		}
		sort.SliceStable(report, func(i, j int) bool { return report[i].Name < report[j].Name })
		var rows [][]any
		for _, g := range report {
			var name any = g.Name
			if g.Name == nullGroup {
				name = nil
			}
			if g.Rows < minGroup {
				nan := math.NaN()
				rows = append(rows, []any{name, g.Rows, nan, nan, nan, nan, nan, nan, nan, nan, nan})
				continue
			}
			rows = append(rows, []any{name, g.Rows, g.PositiveRate, g.TPR, g.FPR, g.Precision, g.Accuracy, g.ROCAUC,
				g.DemographicParityRatio, g.EqualOpportunityDifference, g.EqualizedOddsDifference})
		}
		return rows, nil
	}, nil
}
