//go:build duckdb_arrow

package sqlfuncs

import (
	"context"
	"slices"
	"time"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/tuning"
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// tune(model, data, label := ..., kind, space, trials, folds, by, metric,
// time_budget, seed, training arguments): a seeded search with successive
// halving; the best configuration saved as a new version of model.
// trial_info(model, version := ...): its trials.

var tuneColumns = []ColumnDoc{
	{"trial", "INTEGER", "1, 2, ...: the order the trials ran in"},
	{"kind", "VARCHAR", "perceptron or boosted_trees"},
	{"params", "VARCHAR", "the searched values, a JSON object (a perceptron without hidden layers is solved exactly: no learning_rate)"},
	{"metric", "DOUBLE", "the metric on the trial's validation rows, or its mean over the folds; NULL for a trial stopped early or skipped"},
	{"metric_std", "DOUBLE", "the metric's standard deviation over the folds (n-1); NULL without folds"},
	{"iterations", "INTEGER", "epochs, L-BFGS iterations or boosting rounds run (with folds: the first fold's)"},
	{"seconds", "DOUBLE", "wall time of the trial"},
	{"status", "VARCHAR", "'best' (the configuration saved), 'completed', 'stopped early' (successive halving) or 'skipped: time budget'"},
}

var tuneFn = &Function{
	Name:    "tune",
	Summary: "search hyper-parameters (and, with kind 'auto', the model family) with seeded quasi-random trials and successive halving; the best configuration is trained on all the data and saved as a new model version",
	Example: "SELECT * FROM tune('churn', 'customers', label := 'churned', exclude := ['customer_id'], kind := 'auto', trials := 6, time_budget := 120);",
	Columns: tuneColumns,
	Table: &udf.TableFunc{
		Name: "tune",
		Bind: bindTune,
		Args: []udf.Param{
			withDoc(modelParam, "model name; the best configuration is saved as its next version"),
			withDoc(dataParam, "a table, view or quoted file name, or one SELECT query, with the label column (see The data argument)"),
		},
		Named:   tuneNamed(),
		Mutates: true,
	},
}

// tuneNamed are tune's named arguments: its own, then every training
// argument of either kind (as cross_validate's).
func tuneNamed() []udf.Param {
	own := []udf.Param{
		{Name: "kind", Type: udf.Varchar, Doc: "the family searched: 'auto' searches both, alternating trials (boosted trees first)", Default: service.DefaultTuneKind, Choices: []string{"auto", "perceptron", "boosted_trees"}},
		{Name: "space", Type: udf.Row, Doc: "a field per hyper-parameter: a LIST of choices or a STRUCT {min, max, scale := 'linear' | 'log'}; with kind 'auto' {perceptron: {...}, boosted_trees: {...}} (see below)", DefaultDoc: "the kind's default space (see below)"},
		{Name: "trials", Type: udf.Integer, Doc: "configurations to try", Default: int64(service.DefaultTuneTrials), Range: udf.AtLeast(1)},
		{Name: "metric", Type: udf.Varchar, Doc: "what ranks the trials: roc_auc, pr_auc, log_loss, f1, accuracy, brier, rmse, mae or r2, of the task", DefaultDoc: "roc_auc, accuracy or rmse by task"},
		{Name: "time_budget", Type: udf.Double, Doc: "seconds after which no new trial starts (the rest are reported skipped)", DefaultDoc: "none", Range: &udf.Range{Min: 0, Max: 1e9, MinOpen: true}},
	}
	named := slices.Clone(own)
	for _, p := range crossValidateNamed() {
		if p.Name == "folds" {
			p.Doc = "0: each trial is measured on its validation rows; 2 or more: each trial is cross-validated (as cross_validate)"
			p.Default, p.Range = nil, nil
			p.DefaultDoc = "automatic: 5 when the validation rows would be too few to rank the trials, else 0 (see below)"
		}
		if p.Name == "by" {
			p.Doc = "with folds: group columns of the folds (as cross_validate's)"
		}
		if p.Name == "seed" {
			p.Doc = "seed of the search, the folds and every training"
		}
		named = append(named, p)
	}
	return named
}

func bindTune(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	name, data, err := a.modelData()
	if err != nil {
		return nil, err
	}
	var o service.TuneOptions
	if o.Kind, err = a.string("kind"); err != nil {
		return nil, err
	}
	kinds := []string{service.KindBoostedTrees, service.KindPerceptron}
	switch o.Kind {
	case service.KindPerceptron, service.KindBoostedTrees:
		kinds = []string{o.Kind}
	case "auto":
	default:
		return nil, dserr.Arg(a.fn, "kind", "unknown kind %q: want 'auto', 'perceptron' or 'boosted_trees'", o.Kind)
	}
	own := []string{"kind", "space", "trials", "metric", "time_budget", "folds", "by"}
	if len(kinds) == 1 {
		if err := kindArgs(a, o.Kind, cvKinds[o.Kind], own...); err != nil {
			return nil, err
		}
	}
	for _, k := range kinds {
		ka := args{fn: a.fn, b: b, t: cvKinds[k].Table}
		if k == service.KindPerceptron {
			o.Perceptron, err = trainOptions(ka)
		} else {
			o.BoostedTrees, err = treeOptions(ka)
		}
		if err != nil {
			return nil, err
		}
	}
	o.Fixed = []string{}
	for n := range b.Named {
		for _, k := range kinds {
			if _, ok := tuning.Lookup(k, n); ok && !slices.Contains(o.Fixed, n) {
				o.Fixed = append(o.Fixed, n)
			}
		}
	}
	slices.Sort(o.Fixed)
	if v, ok := b.Named["space"]; ok && v != nil {
		sv, isStruct := v.(udf.StructValue)
		if !isStruct {
			return nil, dserr.Arg(a.fn, "space", "must be a STRUCT (a field per hyper-parameter), got %s", got(v, b.NamedTypes["space"]))
		}
		o.Space = tuningFields(sv)
	}
	trials, err := a.int("trials")
	if err != nil {
		return nil, err
	}
	folds, err := a.int("folds")
	if err != nil {
		return nil, err
	}
	o.Trials, o.Folds = int(trials), int(folds)
	if _, given := b.Named["folds"]; given {
		switch {
		case folds == 0:
			o.Folds = service.NoFolds
		case folds < 0 || folds == 1:
			return nil, dserr.Arg(a.fn, "folds", "must be 0 (the validation rows) or at least 2, got %d", folds)
		}
	}
	if o.Metric, err = a.string("metric"); err != nil {
		return nil, err
	}
	if _, given := b.Named["time_budget"]; given {
		secs, err := a.float("time_budget")
		if err != nil {
			return nil, err
		}
		o.TimeBudget = time.Duration(secs * float64(time.Second))
	}
	if o.By, err = a.namedStrings("by"); err != nil {
		return nil, err
	}
	job, err := service.BindTune(b.Ctx, envOf(b), name, data, o)
	if err != nil {
		return nil, err
	}
	return &rowsBound{cols: resultColumns(tuneColumns), close: job.Close, prepare: func(ctx context.Context) ([][]any, func(context.Context) error, error) {
		r, p, err := job.Run(ctx)
		if err != nil {
			return nil, nil, err
		}
		return trialRows(r.Trials), p.Commit, nil
	}}, nil
}

// tuningFields converts a STRUCT argument to the tuning kernel's fields.
func tuningFields(sv udf.StructValue) []tuning.Field {
	out := make([]tuning.Field, len(sv))
	for i, f := range sv {
		out[i] = tuning.Field{Name: f.Name, Value: tuningValue(f.Value)}
	}
	return out
}

func tuningValue(v any) any {
	switch x := v.(type) {
	case udf.StructValue:
		return tuningFields(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = tuningValue(e)
		}
		return out
	}
	return v
}

// trialRows are the rows of tune and trial_info.
func trialRows(trials []service.Trial) [][]any {
	rows := make([][]any, len(trials))
	for i, t := range trials {
		var iters any = t.Iterations
		var secs any = t.Seconds
		if t.Status == "skipped: time budget" {
			iters, secs = nil, nil
		}
		rows[i] = []any{t.Trial, t.Kind, t.Params, float64(t.Metric), float64(t.MetricStd), iters, secs, t.Status}
	}
	return rows
}

var trialInfoFn = &Function{
	Name:    "trial_info",
	Summary: "the trials of the tune that saved a model version, with tune's columns",
	Example: "SELECT trial, kind, params, metric, status FROM trial_info('churn') ORDER BY metric DESC;",
	Columns: tuneColumns,
	Table: &udf.TableFunc{
		Name: "trial_info",
		Bind: bindTrialInfo,
		Args: []udf.Param{withDoc(modelParam, "model name (a version saved by tune)")},
		Named: []udf.Param{
			versionParam,
		},
	},
}

func bindTrialInfo(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	name, version, err := a.modelVersion()
	if err != nil {
		return nil, err
	}
	env := envOf(b)
	return &rowsBound{cols: resultColumns(tuneColumns), compute: func(ctx context.Context) ([][]any, error) {
		trials, err := service.TrialInfo(ctx, env, name, version)
		if err != nil {
			return nil, err
		}
		return trialRows(trials), nil
	}}, nil
}
