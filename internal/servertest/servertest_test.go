//go:build scaleout

package servertest

import (
	"context"
	"database/sql"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/ducksight/ducksight/sqlfuncs"
)

// TestScaleOutClickHouseProtocol: clickhouse-go talks the native protocol
// to ClickHouse 18.16: SELECT 1, a MergeTree table on each shard with a
// Distributed table over them, a batch insert, and exact sums (Decimal128)
// and float sums over the Distributed table.
func TestScaleOutClickHouseProtocol(t *testing.T) {
	s := Get(t)
	s.EnsureUp(t)
	ctx := context.Background()
	conns := []any{s.Open(t, 0), s.Open(t, 1)}
	c0 := s.Open(t, 0)
	var one uint8
	if err := c0.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1: %v, %d", err, one)
	}
	v, err := c0.ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("server %s, revision %d", v.Version, v.Revision)
	for i := range conns {
		c := s.Open(t, i)
		for _, q := range []string{
			"CREATE DATABASE IF NOT EXISTS servertest",
			"DROP TABLE IF EXISTS servertest.proto",
			"DROP TABLE IF EXISTS servertest.proto_local",
			"CREATE TABLE servertest.proto_local (k Int64, x Float64, s Nullable(String)) ENGINE = MergeTree ORDER BY k",
			"CREATE TABLE servertest.proto AS servertest.proto_local ENGINE = Distributed(" + TwoShards + ", servertest, proto_local)",
		} {
			if err := c.Exec(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		// The column list is needed: 18.16 answers a bare INSERT INTO t
		// with a header block without columns.
		batch, err := c.PrepareBatch(ctx, "INSERT INTO servertest.proto_local (k, x, s)")
		if err != nil {
			t.Fatal(err)
		}
		// Shard i holds k = i+1, i+3, ..., x = k/8 (exact in binary).
		for k := int64(i + 1); k <= 1000; k += 2 {
			var str *string
			if k%3 != 0 {
				v := "s" + strconv.FormatInt(k, 10)
				str = &v
			}
			if err := batch.Append(k, float64(k)/8, str); err != nil {
				t.Fatal(err)
			}
		}
		if err := batch.Send(); err != nil {
			t.Fatal(err)
		}
	}
	for i := range conns {
		c := s.Open(t, i)
		var n, nonNull uint64
		var sumK int64
		var sumX float64
		var exact string
		err := c.QueryRow(ctx, "SELECT count(), count(s), sum(k), sum(x), toString(sum(toDecimal128(x, 6))) FROM servertest.proto").
			Scan(&n, &nonNull, &sumK, &sumX, &exact)
		if err != nil {
			t.Fatalf("server %d: %v", i+1, err)
		}
		// 1..1000: 1000 rows, 333 multiples of 3, sum 500500, sum/8 = 62562.5.
		if n != 1000 || nonNull != 667 || sumK != 500500 || sumX != 62562.5 || exact != "62562.500000" {
			t.Fatalf("server %d: count %d, count(s) %d, sum(k) %d, sum(x) %v, exact %s; want 1000, 667, 500500, 62562.5, 62562.500000",
				i+1, n, nonNull, sumK, sumX, exact)
		}
	}
}

func openDuck(t *testing.T) *sql.DB {
	t.Helper()
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlfuncs.Register(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	return db
}

// TestScaleOutLoad: demo customers loaded into ClickHouse (split over two
// shards, and whole on one) and into PostgreSQL read back row by row equal
// to DuckDB's, doubles bit for bit and NULLs as NULLs.
func TestScaleOutLoad(t *testing.T) {
	s := Get(t)
	s.EnsureUp(t)
	db := openDuck(t)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE customers AS SELECT * FROM demo_customers(5000)"); err != nil {
		t.Fatal(err)
	}
	tab := LoadClickHouse(t, db, s, "customers", "servertest", "customers", "customer_id")
	if tab.Rows[0] == 0 || tab.Rows[1] == 0 || tab.Rows[0]+tab.Rows[1] != 5000 {
		t.Fatalf("rows per shard %v", tab.Rows)
	}
	LoadPostgres(t, db, s, "customers", "customers")

	type row struct {
		id     int64
		income *float64
		gender *string
		churn  bool
	}
	var want []row
	rs, err := db.QueryContext(ctx, "SELECT customer_id, income, gender, churned FROM customers ORDER BY customer_id")
	if err != nil {
		t.Fatal(err)
	}
	for rs.Next() {
		var r row
		if err := rs.Scan(&r.id, &r.income, &r.gender, &r.churn); err != nil {
			t.Fatal(err)
		}
		want = append(want, r)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	nullIncome := 0
	for _, r := range want {
		if r.income == nil {
			nullIncome++
		}
	}
	if nullIncome == 0 {
		t.Fatal("demo customers have no NULL income: the test checks nothing about NULLs")
	}
	same := func(where string, i int, got row) {
		t.Helper()
		w := want[i]
		ok := got.id == w.id && got.churn == w.churn &&
			(got.income == nil) == (w.income == nil) && (got.gender == nil) == (w.gender == nil) &&
			(w.income == nil || math.Float64bits(*got.income) == math.Float64bits(*w.income)) &&
			(w.gender == nil || *got.gender == *w.gender)
		if !ok {
			t.Fatalf("%s: row %d differs from DuckDB's", where, i)
		}
	}
	c := s.Open(t, 1)
	for _, table := range []string{tab.Name, tab.OneShard} {
		rows, err := c.Query(ctx, "SELECT customer_id, income, gender, churned FROM servertest.`"+table+"` ORDER BY customer_id")
		if err != nil {
			t.Fatal(err)
		}
		i := 0
		for rows.Next() {
			var r row
			var churn uint8
			if err := rows.Scan(&r.id, &r.income, &r.gender, &churn); err != nil {
				t.Fatal(err)
			}
			r.churn = churn == 1
			if i >= len(want) {
				t.Fatalf("%s: more rows than DuckDB's %d", table, len(want))
			}
			same(table, i, r)
			i++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if i != len(want) {
			t.Fatalf("%s: %d rows, want %d", table, i, len(want))
		}
	}
	pg := s.PostgresQuery(t, `SELECT customer_id, income, gender, churned FROM customers ORDER BY customer_id`)
	if len(pg) != len(want) {
		t.Fatalf("PostgreSQL: %d rows, want %d", len(pg), len(want))
	}
	for i, f := range pg {
		var r row
		var err error
		if r.id, err = strconv.ParseInt(f[0], 10, 64); err != nil {
			t.Fatal(err)
		}
		if f[1] != "" {
			x, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				t.Fatal(err)
			}
			r.income = &x
		}
		if f[2] != "" {
			g := f[2]
			r.gender = &g
		}
		r.churn = f[3] == "t"
		same("PostgreSQL", i, r)
	}
	if got := s.PostgresQuery(t, "SELECT count(*) - count(income) FROM customers"); got[0][0] != strconv.Itoa(nullIncome) {
		t.Fatalf("PostgreSQL: %s NULL incomes, want %d", strings.Join(got[0], ","), nullIncome)
	}
}

// TestScaleOutKillRestart: with shard 2 killed a query over the two-shard
// Distributed table fails and one over the one-shard table still runs;
// Restart brings shard 2 back with its data.
func TestScaleOutKillRestart(t *testing.T) {
	s := Get(t)
	s.EnsureUp(t)
	t.Cleanup(func() { s.EnsureUp(t) })
	db := openDuck(t)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE k AS SELECT range AS id, range / 2 AS x FROM range(1000)"); err != nil {
		t.Fatal(err)
	}
	tab := LoadClickHouse(t, db, s, "k", "servertest", "kill", "id")
	c := s.Open(t, 0)
	sum := func(table string) (float64, error) {
		var x float64
		err := c.QueryRow(ctx, "SELECT sum(x) FROM servertest.`"+table+"`").Scan(&x)
		return x, err
	}
	s.Kill(t, 1)
	if s.Ping(1) == nil {
		t.Fatal("shard 2 answers after Kill")
	}
	if _, err := sum(tab.Name); err == nil {
		t.Fatal("a query over both shards succeeded with shard 2 killed")
	} else {
		t.Logf("with shard 2 killed: %v", err)
	}
	if x, err := sum(tab.OneShard); err != nil || x != 249750 {
		t.Fatalf("one-shard table with shard 2 killed: %v, %v; want 249750", x, err)
	}
	s.Restart(t, 1)
	if x, err := sum(tab.Name); err != nil || x != 249750 {
		t.Fatalf("after Restart: %v, %v; want 249750", x, err)
	}
}

// TestScaleOutLoadTypes: every other type the loaders map (FLOAT, DATE,
// TIMESTAMP in whole seconds, DECIMAL, and NULLs in each) reads back from
// ClickHouse and PostgreSQL equal to DuckDB's, row by row.
func TestScaleOutLoadTypes(t *testing.T) {
	s := Get(t)
	s.EnsureUp(t)
	db := openDuck(t)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE ty AS SELECT range AS id, range % 3 = 0 AS b,
		range::FLOAT / 3 AS f,
		CASE WHEN range % 4 = 0 THEN NULL ELSE range::DOUBLE / 7 END AS d,
		DATE '2020-01-01' + range::INTEGER AS dt,
		CASE WHEN range % 5 = 1 THEN NULL ELSE TIMESTAMP '2020-01-01 00:00:00' + INTERVAL (range * 3607) SECOND END AS ts,
		CASE WHEN range % 5 = 0 THEN NULL ELSE (range * 0.01 - 3)::DECIMAL(18,2) END AS dec,
		CASE WHEN range % 6 = 0 THEN NULL ELSE 'x''y\z,"é' || range END AS s
		FROM range(600)`); err != nil {
		t.Fatal(err)
	}
	tab := LoadClickHouse(t, db, s, "ty", "servertest", "ty", "id")
	LoadPostgres(t, db, s, "ty", "ty")

	// Each row as text: ClickHouse and PostgreSQL values are formatted the
	// same way from what their drivers return, NULL as "NULL".
	type row [8]string
	null := func(ok bool, v string) string {
		if !ok {
			return "NULL"
		}
		return v
	}
	ff := func(x float64, bits int) string { return strconv.FormatFloat(x, 'g', -1, bits) }
	var want []row
	rs, err := db.QueryContext(ctx, "SELECT id, b, f, d, strftime(dt, '%Y-%m-%d'), strftime(ts, '%Y-%m-%d %H:%M:%S'), dec::VARCHAR, s FROM ty ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for rs.Next() {
		var id int64
		var b bool
		var f float32
		var d sql.NullFloat64
		var dt string
		var ts, dec, str sql.NullString
		if err := rs.Scan(&id, &b, &f, &d, &dt, &ts, &dec, &str); err != nil {
			t.Fatal(err)
		}
		want = append(want, row{strconv.FormatInt(id, 10), strconv.FormatBool(b), ff(float64(f), 32), null(d.Valid, ff(d.Float64, 64)),
			dt, null(ts.Valid, ts.String), null(dec.Valid, dec.String), null(str.Valid, str.String)})
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	check := func(where string, got []row) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %d rows, want %d", where, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s: row %d is %q, want %q", where, i, got[i], want[i])
			}
		}
	}

	rows, err := s.Open(t, 0).Query(ctx, "SELECT id, b, f, d, dt, ts, toString(dec), s FROM servertest.`"+tab.Name+"` ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var got []row
	for rows.Next() {
		var id int64
		var b uint8
		var f float32
		var d *float64
		var dt time.Time
		var ts *time.Time
		var dec, str *string
		if err := rows.Scan(&id, &b, &f, &d, &dt, &ts, &dec, &str); err != nil {
			t.Fatal(err)
		}
		r := row{strconv.FormatInt(id, 10), strconv.FormatBool(b == 1), ff(float64(f), 32), "NULL",
			dt.Format("2006-01-02"), "NULL", "NULL", "NULL"}
		if d != nil {
			r[3] = ff(*d, 64)
		}
		if ts != nil {
			r[5] = ts.UTC().Format("2006-01-02 15:04:05")
		}
		if dec != nil {
			r[6] = *dec
		}
		if str != nil {
			r[7] = *str
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	check("ClickHouse", got)

	got = got[:0]
	for _, f := range s.PostgresQuery(t, `SELECT id, b, f, coalesce(d::text, 'NULL'), dt, coalesce(ts::text, 'NULL'), coalesce(dec::text, 'NULL'), coalesce(s, 'NULL') FROM ty ORDER BY id`) {
		var r row
		copy(r[:], f)
		r[1] = strconv.FormatBool(f[1] == "t")
		for _, i := range []int{2, 3} {
			if r[i] == "NULL" {
				continue
			}
			bits := 64
			if i == 2 {
				bits = 32
			}
			x, err := strconv.ParseFloat(r[i], bits)
			if err != nil {
				t.Fatal(err)
			}
			r[i] = ff(x, bits)
		}
		got = append(got, r)
	}
	check("PostgreSQL", got)
}
