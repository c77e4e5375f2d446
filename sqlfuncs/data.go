//go:build duckdb_arrow

package sqlfuncs

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/engine/training"
	"github.com/ducksight/ducksight/udf"
)

// querySource makes a prepared data query a training.Source: every Stream
// is a new pass over the query.
type querySource struct{ q *udf.Query }

func (s querySource) Schema() *arrow.Schema { return s.q.Schema() }

func (s querySource) Stream(ctx context.Context) (training.Reader, error) {
	r, err := s.q.Stream(ctx, nil)
	if err != nil {
		return nil, err
	}
	return queryReader{r}, nil
}

type queryReader struct{ r *udf.Reader }

func (r queryReader) Next() (arrow.RecordBatch, func(), error) {
	b, err := r.r.Next()
	if err != nil || b == nil {
		return nil, nil, err
	}
	return b.Record, b.Release, nil
}

func (r queryReader) Close() { r.r.Close() }
