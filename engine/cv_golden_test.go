//go:build duckdb_arrow

package engine_test

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"testing"

	"github.com/ducksight/ducksight/engine"
)

// cvExport, when set, makes TestCrossValidateMatchesScikitLearn write the
// rows, the folds and ducksight's predictions and fold rows to that file
// (JSON) instead of checking: scripts/cv_golden turns it into
// testdata/cv_golden.json.
var cvExport = flag.String("cv.export", "", "write TestCrossValidateMatchesScikitLearn's rows, folds and predictions to this JSON file")

// The golden's cross_validate call: a logistic model (lbfgs, every
// training row fitted: validation_fraction := 0) with l2 cvGoldenL2
// (scikit-learn's C = 1/(l2 * n) for a fold of n training rows), 5 folds.
const (
	cvGoldenL2    = 1e-3
	cvGoldenFolds = 5
	cvGoldenRows  = 2000
)

// cvGoldenFeatures are demo_customers' numeric columns without NULLs, as
// DOUBLE (each a standardised input; no column is one-hot encoded).
var cvGoldenFeatures = []string{"age", "tenure_months", "monthly_spend", "visits_30d", "support_calls", "days_since_last_purchase", "orders_12m", "revenue_12m"}

// cvGoldenFile is testdata/cv_golden.json: what the test exported (the
// rows, the folds, ducksight's predictions and fold rows) and what
// scikit-learn made of it (scripts/cv_golden/fit.py).
type cvGoldenFile struct {
	L2       float64     `json:"l2"`
	Features []string    `json:"features"`
	X        [][]float64 `json:"x"`
	Y        []float64   `json:"y"`    // 1 for the positive class (churned)
	Fold     []int       `json:"fold"` // 1-based, per row
	P        []float64   `json:"p"`    // ducksight's P(positive), per row
	// Ducksight's fold rows, mean and std, and scikit-learn's metric
	// functions on ducksight's predictions, by measure.
	Folds   map[string][]float64 `json:"folds"`
	Mean    map[string]float64   `json:"mean"`
	Std     map[string]float64   `json:"std"`
	Sklearn struct {
		Folds map[string][]float64 `json:"folds"`
		Mean  map[string]float64   `json:"mean"`
		Std   map[string]float64   `json:"std"`
		// LRAUC is cross_val_score's ROC AUC per fold of
		// Pipeline(StandardScaler, LogisticRegression(C = 1/(l2 * n), tol = 1e-10))
		// trained on the same folds.
		LRAUC   []float64 `json:"lr_auc"`
		Version string    `json:"version"`
	} `json:"sklearn"`
}

// cross_validate against scikit-learn (the bars): given the fold
// assignment and ducksight's per-fold predictions, scikit-learn's
// roc_auc_score, average_precision_score, log_loss, accuracy_score and
// brier_score_loss reproduce every fold row and the mean and std rows to
// 1e-9; and with solver := 'lbfgs', each fold's ROC AUC is within 1e-4 of
// that of scikit-learn's LogisticRegression at the C l2 maps to, trained
// on the same fold's training rows. The folds and predictions of this run
// must be those exported (to 1e-12: the same bits on one platform, the
// last bits may move where the compiler fuses multiply-adds).
func TestCrossValidateMatchesScikitLearn(t *testing.T) {
	ctx := testContext(t)
	e := openMemory(t, ctx)
	sel := "customer_id"
	for _, f := range cvGoldenFeatures {
		sel += ", " + f + "::DOUBLE AS " + f
	}
	mustExec(t, ctx, e.DB(), `CREATE TABLE golden AS SELECT `+sel+`, churned FROM demo_customers(2000)`)
	const data = `SELECT * FROM golden ORDER BY customer_id`
	l2, zero := cvGoldenL2, 0.0
	cv, err := e.CrossValidate(ctx, engine.KindPerceptron, data, engine.CrossValidateOptions{
		Folds:       cvGoldenFolds,
		Perceptron:  engine.TrainOptions{Label: "churned", Features: cvGoldenFeatures, Solver: "lbfgs", L2: &l2, ValidationFraction: &zero},
		Predictions: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cv.Predictions) != cvGoldenRows || cv.Positive != "true" {
		t.Fatalf("%d predictions, positive %q", len(cv.Predictions), cv.Positive)
	}
	// The rows, as the data query gives them.
	var x [][]float64
	rows, err := e.DB().QueryContext(ctx, `SELECT * EXCLUDE (customer_id, churned) FROM (`+data+`)`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		r := make([]float64, len(cvGoldenFeatures))
		dst := make([]any, len(r))
		for i := range r {
			dst[i] = &r[i]
		}
		if err := rows.Scan(dst...); err != nil {
			t.Fatal(err)
		}
		x = append(x, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	folds, y, p := make([]int, len(x)), make([]float64, len(x)), make([]float64, len(x))
	for i, pr := range cv.Predictions {
		if pr.Row != int64(i) {
			t.Fatalf("prediction %d is of row %d", i, pr.Row)
		}
		folds[i], y[i], p[i] = pr.Fold, pr.Label, pr.Output[0]
	}
	byMeasure := map[string][]float64{}
	for _, f := range cv.Folds {
		for _, m := range cv.Columns {
			byMeasure[m] = append(byMeasure[m], f.Measures[m])
		}
	}
	mean, std := map[string]float64{}, map[string]float64{}
	for _, m := range cv.Columns {
		mean[m], std[m] = cv.Mean[m], cv.Std[m]
	}
	if *cvExport != "" {
		out := map[string]any{"l2": cvGoldenL2, "features": cvGoldenFeatures, "x": x, "y": y, "fold": folds, "p": p,
			"folds": byMeasure, "mean": mean, "std": std}
		b, err := json.Marshal(out)
		if err == nil {
			err = os.WriteFile(*cvExport, b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d rows, %d folds to %s", len(x), cvGoldenFolds, *cvExport)
		return
	}
	raw, err := os.ReadFile("testdata/cv_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g cvGoldenFile
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	if g.L2 != cvGoldenL2 || len(g.X) != len(x) || len(g.Sklearn.LRAUC) != cvGoldenFolds {
		t.Fatalf("golden for l2 %g, %d rows, %d folds; this test has %g, %d, %d (regenerate it: scripts/cv_golden)",
			g.L2, len(g.X), len(g.Sklearn.LRAUC), cvGoldenL2, len(x), cvGoldenFolds)
	}
	// The same rows, folds and (to 1e-12) predictions as exported.
	var worstP float64
	for i := range x {
		for j, v := range x[i] {
			if v != g.X[i][j] {
				t.Fatalf("row %d, %s: %v, exported %v", i, cvGoldenFeatures[j], v, g.X[i][j])
			}
		}
		if y[i] != g.Y[i] || folds[i] != g.Fold[i] {
			t.Fatalf("row %d: label %v fold %d, exported %v %d", i, y[i], folds[i], g.Y[i], g.Fold[i])
		}
		worstP = math.Max(worstP, math.Abs(p[i]-g.P[i]))
	}
	t.Logf("largest difference of a prediction from the exported one: %.3g", worstP)
	if worstP > 1e-12 {
		t.Errorf("predictions differ from the exported ones by up to %.3g", worstP)
	}
	// scikit-learn's metrics of the exported predictions: every fold row,
	// mean and std to 1e-9.
	var worstM, worstAUC float64
	for _, m := range cv.Columns {
		want := g.Sklearn.Folds[m]
		if len(want) != cvGoldenFolds {
			t.Fatalf("golden has %d folds of %s", len(want), m)
		}
		for f, v := range byMeasure[m] {
			worstM = math.Max(worstM, math.Abs(v-want[f]))
			if math.Abs(v-want[f]) > 1e-9 {
				t.Errorf("fold %d: %s %.12g, scikit-learn's %.12g", f+1, m, v, want[f])
			}
		}
		for _, c := range []struct {
			what      string
			got, want float64
		}{{"mean", mean[m], g.Sklearn.Mean[m]}, {"std", std[m], g.Sklearn.Std[m]}} {
			worstM = math.Max(worstM, math.Abs(c.got-c.want))
			if math.Abs(c.got-c.want) > 1e-9 {
				t.Errorf("%s of %s: %.12g, scikit-learn's %.12g", c.what, m, c.got, c.want)
			}
		}
	}
	// scikit-learn's logistic regression on the same folds: ROC AUC to 1e-4.
	for f, v := range byMeasure["roc_auc"] {
		d := math.Abs(v - g.Sklearn.LRAUC[f])
		worstAUC = math.Max(worstAUC, d)
		if d > 1e-4 {
			t.Errorf("fold %d: ROC AUC %.8g, scikit-learn's LogisticRegression %.8g", f+1, v, g.Sklearn.LRAUC[f])
		}
	}
	t.Logf("%s: largest difference of a measure %.3g; of a fold's ROC AUC from LogisticRegression's %.3g", g.Sklearn.Version, worstM, worstAUC)
}
