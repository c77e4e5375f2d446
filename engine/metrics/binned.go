package metrics

import "math"

// Binned is what an engine that holds the rows sends back for the report
// of a binary classifier (evaluate of a model trained with engine :=): per
// equal-width score bin, in ascending order, its positive and negative
// rows; the confusion counts at the threshold; the sums of the rows' log
// loss (p clipped as BinaryReport clips it) and squared error. No row
// leaves the engine, so the ranking measures are of the bins: rows in one
// bin are tied.
type Binned struct {
	Pos, Neg       []float64
	TP, FP, TN, FN int64
	LogLoss, Brier float64 // sums over the rows
}

// Report is BinaryReport's measures from the counts: the threshold
// measures, the log loss and the Brier score as BinaryReport computes
// them from the rows (the sums aside, the same arithmetic); ROCAUC and
// PRAUC are BinnedAUC and BinnedAveragePrecision.
func (b *Binned) Report(threshold float64) Binary {
	r := Binary{Rows: b.TP + b.FP + b.TN + b.FN, Threshold: threshold, TP: b.TP, FP: b.FP, TN: b.TN, FN: b.FN}
	if r.Rows == 0 {
		nan := math.NaN()
		r.Accuracy, r.Precision, r.Recall, r.F1 = nan, nan, nan, nan
		r.LogLoss, r.ROCAUC, r.PRAUC, r.Brier = nan, nan, nan, nan
		return r
	}
	n := float64(r.Rows)
	r.Accuracy = float64(b.TP+b.TN) / n
	r.Precision = divOrZero(float64(b.TP), float64(b.TP+b.FP))
	r.Recall = divOrZero(float64(b.TP), float64(b.TP+b.FN))
	r.F1 = f1(r.Precision, r.Recall)
	r.LogLoss = b.LogLoss / n
	r.Brier = b.Brier / n
	r.ROCAUC = BinnedAUC(b.Pos, b.Neg)
	r.PRAUC = BinnedAveragePrecision(b.Pos, b.Neg)
	return r
}

// BinnedAUC is the AUC of scores binned in ascending order: pos[k] and
// neg[k] count the positive and negative rows of bin k; a positive above a
// negative counts 1, one in the same bin 1/2 (AUC's ties). NaN without
// both classes.
func BinnedAUC(pos, neg []float64) float64 {
	var below, P, N, s float64
	for k := range pos {
		s += pos[k] * (below + neg[k]/2)
		below += neg[k]
		P += pos[k]
		N += neg[k]
	}
	if P == 0 || N == 0 {
		return math.NaN()
	}
	return s / (P * N)
}

// BinnedAveragePrecision is averagePrecision of scores binned in ascending
// order (pos and neg as BinnedAUC's): every bin one threshold, from the
// highest down, its rows tied. NaN without a positive row.
func BinnedAveragePrecision(pos, neg []float64) float64 {
	var P float64
	for _, v := range pos {
		P += v
	}
	if P == 0 {
		return math.NaN()
	}
	var ap, prevRecall, tp, fp float64
	for k := len(pos) - 1; k >= 0; k-- {
		if pos[k] == 0 && neg[k] == 0 {
			continue
		}
		tp += pos[k]
		fp += neg[k]
		recall := tp / P
		ap += (recall - prevRecall) * tp / (tp + fp)
		prevRecall = recall
	}
	return ap
}
