package features

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Kinds of feature encoding, as stored in ColumnEncoding.Kind.
const (
	KindNumeric     = "numeric"     // integers, floats, decimals: standardised
	KindBoolean     = "boolean"     // BOOLEAN: 0/1, not standardised
	KindCategorical = "categorical" // VARCHAR, ENUM: one-hot
	KindDate        = "date"        // DATE: days since 1970-01-01, standardised
	KindTimestamp   = "timestamp"   // TIMESTAMP (any unit, any zone): seconds since the epoch, standardised
)

// kindNull marks a column of Arrow type NULL (DuckDB's type of a bare
// NULL literal): every value is NULL, so the column is dropped.
const kindNull = "null"

// kindOf says how a column of type t is encoded; "" when it cannot be a
// feature.
func kindOf(t arrow.DataType) string {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT32, arrow.FLOAT64,
		arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128, arrow.DECIMAL256:
		return KindNumeric
	case arrow.BOOL:
		return KindBoolean
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW:
		return KindCategorical
	case arrow.DICTIONARY:
		if stringish(t.(*arrow.DictionaryType).ValueType) {
			return KindCategorical
		}
	case arrow.DATE32, arrow.DATE64:
		return KindDate
	case arrow.TIMESTAMP:
		return KindTimestamp
	case arrow.NULL:
		return kindNull
	}
	return ""
}

func stringish(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW:
		return true
	}
	return false
}

// integerType reports whether t is one of the eight integer types.
func integerType(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return true
	}
	return false
}

// supportedTypes lists, for error messages, what can be a feature.
const supportedTypes = "integers, floats, decimals, BOOLEAN, VARCHAR, ENUM, DATE, TIMESTAMP"

// divisor is what a column's raw value is divided by to give the number
// that is standardised: ticks per second for timestamps, milliseconds per
// day for DATE64 (Arrow's millisecond dates), 1 otherwise. Dividing by an
// exactly representable power of ten (not multiplying by its inverse) keeps
// the conversion correctly rounded.
func divisor(t arrow.DataType) float64 {
	switch t.ID() {
	case arrow.TIMESTAMP:
		switch t.(*arrow.TimestampType).Unit {
		case arrow.Millisecond:
			return 1e3
		case arrow.Microsecond:
			return 1e6
		case arrow.Nanosecond:
			return 1e9
		}
	case arrow.DATE64:
		return 86400000
	}
	return 1
}

// number is the value types converted to float64 by a plain conversion.
type number interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

// toFloats writes the numeric value of every row of a (a numeric, boolean,
// date or timestamp array) into dst[:a.Len()], the value a feature of that
// type is standardised from: integers, floats and decimals as they are,
// booleans 0/1, DATE as days and TIMESTAMP as seconds since the epoch.
// NULL rows get an unspecified value. It returns false for other types.
func toFloats(a arrow.Array, dst []float64) bool {
	return toFloatsDiv(a, dst, divisor(a.DataType()))
}

// toFloatsDiv is toFloats with the integer types (dates and timestamps
// among them) divided by div instead of their divisor.
func toFloatsDiv(a arrow.Array, dst []float64, div float64) bool {
	dst = dst[:a.Len()]
	switch c := a.(type) {
	case *array.Float64:
		copy(dst, c.Float64Values())
	case *array.Float32:
		convert(dst, c.Float32Values(), div)
	case *array.Int64:
		convert(dst, c.Int64Values(), div)
	case *array.Int32:
		convert(dst, c.Int32Values(), div)
	case *array.Int16:
		convert(dst, c.Int16Values(), div)
	case *array.Int8:
		convert(dst, c.Int8Values(), div)
	case *array.Uint64:
		convert(dst, c.Uint64Values(), div)
	case *array.Uint32:
		convert(dst, c.Uint32Values(), div)
	case *array.Uint16:
		convert(dst, c.Uint16Values(), div)
	case *array.Uint8:
		convert(dst, c.Uint8Values(), div)
	case *array.Date32:
		convert(dst, c.Date32Values(), div)
	case *array.Date64:
		convert(dst, c.Date64Values(), div)
	case *array.Timestamp:
		convert(dst, c.TimestampValues(), div)
	case *array.Boolean:
		for i := range dst {
			dst[i] = 0
			if c.Value(i) {
				dst[i] = 1
			}
		}
	case *array.Decimal32:
		scale := c.DataType().(*arrow.Decimal32Type).Scale
		for i, v := range c.Values() {
			dst[i] = v.ToFloat64(scale)
		}
	case *array.Decimal64:
		scale := c.DataType().(*arrow.Decimal64Type).Scale
		for i, v := range c.Values() {
			dst[i] = v.ToFloat64(scale)
		}
	case *array.Decimal128:
		scale := c.DataType().(*arrow.Decimal128Type).Scale
		for i, v := range c.Values() {
			dst[i] = v.ToFloat64(scale)
		}
	case *array.Decimal256:
		scale := c.DataType().(*arrow.Decimal256Type).Scale
		for i, v := range c.Values() {
			dst[i] = v.ToFloat64(scale)
		}
	default:
		return false
	}
	return true
}

// convert is dst[i] = float64(src[i]) / div, the one conversion both
// fitting and encoding use, so both see the same bits.
func convert[T number](dst []float64, src []T, div float64) {
	src = src[:len(dst)]
	if div == 1 {
		for i, v := range src {
			dst[i] = float64(v)
		}
		return
	}
	for i, v := range src {
		dst[i] = float64(v) / div
	}
}

// validity returns a's validity bitmap and the bit offset of its first row,
// or nil when a has no NULLs (then every row is valid).
func validity(a arrow.Array) ([]byte, int) {
	if a.NullN() == 0 {
		return nil, 0
	}
	return a.NullBitmapBytes(), a.Data().Offset()
}

// isValid is bit off+i of a validity bitmap; a nil bitmap is all valid.
func isValid(bm []byte, off, i int) bool {
	if bm == nil {
		return true
	}
	j := off + i
	return bm[j>>3]&(1<<(j&7)) != 0
}

// markBad sets skip[i] for the rows not yet skipped whose value in a is
// NaN or ±Inf (only Float32 and Float64 arrays have such values) and
// returns how many it set. NULL rows are left alone.
func markBad(a arrow.Array, skip []bool) (marked int) {
	bm, off := validity(a)
	switch c := a.(type) {
	case *array.Float64:
		return markNonFinite(c.Float64Values(), bm, off, skip)
	case *array.Float32:
		return markNonFinite(c.Float32Values(), bm, off, skip)
	}
	return 0
}

func markNonFinite[T float32 | float64](vals []T, bm []byte, off int, skip []bool) int {
	marked := 0
	for i, v := range vals {
		x := float64(v)
		if x-x == 0 || skip[i] { // finite: x-x is 0; NaN and ±Inf give NaN
			continue
		}
		if isValid(bm, off, i) {
			skip[i] = true
			marked++
		}
	}
	return marked
}

// finite reports whether x is neither NaN nor ±Inf.
func finite(x float64) bool { return x-x == 0 }
