//go:build duckdb_arrow

package sqlfuncs

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/service"
	"github.com/ducksight/ducksight/udf"
)

// score(model, row) and score_label(model, row): scalar scoring inside any
// query. The model is loaded and bound to the row's fields once per
// statement (at bind); every chunk is encoded and scored as a batch.

// scoreVersionParam is the optional version of score and score_label.
var scoreVersionParam = withDoc(versionParam, "optional, a constant: the model version")

var scoreFn = &Function{
	Name:    "score",
	Summary: "scalar: score one row (a table alias or STRUCT) with a stored model inside any query",
	Example: "SELECT c.customer_id, score('churn', c) AS p FROM customers c WHERE c.region = 'north';",
	Columns: []ColumnDoc{
		{"score", "DOUBLE", "binary: P(positive class); multiclass: P(predicted class); regression: the prediction"},
	},
	Scalar: &udf.ScalarFunc{
		Name: "score",
		Bind: bindScore,
		Args: []udf.Param{
			withDoc(modelParam, "model name (a constant)"),
			scoreVersionParam,
			{Name: "row", Type: udf.Row, Doc: "the row: a table alias (c in FROM customers c) or a STRUCT with the model's feature columns"},
		},
		Returns:  udf.Double,
		Optional: 1,
	},
}

var scoreLabelFn = &Function{
	Name:    "score_label",
	Summary: "scalar: the predicted class of one row (a table alias or STRUCT), as text, inside any query",
	Example: "SELECT c.customer_id, score_label('plan_model', c) AS plan FROM customers c;",
	Columns: []ColumnDoc{
		{"score_label", "VARCHAR", "the predicted class as text (binary: by threshold " + strconv.FormatFloat(service.DefaultThreshold, 'g', -1, 64) + "); cast it back to the label's type when needed"},
	},
	Scalar: &udf.ScalarFunc{
		Name: "score_label",
		Bind: bindScoreLabel,
		Args: []udf.Param{
			withDoc(modelParam, "model name (a constant) of a classifier"),
			scoreVersionParam,
			{Name: "row", Type: udf.Row, Doc: "the row: a table alias (c in FROM customers c) or a STRUCT with the model's feature columns"},
		},
		Returns:  udf.Varchar,
		Optional: 1,
	},
}

// bindScore and bindScoreLabel bind a call site of score and score_label.
func bindScore(b *udf.ScalarBindContext) (udf.ScalarBound, error) { return bindScoring(b, false) }

func bindScoreLabel(b *udf.ScalarBindContext) (udf.ScalarBound, error) {
	return bindScoring(b, true)
}

// scoreLoads counts model loads by score and score_label (tests check one
// per statement).
var scoreLoads atomic.Int64

func bindScoring(b *udf.ScalarBindContext, label bool) (udf.ScalarBound, error) {
	fn := b.Func.Name
	name, ok := b.Args[0].(string)
	if !ok {
		if b.Args[0] == nil {
			return nil, dserr.Arg(fn, "model", "must not be NULL")
		}
		return nil, dserr.Arg(fn, "model", "must be a VARCHAR, got %s", b.ArgTypes[0])
	}
	version := 0
	switch v := b.Args[1].(type) {
	case nil:
		if b.ArgTypes[1] != "" { // given, and NULL
			return nil, dserr.Arg(fn, "version", "must not be NULL (leave it out for the latest)")
		}
	case int64:
		if v < 1 {
			return nil, dserr.AtLeast(fn, "version", 1, v)
		}
		version = int(v)
	default:
		return nil, dserr.Arg(fn, "version", "must be an integer, got %s", b.ArgTypes[1])
	}
	scoreLoads.Add(1)
	_, doc, err := service.Env{Host: b.Host, SearchPath: b.SearchPath}.Perceptron(b.Ctx, fn, name, version)
	if err != nil {
		return nil, err
	}
	if label && doc.Task == task.Regression {
		return nil, dserr.New(dserr.Incompatible, fn, "model", "model %q is a regression model, which has no class label; use score", name)
	}
	binding, err := doc.Encoder.Bind(b.Row)
	if err != nil {
		// The encoder speaks of the data's columns; here they are the
		// row's fields.
		msg := strings.NewReplacer(" in data ", " among the row's fields ", " in the data,", " in the row,").Replace(err.Error())
		return nil, dserr.Arg(fn, "row", "%s", msg)
	}
	k := max(doc.Network.Outputs(), 1)
	s := &scorer{doc: doc, binding: binding, label: label, k: k}
	s.pool.New = func() any {
		return &scoreScratch{
			x:       make([]float64, udf.VectorSize*doc.Encoder.Width),
			out:     make([]float64, udf.VectorSize*k),
			classes: make([]int, udf.VectorSize),
			prob:    make([]float64, udf.VectorSize),
			bad:     make([]bool, udf.VectorSize),
		}
	}
	return s, nil
}

// scorer is one bound call site of score or score_label. DuckDB calls Eval
// from several threads at once: the document and binding are read-only and
// each call takes its own scratch.
type scorer struct {
	doc     *training.Document
	binding *features.Binding
	label   bool
	k       int
	pool    sync.Pool
}

type scoreScratch struct {
	x, out, prob []float64
	classes      []int
	bad          []bool
}

func (s *scorer) Close() error { return nil }

func (s *scorer) Eval(rows arrow.RecordBatch, out *udf.ScalarOutput) error {
	n := out.Len()
	sc := s.pool.Get().(*scoreScratch)
	defer s.pool.Put(sc)
	w := s.doc.Encoder.Width
	s.binding.Encode(rows, nil, sc.x[:n*w])
	s.doc.Network.Predict(sc.x[:n*w], n, sc.out[:n*s.k])
	if s.doc.Task == task.Regression {
		regress(s.doc, sc.out[:n], out.Float64s(), out.Validity())
		return nil
	}
	classes, prob, bad := sc.classes[:n], sc.prob[:n], sc.bad[:n]
	decide(s.doc, service.DefaultThreshold, sc.out[:n*s.k], classes, prob, bad)
	nulls := out.Validity()
	if !s.label {
		setOrNull(out.Float64s(), nulls, prob, bad)
		return nil
	}
	strs := out.Strings()
	levels := s.doc.Label.Levels
	for i, c := range classes {
		if bad[i] {
			nulls.SetNull(i)
			continue
		}
		strs.Set(i, levels[c])
	}
	return nil
}
