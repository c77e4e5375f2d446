//go:build duckdb_arrow

package service

import (
	"context"
	"errors"
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
	var limit *string
	var opts jobOptions
	var label string
	switch kind {
	case KindPerceptron:
		limit, opts = &o.Perceptron.MemoryLimit, &o.Perceptron
	case KindBoostedTrees:
		limit, opts = &o.BoostedTrees.MemoryLimit, &o.BoostedTrees
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
	schema := q.Schema()
	// The columns read leaves out (nested ones: see read) are not in the
	// data the trainings see: naming one as a feature is the error the
	// training gives for its type; excluding one is moot.
	feats, excl := &o.Perceptron.Features, &o.Perceptron.Exclude
	if kind == KindBoostedTrees {
		feats, excl = &o.BoostedTrees.Features, &o.BoostedTrees.Exclude
	}
	notRead := func(name string) bool {
		i := features.ColumnIndex(schema, name)
		return i >= 0 && !dataset.Takeable(schema.Field(i).Type)
	}
	for _, name := range *feats {
		if notRead(name) {
			q.Close()
			return nil, dserr.Arg(fn, "features", "column %q has type %s, which cannot be a feature", name, schema.Field(features.ColumnIndex(schema, name)).Type)
		}
	}
	*excl = slices.DeleteFunc(slices.Clone(*excl), notRead)
	j := &CrossValidateJob{kind: kind, o: o, q: q, memLimit: memLimit}
	if j.labelIdx = features.ColumnIndex(schema, label); j.labelIdx < 0 {
		q.Close()
		return nil, dserr.Arg(fn, "label", "column %q not found in data", label)
	}
	for _, b := range o.By {
		i := features.ColumnIndex(schema, b)
		if i < 0 {
			q.Close()
			return nil, dserr.Arg(fn, "by", "column %q not found in data", b)
		}
		j.byIdx = append(j.byIdx, i)
	}
	return j, nil
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

// cvData is the data cross_validate reads once: the columns it can copy,
// batch by batch, and each row's fold.
type cvData struct {
	schema  *arrow.Schema
	batches []arrow.RecordBatch
	start   []int // the first row of each batch
	folds   []int32
	rows    int
}

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
	d, err := j.read(ctx)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, b := range d.batches {
			b.Release()
		}
	}()
	k := j.o.Folds
	cv := &CrossValidation{Mean: map[string]float64{}, Std: map[string]float64{}}
	full := dataset.NewMemory(d.schema, d.batches)
	perc, trees := j.o.Perceptron, j.o.BoostedTrees
	for f := 0; f < k; f++ {
		t0 := time.Now()
		src, release, err := d.trainingRows(int32(f))
		if err != nil {
			return nil, err
		}
		var m Model
		var used int64
		switch j.kind {
		case KindPerceptron:
			res, err := training.Train(ctx, src, perc)
			release()
			if err != nil {
				return nil, err
			}
			doc := res.Doc
			m, used = perceptronModel{doc}, doc.Metrics.RowsUsed
			if f == 0 {
				perc.Task, perc.Positive = fixLabel(&doc.Label)
			}
		default:
			res, err := training.TrainTrees(ctx, src, trees)
			release()
			if err != nil {
				return nil, err
			}
			doc := res.Doc
			if m, err = newTreesModel(doc); err != nil {
				return nil, dserr.Wrap(dserr.Internal, fn, "", err)
			}
			used = doc.Metrics.RowsUsed
			if f == 0 {
				trees.Task, trees.Positive = fixLabel(&doc.Label)
			}
		}
		if f == 0 {
			cv.Task = m.Task()
			cv.Positive, _ = m.Label().PositiveClass()
			cv.Columns = map[task.Task][]string{task.Binary: cvBinary, task.Multiclass: cvMulticlass, task.Regression: cvRegression}[cv.Task]
		}
		e, err := newEvalBinding(fn, m, full, "")
		if err != nil {
			return nil, err
		}
		filter := &foldFilter{d: d, fold: int32(f), rows: j.o.Predictions}
		e.filter = filter
		ed, err := e.collect(ctx)
		if err != nil {
			return nil, err
		}
		if ed.rows() == 0 {
			return nil, dserr.Arg(fn, "folds", "fold %d has no rows with a usable label to test on (%d skipped); use fewer folds", f+1, ed.skipped)
		}
		fold := CVFold{Fold: f + 1, RowsTrain: used, RowsTest: int64(ed.rows()), Measures: cvMeasures(ed)}
		fold.Seconds = time.Since(t0).Seconds()
		cv.Folds = append(cv.Folds, fold)
		if j.o.Predictions {
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
	return cv, nil
}

// fixLabel returns the task and positive class a label encoding chose, as
// training options that keep them.
func fixLabel(le *features.LabelEncoding) (task.Task, *string) {
	if p, ok := le.PositiveClass(); ok {
		return le.Task, &p
	}
	return le.Task, nil
}

// read reads the data once: a copy of every column Take copies (a column of
// another type is left out: nested columns are no feature), the rows'
// keys (a seeded hash of the by columns, or of every column) and strata
// (a hash of the label; none for more than features.MaxClasses distinct
// labels), and assigns the folds (training.AssignFolds).
func (j *CrossValidateJob) read(ctx context.Context) (*cvData, error) {
	const fn = fnCrossValidate
	schema := j.q.Schema()
	var keep []int
	var fields []arrow.Field
	for i, f := range schema.Fields() {
		if dataset.Takeable(f.Type) {
			keep, fields = append(keep, i), append(fields, f)
		} else if i == j.labelIdx {
			return nil, dserr.Arg(fn, "label", "column %q is of type %s, which no model predicts", f.Name, f.Type)
		}
	}
	md := schema.Metadata()
	d := &cvData{schema: arrow.NewSchema(fields, &md)}
	keyCols := j.byIdx
	if keyCols == nil {
		keyCols = make([]int, schema.NumFields())
		for i := range keyCols {
			keyCols[i] = i
		}
	}
	seed := j.seed()
	var keys, strata []uint64
	var all []int
	var bytes int64
	err := dataset.EachBatch(ctx, Source(j.q), fn, func(rec arrow.RecordBatch) error {
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
		if bytes > j.memLimit {
			return dserr.Arg(fn, "memory_limit", "the data needs more than memory_limit %s in memory to be cross-validated (it is read once and held); raise memory_limit or use fewer rows",
				dataset.FormatSize(j.memLimit))
		}
		keys = append(keys, features.RowHashes(rec, keyCols, seed, nil)...)
		strata = append(strata, features.RowHashes(rec, []int{j.labelIdx}, 0, nil)...)
		return nil
	})
	if err != nil {
		for _, b := range d.batches {
			b.Release()
		}
		return nil, err
	}
	if d.rows < j.o.Folds {
		for _, b := range d.batches {
			b.Release()
		}
		return nil, dserr.Arg(fn, "folds", "must be at most the rows of data (%d), got %d", d.rows, j.o.Folds)
	}
	distinct := map[uint64]struct{}{}
	for _, s := range strata {
		distinct[s] = struct{}{}
		if len(distinct) > features.MaxClasses {
			strata = nil
			break
		}
	}
	d.folds = training.AssignFolds(j.o.Folds, keys, strata, j.byIdx != nil)
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

// cvMeasures are cross_validate's measures of a fold's scored test rows.
func cvMeasures(d *evalData) map[string]float64 {
	switch d.task {
	case task.Binary:
		var mem bigmem.Arena
		defer mem.Free()
		r := metrics.BinaryReport(d.y, d.p, DefaultThreshold, sortScratch(&mem, len(d.y)))
		return map[string]float64{"roc_auc": r.ROCAUC, "pr_auc": r.PRAUC, "log_loss": r.LogLoss, "accuracy": r.Accuracy, "brier": r.Brier}
	case task.Multiclass:
		r := metrics.MulticlassReport(d.truth(), d.p, d.k)
		return map[string]float64{"accuracy": r.Accuracy, "log_loss": r.LogLoss, "macro_f1": r.MacroF1}
	default:
		r := metrics.RegressionReport(d.y, d.p)
		return map[string]float64{"rmse": r.RMSE, "mae": r.MAE, "r2": r.R2}
	}
}
