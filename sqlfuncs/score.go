//go:build duckdb_arrow

package sqlfuncs

import (
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/task"
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
	sc, err := service.BindScore(b.Ctx, service.Env{Host: b.Host, SearchPath: b.SearchPath}, fn, name, b.Row, service.ScoreOptions{Version: version})
	if err != nil {
		return nil, err
	}
	s := &scorer{s: sc, label: label}
	s.pool.New = func() any { return sc.NewBuffer() }
	return s, nil
}

// scorer is one bound call site of score or score_label. DuckDB calls Eval
// from several threads at once: the service's Scorer is read-only and each
// call takes its own buffer.
type scorer struct {
	s     *service.Scorer
	label bool
	pool  sync.Pool
}

func (s *scorer) Close() error { return nil }

func (s *scorer) Eval(rows arrow.RecordBatch, out *udf.ScalarOutput) error {
	n := out.Len()
	buf := s.pool.Get().(*service.ScoreBuffer)
	defer s.pool.Put(buf)
	sc := s.s.Score(rows, n, buf)
	null := sc.Null[:n]
	nulls := out.Validity()
	switch {
	case s.s.Task() == task.Regression:
		setOrNull(out.Float64s(), nulls, sc.Value[:n], null)
	case !s.label:
		setOrNull(out.Float64s(), nulls, sc.Prob[:n], null)
	default:
		strs := out.Strings()
		levels := s.s.Levels()
		for i, c := range sc.Class[:n] {
			if null[i] {
				nulls.SetNull(i)
				continue
			}
			strs.Set(i, levels[c])
		}
	}
	return nil
}
