package metrics

import (
	"fmt"
	"math"
	"slices"
)

// ThresholdMetric is what ChooseThreshold optimises.
type ThresholdMetric int

const (
	// F1 maximises 2TP / (2TP + FP + FN).
	F1 ThresholdMetric = iota
	// Youden maximises Youden's J, TPR - FPR.
	Youden
	// Cost minimises CostFP*FP + CostFN*FN.
	Cost
)

// ThresholdGoal says how ChooseThreshold picks a threshold.
type ThresholdGoal struct {
	// Budget, when in (0, 1), picks the threshold that flags that share
	// of the rows (Metric is then not used); 0 optimises Metric.
	Budget         float64
	Metric         ThresholdMetric
	CostFP, CostFN float64 // Cost's weights, >= 0
}

// ThresholdChoice is a chosen decision threshold and how the classifier
// "positive when p >= Threshold" does at it.
type ThresholdChoice struct {
	Threshold    float64
	FlaggedShare float64 // the share of rows predicted positive
	Precision    float64 // TP/(TP+FP); NaN when no row is flagged
	Recall       float64 // TP/P; NaN without positive rows
	F1           float64 // 2TP/(2TP+FP+FN); NaN without positive rows or flags
	// ExpectedCost is (CostFP*FP + CostFN*FN) / rows, with the goal's
	// costs (1 and 1 unless Metric is Cost).
	ExpectedCost float64
}

// ChooseThreshold picks a decision threshold strictly between 0 and 1
// for the scores p (probabilities in [0, 1]) of rows with labels y (a row
// is positive when y > 0).
//
// The candidates are the cuts between neighbouring distinct scores: the
// midpoint of a score and the next lower one flags exactly the rows
// scoring at least the higher (the lowest score is cut against 0, the
// highest against 1, which flags no row); a cut at 0 or 1, which no
// threshold in (0, 1) can make, is not a candidate. With g.Budget, the
// candidate flagging the fewest rows that still flags at least Budget of
// them (ties in the scores can make that more than Budget); otherwise the
// candidate best by g.Metric, and among equal ones the highest threshold
// (the fewest rows flagged).
//
// ChooseThreshold panics if p and y differ in length, and returns an error
// when p is empty or holds a score outside [0, 1] or NaN, and when no
// candidate meets the budget (rows scoring 0 are flagged only at a
// threshold of 0).
func ChooseThreshold(y, p []float64, g ThresholdGoal) (ThresholdChoice, error) {
	checkLen("ChooseThreshold", len(p), len(y))
	n := len(p)
	if n == 0 {
		return ThresholdChoice{}, fmt.Errorf("no rows")
	}
	idx := make([]int, n)
	for i, s := range p {
		if !(s >= 0 && s <= 1) {
			return ThresholdChoice{}, fmt.Errorf("score %g is not a probability", s)
		}
		idx[i] = i
	}
	// Descending scores; rows of equal score in their order (only the
	// counts matter).
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case p[a] > p[b]:
			return -1
		case p[a] < p[b]:
			return 1
		}
		return 0
	})
	var pos float64
	for _, v := range y {
		if v > 0 {
			pos++
		}
	}
	neg := float64(n) - pos
	costFP, costFN := 1.0, 1.0
	if g.Budget == 0 && g.Metric == Cost {
		costFP, costFN = g.CostFP, g.CostFN
	}
	at := func(t, tp, fp float64) ThresholdChoice {
		fn := pos - tp
		c := ThresholdChoice{Threshold: t, FlaggedShare: (tp + fp) / float64(n),
			Precision: tp / (tp + fp), Recall: tp / pos, F1: 2 * tp / (2*tp + fp + fn),
			ExpectedCost: (costFP*fp + costFN*fn) / float64(n)}
		if tp+fp == 0 {
			c.Precision = math.NaN()
		}
		if pos == 0 {
			c.Recall = math.NaN()
		}
		if pos == 0 || tp+fp == 0 {
			c.F1 = math.NaN()
		}
		return c
	}
	// score is the value the goal maximises at a candidate.
	score := func(tp, fp float64) float64 {
		fn := pos - tp
		switch g.Metric {
		case Youden:
			// TPR - FPR times P*N, which orders the candidates alike
			// and is a whole number: equal J never differ by rounding.
			return tp*neg - fp*pos
		case Cost:
			return -(g.CostFP*fp + g.CostFN*fn)
		}
		if d := 2*tp + fp + fn; d > 0 {
			return 2 * tp / d
		}
		return 0
	}
	target := math.Ceil(g.Budget*float64(n) - 1e-9)
	var best ThresholdChoice
	found := false
	bestScore := math.Inf(-1)
	consider := func(hi, lo, tp, fp float64) bool {
		t := hi/2 + lo/2
		if !(t > 0 && t < 1) {
			return false
		}
		if g.Budget > 0 {
			if tp+fp >= target {
				best, found = at(t, tp, fp), true
				return true
			}
			return false
		}
		if s := score(tp, fp); s > bestScore {
			best, bestScore, found = at(t, tp, fp), s, true
		}
		return false
	}
	// No row flagged: the cut between 1 and the highest score.
	if consider(1, p[idx[0]], 0, 0) {
		return best, nil
	}
	var tp, fp float64
	for k := 0; k < n; {
		s := p[idx[k]]
		for k < n && p[idx[k]] == s {
			if y[idx[k]] > 0 {
				tp++
			} else {
				fp++
			}
			k++
		}
		lower := 0.0
		if k < n {
			lower = p[idx[k]]
		}
		if consider(s, lower, tp, fp) {
			return best, nil
		}
	}
	if !found {
		// Only with a budget: flagging every row needs a threshold of 0
		// when a row scores 0.
		return ThresholdChoice{}, fmt.Errorf("no threshold strictly between 0 and 1 flags a share of %g of the rows (rows scoring 0 can only be flagged with the rest)", g.Budget)
	}
	return best, nil
}
