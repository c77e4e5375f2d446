//go:build duckdb_arrow

package sqlfuncs

import (
	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// what_if(model, data, set := {column: value, ...}, version := N): every
// input column unchanged, the prediction (and probability) of the row as
// it is and with the set columns replaced, and the change (package
// service scores both; see service/whatif.go).

var whatIfFn = &Function{
	Name:    "what_if",
	Summary: "score data as it is and with some input columns set to given values: each row's prediction both ways and the change",
	Example: "SELECT customer_id, plan, probability, probability_what_if, change FROM what_if('churn', 'customers', set := {'plan': 'premium'}) ORDER BY change LIMIT 10;",
	Columns: []ColumnDoc{
		{"prediction", "label type", "as predict: the row as it is; predicted class (the training label's type) or, for regression, the predicted value (DOUBLE)"},
		{"probability", "DOUBLE", "as predict: binary P(positive class); multiclass P(predicted class); absent for regression"},
		{"prediction_what_if", "label type", "the prediction of the row with the set columns replaced"},
		{"probability_what_if", "DOUBLE", "binary: P(positive class) with the set columns replaced; multiclass: P(the class predicted as the row is) with them replaced; absent for regression"},
		{"change", "DOUBLE", "probability_what_if - probability (regression: prediction_what_if - prediction); NULL when either side has no prediction"},
	},
	Table: &udf.TableFunc{
		Name: "what_if",
		Bind: bindWhatIf,
		Args: []udf.Param{
			withDoc(modelParam, "model name (a perceptron or boosted_trees model)"),
			dataParam,
		},
		Named: []udf.Param{
			{Name: "set", Type: udf.Row, Doc: "a STRUCT of model input columns and the value each gets in every row, e.g. {'plan': 'premium', 'support_calls': 0}; a value is cast to the column's training type, NULL is NULL", DefaultDoc: "required"},
			versionParam,
		},
	},
}

func bindWhatIf(b *udf.BindContext) (udf.Bound, error) {
	a := newArgs(b)
	name, data, err := a.modelData()
	if err != nil {
		return nil, err
	}
	var o service.WhatIfOptions
	v, typ, given, err := a.lookup("set")
	if err != nil {
		return nil, err
	}
	switch sv, isStruct := v.(udf.StructValue); {
	case !given:
		return nil, dserr.Arg(a.fn, "set", "required: a STRUCT of model input columns and their values, e.g. set := {'plan': 'premium'}")
	case v == nil:
		return nil, dserr.Arg(a.fn, "set", "must not be NULL: give a STRUCT of model input columns and their values, e.g. set := {'plan': 'premium'}")
	case !isStruct:
		return nil, dserr.Arg(a.fn, "set", "must be a STRUCT of model input columns and their values, e.g. set := {'plan': 'premium'}, got %s", got(v, typ))
	default:
		o.Set = make([]service.Setting, len(sv))
		for i, f := range sv {
			o.Set[i] = service.Setting{Column: f.Name, Value: f.Value}
		}
	}
	if o.Version, err = versionArg(a); err != nil {
		return nil, err
	}
	p, err := service.BindWhatIf(b.Ctx, envOf(b), name, data, o)
	if err != nil {
		return nil, err
	}
	return scoredBound{p}, nil
}

// writeWhatIf writes what_if's output o of n rows into column col.
func writeWhatIf(out *udf.Output, col int, p *service.Predictor, o service.Output, w *service.WhatIfScores, n int) {
	switch o {
	case service.OutPredictionWhatIf:
		if w.Class == nil {
			setOrNull(out.Float64s(col), out.Validity(col), w.Value[:n], w.Null[:n])
		} else {
			writeClasses(out, col, p, w.Class[:n], w.Null[:n])
		}
	case service.OutProbabilityWhatIf:
		setOrNull(out.Float64s(col), out.Validity(col), w.Prob[:n], w.ProbNull[:n])
	case service.OutChange:
		setOrNull(out.Float64s(col), out.Validity(col), w.Change[:n], w.ChangeNull[:n])
	}
}
