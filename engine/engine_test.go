//go:build duckdb_arrow

package engine_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine"
)

// testTimeout turns a deadlock into a failure. It is a hang detector, not
// a speed check: generous enough for the race detector on a busy 2-core
// machine, where a test that trains models runs ten times slower.
const testTimeout = 5 * time.Minute

// testContext returns a context that ends with the test, or after
// testTimeout. It is cancelled in t.Cleanup, after the test's engines are
// closed (cleanups run last-registered first). Cancelling a context after
// its query finished is harmless (TestCancelAfterQuery).
func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

func openMemory(t *testing.T, ctx context.Context, opts ...engine.Option) *engine.Engine {
	t.Helper()
	e, err := engine.Open(ctx, "", opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return e
}

func mustExec(t *testing.T, ctx context.Context, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, query string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(ctx, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

type queryer interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

// queryStrings runs a query and returns its rows, each formatted as the
// tab-separated fmt.Sprint of its values.
func queryStrings(ctx context.Context, db queryer, query string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out []string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		cells := make([]string, len(vals))
		for i, v := range vals {
			cells[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(cells, "\t"))
	}
	return out, rows.Err()
}

func mustQueryStrings(t *testing.T, ctx context.Context, db queryer, query string, args ...any) []string {
	t.Helper()
	out, err := queryStrings(ctx, db, query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

func queryInt(t *testing.T, ctx context.Context, db interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestOpenMemory(t *testing.T) {
	ctx := testContext(t)
	for _, path := range []string{"", ":memory:"} {
		e, err := engine.Open(ctx, path)
		if err != nil {
			t.Fatalf("Open(%q): %v", path, err)
		}
		if e.Path() != "" {
			t.Errorf("Open(%q).Path() = %q, want \"\"", path, e.Path())
		}
		if n := queryInt(t, ctx, e.DB(), `SELECT count(*) FROM demo_customers(25)`); n != 25 {
			t.Errorf("Open(%q): demo_customers(25) has %d rows", path, n)
		}
		if err := e.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
}

func TestOpenFile(t *testing.T) {
	ctx := testContext(t)
	path := filepath.Join(t.TempDir(), "shop.duckdb")
	e, err := engine.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if e.Path() != path {
		t.Errorf("Path() = %q, want %q", e.Path(), path)
	}
	mustExec(t, ctx, e.DB(), `CREATE TABLE customers AS SELECT * FROM demo_customers(300)`)
	want := mustQueryStrings(t, ctx, e.DB(), `SELECT * FROM profile('customers')`)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no database file after Close: %v", err)
	}

	e, err = engine.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer e.Close()
	if n := queryInt(t, ctx, e.DB(), `SELECT count(*) FROM customers`); n != 300 {
		t.Errorf("after reopening, customers has %d rows, want 300", n)
	}
	got := mustQueryStrings(t, ctx, e.DB(), `SELECT * FROM profile('customers')`)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("profile after reopening:\n%s\nbefore:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(got) != 18 {
		t.Errorf("profile('customers') has %d rows, want 18", len(got))
	}
	// The stored rows are the ones the function generates again.
	if n := queryInt(t, ctx, e.DB(), `SELECT count(*) FROM (SELECT * FROM customers EXCEPT ALL SELECT * FROM demo_customers(300))`); n != 0 {
		t.Errorf("%d stored rows differ from demo_customers(300)", n)
	}
}

func TestOpenReadOnly(t *testing.T) {
	ctx := testContext(t)
	path := filepath.Join(t.TempDir(), "ro.duckdb")
	e, err := engine.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, ctx, e.DB(), `CREATE TABLE t AS SELECT range AS x FROM range(10)`)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	e, err = engine.Open(ctx, path, engine.ReadOnly())
	if err != nil {
		t.Fatalf("read-only open: %v", err)
	}
	defer e.Close()
	db := e.DB()
	if n := queryInt(t, ctx, db, `SELECT count(*) FROM t`); n != 10 {
		t.Errorf("t has %d rows, want 10", n)
	}
	got := mustQueryStrings(t, ctx, db, `SELECT column_name, rows, mean, min, max FROM profile('t')`)
	if want := "x\t10\t4.5\t0\t9"; len(got) != 1 || got[0] != want {
		t.Errorf("profile('t') = %q, want [%q]", got, want)
	}
	if n := queryInt(t, ctx, db, `SELECT count(*) FROM demo_customers(5)`); n != 5 {
		t.Errorf("demo_customers(5) has %d rows", n)
	}
	for _, stmt := range []string{
		`CREATE TABLE u (x INTEGER)`,
		`INSERT INTO t VALUES (10)`,
		`DELETE FROM t`,
		`CREATE TABLE c AS SELECT * FROM demo_customers(5)`,
	} {
		_, err := db.ExecContext(ctx, stmt)
		if err == nil {
			t.Errorf("%s: succeeded on a read-only database", stmt)
		} else if !strings.Contains(err.Error(), "read-only") {
			t.Errorf("%s: error %q does not mention read-only", stmt, err)
		}
	}
	if n := queryInt(t, ctx, db, `SELECT count(*) FROM t`); n != 10 {
		t.Errorf("after the refused writes, t has %d rows, want 10", n)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := testContext(t)
	cases := []struct {
		name string
		path string
		opts []engine.Option
		want string
	}{
		{"read-only in memory", "", []engine.Option{engine.ReadOnly()}, "engine.Open: path: a read-only database needs a file"},
		{"read-only :memory:", ":memory:", []engine.Option{engine.ReadOnly()}, "engine.Open: path: a read-only database needs a file"},
		{"negative threads", "", []engine.Option{engine.WithThreads(-1)}, "engine.Open: threads: must be at least 1 (or 0 for one per core), got -1"},
		{"missing directory", filepath.Join(t.TempDir(), "no", "such", "dir", "x.duckdb"), nil, "engine.Open: path: "},
		{"read-only missing file", filepath.Join(t.TempDir(), "missing.duckdb"), []engine.Option{engine.ReadOnly()}, "engine.Open: path: "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := engine.Open(ctx, c.path, c.opts...)
			if err == nil {
				e.Close()
				t.Fatal("Open succeeded, want an error")
			}
			if !errors.Is(err, dserr.InvalidArgument) {
				t.Errorf("errors.Is(%v, dserr.InvalidArgument) = false", err)
			}
			var de *dserr.Error
			if !errors.As(err, &de) || de.Func != "engine.Open" {
				t.Errorf("error %#v is not a *dserr.Error of engine.Open", err)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("error %q, want prefix %q", err, c.want)
			}
		})
	}
}

func TestOptions(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx, engine.WithThreads(1), engine.WithMemoryLimit("1GB"))
	var threads int64
	var limit string
	if err := e.DB().QueryRowContext(ctx, `SELECT current_setting('threads'), current_setting('memory_limit')`).Scan(&threads, &limit); err != nil {
		t.Fatal(err)
	}
	if threads != 1 {
		t.Errorf("threads = %d, want 1", threads)
	}
	// DuckDB reports 1GB (10^9 bytes) in binary units.
	if limit != "953.6 MiB" {
		t.Errorf("memory_limit = %q, want 953.6 MiB", limit)
	}
	if n := queryInt(t, ctx, e.DB(), `SELECT count(*) FROM profile('SELECT * FROM demo_customers(3000)')`); n != 18 {
		t.Errorf("profile with one thread: %d rows, want 18", n)
	}
}

func TestRegister(t *testing.T) {
	ctx := testContext(t)
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := engine.Register(ctx, c); err != nil {
		c.Close()
		t.Fatal(err)
	}
	db := sql.OpenDB(c) // closes c
	defer db.Close()

	// The data query sees the program's own tables, views and changes.
	mustExec(t, ctx, db, `CREATE TABLE orders (id INTEGER, amount DOUBLE)`)
	mustExec(t, ctx, db, `INSERT INTO orders VALUES (1, 10), (2, 20), (3, NULL)`)
	mustExec(t, ctx, db, `CREATE VIEW big AS SELECT * FROM orders WHERE amount > 15`)
	got := mustQueryStrings(t, ctx, db, `SELECT column_name, rows, nulls, mean FROM profile('orders')`)
	want := []string{"id\t3\t0\t2", "amount\t3\t1\t15"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("profile('orders') = %q, want %q", got, want)
	}
	mustExec(t, ctx, db, `INSERT INTO orders VALUES (4, 40)`)
	if n := queryInt(t, ctx, db, `SELECT rows FROM profile('orders') LIMIT 1`); n != 4 {
		t.Errorf("after an insert, profile sees %d rows, want 4", n)
	}
	if n := queryInt(t, ctx, db, `SELECT rows FROM profile('big') LIMIT 1`); n != 2 {
		t.Errorf("profile('big') sees %d rows, want 2", n)
	}
	if n := queryInt(t, ctx, db, `SELECT count(*) FROM demo_customers(12)`); n != 12 {
		t.Errorf("demo_customers(12) has %d rows", n)
	}
}

func TestRegisterNil(t *testing.T) {
	err := engine.Register(testContext(t), nil)
	if !errors.Is(err, dserr.InvalidArgument) {
		t.Errorf("Register(nil) = %v, want dserr.InvalidArgument", err)
	}
}

// A second Register on the same connector must fail cleanly (no panic), and
// leave the first registration working.
func TestRegisterTwice(t *testing.T) {
	ctx := testContext(t)
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := engine.Register(ctx, c); err != nil {
		c.Close()
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	defer db.Close()
	mustExec(t, ctx, db, `CREATE TABLE t AS SELECT range AS x FROM range(4)`)

	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("second Register panicked: %v", r)
			}
		}()
		if err := engine.Register(ctx, c); err != nil {
			t.Errorf("second Register on the same connector: %v (want it to be a no-op)", err)
		}
	}()
	if n := queryInt(t, ctx, db, `SELECT rows FROM profile('t') LIMIT 1`); n != 4 {
		t.Errorf("after the second Register, profile sees %d rows, want 4", n)
	}
	if n := queryInt(t, ctx, db, `SELECT count(*) FROM duckdb_functions() WHERE function_name IN ('profile', 'demo_customers')`); n != 2 {
		t.Errorf("%d catalog entries for the two functions, want 2", n)
	}
}

// Two engines on the same file share one DuckDB instance (duckdb-go's
// instance cache): the functions are registered once, and closing either
// engine leaves them working in the other.
func TestTwoEnginesOneFile(t *testing.T) {
	ctx := testContext(t)
	path := filepath.Join(t.TempDir(), "shared.duckdb")
	for _, closeFirst := range []bool{true, false} {
		e1, err := engine.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		e2, err := engine.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		mustExec(t, ctx, e1.DB(), `CREATE OR REPLACE TABLE t AS SELECT range AS x FROM range(7)`)
		if n := queryInt(t, ctx, e2.DB(), `SELECT rows FROM profile('t') LIMIT 1`); n != 7 {
			t.Fatalf("e2 sees %d rows", n)
		}
		closing, keep := e1, e2
		if !closeFirst {
			closing, keep = e2, e1
		}
		if err := closing.Close(); err != nil {
			t.Fatal(err)
		}
		if n := queryInt(t, ctx, keep.DB(), `SELECT rows FROM profile('t') LIMIT 1`); n != 7 {
			t.Fatalf("after closing the other engine, profile sees %d rows", n)
		}
		if n := queryInt(t, ctx, keep.DB(), `SELECT count(*) FROM duckdb_functions() WHERE function_name = 'profile'`); n != 1 {
			t.Fatalf("%d catalog entries for profile", n)
		}
		if err := keep.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// The data query runs on a connection of its own, not one from the pool, so
// a pool of one connection cannot deadlock.
func TestMaxOpenConnsOne(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	db.SetMaxOpenConns(1)
	mustExec(t, ctx, db, `CREATE TABLE customers AS SELECT * FROM demo_customers(3000)`)
	got := mustQueryStrings(t, ctx, db, `SELECT column_name, rows FROM profile('customers')`)
	if len(got) != 18 || got[0] != "customer_id\t3000" {
		t.Errorf("profile('customers') = %q", got)
	}
	// A profile of a profile: two nested connections at once.
	if n := queryInt(t, ctx, db, `SELECT count(*) FROM profile($$profile('customers')$$)`); n != 19 {
		t.Errorf("profile of profile: %d rows, want 19 (one per profile column)", n)
	}
	// Inside a transaction holding the only pool connection.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if n := queryInt(t, ctx, tx, `SELECT rows FROM profile('customers') LIMIT 1`); n != 3000 {
		t.Errorf("profile in a transaction: %d rows, want 3000", n)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatalf("timed out (deadlock?): %v", ctx.Err())
	}
}

// The functions are in the database's catalog: every connection can call
// them, and each sees the committed state.
func TestSeveralConnections(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	c1, err := e.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	c2, err := e.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()

	mustExec(t, ctx, c1, `CREATE TABLE t AS SELECT * FROM demo_customers(100)`)
	for i, c := range []*sql.Conn{c1, c2} {
		if n := queryInt(t, ctx, c, `SELECT rows FROM profile('t') LIMIT 1`); n != 100 {
			t.Errorf("conn %d: profile sees %d rows, want 100", i+1, n)
		}
		if n := queryInt(t, ctx, c, `SELECT count(*) FROM demo_customers(7)`); n != 7 {
			t.Errorf("conn %d: demo_customers(7) has %d rows", i+1, n)
		}
	}
	// A TEMP table of c1 is invisible to data queries, on either connection.
	mustExec(t, ctx, c1, `CREATE TEMP TABLE scratch AS SELECT 1 AS x`)
	for i, c := range []*sql.Conn{c1, c2} {
		_, err := queryStrings(ctx, c, `SELECT * FROM profile('scratch')`)
		if err == nil || !strings.Contains(err.Error(), "profile: data: Catalog Error: Table with name scratch does not exist!") {
			t.Errorf("conn %d: profile('scratch') error = %v", i+1, err)
		}
	}
	// Rows c1 has not committed are invisible to data queries.
	mustExec(t, ctx, c1, `BEGIN`)
	mustExec(t, ctx, c1, `DELETE FROM t WHERE customer_id > 10`)
	if n := queryInt(t, ctx, c1, `SELECT count(*) FROM t`); n != 10 {
		t.Errorf("c1 sees %d rows of its own transaction, want 10", n)
	}
	for i, c := range []*sql.Conn{c1, c2} {
		if n := queryInt(t, ctx, c, `SELECT rows FROM profile('t') LIMIT 1`); n != 100 {
			t.Errorf("conn %d: profile sees %d rows during c1's transaction, want the committed 100", i+1, n)
		}
	}
	mustExec(t, ctx, c1, `COMMIT`)
	if n := queryInt(t, ctx, c2, `SELECT rows FROM profile('t') LIMIT 1`); n != 10 {
		t.Errorf("after COMMIT profile sees %d rows, want 10", n)
	}
}

func TestConcurrentProfile(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE customers AS SELECT * FROM demo_customers(20000)`)
	const query = `SELECT * FROM profile('customers')`
	want := mustQueryStrings(t, ctx, db, query)
	if len(want) != 18 {
		t.Fatalf("profile has %d rows, want 18", len(want))
	}
	const workers, rounds = 4, 3
	results := make([][]string, workers*rounds)
	errs := make([]error, workers*rounds)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				results[w*rounds+r], errs[w*rounds+r] = queryStrings(ctx, db, query)
			}
		}(w)
	}
	wg.Wait()
	for i := range results {
		if errs[i] != nil {
			t.Errorf("query %d: %v", i, errs[i])
			continue
		}
		if strings.Join(results[i], "\n") != strings.Join(want, "\n") {
			t.Errorf("query %d differs:\n%s\nwant:\n%s", i, strings.Join(results[i], "\n"), strings.Join(want, "\n"))
		}
	}
}

func TestQueryParameters(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE t AS SELECT range AS x FROM range(6)`)
	if n := queryInt(t, ctx, db, `SELECT rows FROM profile(?) LIMIT 1`, "t"); n != 6 {
		t.Errorf("profile(?) with 't': %d rows, want 6", n)
	}
	if n := queryInt(t, ctx, db, `SELECT count(*) FROM demo_customers(?, seed := ?)`, 9, 3); n != 9 {
		t.Errorf("demo_customers(?, seed := ?) with 9, 3: %d rows", n)
	}
	// A prepared statement runs again with new arguments.
	stmt, err := db.PrepareContext(ctx, `SELECT count(*) FROM demo_customers(?)`)
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	for _, n := range []int64{0, 1, 2049} {
		var got int64
		if err := stmt.QueryRowContext(ctx, n).Scan(&got); err != nil {
			t.Fatalf("prepared demo_customers(%d): %v", n, err)
		}
		if got != n {
			t.Errorf("prepared demo_customers(%d): %d rows", n, got)
		}
	}
}

// Cancellation tests run their loops in a child process (the test binary
// run again with DUCKSIGHT_TEST_CHILD set), so a crash in cgo fails the test
// instead of killing the whole run.

// inChild reports whether this process is the child running test name.
func inChild(name string) bool { return os.Getenv("DUCKSIGHT_TEST_CHILD") == name }

// runChild runs test name in a child process and fails t, with what the
// child printed, unless it passes.
func runChild(t *testing.T, name, what string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "DUCKSIGHT_TEST_CHILD="+name)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+name) {
		lines := strings.Split(string(out), "\n")
		if len(lines) > 40 {
			lines = lines[:40]
		}
		t.Errorf("%s (child process: %v); first lines of its output:\n%s", what, err, strings.Join(lines, "\n"))
	}
}

// A cancelled context stops a long data query, with an error that says so,
// and leaves the engine working.
func TestCancelDuringQuery(t *testing.T) {
	if !inChild(t.Name()) {
		runChild(t, t.Name(), "cancelling a running profile query failed or crashed the process")
		return
	}
	e, err := engine.Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for i := 0; i < 10; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		start := time.Now()
		_, err := queryStrings(ctx, e.DB(), `SELECT * FROM profile('SELECT range FROM range(10000000000)')`)
		cancel()
		if err == nil {
			t.Fatal("a 10^10-row profile finished within its 50ms deadline")
		}
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("cancellation took %v", d)
		}
		if !strings.Contains(err.Error(), "context deadline exceeded") {
			t.Errorf("error %q does not say the context ended", err)
		}
		var n int64
		if err := e.DB().QueryRow(`SELECT count(*) FROM profile('SELECT 1 AS x')`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("after a cancelled query: %d rows, %v", n, err)
		}
	}
}

// Cancelling a query's context after the query has finished -- what every
// caller does with `defer cancel()` -- must be harmless.
func TestCancelAfterQuery(t *testing.T) {
	if !inChild(t.Name()) {
		runChild(t, t.Name(), "profile queries whose context is cancelled after they finish crash the process")
		return
	}
	e, err := engine.Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	mustExec(t, context.Background(), db, `CREATE TABLE t AS SELECT range AS x FROM range(10)`)
	for i := 0; i < 300; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		if _, err := queryStrings(ctx, db, `SELECT * FROM profile('t')`); err != nil {
			cancel()
			t.Fatal(err)
		}
		cancel()
	}
}

// Functions lists what is registered: each documented function is in the
// catalog and callable, with the documented result columns.
func TestFunctions(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	docs := engine.Functions()
	names := map[string]bool{}
	for _, d := range docs {
		names[d.Name] = true
		if d.Summary == "" || d.Example == "" || len(d.Columns) == 0 {
			t.Errorf("%s: incomplete doc %+v", d.Name, d)
		}
		overloads := int64(1)
		for _, a := range d.Args {
			if a.Optional {
				overloads++
			}
		}
		if n := queryInt(t, ctx, e.DB(), `SELECT count(*) FROM duckdb_functions() WHERE function_name = ? AND function_type = ?`, d.Name, d.Kind); n != overloads {
			t.Errorf("%s: %d %s functions of that name in the catalog, want %d", d.Name, n, d.Kind, overloads)
		}
	}
	for _, want := range []string{"demo_customers", "profile"} {
		if !names[want] {
			t.Errorf("Functions() lacks %s", want)
		}
	}
	calls := map[string]string{
		"demo_customers": `DESCRIBE SELECT * FROM demo_customers(1)`,
		"profile":        `DESCRIBE SELECT * FROM profile('SELECT 1 AS x')`,
	}
	for _, d := range docs {
		call, ok := calls[d.Name]
		if !ok {
			continue
		}
		got := mustQueryStrings(t, ctx, e.DB(), `SELECT column_name || ' ' || column_type FROM (`+call+`)`)
		var want []string
		for _, c := range d.Columns {
			want = append(want, c.Name+" "+c.Type)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: result columns %q, documented %q", d.Name, got, want)
		}
	}
	// An error crossing DuckDB keeps the function: argument: message form.
	_, err := queryStrings(ctx, e.DB(), `SELECT * FROM demo_customers(-5)`)
	if err == nil || !strings.Contains(err.Error(), "demo_customers: n: must be between 0 and 100000000, got -5") {
		t.Errorf("demo_customers(-5): error %v", err)
	}
}
