//go:build duckdb_arrow

package sqlfuncs

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time (user and system) the process has used, every
// thread's, DuckDB's included.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkExplain: explain on 100k rows of demo_customers, for a
// logistic model (hidden := []) and an MLP (hidden := [16]) trained on
// 13 input columns, each consumed by count(reasons), against predict of
// the same model consumed by count(probability) (medians of 3 alternating
// repeats): explain's rows/s and its ratio to predict, by the wall clock
// and by the process's CPU time (steadier on a loaded machine).
//
//	go test -tags duckdb_arrow -run '^$' -bench Explain -benchtime 1x ./sqlfuncs/
func BenchmarkExplain(b *testing.B) {
	db := openBench(b)
	const rows = 100000
	if _, err := db.Exec(`CREATE TABLE c AS SELECT * FROM demo_customers(100000)`); err != nil {
		b.Fatal(err)
	}
	const feats = `features := ['age', 'gender', 'region', 'plan', 'tenure_months', 'monthly_spend', 'income', 'visits_30d',
	  'support_calls', 'days_since_last_purchase', 'orders_12m', 'revenue_12m', 'email_opt_in']`
	for _, q := range []string{
		`SELECT * FROM train_perceptron('linear', 'c', label := 'churned', ` + feats + `, hidden := [])`,
		`SELECT * FROM train_perceptron('mlp', 'c', label := 'churned', ` + feats + `, hidden := [16], epochs := 5)`,
	} {
		if _, err := db.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	timeIt := func(q string) (wall, cpu time.Duration) {
		var n int64
		c0, t0 := cpuTime(b), time.Now()
		if err := db.QueryRow(q).Scan(&n); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
		if n != rows {
			b.Fatalf("%s: %d rows, want %d", q, n, rows)
		}
		return time.Since(t0), cpuTime(b) - c0
	}
	for i := 0; i < b.N; i++ {
		for _, m := range []string{"linear", "mlp"} {
			var te, tp, ce, cp []time.Duration
			for r := 0; r < 3; r++ {
				w, c := timeIt(`SELECT count(probability) FROM predict('` + m + `', 'c')`)
				tp, cp = append(tp, w), append(cp, c)
				w, c = timeIt(`SELECT count(reasons) FROM explain('` + m + `', 'c')`)
				te, ce = append(te, w), append(ce, c)
			}
			me, mp, mce, mcp := med(te), med(tp), med(ce), med(cp)
			b.ReportMetric(rows/me.Seconds(), "rows/s-"+m)
			b.ReportMetric(rows/mce.Seconds(), "rows/cpu-s-"+m)
			b.ReportMetric(float64(me)/float64(mp), "x-predict-"+m)
			b.Logf("explain %s (100k rows): %v = %.0f rows/s, CPU %v = %.0f rows/CPU-s; predict %v, CPU %v; ratio %.1f, CPU %.1f",
				m, me, rows/me.Seconds(), mce, rows/mce.Seconds(), mp, mcp, float64(me)/float64(mp), float64(mce)/float64(mcp))
		}
	}
}
