//go:build duckdb_arrow

package engine_test

import (
	"errors"
	"math"
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
	ev, err := e.Evaluate(ctx, "churn", "c", engine.EvalOptions{Threshold: 0.3})
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
	lift, err := e.Lift(ctx, "churn", "c", engine.EvalOptions{Bins: 4})
	if err != nil || len(lift) != 4 || lift[3].CumulativeGain != 1 || lift[0].Customers != 1000 {
		t.Errorf("Lift %+v, %v", lift, err)
	}
	roc, err := e.ROCCurve(ctx, "churn", "c", engine.EvalOptions{Points: 3})
	if err != nil || len(roc) != 3 || roc[0].TPR != 1 || roc[2].FPR != 0 {
		t.Errorf("ROCCurve %+v, %v", roc, err)
	}
	cm, err := e.ConfusionMatrix(ctx, "churn", "c", engine.EvalOptions{})
	if err != nil || len(cm) != 4 || cm[0].Actual != "false" || cm[0].Predicted != "false" {
		t.Errorf("ConfusionMatrix %+v, %v", cm, err)
	}
	cal, err := e.Calibration(ctx, "churn", "c", engine.EvalOptions{Bins: 5})
	var n int64
	for _, b := range cal {
		n += b.Rows
	}
	if err != nil || len(cal) != 5 || n != 4000 {
		t.Errorf("Calibration %+v, %v", cal, err)
	}
	minGroup := 1000
	groups, err := e.Fairness(ctx, "churn", "c", engine.EvalOptions{By: "gender", MinGroup: &minGroup})
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
	seed := int64(1)
	imp, err := e.FeatureImportance(ctx, "churn", "c", 2, &seed, engine.EvalOptions{})
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
	// explain: predict's columns and the reasons, as Arrow batches.
	rr, err := e.Explain(ctx, "churn", "c", engine.ExplainOptions{TopK: 2})
	if err != nil {
		t.Fatal(err)
	}
	sch := rr.Schema()
	if f := sch.Field(sch.NumFields() - 1); f.Name != "reasons" || sch.Field(sch.NumFields()-2).Name != "probability" {
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
	_, err = e.Evaluate(ctx, "churn", "c", engine.EvalOptions{Threshold: 2})
	var de *dserr.Error
	if !errors.As(err, &de) || de.Func != "evaluate" || de.Arg != "threshold" || !errors.Is(err, dserr.InvalidArgument) {
		t.Errorf("threshold 2: %#v", err)
	}
	_, err = e.Lift(ctx, "nope", "c", engine.EvalOptions{})
	if !errors.Is(err, dserr.NotFound) {
		t.Errorf("missing model: %v", err)
	}
}
