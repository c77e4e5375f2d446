//go:build duckdb_arrow

package sqlfuncs

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ducksight/ducksight/engine/kmeans"
)

// BenchmarkSegmentLloyd: k-means on a 1M x 16 DOUBLE table, k = 8, against
// DuckDB's SELECT sum(c1)+...+sum(c16) over the same table measured in the
// same run (medians of 5 alternating repeats): one Lloyd iteration on the
// cached rows (fixed initial centroids: the first 8 rows; target <= 3x the
// scan), the assignment step on 2 threads against 1 (target >= 1.5x), and
// the whole segment call (k := 8, n_init := 1: fit, profile, every row
// returned) for reference.
//
//	go test -tags duckdb_arrow -run '^$' -bench SegmentLloyd -benchtime 1x ./sqlfuncs/
func BenchmarkSegmentLloyd(b *testing.B) {
	db := openBench(b)
	const n, d, k = 1000000, 16, 8
	var cols, sums, names []string
	for i := 1; i <= d; i++ {
		// Eight loose groups: a group offset per column plus noise.
		cols = append(cols, fmt.Sprintf("((i %% 8) * %d %% 7 + (hash(i * 16 + %d) %% 20000) / 10000.0)::DOUBLE AS c%d", i, i, i))
		sums = append(sums, fmt.Sprintf("sum(c%d)", i))
		names = append(names, fmt.Sprintf("c%d", i))
	}
	if _, err := db.Exec(`CREATE TABLE km AS SELECT ` + strings.Join(cols, ", ") + ` FROM range(1000000) t(i)`); err != nil {
		b.Fatal(err)
	}
	rows, err := db.Query(`SELECT ` + strings.Join(names, ", ") + ` FROM km`)
	if err != nil {
		b.Fatal(err)
	}
	x := make([]float64, 0, n*d)
	row := make([]any, d)
	vals := make([]float64, d)
	for i := range row {
		row[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(row...); err != nil {
			b.Fatal(err)
		}
		x = append(x, vals...)
	}
	rows.Close()
	init := append([]float64(nil), x[:k*d]...)
	baseSQL := `SELECT ` + strings.Join(sums, "+") + ` FROM km`
	scan := func() time.Duration {
		var s float64
		t0 := time.Now()
		if err := db.QueryRow(baseSQL).Scan(&s); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	acc := kmeans.NewAccumulator(init, k, d)
	iter := func() time.Duration {
		t0 := time.Now()
		acc.Reset(init)
		acc.Add(x, n, nil)
		acc.Next()
		return time.Since(t0)
	}
	m := &kmeans.Model{K: k, Dim: d, Centroids: init}
	lab, dist := make([]int32, n), make([]float64, n)
	assign := func(p int) time.Duration {
		old := runtime.GOMAXPROCS(p)
		defer runtime.GOMAXPROCS(old)
		t0 := time.Now()
		m.Assign(x, n, lab, dist)
		return time.Since(t0)
	}
	for i := 0; i < b.N; i++ {
		var ts, ti, t1, t2, tf []time.Duration
		for r := 0; r < 5; r++ {
			ts = append(ts, scan())
			ti = append(ti, iter())
			t1 = append(t1, assign(1))
			t2 = append(t2, assign(2))
		}
		for r := 0; r < 3; r++ {
			t0 := time.Now()
			var c int64
			if err := db.QueryRow(`SELECT count(segment) FROM segment('km', 'km', k := 8, n_init := 1)`).Scan(&c); err != nil || c != n {
				b.Fatalf("segment: %v %d", err, c)
			}
			tf = append(tf, time.Since(t0))
		}
		base, it, a1, a2, fit := med(ts), med(ti), med(t1), med(t2), med(tf)
		b.ReportMetric(float64(it)/float64(base), "x-lloyd-iteration")
		b.ReportMetric(float64(a1)/float64(a2), "assign-speedup-2-threads")
		b.Logf("duckdb sum %v; one Lloyd iteration on the cache %v (%.2fx, target <= 3x); assignment 1 thread %v, 2 threads %v (%.2fx faster, target >= 1.5x); segment(k := 8, n_init := 1) whole call %v (%.0fx the scan)",
			base, it, float64(it)/float64(base), a1, a2, float64(a1)/float64(a2), fit, float64(fit)/float64(base))
	}
}
