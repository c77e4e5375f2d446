//go:build duckdb_arrow

package sqlfuncs

import (
	"context"

	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// The evaluation functions (evaluate, confusion_matrix, roc_curve, lift,
// calibration, fairness, feature_importance) are adapters over package
// service's: each reads its SQL arguments into the service's options,
// binds the service at bind (model, data query, checks: the service's
// errors), and writes the typed result as rows when DuckDB executes it.

// evalCall is what every evaluation function reads first: the model and
// data arguments, the version (0: the latest) and, for a function with a
// group column argument, its value ("" when not given: the service's
// default); and the function's result columns.
type evalCall struct {
	a           args
	model, data string
	version     int
	by          string
	cols        []udf.Column
}

// evalPrepare binds an evaluation function's service with the call's
// arguments and its own named ones.
type evalPrepare func(c evalCall) (udf.Bound, error)

// evalFunc is the shape every evaluation function shares: (model, data,
// named arguments) -> rows of the service's result.
type evalFunc struct {
	cols    []udf.Column // the result columns
	prepare evalPrepare
	// by names the named argument holding a group column ("" for none).
	by string
}

func (ef *evalFunc) bind(b *udf.BindContext) (udf.Bound, error) {
	c := evalCall{a: newArgs(b), cols: ef.cols}
	var err error
	if c.model, c.data, err = c.a.modelEvalData(); err != nil {
		return nil, err
	}
	if c.version, err = versionArg(c.a); err != nil {
		return nil, err
	}
	if ef.by != "" {
		if c.by, err = c.a.string(ef.by); err != nil {
			return nil, err
		}
	}
	return ef.prepare(c)
}

// env is the service environment of the call's bind.
func (c evalCall) env() service.Env { return envOf(c.a.b) }

// resultRows is a bound call whose rows are those of the service call's
// result (rows converts it); it closes the call with it.
func resultRows[T any](cols []udf.Column, call *service.EvalCall[T], rows func(T) [][]any) udf.Bound {
	return &rowsBound{cols: cols, close: call.Close, compute: func(ctx context.Context) ([][]any, error) {
		v, err := call.Run(ctx)
		if err != nil {
			return nil, err
		}
		return rows(v), nil
	}}
}

// --- evaluate

var evaluateFn = &Function{
	Name:    "evaluate",
	Summary: "one row of quality measures of a model on data that holds the label (binary, multiclass, regression or kmeans)",
	Example: "SELECT * FROM evaluate('churn', 'holdout');",
	Columns: []ColumnDoc{
		{"rows", "BIGINT", "rows evaluated (with a usable label and features)"},
		{"accuracy", "DOUBLE", "binary, multiclass: share of rows predicted right"},
		{"precision", "DOUBLE", "binary: TP / (TP + FP), 0 when nothing is predicted positive"},
		{"recall", "DOUBLE", "binary: TP / (TP + FN)"},
		{"f1", "DOUBLE", "binary: harmonic mean of precision and recall"},
		{"log_loss", "DOUBLE", "binary, multiclass: mean negative log-likelihood (probabilities clipped to [1e-15, 1 - 1e-15])"},
		{"roc_auc", "DOUBLE", "binary: area under the ROC curve, exact (ties averaged)"},
		{"pr_auc", "DOUBLE", "binary: average precision (scikit-learn's average_precision_score)"},
		{"brier", "DOUBLE", "binary: mean squared difference of P(positive) and the outcome"},
		{"macro_precision", "DOUBLE", "multiclass: unweighted mean over classes"},
		{"macro_recall", "DOUBLE", "multiclass"},
		{"macro_f1", "DOUBLE", "multiclass"},
		{"weighted_precision", "DOUBLE", "multiclass: mean over classes weighted by their rows"},
		{"weighted_recall", "DOUBLE", "multiclass"},
		{"weighted_f1", "DOUBLE", "multiclass"},
		{"mae", "DOUBLE", "regression: mean absolute error"},
		{"rmse", "DOUBLE", "regression: root mean squared error"},
		{"r2", "DOUBLE", "regression: coefficient of determination"},
		{"mape", "DOUBLE", "regression: mean absolute percentage error over rows with a nonzero target (NULL when none)"},
		{"inertia", "DOUBLE", "kmeans: sum of squared distances of the rows to their centroids"},
		{"silhouette", "DOUBLE", "kmeans: mean silhouette on a deterministic sample of at most 10,000 rows"},
		{"davies_bouldin", "DOUBLE", "kmeans: Davies-Bouldin index with the model's centroids"},
	},
	Table: &udf.TableFunc{
		Name: "evaluate",
		Bind: (&evalFunc{prepare: prepareEvaluate}).bind,
		Args: []udf.Param{
			modelParam,
			withDoc(evalDataParam, evalDataDoc+" (kmeans: any rows, not NULL)"),
		},
		Named: []udf.Param{
			thresholdParam,
			versionParam,
		},
	},
}

// prepareEvaluate binds evaluate, whose columns are those of the model's
// kind (the service's EvaluateCall.Columns), not evalFunc's.
func prepareEvaluate(c evalCall) (udf.Bound, error) {
	t, err := c.a.optFloat("threshold")
	if err != nil {
		return nil, err
	}
	call, err := service.BindEvaluate(c.a.b.Ctx, c.env(), c.model, c.data, service.EvaluateOptions{Threshold: t, Version: c.version})
	if err != nil {
		return nil, err
	}
	cols := []udf.Column{{Name: "rows", Type: udf.BigInt}}
	for _, n := range call.Columns {
		cols = append(cols, udf.Column{Name: n, Type: udf.Double})
	}
	return resultRows(cols, call.EvalCall, func(ev *service.Evaluation) [][]any {
		row := []any{ev.Rows}
		for _, n := range ev.Columns {
			row = append(row, ev.Measures[n])
		}
		return [][]any{row}
	}), nil
}
