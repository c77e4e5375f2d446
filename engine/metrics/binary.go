package metrics

import "math"

// Binary is the report of BinaryReport: threshold metrics of the class
// predictions p >= threshold, and ranking and probability metrics of the
// scores themselves.
type Binary struct {
	Rows      int64   // number of rows
	Threshold float64 // a row is predicted positive when p >= Threshold

	TP, FP, TN, FN int64 // the confusion counts at Threshold

	Accuracy  float64 // (TP+TN)/Rows
	Precision float64 // TP/(TP+FP), 0 when nothing is predicted positive
	Recall    float64 // TP/(TP+FN), 0 when there is no positive row
	F1        float64 // 2PR/(P+R), 0 when P+R is 0

	LogLoss float64 // binary cross-entropy, p clipped to [LogLossEps, 1-LogLossEps]
	ROCAUC  float64 // AUC(p, y, nil); NaN with one class
	PRAUC   float64 // average precision; NaN with no positive row
	Brier   float64 // mean((p-y)^2), y as 0/1
}

// Confusion counts the rows by label and prediction at threshold: a row is
// positive when y > 0 and predicted positive when p >= threshold (a NaN
// score is never predicted positive).
func Confusion(y, p []float64, threshold float64) (tp, fp, tn, fn int64) {
	checkLen("Confusion", len(p), len(y))
	for i, yi := range y {
		pos, hit := yi > 0, p[i] >= threshold
		switch {
		case pos && hit:
			tp++
		case pos:
			fn++
		case hit:
			fp++
		default:
			tn++
		}
	}
	return tp, fp, tn, fn
}

// BinaryReport scores the probabilities (or any scores) p of class 1 against
// the binary labels y (a row is positive when y > 0, so 0/1 and -1/+1 both
// work). The conventions are scikit-learn 1.2's:
//
//   - Precision, Recall and F1 are those of precision_score, recall_score
//     and f1_score with pos_label=1 and the default zero_division="warn",
//     which returns 0 for an undefined ratio (sklearn also warns; we do not).
//     F1 is 2PR/(P+R) computed from P and R, and 0 when P+R is 0.
//   - LogLoss is log_loss(y, p, eps=1e-15): p is clipped to
//     [LogLossEps, 1-LogLossEps]. (sklearn 1.2's own default is eps="auto",
//     the float64 machine epsilon; ducksight keeps the historical 1e-15.)
//   - ROCAUC is roc_auc_score: exact, ties count one half.
//   - PRAUC is average_precision_score: the step sum
//     sum_n (R_n - R_{n-1}) P_n over the distinct scores taken as thresholds
//     from the highest down, without interpolation; rows with equal scores
//     enter together. NaN when there is no positive row.
//   - Brier is brier_score_loss: mean((p - y01)^2).
//
// Every field is NaN (counts 0) for no rows. The average precision sorts
// the scores in s (nil: on the Go heap).
func BinaryReport(y, p []float64, threshold float64, s *Scratch) Binary {
	checkLen("BinaryReport", len(p), len(y))
	b := Binary{Rows: int64(len(y)), Threshold: threshold}
	b.TP, b.FP, b.TN, b.FN = Confusion(y, p, threshold)
	if len(y) == 0 {
		nan := math.NaN()
		b.Accuracy, b.Precision, b.Recall, b.F1 = nan, nan, nan, nan
		b.LogLoss, b.ROCAUC, b.PRAUC, b.Brier = nan, nan, nan, nan
		return b
	}
	n := float64(len(y))
	b.Accuracy = float64(b.TP+b.TN) / n
	b.Precision = divOrZero(float64(b.TP), float64(b.TP+b.FP))
	b.Recall = divOrZero(float64(b.TP), float64(b.TP+b.FN))
	b.F1 = f1(b.Precision, b.Recall)

	var ll, brier float64
	for i, pi := range p {
		c := min(max(pi, LogLossEps), 1-LogLossEps)
		d := pi
		if y[i] > 0 {
			ll -= math.Log(c)
			d = pi - 1
		} else {
			ll -= math.Log(1 - c)
		}
		brier += d * d
	}
	b.LogLoss = ll / n
	b.Brier = brier / n
	// The two rankings are independent: sort for both at once.
	done := make(chan struct{})
	go func() {
		b.PRAUC = averagePrecision(y, p, s)
		close(done)
	}()
	b.ROCAUC = AUC(p, y, nil)
	<-done
	return b
}

// divOrZero is num/den, or 0 when den is 0: scikit-learn's zero_division
// default for precision and recall.
func divOrZero(num, den float64) float64 {
	if den == 0 {
		return 0
	}
	return num / den
}

// f1 is the harmonic mean of precision and recall, 0 when both are 0
// (sklearn's f-score with its denominator set to 1 when it is 0).
func f1(prec, rec float64) float64 {
	den := prec + rec
	if den == 0 {
		return 0
	}
	return 2 * prec * rec / den
}

// descendingOrder returns the row indices ordered by descending score, rows
// with equal scores in input order, NaN scores last (-0 equals +0). It
// sorts in s (nil: on the Go heap).
func descendingOrder(p []float64, s *Scratch) []int {
	// A stable radix sort on the complemented sort key (NaN's key 0 becomes
	// the largest), carrying each row's index as an exact float64: O(n),
	// where a comparison sort took most of evaluate's time on 1M rows.
	n := len(p)
	keys, vals := s.buffers(n)
	for i, v := range p {
		keys[i], vals[i] = ^sortKey(v), float64(i)
	}
	radixSort(keys[:n], vals[:n], keys[n:], vals[n:])
	idx := make([]int, n)
	for i, v := range vals[:n] {
		idx[i] = int(v)
	}
	return idx
}

// averagePrecision is sklearn's average_precision_score: thresholds at the
// distinct scores from the highest down, AP = sum (R_n - R_{n-1}) P_n.
// It sorts in s (nil: on the Go heap).
func averagePrecision(y, p []float64, s *Scratch) float64 {
	nPos := 0
	for _, v := range y {
		if v > 0 {
			nPos++
		}
	}
	if nPos == 0 {
		return math.NaN()
	}
	idx := descendingOrder(p, s)
	var ap, prevRecall float64
	tp, fp := 0, 0
	for i := 0; i < len(idx); {
		k := sortKey(p[idx[i]])
		for ; i < len(idx) && sortKey(p[idx[i]]) == k; i++ {
			if y[idx[i]] > 0 {
				tp++
			} else {
				fp++
			}
		}
		recall := float64(tp) / float64(nPos)
		ap += (recall - prevRecall) * float64(tp) / float64(tp+fp)
		prevRecall = recall
	}
	return ap
}
