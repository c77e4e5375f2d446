package metrics

import "math"

// Regression is the report of RegressionReport.
type Regression struct {
	Rows int64
	MAE  float64 // mean(|pred - y|)
	RMSE float64 // sqrt(mean((pred - y)^2))
	R2   float64 // coefficient of determination, sklearn's r2_score
	// MAPE is mean(|pred - y| / |y|) over the rows with y != 0, as a
	// fraction (0.1 is 10%); NaN when every target is zero. PercentRows
	// counts those rows.
	MAPE        float64
	PercentRows int64
}

// RegressionReport scores the predictions pred against the targets y.
//
// R2 is sklearn.metrics.r2_score: 1 - SSres/SStot, and when y is constant
// (SStot = 0) 1 for perfect predictions and 0 otherwise (sklearn's
// force_finite=True).
//
// MAPE deliberately differs from sklearn's mean_absolute_percentage_error,
// which divides by max(|y|, machine epsilon) and so turns a zero target into
// an error of about 4.5e15: here rows with a zero target are left out of
// MAPE (and counted out of PercentRows). With no zero target the two agree.
//
// Every float field is NaN for no rows.
func RegressionReport(y, pred []float64) Regression {
	checkLen("RegressionReport", len(pred), len(y))
	r := Regression{Rows: int64(len(y))}
	if len(y) == 0 {
		nan := math.NaN()
		r.MAE, r.RMSE, r.R2, r.MAPE = nan, nan, nan, nan
		return r
	}
	n := float64(len(y))
	var mean float64
	for _, v := range y {
		mean += v
	}
	mean /= n
	var abs, ss, tot, pct float64
	for i, yi := range y {
		d := pred[i] - yi
		abs += math.Abs(d)
		ss += d * d
		t := yi - mean
		tot += t * t
		if yi != 0 {
			pct += math.Abs(d) / math.Abs(yi)
			r.PercentRows++
		}
	}
	r.MAE = abs / n
	r.RMSE = math.Sqrt(ss / n)
	switch {
	case ss == 0:
		r.R2 = 1
	case tot == 0:
		r.R2 = 0
	default:
		r.R2 = 1 - ss/tot
	}
	if r.PercentRows > 0 {
		r.MAPE = pct / float64(r.PercentRows)
	} else {
		r.MAPE = math.NaN()
	}
	return r
}
