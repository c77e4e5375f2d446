//go:build duckdb_arrow

package sqlfuncs

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/kmeans"
	"github.com/ducksight/ducksight/engine/store"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
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
		},
		Mutates: true,
	},
}

func segmentOptions(a args) (clustering.Options, error) {
	// Defaults first, then what is given: a given 0 stays 0 (and is
	// refused by Validate where it is not allowed).
	var o clustering.Options
	o.Defaults()
	var err error
	ints := []struct {
		name string
		dst  *int
	}{{"k", &o.K}, {"k_max", &o.KMax}, {"n_init", &o.NInit}, {"max_iter", &o.MaxIter}}
	for _, x := range ints {
		if _, _, ok := a.named(x.name); !ok {
			continue
		}
		v, err := a.int(x.name)
		if err != nil {
			return o, err
		}
		*x.dst = int(v) // Validate states each one's bounds
	}
	if o.Features, err = a.namedStrings("features"); err != nil {
		return o, err
	}
	if o.Exclude, err = a.namedStrings("exclude"); err != nil {
		return o, err
	}
	if st, err := a.namedBool("standardize"); err != nil {
		return o, err
	} else if st != nil {
		o.Standardize = st
	}
	if o.Init, err = a.string("init"); err != nil {
		return o, err
	}
	o.Init = strings.ToLower(o.Init)
	if _, _, ok := a.named("tol"); ok {
		t, err := a.float("tol")
		if err != nil {
			return o, err
		}
		o.Tol = &t
	}
	if o.MemoryLimit, err = a.string("memory_limit"); err != nil { // "": trainingMemoryLimit's default
		return o, err
	}
	if _, _, ok := a.named("seed"); ok {
		if o.Seed, err = a.int("seed"); err != nil {
			return o, err
		}
		o.SeedGiven = true
	}
	return o, nil
}

// Segment is segment for Go callers: the same checks, data query rules,
// fitting and saving, without the returned rows (predict gives them). o
// holds what the named arguments give the SQL function; its zero values
// are the defaults.
func Segment(ctx context.Context, h *udf.Host, searchPath, name, data string, o clustering.Options) (*clustering.Document, int, error) {
	b := &udf.BindContext{Ctx: ctx, Host: h, Func: segmentFn.Table, SearchPath: searchPath}
	fn := segmentFn.Name
	if err := service.CheckModelName(fn, name); err != nil {
		return nil, 0, err
	}
	var err error
	if o.MemoryLimit, err = trainingMemoryLimit(ctx, h, fn, o.MemoryLimit); err != nil {
		return nil, 0, err
	}
	o.Defaults()
	if err := o.Validate(); err != nil {
		return nil, 0, err
	}
	if err := checkWritable(b, fn); err != nil {
		return nil, 0, err
	}
	q, err := envOf(b).Prepare(b.Ctx, fn, "data", data)
	if err != nil {
		return nil, 0, err
	}
	defer q.Close()
	return fitSegments(ctx, h, searchPath, name, data, q, o)
}

// LoadSegments returns version (0: the latest) of kmeans model name, and
// the version it is.
func LoadSegments(ctx context.Context, h *udf.Host, searchPath, fn, name string, version int) (*clustering.Document, int, error) {
	rec, doc, err := service.Env{Host: h, SearchPath: searchPath}.KMeans(ctx, fn, name, version)
	if err != nil {
		return nil, 0, err
	}
	return doc, rec.Version, nil
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
	if o.MemoryLimit, err = trainingMemoryLimit(b.Ctx, b.Host, a.fn, o.MemoryLimit); err != nil {
		return nil, err
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if err := checkWritable(b, a.fn); err != nil {
		return nil, err
	}
	q, err := envOf(b).Prepare(b.Ctx, a.fn, "data", data)
	if err != nil {
		return nil, err
	}
	cols, err := segmentColumns(a.fn, q)
	if err != nil {
		q.Close()
		return nil, err
	}
	return &segmentBound{name: name, data: data, o: o, q: q, host: b.Host, searchPath: b.SearchPath, cols: cols}, nil
}

// segmentColumns are the input columns, then segment and distance.
func segmentColumns(fn string, q *udf.Query) ([]udf.Column, error) {
	if err := service.CheckClash(fn, q, service.Segment, service.Distance); err != nil {
		return nil, err
	}
	var cols []udf.Column
	for i := 0; i < q.NumColumns(); i++ {
		cols = append(cols, udf.Column{Name: q.ColumnName(i), Type: q.ColumnType(i)})
	}
	return append(cols, udf.Column{Name: "segment", Type: udf.Integer}, udf.Column{Name: "distance", Type: udf.Double}), nil
}

type segmentBound struct {
	name, data string
	o          clustering.Options
	q          *udf.Query
	host       *udf.Host
	searchPath string
	cols       []udf.Column
}

func (s *segmentBound) Columns() []udf.Column { return s.cols }
func (s *segmentBound) Close() error          { s.q.Close(); return nil }

func (s *segmentBound) Start(ctx context.Context) (udf.Execution, error) {
	return &segmentExec{s: s}, nil
}

// segmentExec fits and reserves the version on its first Fill, then
// streams the data again, assigning each row; the model is saved when
// DuckDB asks for the chunk after the last row (see commit.go).
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
		doc, rec, err := fitSegmentRecord(ctx, e.s.name, e.s.data, e.s.q, e.s.o)
		if err != nil {
			return err
		}
		if e.pending, err = service.Reserve(ctx, service.Env{Host: e.s.host, SearchPath: e.s.searchPath}, segmentFn.Name, rec); err != nil {
			return err
		}
		if e.p, err = service.AssignSegments(segmentFn.Name, doc, e.s.q); err != nil {
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

// fitSegments fits a segmentation of q and saves it as a new version of
// name at once (Segment).
func fitSegments(ctx context.Context, h *udf.Host, searchPath, name, data string, q *udf.Query, o clustering.Options) (*clustering.Document, int, error) {
	d, rec, err := fitSegmentRecord(ctx, name, data, q, o)
	if err != nil {
		return nil, 0, err
	}
	v, err := service.Save(ctx, service.Env{Host: h, SearchPath: searchPath}, segmentFn.Name, rec)
	if err != nil {
		return nil, 0, err
	}
	return d, v, nil
}

// fitSegmentRecord fits a segmentation of q and returns it and the store
// row that saves it under name.
func fitSegmentRecord(ctx context.Context, name, data string, q *udf.Query, o clustering.Options) (*clustering.Document, *store.Record, error) {
	res, err := clustering.Fit(ctx, service.Source(q), o)
	if err != nil {
		return nil, nil, err
	}
	d := res.Doc
	doc, err := json.Marshal(d)
	if err != nil {
		return nil, nil, dserr.Wrap(dserr.Internal, segmentFn.Name, "", err)
	}
	opts, _ := json.Marshal(d.Options)
	mets, _ := json.Marshal(struct {
		Metric        string   `json:"metric"`
		ValidMetric   *float64 `json:"valid_metric"`
		K             int      `json:"k"`
		KAutomatic    bool     `json:"k_automatic"`
		Inertia       float64  `json:"inertia"`
		DaviesBouldin *float64 `json:"davies_bouldin"`
		Mode          string   `json:"mode"`
		Notes         []string `json:"notes,omitempty"`
		Seconds       float64  `json:"seconds"`
	}{"silhouette", finiteOrNil(float64(d.Quality.Silhouette)), d.K, d.KAutomatic, d.Quality.Inertia,
		finiteOrNil(float64(d.Quality.DaviesBouldin)), res.Mode, res.Notes, res.Seconds})
	return d, &store.Record{
		Name: name, Kind: "kmeans", Task: task.Segmentation, Features: d.Features,
		Options: opts, Metrics: mets, Data: data, Document: doc,
	}, nil
}

func finiteOrNil(f float64) *float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}
