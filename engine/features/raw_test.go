package features

import (
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

// TestRaw: a tree model's columns as Raw gives them, against values
// worked out by hand: numbers as they are with NaN for NULL (and NaN,
// ±Inf kept), dates in days, timestamps in microseconds, booleans 0/1, and
// categorical codes with 'other' for other and unseen levels and NaN for
// NULL.
func TestRaw(t *testing.T) {
	alloc := checked(t)
	names := []string{"x", "d", "ts", "b", "c"}
	train := record(names,
		column(alloc, arrow.PrimitiveTypes.Float64, 1.5, nil, 3, 4, 5, 6),
		column(alloc, arrow.FixedWidthTypes.Date32, 10, 11, 12, 13, 14, nil),
		column(alloc, &arrow.TimestampType{Unit: arrow.Microsecond}, 60, 120, nil, 1, 2, 3),
		column(alloc, arrow.FixedWidthTypes.Boolean, true, false, nil, true, false, true),
		column(alloc, arrow.BinaryTypes.String, "a", "a", "b", "b", "z", nil),
	)
	defer train.Release()
	enc, dropped := fit(t, FitOptions{MaxLevels: 2}, train)
	if len(dropped) != 0 {
		t.Fatalf("dropped %v", dropped)
	}
	nan, inf := math.NaN(), math.Inf(1)
	data := record(names,
		column(alloc, arrow.PrimitiveTypes.Float64, 2.0, nil, nan, inf),
		column(alloc, arrow.FixedWidthTypes.Date32, 20, nil, 0, 1),
		column(alloc, &arrow.TimestampType{Unit: arrow.Microsecond}, 90, nil, 0, 1),
		column(alloc, arrow.FixedWidthTypes.Boolean, true, nil, false, true),
		column(alloc, arrow.BinaryTypes.String, "b", nil, "z", "never seen"),
	)
	defer data.Release()
	b, err := enc.Bind(data.Schema())
	if err != nil {
		t.Fatal(err)
	}
	x := make([][]float64, len(enc.Columns))
	for j := range x {
		x[j] = make([]float64, 4)
	}
	b.Raw(data, x)
	levels := enc.Columns[4].Levels // the two most frequent: a, b
	if len(levels) != 2 || levels[0] != "a" || levels[1] != "b" {
		t.Fatalf("levels %q, want [a b]", levels)
	}
	want := [][]float64{
		{2, nan, nan, inf},
		{20, nan, 0, 1},
		{90e6, nan, 0, 1e6},
		{1, nan, 0, 1},
		{1, nan, 2, 2}, // b; NULL; z is 'other'; an unseen value goes with 'other'
	}
	for j := range want {
		for i, w := range want[j] {
			got := x[j][i]
			if math.IsNaN(w) != math.IsNaN(got) || (!math.IsNaN(w) && got != w) {
				t.Errorf("column %s row %d: %g, want %g", names[j], i, got, w)
			}
		}
	}
}
