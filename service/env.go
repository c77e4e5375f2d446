//go:build duckdb_arrow

package service

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/store"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/udf"
)

// Env is where a call runs: the database (its udf.Host) and the search
// path names resolve under.
type Env struct {
	Host *udf.Host
	// SearchPath is the caller's search_path setting as a connection
	// reports it ("" is the default: models live in the default database,
	// and data names resolve as in a fresh connection). A SQL call passes
	// its connection's, so USE and SET search_path apply.
	SearchPath string
}

// Conn is a connection of the database's own pool under e's search path,
// for the store's statements. The caller closes it.
func (e Env) Conn(ctx context.Context, fn string) (*sql.Conn, error) {
	c, err := e.Host.Conn(ctx, e.SearchPath)
	if err != nil {
		return nil, dserr.Wrap(dserr.Internal, fn, "", err)
	}
	return c, nil
}

// Prepare prepares the data argument arg of function fn (see
// udf.Host.Prepare: one read-only query, never run here) and checks what
// every ducksight function needs of its columns: names that stay apart
// when compared as SQL compares them. DuckDB's identifiers are
// case-insensitive, so "a" and "A" in one query's result would make a
// label, a feature list or a model's stored columns ambiguous.
func (e Env) Prepare(ctx context.Context, fn, arg, data string) (*udf.Query, error) {
	q, err := e.Host.PrepareIn(ctx, e.SearchPath, fn, arg, data)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]string, q.NumColumns())
	for i := 0; i < q.NumColumns(); i++ {
		name := q.ColumnName(i)
		key := strings.ToLower(name)
		if prev, dup := seen[key]; dup {
			q.Close()
			if prev == name {
				return nil, dserr.Arg(fn, arg, "has two columns named %q; give each column its own name (AS ...)", name)
			}
			return nil, dserr.Arg(fn, arg, "has columns %q and %q, whose names differ only in case (SQL names are case-insensitive); rename one (AS ...)", prev, name)
		}
		seen[key] = name
	}
	return q, nil
}

// Record loads version (0: the latest) of model name.
func (e Env) Record(ctx context.Context, fn, name string, version int) (*store.Record, error) {
	conn, err := e.Conn(ctx, fn)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	rec, err := store.Load(ctx, conn, name, version)
	if err != nil {
		return nil, dserr.Wrap(dserr.Internal, fn, "model", err)
	}
	return rec, nil
}

// Perceptron loads a perceptron model (see Record) and decodes its
// document.
func (e Env) Perceptron(ctx context.Context, fn, name string, version int) (*store.Record, *training.Document, error) {
	return loadAs[*training.Document](ctx, e, fn, name, version, takesPerceptron)
}

// KMeans loads a kmeans model (segment) and decodes its document.
func (e Env) KMeans(ctx context.Context, fn, name string, version int) (*store.Record, *clustering.Document, error) {
	return loadAs[*clustering.Document](ctx, e, fn, name, version, takesKMeans)
}

// kinds are the model kinds a function takes, as the store names them,
// and the words its WrongKind error names them with. A new kind is added
// to the store's kinds (store.NewDocument) and to the sets of the
// functions that take it; a kind that predicts a label also to
// scoringModel (model.go).
type kinds struct {
	names []string
	words string
}

var (
	takesPerceptron = kinds{[]string{"perceptron"}, "perceptron"}
	takesKMeans     = kinds{[]string{"kmeans"}, "kmeans (segment)"}
	// takesScoring are the kinds that predict a label (scoringModel
	// gives their Model): what score, explain and the evaluation
	// functions of a label take.
	takesScoring = kinds{[]string{"perceptron", "boosted_trees"}, "perceptron or boosted_trees"}
	// takesAll are the kinds predict and evaluate take: every kind.
	takesAll = kinds{[]string{"perceptron", "boosted_trees", "kmeans"}, "perceptron, boosted_trees or kmeans"}
	// takesTrained are the kinds trained epoch by epoch or round by
	// round, with a training history.
	takesTrained = kinds{[]string{"perceptron", "boosted_trees"}, "perceptron or boosted_trees"}
)

// decodeKind checks that rec is of a kind fn takes and decodes its
// document (see Decode): a *training.Document for kind perceptron, a
// *clustering.Document for kmeans.
func decodeKind(fn string, rec *store.Record, takes kinds) (store.Document, error) {
	if !slices.Contains(takes.names, rec.Kind) {
		return nil, WrongKind(fn, rec, takes.words)
	}
	doc, ok := store.NewDocument(rec.Kind)
	if !ok {
		return nil, dserr.New(dserr.Internal, fn, "model", "model %q version %d: unknown kind %s", rec.Name, rec.Version, rec.Kind)
	}
	if err := Decode(fn, rec, doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// loadAs loads version (0: the latest) of model name, of a kind fn takes
// whose documents are D, and decodes its document.
func loadAs[D store.Document](ctx context.Context, e Env, fn, name string, version int, takes kinds) (*store.Record, D, error) {
	var zero D
	rec, err := e.Record(ctx, fn, name, version)
	if err != nil {
		return nil, zero, err
	}
	doc, err := decodeKind(fn, rec, takes)
	if err != nil {
		return nil, zero, err
	}
	d, ok := doc.(D)
	if !ok {
		return nil, zero, dserr.New(dserr.Internal, fn, "model", "model %q version %d: a %s document, not %T", rec.Name, rec.Version, rec.Kind, doc)
	}
	return rec, d, nil
}

// withData prepares the data argument of fn (Prepare) and builds the
// bound value of the call over the query; when build fails, it closes
// the query.
func withData[T any](ctx context.Context, e Env, fn, data string, build func(q *udf.Query) (T, error)) (T, error) {
	var zero T
	q, err := e.Prepare(ctx, fn, "data", data)
	if err != nil {
		return zero, err
	}
	v, err := build(q)
	if err != nil {
		q.Close()
		return zero, err
	}
	return v, nil
}

// bindEncoder binds a model's encoder to the columns of fn's data (schema);
// a failure is an error of the data argument.
func bindEncoder(fn string, enc *features.Encoder, schema *arrow.Schema) (*features.Binding, error) {
	b, err := enc.Bind(schema)
	if err != nil {
		return nil, dserr.Arg(fn, "data", "%v", err)
	}
	return b, nil
}

// Decode decodes a record's document into doc (a *training.Document for
// kind perceptron, a *clustering.Document for kmeans) and checks it as
// import_model checks a file (store.CheckDocument: the document validates
// itself and agrees with the row's kind, task, label and features): a
// document damaged in the table (edited by hand, written by a broken
// tool) is an error, never wrong numbers.
func Decode(fn string, rec *store.Record, doc store.Document) error {
	if err := json.Unmarshal(rec.Document, doc); err != nil {
		return dserr.New(dserr.Internal, fn, "model", "model %q version %d: unreadable document: %v", rec.Name, rec.Version, err)
	}
	if err := store.CheckDocument(rec, doc); err != nil {
		return dserr.New(dserr.Internal, fn, "model", "model %q version %d: damaged document: %v", rec.Name, rec.Version, err)
	}
	return nil
}

// WrongKind is the error of a function given a model of a kind it does
// not take.
func WrongKind(fn string, rec *store.Record, want string) error {
	return dserr.New(dserr.Incompatible, fn, "model", "model %q is of kind %s; %s takes %s models", rec.Name, rec.Kind, fn, want)
}

// CheckModelName refuses a model name the store would refuse (empty,
// control characters; store.CheckName), as an error of fn's model
// argument.
func CheckModelName(fn, name string) error {
	return dserr.Wrap(dserr.InvalidArgument, fn, "model", store.CheckName(name))
}

// Source makes a prepared data query a dataset.Source: every Stream is a
// new pass over the query.
func Source(q *udf.Query) dataset.Source { return querySource{q} }

type querySource struct{ q *udf.Query }

func (s querySource) Schema() *arrow.Schema { return s.q.Schema() }

func (s querySource) Stream(ctx context.Context) (dataset.Reader, error) {
	r, err := s.q.Stream(ctx, nil)
	if err != nil {
		return nil, err
	}
	return queryReader{r}, nil
}

type queryReader struct{ r *udf.Reader }

func (r queryReader) Next() (arrow.RecordBatch, func(), error) {
	b, err := r.r.Next()
	if err != nil || b == nil {
		return nil, nil, err
	}
	return b.Record, b.Release, nil
}

func (r queryReader) Close() { r.r.Close() }

// PendingSave is a model whose version is reserved and whose row is
// saved by Commit. A SQL function that saves a model (train_perceptron,
// segment, import_model) commits it as its execution's last step: when
// DuckDB asks for the chunk after the function's last row, which it does
// only once the statement has consumed every row. The version is reserved
// before the first row (store.Reserve), so the rows can name it. An error
// or a cancel while the statement still consumes the rows (a failing
// expression, Ctrl-C) therefore saves nothing, and neither does a
// statement that stops reading early (LIMIT, EXISTS): the execution ends
// without that last request. The save runs on the host's own connection,
// so an error raised after the function finished (a later pipeline, a
// ROLLBACK of the caller's transaction) does not undo it, and a cancel
// landing between the save and the statement's return may report an
// error with the version saved. The Go API commits at once.
type PendingSave struct {
	env     Env
	fn      string
	rec     *store.Record
	version int
	done    bool
}

// Reserve reserves the next version of rec.Name for a save that Commit
// makes later.
func Reserve(ctx context.Context, env Env, fn string, rec *store.Record) (*PendingSave, error) {
	conn, err := env.Conn(ctx, fn)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	v, err := store.Reserve(ctx, conn, rec.Name)
	if err != nil {
		return nil, saveErr(fn, err)
	}
	return &PendingSave{env: env, fn: fn, rec: rec, version: v}, nil
}

// Version is the reserved version.
func (p *PendingSave) Version() int { return p.version }

// Commit saves the model under its reserved version, once; nil does
// nothing.
func (p *PendingSave) Commit(ctx context.Context) error {
	if p == nil || p.done {
		return nil
	}
	p.done = true
	conn, err := p.env.Conn(ctx, p.fn)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := store.SaveAt(ctx, conn, p.rec, p.version); err != nil {
		return saveErr(p.fn, err)
	}
	return nil
}

// saveErr is the error of a failed save: the store's own error in fn, or
// "cannot save".
func saveErr(fn string, err error) error {
	if errors.As(err, new(*dserr.Error)) {
		return dserr.Wrap(dserr.Internal, fn, "model", err)
	}
	return dserr.New(dserr.Internal, fn, "model", "cannot save: %v", err)
}

// Save saves rec as a new version of its model at once (the Go API's
// save) and returns the version.
func Save(ctx context.Context, env Env, fn string, rec *store.Record) (int, error) {
	conn, err := env.Conn(ctx, fn)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	v, err := store.Save(ctx, conn, rec)
	if err != nil {
		return 0, saveErr(fn, err)
	}
	return v, nil
}

// Err is the error a service returns for err, a failure of function fn:
// a *dserr.Error keeps its text and code (its function set when it had
// none); a failure that comes with a cancelled ctx (a connection or the
// data query stopping) is dserr.Cancelled with the context's error in its
// chain, so errors.Is(err, context.DeadlineExceeded) holds; anything else
// is dserr.Internal. nil stays nil.
func Err(ctx context.Context, fn string, err error) error {
	if err == nil {
		return nil
	}
	var de *dserr.Error
	if !errors.As(dserr.Wrap(dserr.Internal, fn, "", err), &de) {
		return err
	}
	if cerr := ctx.Err(); cerr != nil && (de.Code == dserr.Internal || de.Code == dserr.DataQuery || de.Code == dserr.Cancelled) {
		if de.Code == dserr.Cancelled && errors.Is(de, cerr) {
			return de
		}
		return &dserr.Error{Code: dserr.Cancelled, Func: de.Func, Arg: de.Arg, Msg: de.Msg, Err: errors.Join(de, cerr)}
	}
	return de
}
