//go:build duckdb_arrow

package engine_test

import (
	"context"
	"testing"

	"github.com/ducksight/ducksight/engine"
)

// TestTreeRulesSelectTheirLeaves: each rule of a depth-4 tree, run as a
// WHERE clause on the training rows, selects exactly as many rows as the
// tree sent to its leaf, and the positive share of those rows is the
// leaf's share: the rules are the tree, in SQL.
func TestTreeRulesSelectTheirLeaves(t *testing.T) {
	ctx := context.Background()
	e, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	if _, err := db.ExecContext(ctx, `CREATE TABLE c AS SELECT * EXCLUDE (purchased_next_30d, spend_next_90d, true_segment, customer_id) FROM demo_customers(4000)`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.TrainBoostedTrees(ctx, "r", "c", engine.TreeOptions{Label: "churned", Trees: 1, MaxDepth: 4, LearningRate: 1,
		ValidationFraction: new(0.0)}); err != nil {
		t.Fatal(err)
	}
	rules, err := e.TreeRules(ctx, "r", engine.TreeRulesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) < 4 {
		t.Fatalf("%d leaves, want a grown tree", len(rules))
	}
	for _, r := range rules {
		var n int64
		var share float64
		// The rule is the model's own text, the statement a test's.
		q := `SELECT count(*), coalesce(avg(churned::INT), 0) FROM c WHERE ` + r.Rule
		if err := db.QueryRowContext(ctx, q).Scan(&n, &share); err != nil {
			t.Fatalf("leaf %d: %v\n%s", r.Leaf, err, q)
		}
		if n != r.Rows {
			t.Errorf("leaf %d: the rule selects %d rows, the tree sent %d: %s", r.Leaf, n, r.Rows, r.Rule)
		}
		if n > 0 && share != r.Share {
			t.Errorf("leaf %d: positive share %g of the selected rows, the leaf says %g", r.Leaf, share, r.Share)
		}
	}
}
