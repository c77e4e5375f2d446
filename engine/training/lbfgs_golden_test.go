package training

import (
	"context"
	"encoding/json"
	"flag"
	"math"
	"os"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// lbfgsExport, when set, makes TestLBFGSMatchesScikitLearn write the
// design matrix it checks against to that file (JSON) instead of checking:
// scripts/lbfgs_golden turns it into testdata/lbfgs_golden.json.
var lbfgsExport = flag.String("lbfgs.export", "", "write TestLBFGSMatchesScikitLearn's design matrix to this JSON file")

// goldenL2 is the golden fit's l2 (scikit-learn's C = 1/(l2*n)).
const goldenL2 = 1e-3

// goldenColumns are 5,000 rows of numbers (one with NULLs), an integer, a
// FLOAT, a text column with NULLs and a BOOLEAN label drawn from a logistic
// model of them: a design with standardised numbers, missing-value
// indicators and one-hot levels.
func goldenColumns() []col {
	f64, f32, i64 := arrow.PrimitiveTypes.Float64, arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Int64
	str := arrow.BinaryTypes.String
	plans := []string{"free", "gold", "pro"}
	return []col{
		{"x1", f64, func(i int) any {
			if i%13 == 0 {
				return nil
			}
			return mix(i, 1)*4 - 2
		}},
		{"x2", i64, func(i int) any { return int64(i * 7 % 100) }},
		{"x3", f32, func(i int) any { return float32(mix(i, 3)) }},
		{"plan", str, func(i int) any {
			if i%17 == 0 {
				return nil
			}
			return plans[int(mix(i, 4)*3)]
		}},
		{"y", arrow.FixedWidthTypes.Boolean, func(i int) any {
			z := 0.8*(mix(i, 1)*4-2) - 0.02*float64(i*7%100-50) + 2*(mix(i, 3)-0.5)
			if plans[int(mix(i, 4)*3)] == "pro" {
				z += 0.7
			}
			return mix(i, 9) < 1/(1+math.Exp(-z))
		}},
	}
}

// goldenFile is testdata/lbfgs_golden.json: scikit-learn's
// LogisticRegression(C=1/(l2*n), tol=1e-10) on the design matrix of
// goldenColumns as ducksight encodes it, and its objective on ducksight's
// scale (mean log loss + l2/2 * ||w||^2, intercept not penalised).
type goldenFile struct {
	L2        float64   `json:"l2"`
	Rows      int       `json:"rows"`
	Inputs    []string  `json:"inputs"`
	Objective float64   `json:"objective"`
	Coef      []float64 `json:"coef"`
	Intercept float64   `json:"intercept"`
	Sklearn   string    `json:"sklearn"`
}

// The lbfgs solver reaches scikit-learn's optimum of the same objective on
// the same design matrix: the objective to 1e-6 relative, every
// coefficient and the intercept to 1e-4 (the bar). The matrix is
// ducksight's own encoding of the rows (standardised numbers, indicators,
// one-hot levels), exported by this test with -lbfgs.export.
func TestLBFGSMatchesScikitLearn(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	src := makeSource(t, mem, 5000, 1024, goldenColumns())
	defer src.Release()
	l2 := goldenL2
	res, err := Train(context.Background(), src, Options{Label: "y", Solver: "lbfgs", ValidationFraction: fptr(0), L2: &l2})
	if err != nil {
		t.Fatal(err)
	}
	doc := res.Doc
	bind, err := doc.Encoder.Bind(src.Schema())
	if err != nil {
		t.Fatal(err)
	}
	names := doc.Encoder.InputNames()
	p := len(names)
	var x [][]float64
	var y []float64
	for _, rec := range src.Batches {
		n := int(rec.NumRows())
		out := make([]float64, n*p)
		if got := bind.Encode(rec, nil, out); got != n {
			t.Fatalf("encoded %d rows of %d", got, n)
		}
		labels := rec.Column(int(rec.NumCols()) - 1).(*array.Boolean)
		for i := 0; i < n; i++ {
			x = append(x, out[i*p:(i+1)*p])
			y = append(y, b2f(labels.Value(i)))
		}
	}
	if *lbfgsExport != "" {
		b, err := json.Marshal(map[string]any{"l2": goldenL2, "inputs": names, "x": x, "y": y})
		if err == nil {
			err = os.WriteFile(*lbfgsExport, b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d rows x %d inputs to %s", len(x), p, *lbfgsExport)
		return
	}
	raw, err := os.ReadFile("testdata/lbfgs_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g goldenFile
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	if g.L2 != goldenL2 || g.Rows != len(x) || len(g.Coef) != p {
		t.Fatalf("golden for l2 %g, %d rows, %d coefficients; this test has %g, %d, %d (regenerate it: scripts/lbfgs_golden)", g.L2, g.Rows, len(g.Coef), goldenL2, len(x), p)
	}
	layer := doc.Network.Layers[0]
	w, b := layer.W, layer.B[0]
	// The objective at ducksight's weights, computed here from its
	// definition, not by the kernel.
	var loss float64
	for i, row := range x {
		z := b
		for j, v := range row {
			z += v * w[j]
		}
		// log(1 + e^z) - y z, stably.
		loss += math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z))) - y[i]*z
	}
	var ww float64
	for _, v := range w {
		ww += v * v
	}
	obj := loss/float64(len(x)) + goldenL2/2*ww
	t.Logf("objective %.12g, scikit-learn's %.12g (%s); gradient norm %v", obj, g.Objective, g.Sklearn, *doc.Metrics.GradientNorm)
	if math.Abs(obj-g.Objective) > 1e-6*math.Abs(g.Objective) {
		t.Errorf("objective %.12g, scikit-learn's %.12g", obj, g.Objective)
	}
	worst := math.Abs(b - g.Intercept)
	for j := range w {
		worst = math.Max(worst, math.Abs(w[j]-g.Coef[j]))
	}
	t.Logf("largest difference of a coefficient or the intercept: %.3g", worst)
	for j := range w {
		if math.Abs(w[j]-g.Coef[j]) > 1e-4 {
			t.Errorf("coefficient of %s: %.8g, scikit-learn's %.8g", names[j], w[j], g.Coef[j])
		}
	}
	if math.Abs(b-g.Intercept) > 1e-4 {
		t.Errorf("intercept %.8g, scikit-learn's %.8g", b, g.Intercept)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
