package trees

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ducksight/ducksight/engine/task"
)

func num(name string) Column { return Column{Name: name, Kind: Numeric, Type: "double"} }

// exact returns a config that grows a single unshrunk tree: learning rate
// 1, l2 1, no minimum child weight.
func exact(t task.Task, depth int) Config {
	c := DefaultConfig(t)
	c.Rounds, c.LearningRate, c.MaxDepth, c.MinChildWeight = 1, 1, depth, 0
	return c
}

// One stump on four rows, checked against the gain formula by hand.
// Squared error, base 2.5, gradients f-y = 1.5, 1.5, -0.5, -2.5, hessians 1.
// Cuts after x=1, 2, 3 have loss changes 2.25/2+2.25/4 = 1.6875,
// 9/3+9/3 = 6 and 6.25/4+6.25/2 = 4.6875 (the parent's G is 0): the best
// is x < 2.5 with gain 6/2 = 3, leaves -3/(2+1) = -1 and +1.
func TestSplitByHand(t *testing.T) {
	d := Data{Columns: []Column{num("x")}, X: [][]float64{{1, 2, 3, 4}}, Y: []float64{1, 1, 3, 5}, N: 4}
	m, _, err := Train(context.Background(), exact(task.Regression, 1), d, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := m.Trees[0]
	if m.Base[0] != 2.5 || tr.Len() != 3 || tr.Feature[0] != 0 || tr.Threshold[0] != 2.5 || tr.Gain[0] != 3 {
		t.Fatalf("base %v, tree %+v", m.Base, tr)
	}
	if tr.Value[1] != -1 || tr.Value[2] != 1 || tr.Cover[1] != 2 || tr.Rows[2] != 2 || tr.Cover[0] != 4 {
		t.Errorf("leaves %+v", tr)
	}
}

// Missing values go where the gain is best: with the high side when their
// labels are high, with the low side when low. The gain is checked by hand:
// base 10/3, the low pair's G = 2*10/3 (H 2), the rest's -20/3 (H 4).
func TestMissingDirection(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		missY float64
		left  bool
	}{{5, false}, {0, true}} {
		y := []float64{0, 0, tc.missY, tc.missY, 5, 5}
		d := Data{Columns: []Column{num("x")}, X: [][]float64{{1, 2, nan, nan, 3, 4}}, Y: y, N: 6}
		m, _, err := Train(context.Background(), exact(task.Regression, 1), d, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		tr := m.Trees[0]
		if tr.Threshold[0] != 2.5 || tr.DefaultLeft[0] != tc.left {
			t.Errorf("missing y %g: threshold %g, default left %v", tc.missY, tr.Threshold[0], tr.DefaultLeft[0])
		}
		if tc.missY == 5 {
			want := 0.5 * ((20.0/3)*(20.0/3)/3 + (20.0/3)*(20.0/3)/5)
			if math.Abs(tr.Gain[0]-want) > 1e-12 {
				t.Errorf("gain %g, want %g", tr.Gain[0], want)
			}
		}
		// The rows reach the leaves their labels say.
		out := make([]float64, 6)
		m.PredictRaw(d.X, 6, out)
		for r := range y {
			if (out[r] > m.Base[0]) != (y[r] == 5) {
				t.Errorf("missing y %g: row %d scores %g", tc.missY, r, out[r])
			}
		}
	}
}

// A categorical split groups the levels by their gradients: codes 1 and 3
// (label 1) against 0, 2 and 'other' (4, label 0); NULL rows have label 1.
func TestCategoricalSplit(t *testing.T) {
	nan := math.NaN()
	col := Column{Name: "c", Kind: Categorical, Type: "utf8", Levels: []string{"a", "b", "c", "d"}}
	x := []float64{0, 1, 2, 3, 4, 0, 1, 2, 3, 4, nan, nan}
	y := []float64{0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1, 1}
	d := Data{Columns: []Column{col}, X: [][]float64{x}, Y: y, N: len(y)}
	m, _, err := Train(context.Background(), exact(task.Regression, 1), d, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := m.Trees[0]
	if !slices.Equal(tr.Categories[0], []int32{1, 3}) || !tr.DefaultLeft[0] {
		t.Fatalf("categories %v, default left %v", tr.Categories[0], tr.DefaultLeft[0])
	}
	// G_L = 6*(0.5-1) = -3 (H 6), G_R = +3 (H 6): gain 1/2 (9/7 + 9/7).
	if want := 9.0 / 7; math.Abs(tr.Gain[0]-want) > 1e-12 {
		t.Errorf("gain %g, want %g", tr.Gain[0], want)
	}
	if err := m.Validate(); err != nil {
		t.Error(err)
	}
}

// The gradients are the loss's derivatives and the hessians the
// gradients' derivatives, by central finite differences.
func TestGradientsFiniteDifferences(t *testing.T) {
	const eps = 1e-5
	for _, tc := range []struct {
		t task.Task
		k int
		y float64
	}{{task.Binary, 1, 1}, {task.Binary, 1, 0}, {task.Multiclass, 3, 2}, {task.Multiclass, 4, 0}, {task.Regression, 1, 0.7}} {
		rng := rand.New(rand.NewPCG(1, uint64(tc.k)))
		f := make([]float64, tc.k)
		for c := range f {
			f[c] = rng.NormFloat64()
		}
		const w = 1.5
		gp := make([][]gpair, tc.k)
		for c := range gp {
			gp[c] = make([]gpair, 1)
		}
		rowGradient(tc.t, tc.k, f, tc.y, w, gp, 0)
		for c := range f {
			at := func(delta float64) (float64, float64) {
				g := slices.Clone(f)
				g[c] += delta
				q := make([][]gpair, tc.k)
				for i := range q {
					q[i] = make([]gpair, 1)
				}
				l := rowGradient(tc.t, tc.k, g, tc.y, w, q, 0)
				return w * l, q[c][0].g
			}
			lp, gpl := at(eps)
			lm, gmi := at(-eps)
			dl, dg := (lp-lm)/(2*eps), (gpl-gmi)/(2*eps)
			// Squared error's recorded loss is (f-y)^2; its gradient is
			// that of 1/2 (f-y)^2 (XGBoost's convention).
			if tc.t == task.Regression {
				dl /= 2
			}
			if math.Abs(dl-gp[c][0].g) > 1e-6 || math.Abs(dg-gp[c][0].h) > 1e-6 {
				t.Errorf("%v k=%d class %d: g %g vs %g, h %g vs %g", tc.t, tc.k, c, gp[c][0].g, dl, gp[c][0].h, dg)
			}
		}
	}
}

// The unweighted binary loop gives rowGradient's gradient pairs and
// (within rounding of its batched logarithms) its loss.
func TestBinaryGradientsLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	n := 2000
	f, y := make([]float64, n), make([]float64, n)
	for r := range f {
		f[r] = 8 * rng.NormFloat64()
		y[r] = float64(rng.IntN(2))
	}
	f[0], f[1] = 800, -800
	gp := make([]gpair, n)
	got, _ := binaryGradients(f, y, gp)
	want := 0.0
	one := [][]gpair{make([]gpair, 1)}
	for r := range f {
		want += rowGradient(task.Binary, 1, f[r:r+1], y[r], 1, one, 0)
		if gp[r] != one[0][0] {
			t.Fatalf("row %d (f %g): %v, want %v", r, f[r], gp[r], one[0][0])
		}
	}
	if math.Abs(got-want) > 1e-9*want {
		t.Errorf("loss %g, want %g", got, want)
	}
}

// synth returns n rows of p numeric columns and one categorical column
// (with missing values and infinities) and a label from a known model with
// an interaction.
func synth(n int, tk task.Task, seed uint64) Data {
	rng := rand.New(rand.NewPCG(seed, 7))
	p := 4
	x := make([][]float64, p+1)
	for j := range x {
		x[j] = make([]float64, n)
	}
	y := make([]float64, n)
	for r := 0; r < n; r++ {
		for j := 0; j < p; j++ {
			v := rng.NormFloat64()
			switch u := rng.Float64(); {
			case u < 0.05:
				v = math.NaN()
			case u < 0.06:
				v = math.Inf(1)
			case u < 0.07:
				v = math.Inf(-1)
			}
			x[j][r] = v
		}
		code := float64(rng.IntN(6))
		if code == 5 {
			code = math.NaN()
		}
		x[p][r] = code
		a, b := x[0][r], x[1][r]
		s := 0.0
		if (a > 0) != (b > 0) {
			s += 1.5
		}
		if code == 1 || code == 3 {
			s -= 1
		}
		if math.IsNaN(x[2][r]) {
			s += 1
		}
		s += 0.5*rng.NormFloat64() - 0.3
		switch tk {
		case task.Binary:
			if s > 0 {
				y[r] = 1
			}
		case task.Multiclass:
			y[r] = float64(min(2, max(0, int(math.Floor(s+1)))))
		default:
			y[r] = s
		}
	}
	cols := []Column{num("a"), num("b"), num("c"), num("d"), {Name: "e", Kind: Categorical, Type: "utf8", Levels: []string{"p", "q", "r", "s"}}}
	return Data{Columns: cols, X: x, Y: y, N: n}
}

func config(tk task.Task) Config {
	c := DefaultConfig(tk)
	c.K, c.Rounds, c.MaxDepth, c.LearningRate = 3, 30, 4, 0.3
	return c
}

// The model is bit-identical whatever GOMAXPROCS is, with sampling on.
func TestDeterministicAcrossGOMAXPROCS(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, tk := range []task.Task{task.Binary, task.Multiclass, task.Regression} {
		d := synth(20000, tk, 3)
		w := make([]float64, d.N)
		for r := range w {
			w[r] = 0.5 + float64(r%3)
		}
		d.W = w
		cfg := config(tk)
		cfg.Subsample, cfg.Colsample, cfg.Seed = 0.7, 0.6, 42
		var models []*Model
		var rounds [][]Round
		for _, procs := range []int{1, 2, 4} {
			runtime.GOMAXPROCS(procs)
			m, rs, err := Train(context.Background(), cfg, d, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := range rs {
				rs[i].Seconds = 0
			}
			models, rounds = append(models, m), append(rounds, rs)
		}
		for i := 1; i < len(models); i++ {
			if !reflect.DeepEqual(models[0], models[i]) || !reflect.DeepEqual(rounds[0][len(rounds[0])-1].TrainLoss, rounds[i][len(rounds[i])-1].TrainLoss) {
				t.Errorf("%v: GOMAXPROCS changes the model", tk)
			}
		}
	}
}

// loss is the weighted mean loss of m's raw scores on d, computed from
// PredictRaw (the raw values, not the bins).
func loss(m *Model, d Data, tk task.Task) float64 {
	raw := make([]float64, d.N*m.K)
	m.PredictRaw(d.X, d.N, raw)
	var s, sw float64
	for r := 0; r < d.N; r++ {
		w := d.weight(r)
		s += w * rowGradient(tk, m.K, raw[r*m.K:(r+1)*m.K], d.Y[r], w, nil, r)
		sw += w
	}
	return s / sw
}

// Training lowers the loss round after round, the model validates, and
// scoring the raw values reproduces the training loss Train recorded from
// its bins (the thresholds route every value as its bin did, sampled-out
// rows, missing values, infinities and categories included).
func TestTrainReducesLoss(t *testing.T) {
	for _, tk := range []task.Task{task.Binary, task.Multiclass, task.Regression} {
		for _, sub := range []float64{1, 0.6} {
			d := synth(5000, tk, 1)
			cfg := config(tk)
			cfg.Subsample = sub
			m, rs, err := Train(context.Background(), cfg, d, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Validate(); err != nil {
				t.Fatalf("%v: %v", tk, err)
			}
			if m.Rounds() != cfg.Rounds || len(rs) != cfg.Rounds {
				t.Errorf("%v: %d rounds, %d records", tk, m.Rounds(), len(rs))
			}
			base := loss(&Model{Columns: m.Columns, K: m.K, Base: m.Base}, d, tk)
			prev := base
			for _, r := range rs {
				if sub == 1 && r.TrainLoss > prev+1e-12 {
					t.Errorf("%v: round %d loss %g after %g", tk, r.Round, r.TrainLoss, prev)
				}
				prev = r.TrainLoss
			}
			if last := rs[len(rs)-1].TrainLoss; last > 0.7*base {
				t.Errorf("%v subsample %g: loss %g from %g", tk, sub, last, base)
			}
			if got, want := loss(m, d, tk), rs[len(rs)-1].TrainLoss; math.Abs(got-want) > 1e-9*max(1, want) {
				t.Errorf("%v subsample %g: scored loss %g, recorded %g", tk, sub, got, want)
			}
		}
	}
}

// XOR of two columns, which no single split separates, is learned.
func TestLearnsXOR(t *testing.T) {
	gen := func(n int, seed uint64) Data {
		rng := rand.New(rand.NewPCG(seed, 1))
		x := [][]float64{make([]float64, n), make([]float64, n)}
		y := make([]float64, n)
		for r := 0; r < n; r++ {
			x[0][r], x[1][r] = rng.Float64(), rng.Float64()
			if (x[0][r] > 0.5) != (x[1][r] > 0.5) {
				y[r] = 1
			}
		}
		return Data{Columns: []Column{num("a"), num("b")}, X: x, Y: y, N: n}
	}
	train, test := gen(4000, 1), gen(2000, 2)
	cfg := DefaultConfig(task.Binary)
	cfg.Rounds, cfg.MaxDepth, cfg.LearningRate = 100, 2, 0.3
	m, _, err := Train(context.Background(), cfg, train, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw := make([]float64, test.N)
	m.PredictRaw(test.X, test.N, raw)
	hits := 0
	for r, v := range raw {
		if (v > 0) == (test.Y[r] == 1) {
			hits++
		}
	}
	if acc := float64(hits) / float64(test.N); acc < 0.98 {
		t.Errorf("accuracy %g", acc)
	}
}

// On labels that are pure noise the validation loss stops improving:
// training stops Patience rounds after the best round and keeps it.
func TestEarlyStopping(t *testing.T) {
	d, v := synth(3000, task.Binary, 5), synth(3000, task.Binary, 6)
	rng := rand.New(rand.NewPCG(9, 9))
	for r := range d.Y {
		d.Y[r] = float64(rng.IntN(2))
		v.Y[r] = float64(rng.IntN(2))
	}
	cfg := config(task.Binary)
	cfg.Rounds, cfg.EarlyStopping, cfg.Patience = 200, true, 5
	var seen int
	m, rs, err := Train(context.Background(), cfg, d, &v, func(Round) { seen++ })
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) == cfg.Rounds || seen != len(rs) {
		t.Fatalf("%d rounds recorded, %d reported", len(rs), seen)
	}
	best := 0
	for i, r := range rs {
		if r.ValidLoss < rs[best].ValidLoss {
			best = i
		}
		if math.IsNaN(r.ValidMetric) {
			t.Errorf("round %d: no AUC", r.Round)
		}
	}
	if m.Rounds() != best+1 || len(rs) != best+1+cfg.Patience {
		t.Errorf("kept %d rounds, trained %d, best %d", m.Rounds(), len(rs), best+1)
	}
	if got := loss(m, v, task.Binary); math.Abs(got-rs[best].ValidLoss) > 1e-12 {
		t.Errorf("kept model's validation loss %g, best %g", got, rs[best].ValidLoss)
	}
}

func TestConfigValidate(t *testing.T) {
	for arg, damage := range map[string]func(c *Config){
		"trees":              func(c *Config) { c.Rounds = 0 },
		"learning_rate":      func(c *Config) { c.LearningRate = math.Inf(1) },
		"max_depth":          func(c *Config) { c.MaxDepth = 31 },
		"min_child_weight":   func(c *Config) { c.MinChildWeight = -1 },
		"min_rows_in_leaf":   func(c *Config) { c.MinRowsInLeaf = 0 },
		"l2":                 func(c *Config) { c.L2 = math.NaN() },
		"min_split_gain":     func(c *Config) { c.MinSplitGain = -0.1 },
		"cat_exact_levels":   func(c *Config) { c.CatExactLevels = -1 },
		"cat_min_rows":       func(c *Config) { c.CatMinRows = -1 },
		"cat_smooth":         func(c *Config) { c.CatSmooth = math.Inf(1) },
		"cat_l2":             func(c *Config) { c.CatL2 = -1 },
		"cat_min_group_rows": func(c *Config) { c.CatMinGroupRows = -1 },
		"cat_max_levels":     func(c *Config) { c.CatMaxLevels = 0 },
		"subsample":          func(c *Config) { c.Subsample = 0 },
		"colsample":          func(c *Config) { c.Colsample = 1.5 },
		"max_bins":           func(c *Config) { c.MaxBins = 256 },
		"patience":           func(c *Config) { c.Patience = 0 },
		"task":               func(c *Config) { c.Task = task.Auto },
	} {
		c := DefaultConfig(task.Binary)
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		damage(&c)
		var ce *ConfigError
		if err := c.Validate(); !errors.As(err, &ce) || ce.Arg != arg {
			t.Errorf("%s: %v", arg, err)
		}
	}
}

func TestTrainRefusesBadData(t *testing.T) {
	good := func() Data {
		return Data{Columns: []Column{num("x"), {Name: "c", Kind: Categorical, Levels: []string{"a"}}},
			X: [][]float64{{1, 2}, {0, 1}}, Y: []float64{0, 1}, N: 2}
	}
	for name, damage := range map[string]func(d *Data){
		"label":       func(d *Data) { d.Y[0] = 2 },
		"weight":      func(d *Data) { d.W = []float64{1, -1} },
		"code":        func(d *Data) { d.X[1][0] = 2 },
		"short":       func(d *Data) { d.X[0] = d.X[0][:1] },
		"no rows":     func(d *Data) { d.N = 0 },
		"column kind": func(d *Data) { d.Columns[0].Kind = "text" },
	} {
		d := good()
		damage(&d)
		if _, _, err := Train(context.Background(), DefaultConfig(task.Binary), d, nil, nil); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, _, err := Train(context.Background(), DefaultConfig(task.Binary), good(), nil, nil); err != nil {
		t.Error(err)
	}
}

// A context cancelled in the middle of training stops it with its error,
// without finishing more rounds: cancelled between rounds (from the
// progress callback), no round completes after it; cancelled at any moment
// from another goroutine, at most the round in flight completes (the
// growers check the context at every node). Rounds, not seconds, so a busy
// machine cannot fail it.
func TestTrainCancel(t *testing.T) {
	d := synth(200000, task.Binary, 4)
	cfg := config(task.Binary)
	cfg.Rounds, cfg.MaxDepth = 10000, 8

	ctx, cancel := context.WithCancel(context.Background())
	rounds := 0
	_, _, err := Train(ctx, cfg, d, nil, func(Round) {
		if rounds++; rounds == 3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || rounds != 3 {
		t.Fatalf("cancelled at round 3: error %v after %d rounds", err, rounds)
	}

	ctx, cancel = context.WithCancel(context.Background())
	var mu sync.Mutex
	done, after := 0, -1
	time.AfterFunc(300*time.Millisecond, func() {
		mu.Lock()
		after = done
		mu.Unlock()
		cancel()
	})
	_, _, err = Train(ctx, cfg, d, nil, func(Round) {
		mu.Lock()
		done++
		mu.Unlock()
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if after < 0 || done > after+1 {
		t.Errorf("cancelled after %d rounds, %d completed", after, done)
	}
}

// Bin edges: exact between distinct values, in the column's units: the
// shortest decimal between two neighbours (the midpoint rounded: 1.5, 3,
// 9e307), quantiles when there are more distinct values than bins.
func TestNumericCuts(t *testing.T) {
	if got := numericCuts([]float64{1, 1, 2, 4, 4, 4}, 255); !slices.Equal(got, []float64{1.5, 3}) {
		t.Errorf("exact cuts %v", got)
	}
	v := make([]float64, 1000)
	for i := range v {
		v[i] = float64(i)
	}
	got := numericCuts(v, 4)
	if !slices.Equal(got, []float64{249.5, 499.5, 749.5}) {
		t.Errorf("quantile cuts %v", got)
	}
	inf := math.Inf(1)
	if got := numericCuts([]float64{-inf, 0, 1, inf}, 255); !slices.Equal(got, []float64{0, 0.5, math.Nextafter(1, 2)}) {
		t.Errorf("cuts around infinities %v", got)
	}
	if got := numericCuts([]float64{0, math.MaxFloat64, inf}, 255); !slices.Equal(got, []float64{9e307, math.MaxFloat64}) {
		t.Errorf("cuts up to +Inf %v", got)
	}
}

// The stump's split is the best of every threshold and missing direction
// found by brute force over the rows, on random data with ties and
// missing values.
func TestSplitBruteForce(t *testing.T) {
	for seed := uint64(0); seed < 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 3))
		n := 40 + rng.IntN(40)
		x, y := make([]float64, n), make([]float64, n)
		for r := range x {
			x[r] = float64(rng.IntN(12))
			y[r] = rng.NormFloat64() + x[r]/4
			if rng.IntN(6) == 0 {
				x[r] = math.NaN()
				y[r] += 1
			}
		}
		d := Data{Columns: []Column{num("x")}, X: [][]float64{x}, Y: y, N: n}
		cfg := exact(task.Regression, 1)
		cfg.MinRowsInLeaf = 3
		m, _, err := Train(context.Background(), cfg, d, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		base := m.Base[0]
		sc := func(g, h float64) float64 { return g * g / (h + 1) }
		var G float64
		for r := range y {
			G += base - y[r]
		}
		// Thresholds midway between the distinct values present.
		var vals []float64
		for _, v := range x {
			if !math.IsNaN(v) {
				vals = append(vals, v)
			}
		}
		slices.Sort(vals)
		vals = slices.Compact(vals)
		best, bestT := 0.0, math.NaN()
		for i := 1; i < len(vals); i++ {
			thr := (vals[i-1] + vals[i]) / 2
			for _, missLeft := range []bool{false, true} {
				var gl, hl float64
				for r := range x {
					if x[r] < thr || (math.IsNaN(x[r]) && missLeft) {
						gl += base - y[r]
						hl++
					}
				}
				if hl < 3 || float64(n)-hl < 3 {
					continue
				}
				if gain := (sc(gl, hl) + sc(G-gl, float64(n)-hl) - sc(G, float64(n))) / 2; gain > best+1e-9 {
					best, bestT = gain, thr
				}
			}
		}
		tr := m.Trees[0]
		if math.Abs(tr.Gain[0]-best) > 1e-9 || (tr.Len() > 1 && tr.Threshold[0] != bestT) {
			t.Errorf("seed %d: gain %g at %g, brute force %g at %g", seed, tr.Gain[0], tr.Threshold[0], best, bestT)
		}
	}
}

// Columns with one value, only missing values, or only +Inf never split,
// and a single training row makes a model of leaves.
func TestDegenerateColumns(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	d := Data{
		Columns: []Column{num("const"), num("missing"), num("inf"), num("x")},
		X:       [][]float64{{3, 3, 3, 3}, {nan, nan, nan, nan}, {inf, inf, inf, inf}, {1, 2, 3, 4}},
		Y:       []float64{0, 0, 1, 1}, N: 4,
	}
	cfg := exact(task.Binary, 3)
	cfg.Rounds = 3
	m, _, err := Train(context.Background(), cfg, d, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tr := range m.Trees {
		for i := range tr.Feature {
			if f := tr.Feature[i]; f >= 0 && f != 3 {
				t.Errorf("split on column %d", f)
			}
		}
	}
	d.N = 1
	m, _, err = Train(context.Background(), cfg, d, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(); err != nil || m.Trees[0].Len() != 1 {
		t.Errorf("one row: %v, %d nodes", err, m.Trees[0].Len())
	}
}

// Above binSampleRows rows a numeric column is cut at the quantiles of a
// seeded sample: the same cuts for the same seed, near the true quantiles,
// and every value in the bin its cuts say.
func TestBinningSample(t *testing.T) {
	n := 2*binSampleRows + 12345
	x := make([]float64, n)
	rng := rand.New(rand.NewPCG(4, 4))
	for r := range x {
		x[r] = rng.Float64()
	}
	cols := []Column{num("u")}
	a, err := binData(context.Background(), cols, [][]float64{x}, n, 16, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := binData(context.Background(), cols, [][]float64{x}, n, 16, 7)
	if !slices.Equal(a.cuts[0], b.cuts[0]) || len(a.cuts[0]) != 15 {
		t.Fatalf("cuts %v and %v", a.cuts[0], b.cuts[0])
	}
	for i, c := range a.cuts[0] {
		if want := float64(i+1) / 16; math.Abs(c-want) > 0.01 {
			t.Errorf("cut %d at %g, want about %g", i, c, want)
		}
	}
	for r, v := range x {
		bin := int(a.bins[0][r])
		if (bin > 0 && v < a.cuts[0][bin-1]) || (bin < 15 && v >= a.cuts[0][bin]) {
			t.Fatalf("row %d: %g in bin %d", r, v, bin)
		}
	}
}

// A threshold is the shortest decimal strictly between its neighbours.
func TestShortestThreshold(t *testing.T) {
	for _, c := range []struct{ a, b, want float64 }{
		{17.73, 17.75, 17.74}, {3, 4, 3.5}, {0.1, 0.2, 0.15}, {1, 1.0000001, 1.00000005}, {-2, 7, 2},
	} {
		if got := between(c.a, c.b); got != c.want {
			t.Errorf("between(%g, %g) = %g, want %g", c.a, c.b, got, c.want)
		}
	}
}

// upperBound counts the cuts <= v, as a linear count does, for every
// length of cuts up to 20 and values below, on, between and above them,
// infinities included.
func TestUpperBound(t *testing.T) {
	for n := 0; n <= 20; n++ {
		cuts := make([]float64, n)
		for i := range cuts {
			cuts[i] = float64(2 * i)
		}
		for v := -2.0; v <= float64(2*n+1); v += 0.5 {
			for _, x := range []float64{v, math.Inf(-1), math.Inf(1)} {
				want := 0
				for _, c := range cuts {
					if c <= x {
						want++
					}
				}
				if got := upperBound(cuts, x); got != want {
					t.Fatalf("%d cuts, v %g: %d, want %d", n, x, got, want)
				}
			}
		}
	}
}
