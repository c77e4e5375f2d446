package trees

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// conditional is the path-dependent value of tree t for row r of x when
// only the features in the bit set s are known: at a split on a known
// feature the row's branch, at any other split the cover-weighted mean of
// both branches (Algorithm 1 of Lundberg et al. 2018).
func conditional(t *Tree, x [][]float64, r int, s uint, node int) float64 {
	if t.IsLeaf(node) {
		return t.Value[node]
	}
	f := int(t.Feature[node])
	if s&(1<<f) != 0 {
		if t.goesLeft(node, x[f][r]) {
			return conditional(t, x, r, s, int(t.Left[node]))
		}
		return conditional(t, x, r, s, int(t.Right[node]))
	}
	l, rt := t.fractions(node)
	return l*conditional(t, x, r, s, int(t.Left[node])) + rt*conditional(t, x, r, s, int(t.Right[node]))
}

// bruteSHAP is the Shapley values of conditional by their definition,
// every subset of the columns, summed over the trees of output k.
func bruteSHAP(m *Model, x [][]float64, r, k int) (phi []float64, expected float64) {
	n := len(m.Columns)
	phi = make([]float64, n)
	fact := make([]float64, n+1)
	fact[0] = 1
	for i := 1; i <= n; i++ {
		fact[i] = fact[i-1] * float64(i)
	}
	expected = m.Base[k]
	for ti := k; ti < len(m.Trees); ti += m.K {
		t := &m.Trees[ti]
		v := make([]float64, 1<<n)
		for s := range v {
			v[s] = conditional(t, x, r, uint(s), 0)
		}
		expected += v[0]
		for j := 0; j < n; j++ {
			for s := range v {
				if s&(1<<j) != 0 {
					continue
				}
				size := popcount(uint(s))
				w := fact[size] * fact[n-size-1] / fact[n]
				phi[j] += w * (v[s|1<<j] - v[s])
			}
		}
	}
	return phi, expected
}

func popcount(s uint) int {
	c := 0
	for ; s != 0; s &= s - 1 {
		c++
	}
	return c
}

func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// TestSHAPStump checks the stump's values against ones worked out by hand:
// fractions 0.4/0.6 at the root and 0.5/0.5 at the categorical split, so
// v({}) = 0.4*-1 + 0.6*4 = 2, and for a = 3, c = 'y': v({a}) = 4,
// v({c}) = 0.4*-1 + 0.6*5 = 2.6, v({a, c}) = 5.
func TestSHAPStump(t *testing.T) {
	m := stump()
	e, err := NewExplainer(m)
	if err != nil {
		t.Fatal(err)
	}
	nan := math.NaN()
	x := [][]float64{
		{3, 1, nan, 3, 1},
		{1, 0, 0, nan, nan},
	}
	want := [][]float64{
		{2.2, 0.8},   // (2 + 2.4)/2, (0.6 + 1)/2
		{-2.7, -0.3}, // v({c}) = 1.4: (-3 + -2.4)/2, (-0.6 + 0)/2
		{-2.7, -0.3}, // NULL a goes left, as a = 1
		{2.2, 0.8},   // NULL c goes right, as 'y'
		// a left, NULL c right: v({a}) = v({a, c}) = -1, v({c}) = 2.6:
		// (-3 + -3.6)/2, (0.6 + 0)/2.
		{-3.3, 0.3},
	}
	phi := make([]float64, 2)
	raw := make([]float64, len(want))
	m.PredictRaw(x, len(want), raw)
	for r := range want {
		base := e.SHAP(x, r, 0, phi)
		if base != 2.5 {
			t.Errorf("row %d: expected value %g, want 2.5", r, base)
		}
		for j := range phi {
			if !near(phi[j], want[r][j], 1e-12) {
				t.Errorf("row %d: phi %v, want %v", r, phi, want[r])
				break
			}
		}
		if !near(base+phi[0]+phi[1], raw[r], 1e-12) {
			t.Errorf("row %d: %g + %v != raw %g", r, base, phi, raw[r])
		}
	}
}

// randomTree grows a tree in preorder (children after their parents) over
// cols, with splits that may repeat a column on a path, random missing
// directions, covers that add up (a leaf may have none) and values.
func randomTree(rng *rand.Rand, cols []Column, maxDepth int, grid []float64) Tree {
	var t Tree
	var grow func(depth int) int
	grow = func(depth int) int {
		i := t.Len()
		t.Left = append(t.Left, -1)
		t.Right = append(t.Right, -1)
		t.Feature = append(t.Feature, -1)
		t.Threshold = append(t.Threshold, 0)
		t.Categories = append(t.Categories, nil)
		t.DefaultLeft = append(t.DefaultLeft, false)
		t.Value = append(t.Value, 0)
		t.Cover = append(t.Cover, 0)
		t.Rows = append(t.Rows, 0)
		t.Gain = append(t.Gain, 0)
		if depth == maxDepth || (depth > 0 && rng.Float64() < 0.25) {
			t.Value[i] = math.Round(rng.NormFloat64()*100) / 100
			if rng.Float64() < 0.1 {
				t.Cover[i] = 0
			} else {
				t.Cover[i] = float64(1 + rng.IntN(20))
			}
			t.Rows[i] = int64(t.Cover[i])
			return i
		}
		f := rng.IntN(len(cols))
		t.Feature[i] = int32(f)
		t.DefaultLeft[i] = rng.IntN(2) == 0
		if cols[f].Kind == Categorical {
			codes := len(cols[f].Levels) + 1
			var cats []int32
			for len(cats) == 0 || len(cats) == codes {
				cats = cats[:0]
				for c := 0; c < codes; c++ {
					if rng.IntN(2) == 0 {
						cats = append(cats, int32(c))
					}
				}
			}
			t.Categories[i] = slices.Clone(cats)
		} else {
			t.Threshold[i] = grid[rng.IntN(len(grid))]
		}
		t.Gain[i] = float64(rng.IntN(100)) / 10
		l := grow(depth + 1)
		r := grow(depth + 1)
		t.Left[i], t.Right[i] = int32(l), int32(r)
		t.Cover[i] = t.Cover[l] + t.Cover[r]
		t.Rows[i] = t.Rows[l] + t.Rows[r]
		t.Value[i] = (t.Value[l] + t.Value[r]) / 2
		return i
	}
	grow(0)
	return t
}

// randomModel is a model of k outputs and rounds rounds of random trees
// over ncol columns, every third one categorical.
func randomModel(rng *rand.Rand, ncol, k, rounds, maxDepth int) *Model {
	m := &Model{K: k}
	for j := 0; j < ncol; j++ {
		c := Column{Name: fmt.Sprintf("x%d", j), Kind: Numeric, Type: "double"}
		if j%3 == 2 {
			c = Column{Name: fmt.Sprintf("c%d", j), Kind: Categorical, Type: "utf8", Levels: []string{"a", "b", "c"}}
		}
		m.Columns = append(m.Columns, c)
	}
	for i := 0; i < k; i++ {
		m.Base = append(m.Base, rng.NormFloat64())
	}
	grid := []float64{-1, -0.5, 0, 0.5, 1}
	for i := 0; i < k*rounds; i++ {
		m.Trees = append(m.Trees, randomTree(rng, m.Columns, maxDepth, grid))
	}
	return m
}

// randomRows draws n rows for m's columns, a fifth of them missing,
// numeric values around the thresholds (ties included), categorical codes
// including 'other'.
func randomRows(rng *rand.Rand, m *Model, n int) [][]float64 {
	x := make([][]float64, len(m.Columns))
	for j, c := range m.Columns {
		x[j] = make([]float64, n)
		for r := range x[j] {
			switch {
			case rng.Float64() < 0.2:
				x[j][r] = math.NaN()
			case c.Kind == Categorical:
				x[j][r] = float64(rng.IntN(len(c.Levels) + 1))
			default:
				x[j][r] = float64(rng.IntN(9)-4) / 4
			}
		}
	}
	return x
}

// TestSHAPBruteForce compares TreeSHAP with the Shapley values by
// definition on random multiclass models whose trees split on the same
// column several times on a path, with missing values and categorical
// splits.
func TestSHAPBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 40; trial++ {
		ncol := 1 + rng.IntN(6)
		k := 1 + rng.IntN(3)
		m := randomModel(rng, ncol, k, 1+rng.IntN(3), 1+rng.IntN(6))
		e, err := NewExplainer(m)
		if err != nil {
			t.Fatal(err)
		}
		const n = 20
		x := randomRows(rng, m, n)
		phi := make([]float64, ncol)
		for r := 0; r < n; r++ {
			for c := 0; c < k; c++ {
				base := e.SHAP(x, r, c, phi)
				want, wantBase := bruteSHAP(m, x, r, c)
				if !near(base, wantBase, 1e-12) {
					t.Fatalf("trial %d row %d output %d: expected value %g, want %g", trial, r, c, base, wantBase)
				}
				for j := range phi {
					if !near(phi[j], want[j], 1e-9) {
						t.Fatalf("trial %d row %d output %d: phi %v, want %v", trial, r, c, phi, want)
					}
				}
			}
		}
	}
}

// TestSHAPAdditive checks expected + sum(phi) == raw score on deep trees
// over many columns, beyond the reach of brute force.
func TestSHAPAdditive(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 10; trial++ {
		m := randomModel(rng, 30, 1+trial%3, 20, 12)
		e, err := NewExplainer(m)
		if err != nil {
			t.Fatal(err)
		}
		const n = 50
		x := randomRows(rng, m, n)
		raw := make([]float64, n*m.K)
		m.PredictRaw(x, n, raw)
		phi := make([]float64, len(m.Columns))
		for r := 0; r < n; r++ {
			for c := 0; c < m.K; c++ {
				sum := e.SHAP(x, r, c, phi)
				for _, v := range phi {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("trial %d row %d: phi %v", trial, r, phi)
					}
					sum += v
				}
				if math.Abs(sum-raw[r*m.K+c]) > 1e-9 {
					t.Fatalf("trial %d row %d output %d: expected + contributions %g, raw %g", trial, r, c, sum, raw[r*m.K+c])
				}
			}
		}
	}
}

// TestSHAPUnusedColumn checks a column no tree splits on gets exactly 0,
// and a single-leaf tree adds its value to the expected value only.
func TestSHAPUnusedColumn(t *testing.T) {
	m := stump()
	m.Columns = append(m.Columns, Column{Name: "unused", Kind: Numeric})
	m.Trees = append(m.Trees, Tree{
		Left: []int32{-1}, Right: []int32{-1}, Feature: []int32{-1}, Threshold: []float64{0},
		Categories: [][]int32{nil}, DefaultLeft: []bool{false}, Value: []float64{0.25},
		Cover: []float64{10}, Rows: []int64{10}, Gain: []float64{0},
	})
	e, err := NewExplainer(m)
	if err != nil {
		t.Fatal(err)
	}
	x := [][]float64{{3}, {1}, {7}}
	phi := []float64{9, 9, 9}
	if base := e.SHAP(x, 0, 0, phi); base != 2.75 {
		t.Errorf("expected value %g, want 2.75", base)
	}
	if !near(phi[0], 2.2, 1e-12) || !near(phi[1], 0.8, 1e-12) || phi[2] != 0 {
		t.Errorf("phi %v, want [2.2 0.8 0]", phi)
	}
}

// TestSHAPNoAllocation checks a row costs no allocation once the
// Explainer exists.
func TestSHAPNoAllocation(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m := randomModel(rng, 8, 2, 10, 8)
	e, err := NewExplainer(m)
	if err != nil {
		t.Fatal(err)
	}
	x := randomRows(rng, m, 10)
	phi := make([]float64, len(m.Columns))
	allocs := testing.AllocsPerRun(20, func() {
		for r := 0; r < 10; r++ {
			e.SHAP(x, r, 1, phi)
		}
	})
	if allocs != 0 {
		t.Errorf("%g allocations per batch", allocs)
	}
}

// TestSHAPClones checks Explainers cloned for other goroutines give the
// same bits as the original.
func TestSHAPClones(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	m := randomModel(rng, 10, 3, 10, 7)
	e, err := NewExplainer(m)
	if err != nil {
		t.Fatal(err)
	}
	const n = 40
	x := randomRows(rng, m, n)
	want := make([]float64, n*len(m.Columns))
	for r := 0; r < n; r++ {
		e.SHAP(x, r, r%m.K, want[r*len(m.Columns):(r+1)*len(m.Columns)])
	}
	got := make([]float64, len(want))
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func(c *Explainer) {
			defer wg.Done()
			for r := g; r < n; r += 2 {
				c.SHAP(x, r, r%m.K, got[r*len(m.Columns):(r+1)*len(m.Columns)])
			}
		}(e.Clone())
	}
	wg.Wait()
	if !slices.Equal(got, want) {
		t.Error("clones differ from the original")
	}
}

func TestNewExplainerRefusesInvalid(t *testing.T) {
	m := stump()
	m.Trees[0].Feature[0] = 5
	if _, err := NewExplainer(m); err == nil {
		t.Error("accepted a split on a column the model does not have")
	}
}

func BenchmarkSHAP(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	m := randomModel(rng, 16, 1, 100, 6)
	e, err := NewExplainer(m)
	if err != nil {
		b.Fatal(err)
	}
	const n = 1000
	x := randomRows(rng, m, n)
	phi := make([]float64, len(m.Columns))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.SHAP(x, i%n, 0, phi)
	}
}

func ExampleExplainer() {
	// One tree: tenure < 12 goes left (-1); longer tenures split on the
	// contract: month-to-month (code 0) 0.5, others 2. Covers: 40 rows
	// left, 60 right, 20 and 40 below.
	m := &Model{
		Columns: []Column{
			{Name: "tenure", Kind: Numeric, Type: "int64"},
			{Name: "contract", Kind: Categorical, Type: "utf8", Levels: []string{"month", "year"}},
		},
		K: 1, Base: []float64{0},
		Trees: []Tree{{
			Left: []int32{1, -1, 3, -1, -1}, Right: []int32{2, -1, 4, -1, -1},
			Feature: []int32{0, -1, 1, -1, -1}, Threshold: []float64{12, 0, 0, 0, 0},
			Categories: [][]int32{nil, nil, {0}, nil, nil}, DefaultLeft: make([]bool, 5),
			Value: []float64{0, -1, 0, 0.5, 2}, Cover: []float64{100, 40, 60, 20, 40},
			Rows: []int64{100, 40, 60, 20, 40}, Gain: []float64{5, 0, 1, 0, 0},
		}},
	}
	e, err := NewExplainer(m)
	if err != nil {
		fmt.Println(err)
		return
	}
	x := [][]float64{{24}, {1}} // tenure 24, contract 'year'
	phi := make([]float64, 2)
	base := e.SHAP(x, 0, 0, phi)
	fmt.Printf("baseline %.4f + tenure %.4f + contract %.4f = %.4f\n", base, phi[0], phi[1], base+phi[0]+phi[1])
	// Output:
	// baseline 0.5000 + tenure 1.1000 + contract 0.4000 = 2.0000
}
