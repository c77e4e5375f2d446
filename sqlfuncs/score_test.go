//go:build duckdb_arrow

package sqlfuncs

import (
	"testing"
)

// TestScoreLoadsOncePerStatement: the model document is read and bound once
// per statement, not per chunk or row, however many rows (and threads) the
// statement scores.
func TestScoreLoadsOncePerStatement(t *testing.T) {
	db := openBench(t)
	for _, q := range []string{
		`CREATE TABLE t AS SELECT i::DOUBLE AS x, (i % 7)::INTEGER AS k, i % 3 = 0 AS y FROM range(200000) r(i)`,
		`SELECT * FROM train_perceptron('m', 't', label := 'y', epochs := 1)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	before := scoreLoads.Load()
	var n int64
	var s float64
	if err := db.QueryRow(`SELECT count(*), sum(score('m', t)) FROM t`).Scan(&n, &s); err != nil {
		t.Fatal(err)
	}
	if n != 200000 || !(s > 0) {
		t.Fatalf("count %d, sum %v", n, s)
	}
	if loads := scoreLoads.Load() - before; loads != 1 {
		t.Fatalf("%d model loads for one statement over %d rows, want 1", loads, n)
	}
	// Two call sites, two loads; score_label too.
	before = scoreLoads.Load()
	if err := db.QueryRow(`SELECT count(*) FROM t WHERE score('m', t) > 0.5 AND score_label('m', t) = 'true'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if loads := scoreLoads.Load() - before; loads != 2 {
		t.Fatalf("%d model loads for two call sites, want 2", loads)
	}
}
