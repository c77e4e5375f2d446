//go:build duckdb_arrow

package sqlfuncs

import (
	"context"
	"slices"
	"strconv"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// cross_validate(kind, data, folds := 5, by := [...], training arguments
// of the kind): k-fold cross-validation, a row per fold then the mean and
// standard deviation.

var crossValidateColumns = []ColumnDoc{
	{"fold", "VARCHAR", "'1' .. 'k', then 'mean' and 'std' (over the folds, std with n-1)"},
	{"rows_train", "BIGINT", "rows the fold's model trained on (its validation rows included); NULL in the mean and std rows"},
	{"rows_test", "BIGINT", "rows of the fold it was tested on (with a usable label); NULL in the mean and std rows"},
	{"roc_auc", "DOUBLE", "binary: area under the ROC curve"},
	{"pr_auc", "DOUBLE", "binary: average precision"},
	{"log_loss", "DOUBLE", "binary, multiclass: mean negative log-likelihood"},
	{"accuracy", "DOUBLE", "binary (at threshold 0.5), multiclass: share predicted right"},
	{"brier", "DOUBLE", "binary: mean squared difference of P(positive) and the outcome"},
	{"macro_f1", "DOUBLE", "multiclass: unweighted mean of the classes' F1"},
	{"rmse", "DOUBLE", "regression: root mean squared error"},
	{"mae", "DOUBLE", "regression: mean absolute error"},
	{"r2", "DOUBLE", "regression: coefficient of determination"},
	{"seconds", "DOUBLE", "wall time of the fold (training and testing); the mean and std rows: over the folds"},
}

// cvKinds are the training functions whose arguments cross_validate takes,
// by kind.
var cvKinds = map[string]*Function{service.KindPerceptron: trainPerceptron, service.KindBoostedTrees: trainBoostedTrees}

var crossValidateFn = &Function{
	Name:    "cross_validate",
	Summary: "k-fold cross-validation of a perceptron or boosted-trees training on data (grouped, stratified): a row per fold, then the mean and standard deviation; saves nothing",
	Example: "SELECT * FROM cross_validate('boosted_trees', 'customers', label := 'churned', exclude := ['customer_id'], folds := 5, by := ['customer_id'], max_depth := 4);",
	Columns: crossValidateColumns,
	Table: &udf.TableFunc{
		Name: "cross_validate",
		Bind: bindCrossValidate,
		Args: []udf.Param{
			{Name: "kind", Type: udf.Varchar, Doc: "what to train: 'perceptron' (train_perceptron) or 'boosted_trees' (train_boosted_trees)"},
			withDoc(dataParam, "a table, view or quoted file name, or one SELECT query, with the label column (see The data argument)"),
		},
		Named: crossValidateNamed(),
	},
}

// engineOnly are train_perceptron's arguments of training where the data
// lives, which cross_validate and tune (local training only) do not take.
var engineOnly = []string{"engine", "where", "validation", "exact"}

// crossValidateNamed are cross_validate's named arguments: folds and by,
// then every training argument of either kind (an argument both kinds
// take once, its default the kind's).
func crossValidateNamed() []udf.Param {
	named := []udf.Param{
		{Name: "folds", Type: udf.Integer, Doc: "number of folds, at most the rows", Default: int64(service.DefaultFolds), Range: udf.AtLeast(2)},
		{Name: "by", Type: udf.List(udf.Varchar), Doc: "group columns: rows with equal values share a fold (a customer's rows)", DefaultDoc: "none: rows are assigned one by one"},
	}
	perc, trees := trainPerceptron.Table.Named, trainBoostedTrees.Table.Named
	for _, p := range slices.Concat(perc, trees) {
		if slices.ContainsFunc(named, func(q udf.Param) bool { return q.Name == p.Name }) || slices.Contains(engineOnly, p.Name) {
			continue
		}
		inPerc := slices.ContainsFunc(perc, func(q udf.Param) bool { return q.Name == p.Name })
		inTrees := slices.ContainsFunc(trees, func(q udf.Param) bool { return q.Name == p.Name })
		q := udf.Param{Name: p.Name, Type: p.Type, Doc: p.Doc, Default: p.Default, DefaultDoc: p.DefaultDoc, Range: p.Range, Choices: p.Choices}
		switch {
		case inPerc && inTrees:
			q.Doc = "as the kind's training function takes it"
			q.Default, q.DefaultDoc, q.Range, q.Choices = nil, "the kind's", nil, nil
		case inPerc:
			q.Doc = "perceptron: " + p.Doc
		default:
			q.Doc = "boosted_trees: " + p.Doc
		}
		named = append(named, q)
	}
	return named
}

func bindCrossValidate(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	kind, err := a.str(0)
	if err != nil {
		return nil, err
	}
	data, err := a.str(1)
	if err != nil {
		return nil, err
	}
	train, ok := cvKinds[kind]
	if !ok {
		return nil, dserr.Arg(a.fn, "kind", "unknown kind %q: want 'perceptron' or 'boosted_trees'", kind)
	}
	if err := kindArgs(a, kind, train, "folds", "by"); err != nil {
		return nil, err
	}
	var o service.CrossValidateOptions
	ka := args{fn: a.fn, b: b, t: train.Table} // the kind's declarations: its defaults and ranges
	if kind == service.KindPerceptron {
		o.Perceptron, err = trainOptions(ka)
	} else {
		o.BoostedTrees, err = treeOptions(ka)
	}
	if err != nil {
		return nil, err
	}
	folds, err := a.int("folds")
	if err != nil {
		return nil, err
	}
	o.Folds = int(folds)
	if o.By, err = a.namedStrings("by"); err != nil {
		return nil, err
	}
	job, err := service.BindCrossValidate(b.Ctx, envOf(b), kind, data, o)
	if err != nil {
		return nil, err
	}
	return &rowsBound{cols: resultColumns(crossValidateColumns), close: job.Close, compute: func(ctx context.Context) ([][]any, error) {
		cv, err := job.Run(ctx)
		if err != nil {
			return nil, err
		}
		return cvRows(cv), nil
	}}, nil
}

// kindArgs refuses a named argument given that is neither one of the
// kind's training function nor one of own.
func kindArgs(a args, kind string, train *Function, own ...string) error {
	names := make([]string, 0, len(a.b.Named))
	for name := range a.b.Named {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if slices.Contains(own, name) || slices.ContainsFunc(train.Table.Named, func(p udf.Param) bool { return p.Name == name }) {
			continue
		}
		return dserr.Arg(a.fn, name, "is not an argument of kind %s (%s does not take it)", kind, train.Name)
	}
	return nil
}

// cvRows are cross_validate's rows: the folds, then mean and std; a
// measure not of the task is NULL.
func cvRows(cv *service.CrossValidation) [][]any {
	measures := crossValidateColumns[3 : len(crossValidateColumns)-1]
	row := func(fold string, train, test any, m map[string]float64, secs float64) []any {
		r := []any{fold, train, test}
		for _, c := range measures {
			if slices.Contains(cv.Columns, c.Name) {
				r = append(r, m[c.Name])
			} else {
				r = append(r, nil)
			}
		}
		return append(r, secs)
	}
	var rows [][]any
	for _, f := range cv.Folds {
		rows = append(rows, row(strconv.Itoa(f.Fold), f.RowsTrain, f.RowsTest, f.Measures, f.Seconds))
	}
	rows = append(rows, row("mean", nil, nil, cv.Mean, cv.Mean["seconds"]), row("std", nil, nil, cv.Std, cv.Std["seconds"]))
	return rows
}
