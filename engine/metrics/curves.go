package metrics

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// ROCPoint is one threshold of ROCPoints.
type ROCPoint struct {
	Threshold float64
	TPR       float64 // TP/P (= Recall); NaN with no positive row
	FPR       float64 // FP/N; NaN with no negative row
	Precision float64 // TP/(TP+FP); 1 when nothing is predicted positive
	Recall    float64 // TP/P, the same as TPR
}

// ROCPoints evaluates the classifier "positive when p >= threshold" at each
// of thresholds, in the order given (a row is positive when y > 0; a NaN
// score is never predicted positive). A threshold at or below the lowest
// score gives TPR = FPR = 1; one above the highest gives TPR = FPR = 0.
//
// At a threshold that predicts nothing positive Precision is 1, the value
// sklearn.metrics.precision_recall_curve appends as the end point of the
// curve (recall 0, precision 1), so a precision-recall plot stays anchored;
// note precision_score itself would say 0 there. At the thresholds returned
// by sklearn's roc_curve and precision_recall_curve the points equal
// sklearn's.
//
// ROCPoints sorts copies of the scores once: O((n + len(thresholds)) log n).
func ROCPoints(y, p []float64, thresholds []float64) []ROCPoint {
	checkLen("ROCPoints", len(p), len(y))
	var pos, neg []float64
	for i, s := range p {
		if y[i] > 0 {
			pos = append(pos, s)
		} else {
			neg = append(neg, s)
		}
	}
	slices.Sort(pos) // NaN first, never >= a threshold
	slices.Sort(neg)
	atLeast := func(s []float64, t float64) int {
		return len(s) - sort.Search(len(s), func(i int) bool { return s[i] >= t })
	}
	out := make([]ROCPoint, len(thresholds))
	for i, t := range thresholds {
		tp, fp := atLeast(pos, t), atLeast(neg, t)
		pt := ROCPoint{Threshold: t, TPR: math.NaN(), FPR: math.NaN(), Precision: 1}
		if len(pos) > 0 {
			pt.TPR = float64(tp) / float64(len(pos))
		}
		if len(neg) > 0 {
			pt.FPR = float64(fp) / float64(len(neg))
		}
		if tp+fp > 0 {
			pt.Precision = float64(tp) / float64(tp+fp)
		}
		pt.Recall = pt.TPR
		out[i] = pt
	}
	return out
}

// LiftBin is one bin of Lift.
type LiftBin struct {
	Bin            int     // 1 is the highest-scored bin
	Customers      int64   // rows in the bin
	Positives      int64   // rows with y > 0 in the bin
	ResponseRate   float64 // Positives/Customers; NaN for an empty bin
	Lift           float64 // ResponseRate / overall positive rate; NaN with no positive row
	CumulativeGain float64 // positives in bins 1..Bin / all positives; NaN with no positive row
}

// Lift sorts the rows by descending score (equal scores in row order, NaN
// scores last) and cuts them into bins equal-count bins, the first n%bins
// bins one row larger (numpy.array_split): bin sizes differ by at most one
// and together hold every row. When bins > n the last bins are empty.
// The last bin's CumulativeGain is exactly 1 whenever there is a positive
// row. bins < 1 panics. The rows are sorted in s (nil: on the Go heap).
func Lift(y, p []float64, bins int, s *Scratch) []LiftBin {
	checkLen("Lift", len(p), len(y))
	if bins < 1 {
		panic(fmt.Sprintf("metrics: Lift: %d bins", bins))
	}
	idx := descendingOrder(p, s)
	n := len(y)
	var total int64
	for _, v := range y {
		if v > 0 {
			total++
		}
	}
	rate := float64(total) / float64(n)
	out := make([]LiftBin, bins)
	size, extra := n/bins, n%bins
	var cum int64
	start := 0
	for b := range out {
		end := start + size
		if b < extra {
			end++
		}
		lb := LiftBin{Bin: b + 1, Customers: int64(end - start)}
		for _, i := range idx[start:end] {
			if y[i] > 0 {
				lb.Positives++
			}
		}
		cum += lb.Positives
		lb.ResponseRate, lb.Lift, lb.CumulativeGain = math.NaN(), math.NaN(), math.NaN()
		if lb.Customers > 0 {
			lb.ResponseRate = float64(lb.Positives) / float64(lb.Customers)
		}
		if total > 0 {
			lb.Lift = lb.ResponseRate / rate
			lb.CumulativeGain = float64(cum) / float64(total)
		}
		out[b] = lb
		start = end
	}
	return out
}

// CalBin is one bin of Calibration.
type CalBin struct {
	Bin           int     // 1..bins, from [0, 1/bins] upwards
	Lo, Hi        float64 // the bin's edges
	MeanPredicted float64 // mean score of the bin's rows; NaN when empty
	ObservedRate  float64 // share of the bin's rows with y > 0; NaN when empty
	Rows          int64
}

// Calibration cuts [0, 1] into bins equal-width bins and reports, per bin,
// the mean score and the observed positive rate, like
// sklearn.calibration.calibration_curve(y, p, n_bins=bins,
// strategy="uniform") — whose prob_pred and prob_true are MeanPredicted and
// ObservedRate of the non-empty bins. Every bin is reported here: an empty
// one has Rows 0 and NaN rates.
//
// The edges are numpy.linspace(0, 1, bins+1) and a score on an inner edge
// goes to the lower bin (numpy.searchsorted side="left"), so bin b holds
// (Lo, Hi] and the first also 0. Scores below 0 fall in the first bin and
// above 1 in the last (sklearn refuses them); NaN scores are skipped, so
// the Rows sum to the number of non-NaN scores. bins < 1 panics.
func Calibration(y, p []float64, bins int) []CalBin {
	checkLen("Calibration", len(p), len(y))
	if bins < 1 {
		panic(fmt.Sprintf("metrics: Calibration: %d bins", bins))
	}
	step := 1 / float64(bins)
	edge := func(i int) float64 { // numpy.linspace(0, 1, bins+1)[i]
		if i == bins {
			return 1
		}
		return float64(i) * step
	}
	sumP := make([]float64, bins)
	pos := make([]int64, bins)
	rows := make([]int64, bins)
	for i, s := range p {
		if s != s {
			continue
		}
		// b = number of inner edges (1..bins-1) strictly below s.
		b := min(max(int(s*float64(bins)), 0), bins-1)
		for b > 0 && edge(b) >= s {
			b--
		}
		for b < bins-1 && edge(b+1) < s {
			b++
		}
		sumP[b] += s
		rows[b]++
		if y[i] > 0 {
			pos[b]++
		}
	}
	out := make([]CalBin, bins)
	for b := range out {
		c := CalBin{Bin: b + 1, Lo: edge(b), Hi: edge(b + 1), Rows: rows[b],
			MeanPredicted: math.NaN(), ObservedRate: math.NaN()}
		if rows[b] > 0 {
			c.MeanPredicted = sumP[b] / float64(rows[b])
			c.ObservedRate = float64(pos[b]) / float64(rows[b])
		}
		out[b] = c
	}
	return out
}
