package training

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/trees"
)

// TreesFormatVersion of TreesDocument.
const TreesFormatVersion = 1

// TreesDocument is a boosted-trees model document: the columns it reads
// (the fitted preprocessing, of which trees use the column kinds and
// categorical levels, never the standardisation), the label encoding, the
// ensemble, and what training reports.
type TreesDocument struct {
	Format   int                    `json:"format"`
	Kind     string                 `json:"kind"` // "boosted_trees"
	Task     task.Task              `json:"task"`
	Label    features.LabelEncoding `json:"label"`
	Encoder  features.Encoder       `json:"preprocessing"`
	Dropped  []features.Dropped     `json:"dropped_columns"`
	Model    trees.Model            `json:"model"`
	Options  TreeOptions            `json:"options"`
	Metrics  Metrics                `json:"metrics"` // EpochsRun and BestEpoch count rounds
	History  []Epoch                `json:"history"` // one entry per round
	Data     dataset.Fingerprint    `json:"data"`
	Features []string               `json:"features"`
	// Statistics describe each feature column on the rows trained and
	// validated on (features.StatsOf of the values the trees read), in
	// Features' order.
	Statistics features.Statistics `json:"statistics,omitempty"`
}

// TrainingStatistics returns the statistics block of the document's
// feature columns.
func (d *TreesDocument) TrainingStatistics() features.Statistics { return d.Statistics }

// TreesResult is what TrainTrees returns besides the document.
type TreesResult struct {
	Doc     *TreesDocument
	Notes   []string
	Seconds float64
}

// TrainTrees trains a boosted-trees model on src: one pass fits the
// columns (which to use, the categorical levels) and the label, a second
// reads the rows into memory as the trees read them (features.Raw) and
// splits off the validation rows by the same content hash as
// train_perceptron, and the trees kernel boosts. Rows are skipped only
// for a bad label: missing and infinite feature values are the trees'
// to route. Everything is held in memory (no streamed mode): when the
// rows would not fit in memory_limit, the error says how much they need,
// before any of it is allocated.
func TrainTrees(ctx context.Context, src dataset.Source, o TreeOptions) (*TreesResult, error) {
	start := time.Now()
	const fn = TreesFn
	o.Defaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	memLimit, _ := dataset.ParseSize(o.MemoryLimit)
	schema := src.Schema()
	f, err := newFront(fn, schema, o.common(), o.Positive)
	if err != nil {
		return nil, err
	}
	labelIdx, fitter, lf := f.labelIdx, f.fitter, f.lf

	// Pass 1: the columns and the label.
	var skipBuf []bool
	rows := int64(0)
	err = dataset.EachBatch(ctx, src, fn, func(rec arrow.RecordBatch) error {
		rows += rec.NumRows()
		skip := resetSkip(&skipBuf, int(rec.NumRows()))
		if lf.Observe(rec.Column(labelIdx), skip) == 0 {
			skip = nil
		}
		return fitter.Observe(rec, skip)
	})
	if err != nil {
		return nil, err
	}
	if rows == 0 {
		return nil, dserr.Arg(fn, "data", "no rows")
	}
	le, enc, dropped, binding, notes, err := f.finish(o.Task)
	if err != nil {
		return nil, err
	}
	ncol := len(enc.Columns)
	cols := make([]trees.Column, ncol)
	for j, c := range enc.Columns {
		cols[j] = treeColumn(&c)
	}

	// Everything the rows take in memory, before any of it is allocated:
	// the raw values (8 bytes a value), the binned matrix the kernel makes
	// of the training rows (1 byte a value), labels and weights.
	need := rows * (int64(ncol)*9 + 16)
	if need > memLimit {
		return nil, dserr.Arg(fn, "memory_limit", "the %d rows need %s in memory (their values, the binned matrix and labels), more than memory_limit %s; raise memory_limit or train on fewer rows",
			rows, dataset.FormatSize(need), dataset.FormatSize(memLimit))
	}

	// Pass 2: the rows as the trees read them, split by content hash.
	hashCols := make([]int, 0, ncol+1)
	for _, c := range enc.Columns {
		hashCols = append(hashCols, features.ColumnIndex(schema, c.Name))
	}
	hashCols = append(hashCols, labelIdx)
	split := splitter{frac: *o.ValidationFraction, seed: uint64(*o.Seed)}
	train := newRawRows(cols, splitRoom(rows, 1-split.frac), rows)
	valid := newRawRows(cols, splitRoom(rows, split.frac), rows)
	var skipped int64
	var fp uint64
	var hashes, fph []uint64
	var batch [][]float64
	var ybuf []float64
	var tRows, vRows []int32
	var tY, vY []float64
	err = dataset.EachBatch(ctx, src, fn, func(rec arrow.RecordBatch) error {
		n := int(rec.NumRows())
		skip := resetSkip(&skipBuf, n)
		skipped += int64(le.MarkSkips(rec.Column(labelIdx), skip))
		if cap(hashes) < n {
			hashes, fph = make([]uint64, n), make([]uint64, n)
			ybuf = make([]float64, n)
			batch = make([][]float64, ncol)
			for j := range batch {
				batch[j] = make([]float64, n)
			}
		}
		hashes, fph = features.RowHashPair(rec, hashCols, split.seed, 0, hashes[:n], fph[:n])
		binding.Raw(rec, batch)
		le.Encode(rec.Column(labelIdx), skip, ybuf[:n])
		// The batch's rows by destination, then column by column.
		tRows, vRows, tY, vY = tRows[:0], vRows[:0], tY[:0], vY[:0]
		k := 0
		for i := 0; i < n; i++ {
			if skip[i] {
				continue
			}
			fp += fph[i]
			if split.valid(hashes[i]) {
				vRows, vY = append(vRows, int32(i)), append(vY, ybuf[k])
			} else {
				tRows, tY = append(tRows, int32(i)), append(tY, ybuf[k])
			}
			k++
		}
		train.add(batch, tRows, tY)
		valid.add(batch, vRows, vY)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if skipped > 0 {
		notes = append(notes, fmt.Sprintf("skipped %d rows with a NULL, NaN or infinite label", skipped))
	}
	used := int64(train.n + valid.n)
	if used == 0 {
		return nil, dserr.Arg(fn, "data", "no usable rows: all %d rows were skipped", rows)
	}
	if train.n == 0 {
		return nil, dserr.Arg(fn, "validation_fraction", "no training rows left after the validation split")
	}
	k := 1
	if le.Task == task.Multiclass {
		k = len(le.Levels)
	}
	if o.ClassWeight == "balanced" && le.Task != task.Regression {
		train.balance(k)
	}
	// The statistics come from the values before they are binned.
	stats, err := rawStatistics(ctx, enc, cols, train, valid)
	if err != nil {
		return nil, dserr.Wrap(dserr.Internal, fn, "", err)
	}

	cfg := o.kernelConfig(le.Task, k)
	// Early stopping watches the validation rows: without them (as with
	// validation_fraction := 0) every round is kept.
	cfg.EarlyStopping = cfg.EarlyStopping && valid.n > 0
	metricName := map[task.Task]string{task.Binary: "AUC", task.Multiclass: "accuracy", task.Regression: "RMSE"}[le.Task]
	progress := o.Progress
	if progress == nil {
		progress = ProgressFrom(ctx)
	}
	var vd *trees.Data
	if valid.n > 0 {
		vd = valid.data()
	}
	epoch := func(r trees.Round, prev float64) Epoch {
		return Epoch{Epoch: r.Round, TrainLoss: r.TrainLoss, ValidLoss: dataset.Num(r.ValidLoss),
			ValidMetric: dataset.Num(r.ValidMetric), Seconds: r.Seconds - prev, Epochs: o.Trees, MetricName: metricName, Unit: "round"}
	}
	var last float64 // Round.Seconds counts from the start; Epoch.Seconds is the round's own
	// Train holds the only reference to the training values, so that
	// they go once binned.
	model, rounds, err := trees.Train(ctx, cfg, train.release(), vd, func(r trees.Round) {
		if progress != nil {
			progress(epoch(r, last))
		}
		last = r.Seconds
	})
	if err != nil {
		return nil, dserr.Wrap(dserr.Internal, fn, "", err)
	}
	history := make([]Epoch, len(rounds))
	prev := 0.0
	for i, r := range rounds {
		history[i] = epoch(r, prev)
		prev = r.Seconds
	}
	best := model.Rounds() // the rounds kept
	if best < 1 || best > len(history) {
		return nil, dserr.New(dserr.Internal, fn, "", "%d rounds kept of %d run", best, len(history))
	}
	kept := history[best-1]
	doc := &TreesDocument{
		Format: TreesFormatVersion, Kind: "boosted_trees", Task: le.Task, Label: *le, Encoder: *enc, Dropped: dropped,
		Model: *model, Options: o, History: history, Features: encNames(enc), Data: dataset.NewFingerprint(rows, fp),
		Statistics: stats,
		Metrics: Metrics{
			Metric:    map[task.Task]string{task.Binary: "auc", task.Multiclass: "accuracy", task.Regression: "rmse"}[le.Task],
			TrainLoss: kept.TrainLoss, ValidLoss: kept.ValidLoss, ValidMetric: kept.ValidMetric,
			BestEpoch: best, EpochsRun: len(history), RowsUsed: used, RowsSkipped: rows - used,
			TrainRows: int64(train.n), ValidRows: int64(valid.n),
		},
	}
	if best < len(history) {
		notes = append(notes, fmt.Sprintf("early stopping: kept %d of %d rounds", best, len(history)))
	}
	if n := validRise(history, kept, "round", "without early stopping every round is kept"); n != "" {
		notes = append(notes, n)
	}
	return &TreesResult{Doc: doc, Notes: notes, Seconds: time.Since(start).Seconds()}, nil
}

// boolLevels are a BOOLEAN column's levels as a tree reads it: Raw gives
// false 0 and true 1, the codes of these levels.
var boolLevels = []string{"false", "true"}

// treeColumn is how a tree model reads preprocessing column c: VARCHAR
// and ENUM by their levels, BOOLEAN as the two levels false and true,
// everything else by thresholds.
func treeColumn(c *features.ColumnEncoding) trees.Column {
	switch c.Kind {
	case features.KindCategorical:
		return trees.Column{Name: c.Name, Kind: trees.Categorical, Type: c.Type, Levels: c.Levels}
	case features.KindBoolean:
		return trees.Column{Name: c.Name, Kind: trees.Categorical, Type: "bool", Levels: boolLevels}
	}
	return trees.Column{Name: c.Name, Kind: trees.Numeric, Type: rawType(c)}
}

// rawType is the Arrow type of the values features.Raw gives column c, as
// trees.Column.Type names it (so rules show thresholds in the column's own
// type): days for any DATE, microseconds for any TIMESTAMP (keeping its
// time zone), the column's own type otherwise.
func rawType(c *features.ColumnEncoding) string {
	switch c.Kind {
	case features.KindDate:
		return "date32"
	case features.KindTimestamp:
		if _, tz, ok := strings.Cut(c.Type, "tz="); ok {
			return "timestamp[us, tz=" + tz
		}
		return "timestamp[us]"
	}
	return c.Type
}

// rawStatistics is the statistics block of the columns on the training
// and validation rows, from the values the trees read.
func rawStatistics(ctx context.Context, enc *features.Encoder, cols []trees.Column, train, valid *rawRows) (features.Statistics, error) {
	stats := make(features.Statistics, len(cols))
	err := parallelBatches(ctx, len(cols), func(buf *[]float64, j int) {
		c := cols[j]
		values := train.x[j][:train.n]
		if valid.n > 0 {
			*buf = append(append((*buf)[:0], values...), valid.x[j][:valid.n]...)
			values = *buf
		}
		var levels []string
		if enc.Columns[j].Kind == features.KindCategorical {
			levels = c.Levels
		}
		stats[j] = features.StatsOf(c.Name, enc.Columns[j].Kind, c.Type, values, levels)
	})
	return stats, err
}

// rawRows are rows as the trees read them, column-major, with labels and
// weights.
type rawRows struct {
	cols []trees.Column
	x    [][]float64
	y, w []float64
	n    int
	// limit is the most rows the pass can add: room for them all is made
	// at once when the room reserved runs out.
	limit int64
}

// newRawRows returns rows of cols with room for capacity rows, of at most
// limit.
func newRawRows(cols []trees.Column, capacity, limit int64) *rawRows {
	r := &rawRows{cols: cols, x: make([][]float64, len(cols)), y: make([]float64, 0, capacity), limit: limit}
	for j := range r.x {
		r.x[j] = make([]float64, 0, capacity)
	}
	return r
}

// splitRoom is the room to reserve for the side of the content-hash split
// that takes a share frac of rows: the expected count and four standard
// deviations, as the hash spreads distinct rows. Identical rows hash
// alike and may take more; rawRows.add then grows to the limit once.
func splitRoom(rows int64, frac float64) int64 {
	if frac <= 0 {
		return 0
	}
	mean := float64(rows) * frac
	return min(rows, int64(mean+4*math.Sqrt(mean*(1-frac)))+64)
}

// add appends the rows of the column-major batch with labels y.
func (r *rawRows) add(batch [][]float64, rows []int32, y []float64) {
	if r.n+len(rows) > cap(r.y) {
		r.grow()
	}
	for j := range r.x {
		col, dst := batch[j], r.x[j]
		for _, i := range rows {
			dst = append(dst, col[i])
		}
		r.x[j] = dst
	}
	r.y = append(r.y, y...)
	r.n += len(rows)
}

// grow makes room for every row up to the limit: one copy, where append
// would copy the columns again and again as they grow. (Past the limit,
// which a data query giving more rows the second time could reach, append
// grows them.)
func (r *rawRows) grow() {
	more := int(r.limit) - r.n
	if more <= 0 {
		return
	}
	for j := range r.x {
		r.x[j] = slices.Grow(r.x[j], more)
	}
	r.y = slices.Grow(r.y, more)
}

// balance weighs each row by n / (k * rows of its class).
func (r *rawRows) balance(k int) {
	counts := make([]float64, k)
	for _, y := range r.y {
		counts[int(y)]++
	}
	r.w = make([]float64, r.n)
	for i, y := range r.y {
		r.w[i] = float64(r.n) / (float64(k) * counts[int(y)])
	}
}

func (r *rawRows) data() *trees.Data {
	return &trees.Data{Columns: r.cols, X: r.x, Y: r.y, W: r.w, N: r.n}
}

// release returns the rows as trees.Data and drops r's reference to their
// values: the caller's becomes the only one.
func (r *rawRows) release() trees.Data {
	d := *r.data()
	r.x = nil
	return d
}

// kernelConfig is the trees kernel's configuration of o (after Defaults)
// for task tk with k outputs.
func (o *TreeOptions) kernelConfig(tk task.Task, k int) trees.Config {
	return trees.Config{
		Task: tk, K: k, Rounds: o.Trees, LearningRate: o.LearningRate, L2: *o.L2,
		MinChildWeight: *o.MinChildWeight, MinSplitGain: o.MinSplitGain, Subsample: o.Subsample, Colsample: o.Colsample,
		MaxDepth: o.MaxDepth, MinRowsInLeaf: o.MinRowsInLeaf, MaxBins: o.MaxBins, Patience: o.Patience,
		EarlyStopping: *o.EarlyStopping, Seed: uint64(*o.Seed),
		// The categorical split search has no SQL argument: the kernel's
		// defaults.
		CatExactLevels: trees.DefaultCatExactLevels, CatMinRows: trees.DefaultCatMinRows, CatSmooth: trees.DefaultCatSmooth,
		CatL2: trees.DefaultCatL2, CatMinGroupRows: trees.DefaultCatMinGroupRows, CatMaxLevels: trees.DefaultCatMaxLevels,
	}
}

// Validate checks options after Defaults; errors name the argument, with
// the texts SQL's declared ranges give.
func (o *TreeOptions) Validate() error {
	const fn = TreesFn
	c := o.common()
	if err := c.validateLabel(fn); err != nil {
		return err
	}
	if o.Objective != DefaultObjective {
		return dserr.Arg(fn, "objective", "must be 'auto' (log loss, softmax or squared error by task), got '%s'", o.Objective)
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case o.Trees < 1 || o.Trees > MaxTrees:
		return dserr.Between(fn, "trees", 1, MaxTrees, o.Trees)
	case !(o.LearningRate > 0 && o.LearningRate <= MaxLearningRate):
		return dserr.Arg(fn, "learning_rate", "must be greater than 0 and at most %d, got %g", MaxLearningRate, o.LearningRate)
	case o.MaxDepth < 1 || o.MaxDepth > MaxTreeDepth:
		return dserr.Between(fn, "max_depth", 1, MaxTreeDepth, o.MaxDepth)
	case !finite(*o.MinChildWeight) || *o.MinChildWeight < 0:
		return dserr.Arg(fn, "min_child_weight", "must be a finite number at least 0, got %g", *o.MinChildWeight)
	case o.MinRowsInLeaf < 1 || o.MinRowsInLeaf > MaxMinRowsInLeaf:
		return dserr.Between(fn, "min_rows_in_leaf", 1, MaxMinRowsInLeaf, o.MinRowsInLeaf)
	case !(*o.L2 >= 0 && *o.L2 <= MaxL2):
		return dserr.Between(fn, "l2", 0, MaxL2, *o.L2)
	case !finite(o.MinSplitGain) || o.MinSplitGain < 0:
		return dserr.Arg(fn, "min_split_gain", "must be a finite number at least 0, got %g", o.MinSplitGain)
	case !(o.Subsample > 0 && o.Subsample <= 1):
		return dserr.Arg(fn, "subsample", "must be greater than 0 and at most 1, got %g", o.Subsample)
	case !(o.Colsample > 0 && o.Colsample <= 1):
		return dserr.Arg(fn, "colsample", "must be greater than 0 and at most 1, got %g", o.Colsample)
	case o.MaxBins < 2 || o.MaxBins > MaxTreeBins:
		return dserr.Between(fn, "max_bins", 2, MaxTreeBins, o.MaxBins)
	case o.Patience < 1 || o.Patience > MaxPatience:
		return dserr.Between(fn, "patience", 1, MaxPatience, o.Patience)
	}
	_, err := c.validateRest(fn)
	return err
}

// Validate checks what scoring relies on: the format and kind, the label
// encoding, the preprocessing against Features, the ensemble
// (trees.Model.Validate), and that the ensemble reads exactly the
// preprocessing's columns, with their kinds and categorical levels, and
// has one output per class of a multiclass label (one otherwise).
func (d *TreesDocument) Validate() error {
	if err := validateSupervised(d.Format, TreesFormatVersion, d.Kind, "boosted_trees", d.Task, &d.Label, &d.Encoder, d.Features); err != nil {
		return err
	}
	if err := d.Model.Validate(); err != nil {
		return fmt.Errorf("model: %v", err)
	}
	if d.Statistics != nil {
		if err := d.Statistics.ValidateDocument(d.Features); err != nil {
			return err
		}
	}
	want := 1
	if d.Task == task.Multiclass {
		want = len(d.Label.Levels)
	}
	if d.Model.K != want {
		return fmt.Errorf("model: %d outputs for a %s label of %d classes", d.Model.K, d.Task, len(d.Label.Levels))
	}
	if len(d.Model.Columns) != len(d.Encoder.Columns) {
		return fmt.Errorf("model: %d columns, but the preprocessing has %d", len(d.Model.Columns), len(d.Encoder.Columns))
	}
	for j, c := range d.Model.Columns {
		e := &d.Encoder.Columns[j]
		if want := treeColumn(e); c.Name != want.Name || c.Kind != want.Kind || !slices.Equal(c.Levels, want.Levels) {
			return fmt.Errorf("model: column %d (%q, %s) does not match the preprocessing's %q (%s)", j+1, c.Name, c.Kind, e.Name, e.Kind)
		}
	}
	return nil
}
