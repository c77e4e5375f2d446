//go:build duckdb_arrow

package sqlfuncs

import (
	"fmt"
	"math"
	"time"

	"github.com/ducksight/ducksight/udf"
)

// writeRow writes one row of Go values into out at row i, column by column
// from 0: string (VARCHAR), int/int64 (BIGINT or INTEGER per the column),
// float64 (DOUBLE; NaN becomes NULL), bool, []string (VARCHAR[]), nil (NULL).
// It serves the one-row results (train_perceptron, drop_model, ...), where
// per-value cost does not matter.
func writeRow(out *udf.Output, i int, vals []any) {
	for c, v := range vals {
		if !out.Projected(c) {
			continue
		}
		switch x := v.(type) {
		case nil:
			out.SetNull(c, i)
		case string:
			w, _ := out.Strings(c)
			w.Set(i, x)
		case []string:
			l, _ := out.List(c)
			elems := l.Elem().Strings()
			j := l.Append(i, len(x))
			for k, s := range x {
				elems.Set(j+k, s)
			}
		case bool:
			out.Bools(c)[i] = x
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				out.SetNull(c, i)
			} else {
				out.Float64s(c)[i] = x
			}
		case int:
			out.SetInt(c, i, int64(x))
		case int64:
			out.SetInt(c, i, x)
		case time.Time:
			out.SetTimestamp(c, i, x)
		default:
			panic(fmt.Sprintf("sqlfuncs: writeRow: unsupported %T", v))
		}
	}
}

// rowsOf is the rows of a result of elements xs: row(x) for each x.
func rowsOf[E any](xs []E, row func(E) []any) [][]any {
	rows := make([][]any, len(xs))
	for i, x := range xs {
		rows[i] = row(x)
	}
	return rows
}
