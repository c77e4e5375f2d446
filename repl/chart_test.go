package repl

import (
	"bytes"
	"fmt"
	"image/png"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/duckdb/duckdb-go/v2"
)

// Fixtures of .chart: results as a session keeps them.
var (
	rocResult = &lastResult{
		cols: []Column{{"threshold", "DOUBLE"}, {"fpr", "DOUBLE"}, {"tpr", "DOUBLE"}},
		rows: [][]any{
			{1.0, 0.0, 0.0}, {0.9, 0.0, 0.3}, {0.8, 0.05, 0.55}, {0.7, 0.1, 0.7},
			{0.5, 0.2, 0.85}, {0.3, 0.4, 0.93}, {0.1, 0.7, 0.98}, {0.0, 1.0, 1.0},
		},
	}
	liftResult = &lastResult{
		cols: []Column{{"bin", "INTEGER"}, {"cumulative_gain", "DOUBLE"}, {"lift", "DOUBLE"}},
		rows: [][]any{
			{int32(1), 0.3, 3.0}, {int32(2), 0.5, 2.5}, {int32(3), 0.65, 2.1667}, {int32(4), 0.75, 1.875},
			{int32(5), 0.83, 1.66}, {int32(6), 0.89, 1.4833}, {int32(7), 0.93, 1.3286}, {int32(8), 0.96, 1.2},
			{int32(9), 0.99, 1.1}, {int32(10), 1.0, 1.0},
		},
	}
	kScoresResult = &lastResult{
		cols: []Column{{"k", "INTEGER"}, {"inertia", "DOUBLE"}, {"silhouette", "DOUBLE"}},
		rows: [][]any{
			{int32(2), 39600.0, 0.515}, {int32(3), 27100.0, 0.548}, {int32(4), 19600.0, 0.491}, {int32(5), 16400.0, 0.475},
			{int32(6), 13400.0, 0.433}, {int32(7), 11600.0, 0.435}, {int32(8), 10300.0, 0.415}, {int32(9), 9000.0, 0.419},
			{int32(10), 8000.0, 0.403},
		},
	}
	calibrationResult = &lastResult{
		cols: []Column{{"bin", "INTEGER"}, {"mean_predicted", "DOUBLE"}, {"observed_rate", "DOUBLE"}, {"rows", "BIGINT"}},
		rows: [][]any{
			{int32(1), 0.05, 0.055, int64(1778)}, {int32(2), 0.14, 0.12, int64(809)}, {int32(3), 0.25, 0.25, int64(380)},
			{int32(4), 0.35, 0.375, int64(280)}, {int32(5), 0.44, 0.45, int64(203)}, {int32(6), 0.55, 0.52, int64(161)},
			{int32(7), 0.65, 0.69, int64(127)}, {int32(8), 0.75, 0.70, int64(90)}, {int32(9), 0.86, 0.88, int64(60)},
			{int32(10), 0.95, nil, int64(0)},
		},
	}
	trainingResult = &lastResult{
		cols: []Column{{"epoch", "INTEGER"}, {"train_loss", "DOUBLE"}, {"valid_loss", "DOUBLE"}},
		rows: [][]any{
			{int32(1), 0.423, 0.399}, {int32(2), 0.390, 0.392}, {int32(3), 0.383, 0.384}, {int32(4), 0.378, 0.386},
			{int32(5), 0.377, 0.385}, {int32(6), 0.374, 0.384}, {int32(7), 0.373, 0.381}, {int32(8), 0.372, 0.382},
		},
	}
	negativeBarResult = &lastResult{
		cols: []Column{{"feature", "VARCHAR"}, {"importance", "DOUBLE"}},
		rows: [][]any{
			{"days_since_last_purchase", 0.1377}, {"monthly_spend", 0.0443}, {"age", 0.0202},
			{"gender", -0.0001}, {"income", -0.0013}, {"region", -0.0295},
		},
	}
	barResult = &lastResult{
		cols: []Column{{"feature", "VARCHAR"}, {"importance", "DOUBLE"}},
		rows: [][]any{
			{"tenure", 0.41}, {"monthly_charges", 0.27}, {"contract", 0.18},
			{"a_very_long_feature_name_that_is_cut_to_fit_the_width", 0.09}, {"age", 0.05}, {"unknown", nil},
		},
	}
)

// TestChartGolden draws the fixtures as text 80 columns wide and compares
// them with testdata/chart/NAME.golden. After a reviewed change, refresh
// them with go test ./repl/ -run TestChartGolden -update.
func TestChartGolden(t *testing.T) {
	for _, tc := range []struct {
		name  string
		r     *lastResult
		width int
	}{
		{"roc", rocResult, 80},
		{"lift", liftResult, 80},
		{"bars", barResult, 80},
		{"roc_narrow", rocResult, 40},
		{"calibration", calibrationResult, 80},
		{"segment_k_scores", kScoresResult, 80},
		{"training_info", trainingResult, 80},
		{"negative_bars", negativeBarResult, 80},
		{"negative_bars_narrow", negativeBarResult, 50},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := newChart(tc.r)
			if err != nil {
				t.Fatal(err)
			}
			got := c.text(tc.width, false)
			for i, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
				if w := Width(l); w > tc.width {
					t.Errorf("line %d is %d columns wide, more than %d: %q", i+1, w, tc.width, l)
				}
			}
			if strings.Contains(got, "\x1b") {
				t.Errorf("plain chart has escape sequences:\n%s", got)
			}
			path := filepath.Join("testdata", "chart", tc.name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("chart %s differs from %s:\n--- got\n%s--- want\n%s", tc.name, path, got, want)
			}
		})
	}
}

func TestChartChoice(t *testing.T) {
	for _, tc := range []struct {
		name   string
		r      *lastResult
		kind   int
		title  string
		x      string
		series []string
	}{
		{"roc", rocResult, lineChart, "ROC curve (AUC 0.892)", "fpr", []string{"tpr", "random"}},
		{"lift", liftResult, lineChart, "Lift", "bin", []string{"cumulative_gain", "lift", "random", "random"}},
		{"segment_k_scores", kScoresResult, lineChart, "Segment k scores", "k", []string{"inertia", "silhouette"}},
		{"calibration", &lastResult{
			cols: []Column{{"bin", "INTEGER"}, {"mean_predicted", "DOUBLE"}, {"observed_rate", "DOUBLE"}, {"count", "BIGINT"}},
			rows: [][]any{{int32(1), 0.1, 0.12, int64(10)}, {int32(2), 0.5, 0.4, int64(10)}},
		}, lineChart, "Calibration", "mean_predicted", []string{"observed_rate", "perfect"}},
		{"training_info", &lastResult{
			cols: []Column{{"epoch", "INTEGER"}, {"train_loss", "DOUBLE"}, {"valid_loss", "DOUBLE"}, {"valid_metric", "DOUBLE"}},
			rows: [][]any{{int32(1), 0.9, nil, nil}, {int32(2), 0.5, nil, nil}},
		}, lineChart, "Training loss", "epoch", []string{"train_loss", "valid_loss"}},
		{"training_info, boosted trees", &lastResult{
			cols: []Column{{"round", "INTEGER"}, {"train_loss", "DOUBLE"}, {"valid_loss", "DOUBLE"}},
			rows: [][]any{{int32(1), 0.9, 0.95}, {int32(2), 0.5, 0.6}},
		}, lineChart, "Training loss", "round", []string{"train_loss", "valid_loss"}},
		{"feature_importance", barResult, barChart, "Feature importance", "importance", nil},
		{"segments", &lastResult{
			cols: []Column{{"segment", "INTEGER"}, {"size", "BIGINT"}, {"share", "DOUBLE"}},
			rows: [][]any{{int32(0), int64(40), 0.4}, {int32(1), int64(60), 0.6}},
		}, barChart, "Segment sizes", "size", nil},
		{"group by", &lastResult{
			cols: []Column{{"city", "VARCHAR"}, {"count_star()", "BIGINT"}},
			rows: [][]any{{"Oslo", int64(3)}, {"Rome", int64(5)}},
		}, barChart, "count_star() by city", "count_star()", nil},
		{"group by, two numbers", &lastResult{
			cols: []Column{{"city", "VARCHAR"}, {"n", "BIGINT"}, {"avg", "DOUBLE"}},
			rows: [][]any{{"Oslo", int64(3), 1.5}, {"Rome", int64(5), 2.5}, {"Bern", int64(1), 0.5}},
		}, barChart, "n by city", "n", nil},
		{"generic lines", &lastResult{
			cols: []Column{{"name", "VARCHAR"}, {"t", "DECIMAL(4,1)"}, {"a", "HUGEINT"}, {"b", "FLOAT"}},
			rows: [][]any{{"x", decimal(10, 1), big.NewInt(3), float32(1)}, {"y", decimal(20, 1), big.NewInt(4), float32(2)}},
		}, lineChart, "a, b by t", "t", []string{"a", "b"}},
		{"one number", &lastResult{
			cols: []Column{{"v", "DOUBLE"}},
			rows: [][]any{{1.0}, {3.0}, {2.0}},
		}, lineChart, "v by row", "row", []string{"v"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := newChart(tc.r)
			if err != nil {
				t.Fatal(err)
			}
			if c.kind != tc.kind || c.title != tc.title || c.xName != tc.x {
				t.Errorf("kind %d title %q x %q, want %d %q %q", c.kind, c.title, c.xName, tc.kind, tc.title, tc.x)
			}
			var names []string
			for _, s := range c.series {
				names = append(names, s.name)
			}
			if strings.Join(names, ",") != strings.Join(tc.series, ",") {
				t.Errorf("series %q, want %q", names, tc.series)
			}
		})
	}
}

func TestChartValues(t *testing.T) {
	c, err := newChart(&lastResult{
		cols: []Column{{"t", "DECIMAL(4,1)"}, {"a", "HUGEINT"}, {"b", "UBIGINT"}},
		rows: [][]any{{decimal(15, 1), big.NewInt(-3), uint64(7)}, {nil, nil, nil}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.x[0] != 1.5 || c.series[0].y[0] != -3 || c.series[1].y[0] != 7 {
		t.Errorf("x %v series %v", c.x, c.series)
	}
	if !math.IsNaN(c.x[1]) || !math.IsNaN(c.series[0].y[1]) {
		t.Errorf("NULL is not NaN: x %v series %v", c.x, c.series)
	}
}

func TestChartErrors(t *testing.T) {
	for _, tc := range []struct {
		r    *lastResult
		want string
	}{
		{&lastResult{cols: []Column{{"name", "VARCHAR"}, {"d", "DATE"}}, rows: [][]any{{"a", nil}}}, "no numeric column"},
		{&lastResult{cols: []Column{{"x", "DOUBLE"}}}, "no rows"},
	} {
		if _, err := newChart(tc.r); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want one with %q", err, tc.want)
		}
	}
}

func TestChartKeepsRows(t *testing.T) {
	r := &lastResult{}
	for i := range maxChartRows + 5 {
		r.add([]any{float64(i)})
	}
	if len(r.rows) != maxChartRows || r.dropped != 5 {
		t.Fatalf("kept %d dropped %d", len(r.rows), r.dropped)
	}
	r.cols = []Column{{"x", "DOUBLE"}}
	c, err := newChart(r)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.text(80, false); !strings.Contains(got, "5 more were not kept") {
		t.Errorf("no note of the dropped rows:\n%s", got)
	}
}

func TestChartColor(t *testing.T) {
	c, err := newChart(liftResult)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.text(80, true); !strings.Contains(got, "\x1b[31m") || !strings.Contains(got, "\x1b[34m") {
		t.Errorf("no series colours:\n%q", got)
	}
}

func TestBlocksAndBraille(t *testing.T) {
	for n, want := range map[float64]string{0: "", 0.125: "▏", 1: "█", 2.5: "██▌", 3.875: "███▉"} {
		if got := blocks(n); got != want {
			t.Errorf("blocks(%v) = %q, want %q", n, got, want)
		}
	}
	// Dots 1-8 of a braille cell: ⠁⠂⠄⠈⠐⠠⡀⢀.
	want := []rune("⠁⠂⠄⡀⠈⠐⠠⢀")
	for x := range 2 {
		for y := range 4 {
			if got := rune(0x2800) + brailleBit(x, y); got != want[x*4+y] {
				t.Errorf("dot (%d,%d) = %c, want %c", x, y, got, want[x*4+y])
			}
		}
	}
}

// TestDotChart runs .chart in a session: on the output, to PNG and SVG
// files, and its errors.
func TestDotChart(t *testing.T) {
	dir := t.TempDir()
	png1 := filepath.Join(dir, "roc.png")
	svg1 := filepath.Join(dir, "bars.svg")
	out, errOut, failures := run(t, "t.sql", `.chart
SELECT 'a' AS name;
.chart
.mode csv
SELECT * FROM (VALUES (0.0, 0.0), (0.1, 0.6), (0.5, 0.9), (1.0, 1.0)) t(fpr, tpr);
.chart
.chart '`+png1+`'
.chart out.txt
SELECT * FROM (VALUES ('x', 3), ('y', 1)) t(label, n);
.chart '`+svg1+`'
`, nil)
	if failures != 3 {
		t.Errorf("failures = %d, want 3; stderr:\n%s", failures, errOut)
	}
	for _, want := range []string{
		"t.sql:1: Error: no result to chart",
		"t.sql:3: Error: cannot chart the last result: it has no numeric column; .chart draws the results of roc_curve, lift, calibration, training_info, segment_k_scores, feature_importance, segment_profile; bars of",
		`t.sql:8: Error: bad argument: "out.txt" (want a .png or .svg file)`,
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if !strings.Contains(out, "ROC curve (AUC 0.805)\n") || !strings.Contains(out, "⠁") && !strings.ContainsAny(out, "⠀⡀⢀⠄⠂") {
		t.Errorf("no ROC chart in the output:\n%s", out)
	}
	f, err := os.Open(png1)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 640 || b.Dy() != 480 {
		t.Errorf("PNG is %dx%d, want 640x480", b.Dx(), b.Dy())
	}
	fi, err := os.Stat(png1)
	if err != nil {
		t.Fatal(err)
	}
	if want := "wrote " + png1 + " (640x480, " + byteSize(fi.Size()) + ")\n"; !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
	svg, err := os.ReadFile(svg1)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(svg, []byte("<?xml")) && !bytes.HasPrefix(svg, []byte("<svg")) {
		t.Errorf("SVG starts with %q", svg[:min(len(svg), 40)])
	}
	if !bytes.Contains(svg, []byte("n by label")) {
		t.Errorf("SVG lacks the title")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Errorf("directory has %d files (temporary files left?): %v", len(entries), entries)
	}
}

// decimal is the DECIMAL(4,1) value v/10 as duckdb-go scans it.
func decimal(v int64, scale uint8) duckdb.Decimal {
	return duckdb.Decimal{Width: 4, Scale: scale, Value: big.NewInt(v)}
}

func TestTrapezoidAUC(t *testing.T) {
	for _, tc := range []struct {
		x, y []float64
		want float64
	}{
		// rocResult by hand: 0.05*(0.3+0.55)/2 + 0.05*(0.55+0.7)/2 + 0.1*(0.7+0.85)/2
		// + 0.2*(0.85+0.93)/2 + 0.3*(0.93+0.98)/2 + 0.3*(0.98+1)/2.
		{[]float64{1, 0.7, 0.4, 0.2, 0.1, 0.05, 0, 0}, []float64{1, 0.98, 0.93, 0.85, 0.7, 0.55, 0.3, 0}, 0.8915},
		{[]float64{0.5}, []float64{0.5}, 0.5},       // closed at (0, 0) and (1, 1): the diagonal
		{[]float64{0, 0, 1}, []float64{0, 1, 1}, 1}, // perfect, with a vertical step
		{[]float64{0.5, math.NaN()}, []float64{1, 0}, 0.75},
		{[]float64{math.NaN()}, []float64{1}, math.NaN()},
	} {
		got := trapezoidAUC(tc.x, tc.y)
		if math.IsNaN(tc.want) != math.IsNaN(got) || !math.IsNaN(got) && math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("trapezoidAUC(%v, %v) = %v, want %v", tc.x, tc.y, got, tc.want)
		}
	}
}

// TestSplitScales: series whose largest absolute values differ by more
// than a factor of 10 go to panels of their own; within 10 they share one.
func TestSplitScales(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cols   []Column
		rows   [][]any
		panels string
	}{
		{"same scale", []Column{{"x", "INTEGER"}, {"a", "DOUBLE"}, {"b", "DOUBLE"}},
			[][]any{{int32(1), 1.0, 5.0}, {int32(2), 2.0, 9.9}}, "[[0 1]]"},
		{"factor 10 exactly", []Column{{"x", "INTEGER"}, {"a", "DOUBLE"}, {"b", "DOUBLE"}},
			[][]any{{int32(1), 1.0, 5.0}, {int32(2), -1.0, 10.0}}, "[[0 1]]"},
		{"factor 100", []Column{{"x", "INTEGER"}, {"a", "DOUBLE"}, {"b", "DOUBLE"}, {"c", "DOUBLE"}},
			[][]any{{int32(1), 100.0, 0.5, 60.0}, {int32(2), 90.0, 1.0, 70.0}}, "[[0 2] [1]]"},
		{"all zero stays", []Column{{"x", "INTEGER"}, {"a", "DOUBLE"}, {"b", "DOUBLE"}},
			[][]any{{int32(1), 100.0, 0.0}, {int32(2), 90.0, 0.0}}, "[[0 1]]"},
		{"segment_k_scores", kScoresResult.cols, kScoresResult.rows, "[[0] [1]]"},
		{"lift", liftResult.cols, liftResult.rows, "[[0 2] [1 3]]"},
	} {
		c, err := newChart(&lastResult{cols: tc.cols, rows: tc.rows})
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(c.panels()); got != tc.panels {
			t.Errorf("%s: panels %s, want %s", tc.name, got, tc.panels)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		n      int
		extend bool
		want   string
	}{
		{0, 1, 6, true, "0 1 [0 0.2 0.4 0.6 0.8 1]"},
		{0.363, 0.423, 5, true, "0.36 0.44 [0.36 0.38 0.4 0.42 0.44]"},
		{8000, 39600, 4, true, "0 40000 [0 20000 40000]"},
		{-0.0295, 0.1377, 4, false, "-0.0295 0.1377 [0 0.1]"},
		{1, 10, 8, false, "1 10 [2 4 6 8 10]"},
		{0.1, 0.3, 3, false, "0.1 0.3 [0.1 0.2 0.3]"},
	} {
		lo, hi, ticks := niceTicks(tc.lo, tc.hi, tc.n, tc.extend)
		if got := fmt.Sprint(lo, " ", hi, " ", ticks); got != tc.want {
			t.Errorf("niceTicks(%g, %g, %d, %v) = %s, want %s", tc.lo, tc.hi, tc.n, tc.extend, got, tc.want)
		}
	}
}

// TestChartRefusal: a result of no chart shape is refused with the shapes
// .chart can draw.
func TestChartRefusal(t *testing.T) {
	_, err := newChart(&lastResult{
		cols: []Column{{"accuracy", "DOUBLE"}, {"roc_auc", "DOUBLE"}, {"rows", "BIGINT"}},
		rows: [][]any{{0.8, 0.83, int64(4000)}},
	})
	if err == nil {
		t.Fatal("a one-row result of numbers was charted")
	}
	for _, want := range []string{"lines need at least 2 rows", "roc_curve", "lift", "calibration", "training_info", "segment_k_scores", "feature_importance", "bars of a text column"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestByteSize(t *testing.T) {
	for n, want := range map[int64]string{812: "812 B", 1024: "1.0 KB", 23654: "23.1 KB", 3 << 20: "3.0 MB"} {
		if got := byteSize(n); got != want {
			t.Errorf("byteSize(%d) = %q, want %q", n, got, want)
		}
	}
}
