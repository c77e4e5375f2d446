package training

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/bigmem"
	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/metrics"
	"github.com/ducksight/ducksight/engine/perceptron"
	"github.com/ducksight/ducksight/engine/task"
)

// Epoch is one line of the training history.
type Epoch struct {
	Epoch       int         `json:"epoch"`
	TrainLoss   float64     `json:"train_loss"`
	ValidLoss   dataset.Num `json:"valid_loss"`   // NaN (JSON null) without validation rows
	ValidMetric dataset.Num `json:"valid_metric"` // AUC, accuracy or RMSE
	// Seconds is the epoch's wall time. It is kept out of the model
	// document, which must be the same bit for bit for the same data,
	// options and seed; the store keeps it with the metrics.
	Seconds float64 `json:"-"`
	// Epochs (the most epochs the run may take; early stopping may end it
	// sooner) and MetricName ("AUC", "accuracy" or "RMSE") are set in the
	// events Progress receives, for progress displays.
	Epochs     int    `json:"-"`
	MetricName string `json:"-"`
	// Unit names what Epoch counts in progress events: "epoch", or
	// "round" for boosted trees.
	Unit string `json:"-"`
}

// Metrics of the kept (best) epoch.
type Metrics struct {
	Metric      string      `json:"metric"` // "auc", "accuracy", "rmse"
	TrainLoss   float64     `json:"train_loss"`
	ValidLoss   dataset.Num `json:"valid_loss"`
	ValidMetric dataset.Num `json:"valid_metric"`
	BestEpoch   int         `json:"best_epoch"`
	EpochsRun   int         `json:"epochs_run"`
	RowsUsed    int64       `json:"rows_used"`
	RowsSkipped int64       `json:"rows_skipped"`
	TrainRows   int64       `json:"train_rows"`
	ValidRows   int64       `json:"valid_rows"`
	// GradientNorm is the largest absolute component of the objective's
	// gradient at the kept weights, with the lbfgs solver (nil otherwise).
	GradientNorm *float64 `json:"gradient_norm,omitempty"`
}

// Document is the stored model: everything predict and score need.
type Document struct {
	Format   int                    `json:"format"`
	Kind     string                 `json:"kind"`
	Task     task.Task              `json:"task"`
	Label    features.LabelEncoding `json:"label"`
	Encoder  features.Encoder       `json:"preprocessing"`
	Dropped  []features.Dropped     `json:"dropped_columns"`
	Network  perceptron.Model       `json:"network"`
	Options  Options                `json:"options"`
	Metrics  Metrics                `json:"metrics"`
	History  []Epoch                `json:"history"`
	Data     dataset.Fingerprint    `json:"data"`
	Features []string               `json:"features"`
	// Target is the regression label's standardisation (nil otherwise).
	Target *TargetScale `json:"target,omitempty"`
	// Statistics describe each feature column on the rows read with a
	// usable label (features.ColumnStats); nil in documents saved before
	// ducksight stored them.
	Statistics features.Statistics `json:"statistics,omitempty"`
}

// TrainingStatistics returns the statistics block of the document's
// features, nil when it was saved before ducksight stored one.
func (d *Document) TrainingStatistics() features.Statistics { return d.Statistics }

// Result is what a training run returns besides the document.
type Result struct {
	Doc     *Document
	Mode    string // "cached" or "streamed"
	Notes   []string
	Seconds float64
}

// runOptions choose how a training reads its data; Train runs with the
// zero value. They are not part of Options: they change the path, never
// the model.
type runOptions struct {
	// twoPass streams the data a second time instead of encoding it from
	// the copy kept while fitting (tests force it to check that both
	// ways give the same document, bit for bit).
	twoPass bool
}

// FormatVersion of Document.
const FormatVersion = 1

func errArg(arg, format string, a ...any) error { return dserr.Arg(Fn, arg, format, a...) }

// front is the start every supervised training shares (train_perceptron,
// train_boosted_trees): the label and feature columns chosen, the
// preprocessing and the label fitted in one pass (its observe), and what
// the pass found (finish), with the same errors under the function's name.
type front struct {
	fn       string
	schema   *arrow.Schema
	labelIdx int
	feats    []string
	fitter   *features.Fitter
	lf       *features.LabelFitter
}

// newFront chooses the columns of c's label, features and exclude in
// schema and makes the fitters.
func newFront(fn string, schema *arrow.Schema, c common, positive *string) (*front, error) {
	sel := features.Selection{Label: *c.label, Features: *c.features, Exclude: *c.exclude}
	labelIdx, feats, explicit, err := sel.Choose(schema)
	if err != nil {
		return nil, dserr.Wrap(dserr.InvalidArgument, fn, "", err)
	}
	fitter, err := features.NewFitter(schema, feats, features.FitOptions{MaxLevels: features.DefaultMaxLevels, Explicit: explicit})
	if err != nil {
		return nil, dserr.Arg(fn, "features", "%v", err)
	}
	lf, err := features.NewLabelFitter(schema.Field(labelIdx), *c.task, positive)
	if err != nil {
		return nil, dserr.Arg(fn, "label", "%v", err)
	}
	return &front{fn: fn, schema: schema, labelIdx: labelIdx, feats: feats, fitter: fitter, lf: lf}, nil
}

// finish ends the fitting pass: the label encoding, the preprocessing,
// the columns it dropped, its binding to the schema, and the notes they
// give (the task chosen when asked was auto, a binary label's positive
// class and why, each dropped column).
func (f *front) finish(asked task.Task) (le *features.LabelEncoding, enc *features.Encoder, dropped []features.Dropped,
	binding *features.Binding, notes []string, err error) {
	if le, err = f.lf.Finish(); err != nil {
		return nil, nil, nil, nil, nil, dserr.Arg(f.fn, "label", "%v", err)
	}
	if asked == task.Auto {
		notes = append(notes, "task "+le.Task.String()+" (auto)")
	}
	if le.Task == task.Binary {
		notes = append(notes, fmt.Sprintf("positive class %s: %s", positiveText(le), le.PositiveRule))
	}
	if enc, dropped, err = f.fitter.Finish(); err != nil {
		return nil, nil, nil, nil, nil, dserr.Arg(f.fn, "features", "%v", err)
	}
	for _, d := range dropped {
		notes = append(notes, fmt.Sprintf("dropped %s: %s", d.Column, d.Reason))
	}
	if binding, err = enc.Bind(f.schema); err != nil {
		return nil, nil, nil, nil, nil, dserr.Arg(f.fn, "features", "%v", err)
	}
	return le, enc, dropped, binding, notes, nil
}

// Train runs a training job over src.
func Train(ctx context.Context, src dataset.Source, o Options) (*Result, error) {
	return train(ctx, src, o, runOptions{})
}

// train is Train with the run options ro.
func train(ctx context.Context, src dataset.Source, o Options, ro runOptions) (*Result, error) {
	p, err := prepare(ctx, src, o, ro)
	if err != nil {
		return nil, err
	}
	defer p.Free()
	return p.fit(ctx, p.o, nil)
}

// Prepared is a perceptron training's data read, its preprocessing and
// label fitted and its rows encoded (held in memory, or streamed every
// epoch): everything of a training that does not depend on the network's
// options. Trainings that differ only in those (hidden layers of the same
// memory, l2, learning rate, activation, epochs: tune's trials) fit on one
// Prepared (Train) instead of reading and encoding the data again, and
// give the documents Train would. A Prepared is used by one goroutine at
// a time; Free gives its memory back.
type Prepared struct {
	o               Options // the options it was prepared with, defaults applied
	src             dataset.Source
	start           time.Time
	rows            int64
	labelIdx, width int
	outputs         int
	memLimit        int64
	le              *features.LabelEncoding
	enc             *features.Encoder
	dropped         []features.Dropped
	binding         *features.Binding
	statistics      features.Statistics
	notes           []string
	hashCols        []int
	split           splitter
	mode            string
	shuffleRows     int
	d               encodedData
	cacheMem        bigmem.Arena
	keep            *retainer
	fingerprint     func() (uint64, error) // nil once fp is known
	fp              uint64
	est             int64 // the cache's bytes
	fitted          bool  // a training has run on it
}

// Prepare reads src and prepares a training with options o (see
// Prepared); its errors are Train's.
func Prepare(ctx context.Context, src dataset.Source, o Options) (*Prepared, error) {
	return prepare(ctx, src, o, runOptions{})
}

func prepare(ctx context.Context, src dataset.Source, o Options, ro runOptions) (_ *Prepared, err error) {
	start := time.Now()
	o.Defaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	memLimit, _ := dataset.ParseSize(o.MemoryLimit)
	schema := src.Schema()
	f, err := newFront(Fn, schema, o.common(), o.Positive)
	if err != nil {
		return nil, err
	}
	labelIdx, feats, fitter, lf := f.labelIdx, f.feats, f.fitter, f.lf

	// Pass 1: fit the preprocessing and the label, and keep a copy of the
	// columns needed (when it fits in memory_limit next to the cache) to
	// encode from instead of streaming the data a second time.
	var keep *retainer
	if !ro.twoPass {
		var cols []int // the candidate features, then the label
		for _, f := range feats {
			cols = append(cols, features.ColumnIndex(schema, f))
		}
		cols = append(cols, labelIdx)
		keep = newRetainer(schema, cols, memLimit, int64(len(feats)+2)*8)
		keep.hashAhead(cols, uint64(*o.Seed))
	}
	p := &Prepared{o: o, src: src, start: start, memLimit: memLimit}
	defer func() {
		if err != nil {
			p.keep = keep
			p.Free()
		}
	}()
	var skipBuf []bool // observe runs on one goroutine at a time
	rows, err := fitPass(ctx, src, &keep, func(rec arrow.RecordBatch) error {
		skip := resetSkip(&skipBuf, int(rec.NumRows()))
		// NaN and infinite feature values are left out of the statistics
		// by the fitter, but their rows are not skipped here: the column
		// may end up dropped, and then the row is used (pass 2 skips the
		// rows that are bad in a kept column).
		if lf.Observe(rec.Column(labelIdx), skip) == 0 {
			skip = nil // the same statistics, with the fitter's fast path
		}
		return fitter.Observe(rec, skip)
	})
	if err != nil {
		return nil, err
	}
	if rows == 0 {
		return nil, errArg("data", "no rows")
	}
	le, enc, dropped, binding, notes, err := f.finish(o.Task)
	if err != nil {
		return nil, err
	}
	hashCols := make([]int, 0, len(enc.Columns)+1)
	for _, c := range enc.Columns {
		hashCols = append(hashCols, features.ColumnIndex(schema, c.Name))
	}
	hashCols = append(hashCols, labelIdx)

	// The network's size, now that the input width is known, before
	// anything of it or of the cache is allocated.
	width := enc.Width
	outputs := 1
	if le.Task == task.Multiclass {
		outputs = len(le.Levels)
	}
	if err := checkNetwork(&o, width, outputs, memLimit); err != nil {
		return nil, err
	}
	netBytes := NetworkWeights(width, o.Hidden, outputs) * bytesPerWeight(o.Optimizer, o.BatchSize)

	// Pass 2: encode into the cache (or learn that it does not fit next
	// to the network), from the copy when there is one.
	frac := *o.ValidationFraction
	est := rows * int64(width+2) * 8
	mode := "cached"
	if est+netBytes > memLimit {
		mode = "streamed"
	}
	if keep != nil && (mode != "cached" || !keep.usable(hashCols, est+netBytes)) {
		keep.free()
		keep = nil
	}
	cacheMem := &p.cacheMem // the cache; nothing of it outlives the Prepared
	d := &p.d
	d.width = width
	d.validCap = -1
	shuffleRows := 0
	if mode == "streamed" {
		// What the network leaves of memory_limit holds the shuffle
		// buffer, then the validation rows while they fit (beyond, they
		// are streamed too: streamValid).
		budget := memLimit - netBytes
		shuffleRows = streamShuffleRows(budget, width)
		d.validCap = max(budget-shuffleBytes(shuffleRows, width), 0) / validBytesPerRow(width, outputs)
	}
	var skippedLabel, skippedBad int64
	var fp uint64
	split := splitter{frac: frac, seed: uint64(*o.Seed)}
	var fingerprint func() (uint64, error) // single pass: summed beside the first epoch
	if keep != nil {
		splitHashes, _ := keep.hashes(hashCols)
		var fates [][]uint8
		skippedLabel, skippedBad, fates, err = d.encodeRetained(ctx, keep.batches, splitHashes, fitter.NonFinite() > 0,
			binding, le, labelIdx, hashCols, split, uint64(*o.Seed), cacheMem)
		if err != nil {
			return nil, err
		}
		// The fingerprint is summed beside the first epoch, from the
		// copy (Free waits for it before it frees the copy).
		fingerprint = fingerprintAsync(ctx, keep.batches, fates, hashCols)
		p.fingerprint = fingerprint
	} else {
		vcap := int64(float64(rows)*frac*1.1) + 4096
		if mode == "cached" {
			// Filled by append: the capacity's old contents never show.
			d.xTrain = cacheMem.RawFloat64s(int(rows * int64(width)))[:0]
			d.yTrain = cacheMem.RawFloat64s(int(rows))[:0]
		} else if frac > 0 {
			// At most validCap rows, in place: the rows of a split
			// larger than the estimate are streamed, never grown into.
			vcap = min(vcap, d.validCap)
		}
		if frac > 0 {
			d.xValid = cacheMem.RawFloat64s(int(vcap * int64(width)))[:0]
			d.yValid = cacheMem.RawFloat64s(int(vcap))[:0]
		}
		var skipBuf []bool
		err := dataset.EachBatch(ctx, src, Fn, func(rec arrow.RecordBatch) error {
			skip := resetSkip(&skipBuf, int(rec.NumRows()))
			skippedLabel += int64(le.MarkSkips(rec.Column(labelIdx), skip))
			skippedBad += int64(binding.BadRows(rec, skip))
			return d.add(rec, binding, le, labelIdx, hashCols, skip, split, mode == "cached", &fp)
		})
		if err != nil {
			return nil, err
		}
		if mode == "cached" {
			d.shuffleCache(uint64(*o.Seed))
		}
	}
	if skippedLabel > 0 {
		notes = append(notes, fmt.Sprintf("skipped %d rows with a NULL, NaN or infinite label", skippedLabel))
	}
	if skippedBad > 0 {
		notes = append(notes, fmt.Sprintf("skipped %d rows with a NaN or infinite feature", skippedBad))
	}
	used := d.trainRows + d.validRows
	if used == 0 {
		return nil, errArg("data", "no usable rows: all %d rows were skipped", rows)
	}
	if d.trainRows == 0 {
		return nil, errArg("validation_fraction", "no training rows left after the validation split")
	}
	if le.Task == task.Regression {
		d.standardizeTarget()
	}
	p.rows, p.labelIdx, p.width, p.outputs = rows, labelIdx, width, outputs
	p.le, p.enc, p.dropped, p.binding, p.statistics, p.notes = le, enc, dropped, binding, fitter.Statistics(), notes
	p.hashCols, p.split, p.mode, p.shuffleRows, p.est, p.fp = hashCols, split, mode, shuffleRows, est, fp
	p.keep = keep
	return p, nil
}

// Free gives the Prepared's memory back (after the fingerprint it may
// still be summing); it may not be used afterwards. Free is idempotent.
func (p *Prepared) Free() {
	if p.fingerprint != nil {
		p.fingerprint()
		p.fingerprint = nil
	}
	p.cacheMem.Free()
	p.keep.free()
	p.keep = nil
}

// Train trains the network of options o on the prepared data, as Train
// would on the data with o. The options that decide the data (label,
// features, exclude, task, positive, validation_fraction, class_weight,
// memory_limit, seed) must be the Prepared's; the network must take no
// more memory than the one it was prepared for (the cache was sized
// next to it). warm, when not nil, is a trained single-layer network of
// the same inputs and outputs whose weights the lbfgs solver starts from
// (tune's exact trials, each close to the one before).
func (p *Prepared) Train(ctx context.Context, o Options, warm *perceptron.Model) (*Result, error) {
	o.Defaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	// The task and positive class may be given as those the preparation
	// chose.
	q := p.o
	sameTask := o.Task == q.Task || (q.Task == task.Auto && o.Task == p.le.Task)
	pos, _ := p.le.PositiveClass()
	samePositive := (o.Positive == nil && q.Positive == nil) || (o.Positive != nil && *o.Positive == pos)
	if o.Label != q.Label || !slices.Equal(o.Features, q.Features) || !slices.Equal(o.Exclude, q.Exclude) || !sameTask || !samePositive ||
		*o.ValidationFraction != *q.ValidationFraction || o.ClassWeight != q.ClassWeight || o.MemoryLimit != q.MemoryLimit || *o.Seed != *q.Seed {
		return nil, dserr.New(dserr.Internal, Fn, "", "prepared data of other data options")
	}
	return p.fit(ctx, o, warm)
}

// Fits reports whether the network of options o fits in memory_limit next
// to the prepared cache (Train refuses one that does not).
func (p *Prepared) Fits(o Options) bool {
	o.Defaults()
	if o.Validate() != nil || checkNetwork(&o, p.width, p.outputs, p.memLimit) != nil {
		return false
	}
	netBytes := NetworkWeights(p.width, o.Hidden, p.outputs) * bytesPerWeight(o.Optimizer, o.BatchSize)
	return p.mode != "cached" || p.est+netBytes <= p.memLimit
}

// fit trains the network of o on the prepared data.
func (p *Prepared) fit(ctx context.Context, o Options, warm *perceptron.Model) (*Result, error) {
	start := p.start
	if p.fitted {
		start = time.Now()
	}
	p.fitted = true
	if err := checkNetwork(&o, p.width, p.outputs, p.memLimit); err != nil {
		return nil, err
	}
	netBytes := NetworkWeights(p.width, o.Hidden, p.outputs) * bytesPerWeight(o.Optimizer, o.BatchSize)
	if p.mode == "cached" && p.est+netBytes > p.memLimit {
		return nil, dserr.New(dserr.Internal, Fn, "", "the prepared cache does not fit next to this network")
	}
	src, le, enc, dropped, binding, d := p.src, p.le, p.enc, p.dropped, p.binding, &p.d
	rows, labelIdx, width, hashCols, split, mode, shuffleRows := p.rows, p.labelIdx, p.width, p.hashCols, p.split, p.mode, p.shuffleRows
	notes := slices.Clone(p.notes)
	used := d.trainRows + d.validRows
	fp := p.fp

	tk := le.Task
	lr := o.LearningRate
	if o.Solver == "lbfgs" {
		// The network's step size is Step's, unused by L-BFGS; the
		// document's options say which solver trained it.
		lr = DefaultLearningRate
	}
	cfg := perceptron.Config{
		Task: tk, Inputs: width, Hidden: o.Hidden, Classes: len(le.Levels),
		Activation: o.Activation, Optimizer: o.Optimizer, LearningRate: lr, L2: *o.L2, Seed: uint64(*o.Seed),
	}
	if tk == task.Regression {
		cfg.Classes = 0
	}
	model, err := perceptron.New(cfg)
	if err != nil {
		return nil, dserr.Wrap(dserr.InvalidArgument, Fn, "hidden", err)
	}
	var classW []float64
	if o.ClassWeight == "balanced" && tk != task.Regression {
		classW = d.balancedWeights(len(le.Levels))
	}
	var w []float64 // the cached rows' class weights
	if mode == "cached" {
		if classW != nil {
			w = make([]float64, len(d.yTrain))
			for i, y := range d.yTrain {
				w[i] = classW[int(y)]
			}
		}
		model.InitBias(d.yTrain, w, len(d.yTrain))
	}
	if warm != nil {
		if err := model.WarmStart(warm); err != nil {
			return nil, dserr.Wrap(dserr.Internal, Fn, "", err)
		}
	}
	tr := perceptron.NewTrainer(model)
	ep := epochRunner{o: &o, d: d, tr: tr, model: model, classW: classW, task: tk, classes: len(le.Levels)}
	if mode == "streamed" {
		ep.stream = func(fn func(x, y []float64, n int) error) error {
			return streamTrain(ctx, src, binding, le, labelIdx, hashCols, split, width, shuffleRows, uint64(*o.Seed), &ep, fn)
		}
		if d.validStreamed {
			ep.validStream = func(fn func(x, y []float64, n int) error) error {
				return streamValid(ctx, src, binding, le, labelIdx, hashCols, split, width, d.target, fn)
			}
		}
	}
	if p.fingerprint != nil {
		// The fingerprint is summed during the first epoch; the copy it
		// reads is freed then, not after the last.
		ep.afterFirst = func() error {
			var err error
			if fp, err = p.fingerprint(); err != nil {
				return err
			}
			p.fp, p.fingerprint = fp, nil
			p.keep.free()
			p.keep = nil
			return nil
		}
	}
	var history []Epoch
	var best Epoch
	var gradNorm *float64
	if o.Solver == "lbfgs" {
		var res perceptron.LBFGSResult
		history, best, res, err = ep.runLBFGS(ctx, w)
		if err != nil {
			return nil, err
		}
		gradNorm = &res.GradientNorm
		notes = append(notes, LBFGSNote(res, o.Epochs))
	} else if history, best, err = ep.run(ctx); err != nil {
		return nil, err
	}
	metricName := map[task.Task]string{task.Binary: "auc", task.Multiclass: "accuracy", task.Regression: "rmse"}[tk]
	doc := &Document{
		Format: FormatVersion, Kind: "perceptron", Task: le.Task, Label: *le, Encoder: *enc, Dropped: dropped,
		Network: *model, Options: o, History: history, Features: encNames(enc), Target: d.target,
		Data: dataset.NewFingerprint(rows, fp), Statistics: p.statistics,
		Metrics: Metrics{
			Metric: metricName, TrainLoss: best.TrainLoss, ValidLoss: best.ValidLoss, ValidMetric: best.ValidMetric,
			BestEpoch: best.Epoch, EpochsRun: len(history), RowsUsed: used, RowsSkipped: rows - used,
			TrainRows: d.trainRows, ValidRows: d.validRows, GradientNorm: gradNorm,
		},
	}
	if o.Solver != "lbfgs" && len(history) < o.Epochs {
		notes = append(notes, fmt.Sprintf("early stopping after epoch %d; kept epoch %d", len(history), best.Epoch))
	}
	unit, why := "epoch", "early_stopping := false keeps the last epoch"
	if o.Solver == "lbfgs" {
		unit, why = "iteration", "lbfgs keeps the last iteration"
	}
	if n := validRise(history, best, unit, why); n != "" {
		notes = append(notes, n)
	}
	return &Result{Doc: doc, Mode: mode, Notes: notes, Seconds: time.Since(start).Seconds()}, nil
}

func encNames(e *features.Encoder) []string {
	out := make([]string, len(e.Columns))
	for i, c := range e.Columns {
		out[i] = c.Name
	}
	return out
}

// resetSkip returns n skip flags, all false, in *buf (grown as needed):
// one batch's flags, reused from batch to batch.
func resetSkip(buf *[]bool, n int) []bool {
	if cap(*buf) < n {
		*buf = make([]bool, n)
	}
	s := (*buf)[:n]
	clear(s)
	return s
}

// splitter assigns rows to validation by a hash of their content and the seed.
type splitter struct {
	frac float64
	seed uint64
}

func (s splitter) valid(h uint64) bool {
	if s.frac <= 0 {
		return false
	}
	return float64(h>>11)/float64(1<<53) < s.frac
}

// encodedData is the cached, encoded data, and label statistics of the
// training rows (kept in both modes).
type encodedData struct {
	width                int
	xTrain, xValid       []float64
	yTrain, yValid       []float64
	trainRows, validRows int64
	// validCap is the most validation rows the streamed mode caches (-1:
	// no cap); validStreamed is set when there were more, and the cache
	// of them was given up (streamValid reads them every epoch).
	validCap      int64
	validStreamed bool
	classCounts   map[int]float64 // classification: training rows per class
	ySum, ySumSq  float64         // regression: sums of the training labels
	target        *TargetScale    // regression: the standardisation applied to labels
	buf, ybuf     []float64       // one encoded batch
	hashes, fph   []uint64
}

// TargetScale standardises a regression label: the network learns
// (y - Mean) / Std and predictions are scaled back.
type TargetScale struct {
	Mean float64 `json:"mean"`
	Std  float64 `json:"std"`
}

// standardise maps labels y to (y - Mean) / Std in place; a nil scale
// (classification) leaves them as they are.
func (t *TargetScale) standardise(y []float64) {
	if t == nil {
		return
	}
	for j := range y {
		y[j] = (y[j] - t.Mean) / t.Std
	}
}

func (d *encodedData) add(rec arrow.RecordBatch, b *features.Binding, le *features.LabelEncoding, labelIdx int,
	hashCols []int, skip []bool, split splitter, keepTrain bool, fp *uint64) error {
	n := int(rec.NumRows())
	if cap(d.hashes) < n {
		d.hashes = make([]uint64, n)
		d.fph = make([]uint64, n)
	}
	hashes, fph := features.RowHashPair(rec, hashCols, split.seed, 0, d.hashes[:n], d.fph[:n])
	// Encode the batch once into a small buffer that stays in cache, then
	// route each row to the training or validation cache.
	w := d.width
	if cap(d.buf) < n*w {
		d.buf = make([]float64, n*w)
		d.ybuf = make([]float64, n)
	}
	rows := b.Encode(rec, skip, d.buf[:n*w])
	le.Encode(rec.Column(labelIdx), skip, d.ybuf[:rows])
	k := 0
	for i := 0; i < n; i++ {
		if skip[i] {
			continue
		}
		*fp += fph[i]
		x, y := d.buf[k*w:(k+1)*w], d.ybuf[k]
		k++
		if split.valid(hashes[i]) {
			d.validRows++
			switch {
			case d.validStreamed:
			case d.validCap >= 0 && len(d.yValid) == cap(d.yValid):
				// More validation rows than the memory left holds:
				// they are streamed every epoch instead.
				d.validStreamed = true
				d.xValid, d.yValid = nil, nil
			default:
				d.xValid = append(d.xValid, x...)
				d.yValid = append(d.yValid, y)
			}
			continue
		}
		d.trainRows++
		if le.Task == task.Regression {
			d.ySum += y
			d.ySumSq += y * y
		} else {
			if d.classCounts == nil {
				d.classCounts = map[int]float64{}
			}
			d.classCounts[int(y)]++
		}
		if keepTrain {
			d.xTrain = append(d.xTrain, x...)
			d.yTrain = append(d.yTrain, y)
		}
	}
	return nil
}

func (d *encodedData) balancedWeights(k int) []float64 {
	w := make([]float64, k)
	n := float64(d.trainRows)
	for c := range w {
		if cnt := d.classCounts[c]; cnt > 0 {
			w[c] = n / (float64(k) * cnt)
		}
	}
	return w
}

// shuffleBlock is the number of consecutive rows shuffleCache moves as one.
const shuffleBlock = 32

// shuffleCache puts the cached training rows in a random order (seeded),
// once, so epochs can take contiguous minibatches: whole blocks of
// shuffleBlock consecutive rows are swapped in place (Fisher-Yates over
// blocks; no second copy of the cache, whose fresh pages are costly), a
// minibatch of 256 rows then holds 8 blocks from all over the data, and
// every epoch visits the minibatches in a new order at a new offset.
func (d *encodedData) shuffleCache(seed uint64) {
	w := d.width
	tx := make([]float64, shuffleBlock*w)
	ty := make([]float64, shuffleBlock)
	bx := shuffleBlock * w
	// A last partial block stays in place.
	blockSwaps(len(d.yTrain)/shuffleBlock, seed, func(i, j int) {
		xi, xj := d.xTrain[i*bx:(i+1)*bx], d.xTrain[j*bx:(j+1)*bx]
		copy(tx, xi)
		copy(xi, xj)
		copy(xj, tx)
		yi, yj := d.yTrain[i*shuffleBlock:(i+1)*shuffleBlock], d.yTrain[j*shuffleBlock:(j+1)*shuffleBlock]
		copy(ty, yi)
		copy(yi, yj)
		copy(yj, ty)
	})
}

// standardizeTarget sets the regression label scale from the training rows
// and applies it to the cached labels.
func (d *encodedData) standardizeTarget() {
	n := float64(d.trainRows)
	mean := d.ySum / n
	std := math.Sqrt(math.Max(d.ySumSq/n-mean*mean, 0))
	if !(std > 0) {
		std = 1
	}
	d.target = &TargetScale{Mean: mean, Std: std}
	d.target.standardise(d.yTrain)
	d.target.standardise(d.yValid)
}

// epochRunner runs the epochs with early stopping.
type epochRunner struct {
	o       *Options
	d       *encodedData
	tr      *perceptron.Trainer
	model   *perceptron.Model
	classW  []float64
	task    task.Task
	classes int
	stream  func(fn func(x, y []float64, n int) error) error // streamed mode: one pass of shuffled train rows
	// validStream, when set, is one pass over the validation rows (the
	// streamed mode, when they do not fit in memory).
	validStream func(fn func(x, y []float64, n int) error) error
	epoch       int // the epoch running
	// afterFirst, when set, runs once the first epoch is done.
	afterFirst func() error
	out        []float64 // evaluate's predictions
}

func (e *epochRunner) run(ctx context.Context) ([]Epoch, Epoch, error) {
	o := e.o
	bs := o.BatchSize
	width := e.d.width
	var wb []float64
	if e.classW != nil {
		wb = make([]float64, bs)
	}
	var history []Epoch
	var best Epoch
	bestScore := math.Inf(1)
	var bestLayers []perceptron.Layer
	bad := 0
	useValid := e.d.validRows > 0
	for epoch := 1; epoch <= o.Epochs; epoch++ {
		e.epoch = epoch
		t0 := time.Now()
		var sum float64
		var cnt int64
		step := func(x, y []float64, n int) {
			var w []float64
			if wb != nil {
				w = wb[:n]
				for i := 0; i < n; i++ {
					w[i] = e.classW[int(y[i])]
				}
			}
			sum += e.tr.Step(x[:n*width], y[:n], w, n) * float64(n)

			cnt += int64(n)
		}
		if e.stream == nil {
			// The cache was shuffled once (shuffleCache); each epoch visits
			// its minibatches in a new random order, cut at a new random
			// offset, so batches differ from epoch to epoch while every
			// step reads contiguous memory.
			n := len(e.d.yTrain)
			rng := rand.New(rand.NewPCG(uint64(*o.Seed), uint64(epoch)))
			off := 0
			if n > bs {
				off = rng.IntN(bs)
			}
			var starts []int
			if off > 0 {
				starts = append(starts, 0)
			}
			for s := off; s < n; s += bs {
				starts = append(starts, s)
			}
			rng.Shuffle(len(starts), func(i, j int) { starts[i], starts[j] = starts[j], starts[i] })
			for k, s := range starts {
				end := s + bs
				if s == 0 && off > 0 {
					end = off
				}
				end = min(end, n)
				step(e.d.xTrain[s*width:end*width], e.d.yTrain[s:end], end-s)
				if k%256 == 255 && ctx.Err() != nil {
					return nil, best, dserr.Cancel(Fn, "", ctx.Err())
				}
			}
		} else {
			err := e.stream(func(x, y []float64, n int) error {
				for s := 0; s < n; s += bs {
					m := min(bs, n-s)
					step(x[s*width:], y[s:], m)
				}
				if err := ctx.Err(); err != nil {
					return dserr.Cancel(Fn, "", err)
				}
				return nil
			})
			if err != nil {
				return nil, best, err
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, best, dserr.Cancel(Fn, "", err)
		}
		ev := Epoch{Epoch: epoch, TrainLoss: sum / float64(max(cnt, 1)), ValidLoss: dataset.Num(math.NaN()), ValidMetric: dataset.Num(math.NaN())}
		score := ev.TrainLoss
		if useValid {
			l, m, err := e.evaluate()
			if err != nil {
				return nil, best, err
			}
			ev.ValidLoss, ev.ValidMetric = dataset.Num(l), dataset.Num(m)
			score = l
		}
		ev.Seconds = time.Since(t0).Seconds()
		history = append(history, ev)
		if epoch == 1 && e.afterFirst != nil {
			if err := e.afterFirst(); err != nil {
				return nil, best, err
			}
		}
		if o.Progress != nil {
			pe := ev
			pe.Epochs = o.Epochs
			pe.MetricName = map[task.Task]string{task.Binary: "AUC", task.Multiclass: "accuracy", task.Regression: "RMSE"}[e.task]
			pe.Unit = "epoch"
			o.Progress(pe)
		}
		if score < bestScore-1e-6*math.Abs(bestScore) || bestLayers == nil {
			bestScore = score
			best = ev
			bestLayers = cloneLayers(e.model.Layers, bestLayers)
			bad = 0
		} else {
			bad++
			if *o.EarlyStopping && bad >= o.Patience {
				break
			}
			// Reduce on plateau: every second epoch without improvement
			// halves the step size, so training settles into the optimum
			// that the initial, fast step size keeps overshooting.
			if bad%2 == 0 {
				e.model.Config.LearningRate /= 2
			}
		}
	}
	e.model.Config.LearningRate = o.LearningRate // the document records the option, not the decayed rate
	if *o.EarlyStopping {
		e.model.Layers = bestLayers
	} else {
		best = history[len(history)-1]
	}
	return history, best, nil
}

func cloneLayers(src, dst []perceptron.Layer) []perceptron.Layer {
	if len(dst) != len(src) {
		dst = make([]perceptron.Layer, len(src))
	}
	for i, l := range src {
		dst[i].In, dst[i].Out = l.In, l.Out
		dst[i].W = append(dst[i].W[:0], l.W...)
		dst[i].B = append(dst[i].B[:0], l.B...)
	}
	return dst
}

// evaluate computes the validation loss and metric of the current model;
// only the streamed validation (validStream) can fail.
func (e *epochRunner) evaluate() (loss, metric float64, err error) {
	if e.validStream != nil {
		return e.evaluateStreamed()
	}
	n := len(e.d.yValid)
	x, y := e.d.xValid, e.d.yValid
	loss = e.model.Loss(x, y, nil, n)
	// The predictions' buffer is kept from epoch to epoch: fresh memory
	// every epoch is memory the runtime may give back and fault in again.
	if k := n * max(e.model.Outputs(), 1); len(e.out) != k {
		e.out = make([]float64, k)
	}
	out := e.out
	e.model.Predict(x, n, out)
	switch e.task {
	case task.Binary:
		metric = metrics.AUC(out[:n], y, nil)
	case task.Multiclass:
		k := e.classes
		pred := make([]int, n)
		truth := make([]int, n)
		for i := 0; i < n; i++ {
			best := 0
			for c := 1; c < k; c++ {
				if out[i*k+c] > out[i*k+best] {
					best = c
				}
			}
			pred[i], truth[i] = best, int(y[i])
		}
		metric = metrics.Accuracy(pred, truth)
	default:
		metric = metrics.RMSE(out[:n], y) * e.d.target.Std
	}
	return loss, metric, nil
}

// aucBins is the resolution of the streamed validation's AUC: the
// probabilities are counted in aucBins equal bins of [0, 1].
const aucBins = 1 << 16

// evaluateStreamed is evaluate over validation rows streamed in batches,
// in memory that does not grow with them: the loss and accuracy are sums,
// the RMSE a sum of squares, and the AUC is computed from the positive and
// negative counts per bin of probability (a positive and a negative row in
// one bin count as a tie). The pass ends with a Cancelled error when the
// training's context is done.
func (e *epochRunner) evaluateStreamed() (loss, metric float64, err error) {
	k := max(e.model.Outputs(), 1)
	var pos, neg []float64
	if e.task == task.Binary {
		pos, neg = make([]float64, aucBins), make([]float64, aucBins)
	}
	var lossSum, sse float64
	var rows, correct int64
	err = e.validStream(func(x, y []float64, n int) error {
		lossSum += e.model.Loss(x, y, nil, n) * float64(n)
		rows += int64(n)
		if len(e.out) < n*k {
			e.out = make([]float64, n*k)
		}
		out := e.out[:n*k]
		e.model.Predict(x, n, out)
		switch e.task {
		case task.Binary:
			for i, p := range out {
				b := min(max(int(p*aucBins), 0), aucBins-1)
				if y[i] > 0 {
					pos[b]++
				} else {
					neg[b]++
				}
			}
		case task.Multiclass:
			for i := 0; i < n; i++ {
				best := 0
				for c := 1; c < k; c++ {
					if out[i*k+c] > out[i*k+best] {
						best = c
					}
				}
				if best == int(y[i]) {
					correct++
				}
			}
		default:
			for i, p := range out {
				sse += (p - y[i]) * (p - y[i])
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	if rows == 0 {
		return math.NaN(), math.NaN(), nil
	}
	loss = lossSum / float64(rows)
	switch e.task {
	case task.Binary:
		var below, area, np, nn float64
		for b := range pos {
			area += pos[b] * (below + neg[b]/2)
			below += neg[b]
			np += pos[b]
		}
		nn = below
		metric = math.NaN()
		if np > 0 && nn > 0 {
			metric = area / (np * nn)
		}
	case task.Multiclass:
		metric = float64(correct) / float64(rows)
	default:
		metric = math.Sqrt(sse/float64(rows)) * e.d.target.Std
	}
	return loss, metric, nil
}

// MarshalDocument encodes a document as JSON.
func MarshalDocument(d *Document) ([]byte, error) { return json.Marshal(d) }

// positiveText is a binary label's positive class as a note shows it: a
// text label's level quoted, a BOOLEAN's or a number's as it is.
func positiveText(le *features.LabelEncoding) string {
	l := le.Levels[le.Positive]
	switch {
	case le.Type == "bool", le.Type == "double", le.Type == "float", le.Type == "halffloat",
		strings.HasPrefix(le.Type, "int"), strings.HasPrefix(le.Type, "uint"), strings.HasPrefix(le.Type, "decimal"):
		return l
	}
	return "'" + strings.ReplaceAll(l, "'", "''") + "'"
}

// validRise is the note that the kept epoch (an L-BFGS iteration, a
// boosting round: unit) is not the one of the lowest validation loss and
// its validation loss is more than 10% above that one's, as when early
// stopping is off and the model overfits; why says what kept it. It is ""
// otherwise, and without validation rows.
func validRise(history []Epoch, kept Epoch, unit, why string) string {
	var low Epoch
	found := false
	for _, h := range history {
		if v := float64(h.ValidLoss); !math.IsNaN(v) && (!found || v < float64(low.ValidLoss)) {
			low, found = h, true
		}
	}
	k := float64(kept.ValidLoss)
	if !found || math.IsNaN(k) || kept.Epoch == low.Epoch || !(k > 1.1*float64(low.ValidLoss)) {
		return ""
	}
	return fmt.Sprintf("validation loss rose: kept %s %d has %.4g, %.0f%% above %s %d's %.4g (%s)",
		unit, kept.Epoch, k, 100*(k/float64(low.ValidLoss)-1), unit, low.Epoch, float64(low.ValidLoss), why)
}
