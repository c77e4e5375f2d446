//go:build duckdb_arrow

package sqlfuncs

import (
	"context"
	"strings"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// segment(model, data, k := ..., ...): k-means segmentation. It fits and
// saves a kmeans model, then returns every input row with its segment.

var segmentFn = &Function{
	Name:    "segment",
	Summary: "segment data with k-means (k chosen automatically when omitted), save the model, and return every row with its segment",
	Example: "SELECT * FROM segment('rfm', $$SELECT customer_id, days_since_last_purchase, orders_12m, revenue_12m FROM customers$$, k := 5, exclude := ['customer_id']);",
	Columns: []ColumnDoc{
		{"segment", "INTEGER", "the row's segment, 1..k, numbered by size (1 is the largest); NULL for a row with a NaN or infinite feature"},
		{"distance", "DOUBLE", "Euclidean distance to the segment's centroid, in standardised units"},
	},
	Table: &udf.TableFunc{
		Name: "segment",
		Bind: bindSegment,
		Args: []udf.Param{
			withDoc(modelParam, "model name; segmenting an existing name adds a version"),
			dataParam,
		},
		Named: []udf.Param{
			{Name: "k", Type: udf.Integer, Doc: "number of segments; omitted or 0: chosen by silhouette among 2..k_max"},
			{Name: "k_max", Type: udf.Integer, Doc: "largest k the automatic choice tries (default 10)"},
			{Name: "features", Type: udf.List(udf.Varchar), Doc: "input columns (default: all but exclude)"},
			{Name: "exclude", Type: udf.List(udf.Varchar), Doc: "columns not to use"},
			{Name: "standardize", Type: udf.Boolean, Doc: "standardise numeric columns (default true)"},
			{Name: "init", Type: udf.Varchar, Doc: "'kmeans++' (default) or 'random'"},
			{Name: "n_init", Type: udf.Integer, Doc: "initialisations tried, the lowest inertia kept (default 3)"},
			{Name: "max_iter", Type: udf.Integer, Doc: "most Lloyd iterations per initialisation (default 300)"},
			{Name: "tol", Type: udf.Double, Doc: "stop when the centroids move less than this, relative to the data's variance (default 1e-4)"},
			{Name: "memory_limit", Type: udf.Varchar, Doc: "most memory for the encoded rows before every iteration streams them (default the smaller of '2GB' and DuckDB's memory_limit)"},
			{Name: "seed", Type: udf.BigInt, Doc: "seed of the initialisation and samples (default 42)"},
		},
		Mutates: true,
	},
}

// segmentOptions reads segment's named arguments; an absent one stays the
// zero (or nil) field the service fills with its default.
func segmentOptions(a args) (service.SegmentOptions, error) {
	var o service.SegmentOptions
	var err error
	ints := []struct {
		name string
		dst  *int
		lo   int64
		max  int64
	}{{"k", &o.K, 0, 0}, {"k_max", &o.KMax, 2, clustering.MaxKMax}, {"n_init", &o.NInit, 1, clustering.MaxNInit}, {"max_iter", &o.MaxIter, 1, clustering.MaxMaxIter}}
	for _, x := range ints {
		if _, _, ok := a.named(x.name); !ok {
			continue
		}
		v, err := a.namedInt64(x.name, 0)
		if err != nil {
			return o, err
		}
		if v == 0 && x.lo > 0 { // the zero field would mean the default
			return o, dserr.Between(a.fn, x.name, x.lo, x.max, v)
		}
		*x.dst = int(v) // Validate states each one's bounds
	}
	if o.Features, err = a.namedStrings("features"); err != nil {
		return o, err
	}
	if o.Exclude, err = a.namedStrings("exclude"); err != nil {
		return o, err
	}
	if o.Standardize, err = a.namedBool("standardize"); err != nil {
		return o, err
	}
	if o.Init, err = a.namedString("init", ""); err != nil {
		return o, err
	}
	if _, _, ok := a.named("init"); ok && o.Init == "" { // the zero field would mean the default
		return o, dserr.Arg(a.fn, "init", "must be 'kmeans++' or 'random', got %q", o.Init)
	}
	if o.Tol, err = namedFloatPtr(a, "tol"); err != nil {
		return o, err
	}
	if o.MemoryLimit, err = a.namedString("memory_limit", ""); err != nil {
		return o, err
	}
	if o.Seed, err = namedInt64Ptr(a, "seed"); err != nil {
		return o, err
	}
	return o, nil
}

func bindSegment(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	name, data, err := a.modelData()
	if err != nil {
		return nil, err
	}
	if err := service.CheckModelName(a.fn, name); err != nil {
		return nil, err
	}
	o, err := segmentOptions(a)
	if err != nil {
		return nil, err
	}
	job, err := service.BindSegment(b.Ctx, envOf(b), name, data, o)
	if err != nil {
		return nil, err
	}
	cols, err := segmentColumns(a.fn, job.Query())
	if err != nil {
		job.Close()
		return nil, err
	}
	return &segmentBound{job: job, cols: cols}, nil
}

// segmentColumns are the input columns, then segment and distance.
func segmentColumns(fn string, q *udf.Query) ([]udf.Column, error) {
	var cols []udf.Column
	for i := 0; i < q.NumColumns(); i++ {
		n := q.ColumnName(i)
		if strings.EqualFold(n, "segment") || strings.EqualFold(n, "distance") {
			return nil, outputClash(fn, n)
		}
		cols = append(cols, udf.Column{Name: n, Type: q.ColumnType(i)})
	}
	return append(cols, udf.Column{Name: "segment", Type: udf.Integer}, udf.Column{Name: "distance", Type: udf.Double}), nil
}

type segmentBound struct {
	job  *service.SegmentJob
	cols []udf.Column
}

func (s *segmentBound) Columns() []udf.Column { return s.cols }
func (s *segmentBound) Close() error          { s.job.Close(); return nil }

func (s *segmentBound) Start(ctx context.Context) (udf.Execution, error) {
	return &segmentExec{s: s}, nil
}

// segmentExec fits and reserves the version on its first Fill, then
// streams the data again, assigning each row; the model is saved when
// DuckDB asks for the chunk after the last row (see service.PendingSave).
type segmentExec struct {
	s       *segmentBound
	w       *segmentWriter
	pending *service.PendingSave
}

func (e *segmentExec) Threads() int { return 1 }
func (e *segmentExec) Close() error {
	if e.w != nil {
		e.w.close()
	}
	return nil
}

func (e *segmentExec) Fill(ctx context.Context, out *udf.Output) error {
	if e.w == nil {
		doc, p, err := e.s.job.Fit(ctx)
		if err != nil {
			return err
		}
		e.pending = p
		if e.w, err = newSegmentWriter(ctx, segmentFn.Name, doc, e.s.job.Query()); err != nil {
			return err
		}
	}
	if err := e.w.fill(out); err != nil {
		return err
	}
	if out.Len() == 0 {
		return e.pending.Commit(ctx)
	}
	return nil
}

// segmentWriter streams a data query and writes every row with its
// segment and distance under a kmeans document: segment's output, and
// predict's for kmeans models.
type segmentWriter struct {
	doc     *clustering.Document
	binding *features.Binding
	r       *udf.Reader
	nIn     int
	x, dist []float64
	lab     []int32
	skip    []bool
}

func newSegmentWriter(ctx context.Context, fn string, doc *clustering.Document, q *udf.Query) (*segmentWriter, error) {
	binding, err := doc.Encoder.Bind(q.Schema())
	if err != nil {
		return nil, dserr.Arg(fn, "data", "%v", err)
	}
	r, err := q.Stream(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &segmentWriter{doc: doc, binding: binding, r: r, nIn: q.NumColumns(),
		x: make([]float64, udf.VectorSize*doc.Encoder.Width), dist: make([]float64, udf.VectorSize),
		lab: make([]int32, udf.VectorSize), skip: make([]bool, udf.VectorSize)}, nil
}

func (w *segmentWriter) close() { w.r.Close() }

func (w *segmentWriter) fill(out *udf.Output) error {
	b, err := w.r.Next()
	if err != nil || b == nil {
		out.SetLen(0)
		return err
	}
	defer b.Release()
	n := b.Len()
	for i := 0; i < w.nIn; i++ {
		out.PassThrough(i, b, i)
	}
	segCol, distCol := w.nIn, w.nIn+1
	if !out.Projected(segCol) && !out.Projected(distCol) {
		out.SetLen(n)
		return nil
	}
	skip := w.skip[:n]
	clear(skip)
	w.binding.BadRows(b.Record, skip)
	width := w.doc.Encoder.Width
	k := w.binding.Encode(b.Record, skip, w.x[:n*width])
	w.doc.Model.Assign(w.x[:k*width], k, w.lab[:k], w.dist[:k])
	segNulls, distNulls := out.Validity(segCol), out.Validity(distCol)
	dists := out.Float64s(distCol)
	j := 0
	for i := 0; i < n; i++ {
		if skip[i] || w.lab[j] < 0 {
			if !skip[i] {
				j++
			}
			if segNulls != nil {
				segNulls.SetNull(i)
			}
			if distNulls != nil {
				distNulls.SetNull(i)
			}
			continue
		}
		out.SetInt(segCol, i, int64(w.lab[j])+1)
		if dists != nil {
			dists[i] = w.dist[j]
		}
		j++
	}
	out.SetLen(n)
	return nil
}

// segmentPredictor is predict for a kmeans model: every input row with its
// segment and distance.
type segmentPredictor struct {
	fn   string
	doc  *clustering.Document
	q    *udf.Query
	cols []udf.Column
}

func newSegmentPredictor(b *udf.BindContext, fn string, doc *clustering.Document, data string) (udf.Bound, error) {
	q, err := envOf(b).Prepare(b.Ctx, fn, "data", data)
	if err != nil {
		return nil, err
	}
	cols, err := segmentColumns(fn, q)
	if err == nil {
		_, err = doc.Encoder.Bind(q.Schema())
		if err != nil {
			err = dserr.Arg(fn, "data", "%v", err)
		}
	}
	if err != nil {
		q.Close()
		return nil, err
	}
	return &segmentPredictor{fn: fn, doc: doc, q: q, cols: cols}, nil
}

func (p *segmentPredictor) Columns() []udf.Column { return p.cols }
func (p *segmentPredictor) Close() error          { p.q.Close(); return nil }

func (p *segmentPredictor) Start(ctx context.Context) (udf.Execution, error) {
	w, err := newSegmentWriter(ctx, p.fn, p.doc, p.q)
	if err != nil {
		return nil, err
	}
	return writerExec{w}, nil
}

type writerExec struct{ w *segmentWriter }

func (e writerExec) Threads() int                                    { return 1 }
func (e writerExec) Close() error                                    { e.w.close(); return nil }
func (e writerExec) Fill(ctx context.Context, out *udf.Output) error { return e.w.fill(out) }
