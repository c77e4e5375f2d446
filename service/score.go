//go:build duckdb_arrow

package service

import (
	"context"
	"errors"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/udf"
)

// Scorer scores Arrow record batches with a Model bound to their schema:
// the one scoring path (prepare, raw scores, link, decide or regress) of
// predict, explain, score and score_label. It is read-only once made, so
// several goroutines may score at once, each with its own ScoreBuffer.
type Scorer struct {
	model     Model
	bound     BoundModel
	threshold float64
	k         int // raw scores per row
}

// newScorer binds m to schema; a binding error is fn's data argument's.
func newScorer(fn string, m Model, schema *arrow.Schema, threshold float64) (*Scorer, error) {
	bound, err := bindModel(fn, m, schema)
	if err != nil {
		return nil, err
	}
	return &Scorer{model: m, bound: bound, threshold: threshold, k: m.Outputs()}, nil
}

// BindScore binds a call site of score or score_label (fn): it loads
// version o.Version of model name (of a kind that predicts a label) once
// and binds it to the fields of the row's schema. score_label refuses a
// regression model.
func BindScore(ctx context.Context, env Env, fn, model string, row *arrow.Schema, o ScoreOptions) (*Scorer, error) {
	if o.Version < 0 {
		return nil, dserr.AtLeast(fn, "version", 1, o.Version)
	}
	m, err := env.Scoring(ctx, fn, model, o.Version)
	if err != nil {
		return nil, err
	}
	if fn == "score_label" && m.Task() == task.Regression {
		return nil, dserr.New(dserr.Incompatible, fn, "model", "model %q is a regression model, which has no class label; use score", model)
	}
	s, err := newScorer(fn, m, row, DefaultThreshold)
	if err != nil {
		// The binding speaks of the data's columns; here they are the
		// row's fields.
		msg := err.Error()
		if de := (*dserr.Error)(nil); errors.As(err, &de) {
			msg = de.Msg
		}
		msg = strings.NewReplacer(" in data ", " among the row's fields ", " in the data,", " in the row,").Replace(msg)
		return nil, dserr.Arg(fn, "row", "%s", msg)
	}
	return s, nil
}

// Task is the model's task: task.Binary, task.Multiclass or task.Regression.
func (s *Scorer) Task() task.Task { return s.model.Task() }

// Levels are a classifier's classes as text (Scores.Class indexes them).
func (s *Scorer) Levels() []string { return s.model.Label().Levels }

// ScoreBuffer is the working memory of scoring up to udf.VectorSize rows
// at once; the Scores a Scorer returns live in it.
type ScoreBuffer struct {
	rows Rows      // the batch's prepared rows
	raw  []float64 // raw scores, k per row
	out  []float64 // classifiers: the linked raw scores (probabilities), k per row
	k    int
	sc   Scores
}

// NewBuffer makes a ScoreBuffer for s.
func (s *Scorer) NewBuffer() *ScoreBuffer {
	n := udf.VectorSize
	b := &ScoreBuffer{rows: s.bound.NewRows(n), raw: make([]float64, n*s.k), k: s.k}
	b.sc.Null = make([]bool, n)
	if s.model.Task() == task.Regression {
		b.sc.Value = make([]float64, n)
	} else {
		b.out = make([]float64, n*s.k)
		b.sc.Class, b.sc.Prob = make([]int, n), make([]float64, n)
	}
	return b
}

// Score scores the n (at most udf.VectorSize) rows of rec into buf and
// returns them, valid until buf's next use: a classifier's class,
// probability (and, multiclass, every class's), a regression model's
// value; Null where the output is NaN (or, regression, infinite).
func (s *Scorer) Score(rec arrow.RecordBatch, n int, buf *ScoreBuffer) *Scores {
	buf.rows.Reset()
	buf.rows.Append(rec, nil)
	raw := buf.raw[:n*s.k]
	buf.rows.Raw(raw)
	switch s.model.Task() {
	case task.Regression:
		regress(raw, buf.sc.Value[:n], buf.sc.Null[:n])
	default:
		out := buf.out[:n*s.k]
		copy(out, raw)
		link(s.model, out, n)
		decide(s.model, s.threshold, out, buf.sc.Class[:n], buf.sc.Prob[:n], buf.sc.Null[:n])
		if s.model.Task() == task.Multiclass {
			buf.sc.Probs, buf.sc.K = out, s.k
		}
	}
	return &buf.sc
}
