package tuning

import (
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/ducksight/ducksight/dserr"
)

// rng is a range STRUCT {min, max[, scale]}.
func rng(lo, hi any, scale ...string) []Field {
	f := []Field{{"min", lo}, {"max", hi}}
	if len(scale) > 0 {
		f = append(f, Field{"scale", scale[0]})
	}
	return f
}

// list is a LIST value.
func list(v ...any) []any { return v }

func TestParseSpaceErrors(t *testing.T) {
	cases := []struct {
		kind   string
		fields []Field
		fixed  []string
		want   string
	}{
		{"perceptron", []Field{{"hiden", list(list(int64(16)))}}, nil,
			"tune: space: unknown parameter 'hiden' of perceptron (parameters: activation, batch_size, epochs, hidden, l2, learning_rate)"},
		{"boosted_trees", []Field{{"hidden", list(list(int64(16)))}}, nil,
			"tune: space: unknown parameter 'hidden' of boosted_trees (parameters: colsample, l2, learning_rate, max_depth, min_child_weight, min_split_gain, subsample, trees)"},
		{"perceptron", []Field{{"hidden", list()}}, nil, "tune: space: hidden: empty list of choices"},
		{"boosted_trees", []Field{{"l2", rng(1.0, 0.1)}}, nil, "tune: space: l2: min 1 is greater than max 0.1"},
		{"boosted_trees", []Field{{"max_depth", rng(int64(8), int64(2))}}, nil, "tune: space: max_depth: min 8 is greater than max 2"},
		{"perceptron", []Field{{"l2", rng(int64(0), 0.1, "log")}}, nil, "tune: space: l2: a log scale needs min > 0, got min 0"},
		{"perceptron", []Field{{"l2", rng(-1.0, 0.1, "log")}}, nil, "tune: space: l2: min must be between 0 and 1000, got -1"},
		{"perceptron", []Field{{"learning_rate", rng(0.0, 0.1)}}, nil, "tune: space: learning_rate: min must be greater than 0 and at most 10, got 0"},
		{"perceptron", []Field{{"l2", 0.1}}, nil, "tune: space: l2: must be a LIST of choices or a STRUCT {min, max, scale}, got 0.1"},
		{"perceptron", []Field{{"l2", nil}}, nil, "tune: space: l2: must be a LIST of choices or a STRUCT {min, max, scale}, got NULL"},
		{"perceptron", []Field{{"l2", list("a")}}, nil, "tune: space: l2: choice 'a' is not a number"},
		{"perceptron", []Field{{"l2", list(math.NaN())}}, nil, "tune: space: l2: choice NaN must be between 0 and 1000"},
		{"perceptron", []Field{{"l2", list(int64(2000))}}, nil, "tune: space: l2: choice 2000 must be between 0 and 1000"},
		{"boosted_trees", []Field{{"max_depth", list(int64(3), 4.5)}}, nil, "tune: space: max_depth: choice 4.5 is not an INTEGER"},
		{"boosted_trees", []Field{{"max_depth", list(int64(31))}}, nil, "tune: space: max_depth: choice 31 must be between 1 and 30"},
		{"boosted_trees", []Field{{"max_depth", rng(1.5, int64(4))}}, nil, "tune: space: max_depth: min must be an INTEGER, got 1.5"},
		{"boosted_trees", []Field{{"max_depth", rng(int64(1), int64(40))}}, nil, "tune: space: max_depth: max must be between 1 and 30, got 40"},
		{"boosted_trees", []Field{{"subsample", rng(0.5, 1.5)}}, nil, "tune: space: subsample: max must be greater than 0 and at most 1, got 1.5"},
		{"boosted_trees", []Field{{"min_child_weight", list(-1.0)}}, nil, "tune: space: min_child_weight: choice -1 must be a finite number at least 0"},
		{"boosted_trees", []Field{{"min_child_weight", rng(0.5, math.Inf(1))}}, nil, "tune: space: min_child_weight: max must be a finite number at least 0, got +Inf"},
		{"boosted_trees", []Field{{"l2", rng("a", 1.0)}}, nil, "tune: space: l2: min must be a number, got 'a'"},
		{"boosted_trees", []Field{{"l2", rng(0.1, 1.0, "ln")}}, nil, "tune: space: l2: scale must be 'linear' or 'log', got 'ln'"},
		{"boosted_trees", []Field{{"l2", []Field{{"min", 0.1}}}}, nil, "tune: space: l2: a range needs min and max: {min: ..., max: ..., scale: 'linear' | 'log'}"},
		{"boosted_trees", []Field{{"l2", append(rng(0.1, 1.0), Field{"step", 0.1})}}, nil, "tune: space: l2: unknown range field 'step' (fields: min, max, scale)"},
		{"perceptron", []Field{{"activation", list("relu", "elu")}}, nil, "tune: space: activation: choice 'elu' must be 'relu', 'tanh' or 'sigmoid'"},
		{"perceptron", []Field{{"activation", rng(int64(1), int64(2))}}, nil, "tune: space: activation: a range needs an INTEGER or DOUBLE parameter, not VARCHAR: give a LIST of choices"},
		{"perceptron", []Field{{"hidden", rng(int64(1), int64(2))}}, nil, "tune: space: hidden: a range needs an INTEGER or DOUBLE parameter, not INTEGER[]: give a LIST of choices"},
		{"perceptron", []Field{{"hidden", list(int64(16))}}, nil, "tune: space: hidden: choice 16 is not a LIST of INTEGER (hidden's choices are lists: [[], [16], [32, 16]])"},
		{"perceptron", []Field{{"hidden", list(list(int64(16), int64(0)))}}, nil, "tune: space: hidden: choice [16, 0] has a layer size that is not an INTEGER between 1 and 4096"},
		{"perceptron", []Field{{"l2", rng(1e-6, 0.1)}, {"l2", list(0.1)}}, nil, "tune: space: l2: given twice"},
		{"perceptron", []Field{{"hidden", list(list())}, {"l2", rng(1e-6, 0.1, "log")}}, []string{"label", "l2"},
			"tune: space: l2 is given explicitly (l2 := ...); leave it out of space or drop the argument"},
	}
	for _, c := range cases {
		_, err := ParseSpace("tune", "space", c.kind, c.fields, c.fixed)
		if err == nil {
			t.Errorf("%s %v: no error, want %q", c.kind, c.fields, c.want)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("%s %v:\n got %q\nwant %q", c.kind, c.fields, err, c.want)
		}
		var de *dserr.Error
		if !errors.As(err, &de) || de.Func != "tune" || de.Arg != "space" || !errors.Is(err, dserr.InvalidArgument) {
			t.Errorf("%q: not an InvalidArgument *dserr.Error of tune, space", err)
		}
	}
	if _, err := ParseSpace("tune", "space", "kmeans", nil, nil); err == nil || err.Error() != "tune: kind: must be 'auto', 'perceptron' or 'boosted_trees', got 'kmeans'" {
		t.Errorf("unknown kind: %v", err)
	}
}

func TestParseSearchErrors(t *testing.T) {
	cases := []struct {
		fields []Field
		fixed  []string
		want   string
	}{
		{[]Field{{"mlp", []Field{}}}, nil, "tune: space: with kind 'auto' the space is a STRUCT of kinds {perceptron: {...}, boosted_trees: {...}}, got field 'mlp'"},
		{[]Field{{"perceptron", list()}}, nil, "tune: space: perceptron: must be a STRUCT of perceptron's parameters, got []"},
		{[]Field{{"perceptron", []Field{{"max_depth", rng(int64(2), int64(4))}}}}, nil,
			"tune: space: unknown parameter 'perceptron.max_depth' of perceptron (parameters: activation, batch_size, epochs, hidden, l2, learning_rate)"},
		{[]Field{{"boosted_trees", []Field{{"l2", rng(1.0, 0.5)}}}}, nil, "tune: space: boosted_trees.l2: min 1 is greater than max 0.5"},
		{[]Field{{"boosted_trees", []Field{{"l2", rng(0.1, 0.5)}}}}, []string{"l2"},
			"tune: space: boosted_trees.l2 is given explicitly (l2 := ...); leave it out of space or drop the argument"},
		{[]Field{{"perceptron", nil}, {"perceptron", nil}}, nil, "tune: space: perceptron: given twice"},
	}
	for _, c := range cases {
		_, err := ParseSearch("tune", "space", "auto", c.fields, c.fixed)
		if err == nil || err.Error() != c.want {
			t.Errorf("%v:\n got %v\nwant %q", c.fields, err, c.want)
		}
	}
	if _, err := ParseSearch("tune", "space", "trees", nil, nil); err == nil || err.Error() != "tune: kind: must be 'auto', 'perceptron' or 'boosted_trees', got 'trees'" {
		t.Errorf("unknown kind: %v", err)
	}
}

// names returns the parameter names of s's dimensions.
func names(s Space) []string {
	var out []string
	for _, d := range s.Dims {
		out = append(out, d.Param.Name)
	}
	return out
}

func TestDefaultSpace(t *testing.T) {
	if got, want := names(DefaultSpace(Perceptron, nil)), []string{"activation", "hidden", "l2", "learning_rate"}; !reflect.DeepEqual(got, want) {
		t.Errorf("perceptron default %v, want %v", got, want)
	}
	if got, want := names(DefaultSpace(BoostedTrees, nil)), []string{"colsample", "l2", "learning_rate", "max_depth", "min_child_weight", "subsample"}; !reflect.DeepEqual(got, want) {
		t.Errorf("trees default %v, want %v", got, want)
	}
	if got, want := names(DefaultSpace(Perceptron, []string{"hidden", "label", "learning_rate"})), []string{"activation", "l2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("perceptron default without fixed %v, want %v", got, want)
	}
	// A nil space is the default; the default ranges are legal ranges of
	// their parameters (as a parsed space would check them).
	for _, kind := range Kinds {
		s, err := ParseSpace("tune", "space", kind, nil, []string{"l2"})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(s, DefaultSpace(kind, []string{"l2"})) {
			t.Errorf("%s: nil space is not the default", kind)
		}
		for _, d := range defaultSpaces[kind] {
			for _, c := range d.Choices {
				if _, msg := d.Param.value(toSQL(c)); msg != "" {
					t.Errorf("%s: default choice %v: %s", d.Param.Name, c, msg)
				}
			}
			if d.Choices == nil {
				var r Dim
				r.Param = d.Param
				scale := Linear
				if d.Log {
					scale = Log
				}
				lo, hi := any(d.Min), any(d.Max)
				if d.Param.Type == Integer {
					lo, hi = int64(d.Min), int64(d.Max)
				}
				if msg := r.parseRange(rng(lo, hi, scale)); msg != "" || !reflect.DeepEqual(r, d) {
					t.Errorf("%s: default range: %q %+v", d.Param.Name, msg, r)
				}
			}
		}
	}
	// Every parameter of Params is found by Lookup, and the tables are
	// ordered by name.
	for _, kind := range Kinds {
		ps := Params(kind)
		for i, p := range ps {
			if q, ok := Lookup(kind, p.Name); !ok || !reflect.DeepEqual(p, q) {
				t.Errorf("Lookup(%s, %s)", kind, p.Name)
			}
			if i > 0 && ps[i-1].Name >= p.Name {
				t.Errorf("%s parameters not ordered: %s, %s", kind, ps[i-1].Name, p.Name)
			}
		}
	}
}

// toSQL turns a parsed value back into the form the space argument has.
func toSQL(v any) any {
	if l, ok := v.([]int64); ok {
		out := make([]any, len(l))
		for i, e := range l {
			out[i] = e
		}
		return out
	}
	return v
}

func TestParseSpaceOrderAndTypes(t *testing.T) {
	a := []Field{
		{"max_depth", rng(int64(2), int64(8))},
		{"learning_rate", rng(0.01, 0.3, "log")},
		{"l2", list(int64(0), 1.5, int64(10))},
		{"trees", list(100.0, int64(300))},
	}
	b := []Field{a[2], a[3], a[1], a[0]}
	sa, err := ParseSpace("tune", "space", BoostedTrees, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := ParseSpace("tune", "space", BoostedTrees, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sa, sb) {
		t.Fatal("the field order changes the space")
	}
	if got, want := names(sa), []string{"l2", "learning_rate", "max_depth", "trees"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("dims %v, want %v", got, want)
	}
	// Choices take the parameter's Go type: a DOUBLE's integers become
	// float64, an INTEGER's integral doubles int64.
	if got, want := sa.Dims[0].Choices, []any{0.0, 1.5, 10.0}; !reflect.DeepEqual(got, want) {
		t.Errorf("l2 choices %#v, want %#v", got, want)
	}
	if got, want := sa.Dims[3].Choices, []any{int64(100), int64(300)}; !reflect.DeepEqual(got, want) {
		t.Errorf("trees choices %#v, want %#v", got, want)
	}
	for i := range 200 {
		for _, f := range sa.Sample(i, 7) {
			switch f.Name {
			case "l2", "learning_rate":
				if _, ok := f.Value.(float64); !ok {
					t.Fatalf("%s = %#v, not a float64", f.Name, f.Value)
				}
			case "max_depth", "trees":
				if _, ok := f.Value.(int64); !ok {
					t.Fatalf("%s = %#v, not an int64", f.Name, f.Value)
				}
			}
		}
	}
	// Within kind 'auto', the same spaces, and a kind left out is its
	// default.
	s, err := ParseSearch("tune", "space", Auto, []Field{{"boosted_trees", b}}, []string{"activation"})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Spaces) != 2 || !reflect.DeepEqual(s.Spaces[0], sa) || !reflect.DeepEqual(s.Spaces[1], DefaultSpace(Perceptron, []string{"activation"})) {
		t.Errorf("auto search %+v", s)
	}
	one, err := ParseSearch("tune", "space", BoostedTrees, a, nil)
	if err != nil || len(one.Spaces) != 1 || !reflect.DeepEqual(one.Spaces[0], sa) {
		t.Errorf("single-kind search %+v, %v", one, err)
	}
}

func TestSearchTrial(t *testing.T) {
	s, err := ParseSearch("tune", "space", Auto, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range [][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}, {0, 2}} {
		if k, j := s.Trial(i); k != want[0] || j != want[1] {
			t.Errorf("Trial(%d) = %d, %d, want %v", i, k, j, want)
		}
	}
	for i := range 10 {
		kind, cfg := s.Sample(i, 42)
		k, j := s.Trial(i)
		if kind != s.Spaces[k].Kind || !reflect.DeepEqual(cfg, s.Spaces[k].Sample(j, 42)) {
			t.Errorf("Sample(%d) is not space %d's configuration %d", i, k, j)
		}
	}
	if kind, _ := s.Sample(0, 42); kind != BoostedTrees {
		t.Errorf("trial 0 is %s, want boosted_trees", kind)
	}
}
