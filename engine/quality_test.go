//go:build duckdb_arrow

package engine_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/engine/demo"
	"github.com/ducksight/ducksight/engine/metrics"
)

// The quality bar on demo_customers: the churn model with hidden := [16]
// reaches the Bayes-optimal AUC within 0.01 on held-out customers, and beats
// hidden := [] — on two seeds.
func TestChurnQualityAgainstBayes(t *testing.T) {
	ctx := context.Background()
	const train, test = 300000, 40000
	for _, seed := range []int64{42, 7} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			e, err := engine.Open(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			db := e.DB()
			if _, err := db.ExecContext(ctx, fmt.Sprintf(`CREATE TABLE c AS SELECT * FROM demo_customers(%d, seed := %d)`, train+test, seed)); err != nil {
				t.Fatal(err)
			}
			trainSQL := fmt.Sprintf(`$$SELECT * EXCLUDE (purchased_next_30d, spend_next_90d, true_segment) FROM c WHERE customer_id <= %d$$`, train)
			testSQL := fmt.Sprintf(`$$SELECT * FROM c WHERE customer_id > %d$$`, train)
			auc := map[string]float64{}
			for _, hidden := range []string{"[]", "[16]"} {
				var version int
				q := fmt.Sprintf(`SELECT version FROM train_perceptron('churn', %s, label := 'churned', hidden := %s)`, trainSQL, hidden)
				if err := db.QueryRowContext(ctx, q).Scan(&version); err != nil {
					t.Fatal(err)
				}
				rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT probability, churned::DOUBLE FROM predict('churn', %s, version := %d)`, testSQL, version))
				if err != nil {
					t.Fatal(err)
				}
				var p, y []float64
				for rows.Next() {
					var pi, yi float64
					if err := rows.Scan(&pi, &yi); err != nil {
						t.Fatal(err)
					}
					p, y = append(p, pi), append(y, yi)
				}
				rows.Close()
				if len(p) != test {
					t.Fatalf("%d predictions, want %d", len(p), test)
				}
				auc[hidden] = metrics.AUC(p, y, nil)
			}
			// Bayes-optimal AUC on the same test customers.
			var c demo.Customer
			bp := make([]float64, test)
			by := make([]float64, test)
			for i := 0; i < test; i++ {
				demo.Row(uint64(seed), int64(train+i), &c)
				bp[i] = demo.ChurnProbability(&c)
				if c.Churned {
					by[i] = 1
				}
			}
			bayes := metrics.AUC(bp, by, nil)
			t.Logf("seed %d: test AUC hidden [] %.4f, [16] %.4f, Bayes %.4f", seed, auc["[]"], auc["[16]"], bayes)
			if auc["[16]"] < bayes-0.01 {
				t.Errorf("hidden [16] AUC %.4f is more than 0.01 below Bayes %.4f", auc["[16]"], bayes)
			}
			if auc["[16]"] <= auc["[]"] {
				t.Errorf("hidden [16] AUC %.4f does not beat hidden [] %.4f", auc["[16]"], auc["[]"])
			}
		})
	}
}
