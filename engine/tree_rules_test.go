//go:build duckdb_arrow

package engine_test

import (
	"context"
	"strings"
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

// TestTreeRulesNullOnlyWhereSeen: a rule says where NULL goes only for a
// column that had NULLs in training (z), not for one that had none (x),
// and every rule still selects exactly its leaf's training rows.
func TestTreeRulesNullOnlyWhereSeen(t *testing.T) {
	ctx := context.Background()
	e, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	if _, err := db.ExecContext(ctx, `CREATE TABLE nm AS SELECT (i % 100)::DOUBLE AS x,
		CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 13)::DOUBLE END AS z,
		(i % 100 > 50 OR i % 7 = 0) AS y FROM range(5000) t(i)`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.TrainBoostedTrees(ctx, "nm", "nm", engine.TreeOptions{Label: "y", Trees: 1, MaxDepth: 3, LearningRate: 1,
		ValidationFraction: new(0.0)}); err != nil {
		t.Fatal(err)
	}
	rules, err := e.TreeRules(ctx, "nm", engine.TreeRulesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var zNull bool
	for _, r := range rules {
		if strings.Contains(r.Rule, "x IS NULL") || strings.Contains(r.Rule, "x IS NOT NULL") {
			t.Errorf("leaf %d: %s speaks of NULL x, which training never had", r.Leaf, r.Rule)
		}
		zNull = zNull || strings.Contains(r.Rule, "z IS NULL")
		var n int64
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM nm WHERE `+r.Rule).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != r.Rows {
			t.Errorf("leaf %d: the rule selects %d rows, the tree sent %d: %s", r.Leaf, n, r.Rows, r.Rule)
		}
	}
	if !zNull {
		t.Errorf("no rule says where a NULL z goes: %+v", rules)
	}
}
