//go:build duckdb_arrow

package engine_test

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/ducksight/ducksight/engine"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/training"
)

// statsTable is the table the model files in testdata/models were trained
// on (by the ducksight of before training statistics were stored; see
// TestModelsWithoutStatistics).
const statsTable = `CREATE TABLE t AS
SELECT i AS id,
       (i % 17) * 1.5 + (i % 5) AS amount,
       CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 7) END AS visits,
       DATE '2024-01-01' + CAST(i % 90 AS INTEGER) AS signup,
       TIMESTAMP '2024-01-01 00:00:00' + to_seconds(i * 3600) AS seen,
       (i % 3 = 0) AS promo,
       CASE WHEN i % 13 = 0 THEN NULL ELSE ['basic', 'plus', 'pro', 'team'][1 + (i % 4)] END AS plan,
       ((i % 17) * 1.5 + (i % 5) + (i % 7) + CASE WHEN i % 3 = 0 THEN 4 ELSE 0 END > 14) AS churned
FROM range(1, 201) r(i)`

// Models saved before ducksight stored training statistics (the files in
// testdata/models, exported then from statsTable with
// train_perceptron('old_churn', 't', label := 'churned', exclude := ['id'],
// epochs := 5, seed := 1) and segment('old_rfm', 't', features :=
// ['amount', 'visits', 'signup', 'promo', 'plan'], k := 3, seed := 1))
// import and predict as they did then.
func TestModelsWithoutStatistics(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, statsTable)
	for name, file := range map[string]string{"c": "perceptron", "k": "kmeans"} {
		if _, err := e.ImportModel(ctx, name, "../testdata/models/"+file+"_v1_no_statistics.model.json"); err != nil {
			t.Fatal(err)
		}
		if doc := storedDocument(t, ctx, e, name); strings.Contains(doc, `"statistics"`) {
			t.Errorf("%s: the imported document has statistics", name)
		}
	}
	// The figures predict gave before.
	var n, positive int64
	var sum float64
	if err := db.QueryRowContext(ctx, `SELECT count(*), sum(probability), sum(prediction::INT) FROM predict('c', 't')`).Scan(&n, &sum, &positive); err != nil {
		t.Fatal(err)
	}
	if n != 200 || math.Abs(sum-133.82646701161525) > 1e-9 || positive != 200 {
		t.Errorf("perceptron: %d rows, sum(probability) %v, %d predicted positive; want 200, 133.82646701161525, 200", n, sum, positive)
	}
	got := mustQueryStrings(t, ctx, db, `SELECT segment, count(*), round(sum(distance), 9) FROM predict('k', 't') GROUP BY ALL ORDER BY 1`)
	want := []string{"1\t72\t111.813467029", "2\t70\t98.6039133", "3\t58\t82.835077951"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("kmeans:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A perceptron's explanations are measured from its training-mean
	// input, which comes from the statistics: explain says to retrain.
	_, err := db.QueryContext(ctx, `SELECT * FROM explain('c', 't')`)
	const msg = `explain: model: model "c" version 1 was trained before ducksight stored training statistics; retrain it to get explanations measured from the training means`
	if err == nil || !strings.Contains(err.Error(), msg) {
		t.Errorf("explain of a model without statistics: %v, want %s", err, msg)
	}
}

// storedDocument is the document of the latest version of model name.
func storedDocument(t *testing.T, ctx context.Context, e *engine.Engine, name string) string {
	t.Helper()
	var doc string
	if err := e.DB().QueryRowContext(ctx, `SELECT document::VARCHAR FROM ducksight.models WHERE name = ? ORDER BY version DESC LIMIT 1`, name).Scan(&doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// Models trained now store one statistics block per feature, which agree
// with DuckDB's own aggregates over the training rows: NULL share, mean
// and sample standard deviation, quantile_cont edges (exact for 200 rows;
// DATE in days, TIMESTAMP in microseconds), level shares.
func TestTrainingStatisticsAgainstSQL(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, statsTable)
	if _, err := e.TrainPerceptron(ctx, "c", "t", engine.TrainOptions{Label: "churned", Exclude: []string{"id"}, Epochs: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Segment(ctx, "k", "t", engine.SegmentOptions{Features: []string{"amount", "visits", "signup", "promo", "plan"}, K: 3}); err != nil {
		t.Fatal(err)
	}
	var pd training.Document
	var kd clustering.Document
	for name, doc := range map[string]any{"c": &pd, "k": &kd} {
		if err := json.Unmarshal([]byte(storedDocument(t, ctx, e, name)), doc); err != nil {
			t.Fatal(err)
		}
	}
	if len(pd.Statistics) != 6 || len(kd.Statistics) != 5 {
		t.Fatalf("%d and %d statistics blocks, want 6 and 5", len(pd.Statistics), len(kd.Statistics))
	}
	byName := map[string]features.ColumnStats{}
	for _, s := range pd.Statistics {
		byName[s.Column] = s
	}
	for _, s := range kd.Statistics {
		if other := byName[s.Column]; !sameJSON(t, s, other) {
			t.Errorf("%s: the kmeans block %+v is not the perceptron's %+v", s.Column, s, other)
		}
	}

	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
	// Numeric, DATE and TIMESTAMP columns, as numbers.
	for col, expr := range map[string]string{
		"amount": "amount::DOUBLE", "visits": "visits::DOUBLE",
		"signup": "(signup - DATE '1970-01-01')::DOUBLE", "seen": "epoch_us(seen)::DOUBLE",
	} {
		s := byName[col]
		var nulls, mean, std float64
		var edges string
		q := `SELECT avg((` + expr + ` IS NULL)::INT), coalesce(avg(` + expr + `), 0), coalesce(stddev_samp(` + expr + `), 0),
			quantile_cont(` + expr + `, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1])::VARCHAR FROM t`
		if err := db.QueryRowContext(ctx, q).Scan(&nulls, &mean, &std, &edges); err != nil {
			t.Fatal(err)
		}
		var want []float64
		if err := json.Unmarshal([]byte(edges), &want); err != nil {
			t.Fatal(err)
		}
		if s.Rows != 200 || !near(s.NullShare, nulls) || s.Sample != 0 || len(s.Edges) != 11 {
			t.Fatalf("%s: %+v (NULL share %v)", col, s, nulls)
		}
		for k := range want {
			if !near(s.Edges[k], want[k]) {
				t.Errorf("%s: edges %v, want quantile_cont's %v", col, s.Edges, want)
				break
			}
		}
		if s.Kind == features.KindNumeric && (!near(*s.Mean, mean) || !near(*s.Std, std)) {
			t.Errorf("%s: mean %v and std %v, want %v and %v", col, *s.Mean, *s.Std, mean, std)
		}
		if s.Kind != features.KindNumeric && (s.Mean != nil || s.Std != nil) {
			t.Errorf("%s: a mean or std for a %s column", col, s.Kind)
		}
	}
	// Levels: plan (4 levels and NULL) and promo (a boolean).
	for col, expr := range map[string]string{"plan": "plan", "promo": "promo::VARCHAR"} {
		var got []string
		for _, l := range byName[col].Levels {
			switch {
			case l.Null:
				got = append(got, "NULL\t"+ftoa(l.Share))
			case l.Other:
				got = append(got, "(other)\t"+ftoa(l.Share))
			default:
				got = append(got, l.Level+"\t"+ftoa(l.Share))
			}
		}
		// Kept levels by frequency, then name; then NULL.
		want := mustQueryStrings(t, ctx, db, `SELECT coalesce(`+expr+`, 'NULL'), (count(*) / 200)::VARCHAR FROM t GROUP BY `+expr+`
			ORDER BY `+expr+` IS NULL, count(*) DESC, `+expr)
		if col == "plan" { // every level kept: no 'other'
			want = append(want[:4:4], "(other)\t0", want[4])
		} else { // false, true (in that order whatever their counts), NULL
			want = append(want, "NULL\t0")
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s levels:\n%s\nwant\n%s", col, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

func ftoa(x float64) string {
	b, _ := json.Marshal(x)
	return string(b)
}

func sameJSON(t *testing.T, a, b any) bool {
	t.Helper()
	x, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(x) == string(y)
}
