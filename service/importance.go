//go:build duckdb_arrow

package service

import (
	"context"
	"math"
	"math/bits"
	"math/rand/v2"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/engine/metrics"
	"github.com/ducksight/ducksight/engine/task"
)

// feature_importance: permutation importance of every input column of a
// model that predicts a label on data that holds the label, and where the
// model has one (a single-layer perceptron) the size of the column's
// standardised weights.

// FeatureImportance is feature_importance(model, data, ...): per input
// column of a model that predicts a label, the mean drop of the metric (binary: ROC
// AUC, multiclass: accuracy, regression: R2) when the column's inputs are
// permuted across rows, Repeats seeded permutations each, and for
// single-layer models the size of the column's weights; by descending
// importance (NaN last, ties by name).
func FeatureImportance(ctx context.Context, env Env, model, data string, o ImportanceOptions) ([]Importance, error) {
	c, err := BindFeatureImportance(ctx, env, model, data, o)
	return runOnce(ctx, "feature_importance", c, err)
}

// BindFeatureImportance binds feature_importance (see EvalCall).
func BindFeatureImportance(ctx context.Context, env Env, model, data string, o ImportanceOptions) (*EvalCall[[]Importance], error) {
	const fn = "feature_importance"
	c, err := bindFeatureImportance(ctx, env, fn, model, data, o)
	return c, Err(ctx, fn, err)
}

func bindFeatureImportance(ctx context.Context, env Env, fn, model, data string, o ImportanceOptions) (*EvalCall[[]Importance], error) {
	if err := checkModelVersion(fn, model, o.Version); err != nil {
		return nil, err
	}
	repeats, err := repeatsArg.value(fn, o.Repeats)
	if err != nil {
		return nil, err
	}
	seed := int64(DefaultImportanceSeed)
	if o.Seed != nil {
		seed = *o.Seed
	}
	e, err := bindEval(ctx, env, fn, model, o.Version, data, "")
	if err != nil {
		return nil, err
	}
	return &EvalCall[[]Importance]{fn: fn, close: e.close, run: func(ctx context.Context) ([]Importance, error) {
		d, err := e.collectPrepared(ctx)
		if err != nil {
			return nil, err
		}
		if d.rows.Len() == 0 {
			return nil, e.noRows(d.skipped)
		}
		return e.importance(ctx, d, repeats, uint64(seed))
	}}, nil
}

// preparedData is every usable row in the model's prepared form and its
// encoded label.
type preparedData struct {
	rows    Rows
	y       []float64 // as evalData.y
	skipped int64
}

// collectPrepared streams the data and keeps every usable row, prepared,
// and its encoded label: the rows collect scores, skipped the same way.
func (e *evalBinding) collectPrepared(ctx context.Context) (*preparedData, error) {
	d := &preparedData{rows: e.bound.NewRows(0)}
	skipped, err := e.prepareBatches(ctx, d.rows, false, func(_ arrow.RecordBatch, _ []bool, y []float64, n int) {
		d.y = append(d.y, y[:n]...)
	})
	if err != nil {
		return nil, err
	}
	d.skipped = skipped
	return d, nil
}

// importance computes the result: per feature column, the drop of the
// metric under repeats seeded permutations of its values, and the weight.
func (e *evalBinding) importance(ctx context.Context, d *preparedData, repeats int, seed uint64) ([]Importance, error) {
	m := e.model
	k := m.Outputs()
	n := d.rows.Len()
	out := make([]float64, n*k)
	metric := func() float64 {
		d.rows.Raw(out)
		if m.Task() != task.Regression {
			link(m, out, n)
		}
		return scoreMetric(m.Task(), d.y, out, k)
	}
	base := metric()

	weights, _ := m.(featureWeights)
	gains, _ := m.(featureGains)
	names := m.Features()
	rows := make([]Importance, 0, len(names))
	perm := make([]int, n)
	drops := make([]float64, repeats)
	for ci, name := range names {
		for r := 0; r < repeats; r++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			permutation(perm, rand.NewPCG(seed, uint64(ci)*1000+uint64(r)))
			d.rows.Permute(ci, perm)
			drops[r] = base - metric()
		}
		d.rows.Restore(ci)
		mean, std := meanStd(drops, 0)
		weight := math.NaN()
		if weights != nil {
			weight = weights.Weight(ci)
		}
		gain := math.NaN()
		if gains != nil {
			gain = gains.Gain(ci)
		}
		rows = append(rows, Importance{Feature: name, Importance: mean, ImportanceStd: std, Weight: weight, Gain: gain})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i].Importance, rows[j].Importance
		if a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
			if math.IsNaN(b) {
				return true // NaN last
			}
			if math.IsNaN(a) {
				return false
			}
			return a > b
		}
		return rows[i].Feature < rows[j].Feature
	})
	return rows, nil
}

// scoreMetric is the metric importance measures, larger better: binary ROC
// AUC of P(positive), multiclass accuracy (a NaN output counts as wrong),
// regression R2 (out holds the de-standardised predictions).
func scoreMetric(tk task.Task, y, out []float64, k int) float64 {
	switch tk {
	case task.Binary:
		return metrics.AUC(out[:len(y)], y, nil)
	case task.Multiclass:
		right := 0
		for i, t := range y {
			row := out[i*k : (i+1)*k]
			best := argmax(row)
			if !math.IsNaN(row[best]) && best == int(t) {
				right++
			}
		}
		return float64(right) / float64(len(y))
	default:
		return metrics.RegressionReport(y, out[:len(y)]).R2
	}
}

// permutation fills perm with a uniform random permutation of 0..len-1
// drawn from src with a fixed recipe (Fisher-Yates, Lemire's bounded
// integers), so it does not change with the Go release.
func permutation(perm []int, src *rand.PCG) {
	for i := range perm {
		perm[i] = i
	}
	for i := len(perm) - 1; i > 0; i-- {
		j := int(bounded(src, uint64(i+1)))
		perm[i], perm[j] = perm[j], perm[i]
	}
}

// bounded returns a uniform integer in [0, n), n > 0.
func bounded(src *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(src.Uint64(), n)
		}
	}
	return hi
}

// meanStd returns the mean and the standard deviation of v with ddof
// degrees of freedom removed: 0 the population's, 1 the sample's (NaN for
// fewer than ddof+1 values).
func meanStd(v []float64, ddof int) (mean, std float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	if len(v) <= ddof {
		return mean, math.NaN()
	}
	ss := 0.0
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(v)-ddof))
}

// columnWeight is the size of a single-layer network's weights on inputs
// [off, off+width): the sum of |W| over those inputs for each output unit,
// averaged over the units (one unit for binary and regression, one per
// class for multiclass). W is row-major, In x units.
func columnWeight(W []float64, units, off, width int) float64 {
	s := 0.0
	for i := off; i < off+width; i++ {
		for j := 0; j < units; j++ {
			s += math.Abs(W[i*units+j])
		}
	}
	return s / float64(units)
}
