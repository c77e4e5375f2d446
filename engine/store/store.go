package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/task"
)

// FormatVersion is the version of the model document format.
const FormatVersion = 1

// Record is one stored model version.
type Record struct {
	Name      string
	Version   int
	Kind      string    // "perceptron", "kmeans"
	Task      task.Task // task.Binary, task.Multiclass, task.Regression (perceptron), task.Segmentation (kmeans)
	Label     string
	Features  []string
	Options   json.RawMessage
	Metrics   json.RawMessage
	CreatedAt time.Time
	Data      string // the data text the model was trained on
	Document  json.RawMessage
	// Positive is a binary model's positive class as text (see
	// features.LabelEncoding.PositiveClass); other tasks have none, and
	// the row's positive column is NULL.
	Positive string
	// Source is where the model's data text was read; nil when unknown
	// (a model saved before ducksight kept it).
	Source *Source
}

// Source is where a stored model's training data was read: enough to read
// the same rows again (evaluate(model, NULL)), or why they cannot be.
type Source struct {
	// SearchPath is the search_path setting the data text was resolved
	// under, as the training connection reported it ("": the default).
	SearchPath string `json:"search_path"`
	// Imported is the file the model was imported from (import_model);
	// its data text names data of another database.
	Imported string `json:"imported,omitempty"`
	// Engine is the engine whose table the data text names, when the
	// model trained there (train_perceptron's engine :=): "duckdb" or
	// "clickhouse://[user@]host:port/database", never a password.
	Engine string `json:"engine,omitempty"`
}

const createSQL = `CREATE TABLE IF NOT EXISTS ducksight.models (
	name VARCHAR NOT NULL,
	version INTEGER NOT NULL,
	kind VARCHAR NOT NULL,
	task VARCHAR,
	label VARCHAR,
	features VARCHAR[],
	options JSON,
	metrics JSON,
	created_at TIMESTAMP NOT NULL,
	data VARCHAR,
	format_version INTEGER NOT NULL,
	document JSON NOT NULL,
	metric VARCHAR,
	valid_metric DOUBLE,
	positive VARCHAR,
	source JSON,
	PRIMARY KEY (name, version)
)`

// createVersionsSQL is the table of version high-water marks: the largest
// version ever given to each name, kept when versions are dropped, so a
// number is never given twice.
const createVersionsSQL = `CREATE TABLE IF NOT EXISTS ducksight.model_versions (
	name VARCHAR PRIMARY KEY,
	last_version INTEGER NOT NULL
)`

// addedColumns are the columns the first stores did not have: the
// listing columns models() reads (metric, valid_metric, positive), which
// those stores kept only in the metrics JSON and the document, and source,
// which they did not keep (NULL in their rows).
var addedColumns = []string{"metric VARCHAR", "valid_metric DOUBLE", "positive VARCHAR", "source JSON"}

// listingFromJSON reads the listing columns from the metrics JSON and the
// document of an older store's rows.
const listingFromJSON = `json_extract_string(metrics, '$.metric'), TRY_CAST(json_extract(metrics, '$.valid_metric') AS DOUBLE), ` + positiveFromJSON

// positiveFromJSON reads a binary model's positive class from its
// document: label.levels[label.positive] (positive is omitted when 0).
const positiveFromJSON = `CASE WHEN task = 'binary' THEN CASE WHEN TRY_CAST(json_extract(document, '$.label.positive') AS INTEGER) = 1
	THEN json_extract_string(document, '$.label.levels[1]') ELSE json_extract_string(document, '$.label.levels[0]') END END`

// Querier is what the store needs of a connection (*sql.Conn, *sql.DB, *sql.Tx).
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Writable reports whether the default database can be written: false for
// a read-only database.
func Writable(ctx context.Context, q Querier) (bool, error) {
	var ro bool
	err := q.QueryRowContext(ctx, `SELECT readonly FROM duckdb_databases() WHERE database_name = current_database()`).Scan(&ro)
	return !ro, err
}

// exists reports whether ducksight.models exists in the default database.
func exists(ctx context.Context, q Querier) (bool, error) {
	ok, _, err := shape(ctx, q)
	return ok, err
}

// shape reports whether ducksight.models exists in the default database
// and whether it has the added columns, in one catalog query.
func shape(ctx context.Context, q Querier) (exists, added bool, err error) {
	var n, m int
	err = q.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE column_name IN ('metric', 'valid_metric', 'positive', 'source'))
		FROM duckdb_columns()
		WHERE database_name = current_database() AND schema_name = 'ducksight' AND table_name = 'models'`).Scan(&n, &m)
	return n > 0, m == len(addedColumns), err
}

// Save stores rec as a new version of rec.Name and returns that version:
// Reserve, then SaveAt. A failure between the two leaves the reserved
// number unused (versions may have gaps; they are never reused).
func Save(ctx context.Context, q Querier, rec *Record) (int, error) {
	v, err := Reserve(ctx, q, rec.Name)
	if err != nil {
		return 0, err
	}
	if err := SaveAt(ctx, q, rec, v); err != nil {
		return 0, err
	}
	return v, nil
}

// Reserve gives name its next version number and returns it: one more
// than the largest version the name ever had, stored or dropped (table
// ducksight.model_versions keeps that high-water mark; a store written
// before it existed starts from its largest stored version). The number is
// committed at once, so it is never given again, even when nothing is
// saved under it. Concurrent reservations of one name get distinct
// numbers (a lost race retries). Reserve creates the store's tables when
// they do not exist.
func Reserve(ctx context.Context, q Querier, name string) (int, error) {
	if err := CheckName(name); err != nil {
		return 0, err
	}
	if err := ensure(ctx, q); err != nil {
		return 0, err
	}
	var v int
	err := retry(ctx, func() error {
		return q.QueryRowContext(ctx, `INSERT INTO ducksight.model_versions AS v (name, last_version)
			SELECT $1, coalesce(max(version), 0) + 1 FROM ducksight.models WHERE name = $1
			ON CONFLICT (name) DO UPDATE SET last_version = greatest(v.last_version, excluded.last_version - 1) + 1
			RETURNING last_version`, name).Scan(&v)
	})
	if err != nil {
		return 0, err
	}
	return v, nil
}

// SaveAt stores rec under version, a number Reserve gave rec.Name, in a
// single INSERT (committed at once: the model is there or not at all).
// Reserve created the tables.
func SaveAt(ctx context.Context, q Querier, rec *Record, version int) error {
	if err := CheckName(rec.Name); err != nil {
		return err
	}
	created := rec.CreatedAt
	if created.IsZero() {
		created = time.Now().UTC()
	}
	metric, valid := listing(rec.Metrics)
	var positive, source any
	if rec.Task == task.Binary {
		positive = rec.Positive
	}
	if rec.Source != nil {
		b, err := json.Marshal(rec.Source)
		if err != nil {
			return err
		}
		source = string(b)
	}
	err := retry(ctx, func() error {
		_, err := q.ExecContext(ctx, `INSERT INTO ducksight.models
			(name, version, kind, task, label, features, options, metrics, created_at, data, format_version, document, metric, valid_metric, positive, source)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
			rec.Name, version, rec.Kind, rec.Task.String(), rec.Label, rec.Features, string(orNull(rec.Options)), string(orNull(rec.Metrics)),
			created, rec.Data, FormatVersion, string(rec.Document), metric, valid, positive, source)
		return err
	})
	if err != nil {
		return err
	}
	rec.Version = version
	return nil
}

// listing returns the metric name and validation metric models() lists,
// from a metrics JSON object (NULL when absent).
func listing(metrics json.RawMessage) (metric, valid any) {
	var m struct {
		Metric      *string  `json:"metric"`
		ValidMetric *float64 `json:"valid_metric"`
	}
	if len(metrics) == 0 || json.Unmarshal(metrics, &m) != nil {
		return nil, nil
	}
	if m.Metric != nil {
		metric = *m.Metric
	}
	if m.ValidMetric != nil {
		valid = *m.ValidMetric
	}
	return metric, valid
}

// ensure creates the store's schema and tables when they do not exist, and
// gives a table of an older store the added columns (the listing columns
// filled from the metrics JSON and the documents of its rows). Two first saves racing to create them: DuckDB
// fails the loser with a write-write conflict; it retries.
func ensure(ctx context.Context, q Querier) error {
	for _, ddl := range []string{`CREATE SCHEMA IF NOT EXISTS ducksight`, createSQL, createVersionsSQL} {
		if err := retry(ctx, func() error { _, err := q.ExecContext(ctx, ddl); return err }); err != nil {
			return err
		}
	}
	has, err := hasAddedColumns(ctx, q)
	if err != nil || has {
		return err
	}
	return addColumns(ctx, q)
}

// addColumns gives an older store's table the added columns, the listing
// columns filled from the metrics JSON and the documents of its rows, in
// one transaction.
func addColumns(ctx context.Context, q Querier) error {
	return retry(ctx, func() error {
		tx, ok := q.(interface {
			BeginTx(context.Context, *sql.TxOptions) (*sql.Tx, error)
		})
		if !ok {
			return migrate(ctx, q)
		}
		t, err := tx.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if err := migrate(ctx, t); err != nil {
			t.Rollback()
			return err
		}
		return t.Commit()
	})
}

// migrate adds the added columns to an older store's table (a store may
// have some of them: metric and valid_metric came first).
func migrate(ctx context.Context, q Querier) error {
	for _, c := range addedColumns {
		if _, err := q.ExecContext(ctx, `ALTER TABLE ducksight.models ADD COLUMN IF NOT EXISTS `+c); err != nil {
			return err
		}
	}
	_, err := q.ExecContext(ctx, `UPDATE ducksight.models SET (metric, valid_metric, positive) = (`+listingFromJSON+`)`)
	return err
}

// hasAddedColumns reports whether ducksight.models has the added columns.
func hasAddedColumns(ctx context.Context, q Querier) (bool, error) {
	_, added, err := shape(ctx, q)
	return added, err
}

// retry runs f until it succeeds, fails with something other than a lost
// race (conflict), the context ends, or 20 attempts failed.
func retry(ctx context.Context, f func() error) error {
	for attempt := 0; ; attempt++ {
		err := f()
		if err == nil {
			return nil
		}
		if attempt >= 20 || ctx.Err() != nil || !conflict(err) {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 5 * time.Millisecond)
	}
}

func orNull(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("null")
	}
	return b
}

// conflict reports a lost race on the primary key or a transaction conflict.
func conflict(err error) bool {
	s := err.Error()
	for _, m := range []string{"Constraint Error", "constraint violation", "Conflict", "conflict"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// ErrNotFound is wrapped by errors for unknown models and versions.
var ErrNotFound = dserr.NotFound

// Load returns version (0: the latest) of model name.
func Load(ctx context.Context, q Querier, name string, version int) (*Record, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	// An older store opened read-only has no added columns: Load reads
	// them only when they are there.
	ok, added, err := shape(ctx, q)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound(ctx, q, false, name, version)
	}
	var rec Record
	var features []any
	var options, metrics sql.NullString
	var label, tk sql.NullString
	var data, positive, source sql.NullString
	var doc string
	var format int
	extra := positiveFromJSON + `, NULL`
	if added {
		extra = `positive, source::VARCHAR`
	}
	row := q.QueryRowContext(ctx, `SELECT name, version, kind, task, label, features, options::VARCHAR, metrics::VARCHAR,
		created_at, data, format_version, document::VARCHAR, `+extra+`
		FROM ducksight.models WHERE name = $1 AND ($2 = 0 OR version = $2)
		ORDER BY version DESC LIMIT 1`, name, version)
	err = row.Scan(&rec.Name, &rec.Version, &rec.Kind, &tk, &label, &features, &options, &metrics, &rec.CreatedAt, &data, &format, &doc, &positive, &source)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(ctx, q, true, name, version)
	}
	if err != nil {
		return nil, err
	}
	if format > FormatVersion {
		return nil, dserr.New(dserr.Incompatible, "", "model", "model %q version %d has document format %d; this ducksight reads up to %d", name, rec.Version, format, FormatVersion)
	}
	if rec.Task, err = task.Parse(tk.String); err != nil {
		return nil, fmt.Errorf("model %q version %d: task column: %v", name, rec.Version, err)
	}
	rec.Label, rec.Data, rec.Positive = label.String, data.String, positive.String
	if source.Valid {
		rec.Source = new(Source)
		if err := json.Unmarshal([]byte(source.String), rec.Source); err != nil {
			return nil, fmt.Errorf("model %q version %d: source column: %v", name, rec.Version, err)
		}
	}
	for _, f := range features {
		rec.Features = append(rec.Features, fmt.Sprint(f))
	}
	rec.Options = json.RawMessage(options.String)
	rec.Metrics = json.RawMessage(metrics.String)
	rec.Document = json.RawMessage(doc)
	return &rec, nil
}

// notFound is the error of a model or a version that is not stored. For
// a model it names the nearest stored model when one is close (a typo:
// chrun for churn, or CHURN: names are matched exactly), else points at
// models(). stored says whether the models table exists; only then is q
// read, for the stored names (a failure to read them leaves the hint out).
func notFound(ctx context.Context, q Querier, stored bool, name string, version int) error {
	if version > 0 {
		return dserr.New(dserr.NotFound, "", "version", "model %q has no version %d", name, version)
	}
	if stored {
		if names, err := modelNames(ctx, q); err == nil {
			if near, ok := dserr.Closest(name, names); ok {
				return dserr.New(dserr.NotFound, "", "model", "no model named %q (did you mean %q?)", name, near)
			}
		}
	}
	return dserr.New(dserr.NotFound, "", "model", "no model named %q (models() lists them)", name)
}

// modelNames returns the names of the stored models, in order.
func modelNames(ctx context.Context, q Querier) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT name FROM ducksight.models ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// Summary is one row of List.
type Summary struct {
	Name        string
	Version     int
	Kind        string
	Task        task.Task
	Label       string
	Features    []string
	Positive    string  // a binary model's positive class (as Record's)
	Metric      string  // "" when there is none
	ValidMetric float64 // NaN when there is none
	CreatedAt   time.Time
	Data        string
}

// List returns every stored version, by name then version. It reads the
// listing columns only, never a document or the metrics JSON, so its cost
// does not grow with the size of the models. A store written before the
// listing columns existed gets them on its first List or Save (one pass
// over its metrics JSON and documents); opened read-only, it is listed
// from its metrics JSON and documents.
func List(ctx context.Context, q Querier) ([]Summary, error) {
	ok, has, err := shape(ctx, q)
	if err != nil || !ok {
		return nil, err
	}
	if !has {
		// An older store: migrate it now when it can be written (once:
		// listing it from the metrics JSON and documents costs every
		// time).
		if w, err := Writable(ctx, q); err == nil && w && addColumns(ctx, q) == nil {
			has = true
		}
	}
	listed := `metric, valid_metric, positive`
	if !has {
		listed = listingFromJSON
	}
	rows, err := q.QueryContext(ctx, `SELECT name, version, kind, task, label, features, `+listed+`, created_at, data
		FROM ducksight.models ORDER BY name, version`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var s Summary
		var tk, label, metric, positive, data sql.NullString
		var valid sql.NullFloat64
		var features []any
		if err := rows.Scan(&s.Name, &s.Version, &s.Kind, &tk, &label, &features, &metric, &valid, &positive, &s.CreatedAt, &data); err != nil {
			return nil, err
		}
		var err error
		if s.Task, err = task.Parse(tk.String); err != nil {
			return nil, fmt.Errorf("model %q version %d: task column: %v", s.Name, s.Version, err)
		}
		s.Label, s.Data, s.Metric, s.Positive = label.String, data.String, metric.String, positive.String
		s.ValidMetric = math.NaN()
		if valid.Valid {
			s.ValidMetric = valid.Float64
		}
		for _, f := range features {
			s.Features = append(s.Features, fmt.Sprint(f))
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Drop deletes version (0: every version) of name and returns the versions
// it deleted; none is an error naming the model or version.
func Drop(ctx context.Context, q Querier, name string, version int) ([]int, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	ok, err := exists(ctx, q)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound(ctx, q, false, name, version)
	}
	rows, err := q.QueryContext(ctx, `DELETE FROM ducksight.models WHERE name = $1 AND ($2 = 0 OR version = $2) RETURNING version`, name, version)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, notFound(ctx, q, true, name, version)
	}
	return out, nil
}
