//go:build duckdb_arrow

package sqlfuncs

import (
	"github.com/ducksight/ducksight/engine/metrics"
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// confusion_matrix, roc_curve, lift, calibration and fairness: tables a
// classifier's quality reads from, over data that holds the label.

// evalTable declares an evaluation function whose service prepare binds
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
				evalDataParam,
			},
			Named: append(named, versionParam),
		},
	}
}

// thresholdParam is the threshold of the evaluation functions: strictly
// between 0 and 1 (predict's may be 0 or 1).
var thresholdParam = udf.Param{Name: "threshold", Type: udf.Double, Doc: "binary: P(positive) at or above which the positive class is predicted; an error for any other model",
	Default: service.DefaultThreshold, Range: &udf.Range{Min: 0, Max: 1, MinOpen: true, MaxOpen: true}}

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
		Default: service.DefaultPoints, Range: udf.Between(service.MinPoints, service.MaxPoints)})

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
		Default: service.DefaultBins, Range: udf.Between(service.MinBins, service.MaxBins)})

var calibrationFn = evalTable("calibration",
	"a binary classifier's calibration: equal-width bins of P(positive), mean predicted against observed rate",
	"SELECT * FROM calibration('churn', 'holdout', bins := 10);",
	[]ColumnDoc{
		{"bin", "INTEGER", "bin over [0, 1], 1 the lowest probabilities"},
		{"mean_predicted", "DOUBLE", "mean P(positive) in the bin (NULL when empty)"},
		{"observed_rate", "DOUBLE", "share of positives in the bin (NULL when empty)"},
		{"rows", "BIGINT", "rows in the bin"},
	}, prepareCalibration, "", udf.Param{Name: "bins", Type: udf.Integer, Doc: "number of equal-width bins over [0, 1]", Default: service.DefaultBins, Range: udf.Between(service.MinBins, service.MaxBins)})

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
	udf.Param{Name: "by", Type: udf.Varchar, Doc: "the group column (required: the error of a call without it lists the data's columns)", DefaultDoc: "required"},
	thresholdParam,
	udf.Param{Name: "min_group", Type: udf.Integer, Doc: "groups with fewer rows report rows only", Default: service.DefaultMinGroup, Range: udf.AtLeast(0)})

func prepareConfusion(c evalCall) (udf.Bound, error) {
	t, err := c.a.optFloat("threshold")
	if err != nil {
		return nil, err
	}
	call, err := service.BindConfusionMatrix(c.a.b.Ctx, c.env(), c.model, c.data, service.ConfusionOptions{Threshold: t, Version: c.version})
	if err != nil {
		return nil, err
	}
	return resultRows(c.cols, call, func(cells []service.ConfusionCell) [][]any {
		return rowsOf(cells, func(m service.ConfusionCell) []any { return []any{m.Actual, m.Predicted, m.Count} })
	}), nil
}

// prepareCount prepares a function whose one named argument is a count
// (arg: roc_curve's points, lift's and calibration's bins): bind binds
// the service with its value, row converts an element of the result. A
// value outside the declared range is an error after the service's bind
// (see args.count).
func prepareCount[E any](c evalCall, arg string, bind func(n int) (*service.EvalCall[[]E], error), row func(E) []any) (udf.Bound, error) {
	n, zero, err := c.a.count(arg)
	if err != nil {
		return nil, err
	}
	call, err := bind(n)
	if err != nil {
		return nil, err
	}
	if zero != nil {
		call.Close()
		return nil, zero
	}
	return resultRows(c.cols, call, func(v []E) [][]any { return rowsOf(v, row) }), nil
}

func prepareROC(c evalCall) (udf.Bound, error) {
	return prepareCount(c, "points", func(points int) (*service.EvalCall[[]metrics.ROCPoint], error) {
		return service.BindROCCurve(c.a.b.Ctx, c.env(), c.model, c.data, service.ROCOptions{Points: points, Version: c.version})
	}, func(p metrics.ROCPoint) []any {
		return []any{p.Threshold, p.TPR, p.FPR, p.Precision, p.Recall}
	})
}

func prepareLift(c evalCall) (udf.Bound, error) {
	return prepareCount(c, "bins", func(bins int) (*service.EvalCall[[]metrics.LiftBin], error) {
		return service.BindLift(c.a.b.Ctx, c.env(), c.model, c.data, service.LiftOptions{Bins: bins, Version: c.version})
	}, func(b metrics.LiftBin) []any {
		return []any{b.Bin, b.Customers, b.Positives, b.ResponseRate, b.Lift, b.CumulativeGain}
	})
}

func prepareCalibration(c evalCall) (udf.Bound, error) {
	return prepareCount(c, "bins", func(bins int) (*service.EvalCall[[]metrics.CalBin], error) {
		return service.BindCalibration(c.a.b.Ctx, c.env(), c.model, c.data, service.CalibrationOptions{Bins: bins, Version: c.version})
	}, func(b metrics.CalBin) []any {
		return []any{b.Bin, b.MeanPredicted, b.ObservedRate, b.Rows}
	})
}

func prepareFairness(c evalCall) (udf.Bound, error) {
	t, err := c.a.optFloat("threshold")
	if err != nil {
		return nil, err
	}
	o := service.FairnessOptions{By: c.by, Threshold: t, Version: c.version}
	minGroup, err := c.a.optInt64("min_group")
	if err != nil {
		return nil, err
	}
	if minGroup != nil {
		o.MinGroup = new(int(*minGroup))
	}
	call, err := service.BindFairness(c.a.b.Ctx, c.env(), c.model, c.data, o)
	if err != nil {
		return nil, err
	}
	return resultRows(c.cols, call, func(groups []service.FairnessGroup) [][]any {
		return rowsOf(groups, func(g service.FairnessGroup) []any {
			var name any = g.Name
			if g.Null {
				name = nil
			}
			return []any{name, g.Rows, g.PositiveRate, g.TPR, g.FPR, g.Precision, g.Accuracy, g.ROCAUC,
				g.DemographicParityRatio, g.EqualOpportunityDifference, g.EqualizedOddsDifference}
		})
	}), nil
}
