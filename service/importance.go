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
// perceptron model on data that holds the label, and for single-layer
// models the size of the column's standardised weights.

// FeatureImportance is feature_importance(model, data, ...): per input
// column of a perceptron model, the mean drop of the metric (binary: ROC
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
		d, err := e.collectEncoded(ctx)
		if err != nil {
			return nil, err
		}
		if d.n == 0 {
			return nil, e.noRows(d.skipped)
		}
		return e.importance(ctx, d, repeats, uint64(seed))
	}}, nil
}

// encodedData is the encoded input matrix of every usable row and its
// encoded label.
type encodedData struct {
	x       []float64 // n x Encoder.Width, row-major
	y       []float64 // as evalData.y
	n       int
	skipped int64
}

// collectEncoded streams the data and keeps the encoded inputs and label of
// every usable row: the rows collect scores, skipped the same way.
func (e *evalBinding) collectEncoded(ctx context.Context) (*encodedData, error) {
	w := e.doc.Encoder.Width
	d := &encodedData{}
	skipped, err := e.encodeBatches(ctx, func(_ arrow.RecordBatch, _ []bool, x, y []float64, m int) {
		d.x = append(d.x, x[:m*w]...)
		d.y = append(d.y, y[:m]...)
		d.n += m
	})
	if err != nil {
		return nil, err
	}
	d.skipped = skipped
	return d, nil
}

// importance computes the result: per feature column, the drop of the
// metric under repeats seeded permutations of its inputs, and the weight.
func (e *evalBinding) importance(ctx context.Context, d *encodedData, repeats int, seed uint64) ([]Importance, error) {
	doc := e.doc
	net := &doc.Network
	k := max(net.Outputs(), 1)
	w := doc.Encoder.Width
	n := d.n
	out := make([]float64, n*k)
	mean, std := targetScale(doc)
	metric := func() float64 {
		net.Predict(d.x, n, out)
		if doc.Task == task.Regression {
			for i, o := range out {
				out[i] = o*std + mean
			}
		}
		return scoreMetric(doc.Task, d.y, out, k)
	}
	base := metric()

	cols := doc.Encoder.Columns
	rows := make([]Importance, 0, len(cols))
	perm := make([]int, n)
	drops := make([]float64, repeats)
	var scratch []float64
	for ci, c := range cols {
		off, cw := c.Offset, c.Width
		// One copy of the column's inputs: the source of the permuted
		// values and the restore afterwards.
		scratch = scratch[:0]
		for i := 0; i < n; i++ {
			scratch = append(scratch, d.x[i*w+off:i*w+off+cw]...)
		}
		for r := 0; r < repeats; r++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			permutation(perm, rand.NewPCG(seed, uint64(ci)*1000+uint64(r)))
			for i, p := range perm {
				copy(d.x[i*w+off:i*w+off+cw], scratch[p*cw:(p+1)*cw])
			}
			drops[r] = base - metric()
		}
		for i := 0; i < n; i++ {
			copy(d.x[i*w+off:i*w+off+cw], scratch[i*cw:(i+1)*cw])
		}
		mean, std := meanStd(drops)
		weight := math.NaN()
		if len(net.Layers) == 1 {
			weight = columnWeight(net.Layers[0].W, net.Layers[0].Out, off, cw)
		}
		rows = append(rows, Importance{Feature: c.Name, Importance: mean, ImportanceStd: std, Weight: weight})
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

// meanStd returns the mean and the population standard deviation of v.
func meanStd(v []float64) (mean, std float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	ss := 0.0
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(v)))
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
