package engine

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ducksight/ducksight/service"
)

// SplitOptions are split's named arguments (docs/sql.md): nil Fractions
// are [0.8, 0.2] (service.DefaultSplitFractions; an empty non-nil slice
// is an error, as fractions := [] is), empty By hashes every column, a
// nil Seed is 42 (service.DefaultSplitSeed).
type SplitOptions = service.SplitOptions

// Split assigns every row of data to a part, as split(data, ...) does,
// and returns the result as Arrow record batches: every column of data,
// then split (int32, SQL's INTEGER), the row's part 1..len(Fractions),
// the columns and types of SELECT * FROM split(...). A row's part is
// chosen by a hash of its values in the By columns and the seed, so rows
// that agree on them land in the same part whatever the data's order or
// batching. data is one read-only query or a table, view or file name,
// checked before anything runs.
//
// The options are checked and data prepared here; errors are the SQL
// function's, as *dserr.Error values. The data then streams as the reader
// is read, in bounded memory; the data's columns are not copied. The
// caller owns the reader and releases it as Predict's.
func (e *Engine) Split(ctx context.Context, data string, o SplitOptions) (array.RecordReader, error) {
	const fn = "split"
	s, err := service.BindSplit(ctx, e.env(), data, o)
	if err != nil {
		return nil, service.Err(ctx, fn, err)
	}
	run, err := s.Start(ctx)
	if err != nil {
		s.Close()
		return nil, service.Err(ctx, fn, err)
	}
	schema := s.Schema()
	parts := func(int) ([]arrow.Array, error) {
		pb := array.NewInt32Builder(memory.DefaultAllocator)
		defer pb.Release()
		pb.AppendValues(run.Parts(), nil)
		return []arrow.Array{pb.NewArray()}, nil
	}
	return newPassReader(ctx, fn, schema, s.NumInputs(), run.Next, parts, func() {
		run.Close()
		s.Close()
	}), nil
}
