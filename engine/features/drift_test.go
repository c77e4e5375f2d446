package features

import (
	"math"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestPSIByHand(t *testing.T) {
	for _, c := range []struct {
		expected, actual []float64
		want             float64
	}{
		{[]float64{0.5, 0.5}, []float64{0.5, 0.5}, 0},
		// 0.25·ln 2 + 0.25·ln 1.5
		{[]float64{0.5, 0.5}, []float64{0.25, 0.75}, 0.2746530721670274},
		// An empty bin counts as PSIEpsilon: -0.1·ln 0.9 + (0.1-1e-4)·ln(0.1/1e-4)
		{[]float64{1, 0}, []float64{0.9, 0.1}, 0.7006208039360982},
		// Empty on both sides: nothing.
		{[]float64{0.5, 0.5, 0}, []float64{0.25, 0.75, 0}, 0.2746530721670274},
	} {
		if got := PSI(c.expected, c.actual); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("PSI(%v, %v) = %v, want %v", c.expected, c.actual, got, c.want)
		}
	}
	// Symmetric in its arguments.
	a, b := []float64{0.1, 0.2, 0.7}, []float64{0.3, 0.3, 0.4}
	if x, y := PSI(a, b), PSI(b, a); math.Abs(x-y) > 1e-15 {
		t.Errorf("PSI not symmetric: %v against %v", x, y)
	}
}

func TestDriftStatus(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		psi, unseen float64
		want        string
	}{
		{0, nan, DriftOK}, {0.0999, 0, DriftOK}, {0.1, nan, DriftShifted}, {0.2499, 0.05, DriftShifted},
		{0.25, nan, DriftSevere}, {0, 0.0501, DriftSevere},
	} {
		if got := DriftStatus(c.psi, c.unseen); got != c.want {
			t.Errorf("DriftStatus(%v, %v) = %q, want %q", c.psi, c.unseen, got, c.want)
		}
	}
}

func TestSeparatingEdges(t *testing.T) {
	cuts, exp := separatingEdges([]float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 1, 1)
	if !slices.Equal(cuts, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}) || len(exp) != 10 {
		t.Fatalf("continuous edges: cuts %v, expected %v", cuts, exp)
	}
	for _, e := range exp {
		if math.Abs(e-0.1) > 1e-15 {
			t.Fatalf("continuous edges: expected %v", exp)
		}
	}
	// A 0/1 column with 70% zeros: two bins, 0.7 and 0.3 of the finite
	// values (here 0.8 of the rows).
	cuts, exp = separatingEdges([]float64{0, 0, 0, 0, 0, 0, 0, 0.3, 1, 1, 1}, 1, 0.8)
	if !slices.Equal(cuts, []float64{0.3}) || math.Abs(exp[0]-0.56) > 1e-15 || math.Abs(exp[1]-0.24) > 1e-15 {
		t.Fatalf("0/1 edges: cuts %v, expected %v", cuts, exp)
	}
	// Timestamps in milliseconds: cuts in seconds.
	cuts, _ = separatingEdges([]float64{0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000}, divisorOfName("timestamp[ms, tz=UTC]"), 1)
	if cuts[0] != 1 || cuts[8] != 9 {
		t.Fatalf("timestamp cuts %v", cuts)
	}
	if cuts, exp = separatingEdges(nil, 1, 0); cuts != nil || !slices.Equal(exp, []float64{0}) {
		t.Fatalf("no edges: %v %v", cuts, exp)
	}
}

// driftData is n rows: x = i (continuous), flag = i%10 < 3, level "a"
// for half the rows, "b" for 3 in 10, "c" for 2 in 10, with the given
// transforms.
func driftData(alloc memory.Allocator, n int, x func(i int) any, level func(i int) any) arrow.RecordBatch {
	xs, flags, levels := make([]any, n), make([]any, n), make([]any, n)
	for i := 0; i < n; i++ {
		xs[i], flags[i] = x(i), i%10 < 3
		levels[i] = level(i)
	}
	return record([]string{"x", "flag", "level"},
		column(alloc, arrow.PrimitiveTypes.Float64, xs...),
		column(alloc, arrow.FixedWidthTypes.Boolean, flags...),
		column(alloc, arrow.BinaryTypes.String, levels...))
}

func abc(i int) any {
	switch r := i % 10; {
	case r < 5:
		return "a"
	case r < 8:
		return "b"
	}
	return "c"
}

func meter(t *testing.T, train, now arrow.RecordBatch) (*DriftMeter, []ColumnDrift) {
	t.Helper()
	opts := FitOptions{MaxLevels: 2}
	stats := statsOf(t, opts, train)
	enc, _ := fit(t, opts, train)
	b, err := enc.Bind(now.Schema())
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDriftMeter(b, stats)
	if err != nil {
		t.Fatal(err)
	}
	// In two batches: the counts do not depend on the batching.
	h := now.NumRows() / 2
	for _, part := range []arrow.RecordBatch{now.NewSlice(0, h), now.NewSlice(h, now.NumRows())} {
		d.Add(part)
		part.Release()
	}
	return d, d.Columns()
}

func TestDriftSameData(t *testing.T) {
	alloc := checked(t)
	train := driftData(alloc, 1000, func(i int) any { return float64((i * 7919) % 1000) }, abc)
	defer train.Release()
	d, cols := meter(t, train, train)
	if d.Rows() != 1000 || len(cols) != 3 {
		t.Fatalf("%d rows, %d columns", d.Rows(), len(cols))
	}
	for _, c := range cols {
		if c.PSI > 1e-3 || c.Status != DriftOK {
			t.Errorf("%s: PSI %v, status %s on the training data", c.Column, c.PSI, c.Status)
		}
		if c.NullShareNow != c.NullShareTrain {
			t.Errorf("%s: NULL share %v, trained %v", c.Column, c.NullShareNow, c.NullShareTrain)
		}
	}
	x := cols[0]
	if math.Abs(x.MeanNow-x.MeanTrain) > 1e-9 || math.Abs(x.StdNow-x.StdTrain) > 1e-9 {
		t.Errorf("x: mean %v std %v, trained %v %v", x.MeanNow, x.StdNow, x.MeanTrain, x.StdTrain)
	}
	if !math.IsNaN(cols[1].MeanNow) || !math.IsNaN(cols[1].UnseenShare) {
		t.Errorf("flag: mean %v, unseen %v; want NaN", cols[1].MeanNow, cols[1].UnseenShare)
	}
	if cols[2].UnseenShare != 0 {
		t.Errorf("level: unseen %v", cols[2].UnseenShare)
	}
	s := d.Summary(cols)
	if s.Column != "(all)" || s.Status != DriftOK || s.UnseenShare != 0 || s.PSI != max(cols[0].PSI, cols[1].PSI, cols[2].PSI) {
		t.Errorf("summary %+v", s)
	}
}

func TestDriftShifted(t *testing.T) {
	alloc := checked(t)
	train := driftData(alloc, 1000, func(i int) any { return float64((i * 7919) % 1000) }, abc)
	defer train.Release()
	// x tripled; level: a 40%, b 30%, c 10%, a new level z 20%.
	now := driftData(alloc, 1000, func(i int) any { return 3 * float64((i*7919)%1000) }, func(i int) any {
		switch r := i % 10; {
		case r < 4:
			return "a"
		case r < 7:
			return "b"
		case r < 8:
			return "c"
		}
		return "z"
	})
	defer now.Release()
	d, cols := meter(t, train, now)
	x, flag, level := cols[0], cols[1], cols[2]
	// Tripled, a third of the values stay below 1000: every one of them
	// in the bins below 333; the rest beyond the last cut.
	if x.Status != DriftSevere || x.PSI < 1 {
		t.Errorf("tripled x: PSI %v, status %s", x.PSI, x.Status)
	}
	if math.Abs(x.MeanNow-3*x.MeanTrain) > 1e-9 || math.Abs(x.StdNow-3*x.StdTrain) > 1e-9 {
		t.Errorf("tripled x: mean %v std %v, trained %v %v", x.MeanNow, x.StdNow, x.MeanTrain, x.StdTrain)
	}
	if flag.PSI > 1e-12 || flag.Status != DriftOK {
		t.Errorf("flag: PSI %v, status %s", flag.PSI, flag.Status)
	}
	// Bins a, b, other, NULL: trained 0.5, 0.3, 0.2, 0; now 0.4, 0.3,
	// 0.3 (c and the unseen z), 0.
	want := -0.1*math.Log(0.8) + 0.1*math.Log(1.5)
	if math.Abs(level.PSI-want) > 1e-12 || level.UnseenShare != 0.2 || level.Status != DriftSevere {
		t.Errorf("level: PSI %v (want %v), unseen %v, status %s", level.PSI, want, level.UnseenShare, level.Status)
	}
	s := d.Summary(cols)
	if s.Status != DriftSevere || s.UnseenShare != 0.2 || s.PSI != x.PSI {
		t.Errorf("summary %+v", s)
	}
}

// TestDriftNumericBins checks the numeric bins against a brute force
// count: the data's share in each interval between the training deciles.
func TestDriftNumericBins(t *testing.T) {
	alloc := checked(t)
	train := driftData(alloc, 1001, func(i int) any { return float64(i) }, abc) // edges 0, 100, ..., 1000
	defer train.Release()
	now := driftData(alloc, 1000, func(i int) any {
		switch {
		case i%100 == 0:
			return nil
		case i%3 == 0:
			return 150.0 // one bin, never on an edge
		case i%7 == 0:
			return 200.0 // on an edge: half in each bin
		}
		return float64(i) * 1.2
	}, abc)
	defer now.Release()
	_, cols := meter(t, train, now)
	// Brute force.
	col := now.Column(0)
	vals := make([]float64, now.NumRows())
	toFloats(col, vals)
	actual := make([]float64, 12)
	for i, v := range vals {
		switch {
		case col.IsNull(i):
			actual[10] += 1
		case v > 0 && v < 1000 && v == math.Trunc(v/100)*100: // on a cut
			k := int(v / 100)
			actual[k-1] += 0.5
			actual[k] += 0.5
		default:
			k := int(math.Ceil(v/100)) - 1
			actual[min(max(k, 0), 9)]++
		}
	}
	expected := make([]float64, 12)
	for k := range actual {
		actual[k] /= float64(len(vals))
		if k < 10 {
			expected[k] = 0.1
		}
	}
	if want := PSI(expected, actual); math.Abs(cols[0].PSI-want) > 1e-12 {
		t.Errorf("PSI %v, brute force %v", cols[0].PSI, want)
	}
	if cols[0].NullShareNow != 0.01 {
		t.Errorf("NULL share %v", cols[0].NullShareNow)
	}
}
