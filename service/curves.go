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
	var t float64
	e, err := bindCurve(ctx, env, fn, model, data, o.Version, "", func(e *evalBinding) (err error) {
		if err := e.needTask("classification", task.Binary, task.Multiclass); err != nil {
			return err
		}
		if err := thresholdBinaryOnly(fn, model, o.Threshold != nil, e.model.Kind(), e.model.Task()); err != nil {
			return err
		}
		t, err = evalThreshold(fn, o.Threshold)
		return err
	})
	if err != nil {
		return nil, Err(ctx, fn, err)
	}
	levels := e.model.Label().Levels
	return bound(e, func(d *evalData) ([]ConfusionCell, error) {
		var truth, pred []int
		k := len(levels)
		if d.task == task.Binary {
			pos := e.model.Label().Positive
			neg := 1 - pos
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

// bindCurve checks the model name and version, then binds a model that
// predicts a label to data (with group column by, when not ""); check, when not nil,
// checks the function's model and options (it runs with e bound, and e is
// closed when it fails).
func bindCurve(ctx context.Context, env Env, fn, model, data string, version int, by string, check func(e *evalBinding) error) (*evalBinding, error) {
	if err := checkModelVersion(fn, model, version); err != nil {
		return nil, err
	}
	e, err := bindEval(ctx, env, fn, model, version, data, by)
	if err != nil {
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

// bindBinary is bindCurve for a function that takes binary classifiers
// only; check, when not nil, checks the function's options after the
// model's task.
func bindBinary(ctx context.Context, env Env, fn, model, data string, version int, by string, check func() error) (*evalBinding, error) {
	return bindCurve(ctx, env, fn, model, data, version, by, func(e *evalBinding) error {
		if err := e.needTask("binary", task.Binary); err != nil {
			return err
		}
		if check != nil {
			return check()
		}
		return nil
	})
}

// bindBinaryCount binds a function of binary classifiers whose one option
// is a count (roc_curve's points, lift's and calibration's bins): c, given
// as v, is checked after the model's task; compute gives the result from
// the scored data and the count.
func bindBinaryCount[T any](ctx context.Context, env Env, fn, model, data string, version int, c countArg, v int, compute func(d *evalData, n int) (T, error)) (*EvalCall[T], error) {
	var n int
	e, err := bindBinary(ctx, env, fn, model, data, version, "", func() (err error) {
		n, err = c.value(fn, v)
		return err
	})
	if err != nil {
		return nil, Err(ctx, fn, err)
	}
	return bound(e, func(d *evalData) (T, error) { return compute(d, n) }), nil
}

// countArg is an integer option whose zero means def, checked against
// [lo, hi].
type countArg struct {
	name        string
	def, lo, hi int
}

var (
	pointsArg  = countArg{"points", DefaultPoints, MinPoints, MaxPoints}
	binsArg    = countArg{"bins", DefaultBins, MinBins, MaxBins}
	repeatsArg = countArg{"repeats", DefaultRepeats, MinRepeats, MaxRepeats}
)

// value is the option's value given v (0: the default), an error of fn
// outside [lo, hi].
func (c countArg) value(fn string, v int) (int, error) {
	if v == 0 {
		return c.def, nil
	}
	if v < c.lo || v > c.hi {
		return 0, dserr.Between(fn, c.name, int64(c.lo), int64(c.hi), int64(v))
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
	return bindBinaryCount(ctx, env, "roc_curve", model, data, o.Version, pointsArg, o.Points, func(d *evalData, points int) ([]metrics.ROCPoint, error) {
		ts := make([]float64, points)
		for i := range ts {
			ts[i] = float64(i) / float64(points-1)
		}
		return metrics.ROCPoints(d.y, d.p, ts), nil
	})
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
	return bindBinaryCount(ctx, env, fn, model, data, o.Version, binsArg, o.Bins, func(d *evalData, bins int) ([]metrics.LiftBin, error) {
		// Equal-count bins: more bins than rows would be empty rows.
		if n := d.rows(); n < bins {
			return nil, dserr.Arg(fn, "bins", "must be at most the number of rows with a usable label (%d), got %d", n, bins)
		}
		var mem bigmem.Arena
		defer mem.Free()
		return metrics.Lift(d.y, d.p, bins, sortScratch(&mem, len(d.y))), nil
	})
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
	return bindBinaryCount(ctx, env, "calibration", model, data, o.Version, binsArg, o.Bins, func(d *evalData, bins int) ([]metrics.CalBin, error) {
		return metrics.Calibration(d.y, d.p, bins), nil
	})
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
	var t float64
	minGroup := int64(DefaultMinGroup)
	e, err := bindBinary(ctx, env, fn, model, data, o.Version, by, func() (err error) {
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
	if by == "" {
		cols := columnList(e.src.Schema())
		e.close()
		return nil, dserr.Arg(fn, "by", "give the group column to compare the model's rates across (by := '...'); data has columns %s", cols)
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
