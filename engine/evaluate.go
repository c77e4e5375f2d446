//go:build duckdb_arrow

package engine

import (
	"context"
	"math"

	"github.com/ducksight/ducksight/engine/metrics"
	"github.com/ducksight/ducksight/sqlfuncs"
)

// The evaluation functions as typed calls: each binds the SQL function
// first (its argument checks and errors, as *dserr.Error values), then runs
// it with every value a bound parameter and reads its rows.

// EvalOptions are the named arguments of the evaluation functions; zero
// values are the defaults (threshold 0.5, points 101, bins 10, by
// 'gender', min_group 30, the latest version).
type EvalOptions struct {
	Threshold float64
	Version   int
	Points    int // roc_curve
	Bins      int // lift, calibration
	By        string
	MinGroup  *int // fairness
}

func (o EvalOptions) named(fn string) map[string]any {
	m := map[string]any{}
	if o.Version != 0 {
		m["version"] = int64(o.Version)
	}
	switch fn {
	case "evaluate", "confusion_matrix":
		if o.Threshold != 0 {
			m["threshold"] = o.Threshold
		}
	case "roc_curve":
		if o.Points != 0 {
			m["points"] = int64(o.Points)
		}
	case "lift", "calibration":
		if o.Bins != 0 {
			m["bins"] = int64(o.Bins)
		}
	case "fairness":
		if o.Threshold != 0 {
			m["threshold"] = o.Threshold
		}
		if o.By != "" {
			m["by"] = o.By
		}
		if o.MinGroup != nil {
			m["min_group"] = int64(*o.MinGroup)
		}
	}
	return m
}

// evalRows runs evaluation function fn and returns its columns and rows
// (NULL as nil).
func (e *Engine) evalRows(ctx context.Context, fn, name, data string, o EvalOptions) ([]string, [][]any, error) {
	return e.callRows(ctx, fn, name, data, o.named(fn))
}

// callRows runs table function fn(name, data, named...) with every value a
// bound parameter, after binding it in Go for typed errors.
func (e *Engine) callRows(ctx context.Context, fn, name, data string, named map[string]any) ([]string, [][]any, error) {
	if err := sqlfuncs.CheckCall(ctx, e.host, fn, []any{name, data}, named); err != nil {
		return nil, nil, apiError(ctx, fn, err)
	}
	q, args := callSQL(fn, name, data, named)
	rows, err := e.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, apiError(ctx, fn, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, apiError(ctx, fn, err)
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, apiError(ctx, fn, err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, apiError(ctx, fn, err)
	}
	return cols, out, nil
}

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	}
	return math.NaN()
}

func count(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	}
	return 0
}

// Evaluation is evaluate's row: the measures of the model's kind, by the
// SQL column name (NULL as NaN), with Rows apart.
type Evaluation struct {
	Rows     int64
	Measures map[string]float64 // "accuracy", "roc_auc", "rmse", "silhouette", ...
	Columns  []string           // the measures in evaluate's column order
}

// Evaluate is evaluate(name, data, ...).
func (e *Engine) Evaluate(ctx context.Context, name, data string, o EvalOptions) (*Evaluation, error) {
	cols, rows, err := e.evalRows(ctx, "evaluate", name, data, o)
	if err != nil {
		return nil, err
	}
	ev := &Evaluation{Measures: map[string]float64{}}
	for i, c := range cols {
		if c == "rows" {
			ev.Rows = count(rows[0][i])
			continue
		}
		ev.Columns = append(ev.Columns, c)
		ev.Measures[c] = num(rows[0][i])
	}
	return ev, nil
}

// ConfusionCell is a row of confusion_matrix.
type ConfusionCell struct {
	Actual, Predicted string
	Count             int64
}

// ConfusionMatrix is confusion_matrix(name, data, ...).
func (e *Engine) ConfusionMatrix(ctx context.Context, name, data string, o EvalOptions) ([]ConfusionCell, error) {
	_, rows, err := e.evalRows(ctx, "confusion_matrix", name, data, o)
	if err != nil {
		return nil, err
	}
	out := make([]ConfusionCell, len(rows))
	for i, r := range rows {
		out[i] = ConfusionCell{Actual: r[0].(string), Predicted: r[1].(string), Count: count(r[2])}
	}
	return out, nil
}

// ROCCurve is roc_curve(name, data, points := o.Points, ...).
func (e *Engine) ROCCurve(ctx context.Context, name, data string, o EvalOptions) ([]metrics.ROCPoint, error) {
	_, rows, err := e.evalRows(ctx, "roc_curve", name, data, o)
	if err != nil {
		return nil, err
	}
	out := make([]metrics.ROCPoint, len(rows))
	for i, r := range rows {
		out[i] = metrics.ROCPoint{Threshold: num(r[0]), TPR: num(r[1]), FPR: num(r[2]), Precision: num(r[3]), Recall: num(r[4])}
	}
	return out, nil
}

// Lift is lift(name, data, bins := o.Bins, ...).
func (e *Engine) Lift(ctx context.Context, name, data string, o EvalOptions) ([]metrics.LiftBin, error) {
	_, rows, err := e.evalRows(ctx, "lift", name, data, o)
	if err != nil {
		return nil, err
	}
	out := make([]metrics.LiftBin, len(rows))
	for i, r := range rows {
		out[i] = metrics.LiftBin{Bin: int(count(r[0])), Customers: count(r[1]), Positives: count(r[2]),
			ResponseRate: num(r[3]), Lift: num(r[4]), CumulativeGain: num(r[5])}
	}
	return out, nil
}

// Calibration is calibration(name, data, bins := o.Bins, ...).
func (e *Engine) Calibration(ctx context.Context, name, data string, o EvalOptions) ([]metrics.CalBin, error) {
	_, rows, err := e.evalRows(ctx, "calibration", name, data, o)
	if err != nil {
		return nil, err
	}
	out := make([]metrics.CalBin, len(rows))
	for i, r := range rows {
		out[i] = metrics.CalBin{Bin: int(count(r[0])), MeanPredicted: num(r[1]), ObservedRate: num(r[2]), Rows: count(r[3])}
	}
	return out, nil
}

// FairnessGroup is a row of fairness: Null marks the NULL group.
type FairnessGroup struct {
	metrics.Group
	Null bool
}

// Fairness is fairness(name, data, by := o.By, ...).
func (e *Engine) Fairness(ctx context.Context, name, data string, o EvalOptions) ([]FairnessGroup, error) {
	_, rows, err := e.evalRows(ctx, "fairness", name, data, o)
	if err != nil {
		return nil, err
	}
	out := make([]FairnessGroup, len(rows))
	for i, r := range rows {
		g := FairnessGroup{Group: metrics.Group{Rows: count(r[1]), PositiveRate: num(r[2]), TPR: num(r[3]), FPR: num(r[4]),
			Precision: num(r[5]), Accuracy: num(r[6]), ROCAUC: num(r[7]), DemographicParityRatio: num(r[8]),
			EqualOpportunityDifference: num(r[9]), EqualizedOddsDifference: num(r[10])}}
		if s, ok := r[0].(string); ok {
			g.Name = s
		} else {
			g.Null = true
		}
		out[i] = g
	}
	return out, nil
}

// Importance is a row of feature_importance.
type Importance struct {
	Feature       string
	Importance    float64
	ImportanceStd float64
	Weight        float64 // NaN for MLPs
}

// FeatureImportance is feature_importance(name, data, repeats := repeats,
// seed := seed, version := o.Version); repeats 0 is the default (3), seed
// nil the default (42).
func (e *Engine) FeatureImportance(ctx context.Context, name, data string, repeats int, seed *int64, o EvalOptions) ([]Importance, error) {
	named := o.named("feature_importance")
	if repeats != 0 {
		named["repeats"] = int64(repeats)
	}
	if seed != nil {
		named["seed"] = *seed
	}
	_, rows, err := e.callRows(ctx, "feature_importance", name, data, named)
	if err != nil {
		return nil, err
	}
	out := make([]Importance, len(rows))
	for i, r := range rows {
		out[i] = Importance{Feature: r[0].(string), Importance: num(r[1]), ImportanceStd: num(r[2]), Weight: num(r[3])}
	}
	return out, nil
}
