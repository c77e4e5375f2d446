//go:build duckdb_arrow

package service

import (
	"context"
	"errors"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/udf"
)

// Scorer scores Arrow record batches with a perceptron document bound to
// their schema: the one scoring kernel (encode, network, decide or
// regress) of predict, explain, score and score_label. It is read-only
// once made, so several goroutines may score at once, each with its own
// ScoreBuffer.
type Scorer struct {
	doc       *training.Document
	binding   *features.Binding
	threshold float64
	k         int // network outputs per row
}

// newScorer binds doc to schema; a binding error is fn's data argument's.
func newScorer(fn string, doc *training.Document, schema *arrow.Schema, threshold float64) (*Scorer, error) {
	binding, err := bindEncoder(fn, &doc.Encoder, schema)
	if err != nil {
		return nil, err
	}
	return &Scorer{doc: doc, binding: binding, threshold: threshold, k: max(doc.Network.Outputs(), 1)}, nil
}

// BindScore binds a call site of score or score_label (fn): it loads
// version o.Version of perceptron model name once and binds it to the
// fields of the row's schema. score_label refuses a regression model.
func BindScore(ctx context.Context, env Env, fn, model string, row *arrow.Schema, o ScoreOptions) (*Scorer, error) {
	if o.Version < 0 {
		return nil, dserr.AtLeast(fn, "version", 1, o.Version)
	}
	_, doc, err := env.Perceptron(ctx, fn, model, o.Version)
	if err != nil {
		return nil, err
	}
	if fn == "score_label" && doc.Task == task.Regression {
		return nil, dserr.New(dserr.Incompatible, fn, "model", "model %q is a regression model, which has no class label; use score", model)
	}
	s, err := newScorer(fn, doc, row, DefaultThreshold)
	if err != nil {
		// The encoder speaks of the data's columns; here they are the
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
func (s *Scorer) Task() task.Task { return s.doc.Task }

// Levels are a classifier's classes as text (Scores.Class indexes them).
func (s *Scorer) Levels() []string { return s.doc.Label.Levels }

// ScoreBuffer is the working memory of scoring up to udf.VectorSize rows
// at once; the Scores a Scorer returns live in it.
type ScoreBuffer struct {
	x   []float64 // encoded rows
	out []float64 // network outputs, k per row
	k   int
	sc  Scores
}

// NewBuffer makes a ScoreBuffer for s.
func (s *Scorer) NewBuffer() *ScoreBuffer {
	n := udf.VectorSize
	b := &ScoreBuffer{x: make([]float64, n*s.doc.Encoder.Width), out: make([]float64, n*s.k), k: s.k}
	b.sc.Null = make([]bool, n)
	if s.doc.Task == task.Regression {
		b.sc.Value = make([]float64, n)
	} else {
		b.sc.Class, b.sc.Prob = make([]int, n), make([]float64, n)
	}
	return b
}

// Score scores the n (at most udf.VectorSize) rows of rec into buf and
// returns them, valid until buf's next use: a classifier's class,
// probability (and, multiclass, every class's), a regression model's
// value; Null where the output is NaN (or, regression, infinite).
func (s *Scorer) Score(rec arrow.RecordBatch, n int, buf *ScoreBuffer) *Scores {
	w := s.doc.Encoder.Width
	s.binding.Encode(rec, nil, buf.x[:n*w])
	s.doc.Network.Predict(buf.x[:n*w], n, buf.out[:n*s.k])
	switch s.doc.Task {
	case task.Regression:
		regress(s.doc, buf.out[:n], buf.sc.Value[:n], buf.sc.Null[:n])
	default:
		decide(s.doc, s.threshold, buf.out[:n*s.k], buf.sc.Class[:n], buf.sc.Prob[:n], buf.sc.Null[:n])
		if s.doc.Task == task.Multiclass {
			buf.sc.Probs, buf.sc.K = buf.out[:n*s.k], s.k
		}
	}
	return &buf.sc
}
