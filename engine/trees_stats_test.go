//go:build duckdb_arrow

package engine_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/engine/features"
)

// TestTreesStatistics: a boosted-trees model stores the same statistics
// block as a perceptron trained on the same rows (one shared
// computation): the same columns, kinds, NULL shares, quantile edges and
// level shares; means and standard deviations to rounding.
func TestTreesStatistics(t *testing.T) {
	ctx := context.Background()
	e, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := e.DB().ExecContext(ctx, `CREATE TABLE c AS SELECT * EXCLUDE (customer_id, purchased_next_30d, spend_next_90d, true_segment) FROM demo_customers(3000)`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.TrainPerceptron(ctx, "p", "c", engine.TrainOptions{Label: "churned", Epochs: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.TrainBoostedTrees(ctx, "t", "c", engine.TreeOptions{Label: "churned", Trees: 2}); err != nil {
		t.Fatal(err)
	}
	stats := func(name string) features.Statistics {
		path := filepath.Join(t.TempDir(), name+".json")
		if _, err := e.ExportModel(ctx, name, path, engine.ExportOptions{}); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var file struct {
			Document struct {
				Statistics features.Statistics `json:"statistics"`
			} `json:"document"`
		}
		if err := json.Unmarshal(raw, &file); err != nil {
			t.Fatal(err)
		}
		return file.Document.Statistics
	}
	p, tr := stats("p"), stats("t")
	if len(p) == 0 || len(p) != len(tr) {
		t.Fatalf("%d perceptron and %d trees column blocks", len(p), len(tr))
	}
	near := func(a, b *float64) bool {
		if a == nil || b == nil {
			return a == b
		}
		return math.Abs(*a-*b) <= 1e-9*max(1, math.Abs(*a))
	}
	for i := range p {
		a, b := p[i], tr[i]
		if a.Column != b.Column || a.Kind != b.Kind || a.Rows != b.Rows || a.NullShare != b.NullShare ||
			!slices.Equal(a.Edges, b.Edges) || !slices.Equal(a.Levels, b.Levels) || !near(a.Mean, b.Mean) || !near(a.Std, b.Std) {
			t.Errorf("column %s:\nperceptron %+v\ntrees      %+v", a.Column, a, b)
		}
	}
}
