package features

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// naive computes the moments of vals (skipping NaN) the textbook way.
func naive(vals []float64) (n int64, mean, std, mn, mx float64) {
	mn, mx = math.Inf(1), math.Inf(-1)
	sum := 0.0
	for _, v := range vals {
		if math.IsNaN(v) {
			continue
		}
		n++
		sum += v
		mn, mx = math.Min(mn, v), math.Max(mx, v)
	}
	mean = sum / float64(n)
	ss := 0.0
	for _, v := range vals {
		if !math.IsNaN(v) {
			ss += (v - mean) * (v - mean)
		}
	}
	return n, mean, math.Sqrt(ss / float64(n-1)), mn, mx
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-10*math.Max(1, math.Abs(b)) }

func TestObserveMergeMatchesNaive(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(1, 2))
	var all []float64
	var m Moments
	nulls := int64(0)
	for batch := 0; batch < 7; batch++ {
		b := array.NewFloat64Builder(alloc)
		for i := 0; i < 1000+batch*37; i++ {
			switch {
			case i%13 == 0:
				b.AppendNull()
				nulls++
			case i%29 == 0:
				b.Append(math.NaN())
				all = append(all, math.NaN())
			default:
				v := rng.NormFloat64()*3 + 1e6 // large offset: catastrophic cancellation would show
				b.Append(v)
				all = append(all, v)
			}
		}
		a := b.NewArray()
		m.Merge(Observe(a))
		a.Release()
		b.Release()
	}
	n, mean, std, mn, mx := naive(all)
	if m.Count != n || m.Nulls != nulls || m.NaN != int64(len(all))-n {
		t.Fatalf("counts %d/%d/%d, want %d/%d/%d", m.Count, m.Nulls, m.NaN, n, nulls, int64(len(all))-n)
	}
	if !near(m.Mean, mean) || !near(m.Std(), std) || m.Min != mn || m.Max != mx {
		t.Fatalf("moments %v %v %v %v, want %v %v %v %v", m.Mean, m.Std(), m.Min, m.Max, mean, std, mn, mx)
	}
}

// The same batches merged in the same order give the same bits.
func TestMergeDeterministic(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	var parts []Moments
	for k := 0; k < 5; k++ {
		b := array.NewFloat64Builder(alloc)
		for i := 0; i < 500; i++ {
			b.Append(math.Sin(float64(k*500+i)) * 1e3)
		}
		a := b.NewArray()
		parts = append(parts, Observe(a))
		a.Release()
		b.Release()
	}
	var x, y Moments
	for _, p := range parts {
		x.Merge(p)
		y.Merge(p)
	}
	if math.Float64bits(x.Mean) != math.Float64bits(y.Mean) || math.Float64bits(x.M2) != math.Float64bits(y.M2) {
		t.Fatal("merge is not deterministic")
	}
	var empty Moments
	empty.Merge(Moments{Nulls: 3})
	if empty.Count != 0 || empty.Nulls != 3 || !math.IsNaN(empty.Var()) {
		t.Fatalf("empty merge: %+v", empty)
	}
}

func TestObserveTypes(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	build := func(dt arrow.DataType, vals []any) arrow.Array {
		b := array.NewBuilder(alloc, dt)
		defer b.Release()
		for _, v := range vals {
			if v == nil {
				b.AppendNull()
				continue
			}
			switch bb := b.(type) {
			case *array.Int8Builder:
				bb.Append(int8(v.(int)))
			case *array.Int16Builder:
				bb.Append(int16(v.(int)))
			case *array.Int32Builder:
				bb.Append(int32(v.(int)))
			case *array.Int64Builder:
				bb.Append(int64(v.(int)))
			case *array.Uint8Builder:
				bb.Append(uint8(v.(int)))
			case *array.Uint16Builder:
				bb.Append(uint16(v.(int)))
			case *array.Uint32Builder:
				bb.Append(uint32(v.(int)))
			case *array.Uint64Builder:
				bb.Append(uint64(v.(int)))
			case *array.Float32Builder:
				bb.Append(float32(v.(int)))
			case *array.BooleanBuilder:
				bb.Append(v.(int) != 0)
			case *array.Date32Builder:
				bb.Append(arrow.Date32(v.(int)))
			case *array.TimestampBuilder:
				bb.Append(arrow.Timestamp(v.(int)) * 1e6) // microseconds
			case *array.Decimal128Builder:
				bb.Append(decimal128.FromI64(int64(v.(int)) * 100)) // scale 2: v.00
			case *array.StringBuilder:
				bb.Append(fmt.Sprint(v))
			}
		}
		return b.NewArray()
	}
	vals := []any{1, nil, 2, 3, nil, 6}
	for _, dt := range []arrow.DataType{
		arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64,
		arrow.PrimitiveTypes.Uint8, arrow.PrimitiveTypes.Uint16, arrow.PrimitiveTypes.Uint32, arrow.PrimitiveTypes.Uint64,
		arrow.PrimitiveTypes.Float32, arrow.FixedWidthTypes.Date32, &arrow.TimestampType{Unit: arrow.Microsecond},
		&arrow.Decimal128Type{Precision: 10, Scale: 2},
	} {
		a := build(dt, vals)
		if !Numeric(dt) {
			t.Errorf("%s not numeric", dt)
		}
		m := Observe(a)
		a.Release()
		if m.Count != 4 || m.Nulls != 2 || m.Mean != 3 || m.Min != 1 || m.Max != 6 || !near(m.Var(), 14.0/3) {
			t.Errorf("%s: %+v", dt, m)
		}
	}
	b := build(arrow.FixedWidthTypes.Boolean, []any{1, 0, nil, 1})
	m := Observe(b)
	b.Release()
	if m.Count != 3 || m.Nulls != 1 || !near(m.Mean, 2.0/3) || m.Min != 0 || m.Max != 1 {
		t.Errorf("bool: %+v", m)
	}
	s := build(arrow.BinaryTypes.String, []any{"a", nil, "b"})
	m = Observe(s)
	s.Release()
	if Numeric(arrow.BinaryTypes.String) || m.Count != 0 || m.Nulls != 1 {
		t.Errorf("string: %+v", m)
	}
}

func ExampleMoments_Merge() {
	var m Moments
	m.Merge(Moments{Count: 2, Mean: 1, M2: 2, Min: 0, Max: 2}) // values 0, 2
	m.Merge(Moments{Count: 2, Mean: 5, M2: 2, Min: 4, Max: 6}) // values 4, 6
	fmt.Printf("n=%d mean=%g var=%.4g min=%g max=%g\n", m.Count, m.Mean, m.Var(), m.Min, m.Max)
	// Output: n=4 mean=3 var=6.667 min=0 max=6
}
