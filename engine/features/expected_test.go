package features

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

// Expected is the mean of the encoded training rows, input by input: the
// fitter's encoder and statistics over the same rows (NULLs in every
// column, 'other' levels, a date), in both encoder modes.
func TestExpectedIsTheEncodedMean(t *testing.T) {
	for _, distance := range []bool{false, true} {
		alloc := checked(t)
		rng := rand.New(rand.NewPCG(4, 5))
		const n = 3000
		names := []string{"amount", "plan", "flag", "day"}
		types := []arrow.DataType{arrow.PrimitiveTypes.Float64, arrow.BinaryTypes.String, arrow.FixedWidthTypes.Boolean, arrow.FixedWidthTypes.Date32}
		cols := make([][]any, len(names))
		words := []string{"a", "b", "c", "d", "e"}
		for i := 0; i < n; i++ {
			null := func(p float64) bool { return rng.Float64() < p }
			var v [4]any
			if !null(0.07) {
				v[0] = rng.NormFloat64()*10 + 3
			}
			if !null(0.1) {
				v[1] = words[min(rng.IntN(8), 4)]
			}
			if !null(0.2) {
				v[2] = rng.IntN(3) == 0
			}
			if !null(0.05) {
				v[3] = rng.IntN(400)
			}
			for j := range cols {
				cols[j] = append(cols[j], v[j])
			}
		}
		recs := batches(alloc, names, types, cols, []int{700, 1300})
		schema := recs[0].Schema()
		f, err := NewFitter(schema, names, FitOptions{MaxLevels: 3, Distance: distance})
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			if err := f.Observe(rec, nil); err != nil {
				t.Fatal(err)
			}
		}
		enc, _, err := f.Finish()
		if err != nil {
			t.Fatal(err)
		}
		got, err := enc.Expected(f.Statistics())
		if err != nil {
			t.Fatal(err)
		}
		mean := make([]float64, enc.Width)
		rows := 0
		for _, rec := range recs {
			for _, row := range encode(t, enc, rec, nil) {
				for j, v := range row {
					mean[j] += v
				}
				rows++
			}
		}
		inputs := enc.InputNames()
		if !distance && !strings.Contains(strings.Join(inputs, ","), "amount IS NULL,plan=") {
			t.Fatalf("inputs %q: no NULL indicator for amount", inputs)
		}
		for j := range mean {
			mean[j] /= float64(rows)
			if math.Abs(got[j]-mean[j]) > 1e-12 {
				t.Errorf("distance %v: input %s: Expected %v, mean of the encoded rows %v", distance, inputs[j], got[j], mean[j])
			}
		}
		release(recs)
	}
}

// Expected refuses statistics of other columns, by count, name or kind.
func TestExpectedMismatch(t *testing.T) {
	enc := &Encoder{Width: 2, Columns: []ColumnEncoding{
		{Name: "a", Kind: KindNumeric, Mean: 1, Std: 2, Offset: 0, Width: 1},
		{Name: "b", Kind: KindBoolean, Mean: 0.5, Offset: 1, Width: 1},
	}}
	a := ColumnStats{Column: "A", Kind: KindNumeric, Rows: 4, Mean: fptr(3)}
	b := ColumnStats{Column: "b", Kind: KindBoolean, Rows: 4, NullShare: 0.25,
		Levels: []LevelShare{{Level: "false", Share: 0.5}, {Level: "true", Share: 0.25}, {Null: true, Share: 0.25}}}
	got, err := enc.Expected(Statistics{a, b})
	if err != nil {
		t.Fatal(err)
	}
	// (3-1)/2 = 1; 0.25 true + 0.25 NULL at 0.5.
	if got[0] != 1 || got[1] != 0.375 {
		t.Errorf("Expected %v, want [1 0.375]", got)
	}
	for _, s := range []Statistics{{a}, {b, a}, {a, {Column: "b", Kind: KindCategorical, Rows: 1}}} {
		if _, err := enc.Expected(s); err == nil {
			t.Errorf("statistics %v: no error", s)
		}
	}
}
