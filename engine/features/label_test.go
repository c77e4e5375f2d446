package features

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ducksight/ducksight/engine/task"
)

// fitLabel fits a label over one column; it returns the encoding, the
// rows Observe marked and the error.
func fitLabel(t *testing.T, col arrow.Array, tk task.Task, positive *string) (*LabelEncoding, []bool, error) {
	t.Helper()
	l, err := NewLabelFitter(arrow.Field{Name: "y", Type: col.DataType()}, tk, positive)
	if err != nil {
		return nil, nil, err
	}
	skip := make([]bool, col.Len())
	l.Observe(col, skip)
	le, err := l.Finish()
	return le, skip, err
}

func ptr(s string) *string { return &s }

func TestLabelAuto(t *testing.T) {
	alloc := checked(t)
	ints := func(n int) []any {
		v := make([]any, n)
		for i := range v {
			v[i] = i % 30
		}
		return v
	}
	for _, tc := range []struct {
		name     string
		col      arrow.Array
		task     task.Task
		levels   []string
		positive int
	}{
		{"bool", column(alloc, arrow.FixedWidthTypes.Boolean, true, false, nil, true), task.Binary, []string{"false", "true"}, 1},
		{"string binary", column(alloc, str, "yes", "no", "no", nil), task.Binary, []string{"no", "yes"}, 1},
		{"string multi", column(alloc, arrow.BinaryTypes.LargeString, "b", "a", "c", "B"), task.Multiclass, []string{"B", "a", "b", "c"}, 0},
		{"int binary", column(alloc, i32, 0, 1, 1, 0), task.Binary, []string{"0", "1"}, 1},
		{"int numeric order", column(alloc, i64, 10, -2, 9, 10, 100), task.Multiclass, []string{"-2", "9", "10", "100"}, 0},
		{"int 20 classes", column(alloc, u8, ints(20)...), task.Multiclass, nil, 0},
		{"int 21 values", column(alloc, i16, ints(21)...), task.Regression, nil, 0},
		{"int many values", column(alloc, i64, ints(300)...), task.Regression, nil, 0},
		{"float", column(alloc, f64, 0, 1, 1, 0), task.Regression, nil, 0},
		{"decimal", column(alloc, &arrow.Decimal128Type{Precision: 5, Scale: 2}, 0, 1, 1), task.Regression, nil, 0},
		{"enum", enum(alloc, i8, []string{"low", "mid", "high"}, 2, 0, 1, -1, 2), task.Multiclass, []string{"low", "mid", "high"}, 0},
		{"enum binary", enum(alloc, u32, []string{"yes", "no"}, 1, 0, 0), task.Binary, []string{"yes", "no"}, 1},
	} {
		le, _, err := fitLabel(t, tc.col, task.Auto, nil)
		dt := tc.col.DataType()
		tc.col.Release()
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if le.Task != tc.task || (tc.levels != nil && !slices.Equal(le.Levels, tc.levels)) || le.Positive != tc.positive || le.Type != dt.String() {
			t.Errorf("%s: %+v", tc.name, le)
		}
		if tc.name == "int 20 classes" && len(le.Levels) != 20 {
			t.Errorf("%s: %d classes", tc.name, len(le.Levels))
		}
		if le.Task == task.Regression && !(le.Std > 0) {
			t.Errorf("%s: regression without a std: %+v", tc.name, le)
		}
	}
}

func TestLabelErrors(t *testing.T) {
	alloc := checked(t)
	one := column(alloc, str, "a", "a", nil)
	defer one.Release()
	if _, _, err := fitLabel(t, one, task.Auto, nil); err == nil || err.Error() != `label "y" has a single class (a)` {
		t.Errorf("single class: %v", err)
	}
	nulls := column(alloc, i64, nil, nil)
	defer nulls.Release()
	if _, _, err := fitLabel(t, nulls, task.Auto, nil); err == nil || err.Error() != `label "y" is NULL (or NaN) on every row` {
		t.Errorf("all NULL: %v", err)
	}
	three := column(alloc, i64, 1, 2, 3)
	defer three.Release()
	if _, _, err := fitLabel(t, three, task.Binary, nil); err == nil || err.Error() != `label "y" has 3 classes (1, 2, 3); binary classification needs 2` {
		t.Errorf("binary with 3: %v", err)
	}
	if _, _, err := fitLabel(t, three, task.Auto, ptr("2")); err == nil || err.Error() != `label "y" has 3 classes (1, 2, 3); a positive class applies to binary classification` {
		t.Errorf("positive for multiclass: %v", err)
	}
	two := column(alloc, str, "churned", "stayed")
	defer two.Release()
	if _, _, err := fitLabel(t, two, task.Auto, ptr("Churned")); err == nil || err.Error() != `positive class "Churned" is not a class of label "y" (classes: churned, stayed)` {
		t.Errorf("unknown positive: %v", err)
	}
	if _, _, err := fitLabel(t, two, task.Regression, nil); err == nil || err.Error() != `column "y" has type VARCHAR, which cannot be a regression target (it needs a number)` {
		t.Errorf("text regression: %v", err)
	}
	if _, _, err := fitLabel(t, two, task.Segmentation, nil); err == nil || err.Error() != `unknown task "segmentation" (use auto, binary, multiclass or regression)` {
		t.Errorf("unknown task: %v", err)
	}
	flat := column(alloc, f64, 2.5, 2.5)
	defer flat.Release()
	if _, _, err := fitLabel(t, flat, task.Auto, nil); err == nil || err.Error() != `label "y" is constant (every row is 2.5)` {
		t.Errorf("constant regression: %v", err)
	}
	// A target whose squares overflow cannot be standardised: an error
	// naming the label and why, not an infinite standard deviation.
	huge := column(alloc, f64, 1e300, -1e300, 1e300)
	defer huge.Release()
	if _, _, err := fitLabel(t, huge, task.Auto, nil); err == nil || err.Error() != `label "y" has values too large to standardise (from -1e+300 to 1e+300: mean 3.333e+299, standard deviation +Inf); rescale it, e.g. divide it by a power of 10 in the data query` {
		t.Errorf("huge regression: %v", err)
	}
	// Large but standardisable.
	large := column(alloc, f64, 1e150, -1e150)
	defer large.Release()
	if le, _, err := fitLabel(t, large, task.Auto, nil); err != nil || !(le.Std > 1e150) || math.IsInf(le.Std, 0) {
		t.Errorf("large regression: %v %+v", err, le)
	}
	if _, err := NewLabelFitter(arrow.Field{Name: "when", Type: arrow.FixedWidthTypes.Date32}, task.Auto, nil); err == nil ||
		err.Error() != `column "when" has type DATE, which cannot be a label (supported: BOOLEAN, integers, floats, decimals, VARCHAR, ENUM)` {
		t.Errorf("date label: %v", err)
	}
	many := make([]any, 1200)
	for i := range many {
		many[i] = fmt.Sprint(i)
	}
	text := column(alloc, str, many...)
	defer text.Release()
	if _, _, err := fitLabel(t, text, task.Auto, nil); err == nil || err.Error() != `label "y" has more than 1000 distinct values, too many classes for classification` {
		t.Errorf("too many classes: %v", err)
	}
}

// Without positive, the positive class is true for a BOOLEAN label, 1 for
// a 0/1 label, otherwise the less frequent class (the larger on a tie),
// whichever class is the more frequent.
func TestLabelPositiveDefault(t *testing.T) {
	alloc := checked(t)
	for _, tc := range []struct {
		col  arrow.Array
		want string
		rule string
	}{
		{column(alloc, arrow.FixedWidthTypes.Boolean, true, true, false), "true", "a BOOLEAN label's"},
		{column(alloc, arrow.FixedWidthTypes.Boolean, false, false, true), "true", "a BOOLEAN label's"},
		{column(alloc, i8, 1, 1, 0), "1", "a 0/1 label's"},
		{column(alloc, f32, 1, 1, 0), "1", "a 0/1 label's"},
		{column(alloc, i8, 2, 2, 1), "1", "the less frequent of 2"},
		{column(alloc, str, "good", "good", "bad"), "bad", "the less frequent of 2"},
		{column(alloc, str, "good", "bad", "bad"), "good", "the less frequent of 2"},
		{column(alloc, str, "no", "yes"), "yes", "the larger of 2 equally frequent"},
	} {
		le, _, err := fitLabel(t, tc.col, task.Binary, nil)
		if err != nil || le.Levels[le.Positive] != tc.want || le.PositiveRule != tc.rule {
			t.Errorf("%s %v: %v, positive %q (%s), want %q (%s)", tc.col.DataType(), tc.col, err, le.Levels[le.Positive], le.PositiveRule, tc.want, tc.rule)
		}
		tc.col.Release()
	}
}

// The positive class can be given as text in the label's type.
func TestLabelPositive(t *testing.T) {
	alloc := checked(t)
	for _, tc := range []struct {
		col      arrow.Array
		positive string
		want     int
	}{
		{column(alloc, arrow.FixedWidthTypes.Boolean, true, false), "false", 0},
		{column(alloc, arrow.FixedWidthTypes.Boolean, true, false), "TRUE", 1},
		{column(alloc, arrow.FixedWidthTypes.Boolean, true, false), "no", 0},
		{column(alloc, i8, 1, 0), "0", 0},
		{column(alloc, i8, 1, 0), "1.0", 1},
		{column(alloc, u64, 7, 3), " 3", 0},
		{column(alloc, str, "yes", "no"), "yes", 1},
		{column(alloc, f32, 0.1, 0.25), "0.1", 0},
	} {
		le, _, err := fitLabel(t, tc.col, task.Binary, ptr(tc.positive))
		if err != nil || le.Positive != tc.want {
			t.Errorf("%s %q: %v %+v", tc.col.DataType(), tc.positive, err, le)
		}
		tc.col.Release()
	}
}

// Observe marks NULL, NaN and ±Inf labels; MarkSkips also marks classes
// not seen in training; Encode writes the targets of the rest.
func TestLabelEncode(t *testing.T) {
	alloc := checked(t)
	train := column(alloc, str, "b", "a", nil, "c", "a")
	defer train.Release()
	le, skip, err := fitLabel(t, train, task.Auto, nil)
	if err != nil || fmt.Sprint(skip) != "[false false true false false]" || !slices.Equal(le.Counts, []int64{2, 1, 1}) {
		t.Fatalf("%v %v %+v", err, skip, le)
	}
	data := enum(alloc, i16, []string{"c", "a", "z", "b"}, 3, 2, -1, 0, 1)
	defer data.Release()
	if err := le.Compatible(data.DataType()); err != nil {
		t.Fatal(err)
	}
	skip = make([]bool, 5)
	if n := le.MarkSkips(data, skip); n != 2 || fmt.Sprint(skip) != "[false true true false false]" {
		t.Fatalf("marked %d: %v", n, skip)
	}
	out := make([]float64, 3)
	if n := le.Encode(data, skip, out); n != 3 || fmt.Sprint(out) != "[1 2 0]" {
		t.Fatalf("multiclass: %d %v", n, out)
	}

	yes := column(alloc, arrow.FixedWidthTypes.Boolean, true, false, true)
	defer yes.Release()
	le, _, _ = fitLabel(t, yes, task.Auto, ptr("false"))
	out = make([]float64, 3)
	le.Encode(yes, nil, out)
	if fmt.Sprint(out) != "[0 1 0]" {
		t.Fatalf("binary, positive false: %v", out)
	}

	y := column(alloc, f64, 1.5, math.NaN(), nil, math.Inf(1), -2)
	defer y.Release()
	le, skip, err = fitLabel(t, y, task.Auto, nil)
	if err != nil || le.Task != task.Regression || fmt.Sprint(skip) != "[false true true true false]" || le.Mean != -0.25 {
		t.Fatalf("regression: %v %v %+v", err, skip, le)
	}
	skip = make([]bool, 5)
	if n := le.MarkSkips(y, skip); n != 3 {
		t.Fatalf("regression marked %d", n)
	}
	out = make([]float64, 2)
	if n := le.Encode(y, skip, out); n != 2 || fmt.Sprint(out) != "[1.5 -2]" {
		t.Fatalf("regression: %v", out)
	}
	if err := le.Compatible(arrow.PrimitiveTypes.Int32); err == nil || err.Error() != `label "y" has type INTEGER in the data, but the model was trained on DOUBLE` {
		t.Fatalf("compatible: %v", err)
	}
	ints := column(alloc, u64, 5, 1<<40, 5)
	defer ints.Release()
	le, _, _ = fitLabel(t, ints, task.Auto, nil)
	data32 := column(alloc, i32, 5, 6, nil)
	defer data32.Release()
	skip = make([]bool, 3)
	out = make([]float64, 1)
	if le.Compatible(data32.DataType()) != nil || le.MarkSkips(data32, skip) != 2 || le.Encode(data32, skip, out) != 1 || out[0] != 0 {
		t.Fatalf("int labels across types: %+v %v %v", le, skip, out)
	}
}

// The JSON form of a LabelEncoding encodes the same targets.
func TestLabelJSON(t *testing.T) {
	alloc := checked(t)
	for _, col := range []arrow.Array{
		column(alloc, arrow.FixedWidthTypes.Boolean, true, false, true, nil),
		column(alloc, f32, 0.1, 0.2, 0.1, 0.3),
		column(alloc, i64, -3, 5, 7, 5),
		column(alloc, f64, 0.5, 1e-7, 3, 2),
		enum(alloc, i8, []string{"x", "y"}, 1, 0, 1),
	} {
		tk := task.Auto
		if col.DataType().ID() == arrow.FLOAT32 {
			tk = task.Multiclass
		}
		le, _, err := fitLabel(t, col, tk, nil)
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := json.Marshal(le)
		var back LabelEncoding
		if err := json.Unmarshal(doc, &back); err != nil {
			t.Fatal(err)
		}
		a, b := make([]float64, col.Len()), make([]float64, col.Len())
		le.Encode(col, nil, a)
		back.Encode(col, nil, b)
		if fmt.Sprint(a) != fmt.Sprint(b) || math.IsNaN(a[0]+a[1]+a[2]) {
			t.Fatalf("%s: %v from %s, %v", col.DataType(), b, doc, a)
		}
		col.Release()
	}
}
