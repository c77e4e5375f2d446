//go:build duckdb_arrow

package service

import (
	"context"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/bigmem"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/metrics"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/udf"
)

// Run computes the call's result; its error is a *dserr.Error of the
// call's function (see Err). An EvalCall runs once.
func (c *EvalCall[T]) Run(ctx context.Context) (T, error) {
	v, err := c.run(ctx)
	if err != nil {
		var zero T
		return zero, Err(ctx, c.fn, err)
	}
	return v, nil
}

// Close releases the call's prepared data query; closing twice does
// nothing.
func (c *EvalCall[T]) Close() {
	if c.close != nil {
		c.close()
		c.close = nil
	}
}

// runOnce binds, runs and closes a call: the Go API's path.
func runOnce[T any](ctx context.Context, fn string, c *EvalCall[T], err error) (T, error) {
	if err != nil {
		var zero T
		return zero, Err(ctx, fn, err)
	}
	defer c.Close()
	return c.Run(ctx)
}

// The measures evaluate reports per kind of model, in its column order
// (after rows).
var (
	binaryMeasures     = []string{"accuracy", "precision", "recall", "f1", "log_loss", "roc_auc", "pr_auc", "brier"}
	multiclassMeasures = []string{"accuracy", "macro_precision", "macro_recall", "macro_f1", "weighted_precision", "weighted_recall", "weighted_f1", "log_loss"}
	regressionMeasures = []string{"mae", "rmse", "r2", "mape"}
	kmeansMeasures     = []string{"inertia", "silhouette", "davies_bouldin"}
)

// evaluation is an Evaluation of rows with the measures names, valued
// vals in that order.
func evaluation(rows int64, names []string, vals ...float64) *Evaluation {
	ev := &Evaluation{Rows: rows, Measures: make(map[string]float64, len(names)), Columns: names}
	for i, n := range names {
		ev.Measures[n] = vals[i]
	}
	return ev
}

// Evaluate is evaluate(model, data, ...): the quality measures of the
// model on data that holds the label (a kmeans model: any rows).
func Evaluate(ctx context.Context, env Env, model, data string, o EvaluateOptions) (*Evaluation, error) {
	c, err := BindEvaluate(ctx, env, model, data, o)
	if err != nil {
		return nil, err
	}
	return runOnce(ctx, "evaluate", c.EvalCall, nil)
}

// BindEvaluate binds evaluate(model, data, ...): it checks the options,
// loads the model and prepares data; Run computes the measures. The
// caller closes the call.
func BindEvaluate(ctx context.Context, env Env, model, data string, o EvaluateOptions) (*EvaluateCall, error) {
	const fn = "evaluate"
	c, err := bindEvaluate(ctx, env, fn, model, data, o)
	return c, Err(ctx, fn, err)
}

func bindEvaluate(ctx context.Context, env Env, fn, model, data string, o EvaluateOptions) (*EvaluateCall, error) {
	if err := checkModelVersion(fn, model, o.Version); err != nil {
		return nil, err
	}
	t, err := evalThreshold(fn, o.Threshold)
	if err != nil {
		return nil, err
	}
	rec, err := env.Record(ctx, fn, model, o.Version)
	if err != nil {
		return nil, err
	}
	if err := thresholdBinaryOnly(fn, model, o.Threshold != nil, rec.Kind, rec.Task); err != nil {
		return nil, err
	}
	doc, err := decodeKind(fn, rec, takesAll)
	if err != nil {
		return nil, err
	}
	if km, ok := doc.(*clustering.Document); ok {
		if data == HeldOut {
			return nil, heldOutErr(fn, rec, " is a kmeans model, which holds out no rows; give data")
		}
		ke, err := withData(ctx, env, fn, data, func(q *udf.Query) (*kmeansEval, error) {
			binding, err := bindEncoder(fn, &km.Encoder, q.Schema())
			if err != nil {
				return nil, err
			}
			return &kmeansEval{fn: fn, doc: km, q: q, binding: binding}, nil
		})
		if err != nil {
			return nil, err
		}
		return &EvaluateCall{EvalCall: &EvalCall[*Evaluation]{fn: fn, run: ke.measure, close: ke.close}, Columns: kmeansMeasures}, nil
	}
	if td, ok := doc.(*training.Document); ok && data == HeldOut && inEngine(rec) {
		return bindEngineEvaluate(ctx, env, fn, rec, td, t)
	}
	m, ok := scoringModel(doc)
	if !ok {
		return nil, WrongKind(fn, rec, takesAll.words)
	}
	e, err := bindEvalModel(ctx, env, fn, rec, m, data, "")
	if err != nil {
		return nil, err
	}
	switch e.model.Task() {
	case task.Binary:
		return &EvaluateCall{Columns: binaryMeasures, EvalCall: bound(e, func(d *evalData) (*Evaluation, error) {
			var mem bigmem.Arena
			defer mem.Free()
			r := metrics.BinaryReport(d.y, d.p, t, sortScratch(&mem, len(d.y)))
			return evaluation(r.Rows, binaryMeasures, r.Accuracy, r.Precision, r.Recall, r.F1, r.LogLoss, r.ROCAUC, r.PRAUC, r.Brier), nil
		})}, nil
	case task.Multiclass:
		return &EvaluateCall{Columns: multiclassMeasures, EvalCall: bound(e, func(d *evalData) (*Evaluation, error) {
			r := metrics.MulticlassReport(d.truth(), d.p, d.k)
			return evaluation(r.Rows, multiclassMeasures, r.Accuracy, r.MacroPrecision, r.MacroRecall, r.MacroF1, r.WeightedPrecision, r.WeightedRecall, r.WeightedF1, r.LogLoss), nil
		})}, nil
	default:
		return &EvaluateCall{Columns: regressionMeasures, EvalCall: bound(e, func(d *evalData) (*Evaluation, error) {
			r := metrics.RegressionReport(d.y, d.p)
			return evaluation(r.Rows, regressionMeasures, r.MAE, r.RMSE, r.R2, r.MAPE), nil
		})}, nil
	}
}

// checkModelVersion checks what every call checks first: a model name the
// store takes, and a version of at least 1 when given (0: the latest).
func checkModelVersion(fn, model string, version int) error {
	if err := CheckModelName(fn, model); err != nil {
		return err
	}
	if version < 0 {
		return dserr.AtLeast(fn, "version", 1, version)
	}
	return nil
}

// evalThreshold is the threshold of an evaluation: strictly between 0 and
// 1, nil DefaultThreshold.
func evalThreshold(fn string, t *float64) (float64, error) {
	if t == nil {
		return DefaultThreshold, nil
	}
	if !(*t > 0 && *t < 1) {
		return 0, dserr.Arg(fn, "threshold", "must be greater than 0 and less than 1, got %g", *t)
	}
	return *t, nil
}

// thresholdBinaryOnly refuses a threshold given for a model that is not a
// binary classifier (a kmeans, multiclass or regression model), which
// would otherwise be ignored without a word.
func thresholdBinaryOnly(fn, model string, given bool, kind string, tk task.Task) error {
	if !given || tk == task.Binary {
		return nil
	}
	what := tk.String()
	if kind == "kmeans" {
		what = kind
	}
	return dserr.Arg(fn, "threshold", "applies to binary classifiers only; model %q is a %s model", model, what)
}

// needTask refuses a model whose task is not among tasks.
func (e *evalBinding) needTask(what string, tasks ...task.Task) error {
	for _, t := range tasks {
		if e.model.Task() == t {
			return nil
		}
	}
	return dserr.New(dserr.Incompatible, e.fn, "model", "%s needs a %s model; this one is %s", e.fn, what, e.model.Task())
}

// sortScratch is metrics' sort scratch for n rows, taken from mem (the
// caller frees it): engine/bigmem's pool hands back pages already mapped,
// where fresh memory is slow on some virtual machines.
func sortScratch(mem *bigmem.Arena, n int) *metrics.Scratch {
	return &metrics.Scratch{Keys: mem.RawUint64s(2 * n), Vals: mem.RawFloat64s(2 * n)}
}
