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

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/kmeans"
	"github.com/ducksight/ducksight/engine/pushdown"
	"github.com/ducksight/ducksight/engine/store"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/udf"
)

// The evaluation functions (evaluate, confusion_matrix, roc_curve, lift,
// calibration, fairness, feature_importance) share this: bind a model
// that predicts a label (Model) to a data query that holds its features
// and its label (and a group column), then score every row with
// predict's path (the model's prepared rows, raw scores, link) and keep,
// per usable row, the encoded label and the model's output.

// evalData is a scored data set.
type evalData struct {
	task task.Task
	k    int       // classes (multiclass)
	y    []float64 // binary: 1 for the positive class; multiclass: class index; regression: value
	p    []float64 // binary: P(positive); multiclass: n x k probabilities; regression: prediction
	// group is the text of each row's value in the group column (fairness);
	// groupNull marks NULL values.
	group     []string
	groupNull []bool
	skipped   int64 // rows without a usable label or that the model cannot score
}

// evalBinding is a model bound to data for evaluation: a data query, or
// rows in memory (cross_validate's folds).
type evalBinding struct {
	fn       string
	model    Model
	src      dataset.Source
	release  func() // releases the data (closes the query); nil for none
	bound    BoundModel
	labelIdx int
	byIdx    int // -1 without a group column
	// filter, when set, leaves rows out of the evaluation: the training
	// rows of data HeldOut, the rows outside a cross-validation fold.
	filter rowFilter
}

// rowFilter leaves rows of the data out of an evaluation.
type rowFilter interface {
	// Mark marks in skip the rows of rec, the batch-th batch of the
	// pass, to leave out; skip already marks the rows without a usable
	// label or that the model cannot score.
	Mark(batch int, rec arrow.RecordBatch, skip []bool)
	// Done checks the pass once every batch was marked.
	Done() error
}

// heldOutFilter keeps the held-out rows of a model's training data
// (training.HoldoutRows); err says what the data is when the check fails.
type heldOutFilter struct {
	rows *training.HoldoutRows
	err  func(error) error
}

func (h heldOutFilter) Mark(_ int, rec arrow.RecordBatch, skip []bool) { h.rows.Mark(rec, skip) }

func (h heldOutFilter) Done() error {
	if err := h.rows.Check(); err != nil {
		return h.err(err)
	}
	return nil
}

// HeldOut is the data argument of the evaluation functions (evaluate,
// confusion_matrix, roc_curve, lift, calibration, fairness,
// feature_importance, threshold) that evaluates a model on its own
// validation rows: its stored data text is read again under the search
// path it was read under at training, the rows the training held out are
// kept (the same hash of the same columns and seed), and the read must
// give the rows the training read (the same row count and fingerprint).
// SQL's NULL data maps to it.
const HeldOut = ""

// bindEval loads model name (version, 0: the latest), which must be of a
// kind that predicts a label, prepares data (HeldOut: its training data)
// and checks that it has the label column (and column by, when not "").
func bindEval(ctx context.Context, env Env, fn, name string, version int, data, by string) (*evalBinding, error) {
	rec, m, err := env.scoringRecord(ctx, fn, name, version)
	if err != nil {
		return nil, err
	}
	return bindEvalModel(ctx, env, fn, rec, m, data, by)
}

// bindEvalModel is bindEval for a loaded model, rec its store record.
func bindEvalModel(ctx context.Context, env Env, fn string, rec *store.Record, m Model, data, by string) (*evalBinding, error) {
	if data != HeldOut {
		return withData(ctx, env, fn, data, func(q *udf.Query) (*evalBinding, error) {
			return newQueryBinding(fn, m, q, by)
		})
	}
	if rec.Source != nil && rec.Source.Engine != "" {
		return bindEngineHeldOut(ctx, env, fn, rec, m, by)
	}
	h := m.Holdout()
	if err := heldOutRefused(fn, rec, h.Fraction > 0); err != nil {
		return nil, err
	}
	data = shortText(rec.Data)
	trained := Env{Host: env.Host, SearchPath: rec.Source.SearchPath}
	q, err := trained.Prepare(ctx, fn, "data", rec.Data)
	if err != nil {
		var de *dserr.Error
		if errors.As(err, &de) && de.Code != dserr.Cancelled {
			return nil, heldOutErr(fn, rec, "'s training data %s cannot be read again (give data): %s", data, de.Msg)
		}
		return nil, err
	}
	heldErr := func(err error) error { return heldOutErr(fn, rec, "'s training data %s %v; give data", data, err) }
	e, err := newQueryBinding(fn, m, q, by)
	if err == nil {
		var rows *training.HoldoutRows
		if rows, err = h.Bind(q.Schema()); err != nil {
			err = heldErr(err)
		}
		e.filter = heldOutFilter{rows, heldErr}
	}
	if err != nil {
		q.Close()
		return nil, err
	}
	return e, nil
}

// bindEngineHeldOut binds the held-out rows of a model trained with
// engine := (rec.Source.Engine): the rows of its table that its where :=
// and validation := conditions select, read again when the engine is
// this database; they must be as many as the training validated on.
func bindEngineHeldOut(ctx context.Context, env Env, fn string, rec *store.Record, m Model, by string) (*evalBinding, error) {
	var o struct {
		Where      string `json:"where"`
		Validation string `json:"validation"`
	}
	var mets struct {
		ValidRows int64 `json:"valid_rows"`
	}
	if err := json.Unmarshal(rec.Options, &o); err != nil {
		return nil, dserr.Wrap(dserr.Internal, fn, "", err)
	}
	if err := json.Unmarshal(rec.Metrics, &mets); err != nil {
		return nil, dserr.Wrap(dserr.Internal, fn, "", err)
	}
	switch {
	case inEngine(rec):
		return nil, heldOutErr(fn, rec, " trained in the engine %s, where its held-out rows stay (evaluate computes its measures there); give data", rec.Source.Engine)
	case o.Validation == "":
		return nil, noValidationErr(fn, rec)
	}
	text := pushdown.HeldOutSQL(pushdown.DuckDB, rec.Data, o.Where, o.Validation)
	trained := Env{Host: env.Host, SearchPath: rec.Source.SearchPath}
	q, err := trained.Prepare(ctx, fn, "data", text)
	if err != nil {
		var de *dserr.Error
		if errors.As(err, &de) && de.Code != dserr.Cancelled {
			return nil, heldOutErr(fn, rec, "'s held-out rows (%s) cannot be read again (give data): %s", shortText(text), de.Msg)
		}
		return nil, err
	}
	e, err := newQueryBinding(fn, m, q, by)
	if err != nil {
		q.Close()
		return nil, err
	}
	e.filter = &countFilter{want: mets.ValidRows, err: func(got int64) error {
		return heldOutErr(fn, rec, "'s held-out rows (%s) changed since training: %d usable rows now, %d at training; give data", shortText(text), got, mets.ValidRows)
	}}
	return e, nil
}

// countFilter leaves no row out; it checks that the usable rows are as
// many as want.
type countFilter struct {
	want, got int64
	err       func(got int64) error
}

func (c *countFilter) Mark(_ int, rec arrow.RecordBatch, skip []bool) {
	for _, s := range skip[:rec.NumRows()] {
		if !s {
			c.got++
		}
	}
}

func (c *countFilter) Done() error {
	if c.got != c.want {
		return c.err(c.got)
	}
	return nil
}

// heldOutRefused is the error of data HeldOut for a model whose held-out
// rows cannot be read again (nil when they can): one saved before
// ducksight kept where its data is read, an imported one, one that held
// out no rows (validation_fraction := 0: holds false).
func heldOutRefused(fn string, rec *store.Record, holds bool) error {
	switch {
	case rec.Source == nil || rec.Data == "":
		return heldOutErr(fn, rec, " was saved before ducksight kept where its data is read; retrain it, or give data")
	case rec.Source.Imported != "":
		return heldOutErr(fn, rec, " was imported (from %s): its training data is in another database; give data", rec.Source.Imported)
	case !holds:
		return heldOutErr(fn, rec, " was trained with validation_fraction := 0 and held out no rows; give data")
	}
	return nil
}

// heldOutErr is an error of fn's data argument HeldOut for model rec: the
// rest of the message says why its held-out rows are not there.
func heldOutErr(fn string, rec *store.Record, format string, a ...any) error {
	return dserr.Arg(fn, "data", "is NULL (the model's held-out rows), but model %q version %d%s", rec.Name, rec.Version, fmt.Sprintf(format, a...))
}

// shortText is a data text as an error quotes it: in single quotes, cut
// after 60 characters.
func shortText(s string) string {
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "..."
	}
	return "'" + s + "'"
}

// newQueryBinding binds m to data query q (see newEvalBinding); the
// binding closes q.
func newQueryBinding(fn string, m Model, q *udf.Query, by string) (*evalBinding, error) {
	e, err := newEvalBinding(fn, m, Source(q), by)
	if err != nil {
		return nil, err
	}
	e.release = q.Close
	return e, nil
}

// columnList names the columns of schema for an error: quoted, comma
// separated, the first 30 and how many more (dserr.ColumnList).
func columnList(schema *arrow.Schema) string {
	return dserr.ColumnList(features.ColumnNames(schema))
}

// newEvalBinding binds m to data src, which must hold the model's label
// column (and column by, when not "").
func newEvalBinding(fn string, m Model, src dataset.Source, by string) (*evalBinding, error) {
	schema := src.Schema()
	le := m.Label()
	labelIdx := features.ColumnIndex(schema, le.Column)
	if labelIdx < 0 {
		hint := ""
		if near, ok := dserr.Closest(le.Column, features.ColumnNames(schema)); ok {
			hint = fmt.Sprintf("; did you mean %q?", near)
		}
		return nil, dserr.Arg(fn, "data", "has no label column %q (the model was trained to predict it; evaluation compares with it%s)", le.Column, hint)
	}
	if err := le.Compatible(schema.Field(labelIdx).Type); err != nil {
		return nil, dserr.Arg(fn, "data", "%v", err)
	}
	bound, err := bindModel(fn, m, schema)
	if err != nil {
		return nil, err
	}
	byIdx := -1
	if by != "" {
		if byIdx = features.ColumnIndex(schema, by); byIdx < 0 {
			return nil, dserr.UnknownColumn(fn, "by", by, features.ColumnNames(schema))
		}
	}
	return &evalBinding{fn: fn, model: m, src: src, bound: bound, labelIdx: labelIdx, byIdx: byIdx}, nil
}

func (e *evalBinding) close() {
	if e.release != nil {
		e.release()
		e.release = nil
	}
}

// scored streams the data and scores every usable row (collect); data
// without one is an error.
func (e *evalBinding) scored(ctx context.Context) (*evalData, error) {
	d, err := e.collect(ctx)
	if err != nil {
		return nil, err
	}
	if d.rows() == 0 {
		return nil, e.noRows(d.skipped)
	}
	return d, nil
}

// noRows is the error of data without a usable row.
func (e *evalBinding) noRows(skipped int64) error {
	return dserr.Arg(e.fn, "data", "no rows with a usable label (%d skipped)", skipped)
}

// bound makes an EvalCall of e whose result compute gives from the scored
// data; the call closes e.
func bound[T any](e *evalBinding, compute func(d *evalData) (T, error)) *EvalCall[T] {
	return &EvalCall[T]{fn: e.fn, close: e.close, run: func(ctx context.Context) (T, error) {
		d, err := e.scored(ctx)
		if err != nil {
			var zero T
			return zero, err
		}
		return compute(d)
	}}
}

// collect streams the data and scores every usable row.
func (e *evalBinding) collect(ctx context.Context) (*evalData, error) {
	m := e.model
	k := m.Outputs()
	d := &evalData{task: m.Task(), k: k}
	rows := e.bound.NewRows(udf.VectorSize)
	// Per batch, joined once at the end: appending to one slice copied it
	// over and over as it grew.
	var ys, ps [][]float64
	skipped, err := e.prepareBatches(ctx, rows, true, func(rec arrow.RecordBatch, skip []bool, y []float64, n int) {
		ys = append(ys, slices.Clone(y[:n]))
		p := make([]float64, n*k)
		rows.Raw(p)
		if m.Task() != task.Regression {
			link(m, p, n)
		}
		ps = append(ps, p)
		if e.byIdx >= 0 {
			appendGroups(d, rec.Column(e.byIdx), skip)
		}
	})
	if err != nil {
		return nil, err
	}
	d.skipped = skipped
	d.y, d.p = slices.Concat(ys...), slices.Concat(ps...)
	return d, nil
}

// prepareBatches streams the data; for each batch it marks the rows
// without a usable label or that the model cannot score (BadRows),
// appends the n others to rows (after emptying them when reset), encodes
// their labels into y (LabelEncoding.Encode) and calls fn, which must not
// keep skip or y. It returns the rows skipped.
func (e *evalBinding) prepareBatches(ctx context.Context, rows Rows, reset bool, fn func(rec arrow.RecordBatch, skip []bool, y []float64, n int)) (int64, error) {
	label := e.model.Label()
	var y []float64
	var skip []bool
	var skipped int64
	batch := 0
	err := dataset.EachBatch(ctx, e.src, e.fn, func(rec arrow.RecordBatch) error {
		n := int(rec.NumRows())
		if cap(skip) < n {
			skip, y = make([]bool, n), make([]float64, n)
		}
		skip = skip[:n]
		clear(skip)
		labels := rec.Column(e.labelIdx)
		skipped += int64(label.MarkSkips(labels, skip))
		skipped += int64(e.bound.BadRows(rec, skip))
		if e.filter != nil {
			e.filter.Mark(batch, rec, skip)
		}
		batch++
		if reset {
			rows.Reset()
		}
		m := rows.Append(rec, skip)
		label.Encode(labels, skip, y[:n])
		fn(rec, skip, y, m)
		return nil
	})
	if err != nil {
		return 0, err
	}
	if e.filter != nil {
		if err := e.filter.Done(); err != nil {
			return 0, err
		}
	}
	return skipped, nil
}

// eachBatch streams q once and calls fn with each batch, which it
// releases when fn returns: fn must not keep it.
func eachBatch(ctx context.Context, q *udf.Query, fn func(b *udf.Batch)) error {
	r, err := q.Stream(ctx, nil)
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		b, err := r.Next()
		if err != nil || b == nil {
			return err
		}
		fn(b)
		b.Release()
	}
}

// appendGroups adds the group text of the rows skip does not mark.
func appendGroups(d *evalData, col arrow.Array, skip []bool) {
	for i := 0; i < col.Len(); i++ {
		if skip[i] {
			continue
		}
		if col.IsNull(i) {
			d.group, d.groupNull = append(d.group, ""), append(d.groupNull, true)
			continue
		}
		// ValueStr may alias the batch's memory, which is released.
		d.group, d.groupNull = append(d.group, strings.Clone(col.ValueStr(i))), append(d.groupNull, false)
	}
}

// rows is the number of scored rows.
func (d *evalData) rows() int { return len(d.y) }

// truth returns the multiclass true class of every row.
func (d *evalData) truth() []int {
	t := make([]int, len(d.y))
	for i, y := range d.y {
		t[i] = int(y)
	}
	return t
}

// classes returns the multiclass true and predicted class of every row.
func (d *evalData) classes() (truth, pred []int) {
	n := d.rows()
	truth, pred = d.truth(), make([]int, n)
	for i := 0; i < n; i++ {
		row := d.p[i*d.k : (i+1)*d.k]
		best := argmax(row)
		pred[i] = best
		if math.IsNaN(row[best]) {
			pred[i] = -1
		}
	}
	return truth, pred
}

// kmeansEval scores a data query with a kmeans model: the encoded rows and
// their segments, for evaluate.
type kmeansEval struct {
	fn      string
	doc     *clustering.Document
	q       *udf.Query
	binding *features.Binding
}

func (e *kmeansEval) close() { e.q.Close() }

// measure returns rows, inertia, silhouette (on a deterministic sample of
// at most clustering.SilhouetteRows rows) and Davies-Bouldin (with the
// model's centroids) of the data under the model.
func (e *kmeansEval) measure(ctx context.Context) (*Evaluation, error) {
	w := e.doc.Encoder.Width
	var x []float64
	var skip []bool
	n := 0
	err := eachBatch(ctx, e.q, func(b *udf.Batch) {
		m := b.Len()
		if cap(skip) < m {
			skip = make([]bool, m)
		}
		skip = skip[:m]
		clear(skip)
		e.binding.BadRows(b.Record, skip)
		x = append(x, make([]float64, m*w)...)
		n += e.binding.Encode(b.Record, skip, x[n*w:])
		x = x[:n*w]
	})
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, dserr.Arg(e.fn, "data", "no usable rows")
	}
	model := &e.doc.Model
	labels, dist := make([]int32, n), make([]float64, n)
	model.Assign(x, n, labels, dist)
	inertia := 0.0
	for _, v := range dist {
		inertia += v * v
	}
	sample := kmeans.SampleRows(n, clustering.SilhouetteRows, e.doc.Options.SeedValue())
	sil, db := clustering.Separation(x, n, w, labels, model.K, sample, model.Centroids)
	return evaluation(int64(n), kmeansMeasures, inertia, sil, db), nil
}
