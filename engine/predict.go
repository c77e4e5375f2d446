package engine

import (
	"context"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/task"
	"github.com/ducksight/ducksight/service"
)

// PredictOptions are predict's named arguments (docs/sql.md): a nil
// Threshold is 0.5 (service.DefaultThreshold), a zero Version the latest.
type PredictOptions = service.PredictOptions

// ExplainOptions are explain's named arguments (docs/sql.md): a zero TopK
// is 3 (service.DefaultTopK), a zero Version the latest.
type ExplainOptions = service.ExplainOptions

// Predict scores data with model name, as predict(name, data, ...) does,
// and returns the result as Arrow record batches: every column of data,
// then prediction (and probability for a classifier, probabilities for a
// multiclass one; segment and distance for a kmeans model), the columns
// and types of SELECT * FROM predict(...). data is one read-only query or
// a table, view or file name, checked before anything runs.
//
// The model is loaded and data prepared once, here; errors are the SQL
// function's, as *dserr.Error values. The data then streams as the reader
// is read: each record batch is scored from the next batch of data, so
// memory stays bounded whatever the data's size. The data's columns are
// not copied: a batch's input columns share DuckDB's memory.
//
// The caller owns the reader and must call Release when done with it (also
// after an error, or before its end): that ends the data query and closes
// its connection. A batch from RecordBatch is valid until the next call to
// Next or Release; Retain it to keep it longer, and release every batch
// kept before closing the engine. ctx also bounds reading: once it is
// done, Next returns false and Err returns a dserr.Cancelled error.
func (e *Engine) Predict(ctx context.Context, model, data string, o PredictOptions) (array.RecordReader, error) {
	const fn = "predict"
	p, err := service.BindPredict(ctx, e.env(), model, data, o)
	if err != nil {
		return nil, service.Err(ctx, fn, err)
	}
	return newScoredReader(ctx, fn, p)
}

// Explain is explain(name, data, ...): every row of data with predict's
// columns, its reasons (LIST of STRUCT(feature, value, contribution)),
// baseline and approximation_error (DOUBLE), as Arrow record batches
// streamed and released as Predict's.
func (e *Engine) Explain(ctx context.Context, model, data string, o ExplainOptions) (array.RecordReader, error) {
	const fn = "explain"
	p, err := service.BindExplain(ctx, e.env(), model, data, o)
	if err != nil {
		return nil, service.Err(ctx, fn, err)
	}
	return newScoredReader(ctx, fn, p)
}

// scoredReader builds the columns Predict and Explain add to each batch
// (see passReader, which it feeds): it owns the Predictor (the data query
// and its connection) and its run.
type scoredReader struct {
	fn     string
	p      *service.Predictor
	run    *service.Run
	schema *arrow.Schema
	mem    memory.Allocator
}

func newScoredReader(ctx context.Context, fn string, p *service.Predictor) (*passReader, error) {
	run, err := p.Start(ctx)
	if err != nil {
		p.Close()
		return nil, service.Err(ctx, fn, err)
	}
	r := &scoredReader{fn: fn, p: p, run: run, schema: p.Schema(), mem: memory.DefaultAllocator}
	return newPassReader(ctx, fn, r.schema, p.NumInputs(), run.Next, r.outputs, func() {
		run.Close()
		p.Close()
	}), nil
}

// outputs builds the model's output columns of the batch just read, n rows.
func (r *scoredReader) outputs(n int) ([]arrow.Array, error) {
	sc := r.run.Score()
	var cols []arrow.Array
	for _, o := range r.p.Outputs() {
		c, err := r.build(o, sc, n)
		if err != nil {
			return cols, err
		}
		cols = append(cols, c)
	}
	return cols, nil
}

// build makes the array of output o of n rows.
func (r *scoredReader) build(o service.Output, sc *service.Scores, n int) (arrow.Array, error) {
	null := sc.Null[:n]
	switch o {
	case service.OutPrediction:
		if r.p.Task() == task.Regression {
			return floats(r.mem, sc.Value[:n], null), nil
		}
		return r.classes(sc.Class[:n], null), nil
	case service.OutProbability:
		return floats(r.mem, sc.Prob[:n], null), nil
	case service.OutProbabilities:
		return probabilities(r.mem, r.p.Levels(), sc.Probs, null), nil
	case service.OutSegment:
		b := array.NewInt32Builder(r.mem)
		defer b.Release()
		b.AppendValues(sc.Segment[:n], valid(null))
		return b.NewArray(), nil
	case service.OutDistance:
		return floats(r.mem, sc.Value[:n], null), nil
	case service.OutReasons:
		rl, err := r.run.Reasons()
		if err != nil {
			return nil, err
		}
		return reasons(r.mem, r.p.Features(), rl, n), nil
	case service.OutBaseline, service.OutApproximationError:
		rl, err := r.run.Reasons()
		if err != nil {
			return nil, err
		}
		vals, null := rl.Baseline[:n], rl.Null[:n]
		if o == service.OutApproximationError {
			vals = rl.Error[:n]
			if !rl.Additive {
				null = allNull(n)
			}
		}
		return floats(r.mem, vals, null), nil
	case service.OutPredictionWhatIf:
		w := r.run.WhatIf()
		if r.p.Task() == task.Regression {
			return floats(r.mem, w.Value[:n], w.Null[:n]), nil
		}
		return r.classes(w.Class[:n], w.Null[:n]), nil
	case service.OutProbabilityWhatIf:
		w := r.run.WhatIf()
		return floats(r.mem, w.Prob[:n], w.ProbNull[:n]), nil
	case service.OutChange:
		w := r.run.WhatIf()
		return floats(r.mem, w.Change[:n], w.ChangeNull[:n]), nil
	}
	return nil, dserr.New(dserr.Internal, r.fn, "", "unknown output %v", o)
}

// allNull marks n rows null.
func allNull(n int) []bool {
	null := make([]bool, n)
	for i := range null {
		null[i] = true
	}
	return null
}

// valid is the validity of values whose rows null marks (nil: all valid).
func valid(null []bool) []bool {
	if !slices.Contains(null, true) {
		return nil
	}
	v := make([]bool, len(null))
	for i, b := range null {
		v[i] = !b
	}
	return v
}

func floats(mem memory.Allocator, vals []float64, null []bool) arrow.Array {
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	b.AppendValues(vals, valid(null))
	return b.NewArray()
}

// classes makes the prediction column of a classifier: each row's class,
// of the label's type.
func (r *scoredReader) classes(classes []int, null []bool) arrow.Array {
	levels, ints := r.p.Levels(), r.p.IntLevels()
	b := array.NewBuilder(r.mem, r.schema.Field(r.p.NumInputs()).Type)
	defer b.Release()
	b.Reserve(len(classes))
	switch b := b.(type) {
	case *array.BooleanBuilder:
		for i, c := range classes {
			if null[i] {
				b.AppendNull()
			} else {
				b.Append(levels[c] == "true")
			}
		}
	case *array.StringBuilder:
		for i, c := range classes {
			if null[i] {
				b.AppendNull()
			} else {
				b.Append(levels[c])
			}
		}
	case *array.Int8Builder:
		appendInts(b, ints, classes, null)
	case *array.Int16Builder:
		appendInts(b, ints, classes, null)
	case *array.Int32Builder:
		appendInts(b, ints, classes, null)
	case *array.Int64Builder:
		appendInts(b, ints, classes, null)
	case *array.Uint8Builder:
		appendInts(b, ints, classes, null)
	case *array.Uint16Builder:
		appendInts(b, ints, classes, null)
	case *array.Uint32Builder:
		appendInts(b, ints, classes, null)
	case *array.Uint64Builder:
		appendInts(b, ints, classes, null)
	}
	return b.NewArray()
}

// intBuilder is an Arrow builder of integers of type T.
type intBuilder[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64] interface {
	Append(T)
	AppendNull()
}

// appendInts appends each row's class as its integer value (a UBIGINT
// above the BIGINT range travels as its bits).
func appendInts[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64](b intBuilder[T], ints []int64, classes []int, null []bool) {
	for i, c := range classes {
		if null[i] {
			b.AppendNull()
		} else {
			b.Append(T(ints[c]))
		}
	}
}

// probabilities makes the probabilities column of a multiclass model:
// each row's MAP of class (as text) to probability.
func probabilities(mem memory.Allocator, levels []string, probs []float64, null []bool) arrow.Array {
	b := array.NewMapBuilderWithType(mem, service.ArrowProbabilitiesType)
	defer b.Release()
	keys, items := b.KeyBuilder().(*array.StringBuilder), b.ItemBuilder().(*array.Float64Builder)
	k := len(levels)
	for i := range null {
		if null[i] {
			b.AppendNull()
			continue
		}
		b.Append(true)
		keys.AppendValues(levels, nil)
		items.AppendValues(probs[i*k:(i+1)*k], nil)
	}
	return b.NewArray()
}

// reasons makes explain's reasons column of n rows.
func reasons(mem memory.Allocator, names []string, rl *service.ReasonList, n int) arrow.Array {
	b := array.NewListBuilderWithField(mem, service.ArrowReasonsType.ElemField())
	defer b.Release()
	s := b.ValueBuilder().(*array.StructBuilder)
	feature, value := s.FieldBuilder(0).(*array.StringBuilder), s.FieldBuilder(1).(*array.StringBuilder)
	contribution := s.FieldBuilder(2).(*array.Float64Builder)
	k := rl.K
	for r := 0; r < n; r++ {
		if rl.Null[r] {
			b.AppendNull()
			continue
		}
		b.Append(true)
		for j := r * k; j < (r+1)*k; j++ {
			s.Append(true)
			feature.Append(names[rl.Feature[j]])
			value.Append(rl.Value[j])
			contribution.Append(rl.Contribution[j])
		}
	}
	return b.NewArray()
}
