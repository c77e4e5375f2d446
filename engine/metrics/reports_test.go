package metrics

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// randomBinary draws n labels and scores rounded to 1/levels (ties).
func randomBinary(rng *rand.Rand, n, levels int) (y, p []float64) {
	y, p = make([]float64, n), make([]float64, n)
	for i := range y {
		p[i] = float64(rng.IntN(levels+1)) / float64(levels)
		if rng.Float64() < 0.2+0.6*p[i] {
			y[i] = 1
		}
	}
	return y, p
}

func TestLiftProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 300; trial++ {
		n := 1 + rng.IntN(200)
		bins := 1 + rng.IntN(15)
		y, p := randomBinary(rng, n, 1+rng.IntN(10))
		var total int64
		for _, v := range y {
			if v > 0 {
				total++
			}
		}
		lift := Lift(y, p, bins, nil)
		if len(lift) != bins {
			t.Fatalf("n=%d bins=%d: %d bins", n, bins, len(lift))
		}
		var rows, pos int64
		lo, hi := int64(n), int64(0)
		for i, b := range lift {
			if b.Bin != i+1 {
				t.Fatalf("bin %d numbered %d", i, b.Bin)
			}
			rows += b.Customers
			pos += b.Positives
			lo, hi = min(lo, b.Customers), max(hi, b.Customers)
			if i > 0 && b.Customers > lift[i-1].Customers {
				t.Fatalf("n=%d bins=%d: bin %d larger than bin %d", n, bins, i+1, i)
			}
		}
		if rows != int64(n) || pos != total {
			t.Fatalf("n=%d bins=%d: bins hold %d rows, %d positives; want %d, %d", n, bins, rows, pos, n, total)
		}
		if hi-lo > 1 {
			t.Fatalf("n=%d bins=%d: bin sizes %d..%d", n, bins, lo, hi)
		}
		last := lift[bins-1].CumulativeGain
		if total > 0 && last != 1 {
			t.Fatalf("n=%d bins=%d: last cumulative gain %v, want exactly 1", n, bins, last)
		}
		if total == 0 && !math.IsNaN(last) {
			t.Fatalf("no positives: last cumulative gain %v, want NaN", last)
		}
	}
}

func TestLiftTiesKeepRowOrder(t *testing.T) {
	// Every score equal: the bins are the rows in input order.
	y := []float64{1, 1, 0, 0, 0, 1}
	p := []float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.5}
	got := Lift(y, p, 3, nil)
	want := []int64{2, 0, 1}
	for i, b := range got {
		if b.Positives != want[i] {
			t.Errorf("bin %d: %d positives, want %d", b.Bin, b.Positives, want[i])
		}
	}
	// Higher scores come first whatever their row.
	got = Lift([]float64{0, 1, 0, 1}, []float64{0.1, 0.9, 0.2, 0.8}, 2, nil)
	if got[0].Positives != 2 || got[0].Lift != 2 || got[1].Lift != 0 || got[0].CumulativeGain != 1 {
		t.Errorf("Lift = %+v", got)
	}
}

func TestCalibrationProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 200; trial++ {
		n := rng.IntN(300)
		bins := 1 + rng.IntN(20)
		y, p := randomBinary(rng, n, 1+rng.IntN(20))
		var rows int64
		for _, b := range Calibration(y, p, bins) {
			rows += b.Rows
			if b.Rows == 0 && (!math.IsNaN(b.MeanPredicted) || !math.IsNaN(b.ObservedRate)) {
				t.Fatalf("empty bin %d: %+v, want NaN rates", b.Bin, b)
			}
			if b.Rows > 0 && (b.MeanPredicted < b.Lo-1e-12 || b.MeanPredicted > b.Hi+1e-12) {
				t.Fatalf("bin %d [%v, %v]: mean predicted %v outside", b.Bin, b.Lo, b.Hi, b.MeanPredicted)
			}
		}
		if rows != int64(n) {
			t.Fatalf("n=%d bins=%d: rows sum to %d", n, bins, rows)
		}
	}
}

func TestCalibrationEdges(t *testing.T) {
	// An inner edge belongs to the lower bin (numpy.searchsorted side="left").
	cal := Calibration([]float64{0, 1, 1, 0, 1}, []float64{0, 0.5, 0.50001, 1, 0.1}, 10)
	rows := []int64{2, 0, 0, 0, 1, 1, 0, 0, 0, 1}
	for i, b := range cal {
		if b.Rows != rows[i] {
			t.Errorf("bin %d (%v, %v]: %d rows, want %d", b.Bin, b.Lo, b.Hi, b.Rows, rows[i])
		}
	}
	if cal[0].MeanPredicted != 0.05 || cal[0].ObservedRate != 0.5 {
		t.Errorf("bin 1 = %+v", cal[0])
	}
}

func TestROCPointsEnds(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	y, p := randomBinary(rng, 100, 7)
	pts := ROCPoints(y, p, []float64{0, 0.5, 1.0000001, 2})
	if pts[0].TPR != 1 || pts[0].FPR != 1 {
		t.Errorf("threshold 0: %+v, want TPR = FPR = 1", pts[0])
	}
	for _, pt := range pts[2:] {
		if pt.TPR != 0 || pt.FPR != 0 || pt.Recall != 0 || pt.Precision != 1 {
			t.Errorf("threshold %v: %+v, want TPR = FPR = 0, precision 1", pt.Threshold, pt)
		}
	}
	tp, fp, tn, fn := Confusion(y, p, 0.5)
	if want := float64(tp) / float64(tp+fn); pts[1].TPR != want {
		t.Errorf("threshold 0.5: TPR %v, Confusion says %v", pts[1].TPR, want)
	}
	if want := float64(fp) / float64(fp+tn); pts[1].FPR != want {
		t.Errorf("threshold 0.5: FPR %v, Confusion says %v", pts[1].FPR, want)
	}
	if one := ROCPoints([]float64{1, 1}, []float64{0.2, 0.4}, []float64{0.3}); !math.IsNaN(one[0].FPR) || one[0].TPR != 0.5 {
		t.Errorf("positives only: %+v, want TPR 0.5, FPR NaN", one[0])
	}
}

func TestBinaryReportConventions(t *testing.T) {
	y := []float64{0, 0, 1}
	p := []float64{0.1, 0.2, 0.3}
	// Nothing predicted positive: precision, recall and F1 are 0, like sklearn.
	b := BinaryReport(y, p, 0.9, nil)
	if b.Precision != 0 || b.Recall != 0 || b.F1 != 0 || b.TN != 2 || b.FN != 1 {
		t.Errorf("threshold 0.9: %+v", b)
	}
	if b.ROCAUC != 1 || b.PRAUC != 1 {
		t.Errorf("ROCAUC %v PRAUC %v, want 1, 1", b.ROCAUC, b.PRAUC)
	}
	if want := (0.01 + 0.04 + 0.49) / 3; math.Abs(b.Brier-want) > 1e-15 {
		t.Errorf("Brier = %v, want %v", b.Brier, want)
	}
	if math.Abs(b.LogLoss-LogLoss(p, y)) > 1e-15 {
		t.Errorf("LogLoss %v differs from LogLoss() %v", b.LogLoss, LogLoss(p, y))
	}
	neg := BinaryReport([]float64{0, 0}, []float64{0.2, 0.7}, 0.5, nil)
	if !math.IsNaN(neg.PRAUC) || !math.IsNaN(neg.ROCAUC) || neg.Recall != 0 || neg.Precision != 0 {
		t.Errorf("no positives: %+v", neg)
	}
	e := BinaryReport(nil, nil, 0.5, nil)
	if !math.IsNaN(e.Accuracy) || !math.IsNaN(e.F1) || !math.IsNaN(e.Brier) || e.Rows != 0 {
		t.Errorf("empty: %+v", e)
	}
}

func TestMulticlassZeroDivision(t *testing.T) {
	// Class 3 is predicted but never a label (precision 0, recall 0 by
	// zero_division); class 4 is neither, so it is left out of the macro
	// average. Numbers from scikit-learn 1.2.1 on y=[0,0,1,1,2],
	// pred=[0,3,1,1,1].
	y := []int{0, 0, 1, 1, 2}
	pred := []int{0, 3, 1, 1, 1}
	k := 5
	probs := make([]float64, len(y)*k)
	for i, c := range pred {
		probs[i*k+c] = 1
	}
	m := MulticlassReport(y, probs, k)
	checks := []struct {
		name      string
		got, want float64
	}{
		{"MacroPrecision", m.MacroPrecision, 0.41666666666666663},
		{"MacroRecall", m.MacroRecall, 0.375},
		{"MacroF1", m.MacroF1, 0.3666666666666667},
		{"WeightedPrecision", m.WeightedPrecision, 0.6666666666666666},
		{"WeightedRecall", m.WeightedRecall, 0.6},
		{"WeightedF1", m.WeightedF1, 0.5866666666666667},
		{"Accuracy", m.Accuracy, 0.6},
	}
	for _, c := range checks {
		if math.Abs(c.got-c.want) > 1e-15 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if m.Confusion[0][3] != 1 || m.Confusion[2][1] != 1 || m.Confusion[4][4] != 0 {
		t.Errorf("Confusion = %v", m.Confusion)
	}
	// Every row is one 1 (clipped to 1-1e-15) and four 0s (clipped to
	// 1e-15), so it sums to 1+3e-15; two rows give the label probability 0.
	wantLL := -(2*math.Log(LogLossEps/(1+3*LogLossEps)) + 3*math.Log((1-LogLossEps)/(1+3*LogLossEps))) / 5
	if math.Abs(m.LogLoss-wantLL) > 1e-12 {
		t.Errorf("LogLoss = %v, want %v", m.LogLoss, wantLL)
	}
}

func TestConfusionMatrixArgmaxFirstOnTies(t *testing.T) {
	m := MulticlassReport([]int{1, 0}, []float64{0.4, 0.4, 0.2, 0.1, 0.1, 0.8}, 3)
	if m.Confusion[1][0] != 1 || m.Confusion[0][2] != 1 || m.Accuracy != 0 {
		t.Errorf("Confusion = %v, Accuracy %v", m.Confusion, m.Accuracy)
	}
}

func TestRegressionReportEdges(t *testing.T) {
	r := RegressionReport([]float64{0, 0}, []float64{1, -1})
	if !math.IsNaN(r.MAPE) || r.PercentRows != 0 || r.MAE != 1 || r.RMSE != 1 || r.R2 != 0 {
		t.Errorf("all-zero targets: %+v", r)
	}
	r = RegressionReport([]float64{2, 0, -4}, []float64{3, 5, -2})
	if want := (0.5 + 0.5) / 2; r.MAPE != want || r.PercentRows != 2 {
		t.Errorf("MAPE = %v over %d rows, want %v over 2", r.MAPE, r.PercentRows, want)
	}
	if e := RegressionReport(nil, nil); !math.IsNaN(e.R2) || !math.IsNaN(e.MAE) {
		t.Errorf("empty: %+v", e)
	}
}

func TestGroupReportKnownRates(t *testing.T) {
	// Group "ref": 4 positives (3 predicted), 4 negatives (1 predicted).
	// Group "x":   2 positives (1 predicted), 6 negatives (3 predicted).
	// Group "z":   no positive row, 2 negatives, none predicted.
	var y, p []float64
	var g []string
	add := func(name string, label, score float64, times int) {
		for i := 0; i < times; i++ {
			y, p, g = append(y, label), append(p, score), append(g, name)
		}
	}
	add("x", 1, 0.9, 1)
	add("x", 1, 0.1, 1)
	add("x", 0, 0.8, 3)
	add("x", 0, 0.2, 3)
	add("ref", 1, 0.7, 3)
	add("ref", 1, 0.3, 1)
	add("ref", 0, 0.6, 1)
	add("ref", 0, 0.4, 3)
	add("z", 0, 0.1, 2)

	got, err := GroupReport(y, p, g, 0.5, "ref")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Name != "ref" || got[1].Name != "x" || got[2].Name != "z" {
		t.Fatalf("groups = %+v", got)
	}
	ref, x, z := got[0], got[1], got[2]
	if ref.PositiveRate != 0.5 || ref.TPR != 0.75 || ref.FPR != 0.25 || ref.Precision != 0.75 || ref.Accuracy != 0.75 {
		t.Errorf("ref = %+v", ref)
	}
	if ref.DemographicParityRatio != 1 || ref.EqualOpportunityDifference != 0 || ref.EqualizedOddsDifference != 0 {
		t.Errorf("ref gaps = %+v", ref)
	}
	if x.PositiveRate != 0.5 || x.TPR != 0.5 || x.FPR != 0.5 || x.Precision != 0.25 || x.Accuracy != 0.5 {
		t.Errorf("x = %+v", x)
	}
	if x.DemographicParityRatio != 1 || x.EqualOpportunityDifference != -0.25 || x.EqualizedOddsDifference != 0.25 {
		t.Errorf("x gaps = %+v", x)
	}
	if want := AUC(p[:8], y[:8], nil); x.ROCAUC != want {
		t.Errorf("x ROCAUC = %v, want %v", x.ROCAUC, want)
	}
	if z.Rows != 2 || z.PositiveRate != 0 || z.DemographicParityRatio != 0 || z.FPR != 0 || z.Accuracy != 1 {
		t.Errorf("z = %+v", z)
	}
	for name, v := range map[string]float64{"TPR": z.TPR, "Precision": z.Precision, "ROCAUC": z.ROCAUC,
		"EqualOpportunityDifference": z.EqualOpportunityDifference, "EqualizedOddsDifference": z.EqualizedOddsDifference} {
		if !math.IsNaN(v) {
			t.Errorf("z %s = %v, want NaN", name, v)
		}
	}

	if _, err := GroupReport(y, p, g, 0.5, "nobody"); !errors.Is(err, ErrNoReferenceGroup) {
		t.Errorf("unknown reference: err = %v", err)
	}
	// A reference with no predicted positive makes every ratio NaN.
	got, _ = GroupReport(y, p, g, 0.5, "z")
	if !math.IsNaN(got[0].DemographicParityRatio) {
		t.Errorf("ratio to a zero rate = %v, want NaN", got[0].DemographicParityRatio)
	}
}

func TestNewFunctionsPanicOnMismatch(t *testing.T) {
	one, two := []float64{1}, []float64{1, 0}
	for name, f := range map[string]func(){
		"Confusion":        func() { Confusion(one, two, 0.5) },
		"BinaryReport":     func() { BinaryReport(one, two, 0.5, nil) },
		"RegressionReport": func() { RegressionReport(one, two) },
		"ROCPoints":        func() { ROCPoints(one, two, nil) },
		"Lift":             func() { Lift(one, two, 2, nil) },
		"Lift bins":        func() { Lift(one, one, 0, nil) },
		"Calibration":      func() { Calibration(one, two, 2) },
		"GroupReport":      func() { GroupReport(two, two, []string{"a"}, 0.5, "a") },
		"MulticlassReport": func() { MulticlassReport([]int{0}, []float64{1, 0}, 3) },
		"ConfusionMatrix":  func() { ConfusionMatrix([]int{3}, []int{0}, 3) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
