//go:build duckdb_arrow

package sqlfuncs

import (
	"github.com/ducksight/ducksight/engine/metrics"
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// threshold(model, data, metric := 'f1', budget := ..., cost_fp := 1,
// cost_fn := 1, version := N): one row, the chosen decision threshold.

var thresholdFn = evalTable("threshold",
	"a binary classifier's decision threshold on data: the one that maximises F1 or Youden's J, minimises a cost, or flags a budgeted share of rows",
	"SELECT * FROM threshold('churn', 'holdout', budget := 0.10);",
	[]ColumnDoc{
		{"threshold", "DOUBLE", "predicted positive when P(positive) >= threshold; strictly between 0 and 1, so evaluate(..., threshold := ) takes it"},
		{"flagged_share", "DOUBLE", "share of the rows predicted positive"},
		{"precision", "DOUBLE", "TP / (TP + FP); NULL when no row is flagged"},
		{"recall", "DOUBLE", "TP / (TP + FN); NULL without positive rows"},
		{"f1", "DOUBLE", "2 TP / (2 TP + FP + FN); NULL without positive rows or flagged rows"},
		{"expected_cost", "DOUBLE", "(cost_fp * FP + cost_fn * FN) / rows, costs 1 and 1 unless metric is 'cost'"},
	}, prepareThreshold, "",
	udf.Param{Name: "metric", Type: udf.Varchar, Doc: "what the threshold optimises: 'f1', 'youden' (TPR - FPR) or 'cost' (the least cost_fp * FP + cost_fn * FN); an error with budget",
		Default: service.DefaultThresholdMetric, Choices: service.ThresholdMetrics},
	udf.Param{Name: "budget", Type: udf.Double, Doc: "the share of rows to flag instead (at least that share: tied scores move together); an error with metric",
		DefaultDoc: "NULL", Range: &udf.Range{Min: 0, Max: 1, MinOpen: true, MaxOpen: true}},
	udf.Param{Name: "cost_fp", Type: udf.Double, Doc: "metric 'cost': the cost of a false positive", Default: service.DefaultCost, Range: udf.AtLeast(0)},
	udf.Param{Name: "cost_fn", Type: udf.Double, Doc: "metric 'cost': the cost of a false negative", Default: service.DefaultCost, Range: udf.AtLeast(0)},
)

func prepareThreshold(c evalCall) (udf.Bound, error) {
	var o service.ThresholdOptions
	var err error
	if _, _, given, err := c.a.lookup("metric"); err != nil {
		return nil, err
	} else if given {
		if o.Metric, err = c.a.string("metric"); err != nil {
			return nil, err
		}
	}
	if o.Budget, err = c.a.optFloat("budget"); err != nil {
		return nil, err
	}
	if o.CostFP, err = c.a.optFloat("cost_fp"); err != nil {
		return nil, err
	}
	if o.CostFN, err = c.a.optFloat("cost_fn"); err != nil {
		return nil, err
	}
	o.Version = c.version
	call, err := service.BindThreshold(c.a.b.Ctx, c.env(), c.model, c.data, o)
	if err != nil {
		return nil, err
	}
	return resultRows(c.cols, call, func(t metrics.ThresholdChoice) [][]any {
		return [][]any{{t.Threshold, t.FlaggedShare, t.Precision, t.Recall, t.F1, t.ExpectedCost}}
	}), nil
}
