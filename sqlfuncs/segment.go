//go:build duckdb_arrow

package sqlfuncs

import (
	"context"
	"slices"
	"strconv"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/kmeans"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// segment(model, data, k := ..., ...): k-means segmentation. It fits and
// saves a kmeans model, then returns every input row with its segment.

var segmentFn = &Function{
	Name:    "segment",
	Summary: "segment data with k-means (k chosen automatically when omitted), save the model, and return every row with its segment (with engine := one row per segment)",
	Example: "SELECT * FROM segment('rfm', $$SELECT customer_id, days_since_last_purchase, orders_12m, revenue_12m FROM customers$$, k := 5, exclude := ['customer_id']);",
	Columns: []ColumnDoc{
		{"segment", "INTEGER", "the row's segment, 1..k, numbered by size (1 is the largest); NULL for a row with a NaN or infinite feature"},
		{"distance", "DOUBLE", "Euclidean distance to the segment's centroid, in standardised units"},
	},
	// With engine :=, segment_profile's columns of every feature follow.
	EngineColumns: append(slices.Clip(segmentEngineColumns), segmentProfileFn.Columns[3:]...),
	Table: &udf.TableFunc{
		Name: "segment",
		Bind: bindSegment,
		Args: []udf.Param{
			withDoc(modelParam, "model name; segmenting an existing name adds a version"),
			dataParam,
		},
		Named: []udf.Param{
			{Name: "k", Type: udf.Integer, Doc: "number of segments, 2 to " + strconv.Itoa(clustering.MaxK) + " and at most the data's distinct points; 0: chosen by silhouette among 2..k_max (and at most the distinct points)",
				DefaultDoc: "0 (automatic)"},
			{Name: "k_max", Type: udf.Integer, Doc: "largest k the automatic choice tries", Default: clustering.DefaultKMax, Range: udf.Between(2, clustering.MaxKMax)},
			{Name: "features", Type: udf.List(udf.Varchar), Doc: "input columns", DefaultDoc: "all columns but exclude"},
			{Name: "exclude", Type: udf.List(udf.Varchar), Doc: "columns not to use", DefaultDoc: "none"},
			{Name: "standardize", Type: udf.Boolean, Doc: "standardise numeric columns (false: centred, in their own units)", Default: clustering.DefaultStandardize},
			{Name: "init", Type: udf.Varchar, Doc: "initialisation; 'random' picks k distinct rows", Default: kmeans.KMeansPlusPlus, Choices: []string{kmeans.KMeansPlusPlus, kmeans.Random}},
			{Name: "n_init", Type: udf.Integer, Doc: "initialisations tried; the fit with the lowest inertia is kept", Default: kmeans.DefaultNInit, Range: udf.Between(1, clustering.MaxNInit)},
			{Name: "max_iter", Type: udf.Integer, Doc: "most Lloyd iterations per initialisation", Default: kmeans.DefaultMaxIter, Range: udf.Between(1, clustering.MaxMaxIter)},
			{Name: "tol", Type: udf.Double, Doc: "stop when the centroids' squared movement is at most tol times the mean column variance (as scikit-learn)", Default: kmeans.DefaultTol,
				Range: udf.AtLeast(0)},
			{Name: "memory_limit", Type: udf.Varchar, Doc: "most memory for the encoded rows (ducksight's own memory, outside DuckDB's buffer manager: see Conventions); beyond it every iteration re-reads the data",
				DefaultDoc: "the smaller of '" + training.DefaultMemoryLimit + "' and DuckDB's memory_limit"},
			{Name: "seed", Type: udf.BigInt, Doc: "seed of the initialisations and samples", Default: training.DefaultSeed},
			{Name: "engine", Type: udf.Varchar, Doc: "segment where the data lives: 'duckdb' (this database) or 'clickhouse://[user@]host:port/database' (password from DUCKSIGHT_CLICKHOUSE_PASSWORD); data is then a table there, every Lloyd iteration is one GROUP BY query the engine runs, and the result is one row per segment (see below)",
				DefaultDoc: "none: segment here"},
			{Name: "where", Type: udf.Varchar, Doc: "with engine: a condition (the engine's SQL, no ';') pushed into every query; write it quoted, \"where\" := ..., as WHERE is a keyword", DefaultDoc: "every row"},
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
	}{{"k", &o.K}, {"k_max", &o.KMax}, {"n_init", &o.NInit}, {"max_iter", &o.MaxIter}}
	for _, x := range ints {
		if _, _, ok := a.named(x.name); !ok {
			continue
		}
		v, err := a.int(x.name) // given: in its declared range (0 only for k, where 0 is automatic)
		if err != nil {
			return o, err
		}
		*x.dst = int(v)
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
	if o.Init, err = a.string("init"); err != nil {
		return o, err
	}
	if _, _, ok := a.named("init"); ok && o.Init == "" { // the zero field would mean the default
		return o, dserr.Arg(a.fn, "init", "must be 'kmeans++' or 'random', got %q", o.Init)
	}
	if o.Tol, err = a.optFloat("tol"); err != nil {
		return o, err
	}
	if o.MemoryLimit, err = a.string("memory_limit"); err != nil {
		return o, err
	}
	if o.Seed, err = a.optInt64("seed"); err != nil {
		return o, err
	}
	if o.Engine, err = a.string("engine"); err != nil {
		return o, err
	}
	if o.Where, err = a.string("where"); err != nil {
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
	if job.Engine() {
		return bindSegmentEngine(b.Ctx, job)
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
	if err := service.CheckClash(fn, q, service.OutSegment, service.OutDistance); err != nil {
		return nil, err
	}
	var cols []udf.Column
	for i := 0; i < q.NumColumns(); i++ {
		cols = append(cols, udf.Column{Name: q.ColumnName(i), Type: q.ColumnType(i)})
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
	p       *service.Predictor
	run     *service.Run
	pending *service.PendingSave
}

func (e *segmentExec) Threads() int { return 1 }
func (e *segmentExec) Close() error {
	if e.run != nil {
		e.run.Close()
	}
	return nil
}

func (e *segmentExec) Fill(ctx context.Context, out *udf.Output) error {
	if e.run == nil {
		doc, p, err := e.s.job.Fit(ctx)
		if err != nil {
			return err
		}
		e.pending = p
		if e.p, err = service.AssignSegments(segmentFn.Name, doc, e.s.job.Query()); err != nil {
			return err
		}
		if e.run, err = e.p.Start(ctx); err != nil {
			return err
		}
	}
	if err := fillScored(out, e.p, e.run); err != nil {
		return err
	}
	if out.Len() == 0 {
		return e.pending.Commit(ctx)
	}
	return nil
}

// segmentEngineColumns are segment's first result columns with engine
// :=, one row per segment: these, then segment_profile's columns of every
// feature column (NULL for a feature the fit dropped) and the
// description.
var segmentEngineColumns = []ColumnDoc{
	{"segment", "INTEGER", "segment number, 1..k, numbered by size (1 is the largest)"},
	{"size", "BIGINT", "rows of the segment"},
	{"share", "DOUBLE", "size / all rows segmented"},
	{"inertia", "DOUBLE", "sum of squared distances of the segment's rows to its centroid, in standardised units"},
}

// bindSegmentEngine binds segment with engine :=: the feature columns
// resolved in the engine give the result's columns.
func bindSegmentEngine(ctx context.Context, job *service.SegmentJob) (udf.Bound, error) {
	feats, err := job.Features(ctx)
	if err != nil {
		job.Close()
		return nil, err
	}
	cols := resultColumns(segmentEngineColumns)
	for _, f := range feats {
		cols = append(cols, segmentProfileColumns(f.Name, f.Kind)...)
	}
	cols = append(cols, udf.Column{Name: "description", Type: udf.Varchar})
	return &rowsBound{cols: cols, close: job.Close, prepare: func(ctx context.Context) ([][]any, func(context.Context) error, error) {
		doc, inertia, pending, err := job.FitEngine(ctx)
		if err != nil {
			return nil, nil, err
		}
		rows := make([][]any, len(doc.Profile))
		for i, s := range doc.Profile {
			small := s.Size < int64(service.DefaultMinSize)
			row := []any{s.Segment, s.Size, s.Share, inertia[i]}
			for _, f := range feats {
				j := slices.IndexFunc(s.Columns, func(c clustering.SegmentColumn) bool { return c.Column == f.Name })
				if j < 0 { // dropped by the fit
					row = append(row, make([]any, len(segmentProfileColumns(f.Name, f.Kind)))...)
					continue
				}
				row = append(row, segmentProfileValues(s.Columns[j], small)...)
			}
			if small {
				row = append(row, nil)
			} else {
				row = append(row, s.Description)
			}
			rows[i] = row
		}
		return rows, pending.Commit, nil
	}}, nil
}
