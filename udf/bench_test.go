//go:build duckdb_arrow

package udf

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"
)

// Benchmarks compare the bridge with DuckDB itself in the same run: medians
// of alternating repeats, reported as ratios (x-duckdb, lower is better).
// Each consumer checks its checksum against DuckDB's own sum.
//
//	go test -tags duckdb_arrow -run '^$' -bench . -benchtime 1x ./udf/

const benchRepeats = 9

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// alternate runs base and ours benchRepeats times each, alternating, and
// returns their medians.
func alternate(b *testing.B, base, ours func() float64, want float64) (time.Duration, time.Duration) {
	var tb, to []time.Duration
	for r := 0; r < benchRepeats; r++ {
		t0 := time.Now()
		gb := base()
		tb = append(tb, time.Since(t0))
		t0 = time.Now()
		got := ours()
		to = append(to, time.Since(t0))
		if !near(gb, want) || !near(got, want) {
			b.Fatalf("checksums: duckdb %v, ours %v, want %v", gb, got, want)
		}
	}
	return median(tb), median(to)
}

func near(a, b float64) bool {
	return a == b || math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

func report(b *testing.B, name string, base, ours time.Duration, bar float64) {
	ratio := float64(ours) / float64(base)
	b.ReportMetric(ratio, "x-duckdb")
	b.ReportMetric(float64(base.Microseconds())/1000, "ms-duckdb")
	b.ReportMetric(float64(ours.Microseconds())/1000, "ms-ours")
	verdict := "ok"
	if ratio > bar {
		verdict = "OVER TARGET"
	}
	b.Logf("%s: duckdb %v, ours %v, ratio %.2f (target <= %.1f) %s", name, base, ours, ratio, bar, verdict)
}

// BenchmarkIngest: a 1M x 16 DOUBLE table streamed into Go Arrow batches
// and summed, against DuckDB's SELECT sum(c1)+...+sum(c16).
func BenchmarkIngest(b *testing.B) {
	db := openTest(b, "")
	var cols, sums []string
	for i := 1; i <= 16; i++ {
		cols = append(cols, fmt.Sprintf("(i * %d %% 1000)::DOUBLE / 7 AS c%d", i, i))
		sums = append(sums, fmt.Sprintf("sum(c%d)", i))
	}
	if _, err := db.Exec(`CREATE TABLE wide AS SELECT ` + strings.Join(cols, ", ") + ` FROM range(1000000) t(i)`); err != nil {
		b.Fatal(err)
	}
	baseSQL := `SELECT ` + strings.Join(sums, "+") + ` FROM wide`
	var want float64
	if err := db.QueryRow(baseSQL).Scan(&want); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	q, err := db.host.Prepare(ctx, "bench", "data", "wide")
	if err != nil {
		b.Fatal(err)
	}
	defer q.Close()
	for i := 0; i < b.N; i++ {
		base, ours := alternate(b, func() float64 {
			var s float64
			if err := db.QueryRow(baseSQL).Scan(&s); err != nil {
				b.Fatal(err)
			}
			return s
		}, func() float64 {
			rows, _, s, err := scanAll(ctx, q, nil)
			if err != nil || rows != 1000000 {
				b.Fatalf("rows %d: %v", rows, err)
			}
			return s
		}, want)
		report(b, "ingest 1M x 16 DOUBLE", base, ours, 4)
	}
}

// BenchmarkEmit: a table function writing 5M rows x 2 DOUBLE consumed by
// SELECT sum(a)+sum(b), against the same over range().
func BenchmarkEmit(b *testing.B) {
	db := openTest(b, "")
	const baseSQL = `SELECT sum(a)+sum(b) FROM (SELECT i::DOUBLE AS a, i::DOUBLE*0.5 AS b FROM range(5000000) t(i))`
	const oursSQL = `SELECT sum(a)+sum(b) FROM t_emit(5000000)`
	want := 1.5 * 4999999.0 * 5000000 / 2
	run := func(q string) func() float64 {
		return func() float64 {
			var s float64
			if err := db.QueryRow(q).Scan(&s); err != nil {
				b.Fatal(err)
			}
			return s
		}
	}
	for i := 0; i < b.N; i++ {
		base, ours := alternate(b, run(baseSQL), run(oursSQL), want)
		report(b, "emit 5M x 2 DOUBLE", base, ours, 1.5)
	}
}

// BenchmarkCancel: time from cancelling the caller's context to the
// statement returning, for a long data-query stream and for a long-running
// kernel (target < 200 ms).
func BenchmarkCancel(b *testing.B) {
	db := openTest(b, "")
	for i := 0; i < b.N; i++ {
		for _, c := range []struct{ name, sql string }{
			{"stream", `SELECT * FROM t_scan('SELECT i::DOUBLE AS x, sqrt(i) AS y FROM range(10000000000) t(i)')`},
			{"kernel", `SELECT * FROM t_spin()`},
		} {
			var lats []time.Duration
			for r := 0; r < benchRepeats; r++ {
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan struct{})
				go func() {
					db.ExecContext(ctx, c.sql)
					close(done)
				}()
				time.Sleep(200 * time.Millisecond)
				t0 := time.Now()
				cancel()
				<-done
				lats = append(lats, time.Since(t0))
			}
			m := median(lats)
			b.ReportMetric(float64(m.Microseconds())/1000, "ms-cancel-"+c.name)
			b.Logf("cancel %s: median %v, max %v (target < 200ms)", c.name, m, maxDur(lats))
		}
	}
}

func maxDur(d []time.Duration) time.Duration {
	m := d[0]
	for _, x := range d {
		m = max(m, x)
	}
	return m
}

// BenchmarkEmitNested: a table function writing 1M rows of a DOUBLE[] of 4
// values and a MAP(VARCHAR, DOUBLE) of 3 entries through the nested
// writers, consumed by sums over them, against the same over DuckDB's own
// list and map literals.
func BenchmarkEmitNested(b *testing.B) {
	db := openTest(b, "")
	const consume = `sum(list_sum(xs)) + sum(list_sum(map_values(m)))`
	const baseSQL = `SELECT ` + consume + ` FROM (SELECT [i + 0.0, i + 1.0, i + 2.0, i + 3.0]::DOUBLE[] AS xs,
		MAP {'a': i::DOUBLE, 'b': 2.0 * i, 'c': 3.0 * i} AS m FROM range(1000000) t(i))`
	const oursSQL = `SELECT ` + consume + ` FROM t_emit_nested(1000000)`
	const n = 1000000.0
	want := 4*(n-1)*n/2 + 6*n + 6*(n-1)*n/2 // xs: 4i + 6; m: 6i
	run := func(q string) func() float64 {
		return func() float64 {
			var s float64
			if err := db.QueryRow(q).Scan(&s); err != nil {
				b.Fatal(err)
			}
			return s
		}
	}
	for i := 0; i < b.N; i++ {
		base, ours := alternate(b, run(baseSQL), run(oursSQL), want)
		report(b, "emit 1M x (DOUBLE[4], MAP of 3)", base, ours, 1.5)
	}
}
