//go:build duckdb_arrow

package sqlfuncs

import (
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// drift: how data differs from a model's training data, per input column,
// against the statistics block the model stores (service's Drift).

// driftColumns are drift's result columns.
var driftColumns = []ColumnDoc{
	{"column_name", "VARCHAR", "an input column of the model; the last row, '(all)', sums up the others"},
	{"kind", "VARCHAR", "how the model reads the column: numeric, date, timestamp, boolean or categorical; NULL for '(all)'"},
	{"null_share_train", "DOUBLE", "share of NULL (or NaN) values in the training rows"},
	{"null_share_now", "DOUBLE", "share of NULL (or NaN) values in data"},
	{"mean_train", "DOUBLE", "mean of the finite values in training (numeric columns; NULL for others)"},
	{"mean_now", "DOUBLE", "mean of the finite values in data (numeric columns)"},
	{"std_train", "DOUBLE", "sample standard deviation of the finite values in training (numeric columns)"},
	{"std_now", "DOUBLE", "sample standard deviation of the finite values in data (numeric columns)"},
	{"psi", "DOUBLE", "population stability index of data against training: over the 10 training-quantile bins, NULL and ±Inf (numeric, date, timestamp), over the levels, 'other' and NULL (categorical, boolean); '(all)': the largest"},
	{"unseen_share", "DOUBLE", "share of rows whose value is a level never seen in training (categorical columns; NULL when the model cannot tell); '(all)': rows with such a level in any column"},
	{"status", "VARCHAR", "'ok' (psi < 0.1), 'shifted' (psi < 0.25) or 'severe' (psi >= 0.25 or unseen_share > 0.05); '(all)': the worst"},
}

var driftFn = &Function{
	Name:    "drift",
	Summary: "how data differs from a model's training data, per input column: NULL shares, means, PSI, unseen levels and a status",
	Example: "SELECT * FROM drift('churn', 'holdout');",
	Columns: driftColumns,
	Table: &udf.TableFunc{
		Name: "drift",
		Bind: bindDrift,
		Args: []udf.Param{
			withDoc(modelParam, "model name (any kind trained with statistics)"),
			withDoc(dataParam, "the data to compare: a table, view or quoted file name, or one SELECT query, with the model's input columns"),
		},
		Named: []udf.Param{versionParam},
	},
}

func bindDrift(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	model, data, err := a.modelData()
	if err != nil {
		return nil, err
	}
	version, err := versionArg(a)
	if err != nil {
		return nil, err
	}
	call, err := service.BindDrift(b.Ctx, envOf(b), model, data, service.DriftOptions{Version: version})
	if err != nil {
		return nil, err
	}
	return resultRows(resultColumns(driftColumns), call, func(cols []service.DriftColumn) [][]any {
		return rowsOf(cols, func(c service.DriftColumn) []any {
			var kind any = c.Kind
			if c.Kind == "" {
				kind = nil
			}
			return []any{c.Column, kind, c.NullShareTrain, c.NullShareNow, c.MeanTrain, c.MeanNow, c.StdTrain, c.StdNow, c.PSI, c.UnseenShare, c.Status}
		})
	}), nil
}
