//go:build duckdb_arrow

package engine_test

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine"
)

// The typed evaluation calls return what the SQL functions return, and
// their errors as *dserr.Error values.
func TestEvaluateAPI(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(4000)`)
	mustExec(t, ctx, db, `SELECT * FROM train_perceptron('churn', 'c', label := 'churned', features := ['age', 'plan', 'support_calls', 'income'], epochs := 5)`)
	ev, err := e.Evaluate(ctx, "churn", "c", engine.EvaluateOptions{Threshold: new(0.3)})
	if err != nil {
		t.Fatal(err)
	}
	var auc, acc float64
	if err := db.QueryRowContext(ctx, `SELECT roc_auc, accuracy FROM evaluate('churn', 'c', threshold := 0.3)`).Scan(&auc, &acc); err != nil {
		t.Fatal(err)
	}
	if ev.Rows != 4000 || ev.Measures["roc_auc"] != auc || ev.Measures["accuracy"] != acc || len(ev.Columns) != 8 {
		t.Errorf("Evaluate %+v; SQL auc %v accuracy %v", ev, auc, acc)
	}
	lift, err := e.Lift(ctx, "churn", "c", engine.LiftOptions{Bins: 4})
	if err != nil || len(lift) != 4 || lift[3].CumulativeGain != 1 || lift[0].Customers != 1000 {
		t.Errorf("Lift %+v, %v", lift, err)
	}
	th, err := e.Threshold(ctx, "churn", "c", engine.ThresholdOptions{Budget: new(0.2)})
	if err != nil {
		t.Fatal(err)
	}
	var thr, flagged, prec float64
	if err := db.QueryRowContext(ctx, `SELECT threshold, flagged_share, precision FROM threshold('churn', 'c', budget := 0.2)`).Scan(&thr, &flagged, &prec); err != nil {
		t.Fatal(err)
	}
	if th.Threshold != thr || th.FlaggedShare != flagged || th.Precision != prec || flagged < 0.2 {
		t.Errorf("Threshold %+v; SQL %v %v %v", th, thr, flagged, prec)
	}
	var te *dserr.Error
	if _, err := e.Threshold(ctx, "churn", "c", engine.ThresholdOptions{Metric: "cost", CostFN: new(-1.0)}); !errors.As(err, &te) || te.Arg != "cost_fn" {
		t.Errorf("Threshold with a negative cost: %v, want a dserr naming cost_fn", err)
	}
	roc, err := e.ROCCurve(ctx, "churn", "c", engine.ROCOptions{Points: 3})
	if err != nil || len(roc) != 3 || roc[0].TPR != 1 || roc[2].FPR != 0 {
		t.Errorf("ROCCurve %+v, %v", roc, err)
	}
	cm, err := e.ConfusionMatrix(ctx, "churn", "c", engine.ConfusionOptions{})
	if err != nil || len(cm) != 4 || cm[0].Actual != "false" || cm[0].Predicted != "false" {
		t.Errorf("ConfusionMatrix %+v, %v", cm, err)
	}
	cal, err := e.Calibration(ctx, "churn", "c", engine.CalibrationOptions{Bins: 5})
	var n int64
	for _, b := range cal {
		n += b.Rows
	}
	if err != nil || len(cal) != 5 || n != 4000 {
		t.Errorf("Calibration %+v, %v", cal, err)
	}
	groups, err := e.Fairness(ctx, "churn", "c", engine.FairnessOptions{By: "gender", MinGroup: new(1000)})
	if err != nil {
		t.Fatal(err)
	}
	nulls, small := 0, 0
	for _, g := range groups {
		if g.Null {
			nulls++
		}
		if g.Rows < 1000 && !math.IsNaN(g.PositiveRate) {
			t.Errorf("group %q below min_group shows rates", g.Name)
		}
		if g.Rows < 1000 {
			small++
		}
	}
	if nulls != 1 || small == 0 {
		t.Errorf("Fairness groups %+v", groups)
	}
	// feature_importance: one row per feature, by importance.
	imp, err := e.FeatureImportance(ctx, "churn", "c", engine.ImportanceOptions{Repeats: 2, Seed: new(int64(1))})
	if err != nil || len(imp) != 4 {
		t.Fatalf("FeatureImportance %+v, %v", imp, err)
	}
	for i := 1; i < len(imp); i++ {
		if imp[i].Importance > imp[i-1].Importance {
			t.Errorf("FeatureImportance not sorted: %+v", imp)
		}
	}
	if math.IsNaN(imp[0].Weight) {
		t.Errorf("a single-layer model has weights: %+v", imp[0])
	}
	// explain: predict's columns, the reasons, baseline and
	// approximation_error, as Arrow batches.
	rr, err := e.Explain(ctx, "churn", "c", engine.ExplainOptions{TopK: 2})
	if err != nil {
		t.Fatal(err)
	}
	sch := rr.Schema()
	last := sch.NumFields() - 1
	if sch.Field(last-3).Name != "probability" || sch.Field(last-2).Name != "reasons" || sch.Field(last-1).Name != "baseline" || sch.Field(last).Name != "approximation_error" {
		t.Errorf("Explain columns %v", sch)
	}
	var explained int64
	for rr.Next() {
		explained += rr.RecordBatch().NumRows()
	}
	rr.Release()
	if explained != 4000 {
		t.Errorf("Explain returned %d rows", explained)
	}
	_, err = e.Explain(ctx, "churn", "c", engine.ExplainOptions{TopK: -1})
	if !errors.Is(err, dserr.InvalidArgument) {
		t.Errorf("top_k -1: %v", err)
	}
	// Errors.
	_, err = e.Evaluate(ctx, "churn", "c", engine.EvaluateOptions{Threshold: new(2.0)})
	var de *dserr.Error
	if !errors.As(err, &de) || de.Func != "evaluate" || de.Arg != "threshold" || !errors.Is(err, dserr.InvalidArgument) {
		t.Errorf("threshold 2: %#v", err)
	}
	_, err = e.Lift(ctx, "nope", "c", engine.LiftOptions{})
	if !errors.Is(err, dserr.NotFound) {
		t.Errorf("missing model: %v", err)
	}
}

// sqlRows runs q and returns its rows, NULL as nil.
func sqlRows(t *testing.T, ctx context.Context, db *sql.DB, q string) [][]any {
	t.Helper()
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

// sameValue tells whether a Go value of a typed result equals what SQL
// returned for it: the same number, bit for bit (NaN as NULL, an int as
// its integer), or the same text (NULL as nil).
func sameValue(got, sql any) bool {
	switch g := got.(type) {
	case float64:
		if math.IsNaN(g) {
			return sql == nil
		}
		s, ok := sql.(float64)
		return ok && math.Float64bits(g) == math.Float64bits(s)
	case int:
		return sameValue(int64(g), sql)
	case int64:
		switch s := sql.(type) {
		case int64:
			return g == s
		case int32:
			return g == int64(s)
		}
		return false
	}
	return got == sql
}

// sameResult compares the rows of a typed result (each a []any in the SQL
// function's column order) with the SQL function's.
func sameResult(t *testing.T, what string, got, want [][]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, SQL %d", what, len(got), len(want))
		return
	}
	for i := range got {
		if len(got[i]) != len(want[i]) {
			t.Errorf("%s row %d: %d columns, SQL %d", what, i, len(got[i]), len(want[i]))
			continue
		}
		for j := range got[i] {
			if !sameValue(got[i][j], want[i][j]) {
				t.Errorf("%s row %d column %d: %v (%T), SQL %v (%T)", what, i, j, got[i][j], got[i][j], want[i][j], want[i][j])
			}
		}
	}
}

// Every typed evaluation call returns exactly the SQL function's rows on
// the same data and arguments, and refuses what SQL refuses with the same
// *dserr.Error (code, function, argument, text).
func TestEvaluateSameAsSQL(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	db := e.DB()
	mustExec(t, ctx, db, `CREATE TABLE c AS SELECT * FROM demo_customers(3000)`)
	mustExec(t, ctx, db, `SELECT * FROM train_perceptron('churn', 'c', label := 'churned', features := ['age', 'plan', 'support_calls', 'income', 'region'], epochs := 3)`)
	mustExec(t, ctx, db, `SELECT * FROM train_perceptron('plan', 'c', label := 'plan', features := ['age', 'monthly_spend'], hidden := [4], epochs := 2)`)
	mustExec(t, ctx, db, `SELECT * FROM train_perceptron('spend', 'c', label := 'spend_next_90d', features := ['age', 'income', 'orders_12m'], epochs := 2)`)
	mustExec(t, ctx, db, `SELECT count(*) FROM segment('seg', $$SELECT visits_30d, orders_12m FROM c$$, k := 3)`)

	evalRows := func(ev *engine.Evaluation) [][]any {
		row := []any{ev.Rows}
		for _, c := range ev.Columns {
			row = append(row, ev.Measures[c])
		}
		return [][]any{row}
	}
	for _, tc := range []struct {
		model, data, named string
		o                  engine.EvaluateOptions
	}{
		{"churn", "c", "", engine.EvaluateOptions{}},
		{"churn", "c", ", threshold := 0.3", engine.EvaluateOptions{Threshold: new(0.3)}},
		{"churn", "c", ", version := 1", engine.EvaluateOptions{Version: 1}},
		{"plan", "c", "", engine.EvaluateOptions{}},
		{"spend", "c", "", engine.EvaluateOptions{}},
		{"seg", "SELECT visits_30d, orders_12m FROM c", "", engine.EvaluateOptions{}},
	} {
		q := "SELECT * FROM evaluate('" + tc.model + "', '" + strings.ReplaceAll(tc.data, "'", "''") + "'" + tc.named + ")"
		ev, err := e.Evaluate(ctx, tc.model, tc.data, tc.o)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		want := sqlRows(t, ctx, db, q)
		sameResult(t, q, evalRows(ev), want)
		cols, _ := columnsOf(t, ctx, db, q)
		if got := append([]string{"rows"}, ev.Columns...); !slices.Equal(got, cols) {
			t.Errorf("%s: columns %v, SQL %v", q, got, cols)
		}
	}

	for _, tc := range []struct {
		q string
		o engine.ConfusionOptions
		m string
	}{
		{"confusion_matrix('churn', 'c')", engine.ConfusionOptions{}, "churn"},
		{"confusion_matrix('churn', 'c', threshold := 0.25)", engine.ConfusionOptions{Threshold: new(0.25)}, "churn"},
		{"confusion_matrix('plan', 'c')", engine.ConfusionOptions{}, "plan"},
	} {
		cells, err := e.ConfusionMatrix(ctx, tc.m, "c", tc.o)
		if err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		var got [][]any
		for _, c := range cells {
			got = append(got, []any{c.Actual, c.Predicted, c.Count})
		}
		sameResult(t, tc.q, got, sqlRows(t, ctx, db, "SELECT * FROM "+tc.q))
	}

	roc, err := e.ROCCurve(ctx, "churn", "c", engine.ROCOptions{Points: 7})
	if err != nil {
		t.Fatal(err)
	}
	var got [][]any
	for _, p := range roc {
		got = append(got, []any{p.Threshold, p.TPR, p.FPR, p.Precision, p.Recall})
	}
	sameResult(t, "roc_curve", got, sqlRows(t, ctx, db, "SELECT * FROM roc_curve('churn', 'c', points := 7)"))
	if roc, err = e.ROCCurve(ctx, "churn", "c", engine.ROCOptions{}); err != nil || len(roc) != 101 {
		t.Errorf("ROCCurve with the default points: %d points, %v", len(roc), err)
	}

	lift, err := e.Lift(ctx, "churn", "c", engine.LiftOptions{Bins: 7})
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, b := range lift {
		got = append(got, []any{b.Bin, b.Customers, b.Positives, b.ResponseRate, b.Lift, b.CumulativeGain})
	}
	sameResult(t, "lift", got, sqlRows(t, ctx, db, "SELECT * FROM lift('churn', 'c', bins := 7)"))

	cal, err := e.Calibration(ctx, "churn", "c", engine.CalibrationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, b := range cal {
		got = append(got, []any{b.Bin, b.MeanPredicted, b.ObservedRate, b.Rows})
	}
	sameResult(t, "calibration", got, sqlRows(t, ctx, db, "SELECT * FROM calibration('churn', 'c')"))

	for _, tc := range []struct {
		q string
		o engine.FairnessOptions
	}{
		{"fairness('churn', 'c', by := 'gender')", engine.FairnessOptions{By: "gender"}},
		{"fairness('churn', 'c', by := 'region', threshold := 0.3, min_group := 600)", engine.FairnessOptions{By: "region", Threshold: new(0.3), MinGroup: new(600)}},
	} {
		groups, err := e.Fairness(ctx, "churn", "c", tc.o)
		if err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		got = nil
		for _, g := range groups {
			var name any = g.Name
			if g.Null {
				name = nil
			}
			got = append(got, []any{name, g.Rows, g.PositiveRate, g.TPR, g.FPR, g.Precision, g.Accuracy, g.ROCAUC,
				g.DemographicParityRatio, g.EqualOpportunityDifference, g.EqualizedOddsDifference})
		}
		sameResult(t, tc.q, got, sqlRows(t, ctx, db, "SELECT * FROM "+tc.q))
	}

	for _, tc := range []struct {
		q, m string
		o    engine.ImportanceOptions
	}{
		{"feature_importance('churn', 'c')", "churn", engine.ImportanceOptions{}},
		{"feature_importance('churn', 'c', repeats := 2, seed := 0)", "churn", engine.ImportanceOptions{Repeats: 2, Seed: new(int64(0))}},
		{"feature_importance('plan', 'c', seed := 5)", "plan", engine.ImportanceOptions{Seed: new(int64(5))}},
		{"feature_importance('spend', 'c', repeats := 1)", "spend", engine.ImportanceOptions{Repeats: 1}},
	} {
		imp, err := e.FeatureImportance(ctx, tc.m, "c", tc.o)
		if err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		got = nil
		for _, m := range imp {
			got = append(got, []any{m.Feature, m.Importance, m.ImportanceStd, m.Weight, m.Gain})
		}
		sameResult(t, tc.q, got, sqlRows(t, ctx, db, "SELECT * FROM "+tc.q))
	}

	// Errors: the same *dserr.Error as SQL's text, with its code, function
	// and argument.
	for _, tc := range []struct {
		q       string
		call    func() error
		code    error
		fn, arg string
	}{
		{"lift('spend', 'c')", func() error { _, err := e.Lift(ctx, "spend", "c", engine.LiftOptions{}); return err },
			dserr.Incompatible, "lift", "model"},
		{"fairness('churn', 'c', by := 'nope')", func() error {
			_, err := e.Fairness(ctx, "churn", "c", engine.FairnessOptions{By: "nope"})
			return err
		}, dserr.InvalidArgument, "fairness", "by"},
		{"fairness('churn', 'c', by := 'gendr')", func() error {
			_, err := e.Fairness(ctx, "churn", "c", engine.FairnessOptions{By: "gendr"})
			return err
		}, dserr.InvalidArgument, "fairness", "by"},
		{"evaluate('chrun', 'c')", func() error { _, err := e.Evaluate(ctx, "chrun", "c", engine.EvaluateOptions{}); return err },
			dserr.NotFound, "evaluate", "model"},
		{"fairness('churn', 'c', min_group := -1)", func() error {
			_, err := e.Fairness(ctx, "churn", "c", engine.FairnessOptions{MinGroup: new(-1)})
			return err
		}, dserr.InvalidArgument, "fairness", "min_group"},
		{"confusion_matrix('plan', 'c', threshold := 0.3)", func() error {
			_, err := e.ConfusionMatrix(ctx, "plan", "c", engine.ConfusionOptions{Threshold: new(0.3)})
			return err
		}, dserr.InvalidArgument, "confusion_matrix", "threshold"},
		{"confusion_matrix('seg', 'c')", func() error { _, err := e.ConfusionMatrix(ctx, "seg", "c", engine.ConfusionOptions{}); return err },
			dserr.Incompatible, "confusion_matrix", "model"},
		{"evaluate('seg', 'c', threshold := 0.3)", func() error {
			_, err := e.Evaluate(ctx, "seg", "c", engine.EvaluateOptions{Threshold: new(0.3)})
			return err
		}, dserr.InvalidArgument, "evaluate", "threshold"},
		{"evaluate('churn', 'c', threshold := 1)", func() error {
			_, err := e.Evaluate(ctx, "churn", "c", engine.EvaluateOptions{Threshold: new(1.0)})
			return err
		}, dserr.InvalidArgument, "evaluate", "threshold"},
		{"evaluate('churn', $$SELECT age FROM c$$)", func() error {
			_, err := e.Evaluate(ctx, "churn", "SELECT age FROM c", engine.EvaluateOptions{})
			return err
		}, dserr.InvalidArgument, "evaluate", "data"},
		{"roc_curve('churn', 'c', points := 1)", func() error { _, err := e.ROCCurve(ctx, "churn", "c", engine.ROCOptions{Points: 1}); return err },
			dserr.InvalidArgument, "roc_curve", "points"},
		{"roc_curve('churn', 'c', points := -3)", func() error { _, err := e.ROCCurve(ctx, "churn", "c", engine.ROCOptions{Points: -3}); return err },
			dserr.InvalidArgument, "roc_curve", "points"},
		{"calibration('churn', 'c', bins := 100001)", func() error {
			_, err := e.Calibration(ctx, "churn", "c", engine.CalibrationOptions{Bins: 100001})
			return err
		}, dserr.InvalidArgument, "calibration", "bins"},
		{"lift('churn', $$SELECT * FROM c LIMIT 5$$, bins := 6)", func() error {
			_, err := e.Lift(ctx, "churn", "SELECT * FROM c LIMIT 5", engine.LiftOptions{Bins: 6})
			return err
		}, dserr.InvalidArgument, "lift", "bins"},
		{"feature_importance('churn', 'c', repeats := 101)", func() error {
			_, err := e.FeatureImportance(ctx, "churn", "c", engine.ImportanceOptions{Repeats: 101})
			return err
		}, dserr.InvalidArgument, "feature_importance", "repeats"},
		{"feature_importance('seg', 'c')", func() error {
			_, err := e.FeatureImportance(ctx, "seg", "c", engine.ImportanceOptions{})
			return err
		}, dserr.Incompatible, "feature_importance", "model"},
		{"feature_importance('churn', 'c', version := 7)", func() error {
			_, err := e.FeatureImportance(ctx, "churn", "c", engine.ImportanceOptions{Version: 7})
			return err
		}, dserr.NotFound, "feature_importance", "version"},
		{"calibration('', 'c')", func() error { _, err := e.Calibration(ctx, "", "c", engine.CalibrationOptions{}); return err },
			dserr.InvalidArgument, "calibration", "model"},
	} {
		err := tc.call()
		var de *dserr.Error
		if !errors.As(err, &de) || !errors.Is(err, tc.code) || de.Func != tc.fn || de.Arg != tc.arg {
			t.Errorf("%s: %#v, want %v of %s's %s", tc.q, err, tc.code, tc.fn, tc.arg)
			continue
		}
		_, sqlErr := db.ExecContext(ctx, "SELECT count(*) FROM "+tc.q)
		if sqlErr == nil || !strings.Contains(sqlErr.Error(), de.Error()) {
			t.Errorf("%s: Go error %q, SQL %v", tc.q, de.Error(), sqlErr)
		}
	}
	_, err = e.Evaluate(ctx, "churn", "c", engine.EvaluateOptions{Version: -1})
	if !errors.Is(err, dserr.InvalidArgument) || err.Error() != "evaluate: version: must be at least 1, got -1" {
		t.Errorf("version -1: %v", err)
	}
}

// columnsOf returns the column names of q's result.
func columnsOf(t *testing.T, ctx context.Context, db *sql.DB, q string) ([]string, error) {
	t.Helper()
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	return rows.Columns()
}
