package trees

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"testing"

	"github.com/ducksight/ducksight/engine/task"
)

// catSearch runs the categorical split search of cfg on histogram h (a
// bin per code of a column of levels levels and 'other', then the missing
// values' bin) as the split of a node holding exactly h's rows.
func catSearch(cfg Config, levels int, h []hbin) candidate {
	lv := make([]string, levels)
	for i := range lv {
		lv[i] = fmt.Sprint("l", i)
	}
	g := &grower{cfg: &cfg, cols: []Column{{Name: "c", Kind: Categorical, Type: "utf8", Levels: lv}}}
	nd := &node{}
	for _, b := range h {
		nd.g += b.g
		nd.h += b.h
		nd.n += b.n
	}
	return g.bestCategorical(nd, 0, h, g.score(nd.g, nd.h))
}

// sq is a histogram bin of n rows of squared error (hessian 1 a row) with
// gradient sum g.
func sq(g, n float64) hbin { return hbin{g, n, n} }

// A level of 3 rows with an extreme gradient: the exact search isolates
// it, the regularised one leaves it out of the order (fewer than
// CatMinRows rows) and splits the large levels.
//
// Codes a..d hold 200 rows each with G = -100, -20, 20, 100; e holds 3
// rows with G = 30; f, 'other' and missing are empty. The node has G = 30,
// H = 803, so the parent's score is 900/804.
//
// Exact (levels ordered by G/(H+1): a, b, c, d, e): the prefixes score
// 10000/201 + 130²/604 = 77.7, 14400/401 + 150²/404 = 91.6,
// 10000/601 + 130²/204 = 99.5 and 0 + 30²/4 = 225: {a, b, c, d} left, e
// right, gain (225 - 900/804)/2.
//
// Regularised (defaults: e left out, a, b, c, d ordered by G/(H+10), at
// most half of them, 2, on a side, children's l2 1+10): {a} 10000/211 +
// 130²/614 = 74.9, {a, b} 14400/411 + 150²/414 = 89.4, {d} 10000/211 +
// 70²/614 = 55.4, {d, c} 14400/411 + 90²/414 = 54.6: {a, b} left, c, d, e
// right, gain (14400/411 + 22500/414 - 900/804)/2.
func TestCategoricalRareLevelByHand(t *testing.T) {
	h := []hbin{sq(-100, 200), sq(-20, 200), sq(20, 200), sq(100, 200), sq(30, 3), {}, {}, {}}
	exactCfg := DefaultConfig(task.Regression)
	exactCfg.CatExactLevels = 6
	for _, tc := range []struct {
		name  string
		cfg   Config
		cats  []int32
		gain  float64
		deflt bool
	}{
		{"exact", exactCfg, []int32{0, 1, 2, 3}, (225 - 900.0/804) / 2, true},
		{"regularised", DefaultConfig(task.Regression), []int32{0, 1}, (14400.0/411 + 22500.0/414 - 900.0/804) / 2, false},
	} {
		c := catSearch(tc.cfg, 6, h)
		if !c.ok || !slices.Equal(c.cats, tc.cats) || !near(c.gain, tc.gain, 1e-12) || c.defaultLeft != tc.deflt {
			t.Errorf("%s: ok %v, left %v, gain %.12g, default left %v; want %v, %.12g, %v",
				tc.name, c.ok, c.cats, c.gain, c.defaultLeft, tc.cats, tc.gain, tc.deflt)
		}
	}
}

// CatMinGroupRows: the scan tries a split only once it has added that
// many rows since the last one tried; missing values go where they gain
// most.
//
// Six levels of 60 rows: a with G = -60, b..f with G = 6; 60 missing rows
// with G = -60. The node has G = -90, H = 420 (parent 8100/421). The order
// (G/(H+10)) is a, b, c, d, e, f and at most 3 levels go left. Without
// the group rule the best is {a} with the missing rows: 120²/131 + 30²/311.
// With 100 rows a group, {a} (60 rows) is not tried; {a, b} is, best with
// the missing rows left (114²/191 + 24²/251 = 70.3 against 54²/131 +
// 36²/311 = 26.4 right); from the other end {f, e} scores 12²/131 +
// 102²/311 = 34.6 (missing right) at best.
func TestCategoricalMinGroupByHand(t *testing.T) {
	h := []hbin{sq(-60, 60), sq(6, 60), sq(6, 60), sq(6, 60), sq(6, 60), sq(6, 60), {}, sq(-60, 60)}
	noGroup := DefaultConfig(task.Regression)
	noGroup.CatMinGroupRows = 0
	for _, tc := range []struct {
		name string
		cfg  Config
		cats []int32
		gain float64
	}{
		{"no group", noGroup, []int32{0}, (120.0*120/131 + 30.0*30/311 - 8100.0/421) / 2},
		{"group 100", DefaultConfig(task.Regression), []int32{0, 1}, (114.0*114/191 + 24.0*24/251 - 8100.0/421) / 2},
	} {
		c := catSearch(tc.cfg, 6, h)
		if !c.ok || !slices.Equal(c.cats, tc.cats) || !near(c.gain, tc.gain, 1e-12) || !c.defaultLeft {
			t.Errorf("%s: ok %v, left %v, gain %.12g, default left %v; want %v, %.12g, true",
				tc.name, c.ok, c.cats, c.gain, c.defaultLeft, tc.cats, tc.gain)
		}
	}
}

// The right side keeps CatMinGroupRows rows whichever side the missing
// values take. Level a: 100 rows, G = -50; b..e: 20 rows each, G = 15;
// 60 missing rows, G = -30 (node G = -20, H = 240). At most 3 levels go
// left and a group of one to three small levels (20 to 60 rows) is never
// tried, so {a} is the only candidate: with the missing rows the right
// side would keep 80 rows, so they go right: gain (50²/111 + 30²/151 -
// 20²/241)/2 (with them left, 80²/171 + 60²/91 = 77.0 would win).
func TestCategoricalMinGroupMissing(t *testing.T) {
	h := []hbin{sq(-50, 100), sq(15, 20), sq(15, 20), sq(15, 20), sq(15, 20), {}, sq(-30, 60)}
	c := catSearch(DefaultConfig(task.Regression), 5, h)
	want := (2500.0/111 + 900.0/151 - 400.0/241) / 2
	if !c.ok || !slices.Equal(c.cats, []int32{0}) || !near(c.gain, want, 1e-12) || c.defaultLeft {
		t.Errorf("left %v, gain %.12g, default left %v; want [0], %.12g, false", c.cats, c.gain, c.defaultLeft, want)
	}
}

// CatMaxLevels and the half of the order cap the left side: 80 levels of
// 100 rows, the first 40 with G = -10, the others +10 (node G = 0). The
// best partition puts the 40 negative levels on one side; 40 is half the
// order, so with CatMaxLevels 64 it is found, with 32 (the default) the
// left side holds 32 of them (from the low end: ties keep the first
// found), gain (320²/3211 + 320²/4811)/2 with the children's l2 1+10.
func TestCategoricalMaxLevels(t *testing.T) {
	h := make([]hbin, 82)
	for b := 0; b < 80; b++ {
		h[b] = sq(-10, 100)
		if b >= 40 {
			h[b] = sq(10, 100)
		}
	}
	seq := func(n int) []int32 {
		s := make([]int32, n)
		for i := range s {
			s[i] = int32(i)
		}
		return s
	}
	wide := DefaultConfig(task.Regression)
	wide.CatMaxLevels = 64
	for _, tc := range []struct {
		cfg  Config
		cats []int32
		gain float64
	}{
		{DefaultConfig(task.Regression), seq(32), (320.0*320/3211 + 320.0*320/4811) / 2},
		{wide, seq(40), (400.0*400/4011 + 400.0*400/4011) / 2},
	} {
		c := catSearch(tc.cfg, 80, h)
		if !c.ok || !slices.Equal(c.cats, tc.cats) || !near(c.gain, tc.gain, 1e-12) {
			t.Errorf("max levels %d: left %v, gain %.12g; want %v, %.12g", tc.cfg.CatMaxLevels, c.cats, c.gain, tc.cats, tc.gain)
		}
	}
}

// The regularised search (without the group rule) against brute force
// over the splits its rule allows: the left side is the k lowest or the k
// highest codes of at least CatMinRows rows by G/(H+CatSmooth), k at most
// CatMaxLevels and half of them, missing values on either side, children
// scored with l2 L2+CatL2.
func TestCategoricalBruteForce(t *testing.T) {
	for seed := uint64(0); seed < 200; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		levels := 5 + rng.IntN(20)
		h := make([]hbin, levels+2)
		for b := range h {
			if rng.IntN(5) == 0 {
				continue // absent from the node
			}
			n := float64(1 + rng.IntN(40))
			hs := n * (0.05 + 0.2*rng.Float64())
			h[b] = hbin{g: hs * (2*rng.Float64() - 1) * 3, h: hs, n: n}
		}
		cfg := DefaultConfig(task.Binary)
		cfg.CatMinGroupRows = 0
		cfg.CatMaxLevels = 1 + rng.IntN(8)
		cfg.MinChildWeight = 0.5 * rng.Float64()
		got := catSearch(cfg, levels, h)

		var G, H, N float64
		for _, b := range h {
			G, H, N = G+b.g, H+b.h, N+b.n
		}
		miss := h[len(h)-1]
		var order []int
		for b := range h[:len(h)-1] {
			if h[b].n >= float64(cfg.CatMinRows) {
				order = append(order, b)
			}
		}
		slices.SortStableFunc(order, func(a, b int) int {
			ka, kb := h[a].g/(h[a].h+cfg.CatSmooth), h[b].g/(h[b].h+cfg.CatSmooth)
			switch {
			case ka < kb:
				return -1
			case ka > kb:
				return 1
			}
			return 0
		})
		l2 := cfg.L2 + cfg.CatL2
		score := func(g, h float64) float64 { return g * g / (h + l2) }
		best := 0.0
		var bestSet []int32
		for k := 1; k <= min(cfg.CatMaxLevels, (len(order)+1)/2); k++ {
			for _, set := range [][]int{order[:k], order[len(order)-k:]} {
				var gl, hl, nl float64
				for _, b := range set {
					gl, hl, nl = gl+h[b].g, hl+h[b].h, nl+h[b].n
				}
				for _, ml := range []bool{false, true} {
					g, hh, n := gl, hl, nl
					if ml {
						if miss.n == 0 {
							continue
						}
						g, hh, n = g+miss.g, hh+miss.h, n+miss.n
					}
					if n < 1 || N-n < 1 || hh < cfg.MinChildWeight || H-hh < cfg.MinChildWeight {
						continue
					}
					gain := (score(g, hh) + score(G-g, H-hh) - G*G/(H+cfg.L2)) / 2
					if gain > best+1e-9 {
						best = gain
						bestSet = nil
						for _, b := range set {
							bestSet = append(bestSet, int32(b))
						}
						slices.Sort(bestSet)
					}
				}
			}
		}
		if best < minLossChange {
			if got.ok && got.gain > 1e-9 {
				t.Errorf("seed %d: split %v gain %g, brute force none", seed, got.cats, got.gain)
			}
			continue
		}
		if !got.ok || math.Abs(got.gain-best) > 1e-9 {
			t.Errorf("seed %d: gain %g (%v), brute force %g (%v)", seed, got.gain, got.cats, best, bestSet)
		}
	}
}

// rareLevels is a stump's data of a column of 40 levels: levels 0..3 of
// 200 rows each with labels 1 at rates 0.1, 0.3, 0.5 and 0.7, levels
// 4..39 of 3 rows each, every one of label 1 or every one of label 0.
func rareLevels() Data {
	var x, y []float64
	for l := 0; l < 4; l++ {
		for r := 0; r < 200; r++ {
			x = append(x, float64(l))
			if r%10 < 2*l+1 {
				y = append(y, 1)
			} else {
				y = append(y, 0)
			}
		}
	}
	for l := 4; l < 40; l++ {
		for r := 0; r < 3; r++ {
			x = append(x, float64(l))
			y = append(y, float64(l%2))
		}
	}
	lv := make([]string, 40)
	for i := range lv {
		lv[i] = fmt.Sprint("l", i)
	}
	return Data{Columns: []Column{{Name: "c", Kind: Categorical, Type: "utf8", Levels: lv}}, X: [][]float64{x}, Y: y, N: len(y)}
}

// A many-level column with rare levels: the regularised root split sends
// only large levels to the left side, at most half of them; the exact
// search would mix the rare levels in. The model is the same whatever
// GOMAXPROCS is.
func TestCategoricalRareLevels(t *testing.T) {
	d := rareLevels()
	// The large levels' positives.
	for l := 0; l < 4; l++ {
		s := 0.0
		for r := l * 200; r < (l+1)*200; r++ {
			s += d.Y[r]
		}
		if want := []float64{20, 60, 100, 140}[l]; s != want {
			t.Fatalf("level %d has %g positives, want %g", l, s, want)
		}
	}
	cfg := DefaultConfig(task.Binary)
	cfg.Rounds, cfg.MaxDepth = 1, 1
	m, _, err := Train(context.Background(), cfg, d, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := m.Trees[0]
	if tr.Len() != 3 {
		t.Fatalf("%d nodes, want a stump", tr.Len())
	}
	if got := tr.Categories[0]; !slices.Equal(got, []int32{0, 1}) && !slices.Equal(got, []int32{2, 3}) {
		t.Errorf("regularised: left %v, want {0, 1} or {2, 3}", got)
	}
	cfg.CatExactLevels = 40
	m, _, err = Train(context.Background(), cfg, d, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Trees[0].Categories[0]; !slices.ContainsFunc(got, func(c int32) bool { return c >= 4 }) {
		t.Errorf("exact: left %v holds no rare level", got)
	}

	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	cfg = DefaultConfig(task.Binary)
	cfg.Rounds = 20
	var models []*Model
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		m, _, err := Train(context.Background(), cfg, d, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		models = append(models, m)
	}
	if !reflect.DeepEqual(models[0], models[1]) {
		t.Error("GOMAXPROCS changes the model")
	}
}
