//go:build duckdb_arrow

package sqlfuncs

import (
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// feature_importance: permutation importance of every input column of a
// perceptron model on data that holds the label, and for single-layer
// models the size of the column's standardised weights (service's
// FeatureImportance).

// featureImportanceColumns are feature_importance's result columns.
var featureImportanceColumns = []ColumnDoc{
	{"feature", "VARCHAR", "an input column of the model (one-hot levels and NULL indicators count as their column)"},
	{"importance", "DOUBLE", "mean drop of the metric (binary: ROC AUC, multiclass: accuracy, regression: R2) when the column is permuted across rows"},
	{"importance_std", "DOUBLE", "standard deviation of the drop over the repeats (population, 0 for one repeat)"},
	{"weight", "DOUBLE", "single-layer models: sum of |w| over the column's inputs (multiclass: mean over classes); NULL for hidden layers and other kinds"},
	{"gain", "DOUBLE", "boosted trees: total split gain (loss reduction) of the splits on the column over every tree; NULL for other kinds"},
}

var featureImportanceFn = &Function{
	Name:    "feature_importance",
	Summary: "permutation importance of each input column of a model on data that holds the label, and a single-layer model's standardised weight",
	Example: "SELECT * FROM feature_importance('churn', 'holdout');",
	Columns: featureImportanceColumns,
	Table: &udf.TableFunc{
		Name: "feature_importance",
		Bind: (&evalFunc{cols: resultColumns(featureImportanceColumns), prepare: prepareFeatureImportance}).bind,
		Args: []udf.Param{
			withDoc(modelParam, "model name (a perceptron model)"),
			evalDataParam,
		},
		Named: []udf.Param{
			{Name: "repeats", Type: udf.Integer, Doc: "permutations per column", Default: service.DefaultRepeats, Range: udf.Between(service.MinRepeats, service.MaxRepeats)},
			{Name: "seed", Type: udf.BigInt, Doc: "seed of the permutations", Default: service.DefaultImportanceSeed},
			versionParam,
		},
	},
}

func prepareFeatureImportance(c evalCall) (udf.Bound, error) {
	repeats, zero, err := c.a.count("repeats")
	if err != nil {
		return nil, err
	}
	if zero != nil {
		return nil, zero
	}
	seed, err := c.a.optInt64("seed")
	if err != nil {
		return nil, err
	}
	call, err := service.BindFeatureImportance(c.a.b.Ctx, c.env(), c.model, c.data, service.ImportanceOptions{Repeats: repeats, Seed: seed, Version: c.version})
	if err != nil {
		return nil, err
	}
	return resultRows(c.cols, call, func(imp []service.Importance) [][]any {
		return rowsOf(imp, func(m service.Importance) []any {
			return []any{m.Feature, m.Importance, m.ImportanceStd, m.Weight, m.Gain}
		})
	}), nil
}
