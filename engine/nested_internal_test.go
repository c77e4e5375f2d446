//go:build duckdb_arrow

package engine

import (
	"context"
	"testing"
	"time"
)

// Every data query closes its nested connection when its statement ends,
// whether it succeeded, failed at bind, failed while streaming, or was cut
// short by LIMIT.
func TestNestedConnectionsClosed(t *testing.T) {
	ctx := context.Background()
	e, err := Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	if _, err := db.ExecContext(ctx, `CREATE TABLE t AS SELECT range AS x, 'v' || range AS s FROM range(5000)`); err != nil {
		t.Fatal(err)
	}
	check := func(what string) {
		t.Helper()
		if n := e.host.NestedCount(); n != 0 {
			t.Errorf("after %s: %d nested connections open, want 0", what, n)
		}
	}
	check("Open")
	run := func(query string, wantErr bool) {
		t.Helper()
		rows, err := db.QueryContext(ctx, query)
		if err == nil {
			for rows.Next() {
			}
			err = rows.Err()
			rows.Close()
		}
		if (err != nil) != wantErr {
			t.Errorf("%s: error %v, want error: %v", query, err, wantErr)
		}
		check(query)
	}
	run(`SELECT * FROM profile('t')`, false)
	run(`SELECT column_name FROM profile('t') LIMIT 1`, false)
	run(`SELECT count(*) FROM profile($$profile('t')$$)`, false)
	run(`SELECT * FROM profile('DROP TABLE t')`, true)
	run(`SELECT * FROM profile('nope')`, true)
	run(`SELECT * FROM profile('SELEC 1')`, true)
	run(`SELECT * FROM profile('SELECT CAST(s AS INTEGER) FROM t')`, true)
	run(`SELECT * FROM profile('t') a, profile('t') b`, false)

	// A prepared statement holds its bound data query until it is closed.
	stmt, err := db.PrepareContext(ctx, `SELECT * FROM profile('t')`)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		rows, err := stmt.QueryContext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			n++
		}
		rows.Close()
		if n != 2 {
			t.Errorf("execution %d of the prepared statement: %d rows, want 2", i+1, n)
		}
	}
	if err := stmt.Close(); err != nil {
		t.Fatal(err)
	}
	check("closing a prepared statement")

	// A cancelled query closes its connection too.
	qctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	rows, err := db.QueryContext(qctx, `SELECT * FROM profile('SELECT range FROM range(10000000000)')`)
	if err == nil {
		for rows.Next() {
		}
		err = rows.Err()
		rows.Close()
	}
	if err == nil {
		t.Error("a 10^10-row profile finished within its 50ms deadline")
	}
	// The statement's error can reach the caller before DuckDB has
	// destroyed its plan (and the bound call's connection with it): the
	// connection must close, promptly but not necessarily first.
	for deadline := time.Now().Add(10 * time.Second); e.host.NestedCount() != 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	check("a cancelled query")
	cancel()
}

// A Predict reader holds its data query's connection while it streams and
// closes it at the end of the data, or when released before the end.
func TestPredictReaderConnection(t *testing.T) {
	ctx := context.Background()
	e, err := Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	if _, err := db.ExecContext(ctx, `CREATE TABLE c AS SELECT * FROM demo_customers(10000)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `SELECT * FROM train_perceptron('m', 'c', label := 'churned', features := ['age', 'plan'], epochs := 1)`); err != nil {
		t.Fatal(err)
	}
	for _, readAll := range []bool{false, true} {
		rr, err := e.Predict(ctx, "m", "c", PredictOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !rr.Next() {
			t.Fatalf("no first batch: %v", rr.Err())
		}
		if n := e.host.NestedCount(); n != 1 {
			t.Errorf("while reading: %d nested connections open, want 1", n)
		}
		if readAll {
			for rr.Next() {
			}
			if err := rr.Err(); err != nil {
				t.Fatal(err)
			}
			if n := e.host.NestedCount(); n != 0 {
				t.Errorf("at the end of the data: %d nested connections open, want 0", n)
			}
		}
		rr.Release()
		if n := e.host.NestedCount(); n != 0 {
			t.Errorf("after Release (read to the end: %v): %d nested connections open, want 0", readAll, n)
		}
	}
}
