package metrics

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// sklearnGolden is testdata/sklearn.json, written by
// scripts/metrics_sklearn.py with scikit-learn 1.2.1 (see the script for
// what each number is).
type sklearnGolden struct {
	Sklearn string `json:"sklearn"`
	Binary  struct {
		Y, P    []float64
		Group   []string
		Reports []struct {
			Threshold                       float64
			TP, FP, TN, FN                  int64
			Accuracy, Precision, Recall, F1 float64
		}
		LogLoss          float64 `json:"log_loss"`
		ROCAUC           float64 `json:"roc_auc"`
		AveragePrecision float64 `json:"average_precision"`
		Brier            float64
		ROC              struct{ Thresholds, TPR, FPR []float64 }
		PR               struct{ Thresholds, Precision, Recall []float64 }
		Lift             []struct {
			Bins int
			Rows []struct {
				Customers, Positives int64
				ResponseRate         float64 `json:"response_rate"`
				Lift                 float64
				CumulativeGain       float64 `json:"cumulative_gain"`
			}
		}
		Calibration []struct {
			Bins                int
			Rows                []int64
			Observed, Predicted []float64
		}
		Fairness struct {
			Threshold float64
			Reference string
			Groups    []struct {
				Name                          string
				Rows                          int64
				PositiveRate                  float64 `json:"positive_rate"`
				TPR, FPR, Precision, Accuracy float64
				ROCAUC                        float64 `json:"roc_auc"`
				DPRatio                       float64 `json:"dp_ratio"`
				EODiff                        float64 `json:"eo_diff"`
				EOddsDiff                     float64 `json:"eodds_diff"`
			}
		}
	}
	Multiclass []struct {
		K                 int
		Y                 []int
		Probs             []float64
		Accuracy          float64
		LogLoss           float64 `json:"log_loss"`
		Confusion         [][]int64
		MacroPrecision    float64 `json:"macro_precision"`
		MacroRecall       float64 `json:"macro_recall"`
		MacroF1           float64 `json:"macro_f1"`
		WeightedPrecision float64 `json:"weighted_precision"`
		WeightedRecall    float64 `json:"weighted_recall"`
		WeightedF1        float64 `json:"weighted_f1"`
	}
	Regression struct {
		Y, Pred           []float64
		MAE, RMSE, R2     float64
		MAPE              float64 `json:"mape_nonzero"`
		MAPESklearn       float64 `json:"mape_sklearn_nonzero"`
		NonzeroRows       int64   `json:"nonzero_rows"`
		R2ConstantExact   float64 `json:"r2_constant_exact"`
		R2ConstantInexact float64 `json:"r2_constant_inexact"`
	}
}

func loadGolden(t *testing.T) *sklearnGolden {
	t.Helper()
	b, err := os.ReadFile("testdata/sklearn.json")
	if err != nil {
		t.Fatal(err)
	}
	g := new(sklearnGolden)
	if err := json.Unmarshal(b, g); err != nil {
		t.Fatal(err)
	}
	if len(g.Binary.Y) == 0 || len(g.Multiclass) == 0 || len(g.Regression.Y) == 0 {
		t.Fatal("golden file is missing a data set")
	}
	return g
}

// near reports whether got is within 1e-9 of want (relative above 1).
func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
}

func checkNear(t *testing.T, what string, got, want float64) {
	t.Helper()
	if !near(got, want) {
		t.Errorf("%s = %.17g, sklearn %.17g", what, got, want)
	}
}

func TestSklearnBinary(t *testing.T) {
	g := loadGolden(t).Binary
	s := NewScratch(len(g.Y)) // one scratch for every report
	for _, r := range g.Reports {
		b := BinaryReport(g.Y, g.P, r.Threshold, s)
		if b.TP != r.TP || b.FP != r.FP || b.TN != r.TN || b.FN != r.FN {
			t.Errorf("t=%v: confusion %d %d %d %d, sklearn %d %d %d %d", r.Threshold,
				b.TP, b.FP, b.TN, b.FN, r.TP, r.FP, r.TN, r.FN)
		}
		checkNear(t, "Accuracy", b.Accuracy, r.Accuracy)
		checkNear(t, "Precision", b.Precision, r.Precision)
		checkNear(t, "Recall", b.Recall, r.Recall)
		checkNear(t, "F1", b.F1, r.F1)
		checkNear(t, "LogLoss", b.LogLoss, g.LogLoss)
		checkNear(t, "ROCAUC", b.ROCAUC, g.ROCAUC)
		checkNear(t, "PRAUC", b.PRAUC, g.AveragePrecision)
		checkNear(t, "Brier", b.Brier, g.Brier)
		if b.Rows != int64(len(g.Y)) {
			t.Errorf("Rows = %d", b.Rows)
		}
	}
}

func TestSklearnCurves(t *testing.T) {
	g := loadGolden(t).Binary
	roc := ROCPoints(g.Y, g.P, g.ROC.Thresholds)
	for i, pt := range roc {
		if !near(pt.TPR, g.ROC.TPR[i]) || !near(pt.FPR, g.ROC.FPR[i]) {
			t.Errorf("roc_curve threshold %v: TPR %v FPR %v, sklearn %v %v", pt.Threshold, pt.TPR, pt.FPR, g.ROC.TPR[i], g.ROC.FPR[i])
		}
	}
	pr := ROCPoints(g.Y, g.P, g.PR.Thresholds)
	for i, pt := range pr {
		if !near(pt.Precision, g.PR.Precision[i]) || !near(pt.Recall, g.PR.Recall[i]) {
			t.Errorf("precision_recall_curve threshold %v: P %v R %v, sklearn %v %v", pt.Threshold, pt.Precision, pt.Recall, g.PR.Precision[i], g.PR.Recall[i])
		}
	}
	s := NewScratch(len(g.Y))
	for _, l := range g.Lift {
		got := Lift(g.Y, g.P, l.Bins, s)
		if len(got) != len(l.Rows) {
			t.Fatalf("Lift(%d): %d bins", l.Bins, len(got))
		}
		for i, w := range l.Rows {
			b := got[i]
			if b.Bin != i+1 || b.Customers != w.Customers || b.Positives != w.Positives {
				t.Errorf("Lift(%d) bin %d: %d customers %d positives, numpy %d %d", l.Bins, b.Bin, b.Customers, b.Positives, w.Customers, w.Positives)
			}
			checkNear(t, "ResponseRate", b.ResponseRate, w.ResponseRate)
			checkNear(t, "Lift", b.Lift, w.Lift)
			checkNear(t, "CumulativeGain", b.CumulativeGain, w.CumulativeGain)
		}
	}
	for _, c := range g.Calibration {
		got := Calibration(g.Y, g.P, c.Bins)
		j := 0 // sklearn reports the non-empty bins only
		for i, b := range got {
			if b.Rows != c.Rows[i] {
				t.Errorf("Calibration(%d) bin %d: %d rows, numpy %d", c.Bins, b.Bin, b.Rows, c.Rows[i])
			}
			if b.Rows == 0 {
				if !math.IsNaN(b.MeanPredicted) || !math.IsNaN(b.ObservedRate) {
					t.Errorf("Calibration(%d) empty bin %d: %v %v, want NaN", c.Bins, b.Bin, b.MeanPredicted, b.ObservedRate)
				}
				continue
			}
			checkNear(t, "MeanPredicted", b.MeanPredicted, c.Predicted[j])
			checkNear(t, "ObservedRate", b.ObservedRate, c.Observed[j])
			j++
		}
		if j != len(c.Observed) {
			t.Errorf("Calibration(%d): %d non-empty bins, sklearn %d", c.Bins, j, len(c.Observed))
		}
	}
}

func TestSklearnFairness(t *testing.T) {
	g := loadGolden(t).Binary
	f := g.Fairness
	got, err := GroupReport(g.Y, g.P, g.Group, f.Threshold, f.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(f.Groups) {
		t.Fatalf("%d groups, want %d", len(got), len(f.Groups))
	}
	for i, w := range f.Groups {
		r := got[i]
		if r.Name != w.Name || r.Rows != w.Rows {
			t.Errorf("group %d: %q with %d rows, want %q with %d", i, r.Name, r.Rows, w.Name, w.Rows)
		}
		checkNear(t, w.Name+" PositiveRate", r.PositiveRate, w.PositiveRate)
		checkNear(t, w.Name+" TPR", r.TPR, w.TPR)
		checkNear(t, w.Name+" FPR", r.FPR, w.FPR)
		checkNear(t, w.Name+" Precision", r.Precision, w.Precision)
		checkNear(t, w.Name+" Accuracy", r.Accuracy, w.Accuracy)
		checkNear(t, w.Name+" ROCAUC", r.ROCAUC, w.ROCAUC)
		checkNear(t, w.Name+" DemographicParityRatio", r.DemographicParityRatio, w.DPRatio)
		checkNear(t, w.Name+" EqualOpportunityDifference", r.EqualOpportunityDifference, w.EODiff)
		checkNear(t, w.Name+" EqualizedOddsDifference", r.EqualizedOddsDifference, w.EOddsDiff)
	}
}

func TestSklearnMulticlass(t *testing.T) {
	for _, c := range loadGolden(t).Multiclass {
		m := MulticlassReport(c.Y, c.Probs, c.K)
		checkNear(t, "Accuracy", m.Accuracy, c.Accuracy)
		checkNear(t, "LogLoss", m.LogLoss, c.LogLoss)
		checkNear(t, "MacroPrecision", m.MacroPrecision, c.MacroPrecision)
		checkNear(t, "MacroRecall", m.MacroRecall, c.MacroRecall)
		checkNear(t, "MacroF1", m.MacroF1, c.MacroF1)
		checkNear(t, "WeightedPrecision", m.WeightedPrecision, c.WeightedPrecision)
		checkNear(t, "WeightedRecall", m.WeightedRecall, c.WeightedRecall)
		checkNear(t, "WeightedF1", m.WeightedF1, c.WeightedF1)
		for i := range c.Confusion {
			for j := range c.Confusion[i] {
				if m.Confusion[i][j] != c.Confusion[i][j] {
					t.Errorf("k=%d: Confusion[%d][%d] = %d, sklearn %d", c.K, i, j, m.Confusion[i][j], c.Confusion[i][j])
				}
			}
		}
	}
}

func TestSklearnRegression(t *testing.T) {
	g := loadGolden(t).Regression
	r := RegressionReport(g.Y, g.Pred)
	checkNear(t, "MAE", r.MAE, g.MAE)
	checkNear(t, "RMSE", r.RMSE, g.RMSE)
	checkNear(t, "R2", r.R2, g.R2)
	checkNear(t, "MAPE", r.MAPE, g.MAPE)
	checkNear(t, "MAPE vs sklearn on nonzero rows", r.MAPE, g.MAPESklearn)
	if r.PercentRows != g.NonzeroRows || r.PercentRows == r.Rows {
		t.Errorf("PercentRows = %d of %d, want %d", r.PercentRows, r.Rows, g.NonzeroRows)
	}
	checkNear(t, "R2 constant exact", RegressionReport([]float64{2, 2, 2}, []float64{2, 2, 2}).R2, g.R2ConstantExact)
	checkNear(t, "R2 constant inexact", RegressionReport([]float64{2, 2, 2}, []float64{2, 2.5, 2}).R2, g.R2ConstantInexact)
}
