//go:build duckdb_arrow

package sqlfuncs

import (
	"context"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/bigmem"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/metrics"
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// evalPrepare reads an evaluation function's named arguments (threshold,
// bins, ...) and checks them against the model's task; it returns the
// computation over the scored rows.
type evalPrepare func(a args, e *evalBinding) (compute func(d *evalData) ([][]any, error), err error)

// evalFunc is the shape every evaluation function shares: (model, data,
// named arguments) -> rows computed from the scored data.
type evalFunc struct {
	cols    []udf.Column // the result columns
	prepare evalPrepare
	// by names the named argument holding a group column ("" for none).
	by string
}

func (ef *evalFunc) bind(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	name, data, err := a.modelData()
	if err != nil {
		return nil, err
	}
	version, err := versionArg(a)
	if err != nil {
		return nil, err
	}
	by := ""
	if ef.by != "" {
		if by, err = a.string(ef.by); err != nil {
			return nil, err
		}
	}
	e, err := bindEval(b, a.fn, name, version, data, by)
	if err != nil {
		return nil, err
	}
	compute, err := ef.prepare(a, e)
	if err != nil {
		e.close()
		return nil, err
	}
	return e.scored(ef.cols, compute), nil
}

// scored is a bound call whose rows compute gives from the scored data
// (collect); it closes e with it.
func (e *evalBinding) scored(cols []udf.Column, compute func(d *evalData) ([][]any, error)) udf.Bound {
	return &rowsBound{cols: cols, close: e.close, compute: func(ctx context.Context) ([][]any, error) {
		d, err := e.collect(ctx)
		if err != nil {
			return nil, err
		}
		if d.rows() == 0 {
			return nil, e.noRows(d.skipped)
		}
		return compute(d)
	}}
}

// noRows is the error of data without a usable row.
func (e *evalBinding) noRows(skipped int64) error {
	return dserr.Arg(e.fn, "data", "no rows with a usable label (%d skipped)", skipped)
}

// threshold reads the threshold argument (thresholdParam).
func threshold(a args) (float64, error) { return a.float("threshold") }

// thresholdBinaryOnly refuses a threshold given for a model that is not a
// binary classifier (a kmeans, multiclass or regression model), which
// would otherwise be ignored without a word.
func thresholdBinaryOnly(a args, model, kind, task string) error {
	if _, _, given := a.named("threshold"); !given || task == "binary" {
		return nil
	}
	what := task
	if kind == "kmeans" {
		what = kind
	}
	return dserr.Arg(a.fn, "threshold", "applies to binary classifiers only; model %q is a %s model", model, what)
}

// needTask refuses a model whose task is not among tasks.
func needTask(a args, e *evalBinding, what string, tasks ...string) error {
	for _, t := range tasks {
		if e.doc.Task == t {
			return nil
		}
	}
	return dserr.New(dserr.Incompatible, a.fn, "model", "%s needs a %s model; this one is %s", a.fn, what, e.doc.Task)
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
		Bind: bindEvaluate,
		Args: []udf.Param{
			modelParam,
			withDoc(dataParam, "a table, view or quoted file name, or one SELECT query, with the label column (kmeans: any rows)"),
		},
		Named: []udf.Param{
			thresholdParam,
			versionParam,
		},
	},
}

func bindEvaluate(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	name, data, err := a.modelData()
	if err != nil {
		return nil, err
	}
	version, err := versionArg(a)
	if err != nil {
		return nil, err
	}
	t, err := threshold(a)
	if err != nil {
		return nil, err
	}
	rec, err := envOf(b).Record(b.Ctx, a.fn, name, version)
	if err != nil {
		return nil, err
	}
	if err := thresholdBinaryOnly(a, name, rec.Kind, rec.Task); err != nil {
		return nil, err
	}
	cols := func(names ...string) []udf.Column {
		out := []udf.Column{{Name: "rows", Type: udf.BigInt}}
		for _, n := range names {
			out = append(out, udf.Column{Name: n, Type: udf.Double})
		}
		return out
	}
	if rec.Kind == "kmeans" {
		var doc clustering.Document
		if err := service.Decode(a.fn, rec, &doc); err != nil {
			return nil, err
		}
		q, err := envOf(b).Prepare(b.Ctx, a.fn, "data", data)
		if err != nil {
			return nil, err
		}
		binding, err := doc.Encoder.Bind(q.Schema())
		if err != nil {
			q.Close()
			return nil, dserr.Arg(a.fn, "data", "%v", err)
		}
		ke := &kmeansEval{fn: a.fn, doc: &doc, q: q, binding: binding}
		return &rowsBound{cols: cols("inertia", "silhouette", "davies_bouldin"), compute: func(ctx context.Context) ([][]any, error) {
			row, err := ke.measure(ctx)
			if err != nil {
				return nil, err
			}
			return [][]any{row}, nil
		}, close: ke.close}, nil
	}
	e, err := newEvalFromRecord(b, a.fn, rec, data, "")
	if err != nil {
		return nil, err
	}
	// The measures of the model's task.
	switch e.doc.Task {
	case "binary":
		return e.scored(cols("accuracy", "precision", "recall", "f1", "log_loss", "roc_auc", "pr_auc", "brier"), func(d *evalData) ([][]any, error) {
			var mem bigmem.Arena
			defer mem.Free()
			r := metrics.BinaryReport(d.y, d.p, t, sortScratch(&mem, len(d.y)))
			return [][]any{{r.Rows, r.Accuracy, r.Precision, r.Recall, r.F1, r.LogLoss, r.ROCAUC, r.PRAUC, r.Brier}}, nil
		}), nil
	case "multiclass":
		return e.scored(cols("accuracy", "macro_precision", "macro_recall", "macro_f1", "weighted_precision", "weighted_recall", "weighted_f1", "log_loss"), func(d *evalData) ([][]any, error) {
			r := metrics.MulticlassReport(d.truth(), d.p, d.k)
			return [][]any{{r.Rows, r.Accuracy, r.MacroPrecision, r.MacroRecall, r.MacroF1, r.WeightedPrecision, r.WeightedRecall, r.WeightedF1, r.LogLoss}}, nil
		}), nil
	default:
		return e.scored(cols("mae", "rmse", "r2", "mape"), func(d *evalData) ([][]any, error) {
			r := metrics.RegressionReport(d.y, d.p)
			return [][]any{{r.Rows, r.MAE, r.RMSE, r.R2, r.MAPE}}, nil
		}), nil
	}
}

// sortScratch is metrics' sort scratch for n rows, taken from mem (the
// caller frees it): engine/bigmem's pool hands back pages already mapped,
// where fresh memory is slow on some virtual machines.
func sortScratch(mem *bigmem.Arena, n int) *metrics.Scratch {
	return &metrics.Scratch{Keys: mem.RawUint64s(2 * n), Vals: mem.RawFloat64s(2 * n)}
}
