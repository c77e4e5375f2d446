package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ducksight/ducksight/dserr"
)

// FormatVersion is the version of the model document format.
const FormatVersion = 1

// Record is one stored model version.
type Record struct {
	Name      string
	Version   int
	Kind      string // "perceptron", "kmeans"
	Task      string // "binary", "multiclass", "regression", "clustering"
	Label     string
	Features  []string
	Options   json.RawMessage
	Metrics   json.RawMessage
	CreatedAt time.Time
	Data      string // the data text the model was trained on
	Document  json.RawMessage
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
	PRIMARY KEY (name, version)
)`

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
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'ducksight' AND table_name = 'models'`).Scan(&n)
	return n > 0, err
}

// Save stores rec as a new version of rec.Name and returns that version:
// the table's largest version of the name plus one, decided in the INSERT
// itself; a concurrent save of the same name that wins the race makes this
// one retry with the next number.
func Save(ctx context.Context, q Querier, rec *Record) (int, error) {
	if err := CheckName(rec.Name); err != nil {
		return 0, err
	}
	// Two first saves racing to create the schema or table: DuckDB fails
	// the loser with a write-write conflict; retry it.
	for _, ddl := range []string{`CREATE SCHEMA IF NOT EXISTS ducksight`, createSQL} {
		for attempt := 0; ; attempt++ {
			_, err := q.ExecContext(ctx, ddl)
			if err == nil {
				break
			}
			if attempt >= 20 || ctx.Err() != nil || !conflict(err) {
				return 0, err
			}
			time.Sleep(time.Duration(attempt+1) * 10 * time.Millisecond)
		}
	}
	created := rec.CreatedAt
	if created.IsZero() {
		created = time.Now().UTC()
	}
	var lastErr error
	for attempt := 0; attempt < 20; attempt++ {
		var v int
		err := q.QueryRowContext(ctx, `INSERT INTO ducksight.models
			(name, version, kind, task, label, features, options, metrics, created_at, data, format_version, document)
			SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
			FROM ducksight.models WHERE name = $1
			RETURNING version`,
			rec.Name, rec.Kind, rec.Task, rec.Label, rec.Features, string(orNull(rec.Options)), string(orNull(rec.Metrics)),
			created, rec.Data, FormatVersion, string(rec.Document)).Scan(&v)
		if err == nil {
			rec.Version = v
			return v, nil
		}
		if ctx.Err() != nil || !conflict(err) {
			return 0, err
		}
		lastErr = err
		time.Sleep(time.Duration(attempt+1) * 5 * time.Millisecond)
	}
	return 0, lastErr
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
	ok, err := exists(ctx, q)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound(name, version)
	}
	var rec Record
	var features []any
	var options, metrics sql.NullString
	var label, task sql.NullString
	var data sql.NullString
	var doc string
	var format int
	row := q.QueryRowContext(ctx, `SELECT name, version, kind, task, label, features, options::VARCHAR, metrics::VARCHAR,
		created_at, data, format_version, document::VARCHAR
		FROM ducksight.models WHERE name = $1 AND ($2 = 0 OR version = $2)
		ORDER BY version DESC LIMIT 1`, name, version)
	err = row.Scan(&rec.Name, &rec.Version, &rec.Kind, &task, &label, &features, &options, &metrics, &rec.CreatedAt, &data, &format, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(name, version)
	}
	if err != nil {
		return nil, err
	}
	if format > FormatVersion {
		return nil, dserr.New(dserr.Incompatible, "", "model", "model %q version %d has document format %d; this ducksight reads up to %d", name, rec.Version, format, FormatVersion)
	}
	rec.Task, rec.Label, rec.Data = task.String, label.String, data.String
	for _, f := range features {
		rec.Features = append(rec.Features, fmt.Sprint(f))
	}
	rec.Options = json.RawMessage(options.String)
	rec.Metrics = json.RawMessage(metrics.String)
	rec.Document = json.RawMessage(doc)
	return &rec, nil
}

func notFound(name string, version int) error {
	if version > 0 {
		return dserr.New(dserr.NotFound, "", "version", "model %q has no version %d", name, version)
	}
	return dserr.New(dserr.NotFound, "", "model", "no model named %q (models() lists them)", name)
}

// Summary is one row of List.
type Summary struct {
	Name      string
	Version   int
	Kind      string
	Task      string
	Label     string
	Features  []string
	Metrics   json.RawMessage
	CreatedAt time.Time
	Data      string
}

// List returns every stored version, by name then version.
func List(ctx context.Context, q Querier) ([]Summary, error) {
	ok, err := exists(ctx, q)
	if err != nil || !ok {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT name, version, kind, task, label, features, metrics::VARCHAR, created_at, data
		FROM ducksight.models ORDER BY name, version`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var s Summary
		var task, label, metrics, data sql.NullString
		var features []any
		if err := rows.Scan(&s.Name, &s.Version, &s.Kind, &task, &label, &features, &metrics, &s.CreatedAt, &data); err != nil {
			return nil, err
		}
		s.Task, s.Label, s.Data = task.String, label.String, data.String
		s.Metrics = json.RawMessage(metrics.String)
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
		return nil, notFound(name, version)
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
		return nil, notFound(name, version)
	}
	return out, nil
}
