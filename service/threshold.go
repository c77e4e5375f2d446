//go:build duckdb_arrow

package service

import (
	"context"
	"math"
	"slices"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/metrics"
)

const fnThreshold = "threshold"

// Threshold is threshold(model, data, ...): the decision threshold of a
// binary classifier on data holding the label that maximises a metric
// (F1, Youden's J) or minimises a cost, or that flags a budgeted share of
// the rows, and how the classifier does there (metrics.ChooseThreshold
// says which thresholds are candidates). evaluate's threshold takes it.
func Threshold(ctx context.Context, env Env, model, data string, o ThresholdOptions) (metrics.ThresholdChoice, error) {
	c, err := BindThreshold(ctx, env, model, data, o)
	return runOnce(ctx, fnThreshold, c, err)
}

// BindThreshold binds threshold (see EvalCall).
func BindThreshold(ctx context.Context, env Env, model, data string, o ThresholdOptions) (*EvalCall[metrics.ThresholdChoice], error) {
	const fn = fnThreshold
	var g metrics.ThresholdGoal
	e, err := bindBinary(ctx, env, fn, model, data, o.Version, "", func() (err error) {
		g, err = thresholdGoal(o)
		return err
	})
	if err != nil {
		return nil, Err(ctx, fn, err)
	}
	return bound(e, func(d *evalData) (metrics.ThresholdChoice, error) {
		if len(d.y) == 0 {
			return metrics.ThresholdChoice{}, dserr.Arg(fn, "data", "no rows with a usable label to choose a threshold on")
		}
		c, err := metrics.ChooseThreshold(d.y, d.p, g)
		if err != nil {
			return c, dserr.Arg(fn, "budget", "%v", err)
		}
		return c, nil
	}), nil
}

// thresholdGoal checks threshold's options and returns the goal they set.
func thresholdGoal(o ThresholdOptions) (metrics.ThresholdGoal, error) {
	const fn = fnThreshold
	var g metrics.ThresholdGoal
	metric := o.Metric
	if metric == "" {
		metric = DefaultThresholdMetric
	}
	if !slices.Contains(ThresholdMetrics, metric) {
		return g, dserr.Arg(fn, "metric", "unknown metric %q: want 'f1', 'youden' or 'cost'", o.Metric)
	}
	if o.Budget != nil {
		b := *o.Budget
		if !(b > 0 && b < 1) {
			return g, dserr.Arg(fn, "budget", "must be greater than 0 and less than 1 (a share of the rows), got %g", b)
		}
		if o.Metric != "" {
			return g, dserr.Arg(fn, "budget", "give budget or metric, not both: a budget flags its share of the rows whatever the metric")
		}
		g.Budget = b
	}
	for _, c := range []struct {
		name string
		v    *float64
		dst  *float64
	}{{"cost_fp", o.CostFP, &g.CostFP}, {"cost_fn", o.CostFN, &g.CostFN}} {
		*c.dst = DefaultCost
		if c.v == nil {
			continue
		}
		if o.Budget != nil || metric != "cost" {
			return g, dserr.Arg(fn, c.name, "applies to metric := 'cost' only")
		}
		if math.IsNaN(*c.v) || math.IsInf(*c.v, 0) || *c.v < 0 {
			return g, dserr.Arg(fn, c.name, "must be a finite number >= 0, got %g", *c.v)
		}
		*c.dst = *c.v
	}
	if g.CostFP == 0 && g.CostFN == 0 {
		return g, dserr.Arg(fn, "cost_fp", "cost_fp and cost_fn are both 0: every threshold would cost nothing")
	}
	g.Metric = map[string]metrics.ThresholdMetric{"f1": metrics.F1, "youden": metrics.Youden, "cost": metrics.Cost}[metric]
	return g, nil
}
