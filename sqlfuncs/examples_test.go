//go:build duckdb_arrow

package sqlfuncs

import (
	"strings"
	"testing"
)

// TestExamplesBind binds (prepares, never runs) every registered
// function's documented example against a database holding what the
// examples name: the tables customers and holdout, the models churn
// (binary), plan_model (multiclass), churn_rules (a depth-3 tree) and rfm
// (segments). Each must bind
// without error. Besides checking the examples, this walks every bind's
// argument reads: a typed reader of a named argument the function does not
// declare fails with an Internal error (args.lookup), so a read of an
// undeclared name fails here.
func TestExamplesBind(t *testing.T) {
	t.Chdir(t.TempDir()) // file examples resolve here; nothing is written
	db := openBench(t)
	byName := map[string]*Function{}
	for _, f := range registry {
		byName[f.Name] = f
	}
	bind := func(f *Function) {
		t.Helper()
		if f.Example == "" || !strings.Contains(f.Example, f.Name+"(") {
			t.Errorf("%s: example %q does not call it", f.Name, f.Example)
			return
		}
		st, err := db.Prepare(f.Example)
		if err != nil {
			t.Errorf("%s: example %q: %v", f.Name, f.Example, err)
			return
		}
		st.Close()
	}
	// demo_customers' example creates customers: bound before it exists.
	bind(byName["demo_customers"])
	for _, q := range []string{
		`CREATE TABLE customers AS SELECT * FROM demo_customers(1500)`,
		`CREATE TABLE holdout AS SELECT * FROM demo_customers(400, seed := 7)`,
		`SELECT * FROM train_perceptron('churn', 'customers', label := 'churned', exclude := ['customer_id'], epochs := 2)`,
		`SELECT * FROM train_perceptron('plan_model', 'customers', label := 'plan', exclude := ['customer_id'], epochs := 2)`,
		`SELECT * FROM train_boosted_trees('churn_rules', 'customers', label := 'churned', exclude := ['customer_id'], trees := 1, max_depth := 3, learning_rate := 1.0)`,
		`SELECT count(*) FROM segment('rfm', $$SELECT customer_id, days_since_last_purchase, orders_12m, revenue_12m FROM customers$$, k := 3, exclude := ['customer_id'])`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, f := range registry {
		if f.Name != "demo_customers" {
			bind(f)
		}
	}
}
