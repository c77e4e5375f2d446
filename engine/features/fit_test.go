package features

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

var (
	i8  = arrow.PrimitiveTypes.Int8
	i16 = arrow.PrimitiveTypes.Int16
	i32 = arrow.PrimitiveTypes.Int32
	i64 = arrow.PrimitiveTypes.Int64
	u8  = arrow.PrimitiveTypes.Uint8
	u16 = arrow.PrimitiveTypes.Uint16
	u32 = arrow.PrimitiveTypes.Uint32
	u64 = arrow.PrimitiveTypes.Uint64
	f32 = arrow.PrimitiveTypes.Float32
	f64 = arrow.PrimitiveTypes.Float64
	str = arrow.BinaryTypes.String
)

// Every numeric-like type fits to the same statistics and encodes the same
// standardised values, with an indicator for its NULLs.
func TestFitEncodeNumericTypes(t *testing.T) {
	alloc := checked(t)
	vals := []any{1, nil, 2, 3, nil, 6}
	mean, std := 3.0, math.Sqrt(14.0/3) // 1,2,3,6: squared deviations 4+1+0+9 over n-1 = 3
	for _, tc := range []struct {
		dt   arrow.DataType
		kind string
	}{
		{i8, KindNumeric}, {i16, KindNumeric}, {i32, KindNumeric}, {i64, KindNumeric},
		{u8, KindNumeric}, {u16, KindNumeric}, {u32, KindNumeric}, {u64, KindNumeric},
		{f32, KindNumeric}, {f64, KindNumeric},
		{&arrow.Decimal128Type{Precision: 10, Scale: 2}, KindNumeric},
		{&arrow.Decimal128Type{Precision: 38, Scale: 0}, KindNumeric},
		{&arrow.Decimal256Type{Precision: 50, Scale: 3}, KindNumeric},
		{arrow.FixedWidthTypes.Date32, KindDate},
		{arrow.FixedWidthTypes.Date64, KindDate},
		{&arrow.TimestampType{Unit: arrow.Second}, KindTimestamp},
		{&arrow.TimestampType{Unit: arrow.Millisecond}, KindTimestamp},
		{&arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, KindTimestamp},
		{&arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "America/New_York"}, KindTimestamp},
		{&arrow.TimestampType{Unit: arrow.Nanosecond}, KindTimestamp},
	} {
		t.Run(tc.dt.String(), func(t *testing.T) {
			rec := record([]string{"x"}, column(alloc, tc.dt, vals...))
			defer rec.Release()
			enc, dropped := fit(t, FitOptions{}, rec)
			if len(dropped) != 0 || len(enc.Columns) != 1 {
				t.Fatalf("dropped %v, columns %+v", dropped, enc.Columns)
			}
			c := enc.Columns[0]
			if c.Kind != tc.kind || !closeTo(c.Mean, mean) || !closeTo(c.Std, std) || !c.Indicator || c.Width != 2 || enc.Width != 2 || c.Type != tc.dt.String() {
				t.Fatalf("encoding %+v", c)
			}
			z := func(v float64) []float64 { return []float64{(v - mean) / std, 0} }
			sameRows(t, encode(t, enc, rec, nil), [][]float64{z(1), {0, 1}, z(2), z(3), {0, 1}, z(6)})
		})
	}
}

// Timestamps are seconds since the epoch whatever their unit or zone, so a
// model trained on microseconds encodes nanosecond data alike; dates are
// days. A DATE stored as Arrow's Date64 encodes like Date32.
func TestTimeUnits(t *testing.T) {
	alloc := checked(t)
	train := record([]string{"ts", "d"},
		column(alloc, &arrow.TimestampType{Unit: arrow.Microsecond}, 1_700_000_000, 1_700_000_100, 1_700_000_400),
		column(alloc, arrow.FixedWidthTypes.Date32, 19000, 19001, 19005))
	defer train.Release()
	enc, _ := fit(t, FitOptions{}, train)
	if c := enc.Columns[0]; !closeTo(c.Mean, 1_700_000_000+500.0/3) {
		t.Fatalf("timestamp mean %v", c.Mean)
	}
	if c := enc.Columns[1]; !closeTo(c.Mean, 19002) || !closeTo(c.Std, math.Sqrt(7)) {
		t.Fatalf("date encoding %+v", c)
	}
	want := encode(t, enc, train, nil)
	other := record([]string{"d", "ts"},
		column(alloc, arrow.FixedWidthTypes.Date64, 19000, 19001, 19005),
		column(alloc, &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "Europe/Paris"}, 1_700_000_000, 1_700_000_100, 1_700_000_400))
	defer other.Release()
	sameRows(t, encode(t, enc, other, nil), want)
}

// Fitting over many batches matches the textbook mean and sample standard
// deviation of the kept values, and the encoding is (x-mean)/std.
func TestStandardisationByHand(t *testing.T) {
	alloc := checked(t)
	rng := rand.New(rand.NewPCG(3, 4))
	var recs []arrow.RecordBatch
	var kept []float64
	for b := 0; b < 5; b++ {
		var xs, ys []any
		for i := 0; i < 300+17*b; i++ {
			x := rng.NormFloat64()*50 + 1e4
			y := rng.IntN(1000) - 500
			switch {
			case i%41 == 0:
				xs = append(xs, math.NaN()) // a bad row: y is left out too
			case i%37 == 0:
				xs = append(xs, math.Inf(-1))
			default:
				xs = append(xs, x)
				kept = append(kept, float64(y))
			}
			ys = append(ys, y)
		}
		recs = append(recs, record([]string{"x", "y"}, column(alloc, f64, xs...), column(alloc, i32, ys...)))
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	enc, _ := fit(t, FitOptions{}, recs...)
	_, mean, std, _, _ := naive(kept)
	y := enc.Columns[1]
	if !closeTo(y.Mean, mean) || math.Abs(y.Std-std) > 1e-9*std || y.Indicator {
		t.Fatalf("y: %+v, want mean %v std %v", y, mean, std)
	}
	b, err := enc.Bind(recs[0].Schema())
	if err != nil {
		t.Fatal(err)
	}
	skip := make([]bool, recs[0].NumRows())
	if n := b.BadRows(recs[0], skip); n != 16 { // i = 0, 41, ..., 287 and 37, 74, ..., 296
		t.Fatalf("BadRows = %d", n)
	}
	rows := encode(t, enc, recs[0], skip)
	ys := recs[0].Column(1).(*array.Int32).Int32Values()
	r := 0
	for i, s := range skip {
		if s {
			continue
		}
		if want := (float64(ys[i]) - mean) / std; math.Abs(rows[r][1]-want) > 1e-12 {
			t.Fatalf("row %d: %v, want %v", i, rows[r][1], want)
		}
		r++
	}
}

// An indicator input exists only for columns that had NULLs in training; a
// NULL at predict time in a column without one is just the mean.
func TestNullIndicatorOnlyWhenSeen(t *testing.T) {
	alloc := checked(t)
	train := record([]string{"a", "b", "flag"},
		column(alloc, f64, 1, 2, 3, 4),
		column(alloc, f64, 1, nil, 3, 5),
		column(alloc, arrow.FixedWidthTypes.Boolean, true, nil, false, true))
	defer train.Release()
	enc, _ := fit(t, FitOptions{}, train)
	a, b, flag := enc.Columns[0], enc.Columns[1], enc.Columns[2]
	if a.Indicator || a.Width != 1 || !b.Indicator || b.Width != 2 || b.Offset != 1 || !flag.Indicator || flag.Offset != 3 || enc.Width != 5 {
		t.Fatalf("encodings %+v", enc.Columns)
	}
	if flag.Kind != KindBoolean || !closeTo(flag.Mean, 2.0/3) || flag.Std != 0 {
		t.Fatalf("boolean %+v", flag)
	}
	if got := strings.Join(enc.InputNames(), ","); got != "a,b,b IS NULL,flag,flag IS NULL" {
		t.Fatalf("input names %s", got)
	}
	pred := record([]string{"a", "b", "flag"},
		column(alloc, f64, nil, 3),
		column(alloc, f64, nil, 3),
		column(alloc, arrow.FixedWidthTypes.Boolean, nil, false))
	defer pred.Release()
	za := (3 - 2.5) / a.Std
	sameRows(t, encode(t, enc, pred, nil), [][]float64{
		{0, 0, 1, 2.0 / 3, 1},
		{za, 0, 0, 0, 0},
	})
	// A batch without NULLs still writes the indicators, with or without
	// skipped rows.
	full := record([]string{"a", "b", "flag"},
		column(alloc, f64, 3, 2, 3),
		column(alloc, f64, 3, 1, 3),
		column(alloc, arrow.FixedWidthTypes.Boolean, false, true, false))
	defer full.Release()
	for _, skip := range [][]bool{nil, {true, false, false}} {
		want := [][]float64{{za, 0, 0, 0, 0}, {-za, -2 / b.Std, 0, 1, 0}, {za, 0, 0, 0, 0}}
		if skip != nil {
			want = want[1:]
		}
		sameRows(t, encode(t, enc, full, skip), want)
	}
}

// Constant, all-NULL and unsupported columns are dropped with a reason, in
// feature order; a NULL-typed column is all NULL; explicit unsupported
// columns are an error.
func TestDropped(t *testing.T) {
	alloc := checked(t)
	nulls := array.NewNull(4)
	list := array.NewListBuilder(alloc, i32)
	for i := 0; i < 4; i++ {
		list.Append(true)
		list.ValueBuilder().(*array.Int32Builder).Append(int32(i))
	}
	lists := list.NewArray()
	list.Release()
	rec := record([]string{"const", "allnull", "nulltype", "tags", "one", "onenull", "yes", "keep", "flat"},
		column(alloc, i64, 7, 7, nil, 7),
		column(alloc, f64, nil, nil, nil, nil),
		nulls,
		lists,
		column(alloc, str, "a", "a", "a", "a"),
		column(alloc, str, "a", nil, "a", "a"),
		column(alloc, arrow.FixedWidthTypes.Boolean, true, true, true, nil),
		column(alloc, f64, 1, 2, 2, 1),
		column(alloc, f32, 0.5, 0.5, 0.5, 0.5))
	defer rec.Release()
	enc, dropped := fit(t, FitOptions{}, rec)
	want := []Dropped{
		{"const", ReasonConstant}, {"allnull", ReasonAllNull}, {"nulltype", ReasonAllNull},
		{"tags", "unsupported type list<item: int32, nullable>"}, {"one", ReasonConstant},
		{"yes", ReasonConstant}, {"flat", ReasonConstant},
	}
	if !slices.Equal(dropped, want) {
		t.Fatalf("dropped %v\nwant    %v", dropped, want)
	}
	if len(enc.Columns) != 2 || enc.Columns[0].Name != "onenull" || enc.Columns[0].Width != 2 || enc.Columns[1].Name != "keep" {
		t.Fatalf("kept %+v", enc.Columns)
	}
	// A single level with NULLs: the level and the NULL level.
	sameRows(t, encode(t, enc, rec, nil)[:2], [][]float64{{1, 0, -0.5 / math.Sqrt(1.0/3)}, {0, 1, 0.5 / math.Sqrt(1.0/3)}})

	_, err := NewFitter(rec.Schema(), []string{"keep", "tags"}, FitOptions{Explicit: map[string]bool{"tags": true}})
	if err == nil || err.Error() != `column "tags" has type INTEGER[], which cannot be a feature (supported: integers, floats, decimals, BOOLEAN, VARCHAR, ENUM, DATE, TIMESTAMP)` {
		t.Fatalf("explicit unsupported: %v", err)
	}

	// Nothing usable left is an error that says why.
	f, err := NewFitter(rec.Schema(), []string{"const", "tags"}, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Observe(rec, nil); err != nil {
		t.Fatal(err)
	}
	_, dropped, err = f.Finish()
	if err == nil || err.Error() != "no usable feature column (const: constant; tags: unsupported type list<item: int32, nullable>)" || len(dropped) != 2 {
		t.Fatalf("no usable column: %v %v", err, dropped)
	}
}

// A numeric column whose values are all ±Inf (NULL and NaN aside) is
// dropped as infinite, not as all NULL (training observes the rows before
// any is skipped for a non-finite feature). A column of NaN only stays all
// NULL: NaN counts as missing.
func TestDroppedInfinite(t *testing.T) {
	alloc := checked(t)
	inf, nan := math.Inf(1), math.NaN()
	rec := record([]string{"inf", "infnull", "infnan", "nan", "someinf"},
		column(alloc, f64, inf, -inf, inf, inf),
		column(alloc, f64, nil, inf, nil, -inf),
		column(alloc, f32, inf, nan, inf, -inf),
		column(alloc, f64, nan, nan, nan, nan),
		column(alloc, f64, 1, inf, 2, 3))
	defer rec.Release()
	f, err := NewFitter(rec.Schema(), []string{"inf", "infnull", "infnan", "nan", "someinf"}, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Observe(rec, nil); err != nil {
		t.Fatal(err)
	}
	enc, dropped, err := f.Finish()
	if err != nil {
		t.Fatal(err)
	}
	want := []Dropped{{"inf", ReasonInfinite}, {"infnull", ReasonInfinite}, {"infnan", ReasonInfinite}, {"nan", ReasonAllNull}}
	if !slices.Equal(dropped, want) {
		t.Fatalf("dropped %v\nwant    %v", dropped, want)
	}
	if len(enc.Columns) != 1 || enc.Columns[0].Name != "someinf" || enc.Columns[0].Mean != 2 {
		t.Fatalf("kept %+v", enc.Columns)
	}
}

func TestNewFitterErrors(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "Age", Type: i64}, {Name: "plan", Type: str}, {Name: "PLAN", Type: str}}, nil)
	for _, tc := range []struct {
		features []string
		want     string
	}{
		{[]string{"income"}, `column "income" not found in data (columns: "Age", "plan", "PLAN")`},
		{[]string{"age", "AGE"}, `column "Age" is listed twice`},
		{[]string{"Plan"}, `column "Plan" is ambiguous: the data has columns "plan" and "PLAN"`},
		{nil, "no feature columns"},
	} {
		if _, err := NewFitter(schema, tc.features, FitOptions{}); err == nil || err.Error() != tc.want {
			t.Errorf("%v: %v, want %s", tc.features, err, tc.want)
		}
	}
	// An exact match wins over a case-insensitive one.
	if f, err := NewFitter(schema, []string{"plan", "age"}, FitOptions{}); err != nil || f.cols[0].index != 1 || f.cols[1].name != "Age" {
		t.Fatalf("exact match: %v", err)
	}
}

// The most frequent levels get inputs, ties broken by text; the rest are
// 'other'; NULL has its own level; a level never seen is all zeros while
// a rare training level is 'other'.
func TestVocabulary(t *testing.T) {
	alloc := checked(t)
	// counts: d 4, b 3, a 3, c 3, e 1, f 1, NULL 2
	vals := []any{"d", "b", "a", "c", "d", "b", "a", "c", "d", "b", "a", "c", "d", "e", "f", nil, nil}
	for _, dt := range []arrow.DataType{str, arrow.BinaryTypes.LargeString, arrow.BinaryTypes.StringView,
		&arrow.DictionaryType{IndexType: i32, ValueType: str}} {
		t.Run(dt.String(), func(t *testing.T) {
			rec := record([]string{"plan"}, column(alloc, dt, vals...))
			defer rec.Release()
			enc, _ := fit(t, FitOptions{MaxLevels: 3}, rec)
			c := enc.Columns[0]
			if !slices.Equal(c.Levels, []string{"d", "a", "b"}) || !c.Other || !slices.Equal(c.OtherLevels, []string{"c", "e", "f"}) ||
				c.OtherAny || !c.NullLevel || c.Width != 5 || c.Scale != 1 {
				t.Fatalf("encoding %+v", c)
			}
			if got := strings.Join(enc.InputNames(), ","); got != "plan=d,plan=a,plan=b,plan=(other),plan IS NULL" {
				t.Fatalf("names %s", got)
			}
			pred := record([]string{"PLAN"}, column(alloc, dt, "a", "e", "zzz", nil, "d"))
			defer pred.Release()
			sameRows(t, encode(t, enc, pred, nil), [][]float64{
				{0, 1, 0, 0, 0}, {0, 0, 0, 1, 0}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 1}, {1, 0, 0, 0, 0},
			})
		})
	}
}

// The default keeps the 100 most frequent levels; 'other' and the NULL
// level exist only when needed.
func TestVocabularyDefault(t *testing.T) {
	alloc := checked(t)
	var vals []any
	for i := 0; i < 130; i++ {
		for k := 0; k < 1+i%4; k++ { // counts 1..4 repeating: ties galore
			vals = append(vals, fmt.Sprintf("L%03d", i))
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	rng.Shuffle(len(vals), func(i, j int) { vals[i], vals[j] = vals[j], vals[i] })
	rec := record([]string{"city"}, column(alloc, str, vals...))
	defer rec.Release()
	enc, _ := fit(t, FitOptions{}, rec)
	c := enc.Columns[0]
	// 32 levels of count 4 (i%4 == 3), 32 of count 3 and 33 of count 2
	// make 97, then the first three of count 1 by text.
	if len(c.Levels) != 100 || c.Levels[0] != "L003" || c.Levels[31] != "L127" || c.Levels[32] != "L002" || c.Levels[96] != "L129" ||
		!slices.Equal(c.Levels[97:], []string{"L000", "L004", "L008"}) || !c.Other || c.NullLevel || len(c.OtherLevels) != 30 ||
		c.OtherLevels[0] != "L012" || c.Width != 101 {
		t.Fatalf("levels %v, other %v %v", c.Levels, c.Other, c.OtherLevels)
	}
	few := record([]string{"city"}, column(alloc, str, "x", "y", "x"))
	defer few.Release()
	enc, _ = fit(t, FitOptions{}, few)
	if c := enc.Columns[0]; c.Other || c.NullLevel || c.Width != 2 || !slices.Equal(c.Levels, []string{"x", "y"}) {
		t.Fatalf("few levels: %+v", c)
	}
}

// Levels first seen after MaxTracked are counted only as 'other', even a
// frequent one; then any value outside Levels is 'other'. The default
// bound is 10,000 levels.
func TestMaxTracked(t *testing.T) {
	alloc := checked(t)
	b1 := record([]string{"s"}, column(alloc, str, "a", "b", "a", "c"))
	b2 := record([]string{"s"}, column(alloc, str, "z", "z", "z", "z", "b", "y"))
	defer b1.Release()
	defer b2.Release()
	enc, _ := fit(t, FitOptions{MaxTracked: 3, MaxLevels: 2}, b1, b2)
	c := enc.Columns[0]
	if !slices.Equal(c.Levels, []string{"a", "b"}) || !c.Other || !c.OtherAny || c.OtherLevels != nil || c.Width != 3 {
		t.Fatalf("encoding %+v", c)
	}
	pred := record([]string{"s"}, column(alloc, str, "never", "c", "b"))
	defer pred.Release()
	sameRows(t, encode(t, enc, pred, nil), [][]float64{{0, 0, 1}, {0, 0, 1}, {0, 1, 0}})

	var vals []any
	for i := 0; i < 10_050; i++ {
		vals = append(vals, fmt.Sprint("v", i), fmt.Sprint("v", i))
	}
	big := record([]string{"s"}, column(alloc, str, vals...))
	defer big.Release()
	f, err := NewFitter(big.Schema(), []string{"s"}, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Observe(big, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(f.cols[0].counts); n != DefaultMaxTracked || f.cols[0].overflow != 100 {
		t.Fatalf("tracked %d, overflow %d", n, f.cols[0].overflow)
	}
}

// ENUM columns count through their indices, whatever the index type, and
// only levels that occur become levels; a VARCHAR column at predict time
// encodes like the ENUM it was trained on.
func TestEnum(t *testing.T) {
	alloc := checked(t)
	words := []string{"gold", "silver", "bronze", "unused"}
	for _, it := range []arrow.DataType{i8, i32, u16, i64} {
		rec := record([]string{"tier"}, enum(alloc, it, words, 2, 0, 0, -1, 1, 0, 2))
		enc, _ := fit(t, FitOptions{}, rec)
		c := enc.Columns[0]
		if !slices.Equal(c.Levels, []string{"gold", "bronze", "silver"}) || !c.NullLevel || c.Other || c.Width != 4 {
			t.Fatalf("%s: %+v", it, c)
		}
		want := [][]float64{{0, 1, 0, 0}, {1, 0, 0, 0}, {1, 0, 0, 0}, {0, 0, 0, 1}, {0, 0, 1, 0}, {1, 0, 0, 0}, {0, 1, 0, 0}}
		sameRows(t, encode(t, enc, rec, nil), want)
		rec.Release()
		text := record([]string{"tier"}, column(alloc, str, "bronze", "gold", "gold", nil, "silver", "gold", "bronze"))
		sameRows(t, encode(t, enc, text, nil), want)
		text.Release()
	}
}

// An integer or text column unique on every row is identifier-like and
// dropped, unless it has a duplicate or a NULL, or the user listed it.
func TestIdentifierLike(t *testing.T) {
	alloc := checked(t)
	n := 3000 // past the first duplicate check at 1024 rows
	ids, codes, dupIDs, nullIDs, floats, dates := make([]any, n), make([]any, n), make([]any, n), make([]any, n), make([]any, n), make([]any, n)
	for i := range n {
		ids[i] = i*7 + 1
		codes[i] = fmt.Sprintf("C-%05d", n-i)
		dupIDs[i] = i
		nullIDs[i] = i
		floats[i] = float64(i) / 3
		dates[i] = i
	}
	dupIDs[2999] = 5 // one duplicate, at the very end
	nullIDs[1500] = nil
	rec := record([]string{"id", "code", "dup", "withnull", "ratio", "day", "ucode"},
		column(alloc, i64, ids...), column(alloc, str, codes...), column(alloc, u32, dupIDs...),
		column(alloc, i16, nullIDs...), column(alloc, f64, floats...), column(alloc, arrow.FixedWidthTypes.Date32, dates...),
		column(alloc, arrow.BinaryTypes.StringView, codes...))
	defer rec.Release()
	// Observed in two slices: tracking spans batches.
	first, second := rec.NewSlice(0, 1000), rec.NewSlice(1000, int64(n))
	defer first.Release()
	defer second.Release()
	enc, dropped := fit(t, FitOptions{}, first, second)
	want := []Dropped{{"id", ReasonIdentifier}, {"code", ReasonIdentifier}, {"ucode", ReasonIdentifier}}
	if !slices.Equal(dropped, want) {
		t.Fatalf("dropped %v", dropped)
	}
	var kept []string
	for _, c := range enc.Columns {
		kept = append(kept, c.Name)
	}
	if !slices.Equal(kept, []string{"dup", "withnull", "ratio", "day"}) {
		t.Fatalf("kept %v", kept)
	}
	enc, dropped = fit(t, FitOptions{Explicit: map[string]bool{"id": true}}, rec)
	if len(dropped) != 2 || enc.Columns[0].Name != "id" {
		t.Fatalf("explicit: dropped %v", dropped)
	}
	if _, dropped = fit(t, FitOptions{KeepIdentifiers: true}, rec); len(dropped) != 0 {
		t.Fatalf("KeepIdentifiers: dropped %v", dropped)
	}
	// Still unique after IdentifierRows rows: identifier-like without
	// looking at the duplicate further on.
	if _, dropped = fit(t, FitOptions{IdentifierRows: 2000}, rec); !slices.Contains(dropped, Dropped{"dup", ReasonIdentifier}) {
		t.Fatalf("IdentifierRows: dropped %v", dropped)
	}
	// A skipped duplicate does not count.
	f, _ := NewFitter(rec.Schema(), []string{"dup"}, FitOptions{})
	skip := make([]bool, n)
	skip[2999] = true
	if err := f.Observe(rec, skip); err != nil {
		t.Fatal(err)
	}
	if _, dropped, err := f.Finish(); err == nil || len(dropped) != 1 || dropped[0].Reason != ReasonIdentifier {
		t.Fatalf("skipped duplicate: %v %v", dropped, err)
	}
}

// In Distance mode NULLs get no indicator, and two different levels are at
// squared distance 1, like a flipped boolean or one standard deviation.
func TestDistanceMode(t *testing.T) {
	alloc := checked(t)
	rec := record([]string{"x", "plan", "flag"},
		column(alloc, f64, 1, nil, 3, 5),
		column(alloc, str, "a", "b", "c", nil),
		column(alloc, arrow.FixedWidthTypes.Boolean, true, false, nil, true))
	defer rec.Release()
	enc, _ := fit(t, FitOptions{Distance: true}, rec)
	x, plan, flag := enc.Columns[0], enc.Columns[1], enc.Columns[2]
	if !enc.Distance || x.Indicator || x.Width != 1 || flag.Indicator || plan.Scale != 1/math.Sqrt2 || !plan.NullLevel || plan.Width != 4 || enc.Width != 6 {
		t.Fatalf("encoder %+v", enc)
	}
	rows := encode(t, enc, rec, nil)
	dist := func(a, b []float64, lo, hi int) float64 {
		d := 0.0
		for j := lo; j < hi; j++ {
			d += (a[j] - b[j]) * (a[j] - b[j])
		}
		return d
	}
	for i := 0; i < 4; i++ {
		for j := i + 1; j < 4; j++ {
			if d := dist(rows[i], rows[j], 1, 5); !closeTo(d, 1) {
				t.Fatalf("levels of rows %d and %d at squared distance %v", i, j, d)
			}
		}
	}
	if d := dist(rows[0], rows[1], 5, 6); d != 1 {
		t.Fatalf("booleans at %v", d)
	}
	if rows[1][0] != 0 || rows[2][5] != 2.0/3 {
		t.Fatalf("imputed: %v", rows)
	}
}

// The Fitter checks the batches it is given.
func TestObserveChecks(t *testing.T) {
	alloc := checked(t)
	rec := record([]string{"x"}, column(alloc, f64, 1, 2))
	defer rec.Release()
	other := record([]string{"x"}, column(alloc, i64, 1, 2))
	defer other.Release()
	f, _ := NewFitter(rec.Schema(), []string{"x"}, FitOptions{})
	if err := f.Observe(rec, []bool{false}); err == nil {
		t.Error("short skip accepted")
	}
	if err := f.Observe(other, nil); err == nil || !strings.Contains(err.Error(), `column "x" has type int64 in this batch, float64 in the schema`) {
		t.Errorf("changed type: %v", err)
	}
	if _, _, err := f.Finish(); err == nil || err.Error() != "no rows to fit the features on" {
		t.Errorf("no rows: %v", err)
	}
}

// NonFinite counts the NaN and ±Inf values of the rows observed, not those
// of skipped rows or NULLs.
func TestNonFinite(t *testing.T) {
	alloc := checked(t)
	rec := record([]string{"x", "y", "n"},
		column(alloc, f64, 1.0, math.NaN(), nil, math.Inf(1)),
		column(alloc, arrow.PrimitiveTypes.Float32, 1.0, 2.0, math.Inf(-1), 3.0),
		column(alloc, i64, 1, 2, 3, 4))
	defer rec.Release()
	f, err := NewFitter(rec.Schema(), []string{"x", "y", "n"}, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Observe(rec, []bool{false, false, false, true}); err != nil {
		t.Fatal(err)
	}
	if got := f.NonFinite(); got != 2 { // x's NaN, y's -Inf; x's +Inf is in a skipped row
		t.Errorf("NonFinite() = %d, want 2", got)
	}
	g, _ := NewFitter(rec.Schema(), []string{"n"}, FitOptions{})
	if err := g.Observe(rec, nil); err != nil {
		t.Fatal(err)
	}
	if got := g.NonFinite(); got != 0 {
		t.Errorf("integers only: NonFinite() = %d, want 0", got)
	}
}
