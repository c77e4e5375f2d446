//go:build duckdb_arrow

package service

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/clustering"
	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/engine/features"
	"github.com/ducksight/ducksight/engine/store"
	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/udf"
)

// drift: how new data differs from a model's training data, column by
// column, measured against the statistics block the model stores
// (features.DriftMeter) in one streaming pass.

// fnDrift is drift's SQL name, which its errors carry.
const fnDrift = "drift"

// Drift is drift(model, data, ...) for Go callers: one row per input
// column of the model, in the model's column order, then the summary row
// (Column DriftSummary).
func Drift(ctx context.Context, env Env, model, data string, o DriftOptions) ([]DriftColumn, error) {
	c, err := BindDrift(ctx, env, model, data, o)
	return runOnce(ctx, fnDrift, c, err)
}

// BindDrift binds drift (see EvalCall): the model, of any kind, loaded
// with its statistics block (a model without one is refused: retrain it),
// and the data query prepared and bound to the model's input columns.
func BindDrift(ctx context.Context, env Env, model, data string, o DriftOptions) (*EvalCall[[]DriftColumn], error) {
	c, err := bindDrift(ctx, env, model, data, o)
	return c, Err(ctx, fnDrift, err)
}

func bindDrift(ctx context.Context, env Env, model, data string, o DriftOptions) (*EvalCall[[]DriftColumn], error) {
	const fn = fnDrift
	if err := checkModelVersion(fn, model, o.Version); err != nil {
		return nil, err
	}
	if data == HeldOut {
		return nil, dserr.Arg(fn, "data", "empty: give the data to compare with the model's training data (a table or view name, a quoted file path, or one SELECT query)")
	}
	rec, err := env.Record(ctx, fn, model, o.Version)
	if err != nil {
		return nil, err
	}
	doc, err := decodeKind(fn, rec, takesAll)
	if err != nil {
		return nil, err
	}
	stats, err := needStatistics(fn, rec, doc, "drift")
	if err != nil {
		return nil, err
	}
	enc := documentEncoder(doc)
	if enc == nil {
		return nil, dserr.New(dserr.Internal, fn, "model", "model %q version %d: no preprocessing in a %s document", rec.Name, rec.Version, rec.Kind)
	}
	return withData(ctx, env, fn, data, func(q *udf.Query) (*EvalCall[[]DriftColumn], error) {
		b, err := bindEncoder(fn, enc, q.Schema())
		if err != nil {
			return nil, err
		}
		m, err := features.NewDriftMeter(b, stats)
		if err != nil {
			return nil, dserr.New(dserr.Internal, fn, "model", "model %q version %d: damaged statistics: %v", rec.Name, rec.Version, err)
		}
		src := Source(q)
		return &EvalCall[[]DriftColumn]{fn: fn, close: q.Close, run: func(ctx context.Context) ([]DriftColumn, error) {
			return runDrift(ctx, fn, src, m)
		}}, nil
	})
}

// documentEncoder is the preprocessing of a model document, whose input
// columns the statistics block describes; nil for a kind without one.
func documentEncoder(doc store.Document) *features.Encoder {
	switch d := doc.(type) {
	case *training.Document:
		return &d.Encoder
	case *training.TreesDocument:
		return &d.Encoder
	case *clustering.Document:
		return &d.Encoder
	}
	return nil
}

// runDrift streams src once into m and returns drift's rows.
func runDrift(ctx context.Context, fn string, src dataset.Source, m *features.DriftMeter) ([]DriftColumn, error) {
	err := dataset.EachBatch(ctx, src, fn, func(rec arrow.RecordBatch) error {
		m.Add(rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if m.Rows() == 0 {
		return nil, dserr.Arg(fn, "data", "has no rows")
	}
	cols := m.Columns()
	out := make([]DriftColumn, 0, len(cols)+1)
	for _, c := range append(cols, m.Summary(cols)) {
		out = append(out, DriftColumn{Column: c.Column, Kind: c.Kind, NullShareTrain: c.NullShareTrain, NullShareNow: c.NullShareNow,
			MeanTrain: c.MeanTrain, MeanNow: c.MeanNow, StdTrain: c.StdTrain, StdNow: c.StdNow,
			PSI: c.PSI, UnseenShare: c.UnseenShare, Status: c.Status})
	}
	return out, nil
}
