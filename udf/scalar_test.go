//go:build duckdb_arrow

package udf

import (
	"strings"
	"testing"
)

func TestScalarRowStruct(t *testing.T) {
	db := openTest(t, "")
	mustExec(t, db, `CREATE TABLE t AS SELECT i::INTEGER AS a, (i * 0.5)::DOUBLE AS b,
		CASE WHEN i % 3 = 0 THEN NULL ELSE i::BIGINT END AS c, i % 2 = 0 AS flag,
		CASE WHEN i % 5 = 0 THEN NULL ELSE repeat('x', i % 20) END AS s
		FROM range(100000) r(i)`)
	// The scalar over a table alias equals the same sum written in SQL, on
	// every row (several chunks, both threads).
	var bad int64
	err := db.QueryRow(`SELECT count(*) FROM t x WHERE weighted_sum(2, x) IS DISTINCT FROM
		2 * (a + b + coalesce(c, 0) + flag::INT + coalesce(length(s), 0))`).Scan(&bad)
	if err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Fatalf("%d rows differ from the SQL sum", bad)
	}
	// Struct literals, struct_pack and a NULL row.
	var got float64
	if err := db.QueryRow(`SELECT weighted_sum(1.5, {'p': 2.0::DOUBLE, 'q': 3})`).Scan(&got); err != nil || got != 7.5 {
		t.Fatalf("literal struct: %v %v", got, err)
	}
	var null *float64
	if err := db.QueryRow(`SELECT weighted_sum(1, r) FROM (SELECT NULL::STRUCT(a INT) AS r)`).Scan(&null); err != nil || null != nil {
		t.Fatalf("NULL row: %v %v", null, err)
	}
	var n int64
	if err := db.QueryRow(`SELECT count(*) FROM (SELECT CASE WHEN a % 7 = 0 THEN NULL ELSE {'a': a} END AS r FROM t)
		WHERE (weighted_sum(1, r) IS NULL) <> (r IS NULL)`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("NULL rows among valid ones: %d %v", n, err)
	}
	// Field names and types reach Bind.
	var names string
	if err := db.QueryRow(`SELECT row_names('t', x) FROM t x LIMIT 1`).Scan(&names); err != nil {
		t.Fatal(err)
	}
	if want := "t a:int32 b:float64 c:int64 flag:bool s:utf8"; names != want {
		t.Fatalf("row_names = %q, want %q", names, want)
	}
}

func TestScalarBindOnce(t *testing.T) {
	db := openTest(t, "")
	mustExec(t, db, `CREATE TABLE t AS SELECT i::DOUBLE AS v FROM range(50000) r(i)`)
	before := weightedBinds.Load()
	var s float64
	if err := db.QueryRow(`SELECT sum(weighted_sum(1, t)) FROM t`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	if s != 49999*50000/2 {
		t.Fatalf("sum = %v", s)
	}
	if b := weightedBinds.Load() - before; b != 1 {
		t.Fatalf("bound %d times for one statement, want 1", b)
	}
	// A prepared statement binds once and runs many times.
	st, err := db.Prepare(`SELECT sum(weighted_sum(2, t)) FROM t`)
	if err != nil {
		t.Fatal(err)
	}
	before = weightedBinds.Load()
	for i := 0; i < 3; i++ {
		if err := st.QueryRow().Scan(&s); err != nil || s != 49999*50000 {
			t.Fatalf("run %d: %v %v", i, s, err)
		}
	}
	st.Close()
	if b := weightedBinds.Load() - before; b > 1 {
		t.Fatalf("prepared statement bound %d times over 3 runs", b)
	}
	db.Close()
	if l := weightedLive.Load(); l != 0 {
		t.Fatalf("%d bound states not closed", l)
	}
}

func TestScalarErrors(t *testing.T) {
	db := openTest(t, "")
	mustExec(t, db, `CREATE TABLE t AS SELECT 1.0 AS v`)
	for _, c := range []struct{ sql, want string }{
		{`SELECT weighted_sum(v, t) FROM t`, "weighted_sum: scale: must be a constant"},
		{`SELECT weighted_sum('x', t) FROM t`, "weighted_sum: scale: must be a number, got VARCHAR"},
		{`SELECT weighted_sum(1, v) FROM t`, "weighted_sum: row: must be a row STRUCT"},
		{`SELECT weighted_sum(1) FROM t`, "weighted_sum"},
	} {
		_, err := db.Exec(c.sql)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.sql, err, c.want)
		}
	}
}
