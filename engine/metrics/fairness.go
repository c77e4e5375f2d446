package metrics

import (
	"fmt"
	"math"
	"sort"
)

// Group is one group of GroupReport. Every ratio is NaN when its
// denominator is zero.
type Group struct {
	Name string
	Rows int64

	PositiveRate float64 // share of the group's rows predicted positive (p >= threshold)
	TPR          float64 // TP/(TP+FN); NaN with no positive row
	FPR          float64 // FP/(FP+TN); NaN with no negative row
	Precision    float64 // TP/(TP+FP); NaN when nothing is predicted positive
	Accuracy     float64 // (TP+TN)/Rows
	ROCAUC       float64 // AUC within the group; NaN with one class

	// Differences against the reference group (which gets 1, 0, 0 unless
	// its own values are NaN).
	DemographicParityRatio     float64 // PositiveRate / reference PositiveRate; NaN when that is 0
	EqualOpportunityDifference float64 // TPR - reference TPR
	EqualizedOddsDifference    float64 // max(|TPR - ref TPR|, |FPR - ref FPR|); NaN when either is NaN
}

// GroupReport splits the rows by group[i] and reports, per group, the
// threshold metrics of "positive when p >= threshold" against the labels y
// (a row is positive when y > 0), the group's ROC AUC, and the fairness gaps
// against the reference group. Groups come out sorted by name.
//
// Unlike BinaryReport, an undefined rate here is NaN, not 0: a group without
// positive rows has no true positive rate, and a gap computed from it is NaN
// too, so an empty cell is never mistaken for a fair one.
//
// It returns an error wrapping ErrNoReferenceGroup when reference names no
// group with rows. Slices of different lengths panic.
func GroupReport(y, p []float64, group []string, threshold float64, reference string) ([]Group, error) {
	checkLen("GroupReport", len(p), len(y))
	checkLen("GroupReport", len(group), len(y))
	rowsOf := map[string][]int{}
	for i, g := range group {
		rowsOf[g] = append(rowsOf[g], i)
	}
	if _, ok := rowsOf[reference]; !ok {
		return nil, fmt.Errorf("metrics: GroupReport: reference %q: %w", reference, ErrNoReferenceGroup)
	}
	names := make([]string, 0, len(rowsOf))
	for g := range rowsOf {
		names = append(names, g)
	}
	sort.Strings(names)

	out := make([]Group, len(names))
	var ref Group
	for gi, name := range names {
		rows := rowsOf[name]
		gy, gp := make([]float64, len(rows)), make([]float64, len(rows))
		for j, i := range rows {
			gy[j], gp[j] = y[i], p[i]
		}
		tp, fp, tn, fn := Confusion(gy, gp, threshold)
		g := Group{
			Name:         name,
			Rows:         int64(len(rows)),
			PositiveRate: ratio(tp+fp, int64(len(rows))),
			TPR:          ratio(tp, tp+fn),
			FPR:          ratio(fp, fp+tn),
			Precision:    ratio(tp, tp+fp),
			Accuracy:     ratio(tp+tn, int64(len(rows))),
			ROCAUC:       AUC(gp, gy, nil),
		}
		out[gi] = g
		if name == reference {
			ref = g
		}
	}
	for i := range out {
		g := &out[i]
		g.DemographicParityRatio = math.NaN()
		if ref.PositiveRate != 0 {
			g.DemographicParityRatio = g.PositiveRate / ref.PositiveRate
		}
		g.EqualOpportunityDifference = g.TPR - ref.TPR
		g.EqualizedOddsDifference = math.Max(math.Abs(g.TPR-ref.TPR), math.Abs(g.FPR-ref.FPR))
	}
	return out, nil
}

// ratio is num/den, NaN when den is 0.
func ratio(num, den int64) float64 {
	if den == 0 {
		return math.NaN()
	}
	return float64(num) / float64(den)
}
