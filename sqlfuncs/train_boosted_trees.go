//go:build duckdb_arrow

package sqlfuncs

import (
	"slices"
	"strings"

	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// train_boosted_trees(model, data, ...): trains gradient-boosted trees
// and saves them as a new version of model.

// trainTreesColumns are train_perceptron's result columns with trees (the
// rounds kept) in place of epochs_run, without gradient_norm.
var trainTreesColumns = func() []ColumnDoc {
	cols := slices.DeleteFunc(slices.Clone(trainPerceptronColumns), func(c ColumnDoc) bool { return c.Name == "gradient_norm" })
	for i, c := range cols {
		switch c.Name {
		case "epochs_run":
			cols[i] = ColumnDoc{"trees", "INTEGER", "boosting rounds kept (early stopping keeps the best number; multiclass: a tree per class per round)"}
		case "inputs":
			cols[i].Doc = "number of columns used"
		case "rows_skipped":
			cols[i].Doc = "rows skipped (NULL, NaN or infinite label; missing and infinite features are the trees' to route)"
		case "mode":
			cols[i].Doc = "always 'cached': the binned rows are held in memory"
		case "train_loss", "valid_loss":
			cols[i].Doc = strings.Replace(c.Doc, "epoch", "round", 1)
		}
	}
	return cols
}()

var trainBoostedTrees = &Function{
	Name:    training.TreesFn,
	Summary: "train gradient-boosted trees (classification or regression) on data and save them as a new model version",
	Example: "SELECT * FROM train_boosted_trees('churn_gbt', 'customers', label := 'churned', exclude := ['customer_id']);",
	Columns: trainTreesColumns,
	Table: &udf.TableFunc{
		Name: training.TreesFn,
		Bind: bindTrainBoostedTrees,
		Args: []udf.Param{
			withDoc(modelParam, "model name; training an existing name adds a version"),
			dataParam,
		},
		Named: []udf.Param{
			labelParam,
			featuresParam,
			excludeParam,
			taskParam,
			{Name: "objective", Type: udf.Varchar, Doc: "the loss: 'auto' is log loss (binary), softmax (multiclass) or squared error (regression)", Default: training.DefaultObjective, Choices: []string{"auto"}},
			{Name: "trees", Type: udf.Integer, Doc: "boosting rounds (multiclass: a tree per class per round)", Default: training.DefaultTrees, Range: udf.Between(1, training.MaxTrees)},
			{Name: "learning_rate", Type: udf.Double, Doc: "shrinkage of every tree's values", Default: training.DefaultTreeLearningRate,
				Range: &udf.Range{Min: 0, Max: training.MaxLearningRate, MinOpen: true}},
			{Name: "max_depth", Type: udf.Integer, Doc: "depth of the deepest leaf", Default: training.DefaultMaxDepth, Range: udf.Between(1, training.MaxTreeDepth)},
			{Name: "min_child_weight", Type: udf.Double, Doc: "least hessian sum of a child (rows, for squared error)", Default: training.DefaultMinChildWeight, Range: udf.AtLeast(0)},
			{Name: "min_rows_in_leaf", Type: udf.Integer, Doc: "least training rows of a leaf", Default: training.DefaultMinRowsInLeaf, Range: udf.Between(1, training.MaxMinRowsInLeaf)},
			{Name: "l2", Type: udf.Double, Doc: "L2 penalty on the leaf values (XGBoost's lambda)", Default: training.DefaultTreeL2, Range: udf.Between(0, training.MaxL2)},
			{Name: "min_split_gain", Type: udf.Double, Doc: "least loss reduction of a split (XGBoost's gamma)", Default: training.DefaultMinSplitGain, Range: udf.AtLeast(0)},
			{Name: "subsample", Type: udf.Double, Doc: "share of rows each tree is grown on, chosen by a seeded hash", Default: training.DefaultSubsample,
				Range: &udf.Range{Min: 0, Max: 1, MinOpen: true}},
			{Name: "colsample", Type: udf.Double, Doc: "share of columns each tree may split on, chosen with the seed", Default: training.DefaultColsample,
				Range: &udf.Range{Min: 0, Max: 1, MinOpen: true}},
			{Name: "max_bins", Type: udf.Integer, Doc: "bins a numeric column is cut into, from its training quantiles (missing values get one more)", Default: training.DefaultMaxBins, Range: udf.Between(2, training.MaxTreeBins)},
			validationFractionParam,
			{Name: "early_stopping", Type: udf.Boolean, Doc: "stop when the validation loss has not improved for patience rounds, and keep the best number of rounds", Default: training.DefaultEarlyStopping},
			{Name: "patience", Type: udf.Integer, Doc: "rounds without improvement before stopping", Default: training.DefaultTreePatience, Range: udf.Between(1, training.MaxPatience)},
			classWeightParam,
			positiveParam,
			{Name: "memory_limit", Type: udf.Varchar, Doc: "memory the rows may take (their values and the binned matrix); beyond it training stops with an error saying how much they need",
				DefaultDoc: "the smaller of '" + training.DefaultMemoryLimit + "' and DuckDB's memory_limit"},
			withDoc(seedParam, "seed of the row and column sampling and the validation split"),
		},
		Mutates: true,
	},
}

func bindTrainBoostedTrees(b *udf.BindContext) (udf.Bound, error) {
	return bindTraining(b, treeOptions, service.BindTrainBoostedTrees, trainTreesColumns)
}

// treeOptions reads train_boosted_trees' named arguments; an absent one
// stays the zero (or nil) field the service fills with its default.
func treeOptions(a args) (service.TreeOptions, error) {
	var o service.TreeOptions
	s := supervised{label: &o.Label, features: &o.Features, exclude: &o.Exclude, task: &o.Task,
		validationFraction: &o.ValidationFraction, earlyStopping: &o.EarlyStopping, classWeight: &o.ClassWeight,
		positive: &o.Positive, memoryLimit: &o.MemoryLimit, seed: &o.Seed}
	if err := s.read(a); err != nil {
		return o, err
	}
	var err error
	if o.Objective, err = a.string("objective"); err != nil {
		return o, err
	}
	ints := []struct {
		name string
		dst  *int
	}{{"trees", &o.Trees}, {"max_depth", &o.MaxDepth}, {"min_rows_in_leaf", &o.MinRowsInLeaf}, {"max_bins", &o.MaxBins}, {"patience", &o.Patience}}
	for _, x := range ints {
		v, err := a.int(x.name) // absent: the declared default; given: in its range
		if err != nil {
			return o, err
		}
		*x.dst = int(v)
	}
	floats := []struct {
		name string
		dst  *float64
	}{{"learning_rate", &o.LearningRate}, {"min_split_gain", &o.MinSplitGain}, {"subsample", &o.Subsample}, {"colsample", &o.Colsample}}
	for _, x := range floats {
		if *x.dst, err = a.float(x.name); err != nil {
			return o, err
		}
	}
	if o.MinChildWeight, err = a.optFloat("min_child_weight"); err != nil {
		return o, err
	}
	if o.L2, err = a.optFloat("l2"); err != nil {
		return o, err
	}
	return o, nil
}
