//go:build duckdb_arrow

package udf

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/ducksight/ducksight/dserr"
)

// catalogSQL describes what a data query must never change: the user's
// table (its rows, by checksum) and the catalog (databases, schemas,
// tables, views, sequences and their values, indexes, types).
const catalogSQL = `SELECT
	(SELECT count(*) || ':' || coalesce(sum(hash(t)), 0) FROM t),
	(SELECT list_sort(list(database_name || '/' || coalesce(path, '') || '/' || readonly))::VARCHAR FROM duckdb_databases()),
	(SELECT list_sort(list(database_name || '.' || schema_name))::VARCHAR FROM duckdb_schemas()),
	(SELECT list_sort(list(database_name || '.' || schema_name || '.' || table_name || '/' || column_count || '/' || temporary))::VARCHAR FROM duckdb_tables()),
	(SELECT list_sort(list(database_name || '.' || schema_name || '.' || view_name))::VARCHAR FROM duckdb_views() WHERE NOT internal),
	(SELECT list_sort(list(sequence_name || '/' || coalesce(last_value, 0)))::VARCHAR FROM duckdb_sequences()),
	(SELECT list_sort(list(index_name))::VARCHAR FROM duckdb_indexes()),
	(SELECT list_sort(list(type_name))::VARCHAR FROM duckdb_types() WHERE NOT internal)`

func catalogState(t *testing.T, db *sql.DB) string {
	t.Helper()
	var parts [8]sql.NullString
	ptrs := make([]any, len(parts))
	for i := range parts {
		ptrs[i] = &parts[i]
	}
	if err := db.QueryRow(catalogSQL).Scan(ptrs...); err != nil {
		t.Fatalf("reading the catalog: %v", err)
	}
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.String)
		b.WriteString("\n")
	}
	return b.String()
}

// FuzzPrepare gives Host.Prepare arbitrary data text against an in-memory
// DuckDB holding a table t, a view and a sequence (seeds, among them every
// kind of statement the data argument must refuse, in
// testdata/fuzz/FuzzPrepare). Prepare never panics; a refusal is a
// Refused, DataQuery, Cancelled or InvalidArgument error naming the function and argument;
// and whatever it accepts is a read-only query: after Prepare, and again
// after streaming the query (up to 2 s or 100,000 rows), t's checksum and
// the catalog are unchanged, and no nested connection is left open.
func FuzzPrepare(f *testing.F) {
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		f.Fatal(err)
	}
	h, err := Attach(context.Background(), c)
	if err != nil {
		f.Fatal(err)
	}
	db := sql.OpenDB(c)
	f.Cleanup(func() { db.Close() })
	for _, s := range []string{
		`CREATE TABLE t AS SELECT i AS id, 'n' || i AS name, i * 0.5 AS x FROM range(1000) r(i)`,
		`CREATE VIEW v AS SELECT id, x FROM t WHERE id % 2 = 0`,
		`CREATE SEQUENCE s`,
	} {
		if _, err := db.Exec(s); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, data string) {
		want := catalogState(t, db)
		q, err := h.Prepare(context.Background(), "fz", "data", data)
		if err != nil {
			if !errors.Is(err, dserr.Refused) && !errors.Is(err, dserr.DataQuery) && !errors.Is(err, dserr.Cancelled) && !errors.Is(err, dserr.InvalidArgument) {
				t.Fatalf("%q: error %v is not a Refused, DataQuery, Cancelled or InvalidArgument error", data, err)
			}
			if !strings.HasPrefix(err.Error(), "fz: data: ") {
				t.Fatalf("%q: error %q does not name the function and argument", data, err)
			}
		} else {
			if got := catalogState(t, db); got != want {
				q.Close()
				t.Fatalf("%q: Prepare changed the database:\n%s\nwas\n%s", data, got, want)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			r, err := q.Stream(ctx, nil)
			if err == nil {
				for r.Rows() < 100_000 {
					b, err := r.Next()
					if err != nil || b == nil {
						break
					}
					b.Release()
				}
				r.Close()
			}
			cancel()
			q.Close()
		}
		if got := catalogState(t, db); got != want {
			t.Fatalf("%q: the data query changed the database:\n%s\nwas\n%s", data, got, want)
		}
		if n := h.NestedCount(); n != 0 {
			t.Fatalf("%q: %d nested connections left open", data, n)
		}
	})
}
