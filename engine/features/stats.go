package features

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Moments summarises the numeric values of a column: Count non-NULL values
// (NaN excluded and counted in NaN), Nulls, Mean, M2 (sum of squared
// deviations from the mean), Min and Max.
type Moments struct {
	Count int64
	Nulls int64
	NaN   int64
	Mean  float64
	M2    float64
	Min   float64
	Max   float64
}

// Var is the sample variance (n-1 denominator); NaN below two values.
func (m *Moments) Var() float64 {
	if m.Count < 2 {
		return math.NaN()
	}
	return m.M2 / float64(m.Count-1)
}

// Std is the sample standard deviation.
func (m *Moments) Std() float64 { return math.Sqrt(m.Var()) }

// Merge folds o into m (Chan et al.'s pairwise update). Merging the same
// summaries in the same order gives the same bits.
func (m *Moments) Merge(o Moments) {
	m.Nulls += o.Nulls
	m.NaN += o.NaN
	if o.Count == 0 {
		return
	}
	if m.Count == 0 {
		nulls, nan := m.Nulls, m.NaN
		*m = o
		m.Nulls, m.NaN = nulls, nan
		return
	}
	n := float64(m.Count + o.Count)
	d := o.Mean - m.Mean
	m.Mean += d * float64(o.Count) / n
	m.M2 += o.M2 + d*d*float64(m.Count)*float64(o.Count)/n
	m.Count += o.Count
	m.Min = math.Min(m.Min, o.Min)
	m.Max = math.Max(m.Max, o.Max)
}

// Numeric reports whether Observe can summarise arrays of type t: integers,
// floats, decimals, booleans (0/1), dates (days since 1970-01-01) and
// timestamps (seconds since the epoch).
func Numeric(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT32, arrow.FLOAT64, arrow.BOOL, arrow.DECIMAL128, arrow.DECIMAL256, arrow.DATE32, arrow.TIMESTAMP:
		return true
	}
	return false
}

// Observe summarises one array. Arrays of a type Numeric rejects only count
// their NULLs.
func Observe(a arrow.Array) Moments {
	var s summer
	s.nulls = int64(nullCount(a))
	switch c := a.(type) {
	case *array.Float64:
		sumValues(&s, c, c.Float64Values(), func(v float64) float64 { return v })
	case *array.Float32:
		sumValues(&s, c, c.Float32Values(), func(v float32) float64 { return float64(v) })
	case *array.Int64:
		sumValues(&s, c, c.Int64Values(), func(v int64) float64 { return float64(v) })
	case *array.Int32:
		sumValues(&s, c, c.Int32Values(), func(v int32) float64 { return float64(v) })
	case *array.Int16:
		sumValues(&s, c, c.Int16Values(), func(v int16) float64 { return float64(v) })
	case *array.Int8:
		sumValues(&s, c, c.Int8Values(), func(v int8) float64 { return float64(v) })
	case *array.Uint64:
		sumValues(&s, c, c.Uint64Values(), func(v uint64) float64 { return float64(v) })
	case *array.Uint32:
		sumValues(&s, c, c.Uint32Values(), func(v uint32) float64 { return float64(v) })
	case *array.Uint16:
		sumValues(&s, c, c.Uint16Values(), func(v uint16) float64 { return float64(v) })
	case *array.Uint8:
		sumValues(&s, c, c.Uint8Values(), func(v uint8) float64 { return float64(v) })
	case *array.Date32:
		sumValues(&s, c, c.Date32Values(), func(v arrow.Date32) float64 { return float64(v) })
	case *array.Timestamp:
		unit := c.DataType().(*arrow.TimestampType).Unit
		div := float64(unit.Multiplier()) / 1e9 // ticks per second = 1e9 / multiplier
		sumValues(&s, c, c.TimestampValues(), func(v arrow.Timestamp) float64 { return float64(v) * div })
	case *array.Boolean:
		vals := make([]float64, c.Len())
		for i := range vals {
			if c.Value(i) {
				vals[i] = 1
			}
		}
		sumValues(&s, c, vals, func(v float64) float64 { return v })
	case *array.Decimal128:
		scale := c.DataType().(*arrow.Decimal128Type).Scale
		vals := make([]float64, c.Len())
		for i := range vals {
			vals[i] = c.Value(i).ToFloat64(scale)
		}
		sumValues(&s, c, vals, func(v float64) float64 { return v })
	case *array.Decimal256:
		scale := c.DataType().(*arrow.Decimal256Type).Scale
		vals := make([]float64, c.Len())
		for i := range vals {
			vals[i] = c.Value(i).ToFloat64(scale)
		}
		sumValues(&s, c, vals, func(v float64) float64 { return v })
	}
	return s.moments()
}

// nullCount is a.NullN(), except for unions, which have no validity bitmap
// of their own: a union value is NULL when its selected member is.
func nullCount(a arrow.Array) int {
	u, ok := a.(array.Union)
	if !ok {
		return a.NullN()
	}
	n := 0
	for i := 0; i < u.Len(); i++ {
		child := u.Field(u.ChildID(i))
		j := i
		if d, ok := u.(*array.DenseUnion); ok {
			j = int(d.ValueOffset(i))
		}
		if child.IsNull(j) {
			n++
		}
	}
	return n
}

type summer struct {
	nulls, nan, n int64
	inf           int64 // of nan, the ±Inf values (counted by the Fitter only)
	sum           float64
	min, max      float64
	vals          []float64 // non-NULL, non-NaN values of the batch
}

// seeAll adds valid values to the sum, min and max, in order. The
// running values stay in registers: through the struct, every addition
// waited for a store and a load.
func (s *summer) seeAll(vals []float64) {
	sum, lo, hi := s.sum, s.min, s.max
	for _, x := range vals {
		sum += x
		if x < lo {
			lo = x
		}
		if x > hi {
			hi = x
		}
	}
	s.sum, s.min, s.max = sum, lo, hi
}

// seeAll2 is p.seeAll(p.vals) and q.seeAll(q.vals) in one loop (the two
// have as many values).
func seeAll2(p, q *summer) {
	a, b := p.vals, q.vals[:len(p.vals)]
	sa, loA, hiA := p.sum, p.min, p.max
	sb, loB, hiB := q.sum, q.min, q.max
	for i, x := range a {
		y := b[i]
		sa += x
		sb += y
		if x < loA {
			loA = x
		}
		if x > hiA {
			hiA = x
		}
		if y < loB {
			loB = y
		}
		if y > hiB {
			hiB = y
		}
	}
	p.sum, p.min, p.max = sa, loA, hiA
	q.sum, q.min, q.max = sb, loB, hiB
}

// moments2 is p.moments() and q.moments() with the sums of squared
// deviations in one loop (the two have as many values).
func moments2(p, q *summer) (Moments, Moments) {
	mp := Moments{Count: p.n, Nulls: p.nulls, NaN: p.nan, Min: p.min, Max: p.max}
	mq := Moments{Count: q.n, Nulls: q.nulls, NaN: q.nan, Min: q.min, Max: q.max}
	if p.n == 0 {
		return mp, mq
	}
	mp.Mean = p.sum / float64(p.n)
	mq.Mean = q.sum / float64(q.n)
	a, b := p.vals, q.vals[:len(p.vals)]
	meanA, meanB := mp.Mean, mq.Mean
	var m2A, m2B float64
	for i, x := range a {
		da, db := x-meanA, b[i]-meanB
		m2A += da * da
		m2B += db * db
	}
	mp.M2, mq.M2 = m2A, m2B
	return mp, mq
}

func (s *summer) moments() Moments {
	m := Moments{Count: s.n, Nulls: s.nulls, NaN: s.nan, Min: s.min, Max: s.max}
	if s.n == 0 {
		return m
	}
	m.Mean = s.sum / float64(s.n)
	mean, m2 := m.Mean, 0.0 // in registers, summed in order
	for _, v := range s.vals {
		d := v - mean
		m2 += d * d
	}
	m.M2 = m2
	return m
}

// sumValues gathers the valid values of one batch: a first pass for sum,
// min and max, the second (in moments) for squared deviations.
func sumValues[T any](s *summer, a arrow.Array, vals []T, f func(T) float64) {
	s.vals = make([]float64, 0, len(vals))
	s.min, s.max = math.Inf(1), math.Inf(-1)
	noNulls := a.NullN() == 0
	for i, v := range vals {
		if !noNulls && a.IsNull(i) {
			continue
		}
		x := f(v)
		if math.IsNaN(x) {
			s.nan++
			continue
		}
		s.vals = append(s.vals, x)
	}
	s.seeAll(s.vals)
	s.n = int64(len(s.vals))
}
