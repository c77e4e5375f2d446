//go:build duckdb_arrow

package service

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/bigmem"
	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/metrics"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/udf"
)

const fnCrossValidate = "cross_validate"

// The kinds cross_validate (and tune) train.
const (
	KindPerceptron   = "perceptron"
	KindBoostedTrees = "boosted_trees"
)

// The measures cross_validate reports per task, in column order.
var (
	cvBinary     = []string{"roc_auc", "pr_auc", "log_loss", "accuracy", "brier"}
	cvMulticlass = []string{"accuracy", "log_loss", "macro_f1"}
	cvRegression = []string{"rmse", "mae", "r2"}
)

// CrossValidateJob is a bound cross_validate call: its options checked
// and its data query prepared, never run. Run runs it once; Close
// releases the query.
type CrossValidateJob struct {
	kind     string
	o        CrossValidateOptions
	q        *udf.Query
	memLimit int64
	labelIdx int
	byIdx    []int
}

// Close releases the prepared data query.
func (j *CrossValidateJob) Close() { j.q.Close() }

// CrossValidate is cross_validate(kind, data, ...) for Go callers: binds,
// runs and closes the job.
func CrossValidate(ctx context.Context, env Env, kind, data string, o CrossValidateOptions) (*CrossValidation, error) {
	j, err := BindCrossValidate(ctx, env, kind, data, o)
	if err != nil {
		return nil, err
	}
	defer j.Close()
	return j.Run(ctx)
}

// BindCrossValidate checks cross_validate's arguments (the kind, folds, the
// kind's training options with their defaults, the label and by columns
// in data) and prepares its data query. Errors name cross_validate and the
// argument, also those of the training options.
func BindCrossValidate(ctx context.Context, env Env, kind, data string, o CrossValidateOptions) (*CrossValidateJob, error) {
	j, err := bindCrossValidate(ctx, env, kind, data, o)
	return j, Err(ctx, fnCrossValidate, err)
}

func bindCrossValidate(ctx context.Context, env Env, kind, data string, o CrossValidateOptions) (*CrossValidateJob, error) {
	const fn = fnCrossValidate
	if err := noEngine(fn, &o.Perceptron); err != nil {
		return nil, err
	}
	var limit *string
	var opts jobOptions
	var label string
	switch kind {
	case KindPerceptron:
		limit, opts = &o.Perceptron.MemoryLimit, &o.Perceptron
		if !reflect.ValueOf(o.BoostedTrees).IsZero() {
			return nil, dserr.Arg(fn, "kind", "is 'perceptron', but boosted-trees options are set (CrossValidateOptions.BoostedTrees)")
		}
	case KindBoostedTrees:
		limit, opts = &o.BoostedTrees.MemoryLimit, &o.BoostedTrees
		if !reflect.ValueOf(o.Perceptron).IsZero() {
			return nil, dserr.Arg(fn, "kind", "is 'boosted_trees', but perceptron options are set (CrossValidateOptions.Perceptron)")
		}
	default:
		return nil, dserr.Arg(fn, "kind", "unknown kind %q: want 'perceptron' or 'boosted_trees'", kind)
	}
	if o.Folds == 0 {
		o.Folds = DefaultFolds
	}
	if o.Folds < 2 {
		return nil, dserr.AtLeast(fn, "folds", 2, o.Folds)
	}
	var err error
	if *limit, err = env.memoryLimit(ctx, fn, *limit); err != nil {
		return nil, err
	}
	opts.Defaults()
	if err := opts.Validate(); err != nil {
		return nil, asFunction(fn, err)
	}
	if kind == KindPerceptron {
		label = o.Perceptron.Label
	} else {
		label = o.BoostedTrees.Label
	}
	memLimit, _ := dataset.ParseSize(*limit)
	q, err := env.Prepare(ctx, fn, "data", data)
	if err != nil {
		return nil, err
	}
	feats, excl := &o.Perceptron.Features, &o.Perceptron.Exclude
	if kind == KindBoostedTrees {
		feats, excl = &o.BoostedTrees.Features, &o.BoostedTrees.Exclude
	}
	if err := unreadColumns(fn, q.Schema(), feats, excl); err != nil {
		q.Close()
		return nil, err
	}
	j := &CrossValidateJob{kind: kind, o: o, q: q, memLimit: memLimit}
	if j.labelIdx, j.byIdx, err = labelAndBy(fn, q.Schema(), label, o.By); err != nil {
		q.Close()
		return nil, err
	}
	return j, nil
}

// unreadColumns handles the columns readRows leaves out (nested ones),
// which the trainings never see: naming one as a feature is the error the
// training gives for its type; excluding one is moot, so it leaves
// *excl.
func unreadColumns(fn string, schema *arrow.Schema, feats, excl *[]string) error {
	notRead := func(name string) bool {
		i := features.ColumnIndex(schema, name)
		return i >= 0 && !dataset.Takeable(schema.Field(i).Type)
	}
	for _, name := range *feats {
		if notRead(name) {
			return dserr.Arg(fn, "features", "column %q has type %s, which cannot be a feature", name, features.SQLType(schema.Field(features.ColumnIndex(schema, name)).Type))
		}
	}
	*excl = slices.DeleteFunc(slices.Clone(*excl), notRead)
	return nil
}

// labelAndBy finds the label and the by columns in the data's schema; a
// column missing is an error of fn's argument label or by.
func labelAndBy(fn string, schema *arrow.Schema, label string, by []string) (int, []int, error) {
	labelIdx := features.ColumnIndex(schema, label)
	if labelIdx < 0 {
		return 0, nil, dserr.UnknownColumn(fn, "label", label, features.ColumnNames(schema))
	}
	var byIdx []int
	for _, b := range by {
		i := features.ColumnIndex(schema, b)
		if i < 0 {
			return 0, nil, dserr.UnknownColumn(fn, "by", b, features.ColumnNames(schema))
		}
		byIdx = append(byIdx, i)
	}
	return labelIdx, byIdx, nil
}

// asFunction makes an error of a training function (train_perceptron's
// options, a training run) an error of fn, the function that trains on the
// user's behalf.
func asFunction(fn string, err error) error {
	var de *dserr.Error
	if err == nil || !errors.As(err, &de) || (de.Func != training.Fn && de.Func != training.TreesFn) {
		return err
	}
	c := *de
	c.Func = fn
	return &c
}

// cvData is the data cross_validate and tune read once: the columns they
// can copy, batch by batch, each row's fold key and stratum, and, once
// assigned, its fold.
type cvData struct {
	schema       *arrow.Schema
	batches      []arrow.RecordBatch
	start        []int // the first row of each batch
	rows         int
	keys, strata []uint64
	folds        []int32
}

// release releases the rows.
func (d *cvData) release() {
	for _, b := range d.batches {
		b.Release()
	}
	d.batches = nil
}

// assign assigns the rows to k folds (training.AssignFolds), grouped by
// their keys when grouped; a fold needs a row at least.
func (d *cvData) assign(fn string, k int, grouped bool) error {
	if d.rows < k {
		return dserr.Arg(fn, "folds", "must be at most the rows of data (%d), got %d", d.rows, k)
	}
	d.folds = training.AssignFolds(k, d.keys, d.strata, grouped)
	return nil
}

// source is a Source over all the rows.
func (d *cvData) source() dataset.Source { return dataset.NewMemory(d.schema, d.batches) }

// Run reads the data once, assigns the folds, and for each fold trains
// the kind on the other folds' rows (a training of its own: preprocessing
// fitted and validation rows held out on those rows) and measures it on
// the fold's rows. The task and the positive class are those the first
// fold's training chose, kept for the other folds. Nothing is saved.
func (j *CrossValidateJob) Run(ctx context.Context) (*CrossValidation, error) {
	cv, err := j.run(ctx)
	return cv, Err(ctx, fnCrossValidate, asFunction(fnCrossValidate, err))
}

func (j *CrossValidateJob) run(ctx context.Context) (*CrossValidation, error) {
	const fn = fnCrossValidate
	d, err := readRows(ctx, fn, j.q, j.labelIdx, j.byIdx, j.seed(), j.memLimit)
	if err != nil {
		return nil, err
	}
	defer d.release()
	if err := d.assign(fn, j.o.Folds, j.byIdx != nil); err != nil {
		return nil, err
	}
	cv, _, err := crossValidate(ctx, fn, d, j.kind, j.o.Perceptron, j.o.BoostedTrees, j.o.Predictions, nil)
	return cv, err
}

// crossValidate runs the folds of d (assigned): for each, trains kind with
// its options (perc or trees) on the other folds' rows and measures the
// model on the fold's rows. The task and positive class are those the
// first fold's training chose, kept for the other folds. hook, when not
// nil, is the first fold's training progress (tune's successive halving).
// Besides the result (the task's measures), it returns every fold's
// measures of measuresOf (tune ranks by any of them).
func crossValidate(ctx context.Context, fn string, d *cvData, kind string, perc TrainOptions, trees TreeOptions, predictions bool, hook func(training.Epoch)) (*CrossValidation, []map[string]float64, error) {
	k := int(slices.Max(d.folds)) + 1
	cv := &CrossValidation{Mean: map[string]float64{}, Std: map[string]float64{}}
	var allFolds []map[string]float64
	full := d.source()
	for f := 0; f < k; f++ {
		t0 := time.Now()
		src, release, err := d.trainingRows(int32(f))
		if err != nil {
			return nil, nil, err
		}
		var progress func(training.Epoch)
		if f == 0 {
			progress = hook
		}
		t, err := trainKind(ctx, kind, src, &perc, &trees, progress, f == 0)
		release()
		if err != nil {
			return nil, nil, err
		}
		m, used := t.model, t.used
		if f == 0 {
			cv.Task = m.Task()
			cv.Positive, _ = m.Label().PositiveClass()
			cv.Columns = map[task.Task][]string{task.Binary: cvBinary, task.Multiclass: cvMulticlass, task.Regression: cvRegression}[cv.Task]
		}
		filter := &foldFilter{d: d, fold: int32(f), rows: predictions}
		ed, err := scoreFiltered(ctx, fn, m, full, filter)
		if err != nil {
			return nil, nil, err
		}
		if ed.rows() == 0 {
			return nil, nil, dserr.Arg(fn, "folds", "fold %d has no rows with a usable label to test on (%d skipped); use fewer folds", f+1, ed.skipped)
		}
		all := measuresOf(ed)
		allFolds = append(allFolds, all)
		fold := CVFold{Fold: f + 1, RowsTrain: used, RowsTest: int64(ed.rows()), Measures: map[string]float64{}}
		for _, c := range cv.Columns {
			fold.Measures[c] = all[c]
		}
		fold.Seconds = time.Since(t0).Seconds()
		cv.Folds = append(cv.Folds, fold)
		if predictions {
			w := len(ed.p) / ed.rows()
			for i, r := range filter.kept {
				cv.Predictions = append(cv.Predictions, CVPrediction{Row: int64(r), Fold: f + 1, Label: ed.y[i], Output: slices.Clone(ed.p[i*w : (i+1)*w])})
			}
		}
	}
	slices.SortFunc(cv.Predictions, func(a, b CVPrediction) int { return int(a.Row - b.Row) })
	for _, c := range append(slices.Clone(cv.Columns), "seconds") {
		vals := make([]float64, k)
		for f, fold := range cv.Folds {
			if c == "seconds" {
				vals[f] = fold.Seconds
			} else {
				vals[f] = fold.Measures[c]
			}
		}
		cv.Mean[c], cv.Std[c] = meanStd(vals, 1)
	}
	return cv, allFolds, nil
}

// trained is a model trainKind trained: the rows it trained on, the
// epochs, iterations or rounds it ran, and its validation metric (AUC,
// accuracy or RMSE by task; NaN without validation rows).
type trained struct {
	model      Model
	used       int64
	iterations int
	valid      float64
	doc        any     // the *training.Document or *training.TreesDocument
	seconds    float64 // the training's wall time
}

// perceptronTrained is what a perceptron training gives.
func perceptronTrained(res *training.Result) trained {
	doc := res.Doc
	return trained{perceptronModel{doc}, doc.Metrics.RowsUsed, doc.Metrics.EpochsRun, float64(doc.Metrics.ValidMetric), doc, res.Seconds}
}

// trainKind trains kind on src with its options (perc or trees; progress,
// when not nil, replaces their Progress). With fix set, the task and
// positive class it chose are written into the options, so later
// trainings keep them.
func trainKind(ctx context.Context, kind string, src dataset.Source, perc *TrainOptions, trees *TreeOptions, progress func(training.Epoch), fix bool) (trained, error) {
	if kind == KindPerceptron {
		o := *perc
		o.Progress = progress
		res, err := training.Train(ctx, src, o)
		if err != nil {
			return trained{}, err
		}
		if fix {
			perc.Task, perc.Positive = fixLabel(&res.Doc.Label)
		}
		return perceptronTrained(res), nil
	}
	o := *trees
	o.Progress = progress
	res, err := training.TrainTrees(ctx, src, o)
	if err != nil {
		return trained{}, err
	}
	doc := res.Doc
	if fix {
		trees.Task, trees.Positive = fixLabel(&doc.Label)
	}
	m, err := newTreesModel(doc)
	if err != nil {
		return trained{}, dserr.Wrap(dserr.Internal, training.TreesFn, "", err)
	}
	return trained{m, doc.Metrics.RowsUsed, doc.Metrics.EpochsRun, float64(doc.Metrics.ValidMetric), doc, res.Seconds}, nil
}

// scoreFiltered scores the rows of src that filter keeps with m.
func scoreFiltered(ctx context.Context, fn string, m Model, src dataset.Source, filter rowFilter) (*evalData, error) {
	e, err := newEvalBinding(fn, m, src, "")
	if err != nil {
		return nil, err
	}
	e.filter = filter
	return e.collect(ctx)
}

// fixLabel returns the task and positive class a label encoding chose, as
// training options that keep them.
func fixLabel(le *features.LabelEncoding) (task.Task, *string) {
	if p, ok := le.PositiveClass(); ok {
		return le.Task, &p
	}
	return le.Task, nil
}

// readRows reads data query q once: a copy of every column Take copies (a
// column of another type is left out: nested columns are no feature), and
// each row's fold key (a seeded hash of the by columns byIdx, or of every
// column) and stratum (a hash of the label; none for more than
// features.MaxClasses distinct labels). The copy must fit in memLimit.
func readRows(ctx context.Context, fn string, q *udf.Query, labelIdx int, byIdx []int, seed uint64, memLimit int64) (*cvData, error) {
	schema := q.Schema()
	var keep []int
	var fields []arrow.Field
	for i, f := range schema.Fields() {
		if dataset.Takeable(f.Type) {
			keep, fields = append(keep, i), append(fields, f)
		} else if i == labelIdx {
			return nil, dserr.Arg(fn, "label", "column %q is of type %s, which no model predicts", f.Name, features.SQLType(f.Type))
		}
	}
	md := schema.Metadata()
	d := &cvData{schema: arrow.NewSchema(fields, &md)}
	keyCols := byIdx
	if keyCols == nil {
		keyCols = make([]int, schema.NumFields())
		for i := range keyCols {
			keyCols[i] = i
		}
	}
	var all []int
	var bytes int64
	err := dataset.EachBatch(ctx, Source(q), fn, func(rec arrow.RecordBatch) error {
		n := int(rec.NumRows())
		for len(all) < n {
			all = append(all, len(all))
		}
		proj := make([]arrow.Array, len(keep))
		for c, i := range keep {
			proj[c] = rec.Column(i)
		}
		view := array.NewRecordBatch(d.schema, proj, int64(n))
		cp, err := dataset.Take(view, all[:n])
		view.Release()
		if err != nil {
			return dserr.Arg(fn, "data", "%v", err)
		}
		d.batches = append(d.batches, cp)
		d.start = append(d.start, d.rows)
		d.rows += n
		for _, c := range cp.Columns() {
			for _, b := range c.Data().Buffers() {
				if b != nil {
					bytes += int64(b.Len())
				}
			}
		}
		if bytes > memLimit {
			return dserr.Arg(fn, "memory_limit", "the data needs more than memory_limit %s in memory (it is read once and held); raise memory_limit or use fewer rows",
				dataset.FormatSize(memLimit))
		}
		d.keys = append(d.keys, features.RowHashes(rec, keyCols, seed, nil)...)
		d.strata = append(d.strata, features.RowHashes(rec, []int{labelIdx}, 0, nil)...)
		return nil
	})
	if err != nil {
		d.release()
		return nil, err
	}
	distinct := map[uint64]struct{}{}
	for _, s := range d.strata {
		distinct[s] = struct{}{}
		if len(distinct) > features.MaxClasses {
			d.strata = nil
			break
		}
	}
	return d, nil
}

// seed is the kind's training seed, which also seeds the folds.
func (j *CrossValidateJob) seed() uint64 {
	if j.kind == KindPerceptron {
		return uint64(*j.o.Perceptron.Seed)
	}
	return uint64(*j.o.BoostedTrees.Seed)
}

// trainingRows is a Source of the rows outside fold f, copied (Take), and
// the function that releases them.
func (d *cvData) trainingRows(f int32) (dataset.Source, func(), error) {
	var out []arrow.RecordBatch
	release := func() {
		for _, b := range out {
			b.Release()
		}
	}
	var rows []int
	for bi, b := range d.batches {
		rows = rows[:0]
		folds := d.folds[d.start[bi] : d.start[bi]+int(b.NumRows())]
		for r, g := range folds {
			if g != f {
				rows = append(rows, r)
			}
		}
		t, err := dataset.Take(b, rows)
		if err != nil {
			release()
			return nil, nil, err
		}
		out = append(out, t)
	}
	return dataset.NewMemory(d.schema, out), release, nil
}

// foldFilter keeps the rows of one fold (0-based); with rows set, it
// records the data positions of the rows kept.
type foldFilter struct {
	d    *cvData
	fold int32
	rows bool
	kept []int
}

func (f *foldFilter) Mark(batch int, _ arrow.RecordBatch, skip []bool) {
	start := f.d.start[batch]
	for r := range skip {
		if f.d.folds[start+r] != f.fold {
			skip[r] = true
		} else if !skip[r] && f.rows {
			f.kept = append(f.kept, start+r)
		}
	}
}

func (f *foldFilter) Done() error { return nil }

// measuresOf are the measures of scored rows cross_validate and tune
// report: binary roc_auc, pr_auc, log_loss, accuracy, brier and f1 (at
// threshold 0.5, about the positive class); multiclass accuracy,
// log_loss and macro_f1 (also as f1); regression rmse, mae and r2.
func measuresOf(d *evalData) map[string]float64 {
	switch d.task {
	case task.Binary:
		var mem bigmem.Arena
		defer mem.Free()
		r := metrics.BinaryReport(d.y, d.p, DefaultThreshold, sortScratch(&mem, len(d.y)))
		return map[string]float64{"roc_auc": r.ROCAUC, "pr_auc": r.PRAUC, "log_loss": r.LogLoss, "accuracy": r.Accuracy, "brier": r.Brier, "f1": r.F1}
	case task.Multiclass:
		r := metrics.MulticlassReport(d.truth(), d.p, d.k)
		return map[string]float64{"accuracy": r.Accuracy, "log_loss": r.LogLoss, "macro_f1": r.MacroF1, "f1": r.MacroF1}
	default:
		r := metrics.RegressionReport(d.y, d.p)
		return map[string]float64{"rmse": r.RMSE, "mae": r.MAE, "r2": r.R2}
	}
}
