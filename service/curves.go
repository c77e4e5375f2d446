//go:build duckdb_arrow

package service

import (
	"context"
	"math"
	"sort"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/bigmem"
	"github.com/ducksight/ducksight/engine/metrics"
	"github.com/ducksight/ducksight/engine/task"
)

// confusion_matrix, roc_curve, lift, calibration and fairness: tables a
// classifier's quality reads from, over data that holds the label. Each
// has a Bind function (the SQL adapter's bind: checks, model, data query)
// and a function that binds, runs and closes at once (the Go API's).

// ConfusionMatrix is confusion_matrix(model, data, ...): the counts of
// every (actual, predicted) class pair, zeros included, actual then
// predicted in the order of the model's classes.
func ConfusionMatrix(ctx context.Context, env Env, model, data string, o ConfusionOptions) ([]ConfusionCell, error) {
	c, err := BindConfusionMatrix(ctx, env, model, data, o)
	return runOnce(ctx, "confusion_matrix", c, err)
}

// BindConfusionMatrix binds confusion_matrix (see EvalCall).
func BindConfusionMatrix(ctx context.Context, env Env, model, data string, o ConfusionOptions) (*EvalCall[[]ConfusionCell], error) {
	const fn = "confusion_matrix"
	e, err := bindCurve(ctx, env, fn, model, data, o.Version, "")
	if err != nil {
		return nil, Err(ctx, fn, err)
	}
	t, err := func() (float64, error) {
		if err := e.needTask("classification", task.Binary, task.Multiclass); err != nil {
			return 0, err
		}
		if err := thresholdBinaryOnly(fn, model, o.Threshold != nil, e.doc.Kind, e.doc.Task); err != nil {
			return 0, err
		}
		return evalThreshold(fn, o.Threshold)
	}()
	if err != nil {
		e.close()
		return nil, Err(ctx, fn, err)
	}
	levels := e.doc.Label.Levels
	return bound(e, func(d *evalData) ([]ConfusionCell, error) {
		var truth, pred []int
		k := len(levels)
		if d.task == task.Binary {
			pos, neg := e.doc.Label.Positive, 1-e.doc.Label.Positive
			truth, pred = make([]int, 0, len(d.y)), make([]int, 0, len(d.y))
			for i, y := range d.y {
				tc, pc := neg, neg
				if y > 0 {
					tc = pos
				}
				if d.p[i] >= t {
					pc = pos
				}
				truth, pred = append(truth, tc), append(pred, pc)
			}
		} else {
			truth, pred = d.classes()
		}
		m := metrics.ConfusionMatrix(truth, pred, k)
		cells := make([]ConfusionCell, 0, k*k)
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				cells = append(cells, ConfusionCell{Actual: levels[i], Predicted: levels[j], Count: m[i][j]})
			}
		}
		return cells, nil
	}), nil
}

// bindCurve checks the model name and version, then binds a perceptron
// model to data (with group column by, when not "").
func bindCurve(ctx context.Context, env Env, fn, model, data string, version int, by string) (*evalBinding, error) {
	if err := checkModelVersion(fn, model, version); err != nil {
		return nil, err
	}
	return bindEval(ctx, env, fn, model, version, data, by)
}

// bindBinary is bindCurve for a function that takes binary classifiers
// only; check, when not nil, checks the function's options after the
// model's task (it runs with e bound, and e is closed when it fails).
func bindBinary(ctx context.Context, env Env, fn, model, data string, version int, by string, check func(e *evalBinding) error) (*evalBinding, error) {
	e, err := bindCurve(ctx, env, fn, model, data, version, by)
	if err != nil {
		return nil, err
	}
	if err := e.needTask("binary", task.Binary); err != nil {
		e.close()
		return nil, err
	}
	if check != nil {
		if err := check(e); err != nil {
			e.close()
			return nil, err
		}
	}
	return e, nil
}

// count is an integer option whose zero means def, checked against [lo,
// hi].
func count(fn, arg string, v, def, lo, hi int) (int, error) {
	if v == 0 {
		return def, nil
	}
	if v < lo || v > hi {
		return 0, dserr.Between(fn, arg, int64(lo), int64(hi), int64(v))
	}
	return v, nil
}

// ROCCurve is roc_curve(model, data, ...): a binary classifier's ROC and
// precision-recall points at Points thresholds evenly spaced over [0, 1].
func ROCCurve(ctx context.Context, env Env, model, data string, o ROCOptions) ([]metrics.ROCPoint, error) {
	c, err := BindROCCurve(ctx, env, model, data, o)
	return runOnce(ctx, "roc_curve", c, err)
}

// BindROCCurve binds roc_curve (see EvalCall).
func BindROCCurve(ctx context.Context, env Env, model, data string, o ROCOptions) (*EvalCall[[]metrics.ROCPoint], error) {
	const fn = "roc_curve"
	var points int
	e, err := bindBinary(ctx, env, fn, model, data, o.Version, "", func(*evalBinding) (err error) {
		points, err = count(fn, "points", o.Points, DefaultPoints, MinPoints, MaxPoints)
		return err
	})
	if err != nil {
		return nil, Err(ctx, fn, err)
	}
	return bound(e, func(d *evalData) ([]metrics.ROCPoint, error) {
		ts := make([]float64, points)
		for i := range ts {
			ts[i] = float64(i) / float64(points-1)
		}
		return metrics.ROCPoints(d.y, d.p, ts), nil
	}), nil
}

// Lift is lift(model, data, ...): a binary classifier's lift table, Bins
// equal-count bins of the rows by descending score.
func Lift(ctx context.Context, env Env, model, data string, o LiftOptions) ([]metrics.LiftBin, error) {
	c, err := BindLift(ctx, env, model, data, o)
	return runOnce(ctx, "lift", c, err)
}

// BindLift binds lift (see EvalCall). More bins than rows with a usable label
// is an error of Run (the rows are counted as the data streams).
func BindLift(ctx context.Context, env Env, model, data string, o LiftOptions) (*EvalCall[[]metrics.LiftBin], error) {
	const fn = "lift"
	var bins int
	e, err := bindBinary(ctx, env, fn, model, data, o.Version, "", func(*evalBinding) (err error) {
		bins, err = count(fn, "bins", o.Bins, DefaultBins, MinBins, MaxBins)
		return err
	})
	if err != nil {
		return nil, Err(ctx, fn, err)
	}
	return bound(e, func(d *evalData) ([]metrics.LiftBin, error) {
		// Equal-count bins: more bins than rows would be empty rows.
		if n := d.rows(); n < bins {
			return nil, dserr.Arg(fn, "bins", "must be at most the number of rows with a usable label (%d), got %d", n, bins)
		}
		var mem bigmem.Arena
		defer mem.Free()
		return metrics.Lift(d.y, d.p, bins, sortScratch(&mem, len(d.y))), nil
	}), nil
}

// Calibration is calibration(model, data, ...): a binary classifier's mean
// predicted probability against the observed rate in Bins equal-width
// bins of P(positive), every bin reported (an empty one with NaN rates).
func Calibration(ctx context.Context, env Env, model, data string, o CalibrationOptions) ([]metrics.CalBin, error) {
	c, err := BindCalibration(ctx, env, model, data, o)
	return runOnce(ctx, "calibration", c, err)
}

// BindCalibration binds calibration (see EvalCall).
func BindCalibration(ctx context.Context, env Env, model, data string, o CalibrationOptions) (*EvalCall[[]metrics.CalBin], error) {
	const fn = "calibration"
	var bins int
	e, err := bindBinary(ctx, env, fn, model, data, o.Version, "", func(*evalBinding) (err error) {
		bins, err = count(fn, "bins", o.Bins, DefaultBins, MinBins, MaxBins)
		return err
	})
	if err != nil {
		return nil, Err(ctx, fn, err)
	}
	return bound(e, func(d *evalData) ([]metrics.CalBin, error) {
		return metrics.Calibration(d.y, d.p, bins), nil
	}), nil
}

// nullGroup stands for the NULL group inside metrics.GroupReport.
const nullGroup = "\x00NULL"

// Fairness is fairness(model, data, ...): a binary classifier's rates per
// group of column By (NULL a group of its own), by group name with the
// NULL group first, and parity measures against the largest group (ties:
// the first by name).
func Fairness(ctx context.Context, env Env, model, data string, o FairnessOptions) ([]FairnessGroup, error) {
	c, err := BindFairness(ctx, env, model, data, o)
	return runOnce(ctx, "fairness", c, err)
}

// BindFairness binds fairness (see EvalCall).
func BindFairness(ctx context.Context, env Env, model, data string, o FairnessOptions) (*EvalCall[[]FairnessGroup], error) {
	const fn = "fairness"
	by := o.By
	if by == "" {
		by = DefaultBy
	}
	var t float64
	minGroup := int64(DefaultMinGroup)
	e, err := bindBinary(ctx, env, fn, model, data, o.Version, by, func(*evalBinding) (err error) {
		if t, err = evalThreshold(fn, o.Threshold); err != nil {
			return err
		}
		if o.MinGroup != nil {
			if minGroup = int64(*o.MinGroup); minGroup < 0 {
				return dserr.AtLeast(fn, "min_group", 0, minGroup)
			}
		}
		return nil
	})
	if err != nil {
		return nil, Err(ctx, fn, err)
	}
	return bound(e, func(d *evalData) ([]FairnessGroup, error) {
		groups := make([]string, len(d.group))
		rows := map[string]int64{}
		for i, g := range d.group {
			if d.groupNull[i] {
				g = nullGroup
			}
			groups[i] = g
			rows[g]++
		}
		// The reference: the largest group (ties: the first by name).
		ref := ""
		for g, n := range rows {
			if ref == "" || n > rows[ref] || n == rows[ref] && g < ref {
				ref = g
			}
		}
		report, err := metrics.GroupReport(d.y, d.p, groups, t, ref)
		if err != nil {
			return nil, dserr.Wrap(dserr.Internal, fn, "", err)
		}
		sort.SliceStable(report, func(i, j int) bool { return report[i].Name < report[j].Name })
		out := make([]FairnessGroup, len(report))
		for i, g := range report {
			if g.Rows < minGroup {
				nan := math.NaN()
				g = metrics.Group{Name: g.Name, Rows: g.Rows, PositiveRate: nan, TPR: nan, FPR: nan, Precision: nan, Accuracy: nan,
					ROCAUC: nan, DemographicParityRatio: nan, EqualOpportunityDifference: nan, EqualizedOddsDifference: nan}
			}
			out[i] = FairnessGroup{Group: g}
			if g.Name == nullGroup {
				out[i].Name, out[i].Null = "", true
			}
		}
		return out, nil
	}), nil
}
