package metrics

import (
	"math"
	"testing"
)

// ChooseThreshold on six rows worked by hand. The candidates, highest
// first (threshold: TP, FP of the 3 positives and 3 negatives):
// 0.95: 0, 0; 0.85: 1, 0; 0.75: 2, 0; 0.65: 2, 1; 0.5: 3, 1; 0.3: 3, 2;
// 0.1: 3, 3. F1 is 0, 0.5, 0.8, 0.667, 0.857, 0.75, 0.667; Youden's J
// 0, 1/3, 2/3, 1/3, 2/3, 1/3, 0.
func TestChooseThreshold(t *testing.T) {
	p := []float64{0.9, 0.8, 0.7, 0.6, 0.4, 0.2}
	y := []float64{1, 1, 0, 1, 0, 0}
	for _, c := range []struct {
		name string
		g    ThresholdGoal
		want ThresholdChoice
	}{
		{"f1", ThresholdGoal{Metric: F1}, ThresholdChoice{0.5, 4.0 / 6, 0.75, 1, 6.0 / 7, 1.0 / 6}},
		// J ties at 0.75 and 0.5: the higher threshold.
		{"youden", ThresholdGoal{Metric: Youden}, ThresholdChoice{0.75, 2.0 / 6, 1, 2.0 / 3, 0.8, 1.0 / 6}},
		// FP + FN ties at 0.75 and 0.5 (1 each): the higher threshold.
		{"cost 1 1", ThresholdGoal{Metric: Cost, CostFP: 1, CostFN: 1}, ThresholdChoice{0.75, 2.0 / 6, 1, 2.0 / 3, 0.8, 1.0 / 6}},
		// FP + 5 FN: 15, 10, 5, 6, 1, 2, 3.
		{"cost 1 5", ThresholdGoal{Metric: Cost, CostFP: 1, CostFN: 5}, ThresholdChoice{0.5, 4.0 / 6, 0.75, 1, 6.0 / 7, 1.0 / 6}},
		// 5 FP + FN: 3, 2, 1, 6, 5, 10, 15.
		{"cost 5 1", ThresholdGoal{Metric: Cost, CostFP: 5, CostFN: 1}, ThresholdChoice{0.75, 2.0 / 6, 1, 2.0 / 3, 0.8, 1.0 / 6}},
		// 3 rows of 6; 2.4 rows rounds up to 3; 1.8 to 2.
		{"budget 0.5", ThresholdGoal{Budget: 0.5}, ThresholdChoice{0.65, 0.5, 2.0 / 3, 2.0 / 3, 2.0 / 3, 2.0 / 6}},
		{"budget 0.4", ThresholdGoal{Budget: 0.4}, ThresholdChoice{0.65, 0.5, 2.0 / 3, 2.0 / 3, 2.0 / 3, 2.0 / 6}},
		{"budget 0.3", ThresholdGoal{Budget: 0.3}, ThresholdChoice{0.75, 2.0 / 6, 1, 2.0 / 3, 0.8, 1.0 / 6}},
		// The budget ignores the metric.
		{"budget 0.3 cost", ThresholdGoal{Budget: 0.3, Metric: Cost, CostFP: 9, CostFN: 9}, ThresholdChoice{0.75, 2.0 / 6, 1, 2.0 / 3, 0.8, 1.0 / 6}},
	} {
		got, err := ChooseThreshold(y, p, c.g)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !close6(got, c.want) {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

func close6(a, b ThresholdChoice) bool {
	eq := func(x, y float64) bool { return math.Abs(x-y) < 1e-12 || math.IsNaN(x) && math.IsNaN(y) }
	return eq(a.Threshold, b.Threshold) && eq(a.FlaggedShare, b.FlaggedShare) && eq(a.Precision, b.Precision) &&
		eq(a.Recall, b.Recall) && eq(a.F1, b.F1) && eq(a.ExpectedCost, b.ExpectedCost)
}

// Tied scores move together; scores of 0 and 1 leave out the cuts no
// threshold in (0, 1) can make; when flagging nothing is cheapest, the cut
// above the highest score is chosen.
func TestChooseThresholdEdges(t *testing.T) {
	got, err := ChooseThreshold([]float64{1, 0, 0}, []float64{0.7, 0.7, 0.3}, ThresholdGoal{Budget: 1.0 / 3})
	if err != nil || got.Threshold != 0.5 || got.FlaggedShare != 2.0/3 {
		t.Errorf("tied scores: %+v, %v; want threshold 0.5 flagging 2 of 3", got, err)
	}
	// Scores 1, 0.5, 0: the cuts at 1 (flag none) and 0 (flag all) are
	// not candidates; flagging all three would be the best J otherwise.
	got, err = ChooseThreshold([]float64{1, 1, 0}, []float64{1, 0.5, 0}, ThresholdGoal{Metric: F1})
	if err != nil || got.Threshold != 0.25 {
		t.Errorf("0 and 1: %+v, %v; want 0.25", got, err)
	}
	// A false positive costs 10, a false negative 1, and the positive
	// scores lowest: flag nothing.
	got, err = ChooseThreshold([]float64{0, 0, 1}, []float64{0.9, 0.8, 0.1}, ThresholdGoal{Metric: Cost, CostFP: 10, CostFN: 1})
	if err != nil || got.Threshold != 0.95 || got.FlaggedShare != 0 || !math.IsNaN(got.Precision) || math.Abs(got.ExpectedCost-1.0/3) > 1e-15 {
		t.Errorf("flag none: %+v, %v", got, err)
	}
	if _, err := ChooseThreshold(nil, nil, ThresholdGoal{}); err == nil {
		t.Error("no rows accepted")
	}
	if _, err := ChooseThreshold([]float64{1}, []float64{math.NaN()}, ThresholdGoal{}); err == nil {
		t.Error("NaN score accepted")
	}
	// Scores 1 and 0: flagging both rows takes a threshold of 0.
	if got, err := ChooseThreshold([]float64{1, 0}, []float64{1, 0}, ThresholdGoal{Budget: 0.9}); err == nil {
		t.Errorf("a budget only a threshold of 0 meets: %+v", got)
	}
}
