package tuning

import (
	"math"
	"reflect"
	"slices"
	"testing"
)

// parse is ParseSpace that fails the test on an error.
func parse(t *testing.T, kind string, fields ...Field) Space {
	t.Helper()
	s, err := ParseSpace("tune", "space", kind, fields, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSampleDeterministic(t *testing.T) {
	for _, kind := range Kinds {
		s := DefaultSpace(kind, nil)
		for i := range 50 {
			a, b := s.Sample(i, 42), s.Sample(i, 42)
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("%s: sample %d differs between calls: %v, %v", kind, i, a, b)
			}
		}
		// Two seeds give different sequences: no point of the first 50
		// coincides in any coordinate.
		for i := range 50 {
			p, q := s.Point(i, 1), s.Point(i, 2)
			for d := range p {
				if p[d] == q[d] {
					t.Errorf("%s: seeds 1 and 2 give the same coordinate %d of point %d: %v", kind, d, i, p[d])
				}
			}
		}
	}
	// The sequence does not depend on the sample's neighbours: a new
	// hidden slice each time, which the caller may keep and change.
	s := DefaultSpace(Perceptron, nil)
	a := s.Sample(3, 9)
	for _, f := range a {
		if h, ok := f.Value.([]int64); ok && len(h) > 0 {
			h[0] = -1
		}
	}
	if !reflect.DeepEqual(s.Sample(3, 9), DefaultSpace(Perceptron, nil).Sample(3, 9)) {
		t.Fatal("changing a sampled hidden slice changed the space")
	}
}

// TestLowDiscrepancy checks the Halton property that survives the digit
// scrambling and the shift: the first 2^a 3^b points, seen from the
// shift, put exactly one point in every box of a 2^a x 3^b grid (and so
// the first 64 points of a 1-d range fill every 1/16 of it four times).
func TestLowDiscrepancy(t *testing.T) {
	for seed := range uint64(20) {
		s := parse(t, Perceptron, Field{"l2", rng(int64(0), int64(16))})
		var bins [16]int
		for i := range 64 {
			v := s.Sample(i, seed)[0].Value.(float64)
			bins[int(v)]++
		}
		for b, n := range bins {
			if n != 4 {
				t.Fatalf("seed %d: bin [%d, %d) has %d of 64 samples, want 4 (%v)", seed, b, b+1, n, bins)
			}
		}
		two := DefaultSpace(BoostedTrees, nil)
		sx, sy := newScramble(seed, two.Kind, 0), newScramble(seed, two.Kind, 1)
		var grid [4][9]int
		for i := range 36 {
			p := two.Point(i, seed)
			x := math.Mod(p[0]-sx.shift+1, 1)
			y := math.Mod(p[1]-sy.shift+1, 1)
			grid[int(x*4+1e-9)%4][int(y*9+1e-9)%9]++
		}
		for x := range grid {
			for y := range grid[x] {
				if grid[x][y] != 1 {
					t.Fatalf("seed %d: box (%d, %d) of the 4 x 9 grid has %d of 36 points, want 1", seed, x, y, grid[x][y])
				}
			}
		}
	}
}

func TestSampleRanges(t *testing.T) {
	s := parse(t, BoostedTrees,
		Field{"max_depth", rng(int64(2), int64(8))},
		Field{"trees", rng(int64(1), int64(4), "log")},
		Field{"learning_rate", rng(0.01, 0.3, "log")},
		Field{"subsample", rng(0.6, 1.0)},
		Field{"min_child_weight", list(int64(1), int64(5), 20.0)},
	)
	const n = 700
	depth := map[int64]int{}
	trees := map[int64]int{}
	child := map[float64]int{}
	belowGeoMean := 0
	for i := range n {
		for _, f := range s.Sample(i, 5) {
			switch f.Name {
			case "max_depth":
				depth[f.Value.(int64)]++
			case "trees":
				trees[f.Value.(int64)]++
			case "min_child_weight":
				child[f.Value.(float64)]++
			case "learning_rate":
				v := f.Value.(float64)
				if v < 0.01 || v > 0.3 {
					t.Fatalf("learning_rate %v outside [0.01, 0.3]", v)
				}
				if v < math.Sqrt(0.01*0.3) {
					belowGeoMean++
				}
			case "subsample":
				if v := f.Value.(float64); v < 0.6 || v > 1 {
					t.Fatalf("subsample %v outside [0.6, 1]", v)
				}
			}
		}
	}
	// Every integer of [2, 8] has its seventh of the samples (a random
	// sample would be off by 9 or more one time in three).
	for k := int64(2); k <= 8; k++ {
		if c := depth[k]; c < 97 || c > 103 {
			t.Errorf("max_depth %d drawn %d times of %d, want 100 ± 3 (%v)", k, c, n, depth)
		}
	}
	if len(depth) != 7 {
		t.Errorf("max_depth values %v", depth)
	}
	// On a log scale every integer of [1, 4] is reached, k with share
	// log((k+1)/k) / log(5).
	for k := int64(1); k <= 4; k++ {
		want := n * math.Log(float64(k+1)/float64(k)) / math.Log(5)
		if c := float64(trees[k]); math.Abs(c-want) > 5 {
			t.Errorf("trees %d drawn %v times, want %.1f (%v)", k, c, want, trees)
		}
	}
	if len(trees) != 4 {
		t.Errorf("trees values %v", trees)
	}
	// Log-uniform: half the samples below the geometric mean.
	if belowGeoMean < n/2-5 || belowGeoMean > n/2+5 {
		t.Errorf("%d of %d learning rates below the geometric mean, want about half", belowGeoMean, n)
	}
	for _, v := range []float64{1, 5, 20} {
		if c := child[v]; c < n/3-5 || c > n/3+5 {
			t.Errorf("choice %v drawn %d times of %d (%v)", v, c, n, child)
		}
	}
}

func TestChoicesReachable(t *testing.T) {
	// The default perceptron space: every hidden choice and activation
	// appears within the first dozen trials.
	s := DefaultSpace(Perceptron, nil)
	for seed := range uint64(10) {
		var hidden []string
		act := map[string]bool{}
		for i := range 12 {
			for _, f := range s.Sample(i, seed) {
				switch f.Name {
				case "hidden":
					if h := sqlText(f.Value); !slices.Contains(hidden, h) {
						hidden = append(hidden, h)
					}
				case "activation":
					act[f.Value.(string)] = true
				}
			}
		}
		if len(hidden) != 4 || len(act) != 2 {
			t.Errorf("seed %d: the first 12 trials reach hidden %v and activations %v", seed, hidden, act)
		}
	}
}

func TestDimValueEdges(t *testing.T) {
	depth, _ := Lookup(BoostedTrees, "max_depth")
	l2, _ := Lookup(BoostedTrees, "l2")
	below1 := math.Nextafter(1, 0)
	cases := []struct {
		d    Dim
		u    float64
		want any
	}{
		{Dim{Param: depth, Min: 2, Max: 8}, 0, int64(2)},
		{Dim{Param: depth, Min: 2, Max: 8}, below1, int64(8)},
		{Dim{Param: depth, Min: 2, Max: 8}, 1.0 / 7, int64(3)},
		{Dim{Param: depth, Min: 2, Max: 8, Log: true}, below1, int64(8)},
		{Dim{Param: depth, Min: 2, Max: 8, Log: true}, 0, int64(2)},
		{Dim{Param: depth, Min: 5, Max: 5}, 0.7, int64(5)},
		{Dim{Param: l2, Min: 0.1, Max: 10, Log: true}, 0.5, 1.0},
		{Dim{Param: l2, Min: 0.1, Max: 10, Log: true}, 0, 0.1},
		{Dim{Param: l2, Min: 0, Max: 4}, 0.25, 1.0},
		{Dim{Param: l2, Choices: []any{1.0, 2.0, 3.0}}, below1, 3.0},
		{Dim{Param: l2, Choices: []any{1.0, 2.0, 3.0}}, 0.34, 2.0},
	}
	for _, c := range cases {
		got := c.d.Value(c.u)
		if f, ok := got.(float64); ok {
			if math.Abs(f-c.want.(float64)) > 1e-12 {
				t.Errorf("%+v at %v = %v, want %v", c.d, c.u, got, c.want)
			}
			continue
		}
		if got != c.want {
			t.Errorf("%+v at %v = %#v, want %#v", c.d, c.u, got, c.want)
		}
	}
	if v := (Dim{Param: l2, Min: 0.1, Max: 10, Log: true}).Value(below1).(float64); v > 10 || v < 9.99 {
		t.Errorf("top of a log range: %v", v)
	}
}

func TestJSON(t *testing.T) {
	cfg := []Field{{"activation", "relu"}, {"hidden", []int64{32, 16}}, {"l2", 1e-05}, {"learning_rate", 0.01}, {"max_depth", int64(4)}, {"none", []int64{}}, {`q"`, "a\"b"}}
	want := `{"activation":"relu","hidden":[32,16],"l2":1e-05,"learning_rate":0.01,"max_depth":4,"none":[],"q\"":"a\"b"}`
	if got := JSON(cfg); got != want {
		t.Errorf("JSON\n got %s\nwant %s", got, want)
	}
}
