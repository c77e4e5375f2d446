//go:build duckdb_arrow

package sqlfuncs

import (
	"context"
	"database/sql"
	"sort"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

func openBench(tb testing.TB) *sql.DB {
	tb.Helper()
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := Register(context.Background(), c); err != nil {
		tb.Fatal(err)
	}
	db := sql.OpenDB(c)
	tb.Cleanup(func() { db.Close() })
	return db
}

// allColumnsSum touches every column of demo_customers, so none is pruned.
const allColumnsSum = `SELECT sum(customer_id) + sum(age) + count(gender) + count(region) + count(plan) +
  sum(tenure_months) + sum(monthly_spend) + sum(income) + sum(visits_30d) + sum(support_calls) +
  sum(days_since_last_purchase) + sum(orders_12m) + sum(revenue_12m) + count_if(email_opt_in) +
  count_if(churned) + count_if(purchased_next_30d) + sum(spend_next_90d) + sum(true_segment) FROM `

// BenchmarkDemoCustomers: rows/s of demo_customers(1M) with every column
// consumed (target >= 1M rows/s), and the ratio to DuckDB consuming the same
// 1M rows from a stored table, measured in the same run (medians of
// alternating repeats).
func BenchmarkDemoCustomers(b *testing.B) {
	db := openBench(b)
	const n = 1000000
	if _, err := db.Exec(`CREATE TABLE stored AS SELECT * FROM demo_customers(1000000)`); err != nil {
		b.Fatal(err)
	}
	var want, got float64
	if err := db.QueryRow(allColumnsSum + `stored`).Scan(&want); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		var tg, ts []time.Duration
		for r := 0; r < 7; r++ {
			t0 := time.Now()
			if err := db.QueryRow(allColumnsSum + `stored`).Scan(&want); err != nil {
				b.Fatal(err)
			}
			ts = append(ts, time.Since(t0))
			t0 = time.Now()
			if err := db.QueryRow(allColumnsSum + `demo_customers(1000000)`).Scan(&got); err != nil {
				b.Fatal(err)
			}
			tg = append(tg, time.Since(t0))
			if got != want {
				b.Fatalf("generated checksum %v, stored %v", got, want)
			}
		}
		mg, ms := med(tg), med(ts)
		rate := n / mg.Seconds()
		b.ReportMetric(rate/1e6, "Mrows/s")
		b.ReportMetric(float64(mg)/float64(ms), "x-stored-scan")
		b.Logf("demo_customers(1M), all columns: %v (%.2fM rows/s, target >= 1M); stored-table scan %v; ratio %.1f", mg, rate/1e6, ms, float64(mg)/float64(ms))
	}
}

func med(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
