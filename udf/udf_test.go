//go:build duckdb_arrow

package udf

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/dserr"
)

func TestCompatible(t *testing.T) {
	if err := CheckCompatible(); err != nil {
		t.Fatal(err)
	}
}

func mustExec(t *testing.T, db *testDB, q string) {
	t.Helper()
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func queryFloat(t *testing.T, db *testDB, q string) float64 {
	t.Helper()
	var f float64
	if err := db.QueryRow(q).Scan(&f); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return f
}

func TestProjection(t *testing.T) {
	db := openTest(t, "")
	const n = 5000
	sumA, sumB := 0.0, 0.0
	for i := 0; i < n; i++ {
		sumA += float64(i)
		sumB += float64(i) * 0.5
	}
	if got := queryFloat(t, db, `SELECT sum(b) FROM t_emit(5000)`); got != sumB {
		t.Errorf("sum(b) = %v, want %v", got, sumB)
	}
	if got := queryFloat(t, db, `SELECT sum(a) FROM t_emit(5000)`); got != sumA {
		t.Errorf("sum(a) = %v, want %v", got, sumA)
	}
	// Reordered columns and a single projected column.
	rows, err := db.Query(`SELECT b, a FROM t_emit(5000) WHERE a < 3 ORDER BY a`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var a, b float64
		if err := rows.Scan(&b, &a); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprint(a, ":", b))
	}
	rows.Close()
	if strings.Join(got, " ") != "0:0 1:0.5 2:1" {
		t.Errorf("reordered = %v", got)
	}
	var cnt int64
	if err := db.QueryRow(`SELECT count(*) FROM t_emit(4097)`).Scan(&cnt); err != nil || cnt != 4097 {
		t.Errorf("count(*) = %d, %v", cnt, err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM t_emit(0)`).Scan(&cnt); err != nil || cnt != 0 {
		t.Errorf("count(*) of empty = %d, %v", cnt, err)
	}
	// Pass-through with projection: only some input and added columns.
	mustExec(t, db, `CREATE TABLE p AS SELECT i AS x, i * 2 AS y, 'v' || i AS z FROM range(3000) t(i)`)
	var sy, sidx float64
	if err := db.QueryRow(`SELECT sum(y), sum(idx) FROM t_pass('p')`).Scan(&sy, &sidx); err != nil {
		t.Fatal(err)
	}
	if want := float64(2 * 2999 * 3000 / 2); sy != want || sidx != float64(2999*3000/2) {
		t.Errorf("sum(y), sum(idx) = %v, %v", sy, sidx)
	}
	var z, label string
	if err := db.QueryRow(`SELECT label, z FROM t_pass('p') WHERE x = 2500`).Scan(&label, &z); err != nil {
		t.Fatal(err)
	}
	if z != "v2500" || label != "r2500" {
		t.Errorf("label, z = %q, %q", label, z)
	}
}

// The pass-through table covers every kind of column with NULLs.
const allTypes = `CREATE TABLE types AS
SELECT i,
  CASE WHEN i % 7 = 0 THEN NULL ELSE i * 1.5 END::DOUBLE AS d,
  CASE WHEN i % 5 = 0 THEN NULL ELSE i END::INTEGER AS n32,
  (i % 3 = 0) AS flag,
  CASE WHEN i % 4 = 0 THEN NULL ELSE i % 2 = 0 END AS flagn,
  CASE WHEN i % 6 = 0 THEN NULL ELSE 'text-' || i || repeat('x', i % 20) END AS s,
  CASE WHEN i % 9 = 0 THEN NULL ELSE (i / 100)::DECIMAL(12,2) END AS dec,
  CASE WHEN i % 8 = 0 THEN NULL ELSE DATE '2020-01-01' + (i % 1000)::INTEGER END AS dt,
  CASE WHEN i % 11 = 0 THEN NULL ELSE TIMESTAMP '2021-06-01 12:00:00' + to_seconds(i) END AS ts,
  CASE WHEN i % 10 = 0 THEN NULL ELSE [i, i + 1] END AS lst,
  CASE WHEN i % 12 = 0 THEN NULL ELSE {'a': i, 'b': 'x' || i} END AS st,
  (['red', 'green', 'blue'])[i % 3 + 1]::ENUM('red', 'green', 'blue') AS colour,
  i::HUGEINT AS big,
  CASE WHEN i % 13 = 0 THEN NULL ELSE i::SMALLINT END AS small
FROM range(5000) t(i)`

func TestPassThroughAllTypes(t *testing.T) {
	db := openTest(t, "")
	mustExec(t, db, allTypes)
	// Every pass-through column equals its source, NULLs included.
	var diff int64
	q := `SELECT count(*) FROM (
	  SELECT i, d, n32, flag, flagn, s, dec, dt, ts, lst, st, colour, big, small FROM t_pass('types')
	  EXCEPT ALL SELECT * FROM types)`
	if err := db.QueryRow(q).Scan(&diff); err != nil {
		t.Fatal(err)
	}
	if diff != 0 {
		t.Fatalf("%d pass-through rows differ", diff)
	}
	var n int64
	if err := db.QueryRow(`SELECT count(*) FROM t_pass('types')`).Scan(&n); err != nil || n != 5000 {
		t.Fatalf("rows = %d, %v", n, err)
	}
	// Added columns: long and short strings, booleans, NULLs.
	var bad int64
	q = `SELECT count(*) FROM t_pass('types') WHERE
	  label <> 'r' || idx || CASE WHEN idx % 3 = 0 THEN '-a-long-label-beyond-inline' ELSE '' END
	  OR odd <> (idx % 2 = 1)
	  OR (idx % 2 = 0) <> (half IS NULL)
	  OR (half IS NOT NULL AND half <> idx / 2)`
	if err := db.QueryRow(q).Scan(&bad); err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Fatalf("%d rows with wrong added columns", bad)
	}
	// Types of the pass-through columns are the source types.
	rows, err := db.Query(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM t_pass('types'))`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var a, b string
		rows.Scan(&a, &b)
		got = append(got, a+" "+b)
	}
	rows.Close()
	want := "i BIGINT|d DOUBLE|n32 INTEGER|flag BOOLEAN|flagn BOOLEAN|s VARCHAR|dec DECIMAL(12,2)|dt DATE|ts TIMESTAMP|" +
		"lst BIGINT[]|st STRUCT(a BIGINT, b VARCHAR)|colour ENUM('red', 'green', 'blue')|big HUGEINT|small SMALLINT|" +
		"idx BIGINT|label VARCHAR|odd BOOLEAN|half DOUBLE"
	if strings.Join(got, "|") != want {
		t.Errorf("schema\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
}

// TestArrowBatches checks the Arrow conversion of every column kind against
// DuckDB's own values, with a checked allocator: nothing may leak.
func TestArrowBatches(t *testing.T) {
	db := openTest(t, "")
	mustExec(t, db, allTypes)
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	ctx := context.Background()
	q, err := db.host.Prepare(ctx, "test", "data", "types")
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if q.SQL != "FROM types" {
		t.Errorf("SQL = %q", q.SQL)
	}
	r, err := q.Stream(ctx, alloc)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var sumD, sumN32, sumDec, sumSmall float64
	var trues, truesN, nullsD, nullsS, nullsDt, nullsTs, lenS, nullsLst, nullsSt int64
	var sumDays, sumSecs float64
	for {
		b, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if b == nil {
			break
		}
		rec := b.Record
		sumD += sumArray(rec.Column(1))
		nullsD += int64(rec.Column(1).NullN())
		sumN32 += sumArray(rec.Column(2))
		trues += int64(sumArray(rec.Column(3)))
		truesN += int64(sumArray(rec.Column(4)))
		s := rec.Column(5).(interface {
			arrow_ValueStr
		})
		for i := 0; i < s.Len(); i++ {
			if s.IsNull(i) {
				nullsS++
			} else {
				lenS += int64(len(s.ValueStr(i)))
			}
		}
		dec := rec.Column(6).(*array.Decimal128)
		for i := 0; i < dec.Len(); i++ {
			if dec.IsValid(i) {
				sumDec += dec.Value(i).ToFloat64(2)
			}
		}
		dt := rec.Column(7).(*array.Date32)
		nullsDt += int64(dt.NullN())
		for i := 0; i < dt.Len(); i++ {
			if dt.IsValid(i) {
				sumDays += float64(dt.Value(i))
			}
		}
		ts := rec.Column(8).(*array.Timestamp)
		nullsTs += int64(ts.NullN())
		for i := 0; i < ts.Len(); i++ {
			if ts.IsValid(i) {
				sumSecs += float64(ts.Value(i)) / 1e6
			}
		}
		nullsLst += int64(rec.Column(9).NullN())
		nullsSt += int64(rec.Column(10).NullN())
		sumSmall += sumArray(rec.Column(13))
		b.Release()
	}
	var wD, wN32, wDec, wDays, wSecs, wSmall float64
	var wTrues, wTruesN, wNullsD, wNullsS, wNullsDt, wNullsTs, wLenS, wNullsLst, wNullsSt int64
	err = db.QueryRow(`SELECT sum(d), sum(n32), count(*) FILTER (flag), count(*) FILTER (flagn),
	  count(*) - count(d), count(*) - count(s), sum(length(s)), sum(dec)::DOUBLE,
	  count(*) - count(dt), sum(dt - DATE '1970-01-01'), count(*) - count(ts), sum(epoch(ts)),
	  count(*) - count(lst), count(*) - count(st), sum(small)
	  FROM types`).Scan(&wD, &wN32, &wTrues, &wTruesN, &wNullsD, &wNullsS, &wLenS, &wDec,
		&wNullsDt, &wDays, &wNullsTs, &wSecs, &wNullsLst, &wNullsSt, &wSmall)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got, want float64) {
		t.Helper()
		if got != want && (want == 0 || abs(got-want)/abs(want) > 1e-12) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("sum(d)", sumD, wD)
	check("sum(n32)", sumN32, wN32)
	check("trues", float64(trues), float64(wTrues))
	check("trues nullable", float64(truesN), float64(wTruesN))
	check("nulls d", float64(nullsD), float64(wNullsD))
	check("nulls s", float64(nullsS), float64(wNullsS))
	check("len s", float64(lenS), float64(wLenS))
	check("sum(dec)", sumDec, wDec)
	check("nulls dt", float64(nullsDt), float64(wNullsDt))
	check("days", sumDays, wDays)
	check("nulls ts", float64(nullsTs), float64(wNullsTs))
	check("secs", sumSecs, wSecs)
	check("nulls lst", float64(nullsLst), float64(wNullsLst))
	check("nulls st", float64(nullsSt), float64(wNullsSt))
	check("sum(small)", sumSmall, wSmall)
	if r.Rows() != 5000 {
		t.Errorf("rows = %d", r.Rows())
	}
}

type arrow_ValueStr interface {
	Len() int
	IsNull(int) bool
	ValueStr(int) string
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestDataArgumentForms(t *testing.T) {
	db := openTest(t, "")
	dir := t.TempDir()
	mustExec(t, db, `CREATE TABLE customers AS SELECT i AS id, i * 2.0 AS v FROM range(100) t(i)`)
	mustExec(t, db, `CREATE SCHEMA s2`)
	mustExec(t, db, `CREATE TABLE s2."My Table" AS SELECT 1.0 AS v UNION ALL SELECT 2.0`)
	mustExec(t, db, `CREATE VIEW big AS SELECT * FROM customers WHERE v > 100`)
	pq := filepath.Join(dir, "sales.parquet")
	mustExec(t, db, fmt.Sprintf(`COPY (SELECT 3.0 AS v UNION ALL SELECT 4.0) TO '%s'`, pq))
	cases := []struct {
		data    string
		sql     string
		rows    int64
		checked float64
	}{
		{"customers", "FROM customers", 100, 4950 + 9900},
		{"main.customers", "FROM main.customers", 100, 4950 + 9900},
		{`s2."My Table"`, `FROM s2."My Table"`, 2, 3},
		{"big", "FROM big", 49, 0},
		{"'" + pq + "'", "FROM '" + pq + "'", 2, 7},
		{"SELECT v FROM customers WHERE id < 10", "", 10, 90},
		{"  -- a comment\n SELECT 1.0 AS one", "", 1, 1},
		{"FROM customers SELECT v WHERE id < 3", "", 3, 6},
		{"VALUES (1.0), (2.0)", "", 2, 3},
		{"WITH x AS (SELECT 5.0 AS v) SELECT * FROM x", "", 1, 5},
		{"TABLE customers", "", 100, 4950 + 9900},
		{"(SELECT 2.0 AS v)", "", 1, 2},
		{"SELECT 'it''s' AS s, 1.0 AS v", "", 1, 1},
		{"SUMMARIZE customers", "", 2, 0},
		{"DESCRIBE customers", "", 2, 0},
		{"PIVOT customers ON id IN (1, 2) USING sum(v)", "", 1, 6},
	}
	for _, c := range cases {
		q, err := db.host.Prepare(context.Background(), "test", "data", c.data)
		if err != nil {
			t.Errorf("%q: %v", c.data, err)
			continue
		}
		want := c.sql
		if want == "" {
			want = c.data
		}
		if q.SQL != want {
			t.Errorf("%q ran as %q, want %q", c.data, q.SQL, want)
		}
		rows, _, sum, err := scanAll(context.Background(), q, nil)
		q.Close()
		if err != nil {
			t.Errorf("%q: %v", c.data, err)
			continue
		}
		if rows != c.rows || (c.checked != 0 && sum != c.checked) {
			t.Errorf("%q: rows %d sum %v, want %d %v", c.data, rows, sum, c.rows, c.checked)
		}
	}
	if n := db.host.NestedCount(); n != 0 {
		t.Errorf("%d nested connections left open", n)
	}
}

func TestRefused(t *testing.T) {
	db := openTest(t, "")
	dir := t.TempDir()
	mustExec(t, db, `CREATE TABLE customers AS SELECT i AS id FROM range(10) t(i)`)
	mustExec(t, db, `CREATE TABLE t AS SELECT 1 AS x`)
	refused := []string{
		"DROP TABLE customers",
		"DELETE FROM customers",
		"DROP TABLE t; SELECT 1",
		"SELECT 1; DROP TABLE t",
		"customers; DROP TABLE t",
		"UPDATE customers SET id = 0",
		"INSERT INTO customers VALUES (99)",
		"CREATE TABLE evil AS SELECT 1",
		fmt.Sprintf("COPY customers TO '%s'", filepath.Join(dir, "out.csv")),
		fmt.Sprintf("ATTACH '%s' AS other", filepath.Join(dir, "other.db")),
		"INSTALL httpfs",
		"LOAD httpfs",
		"PRAGMA table_info('customers')",
		"PRAGMA threads=1",
		"SET threads = 1",
		"CALL pragma_version()",
		"EXPLAIN SELECT 1",
		"BEGIN TRANSACTION",
		"CHECKPOINT",
		"VACUUM",
		"EXPORT DATABASE '" + dir + "'",
		"USE memory",
		"DETACH memory",
	}
	for _, data := range refused {
		q, err := db.host.Prepare(context.Background(), "fn", "data", data)
		if err == nil {
			q.Close()
			t.Errorf("%q was accepted", data)
			continue
		}
		if !errors.Is(err, dserr.Refused) && !errors.Is(err, dserr.DataQuery) {
			t.Errorf("%q: error %v is neither Refused nor DataQuery", data, err)
		}
		if !strings.HasPrefix(err.Error(), "fn: data: ") {
			t.Errorf("%q: error %q lacks the function and argument", data, err)
		}
	}
	var n int64
	if err := db.QueryRow(`SELECT count(*) FROM customers`).Scan(&n); err != nil || n != 10 {
		t.Fatalf("customers has %d rows (%v)", n, err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("t has %d rows (%v)", n, err)
	}
	for _, f := range []string{"out.csv", "other.db"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s was written", f)
		}
	}
	// Through SQL too, and the empty string.
	for _, data := range []string{"DROP TABLE customers", "", "   "} {
		_, err := db.Exec(`SELECT * FROM t_scan(?)`, data)
		if err == nil || !strings.Contains(err.Error(), "t_scan: data: ") {
			t.Errorf("t_scan(%q): %v", data, err)
		}
	}
	if err := db.QueryRow(`SELECT count(*) FROM customers`).Scan(&n); err != nil || n != 10 {
		t.Fatalf("customers has %d rows (%v)", n, err)
	}
	if db.host.NestedCount() != 0 {
		t.Errorf("nested connections left open")
	}
}

func TestDataErrors(t *testing.T) {
	db := openTest(t, "")
	mustExec(t, db, `CREATE TEMP TABLE tmp AS SELECT 1 AS x`)
	cases := []struct{ data, want string }{
		{"custmers", `t_scan: data: Catalog Error: Table with name custmers does not exist`},
		{"SELEC 1", `t_scan: data: Parser Error: syntax error at or near "SELEC"`},
		{"tmp", "cannot see TEMP tables"},
		{"SELECT nosuch FROM range(3)", `t_scan: data: Binder Error: Referenced column "nosuch" not found`},
	}
	for _, c := range cases {
		_, err := db.Exec(`SELECT * FROM t_scan(?)`, c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("t_scan(%q): %v, want it to contain %q", c.data, err, c.want)
		}
		if err != nil && strings.Count(err.Error(), "t_scan: data:") != 1 {
			t.Errorf("t_scan(%q): prefix repeated: %v", c.data, err)
		}
	}
}

// A query failing at row 1.5M is an error, never a silently shorter result.
func TestErrorMidStream(t *testing.T) {
	db := openTest(t, "")
	data := `SELECT CASE WHEN i = 1500000 THEN error('boom at 1.5M') ELSE i END::DOUBLE AS x FROM range(2000000) t(i)`
	q, err := db.host.Prepare(context.Background(), "fn", "data", data)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	rows, _, _, err := scanAll(context.Background(), q, nil)
	// DuckDB 1.5.6 sometimes reports its interruption of the other threads
	// instead of the failing thread's error; the message then says so.
	if err == nil || !(strings.Contains(err.Error(), "boom at 1.5M") || strings.Contains(err.Error(), "Interrupted!"+lostError)) ||
		!errors.Is(err, dserr.DataQuery) {
		t.Fatalf("rows %d, err %v", rows, err)
	}
	// And through SQL.
	_, err = db.Exec(`SELECT * FROM t_scan(?)`, data)
	if err == nil || !strings.Contains(err.Error(), "t_scan: data: ") ||
		!(strings.Contains(err.Error(), "boom at 1.5M") || strings.Contains(err.Error(), "Interrupted!"+lostError)) {
		t.Fatalf("t_scan: %v", err)
	}
	// The same Query streams again after a failure elsewhere.
	ok, err := db.host.Prepare(context.Background(), "fn", "data", "SELECT i::DOUBLE AS x FROM range(3000000) t(i)")
	if err != nil {
		t.Fatal(err)
	}
	defer ok.Close()
	for k := 0; k < 2; k++ {
		n, _, s, err := scanAll(context.Background(), ok, nil)
		if err != nil || n != 3000000 || s != 2999999.0*3000000/2 {
			t.Fatalf("pass %d: rows %d sum %v err %v", k, n, s, err)
		}
	}
}

func TestNestedMutationRefused(t *testing.T) {
	db := openTest(t, "")
	// At top level it runs.
	var ok bool
	if err := db.QueryRow(`SELECT * FROM t_mutate('x')`).Scan(&ok); err != nil || !ok {
		t.Fatalf("t_mutate at top level: %v", err)
	}
	_, err := db.Exec(`SELECT * FROM t_scan($$SELECT ok::INTEGER AS v FROM t_mutate('x')$$)`)
	if err == nil || !strings.Contains(err.Error(), "t_mutate: refused inside a data query") {
		t.Fatalf("nested t_mutate: %v", err)
	}
	// A read-only function nests fine.
	var rows int64
	var b int64
	var s float64
	if err := db.QueryRow(`SELECT * FROM t_scan($$SELECT rows FROM t_scan('SELECT 1.0 AS v')$$)`).Scan(&rows, &b, &s); err != nil || rows != 1 || s != 1 {
		t.Fatalf("nested t_scan: %d %v %v", rows, s, err)
	}
}

func TestPanicBecomesError(t *testing.T) {
	db := openTest(t, "")
	_, err := db.Exec(`SELECT * FROM t_panic()`)
	if err == nil || !strings.Contains(err.Error(), "t_panic: internal error") {
		t.Fatalf("panic: %v", err)
	}
	// The process and the database survive.
	if got := queryFloat(t, db, `SELECT sum(a) FROM t_emit(10)`); got != 45 {
		t.Fatalf("after panic: %v", got)
	}
}

// Bind does nothing heavy: EXPLAIN and prepared-but-unrun statements start
// no execution; each execution of a prepared statement starts once.
func TestBindIsLight(t *testing.T) {
	db := openTest(t, "")
	before := startCount.Load()
	rows, err := db.Query(`EXPLAIN SELECT * FROM t_emit(100)`)
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
	st, err := db.Prepare(`SELECT sum(a) FROM t_emit(100)`)
	if err != nil {
		t.Fatal(err)
	}
	if d := startCount.Load() - before; d != 0 {
		t.Fatalf("EXPLAIN/prepare started %d executions", d)
	}
	for k := 0; k < 2; k++ {
		var s float64
		if err := st.QueryRow().Scan(&s); err != nil || s != 4950 {
			t.Fatalf("run %d: %v %v", k, s, err)
		}
	}
	st.Close()
	if d := startCount.Load() - before; d != 2 {
		t.Fatalf("two runs started %d executions", d)
	}
}

func TestCancel(t *testing.T) {
	db := openTest(t, "")
	for _, q := range []string{
		`SELECT * FROM t_spin()`,
		`SELECT * FROM t_scan('SELECT i::DOUBLE AS x, sqrt(i) AS y FROM range(10000000000) t(i)')`,
	} {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := db.ExecContext(ctx, q)
			done <- err
		}()
		time.Sleep(300 * time.Millisecond)
		t0 := time.Now()
		cancel()
		select {
		case err := <-done:
			lat := time.Since(t0)
			if err == nil {
				t.Fatalf("%s: no error after cancel", q)
			}
			t.Logf("%s: cancelled after %v: %v", q, lat, err)
		case <-time.After(20 * time.Second):
			t.Fatalf("%s: not cancelled within 20 s", q)
		}
	}
	if got := queryFloat(t, db, `SELECT sum(a) FROM t_emit(10)`); got != 45 {
		t.Fatalf("after cancel: %v", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for db.host.NestedCount() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := db.host.NestedCount(); n != 0 {
		t.Errorf("%d nested connections left open", n)
	}
}

// File database, a pool of one connection: nested connections come from the
// connector, not the pool, so nothing deadlocks.
func TestFileDBOneConn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.duckdb")
	db := openTest(t, path)
	db.SetMaxOpenConns(1)
	mustExec(t, db, `CREATE TABLE f AS SELECT i::DOUBLE AS v FROM range(10000) t(i)`)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var rows, b int64
	var s float64
	if err := db.QueryRowContext(ctx, `SELECT * FROM t_scan('f')`).Scan(&rows, &b, &s); err != nil {
		t.Fatal(err)
	}
	if rows != 10000 || s != 9999*10000/2 {
		t.Fatalf("rows %d sum %v", rows, s)
	}
	// Uncommitted rows of the caller's transaction are not visible.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO f VALUES (1e9)`); err != nil {
		t.Fatal(err)
	}
	if err := tx.QueryRow(`SELECT * FROM t_scan('f')`).Scan(&rows, &b, &s); err != nil {
		t.Fatal(err)
	}
	tx.Rollback()
	if rows != 10000 {
		t.Fatalf("data query saw uncommitted rows: %d", rows)
	}
}

var _ = sql.ErrNoRows

// A caller's USE and SET search_path apply to its data queries.
func TestDataQueryInheritsSearchPath(t *testing.T) {
	db := openTest(t, "")
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, q := range []string{
		`CREATE SCHEMA sales`,
		`CREATE TABLE sales.orders AS SELECT 2.0 AS v`,
		`CREATE TABLE main.orders AS SELECT 1.0 AS v`,
		`ATTACH ':memory:' AS other`,
		`CREATE TABLE other.orders AS SELECT 3.0 AS v`,
	} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	scan := func() float64 {
		var rows, b int64
		var s float64
		if err := c.QueryRowContext(ctx, `SELECT * FROM t_scan('orders')`).Scan(&rows, &b, &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	steps := []struct {
		stmt string
		want float64
	}{
		{"", 1},
		{"USE sales", 2},
		{"USE other", 3},
		{"USE memory.main", 1},
		{"SET search_path = 'sales'", 2},
	}
	for _, s := range steps {
		if s.stmt != "" {
			if _, err := c.ExecContext(ctx, s.stmt); err != nil {
				t.Fatal(err)
			}
		}
		if got := scan(); got != s.want {
			t.Errorf("after %q: data query read %v, want %v", s.stmt, got, s.want)
		}
	}
	// Other connections keep the default.
	var rows, b int64
	var sum float64
	if err := db.QueryRow(`SELECT * FROM t_scan('orders')`).Scan(&rows, &b, &sum); err != nil || sum != 1 {
		t.Errorf("other connection read %v (%v), want 1", sum, err)
	}
}
