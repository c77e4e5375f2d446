//go:build duckdb_arrow

package sqlfuncs

import (
	"context"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/dserr"
	"github.com/ducksight/ducksight/engine/dataset"
	"github.com/ducksight/ducksight/udf"
)

// prepareData prepares the data argument of function fn (b.Prepare) and
// checks what every ducksight function needs of its columns: names that
// stay apart when compared as SQL compares them. DuckDB's identifiers are
// case-insensitive, so "a" and "A" in one query's result would make a label,
// a feature list or a model's stored columns ambiguous.
func prepareData(b *udf.BindContext, fn, data string) (*udf.Query, error) {
	q, err := b.Prepare(fn, "data", data)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]string, q.NumColumns())
	for i := 0; i < q.NumColumns(); i++ {
		name := q.ColumnName(i)
		key := strings.ToLower(name)
		if prev, dup := seen[key]; dup {
			q.Close()
			if prev == name {
				return nil, dserr.Arg(fn, "data", "has two columns named %q; give each column its own name (AS ...)", name)
			}
			return nil, dserr.Arg(fn, "data", "has columns %q and %q, whose names differ only in case (SQL names are case-insensitive); rename one (AS ...)", prev, name)
		}
		seen[key] = name
	}
	return q, nil
}

// querySource makes a prepared data query a dataset.Source: every Stream
// is a new pass over the query.
type querySource struct{ q *udf.Query }

func (s querySource) Schema() *arrow.Schema { return s.q.Schema() }

func (s querySource) Stream(ctx context.Context) (dataset.Reader, error) {
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
