package features

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// statsOf fits the columns of recs as a trainer does (no BadRows: NaN and
// ±Inf stay in the rows) and returns the statistics block.
func statsOf(t testing.TB, opts FitOptions, recs ...arrow.RecordBatch) Statistics {
	t.Helper()
	schema := recs[0].Schema()
	var names []string
	for _, f := range schema.Fields() {
		names = append(names, f.Name)
	}
	f, err := NewFitter(schema, names, opts)
	if err != nil {
		t.Fatal(err)
	}
	if f.Statistics() != nil {
		t.Fatal("statistics before Finish")
	}
	for _, rec := range recs {
		if err := f.Observe(rec, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := f.Finish(); err != nil {
		t.Fatal(err)
	}
	s := f.Statistics()
	if err := s.Validate(); err != nil {
		t.Fatalf("the fitter's statistics do not validate: %v", err)
	}
	return s
}

func fptr(x float64) *float64 { return &x }

func TestStatisticsByHand(t *testing.T) {
	alloc := checked(t)
	names := []string{"amount", "plan", "flag", "day", "seen", "same"}
	const us = 1_000_000 // microseconds per second
	ts := &arrow.TimestampType{Unit: arrow.Microsecond}
	// 13 rows in two batches of 7 and 6.
	// amount: 1..10, NULL, NaN, +Inf.
	// plan: a×4, b×3, c×2, d×1, NULL×3; two levels kept (a, b).
	// flag: true×5, false×6, NULL×2.
	// day: days 0..12 (13 values), seen: seconds 0, 10, ..., 110 and NULL.
	// same: constant, dropped: no block.
	b1 := record(names,
		column(alloc, arrow.PrimitiveTypes.Float64, 3, 1, nil, 2, 10, math.NaN(), 4),
		column(alloc, arrow.BinaryTypes.String, "a", "b", "a", nil, "c", "b", "d"),
		column(alloc, arrow.FixedWidthTypes.Boolean, true, false, nil, true, false, false, true),
		column(alloc, arrow.FixedWidthTypes.Date32, 12, 0, 1, 2, 3, 4, 5),
		column(alloc, ts, 0, 10, 20, nil, 30, 40, 50),
		column(alloc, arrow.PrimitiveTypes.Int64, 7, 7, 7, 7, 7, 7, 7))
	defer b1.Release()
	b2 := record(names,
		column(alloc, arrow.PrimitiveTypes.Float64, 5, math.Inf(1), 6, 7, 8, 9),
		column(alloc, arrow.BinaryTypes.String, "a", nil, "c", "b", nil, "a"),
		column(alloc, arrow.FixedWidthTypes.Boolean, true, false, nil, false, true, false),
		column(alloc, arrow.FixedWidthTypes.Date32, 6, 7, 8, 9, 10, 11),
		column(alloc, ts, 60, 70, 80, 90, 100, 110),
		column(alloc, arrow.PrimitiveTypes.Int64, 7, 7, 7, 7, 7, 7))
	defer b2.Release()
	got := statsOf(t, FitOptions{MaxLevels: 2}, b1, b2)

	// amount: mean 5.5, sum of squared deviations 82.5, std √(82.5/9);
	// the k/10 quantile of 1..10 is at position 0.9k: 1 + 0.9k.
	var amountEdges, dayEdges, seenEdges []float64
	for k := range 11 {
		amountEdges = append(amountEdges, 1+0.9*float64(k))
		dayEdges = append(dayEdges, 1.2*float64(k))     // 0..12: position 1.2k
		seenEdges = append(seenEdges, 11*float64(k)*us) // 0..110 s: position 1.1k, 10 s apart
	}
	want := Statistics{
		{Column: "amount", Kind: KindNumeric, Type: "float64", Rows: 13, NullShare: 2.0 / 13, InfShare: 1.0 / 13,
			Mean: fptr(5.5), Std: fptr(math.Sqrt(82.5 / 9)), Edges: amountEdges},
		{Column: "plan", Kind: KindCategorical, Type: "utf8", Rows: 13, NullShare: 3.0 / 13,
			Levels: []LevelShare{{Level: "a", Share: 4.0 / 13}, {Level: "b", Share: 3.0 / 13}, {Other: true, Share: 3.0 / 13}, {Null: true, Share: 3.0 / 13}}},
		{Column: "flag", Kind: KindBoolean, Type: "bool", Rows: 13, NullShare: 2.0 / 13,
			Levels: []LevelShare{{Level: "false", Share: 6.0 / 13}, {Level: "true", Share: 5.0 / 13}, {Null: true, Share: 2.0 / 13}}},
		{Column: "day", Kind: KindDate, Type: "date32", Rows: 13, Edges: dayEdges},
		{Column: "seen", Kind: KindTimestamp, Type: "timestamp[us, tz=UTC]", Rows: 13, NullShare: 1.0 / 13, Edges: seenEdges},
	}
	if ts.String() != "timestamp[us, tz=UTC]" {
		want[4].Type = ts.String()
	}
	sameStats(t, got, want, 1e-12)
}

// sameStats compares statistics, numbers within tol (relative).
func sameStats(t *testing.T, got, want Statistics, tol float64) {
	t.Helper()
	near := func(a, b float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }
	if len(got) != len(want) {
		t.Fatalf("%d blocks, want %d:\n got %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		fail := func(what string, a, b any) {
			t.Helper()
			t.Fatalf("column %q: %s %v, want %v", w.Column, what, a, b)
		}
		if g.Column != w.Column || g.Kind != w.Kind || g.Type != w.Type || g.Rows != w.Rows || g.Sample != w.Sample {
			fail("block", g, w)
		}
		if !near(g.NullShare, w.NullShare) || !near(g.InfShare, w.InfShare) {
			fail("shares", []float64{g.NullShare, g.InfShare}, []float64{w.NullShare, w.InfShare})
		}
		for _, p := range [][2]*float64{{g.Mean, w.Mean}, {g.Std, w.Std}} {
			if (p[0] == nil) != (p[1] == nil) || p[0] != nil && !near(*p[0], *p[1]) {
				fail("mean or std", p[0], p[1])
			}
		}
		if len(g.Edges) != len(w.Edges) {
			fail("edges", g.Edges, w.Edges)
		}
		for k := range w.Edges {
			if !near(g.Edges[k], w.Edges[k]) {
				fail("edges", g.Edges, w.Edges)
			}
		}
		if len(g.Levels) != len(w.Levels) {
			fail("levels", g.Levels, w.Levels)
		}
		for k, l := range w.Levels {
			gl := g.Levels[k]
			if gl.Level != l.Level || gl.Other != l.Other || gl.Null != l.Null || !near(gl.Share, l.Share) {
				fail("levels", g.Levels, w.Levels)
			}
		}
	}
}

// TestStatisticsTypes: an ENUM's levels count as VARCHAR's; DATE64 and
// TIMESTAMP edges stay in Arrow's units; integers and decimals are
// numeric.
func TestStatisticsTypes(t *testing.T) {
	alloc := checked(t)
	names := []string{"e", "d64", "tsms", "i", "dec"}
	rec := record(names,
		enum(alloc, arrow.PrimitiveTypes.Int8, []string{"x", "y", "z"}, 2, 2, -1, 0, 2),
		column(alloc, arrow.FixedWidthTypes.Date64, 1, 2, 3, 4, 5),
		column(alloc, &arrow.TimestampType{Unit: arrow.Millisecond}, 5, 4, 3, 2, 1),
		column(alloc, arrow.PrimitiveTypes.Int32, 10, nil, 30, 40, 50),
		column(alloc, &arrow.Decimal128Type{Precision: 10, Scale: 2}, 0.25, 0.5, 0.75, 1.0, 1.25))
	defer rec.Release()
	got := statsOf(t, FitOptions{MaxLevels: 1}, rec)
	day := 86400000.0
	edges := func(lo, step float64) []float64 {
		e := make([]float64, 11)
		for k := range e {
			e[k] = lo + step*0.4*float64(k) // 5 values: position 0.4k
		}
		return e
	}
	want := Statistics{
		{Column: "e", Kind: KindCategorical, Type: rec.Column(0).DataType().String(), Rows: 5, NullShare: 0.2,
			Levels: []LevelShare{{Level: "z", Share: 0.6}, {Other: true, Share: 0.2}, {Null: true, Share: 0.2}}},
		{Column: "d64", Kind: KindDate, Type: "date64", Rows: 5, Edges: edges(day, day)},
		{Column: "tsms", Kind: KindTimestamp, Type: rec.Column(2).DataType().String(), Rows: 5, Edges: edges(1000, 1000)},
		{Column: "i", Kind: KindNumeric, Type: "int32", Rows: 5, NullShare: 0.2, Mean: fptr(32.5), Std: fptr(math.Sqrt(875.0 / 3)),
			Edges: []float64{10, 16, 22, 28, 32, 35, 38, 41, 44, 47, 50}}, // 10 30 40 50: position 0.3k
		{Column: "dec", Kind: KindNumeric, Type: "decimal(10, 2)", Rows: 5, Mean: fptr(0.75), Std: fptr(math.Sqrt(0.625 / 4)), Edges: edges(0.25, 0.25)},
	}
	sameStats(t, got, want, 1e-12)
}

// TestStatisticsSkippedRows: rows the trainer skips (a bad label) are in
// no statistic.
func TestStatisticsSkippedRows(t *testing.T) {
	alloc := checked(t)
	rec := record([]string{"x", "c"},
		column(alloc, arrow.PrimitiveTypes.Float64, 1, 2, nil, 4, 100),
		column(alloc, arrow.BinaryTypes.String, "a", "b", nil, "a", "z"))
	defer rec.Release()
	f, err := NewFitter(rec.Schema(), []string{"x", "c"}, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Observe(rec, []bool{false, false, false, false, true}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Finish(); err != nil {
		t.Fatal(err)
	}
	edges := []float64{1, 1.2, 1.4, 1.6, 1.8, 2, 2.4, 2.8, 3.2, 3.6, 4} // 1 2 4: position 0.2k
	sameStats(t, f.Statistics(), Statistics{
		{Column: "x", Kind: KindNumeric, Type: "float64", Rows: 4, NullShare: 0.25, Mean: fptr(7.0 / 3), Std: fptr(math.Sqrt(14.0 / 6)), Edges: edges},
		{Column: "c", Kind: KindCategorical, Type: "utf8", Rows: 4, NullShare: 0.25,
			Levels: []LevelShare{{Level: "a", Share: 0.5}, {Level: "b", Share: 0.25}, {Other: true}, {Null: true, Share: 0.25}}},
	}, 1e-12)
}

// randomColumn is n values for a numeric column: normal with NULLs (nil),
// NaN and ±Inf sprinkled in.
func randomColumn(rng *rand.Rand, n int) []any {
	vals := make([]any, n)
	for i := range vals {
		switch u := rng.Float64(); {
		case u < 0.05:
			vals[i] = nil
		case u < 0.06:
			vals[i] = math.NaN()
		case u < 0.065:
			vals[i] = math.Inf(1 - 2*rng.IntN(2))
		default:
			vals[i] = rng.NormFloat64()*10 + 3
		}
	}
	return vals
}

// batches splits the columns' values into batches of the given sizes
// (cycled).
func batches(alloc memory.Allocator, names []string, types []arrow.DataType, cols [][]any, sizes []int) []arrow.RecordBatch {
	var out []arrow.RecordBatch
	n := len(cols[0])
	for lo, b := 0, 0; lo < n; b++ {
		hi := min(n, lo+sizes[b%len(sizes)])
		arrs := make([]arrow.Array, len(cols))
		for j := range cols {
			arrs[j] = column(alloc, types[j], cols[j][lo:hi]...)
		}
		out = append(out, record(names, arrs...))
		lo = hi
	}
	return out
}

func release(recs []arrow.RecordBatch) {
	for _, r := range recs {
		r.Release()
	}
}

// TestStatsOfAgreesWithFitter: the block StatsOf computes from
// column-major values is the Fitter's for the same rows: edges (exact and
// sampled), shares and sample size bit for bit, mean and standard
// deviation to rounding; and the Fitter's block does not depend on the
// batch sizes but through its mean and standard deviation's rounding.
func TestStatsOfAgreesWithFitter(t *testing.T) {
	for _, n := range []int{1000, 20_000, 150_000} {
		alloc := checked(t)
		rng := rand.New(rand.NewPCG(uint64(n), 9))
		x := randomColumn(rng, n)
		words := []string{"a", "b", "c", "d", "e", "f"}
		c := make([]any, n)
		for i := range c {
			if k := rng.IntN(len(words) + 1); k < len(words) {
				c[i] = words[k]
			}
		}
		names := []string{"x", "c"}
		types := []arrow.DataType{arrow.PrimitiveTypes.Float64, arrow.BinaryTypes.String}
		var fitted []Statistics
		for _, sizes := range [][]int{{2048}, {1, 999, 4096, 77}} {
			recs := batches(alloc, names, types, [][]any{x, c}, sizes)
			fitted = append(fitted, statsOf(t, FitOptions{MaxLevels: 4}, recs...))
			release(recs)
		}
		xs := make([]float64, n)
		for i, v := range x {
			xs[i] = math.NaN()
			if v != nil {
				xs[i] = v.(float64)
			}
		}
		levels := fitted[0][1].Levels
		kept := make([]string, len(levels)-2)
		code := map[string]float64{}
		for i := range kept {
			kept[i] = levels[i].Level
			code[kept[i]] = float64(i)
		}
		cs := make([]float64, n)
		for i, v := range c {
			switch k, ok := code[text(v)]; {
			case v == nil:
				cs[i] = math.NaN()
			case ok:
				cs[i] = k
			default:
				cs[i] = float64(len(kept)) // 'other'
			}
		}
		direct := Statistics{
			StatsOf("x", KindNumeric, "float64", xs, nil),
			StatsOf("c", KindCategorical, "utf8", cs, kept),
		}
		if err := direct.Validate(); err != nil {
			t.Fatal(err)
		}
		wantSample := int64(0)
		if n >= 20_000 { // over ExactEdges finite values
			wantSample = fitted[0][0].Sample
			if wantSample < ExactEdges/2 || wantSample > ExactEdges {
				t.Fatalf("n %d: a sample of %d values", n, wantSample)
			}
		}
		for _, f := range fitted {
			if f[0].Sample != wantSample {
				t.Fatalf("n %d: sample %d, want %d", n, f[0].Sample, wantSample)
			}
			sameStats(t, f, direct, 1e-12)
			// Edges and shares bit for bit.
			if !slices.Equal(f[0].Edges, direct[0].Edges) || f[0].NullShare != direct[0].NullShare || !reflect.DeepEqual(f[1], direct[1]) {
				t.Fatalf("n %d: the fitter's block\n%+v\nis not StatsOf's\n%+v", n, f, direct)
			}
		}
	}
}

func text(v any) string {
	s, _ := v.(string)
	return s
}

// TestEdgesExact: up to ExactEdges values the edges are the quantiles of
// all of them (checked against sorting), with no sample.
func TestEdgesExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 3, 11, 1000, ExactEdges} {
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = math.Round(rng.NormFloat64() * 100) // ties
		}
		cs := StatsOf("x", KindNumeric, "float64", vals, nil)
		if cs.Sample != 0 {
			t.Fatalf("n %d: sample %d", n, cs.Sample)
		}
		if more := StatsOf("x", KindNumeric, "float64", append(vals, 0), nil); n == ExactEdges && more.Sample == 0 {
			t.Fatalf("%d values: no sample", n+1)
		}
		sorted := slices.Sorted(slices.Values(vals))
		for k, e := range cs.Edges {
			pos := float64(n-1) * float64(k) / 10
			i := int(pos)
			want := sorted[i]
			if i+1 < n {
				want += (sorted[i+1] - sorted[i]) * (pos - float64(i))
			}
			if math.Abs(e-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Fatalf("n %d: edge %d is %v, want %v", n, k, e, want)
			}
		}
	}
}

// TestSelectAll: the selected order statistics are those of sorting, on
// random, sorted, reversed, constant and few-valued data.
func TestSelectAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	gens := map[string]func(i, n int) float64{
		"random":   func(int, int) float64 { return rng.NormFloat64() },
		"sorted":   func(i, _ int) float64 { return float64(i) },
		"reversed": func(i, n int) float64 { return float64(n - i) },
		"constant": func(int, int) float64 { return 3 },
		"few":      func(int, int) float64 { return float64(rng.IntN(3)) },
		"organ":    func(i, n int) float64 { return float64(min(i, n-i)) },
	}
	for name, gen := range gens {
		for _, n := range []int{1, 2, 17, 100, 5000} {
			s := make([]float64, n)
			for i := range s {
				s[i] = gen(i, n)
			}
			want := slices.Sorted(slices.Values(s))
			var idx []int
			for i := 0; i < n; i += 1 + rng.IntN(max(1, n/7)) {
				idx = append(idx, i)
			}
			selectAll(s, idx)
			for _, i := range idx {
				if s[i] != want[i] {
					t.Fatalf("%s, n %d: s[%d] = %v, want %v", name, n, i, s[i], want[i])
				}
			}
		}
	}
}

// rankError is how far, as a share of n, the rank of each interior edge
// is from its quantile (0 for an edge between the right order
// statistics).
func rankError(sorted []float64, edges []float64) float64 {
	n := float64(len(sorted))
	worst := 0.0
	for k := 1; k < 10; k++ {
		below, _ := slices.BinarySearch(sorted, edges[k])                             // values < edge
		upTo, _ := slices.BinarySearch(sorted, math.Nextafter(edges[k], math.Inf(1))) // values <= edge
		p := float64(k) / 10
		lo, hi := float64(below)/n, float64(upTo)/n
		err := 0.0
		if p < lo {
			err = lo - p
		} else if p > hi {
			err = p - hi
		}
		worst = max(worst, err)
	}
	return worst
}

// TestEdgesSampledAccuracy: beyond ExactEdges values, the sampled edges'
// ranks are within 1.5% (3 standard deviations of a sample of
// ExactEdges/2) of their quantiles on random, sorted and periodic data,
// and the sample keeps one value of each run of 2^L positions.
func TestEdgesSampledAccuracy(t *testing.T) {
	const n = 1_000_003
	rng := rand.New(rand.NewPCG(5, 6))
	cases := map[string]func(i int) float64{
		"random":   func(int) float64 { return rng.ExpFloat64() },
		"sorted":   func(i int) float64 { return float64(i) },
		"reversed": func(i int) float64 { return float64(n - i) },
		"periodic": func(i int) float64 { return float64(i % 1024) },
		"sawtooth": func(i int) float64 { return float64(i%2*1000 + i%7) },
	}
	for name, gen := range cases {
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = gen(i)
		}
		var q edgeSample
		for lo := 0; lo < n; lo += 3000 {
			q.add(vals[lo:min(n, lo+3000)])
		}
		// One value per run of level L, at the position the run keeps.
		runs := int64(n) >> q.level
		if got := int64(len(q.val)); got != runs && got != runs+1 {
			t.Fatalf("%s: %d runs of level %d, %d kept", name, runs, q.level, got)
		}
		for j, v := range q.val {
			if p := q.keptAt(q.level, int64(j)); p>>q.level != int64(j) || v != vals[p] {
				t.Fatalf("%s: kept value %d is not its run's", name, j)
			}
		}
		sorted := slices.Sorted(slices.Values(vals))
		edges, sample := q.edges(sorted[0], sorted[n-1])
		if sample < ExactEdges/2 || sample > ExactEdges {
			t.Fatalf("%s: a sample of %d", name, sample)
		}
		e := rankError(sorted, edges)
		t.Logf("%s: sample %d, worst rank error %.4f", name, sample, e)
		if e > 0.015 {
			t.Errorf("%s: an edge's rank is off by %.4f of the rows (edges %v)", name, e, edges)
		}
		if edges[0] != sorted[0] || edges[10] != sorted[n-1] {
			t.Errorf("%s: extremes %v, %v, want %v, %v", name, edges[0], edges[10], sorted[0], sorted[n-1])
		}
	}
}

// TestEdgeSampleBatching: the sample depends on the values' positions,
// not on how they are batched.
func TestEdgeSampleBatching(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	vals := make([]float64, 200_000)
	for i := range vals {
		vals[i] = rng.NormFloat64()
	}
	var one edgeSample
	one.add(vals)
	for _, step := range []int{1, 7, 4096, 65537} {
		var q edgeSample
		for lo := 0; lo < len(vals); lo += step {
			q.add(vals[lo:min(len(vals), lo+step)])
		}
		if q.level != one.level || !slices.Equal(q.val, one.val) {
			t.Fatalf("batches of %d: a different sample", step)
		}
		if cap(q.val) > ExactEdges+1 {
			t.Fatalf("batches of %d: room for %d values", step, cap(q.val))
		}
	}
}

// TestStatsOfKinds: boolean and categorical codes, NULL and out-of-range
// codes, and a column without finite values.
func TestStatsOfKinds(t *testing.T) {
	nan := math.NaN()
	sameStats(t, Statistics{
		StatsOf("b", KindBoolean, "bool", []float64{0, 1, 1, nan}, nil),
		StatsOf("c", KindCategorical, "utf8", []float64{0, 1, 2, 3, -1, 0.5, nan, 0}, []string{"p", "q"}),
		StatsOf("x", KindNumeric, "double", []float64{nan, math.Inf(-1)}, nil),
		StatsOf("one", KindNumeric, "double", []float64{4}, nil),
		StatsOf("none", KindCategorical, "utf8", nil, []string{"a"}),
	}, Statistics{
		{Column: "b", Kind: KindBoolean, Type: "bool", Rows: 4, NullShare: 0.25,
			Levels: []LevelShare{{Level: "false", Share: 0.25}, {Level: "true", Share: 0.5}, {Null: true, Share: 0.25}}},
		{Column: "c", Kind: KindCategorical, Type: "utf8", Rows: 8, NullShare: 0.125,
			Levels: []LevelShare{{Level: "p", Share: 0.25}, {Level: "q", Share: 0.125}, {Other: true, Share: 0.5}, {Null: true, Share: 0.125}}},
		{Column: "x", Kind: KindNumeric, Type: "double", Rows: 2, NullShare: 0.5, InfShare: 0.5},
		{Column: "one", Kind: KindNumeric, Type: "double", Rows: 1, Mean: fptr(4), Edges: slices.Repeat([]float64{4}, 11)},
		{Column: "none", Kind: KindCategorical, Type: "utf8"},
	}, 0)
}

// TestStatisticsJSON: a block survives JSON and validates; absent fields
// stay absent.
func TestStatisticsJSON(t *testing.T) {
	alloc := checked(t)
	rec := record([]string{"x", "c", "b"},
		column(alloc, arrow.PrimitiveTypes.Float64, 0.1, 0.7, nil, 1e-300, 3e8),
		column(alloc, arrow.BinaryTypes.String, "it's", "", nil, "", "a\"b"),
		column(alloc, arrow.FixedWidthTypes.Boolean, true, false, false, nil, true))
	defer rec.Release()
	s := statsOf(t, FitOptions{}, rec)
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Statistics
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, s) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", back, s)
	}
	if err := back.ValidateDocument([]string{"x", "c", "b"}); err != nil {
		t.Fatal(err)
	}
	if err := back.ValidateDocument([]string{"x", "b", "c"}); err == nil || !strings.Contains(err.Error(), "the statistics describe") {
		t.Fatalf("statistics in another order: %v", err)
	}
	for _, absent := range []string{`"inf_share"`, `"sample"`, `"mean":null`} {
		if strings.Contains(string(b), absent) {
			t.Errorf("%s in %s", absent, b)
		}
	}
}

func TestStatisticsValidate(t *testing.T) {
	good := func() ColumnStats {
		return ColumnStats{Column: "x", Kind: KindNumeric, Rows: 10, NullShare: 0.1, Mean: fptr(1), Std: fptr(2),
			Edges: []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}
	}
	cat := func() ColumnStats {
		return ColumnStats{Column: "c", Kind: KindCategorical, Rows: 10, NullShare: 0.2,
			Levels: []LevelShare{{Level: "a", Share: 0.5}, {Level: "b", Share: 0.2}, {Other: true, Share: 0.1}, {Null: true, Share: 0.2}}}
	}
	if err := (Statistics{good(), cat()}).Validate(); err != nil {
		t.Fatal(err)
	}
	if err := (Statistics(nil)).Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		edit func(n, c *ColumnStats)
		want string
	}{
		{"no name", func(n, c *ColumnStats) { n.Column = "" }, "without a column name"},
		{"no rows", func(n, c *ColumnStats) { n.Rows = 0 }, "over 0 rows"},
		{"kind", func(n, c *ColumnStats) { n.Kind = "vector" }, `unknown kind "vector"`},
		{"null share", func(n, c *ColumnStats) { n.NullShare = 1.5 }, "invalid NULL share"},
		{"NaN share", func(n, c *ColumnStats) { n.NullShare = math.NaN() }, "invalid NULL share"},
		{"shares over 1", func(n, c *ColumnStats) { n.NullShare, n.InfShare = 0.6, 0.6 }, "invalid NULL share"},
		{"mean", func(n, c *ColumnStats) { n.Mean = fptr(math.Inf(1)) }, "invalid mean"},
		{"std", func(n, c *ColumnStats) { n.Std = fptr(-1) }, "invalid standard deviation"},
		{"edge count", func(n, c *ColumnStats) { n.Edges = n.Edges[:10] }, "10 quantile edges"},
		{"edge order", func(n, c *ColumnStats) { n.Edges[3] = 7 }, "out of order"},
		{"edge NaN", func(n, c *ColumnStats) { n.Edges[0] = math.NaN() }, "quantile edge 0 is NaN"},
		{"sample without edges", func(n, c *ColumnStats) { n.Edges = nil; n.Sample = 5 }, "sample size without"},
		{"levels in numeric", func(n, c *ColumnStats) { n.Levels = c.Levels }, "level shares in a numeric column"},
		{"date mean", func(n, c *ColumnStats) { n.Kind = KindDate }, "mean, standard deviation or infinite share in a date"},
		{"categorical edges", func(n, c *ColumnStats) { c.Edges = n.Edges }, "quantile edges in a categorical"},
		{"no other", func(n, c *ColumnStats) { c.Levels = slices.Delete(c.Levels, 2, 3) }, "not the 'other' entry"},
		{"no null", func(n, c *ColumnStats) { c.Levels[3] = LevelShare{Level: "z", Share: 0.2} }, "not the NULL entry"},
		{"null disagrees", func(n, c *ColumnStats) { c.NullShare = 0.3 }, "NULL entry 0.2, but NULL share 0.3"},
		{"sum", func(n, c *ColumnStats) { c.Levels[0].Share = 0.4 }, "sum to"},
		{"twice", func(n, c *ColumnStats) { c.Levels[1].Level = "a" }, `level "a" listed twice`},
		{"both flags", func(n, c *ColumnStats) { c.Levels[2].Null = true }, "not the 'other' entry"},
		{"level share", func(n, c *ColumnStats) { c.Levels[0].Share, c.Levels[1].Share = 1.1, -0.4 }, `level "a" has share 1.1`},
		{"boolean levels", func(n, c *ColumnStats) { c.Kind = KindBoolean; c.Levels = c.Levels[1:] }, "false and true"},
		{"same column", func(n, c *ColumnStats) { c.Column = "X" }, `column "X" has two statistics blocks`},
	}
	for _, tc := range cases {
		n, c := good(), cat()
		tc.edit(&n, &c)
		err := (Statistics{n, c}).Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}
