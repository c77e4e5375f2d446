package features

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Bind matches names case-insensitively in any order and ignores extra
// columns; a missing column or an incompatible type is an error naming it.
func TestBind(t *testing.T) {
	alloc := checked(t)
	train := record([]string{"income", "plan", "signup"},
		column(alloc, i64, 10, 20, 30, nil),
		column(alloc, str, "a", "b", "a", "c"),
		column(alloc, &arrow.TimestampType{Unit: arrow.Microsecond}, 100, 200, 400, 800))
	defer train.Release()
	enc, _ := fit(t, FitOptions{}, train)
	want := encode(t, enc, train, nil)

	// Reordered, renamed case, extra column, other Arrow types of the same
	// kinds (float for integer, ENUM for VARCHAR, another timestamp unit).
	pred := record([]string{"extra", "SIGNUP", "Plan", "INCOME"},
		column(alloc, str, "x", "y", "z", "w"),
		column(alloc, &arrow.TimestampType{Unit: arrow.Second, TimeZone: "UTC"}, 100, 200, 400, 800),
		enum(alloc, i8, []string{"c", "b", "a"}, 2, 1, 2, 0),
		column(alloc, f64, 10, 20, 30, nil))
	defer pred.Release()
	sameRows(t, encode(t, enc, pred, nil), want)

	missing := arrow.NewSchema([]arrow.Field{{Name: "plan", Type: str}, {Name: "signup", Type: arrow.FixedWidthTypes.Timestamp_us}}, nil)
	if _, err := enc.Bind(missing); err == nil || err.Error() != `column "income" not found in data (columns: "plan", "signup")` {
		t.Errorf("missing column: %v", err)
	}
	wrong := arrow.NewSchema([]arrow.Field{{Name: "income", Type: str}, {Name: "plan", Type: str}, {Name: "signup", Type: arrow.FixedWidthTypes.Date32}}, nil)
	if _, err := enc.Bind(wrong); err == nil || err.Error() != `column "income" has type VARCHAR in the data, which cannot be encoded as the model's numeric, trained on BIGINT` {
		t.Errorf("wrong type: %v", err)
	}
	wrong = arrow.NewSchema([]arrow.Field{{Name: "income", Type: i32}, {Name: "plan", Type: i32}, {Name: "signup", Type: arrow.FixedWidthTypes.Date32}}, nil)
	if _, err := enc.Bind(wrong); err == nil || !strings.Contains(err.Error(), `column "plan" has type INTEGER in the data, which cannot be encoded as the model's categorical, trained on VARCHAR`) {
		t.Errorf("wrong type: %v", err)
	}
	// A damaged document is an error, not wrong numbers.
	bad := *enc
	bad.Columns = append([]ColumnEncoding(nil), enc.Columns...)
	bad.Columns[0].Std = 0
	if _, err := bad.Bind(train.Schema()); err == nil || !strings.Contains(err.Error(), "standard deviation") {
		t.Errorf("damaged: %v", err)
	}
	bad.Columns[0].Std, bad.Columns[1].Width = 1, 7
	if _, err := bad.Bind(train.Schema()); err == nil || !strings.Contains(err.Error(), `column "plan": inputs [2, 9)`) {
		t.Errorf("damaged: %v", err)
	}
}

// The JSON form of an Encoder gives the same encodings, bit for bit.
func TestEncoderJSON(t *testing.T) {
	alloc := checked(t)
	rec := randomBatch(alloc, rand.New(rand.NewPCG(7, 8)), 500)
	defer rec.Release()
	for _, distance := range []bool{false, true} {
		enc, _ := fit(t, FitOptions{Distance: distance, MaxLevels: 5}, rec)
		doc, err := json.Marshal(enc)
		if err != nil {
			t.Fatal(err)
		}
		var back Encoder
		if err := json.Unmarshal(doc, &back); err != nil {
			t.Fatal(err)
		}
		a, b := encode(t, enc, rec, nil), encode(t, &back, rec, nil)
		for r := range a {
			for j := range a[r] {
				if math.Float64bits(a[r][j]) != math.Float64bits(b[r][j]) {
					t.Fatalf("distance %v: row %d input %d: %v from JSON, %v", distance, r, j, b[r][j], a[r][j])
				}
			}
		}
		if !strings.Contains(string(doc), `"kind":"categorical"`) || strings.Contains(string(doc), `"null_indicator":true`) == distance {
			t.Fatalf("document %s", doc)
		}
	}
}

// randomBatch has a column of every supported kind, with NULLs, NaN and
// ±Inf sprinkled in.
func randomBatch(alloc memory.Allocator, rng *rand.Rand, n int) arrow.RecordBatch {
	types := []arrow.DataType{i8, i16, i32, i64, u8, u16, u32, u64, f32, f64,
		&arrow.Decimal128Type{Precision: 12, Scale: 3}, &arrow.Decimal256Type{Precision: 40, Scale: 1},
		arrow.FixedWidthTypes.Boolean, str, arrow.BinaryTypes.LargeString, arrow.BinaryTypes.StringView,
		&arrow.DictionaryType{IndexType: i16, ValueType: str}, arrow.FixedWidthTypes.Date32,
		&arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}}
	var cols []arrow.Array
	var names []string
	for k, dt := range types {
		vals := make([]any, n)
		for i := range vals {
			switch {
			case rng.IntN(10) == 0:
				vals[i] = nil
			case dt.ID() == arrow.BOOL:
				vals[i] = rng.IntN(3) == 0
			case kindOf(dt) == KindCategorical:
				vals[i] = fmt.Sprint("w", int(math.Sqrt(float64(rng.IntN(100)))))
			case dt.ID() == arrow.FLOAT32 || dt.ID() == arrow.FLOAT64:
				vals[i] = rng.NormFloat64() * 10
				if rng.IntN(50) == 0 {
					vals[i] = []float64{math.NaN(), math.Inf(1), math.Inf(-1)}[rng.IntN(3)]
				}
			case dt.ID() == arrow.DECIMAL128 || dt.ID() == arrow.DECIMAL256:
				vals[i] = float64(rng.IntN(200000)-100000) / 1000
			default:
				vals[i] = rng.IntN(100)
			}
		}
		cols = append(cols, column(alloc, dt, vals...))
		names = append(names, fmt.Sprintf("c%02d_%s", k, dt.ID()))
	}
	return record(names, cols...)
}

// reference encodes one row the slow, obvious way, value by value.
func reference(enc *Encoder, rec arrow.RecordBatch, row int) []float64 {
	out := make([]float64, enc.Width)
	for _, c := range enc.Columns {
		idx := rec.Schema().FieldIndices(c.Name)[0]
		a := rec.Column(idx)
		o := out[c.Offset : c.Offset+c.Width]
		if c.Kind == KindCategorical {
			set := -1
			if a.IsNull(row) {
				if c.NullLevel {
					set = c.Width - 1
				}
			} else {
				v := a.ValueStr(row)
				for j, l := range c.Levels {
					if l == v {
						set = j
					}
				}
				for _, l := range c.OtherLevels {
					if l == v {
						set = len(c.Levels)
					}
				}
				if set < 0 && c.OtherAny {
					set = len(c.Levels)
				}
			}
			if set >= 0 {
				o[set] = c.scale()
			}
			continue
		}
		if a.IsNull(row) {
			if c.Kind == KindBoolean {
				o[0] = c.Mean
			}
			if c.Indicator {
				o[1] = 1
			}
			continue
		}
		var x float64
		switch v := a.(type) {
		case *array.Boolean:
			if v.Value(row) {
				x = 1
			}
			o[0] = x
			continue
		case *array.Decimal128:
			x = v.Value(row).ToFloat64(v.DataType().(*arrow.Decimal128Type).Scale)
		case *array.Decimal256:
			x = v.Value(row).ToFloat64(v.DataType().(*arrow.Decimal256Type).Scale)
		case *array.Float32:
			x = float64(v.Value(row))
		case *array.Float64:
			x = v.Value(row)
		case *array.Date32:
			x = float64(v.Value(row))
		case *array.Timestamp:
			x = float64(v.Value(row)) / 1000 // milliseconds in randomBatch
		default:
			fmt.Sscan(a.ValueStr(row), &x)
		}
		o[0] = (x - c.Mean) / c.Std
	}
	return out
}

// Encode agrees with the value-by-value reference on every kind, with and
// without skipped rows, on sliced batches (validity offsets) and batches
// larger than an encoding block.
func TestEncodeMatchesReference(t *testing.T) {
	alloc := checked(t)
	rng := rand.New(rand.NewPCG(9, 10))
	train := randomBatch(alloc, rng, 3000)
	defer train.Release()
	enc, _ := fit(t, FitOptions{MaxLevels: 6}, train)
	data := randomBatch(alloc, rng, 40_000)
	defer data.Release()
	for _, tc := range []struct{ lo, hi int64 }{{0, 40_000}, {13, 39_001}, {7, 8}} {
		rec := data.NewSlice(tc.lo, tc.hi)
		b, err := enc.Bind(rec.Schema())
		if err != nil {
			t.Fatal(err)
		}
		skip := make([]bool, rec.NumRows())
		bad := b.BadRows(rec, skip)
		for i := range skip {
			if rng.IntN(7) == 0 {
				skip[i] = true
			}
		}
		for _, sk := range [][]bool{nil, skip} {
			var kept []int
			for i := range int(rec.NumRows()) {
				if sk == nil || !sk[i] {
					kept = append(kept, i)
				}
			}
			rows := encode(t, enc, rec, sk)
			if len(rows) != len(kept) {
				t.Fatalf("%d rows, want %d", len(rows), len(kept))
			}
			for r, i := range kept {
				want := reference(enc, rec, i)
				for j := range want {
					if !closeTo(rows[r][j], want[j]) && !(sk == nil && math.IsInf(want[j], 0) && rows[r][j] == want[j]) {
						t.Fatalf("slice %v row %d input %s: %v, want %v", tc, i, enc.InputNames()[j], rows[r][j], want[j])
					}
				}
			}
		}
		if tc.hi-tc.lo > 1000 && bad == 0 {
			t.Fatal("no bad rows in the random data")
		}
		rec.Release()
	}
}

// BadRows marks NaN and ±Inf in feature columns only, not NULLs and not
// rows already skipped.
func TestBadRows(t *testing.T) {
	alloc := checked(t)
	train := record([]string{"a", "b", "c"},
		column(alloc, f64, 1, 2, 3, 4, 5),
		column(alloc, f32, 1, 2, 3, 4, 5),
		column(alloc, f64, 1, 2, 3, 4, 5))
	defer train.Release()
	enc, _ := fit(t, FitOptions{}, train)
	enc.Columns = enc.Columns[:2] // c is not a feature
	enc.Width = 2
	rec := record([]string{"a", "b", "c"},
		column(alloc, f64, math.NaN(), 1, nil, 1, math.Inf(1), 1),
		column(alloc, f32, 1, math.Inf(-1), math.NaN(), nil, 1, 1),
		column(alloc, f64, 1, 1, 1, 1, 1, math.NaN()))
	defer rec.Release()
	b, err := enc.Bind(rec.Schema())
	if err != nil {
		t.Fatal(err)
	}
	skip := []bool{false, false, false, false, true, false}
	if n := b.BadRows(rec, skip); n != 3 || fmt.Sprint(skip) != "[true true true false true false]" {
		t.Fatalf("marked %d: %v", n, skip)
	}
	if n := b.Encode(rec, skip, make([]float64, 4)); n != 2 {
		t.Fatalf("encoded %d rows", n)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a short out did not panic")
		}
	}()
	b.Encode(rec, nil, make([]float64, 11))
}
