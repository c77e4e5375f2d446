//go:build duckdb_arrow

package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/perceptron"
	"github.com/ducksight/ducksight/engine/store"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/engine/tuning"
)

const (
	fnTune      = "tune"
	fnTrialInfo = "trial_info"
)

// The statuses of a trial.
const (
	trialBest      = "best"
	trialCompleted = "completed"
	trialStopped   = "stopped early"
	trialSkipped   = "skipped: time budget"
)

// tuneMetrics are the metrics tune ranks by, per task; lowerBetter those
// where less is better.
var (
	tuneMetrics = map[task.Task][]string{
		task.Binary:     {"roc_auc", "pr_auc", "log_loss", "f1", "accuracy", "brier"},
		task.Multiclass: {"accuracy", "log_loss", "f1"},
		task.Regression: {"rmse", "mae", "r2"},
	}
	defaultTuneMetric = map[task.Task]string{task.Binary: "roc_auc", task.Multiclass: "accuracy", task.Regression: "rmse"}
	lowerBetter       = map[string]bool{"log_loss": true, "brier": true, "rmse": true, "mae": true}
)

// TuneJob is a bound tune call: its arguments checked, its data query
// prepared (never run). Run runs it once; Close releases the query.
type TuneJob struct {
	modelJob
	// prep, once a perceptron trial ran without folds, is the data
	// prepared for those trials (one read, fit and encoding for all of
	// them), and warm the last exact trial's network, where the next
	// exact one starts.
	prep     *training.Prepared
	warm     *perceptron.Model
	o        TuneOptions
	vf       float64 // the validation fraction, defaults applied
	folds    int     // the folds the run uses (Folds, or the automatic choice)
	search   tuning.Search
	kinds    []string
	memLimit int64
	labelIdx int
	byIdx    []int
}

// BindTune checks tune's arguments (model name, kind, space, trials, folds,
// metric, time budget, the training options of the kinds searched with
// their defaults, a writable database) and prepares its data query.
func BindTune(ctx context.Context, env Env, model, data string, o TuneOptions) (*TuneJob, error) {
	j, err := bindTune(ctx, env, model, data, o)
	return j, Err(ctx, fnTune, err)
}

func bindTune(ctx context.Context, env Env, model, data string, o TuneOptions) (*TuneJob, error) {
	const fn = fnTune
	if err := noEngine(fn, &o.Perceptron); err != nil {
		return nil, err
	}
	if o.Kind == "" {
		o.Kind = DefaultTuneKind
	}
	var kinds []string
	switch o.Kind {
	case "auto":
		kinds = []string{KindBoostedTrees, KindPerceptron}
	case KindPerceptron, KindBoostedTrees:
		kinds = []string{o.Kind}
	default:
		return nil, dserr.Arg(fn, "kind", "unknown kind %q: want 'auto', 'perceptron' or 'boosted_trees'", o.Kind)
	}
	if o.Trials == 0 {
		o.Trials = DefaultTuneTrials
	}
	if o.Trials < 1 {
		return nil, dserr.AtLeast(fn, "trials", 1, o.Trials)
	}
	if o.Folds == 1 || o.Folds < NoFolds {
		return nil, dserr.Arg(fn, "folds", "must be 0 (the validation rows) or at least 2, got %d", o.Folds)
	}
	if o.TimeBudget < 0 {
		return nil, dserr.Arg(fn, "time_budget", "must be greater than 0 seconds, got %g", o.TimeBudget.Seconds())
	}
	if o.Metric != "" && !slices.ContainsFunc([]task.Task{task.Binary, task.Multiclass, task.Regression}, func(t task.Task) bool { return slices.Contains(tuneMetrics[t], o.Metric) }) {
		return nil, dserr.Arg(fn, "metric", "unknown metric %q: want roc_auc, pr_auc, log_loss, f1, accuracy or brier (binary), accuracy, log_loss or f1 (multiclass), rmse, mae or r2 (regression)", o.Metric)
	}
	if o.Fixed == nil {
		o.Fixed = fixedParams(&o.Perceptron, &o.BoostedTrees)
	}
	if o.Perceptron.Seed == nil {
		o.Perceptron.Seed = o.BoostedTrees.Seed
	}
	// The data arguments are the same for both kinds: a Go caller may set
	// them in Perceptron only.
	if o.BoostedTrees.Label == "" {
		pc := o.Perceptron
		o.BoostedTrees.Label, o.BoostedTrees.Features, o.BoostedTrees.Exclude, o.BoostedTrees.Task = pc.Label, pc.Features, pc.Exclude, pc.Task
		o.BoostedTrees.ValidationFraction, o.BoostedTrees.ClassWeight, o.BoostedTrees.Positive, o.BoostedTrees.MemoryLimit = pc.ValidationFraction, pc.ClassWeight, pc.Positive, pc.MemoryLimit
	}
	// The kinds' options stay as given (each trial's training applies
	// its defaults); a copy with the defaults is checked here.
	var limit string
	var vfs float64 // the validation fraction (the kinds share it)
	for _, k := range kinds {
		lim := &o.Perceptron.MemoryLimit
		if k == KindBoostedTrees {
			lim = &o.BoostedTrees.MemoryLimit
		}
		var err error
		if *lim, err = env.memoryLimit(ctx, fn, *lim); err != nil {
			return nil, err
		}
		limit = *lim
		var vf float64
		if k == KindPerceptron {
			c := o.Perceptron
			c.Defaults()
			err, vf = c.Validate(), *c.ValidationFraction
		} else {
			c := o.BoostedTrees
			c.Defaults()
			err, vf = c.Validate(), *c.ValidationFraction
		}
		if err != nil {
			return nil, asFunction(fn, err)
		}
		if o.Folds == NoFolds && vf == 0 {
			return nil, dserr.Arg(fn, "validation_fraction", "is 0, but with folds := 0 the trials are compared on their validation rows; give folds := 5 (cross-validation) or a validation_fraction above 0")
		}
		vfs = vf
	}
	if o.Perceptron.Seed == nil {
		o.Perceptron.Seed = new(int64(training.DefaultSeed))
	}
	o.BoostedTrees.Seed = o.Perceptron.Seed
	search, err := tuning.ParseSearch(fn, "space", o.Kind, o.Space, o.Fixed)
	if err != nil {
		return nil, err
	}
	job, err := bindModelJob(ctx, env, fn, model, data, &limit, noOptions{})
	if err != nil {
		return nil, err
	}
	j := &TuneJob{modelJob: job, o: o, search: search, kinds: kinds, vf: vfs}
	j.memLimit, _ = dataset.ParseSize(limit)
	label := o.Perceptron.Label
	if o.Kind == KindBoostedTrees {
		label = o.BoostedTrees.Label
	}
	for _, x := range []struct{ feats, excl *[]string }{{&j.o.Perceptron.Features, &j.o.Perceptron.Exclude}, {&j.o.BoostedTrees.Features, &j.o.BoostedTrees.Exclude}} {
		if err = unreadColumns(fn, j.q.Schema(), x.feats, x.excl); err != nil {
			break
		}
	}
	if err == nil {
		j.labelIdx, j.byIdx, err = labelAndBy(fn, j.q.Schema(), label, o.By)
	}
	if err != nil {
		j.Close()
		return nil, err
	}
	return j, nil
}

// noOptions are the options of bindModelJob for a call that checked its
// own.
type noOptions struct{}

func (noOptions) Defaults()       {}
func (noOptions) Validate() error { return nil }

// fixedParams are the tunable options set in perc and trees (non-zero,
// non-nil): the Go caller's explicit training arguments.
func fixedParams(perc *TrainOptions, trees *TreeOptions) []string {
	set := map[string]bool{
		"hidden": perc.Hidden != nil, "activation": perc.Activation != "", "batch_size": perc.BatchSize != 0, "epochs": perc.Epochs != 0,
		"max_depth": trees.MaxDepth != 0, "min_child_weight": trees.MinChildWeight != nil, "subsample": trees.Subsample != 0,
		"colsample": trees.Colsample != 0, "trees": trees.Trees != 0, "min_split_gain": trees.MinSplitGain != 0,
		"l2": perc.L2 != nil || trees.L2 != nil, "learning_rate": perc.LearningRate != 0 || trees.LearningRate != 0,
	}
	fixed := []string{}
	for name, ok := range set {
		if ok {
			fixed = append(fixed, name)
		}
	}
	slices.Sort(fixed)
	return fixed
}

// Tune is tune(model, data, ...) for Go callers: binds, runs, saves the
// best configuration's model at once and closes the job.
func Tune(ctx context.Context, env Env, model, data string, o TuneOptions) (*TuneResult, error) {
	j, err := BindTune(ctx, env, model, data, o)
	if err != nil {
		return nil, err
	}
	defer j.Close()
	r, rec, err := j.tune(ctx)
	if err == nil {
		r.Version, err = Save(ctx, j.env, fnTune, rec)
	}
	if err != nil {
		return nil, Err(ctx, fnTune, asFunction(fnTune, err))
	}
	return r, nil
}

// Run tunes and reserves the best model's version; the returned
// PendingSave saves it (the SQL function commits it after its last row).
func (j *TuneJob) Run(ctx context.Context) (*TuneResult, *PendingSave, error) {
	r, rec, err := j.tune(ctx)
	if err != nil {
		return nil, nil, Err(ctx, fnTune, asFunction(fnTune, err))
	}
	p, err := Reserve(ctx, j.env, fnTune, rec)
	if err != nil {
		return nil, nil, err
	}
	r.Version = p.Version()
	return r, p, nil
}

// tuned is a trial's outcome.
type tuned struct {
	metric, std float64
	iterations  int
	stopped     bool
	trained     trained // without folds: the trial's model, trained on all the rows
}

// tune reads the data once, runs the trials in order (Search.Sample),
// stopping weak ones early (a tuning.Halving per kind, on the validation
// metric the training reports after every epoch or round), ranks the
// completed ones by the metric, and trains the best configuration on all
// the rows as a plain training would, into the record to save.
func (j *TuneJob) tune(ctx context.Context) (*TuneResult, *store.Record, error) {
	const fn = fnTune
	start := time.Now()
	seed := uint64(*j.o.Perceptron.Seed)
	d, err := readRows(ctx, fn, j.q, j.labelIdx, j.byIdx, seed, j.memLimit)
	if err != nil {
		return nil, nil, err
	}
	defer d.release()
	defer func() {
		if j.prep != nil {
			j.prep.Free()
			j.prep, j.warm = nil, nil
		}
	}()
	var chose string
	j.folds, chose = j.o.Folds, ""
	if j.folds == 0 {
		j.folds, chose = autoFolds(d, j.vf)
	}
	if j.folds >= 2 {
		if err := d.assign(fn, j.folds, j.byIdx != nil); err != nil {
			return nil, nil, err
		}
	}
	halving := map[string]*tuning.Halving{
		KindPerceptron:   tuning.NewHalving(maxSteps(KindPerceptron, &j.o)),
		KindBoostedTrees: tuning.NewHalving(maxSteps(KindBoostedTrees, &j.o)),
	}
	perc, trees := j.o.Perceptron, j.o.BoostedTrees
	metric := j.o.Metric
	r := &TuneResult{Model: j.name}
	best := -1
	var bestModel trained
	budgetHit := false
	for i := 0; i < j.o.Trials; i++ {
		kind, config := j.search.Sample(i, seed)
		// The values a trial uses: a skipped trial's params are those the
		// trial would have shown had it run.
		p, tr, config := applyConfig(kind, config, perc, trees)
		if j.o.TimeBudget > 0 && i > 0 && time.Since(start) >= j.o.TimeBudget {
			budgetHit = true
			r.Trials = append(r.Trials, Trial{Trial: i + 1, Kind: kind, Params: tuning.JSON(config), Metric: dataset.Num(math.NaN()),
				MetricStd: dataset.Num(math.NaN()), Status: trialSkipped})
			continue
		}
		t0 := time.Now()
		out, err := j.trial(ctx, d, i, kind, &p, &tr, halving[kind], &metric)
		if err != nil {
			return nil, nil, err
		}
		if i == 0 {
			// The task and positive class of the first trial's training
			// hold for every later one, of either kind.
			t, pos := p.Task, p.Positive
			if kind == KindBoostedTrees {
				t, pos = tr.Task, tr.Positive
			}
			perc.Task, perc.Positive, trees.Task, trees.Positive = t, pos, t, pos
		}
		status := trialCompleted
		if out.stopped {
			status = trialStopped
		} else if best < 0 || better(metric, out.metric, r.Trials[best].Metric) {
			best, bestModel = i, out.trained
		}
		r.Trials = append(r.Trials, Trial{Trial: i + 1, Kind: kind, Params: tuning.JSON(config), Metric: dataset.Num(out.metric),
			MetricStd: dataset.Num(out.std), Iterations: out.iterations, Seconds: time.Since(t0).Seconds(), Status: status})
		if best >= 0 {
			j.report(ctx, i+1, kind, metric, float64(r.Trials[best].Metric), time.Since(start))
		}
	}
	if best < 0 {
		return nil, nil, dserr.New(dserr.Internal, fn, "", "no trial completed")
	}
	r.Trials[best].Status = trialBest
	r.Metric = metric
	// Without folds the best trial's model was trained on all the rows,
	// with the validation split: it is the model. With folds, the best
	// configuration is trained on all the rows as a plain training.
	b := r.Trials[best]
	var rec *store.Record
	if j.folds < 2 {
		rec, err = j.recordOf(bestModel)
	} else {
		kind, config := j.search.Sample(best, seed)
		p, tr, _ := applyConfig(kind, config, perc, trees)
		rec, err = j.final(ctx, d, kind, &p, &tr)
	}
	if err != nil {
		return nil, nil, err
	}
	how := "on its validation rows"
	if j.folds >= 2 {
		how = fmt.Sprintf("mean over %d folds", j.folds)
	}
	if chose != "" {
		r.Notes = append(r.Notes, chose)
	}
	r.Notes = append(r.Notes, fmt.Sprintf("tune: trial %d of %d (%s %s) is best: %s %.6g %s", b.Trial, len(r.Trials), b.Kind, b.Params, metric, float64(b.Metric), how))
	if j.folds < 2 {
		r.Notes = append(r.Notes, "the validation rows that chose the hyper-parameters are also the model's held-out rows: evaluate(model, NULL) on them is optimistic; use folds or a test split for an unbiased figure")
	}
	if budgetHit {
		ran := slices.IndexFunc(r.Trials, func(t Trial) bool { return t.Status == trialSkipped })
		r.Notes = append(r.Notes, fmt.Sprintf("time budget %s reached after %d of %d trials: the rest were skipped", j.o.TimeBudget, ran, len(r.Trials)))
	}
	if err := attachTrials(rec, r); err != nil {
		return nil, nil, dserr.Wrap(dserr.Internal, fn, "", err)
	}
	return r, rec, nil
}

// The automatic choice of folds (TuneOptions.Folds 0): trials are
// cross-validated with autoFolds folds when the validation rows would be
// too few to rank them: fewer than autoMinValidRows rows, or, for a label
// of at most autoMaxClasses values, fewer than autoMinClassRows rows of
// its rarest value. An AUC on 39 positive rows has a standard error near
// 0.05, more than the differences between good configurations.
const (
	autoFoldCount    = 5
	autoMinValidRows = 2000
	autoMinClassRows = 200
	autoMaxClasses   = 20
)

// autoFolds chooses the folds of a tune that left them to it, for data d
// and validation fraction vf, and says why when it cross-validates.
func autoFolds(d *cvData, vf float64) (int, string) {
	valid := float64(d.rows) * vf
	if valid < autoMinValidRows {
		return autoFoldCount, fmt.Sprintf("folds: %d (automatic: the validation rows would be %.0f, fewer than %d, too few to rank the trials)", autoFoldCount, valid, autoMinValidRows)
	}
	if d.strata != nil {
		counts := map[uint64]int{}
		for _, s := range d.strata {
			counts[s]++
		}
		if len(counts) <= autoMaxClasses {
			rarest := d.rows
			for _, c := range counts {
				rarest = min(rarest, c)
			}
			if v := float64(rarest) * vf; v < autoMinClassRows {
				return autoFoldCount, fmt.Sprintf("folds: %d (automatic: the validation rows would hold %.0f of the label's rarest value, fewer than %d, too few to rank the trials)", autoFoldCount, v, autoMinClassRows)
			}
		}
	}
	return NoFolds, ""
}

// better reports whether metric value a beats b.
func better(metric string, a float64, b dataset.Num) bool {
	if math.IsNaN(float64(b)) {
		return !math.IsNaN(a)
	}
	if lowerBetter[metric] {
		return a < float64(b)
	}
	return a > float64(b)
}

// trial runs trial i of kind with options p or tr: on the validation rows
// (folds 0) or cross-validated, stopped early when h says so. *metric is
// the metric's name, set to the task's default by the first trial when
// empty (and checked against the task).
func (j *TuneJob) trial(ctx context.Context, d *cvData, i int, kind string, p *TrainOptions, tr *TreeOptions, h *tuning.Halving, metric *string) (tuned, error) {
	const fn = fnTune
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	errStop := errors.New("stopped early")
	out := tuned{metric: math.NaN(), std: math.NaN()}
	last := math.NaN()
	hook := func(ep training.Epoch) {
		out.iterations = ep.Epoch
		s := float64(ep.ValidMetric)
		if ep.MetricName == "RMSE" {
			s = -s
		}
		if math.IsNaN(s) {
			return // no validation signal: no halving
		}
		last = s
		if !h.Continue(i, ep.Epoch, s) {
			out.stopped = true
			cancel(errStop)
		}
	}
	if kind == KindPerceptron && exact(p) {
		hook = func(ep training.Epoch) { out.iterations = ep.Epoch } // exact solves: cheap, not halved
	}
	var t task.Task
	if j.folds >= 2 {
		cv, folds, err := crossValidate(ctx, fn, d, kind, *p, *tr, false, hook)
		if err != nil {
			if out.stopped && errors.Is(context.Cause(ctx), errStop) {
				return out, nil
			}
			return out, err
		}
		*p, *tr = fixTask(*p, *tr, cv.Task, cv.Positive)
		t = cv.Task
		if err := checkMetric(metric, t); err != nil {
			return out, err
		}
		vals := make([]float64, len(folds))
		for f, fm := range folds {
			vals[f] = fm[*metric]
		}
		out.metric, out.std = meanStd(vals, 1)
	} else {
		var trained trained
		var err error
		if kind == KindPerceptron {
			trained, err = j.perceptronTrial(ctx, d, p, hook)
		} else {
			trained, err = trainKind(ctx, kind, d.source(), p, tr, hook, true)
		}
		if out.stopped && errors.Is(context.Cause(ctx), errStop) {
			// Stopped at a rung, or at its last step (its training then
			// ends without an error): either way it goes no further, and
			// nothing more may run on the cancelled context.
			return out, nil
		}
		if err != nil {
			return out, err
		}
		t = trained.model.Task()
		if err := checkMetric(metric, t); err != nil {
			return out, err
		}
		out.iterations, out.trained = trained.iterations, trained
		if *metric == defaultTuneMetric[t] && !math.IsNaN(trained.valid) {
			// The training measured it on its validation rows already.
			out.metric = trained.valid
		} else {
			rows, err := trained.model.Holdout().Bind(d.schema)
			if err != nil {
				return out, dserr.Wrap(dserr.Internal, fn, "", err)
			}
			ed, err := scoreFiltered(ctx, fn, trained.model, d.source(), heldOutFilter{rows, func(err error) error { return dserr.Wrap(dserr.Internal, fn, "", err) }})
			if err != nil {
				return out, err
			}
			if ed.rows() == 0 {
				return out, dserr.Arg(fn, "validation_fraction", "the validation split holds no row with a usable label to compare the trials on; raise validation_fraction or give folds := 5")
			}
			out.metric = measuresOf(ed)[*metric]
		}
	}
	if !out.stopped && !math.IsNaN(last) {
		h.Finish(i, last)
	}
	return out, nil
}

// perceptronTrial trains a perceptron trial on the data prepared for all
// of them (when its network fits next to the prepared cache; otherwise as
// a training of its own). An exact trial (no hidden layers, lbfgs) starts
// from the last exact one's solution: the exact trials differ in l2 only,
// so each starts close to its optimum.
func (j *TuneJob) perceptronTrial(ctx context.Context, d *cvData, p *TrainOptions, hook func(training.Epoch)) (trained, error) {
	if j.prep == nil {
		prep, err := training.Prepare(ctx, d.source(), *p)
		if err != nil {
			return trained{}, err
		}
		j.prep = prep
	}
	o := *p
	o.Progress = hook
	if !j.prep.Fits(o) {
		var none TreeOptions
		return trainKind(ctx, KindPerceptron, d.source(), p, &none, hook, true)
	}
	var warm *perceptron.Model
	if exact(p) {
		warm = j.warm
	}
	res, err := j.prep.Train(ctx, o, warm)
	if err != nil {
		return trained{}, err
	}
	if exact(p) {
		j.warm = &res.Doc.Network
	}
	p.Task, p.Positive = fixLabel(&res.Doc.Label)
	return perceptronTrained(res), nil
}

// fixTask writes a task and positive class into both kinds' options.
func fixTask(p TrainOptions, tr TreeOptions, t task.Task, positive string) (TrainOptions, TreeOptions) {
	p.Task, tr.Task = t, t
	if t == task.Binary {
		p.Positive, tr.Positive = &positive, &positive
	}
	return p, tr
}

// checkMetric sets *metric to task t's default when empty, and refuses a
// metric of another task.
func checkMetric(metric *string, t task.Task) error {
	if *metric == "" {
		*metric = defaultTuneMetric[t]
		return nil
	}
	if !slices.Contains(tuneMetrics[t], *metric) {
		return dserr.Arg(fnTune, "metric", "%s is not a metric of a %s task: want %s", *metric, t, strings.Join(tuneMetrics[t], ", "))
	}
	return nil
}

// maxSteps is the most epochs (perceptron, Adam or SGD) or rounds a trial
// of kind may take: the largest in the space, or the fixed or default one.
func maxSteps(kind string, o *TuneOptions) int {
	if kind == KindPerceptron {
		if o.Perceptron.Epochs > 0 {
			return o.Perceptron.Epochs
		}
		return training.DefaultEpochs
	}
	if o.BoostedTrees.Trees > 0 {
		return o.BoostedTrees.Trees
	}
	return training.DefaultTrees
}

// applyConfig returns the options of a trial: the options as given with
// the sampled values set, and the configuration as tried. A perceptron
// without hidden layers is trained to its exact optimum (solver 'auto'
// picks lbfgs), so its sampled learning_rate and batch_size, which would
// switch it to Adam, are left out unless a solver is given.
func applyConfig(kind string, config []tuning.Field, perc TrainOptions, trees TreeOptions) (TrainOptions, TreeOptions, []tuning.Field) {
	if kind == KindPerceptron {
		if h, ok := tuning.Get(config, "hidden"); ok {
			hs := h.([]int64)
			perc.Hidden = make([]int, len(hs))
			for i, x := range hs {
				perc.Hidden[i] = int(x)
			}
		}
		if exact(&perc) {
			config = slices.DeleteFunc(slices.Clone(config), func(f tuning.Field) bool { return f.Name == "learning_rate" || f.Name == "batch_size" })
		}
		for _, f := range config {
			switch f.Name {
			case "l2":
				v := f.Value.(float64)
				perc.L2 = &v
			case "learning_rate":
				perc.LearningRate = f.Value.(float64)
			case "activation":
				perc.Activation = f.Value.(string)
			case "batch_size":
				perc.BatchSize = int(f.Value.(int64))
			case "epochs":
				perc.Epochs = int(f.Value.(int64))
			}
		}
		return perc, trees, config
	}
	for _, f := range config {
		switch f.Name {
		case "max_depth":
			trees.MaxDepth = int(f.Value.(int64))
		case "learning_rate":
			trees.LearningRate = f.Value.(float64)
		case "min_child_weight":
			v := f.Value.(float64)
			trees.MinChildWeight = &v
		case "l2":
			v := f.Value.(float64)
			trees.L2 = &v
		case "subsample":
			trees.Subsample = f.Value.(float64)
		case "colsample":
			trees.Colsample = f.Value.(float64)
		case "trees":
			trees.Trees = int(f.Value.(int64))
		case "min_split_gain":
			trees.MinSplitGain = f.Value.(float64)
		}
	}
	return perc, trees, config
}

// exact reports whether a perceptron trial is solved exactly: no hidden
// layers, and solver 'auto' (with no Adam option given) or 'lbfgs'.
func exact(p *TrainOptions) bool {
	if len(p.Hidden) > 0 {
		return false
	}
	switch p.Solver {
	case "lbfgs":
		return true
	case "", "auto":
		return p.Optimizer == "" && p.LearningRate == 0 && p.BatchSize == 0 && p.EarlyStopping == nil && p.Patience == 0
	}
	return false
}

// final trains the chosen configuration on all the rows, as the training
// function would on the data (its validation split, its fingerprint), and
// returns the store record to save.
func (j *TuneJob) final(ctx context.Context, d *cvData, kind string, p *TrainOptions, tr *TreeOptions) (*store.Record, error) {
	t, err := trainKind(ctx, kind, d.source(), p, tr, nil, false)
	if err != nil {
		return nil, err
	}
	return j.recordOf(t)
}

// recordOf is the store record of a trained model.
func (j *TuneJob) recordOf(t trained) (*store.Record, error) {
	switch doc := t.doc.(type) {
	case *training.Document:
		return j.record(fnTune, doc, doc.Kind, &doc.Label, doc.Features, doc.Options, doc.Metrics, doc.History, t.seconds)
	case *training.TreesDocument:
		return j.record(fnTune, doc, doc.Kind, &doc.Label, doc.Features, doc.Options, doc.Metrics, doc.History, t.seconds)
	}
	return nil, dserr.New(dserr.Internal, fnTune, "", "no model of trial to save: %T", t.doc)
}

// tuneRecord is what the store keeps of a tune with its model, in the
// metrics JSON (key "tune"): trial_info's rows.
type tuneRecord struct {
	Metric string   `json:"metric"`
	Trials []Trial  `json:"trials"`
	Notes  []string `json:"notes,omitempty"`
}

// attachTrials adds the tune's trials to rec's metrics JSON.
func attachTrials(rec *store.Record, r *TuneResult) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(rec.Metrics, &m); err != nil {
		return err
	}
	b, err := json.Marshal(tuneRecord{Metric: r.Metric, Trials: r.Trials, Notes: r.Notes})
	if err != nil {
		return err
	}
	m["tune"] = b
	rec.Metrics, err = json.Marshal(m)
	return err
}

// report reports the progress after trial i (1-based).
func (j *TuneJob) report(ctx context.Context, i int, kind, metric string, best float64, elapsed time.Duration) {
	if j.o.Progress != nil {
		eta := elapsed / time.Duration(i) * time.Duration(j.o.Trials-i)
		if b := j.o.TimeBudget; b > 0 {
			eta = min(eta, max(b-elapsed, 0))
		}
		j.o.Progress(TuneProgress{Trial: i, Trials: j.o.Trials, Kind: kind, Metric: metric, Best: best, Elapsed: elapsed, ETA: eta})
		return
	}
	if p := training.ProgressFrom(ctx); p != nil {
		p(training.Epoch{Epoch: i, Epochs: j.o.Trials, Unit: "trial", TrainLoss: math.NaN(), ValidLoss: dataset.Num(math.NaN()),
			ValidMetric: dataset.Num(best), MetricName: "best " + metric})
	}
}

// TrialInfo is trial_info(model, version := ...): the trials of the tune
// that saved the model version.
func TrialInfo(ctx context.Context, env Env, model string, version int) ([]Trial, error) {
	const fn = fnTrialInfo
	if err := checkModelVersion(fn, model, version); err != nil {
		return nil, err
	}
	rec, err := env.Record(ctx, fn, model, version)
	if err != nil {
		return nil, Err(ctx, fn, err)
	}
	var m struct {
		Tune *tuneRecord `json:"tune"`
	}
	if err := json.Unmarshal(rec.Metrics, &m); err != nil || m.Tune == nil {
		return nil, dserr.Arg(fn, "model", "model %q version %d was not saved by tune (trial_info lists a tune's trials)", rec.Name, rec.Version)
	}
	return m.Tune.Trials, nil
}
