package features

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Raw writes the rows of rec as a tree model reads its columns (package
// engine/trees): column-major, x[j][:rec.NumRows()] for the encoder's
// column j, unstandardised and never imputed.
//
//   - numeric, date and boolean columns: the value toFloats gives
//     (numbers as they are, DATE as days since 1970-01-01, booleans 0/1),
//     NaN for NULL; NaN and ±Inf values of floating columns stay what
//     they are.
//   - timestamp columns: microseconds since the epoch, whatever the
//     column's unit (exact for DuckDB's TIMESTAMP), NaN for NULL.
//   - categorical columns: the level's code, 0 .. len(Levels)-1 for the
//     kept levels, len(Levels) for every other value (an 'other' level of
//     training, or a value never seen: it goes with 'other'), NaN for
//     NULL.
func (b *Binding) Raw(rec arrow.RecordBatch, x [][]float64) {
	b.check(rec)
	n := int(rec.NumRows())
	for j := range b.cols {
		c := &b.cols[j]
		a := rec.Column(c.index)
		dst := x[j][:n]
		bm, off := validity(a)
		if c.kind != KindCategorical {
			if ts, ok := a.(*array.Timestamp); ok {
				micros(ts, dst)
			} else {
				toFloats(a, dst)
			}
			if bm != nil {
				for i := range dst {
					if !isValid(bm, off, i) {
						dst[i] = math.NaN()
					}
				}
			}
			continue
		}
		other := float64(len(b.enc.Columns[j].Levels))
		levels := int32(len(b.enc.Columns[j].Levels))
		for i, s := range c.slotsOf(a) {
			switch {
			case !isValid(bm, off, i):
				dst[i] = math.NaN()
			case s >= 0 && s < levels:
				dst[i] = float64(s)
			default: // 'other', or a value never seen in training
				dst[i] = other
			}
		}
	}
}

// micros writes a's timestamps as microseconds since the epoch.
func micros(a *array.Timestamp, dst []float64) {
	vals := a.TimestampValues()[:len(dst)]
	switch a.DataType().(*arrow.TimestampType).Unit {
	case arrow.Second:
		for i, v := range vals {
			dst[i] = float64(v) * 1e6
		}
	case arrow.Millisecond:
		for i, v := range vals {
			dst[i] = float64(v) * 1e3
		}
	case arrow.Microsecond:
		for i, v := range vals {
			dst[i] = float64(v)
		}
	default: // nanoseconds
		for i, v := range vals {
			dst[i] = float64(v) / 1e3
		}
	}
}
