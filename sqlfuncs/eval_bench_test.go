//go:build duckdb_arrow

package sqlfuncs

import (
	"testing"
	"time"
)

// BenchmarkEvaluation: the evaluation functions on 1M rows of
// demo_customers with a model trained on them, each consumed by count(*),
// against DuckDB's scan of the same table consumed the same way (medians
// of 3 alternating repeats): the time of scoring every row and computing
// the measures, as a ratio to the scan. evaluate_held_out is
// evaluate(model, NULL): the training's rows read again, the 10% it held
// out scored.
//
//	go test -tags duckdb_arrow -run '^$' -bench Evaluation -benchtime 1x ./sqlfuncs/
func BenchmarkEvaluation(b *testing.B) {
	db := openBench(b)
	if _, err := db.Exec(`CREATE TABLE c AS SELECT * FROM demo_customers(1000000)`); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(`SELECT * FROM train_perceptron('churn', 'c', label := 'churned', features := ['age', 'plan', 'support_calls', 'income', 'tenure_months', 'region'], epochs := 1)`); err != nil {
		b.Fatal(err)
	}
	timeIt := func(q string) time.Duration {
		var n int64
		t0 := time.Now()
		if err := db.QueryRow(q).Scan(&n); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
		return time.Since(t0)
	}
	calls := []struct{ name, q string }{
		{"evaluate", `SELECT count(*) FROM evaluate('churn', 'c')`},
		// The held-out rows: every row read again and hashed (split and
		// fingerprint), the 10% held out scored.
		{"evaluate_held_out", `SELECT count(*) FROM evaluate('churn', NULL)`},
		{"roc_curve", `SELECT count(*) FROM roc_curve('churn', 'c')`},
		{"lift", `SELECT count(*) FROM lift('churn', 'c')`},
		{"fairness", `SELECT count(*) FROM fairness('churn', 'c', by := 'region')`},
		{"feature_importance", `SELECT count(*) FROM feature_importance('churn', 'c', repeats := 1)`},
	}
	for i := 0; i < b.N; i++ {
		for _, c := range calls {
			var tf, ts []time.Duration
			for r := 0; r < 3; r++ {
				ts = append(ts, timeIt(`SELECT count(age) + count(plan) + count(support_calls) + count(income) + count(churned) FROM c`))
				tf = append(tf, timeIt(c.q))
			}
			mf, ms := med(tf), med(ts)
			b.ReportMetric(float64(mf)/float64(ms), "x-scan-"+c.name)
			b.Logf("%s(1M): %v; scan %v; ratio %.1f", c.name, mf, ms, float64(mf)/float64(ms))
		}
	}
}
