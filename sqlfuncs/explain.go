//go:build duckdb_arrow

package sqlfuncs

import (
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// explain(model, data, top_k := 3, version := N): every input column
// unchanged, the prediction columns of predict, then reasons (the top_k
// feature columns by the size of their contribution to the row's raw
// score), baseline and approximation_error (package service computes
// them; see service/explain.go).

var explainFn = &Function{
	Name:    "explain",
	Summary: "score data with a perceptron or boosted-trees model and give each row's top_k reasons: the feature columns that moved its score most",
	Example: "SELECT customer_id, probability, reasons FROM explain('churn', 'customers', top_k := 3) ORDER BY probability DESC LIMIT 10;",
	Columns: []ColumnDoc{
		{"prediction", "label type", "as predict: predicted class (the training label's type) or, for regression, the predicted value (DOUBLE)"},
		{"probability", "DOUBLE", "as predict: binary P(positive class); multiclass P(predicted class); absent for regression"},
		{"probabilities", "MAP(VARCHAR, DOUBLE)", "as predict: multiclass only, every class (as text) and its probability"},
		{"reasons", "STRUCT(feature VARCHAR, value VARCHAR, contribution DOUBLE)[]", "the top_k feature columns by |contribution|, largest first (ties by name): the column, the row's value as text ('NULL' for NULL) and its contribution to the row's raw score (binary: log-odds; multiclass: the predicted class's logit; regression: the prediction, in the label's units)"},
		{"baseline", "DOUBLE", "the raw score the contributions are measured from, the model's score at a stated reference (see the table below): a perceptron's raw score at the training-mean input (regression: in the label's units); boosted trees' expected raw score over the training rows (TreeSHAP)"},
		{"approximation_error", "DOUBLE", "|baseline + the sum of every feature's contribution - the raw score|: rounding (about 1e-12 of the score) for a single-layer perceptron and boosted trees; the integration's error for a perceptron with hidden layers (integrated gradients)"},
	},
	Table: &udf.TableFunc{
		Name: "explain",
		Bind: bindExplain,
		Args: []udf.Param{
			withDoc(modelParam, "model name (a perceptron or boosted_trees model)"),
			dataParam,
		},
		Named: []udf.Param{
			{Name: "top_k", Type: udf.Integer, Doc: "reasons per row; more than the model's feature columns gives them all", Default: service.DefaultTopK, Range: udf.AtLeast(1)},
			versionParam,
		},
	},
}

func bindExplain(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	name, data, err := a.modelData()
	if err != nil {
		return nil, err
	}
	var o service.ExplainOptions
	// No upper bound: top_k is capped by the model's feature columns.
	k, err := a.int("top_k")
	if err != nil {
		return nil, err
	}
	o.TopK = int(k)
	if o.Version, err = versionArg(a); err != nil {
		return nil, err
	}
	p, err := service.BindExplain(b.Ctx, envOf(b), name, data, o)
	if err != nil {
		return nil, err
	}
	return scoredBound{p}, nil
}

// reasonsType is the type of explain's reasons column.
var reasonsType = service.ReasonsType

// writeReasons writes the reasons of n rows into column col, a LIST of
// STRUCT(feature, value, contribution).
func writeReasons(out *udf.Output, col int, names []string, rl *service.ReasonList, n int) {
	reasons, ok := out.List(col)
	if !ok {
		return
	}
	elem := reasons.Elem().Struct()
	feature, value, contribution := elem.Field(0).Strings(), elem.Field(1).Strings(), elem.Field(2).Float64s()
	k := rl.K
	for r := 0; r < n; r++ {
		if rl.Null[r] {
			reasons.SetNull(r)
			continue
		}
		j := reasons.Append(r, k)
		for i := 0; i < k; i++ {
			feature.Set(j+i, names[rl.Feature[r*k+i]])
			value.Set(j+i, rl.Value[r*k+i])
			contribution.Set(j+i, rl.Contribution[r*k+i])
		}
	}
}

// writeExplained writes explain's baseline or approximation_error column
// (o) of n rows: NULL for a row without reasons, and approximation_error
// NULL for every row of a non-additive explanation.
func writeExplained(out *udf.Output, col int, o service.Output, rl *service.ReasonList, n int) {
	dst, nulls := out.Float64s(col), out.Validity(col)
	vals := rl.Baseline
	if o == service.OutApproximationError {
		vals = rl.Error
	}
	for i := 0; i < n; i++ {
		if rl.Null[i] || o == service.OutApproximationError && !rl.Additive {
			nulls.SetNull(i)
		} else {
			dst[i] = vals[i]
		}
	}
}
