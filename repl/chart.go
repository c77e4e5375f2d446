package repl

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// This file implements .chart: it draws the last result a session rendered,
// as text on the session's output (braille lines, block bars) or, with a
// file name, as a PNG or SVG image (chart_image.go).

// maxChartRows bounds how many rows of a result a session keeps for .chart.
const maxChartRows = 100_000

// lastResult is the result a session rendered last: its columns and (the
// first maxChartRows of) its rows as scanned.
type lastResult struct {
	cols    []Column
	rows    [][]any
	dropped int64 // rows after the first maxChartRows, not kept
}

// add keeps one row of the result (or counts it as dropped).
func (r *lastResult) add(row []any) {
	if len(r.rows) >= maxChartRows {
		r.dropped++
		return
	}
	r.rows = append(r.rows, row)
}

// ErrNoChartResult is the error of .chart before any result was rendered.
var ErrNoChartResult = errors.New("no result to chart")

// chartKinds of a chart.
const (
	lineChart = iota
	barChart
)

// series is one line of a line chart: y values aligned with the chart's x
// values, NaN where a value is NULL.
type series struct {
	name  string
	x     []float64 // the series' own x values; nil: the chart's
	y     []float64
	ref   bool // a reference line (a diagonal): dashed in images, dotted in text
	panel int  // 0, or 1 for a series drawn in a second panel on its own scale
}

// chart is what .chart draws, independent of the output.
type chart struct {
	kind  int
	title string
	xName string // the x axis: the column of x (line), of the values (bar)
	yName string // the y axis of a line chart with one series

	// A line chart: x values and series over them.
	x      []float64
	series []series
	unit   bool // both axes span [0, 1] (ROC curve, calibration)

	// A bar chart: one bar per label, top to bottom in result order.
	labels []string
	values []float64

	note string // rows left out, or ""
}

// knownChart is one of ducksight's results .chart recognises by its columns.
type knownChart struct {
	title    string
	source   string // the function whose result it is, for messages
	kind     int
	x        string   // x column (line) or label column (bar)
	y        []string // series (line) or the value column (bar); the first must be present
	diagonal string   // the name of the line y = x drawn as a reference, or ""
	unit     bool     // both axes span [0, 1]
	split    bool     // each series in a panel of its own (different scales)
	auc      bool     // the area under the curve in the title
	yName    string   // the y axis's name, when not the one series'
	baseline bool     // lift's references: a random ordering's gain and lift
}

var knownCharts = []knownChart{
	{title: "ROC curve", source: "roc_curve", kind: lineChart, x: "fpr", y: []string{"tpr"}, diagonal: "random", unit: true, auc: true},
	{title: "Lift", source: "lift", kind: lineChart, x: "bin", y: []string{"cumulative_gain", "lift"}, split: true, baseline: true},
	{title: "Calibration", source: "calibration", kind: lineChart, x: "mean_predicted", y: []string{"observed_rate"}, diagonal: "perfect", unit: true},
	{title: "Training loss", source: "training_info", kind: lineChart, x: "epoch", y: []string{"train_loss", "valid_loss"}, yName: "loss"},
	{title: "Training loss", source: "training_info", kind: lineChart, x: "round", y: []string{"train_loss", "valid_loss"}, yName: "loss"},
	{title: "Segment k scores", source: "segment_k_scores", kind: lineChart, x: "k", y: []string{"inertia", "silhouette"}, split: true},
	{title: "Feature importance", source: "feature_importance", kind: barChart, x: "feature", y: []string{"importance"}},
	{title: "Segment sizes", source: "segment_profile", kind: barChart, x: "segment", y: []string{"size"}},
}

// chartShapes lists what .chart can draw, for the message refusing a
// result it cannot.
func chartShapes() string {
	var known []string
	seen := map[string]bool{}
	for _, k := range knownCharts {
		if !seen[k.source] {
			seen[k.source] = true
			known = append(known, k.source)
		}
	}
	return "the results of " + strings.Join(known, ", ") +
		"; bars of a text column and a number column; lines of numeric columns over the first (at least 2 rows); one numeric column over the row number"
}

// cannotChart is the error refusing a result of no chart shape.
func cannotChart(why string) error {
	return fmt.Errorf("cannot chart the last result: %s; .chart draws %s", why, chartShapes())
}

// newChart chooses a chart for a result from its shape: one of
// knownCharts; else a bar chart when there is a text column and one numeric
// column (or the first numeric column does not look like an x axis); else a
// line chart of the first numeric column as x and the others as series; a
// single numeric column is drawn over the row number.
func newChart(r *lastResult) (*chart, error) {
	if len(r.rows) == 0 {
		return nil, cannotChart("it has no rows")
	}
	index := map[string]int{}
	var numeric []int
	label := -1
	for i, c := range r.cols {
		if _, ok := index[strings.ToLower(c.Name)]; !ok {
			index[strings.ToLower(c.Name)] = i
		}
		if parseType(c.Type).isNumeric() {
			numeric = append(numeric, i)
		} else if label < 0 && isLabelType(c.Type) {
			label = i
		}
	}
	c := &chart{}
	if r.dropped > 0 {
		c.note = fmt.Sprintf("charted the first %d rows; %d more were not kept", len(r.rows), r.dropped)
	}
	for _, k := range knownCharts {
		xi, ok := index[k.x]
		yi, ok1 := index[k.y[0]]
		if !ok || !ok1 || !parseType(r.cols[yi].Type).isNumeric() {
			continue
		}
		c.title, c.kind = k.title, k.kind
		if k.kind == barChart {
			c.setBars(r, xi, yi)
			return c, nil
		}
		if !parseType(r.cols[xi].Type).isNumeric() {
			continue
		}
		ys := []int{}
		for _, name := range k.y {
			if i, ok := index[name]; ok && parseType(r.cols[i].Type).isNumeric() {
				ys = append(ys, i)
			}
		}
		c.setLines(r, xi, ys)
		c.unit = k.unit
		if k.split {
			for i := range c.series {
				c.series[i].panel = min(i, 1)
			}
		}
		if k.auc {
			if auc := trapezoidAUC(c.x, c.series[0].y); !math.IsNaN(auc) {
				c.title += fmt.Sprintf(" (AUC %.3f)", auc)
			}
		}
		if k.yName != "" {
			c.yName = k.yName
		}
		if k.diagonal != "" {
			c.series = append(c.series, series{name: k.diagonal, x: []float64{0, 1}, y: []float64{0, 1}, ref: true})
		}
		if k.baseline {
			c.addLiftBaselines()
		}
		return c, nil
	}
	switch {
	case len(numeric) == 0:
		return nil, cannotChart("it has no numeric column")
	case label < 0 && len(numeric) > 1 && len(r.rows) < 2:
		return nil, cannotChart("lines need at least 2 rows")
	case label >= 0 && (len(numeric) == 1 || !looksLikeX(r, numeric[0])):
		c.kind = barChart
		c.title = r.cols[numeric[0]].Name + " by " + r.cols[label].Name
		c.setBars(r, label, numeric[0])
	case len(numeric) == 1:
		c.kind = lineChart
		c.title = r.cols[numeric[0]].Name + " by row"
		c.xName = "row"
		c.x = make([]float64, len(r.rows))
		for i := range c.x {
			c.x[i] = float64(i + 1)
		}
		c.series = []series{{name: r.cols[numeric[0]].Name, y: chartColumn(r, numeric[0])}}
		c.yName = r.cols[numeric[0]].Name
	default:
		c.kind = lineChart
		c.setLines(r, numeric[0], numeric[1:])
		names := make([]string, len(c.series))
		for i, s := range c.series {
			names[i] = s.name
		}
		c.title = strings.Join(names, ", ") + " by " + c.xName
		c.splitScales()
	}
	return c, nil
}

// addLiftBaselines adds to a lift chart what a random ordering of the
// rows gives: a cumulative gain of bin/bins (from 0 at bin 0) and a lift
// of 1, each in the panel of its series.
func (c *chart) addLiftBaselines() {
	_, bins := finiteRange(c.x)
	if math.IsInf(bins, 0) || bins <= 0 {
		return
	}
	for _, s := range c.series {
		switch s.name {
		case "cumulative_gain":
			c.series = append(c.series, series{name: "random", x: []float64{0, bins}, y: []float64{0, 1}, ref: true, panel: s.panel})
		case "lift":
			lo, _ := finiteRange(c.x)
			c.series = append(c.series, series{name: "random", x: []float64{lo, bins}, y: []float64{1, 1}, ref: true, panel: s.panel})
		}
	}
}

// xOf returns the x values of series s: its own, or the chart's.
func (c *chart) xOf(s series) []float64 {
	if s.x != nil {
		return s.x
	}
	return c.x
}

// xRange is the range of the x values of the chart and of its series
// with x values of their own, taking in 0..1 for a chart on the unit
// square, and widened when it is one value: the x axis's range.
func (c *chart) xRange() (lo, hi float64) {
	lo, hi = finiteRange(c.x)
	for _, s := range c.series {
		if s.x != nil {
			l, h := finiteRange(s.x)
			lo, hi = math.Min(lo, l), math.Max(hi, h)
		}
	}
	if c.unit {
		lo, hi = math.Min(lo, 0), math.Max(hi, 1)
	}
	return widen(lo, hi)
}

// yRange is the range of the y values of the series ids, taking in 0..1
// for a chart on the unit square, and widened when it is one value: the
// range a panel of them shows.
func (c *chart) yRange(ids []int) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, i := range ids {
		l, h := finiteRange(c.series[i].y)
		lo, hi = math.Min(lo, l), math.Max(hi, h)
	}
	if c.unit {
		lo, hi = math.Min(lo, 0), math.Max(hi, 1)
	}
	return widen(lo, hi)
}

// scaleFactor is how much larger one series' values may be than another's
// before splitScales gives them panels of their own.
const scaleFactor = 10

// splitScales moves series on a much smaller scale than the largest to a
// second panel. A series' scale is its largest absolute finite value; a
// series whose scale is more than scaleFactor times smaller than the
// largest (and not 0) goes to panel 1 with the other small ones; the rest
// stay in panel 0.
func (c *chart) splitScales() {
	scales := make([]float64, len(c.series))
	top := 0.0
	for i, s := range c.series {
		lo, hi := finiteRange(s.y)
		if !math.IsInf(lo, 1) {
			scales[i] = math.Max(math.Abs(lo), math.Abs(hi))
		}
		top = math.Max(top, scales[i])
	}
	for i := range c.series {
		if scales[i] > 0 && scales[i]*scaleFactor < top {
			c.series[i].panel = 1
		}
	}
}

// panels returns the series of each panel of a line chart, by index: one
// panel, or two when series are on different scales.
func (c *chart) panels() [][]int {
	var p [][]int
	for i, s := range c.series {
		for len(p) <= s.panel {
			p = append(p, nil)
		}
		p[s.panel] = append(p[s.panel], i)
	}
	out := p[:0]
	for _, ids := range p {
		if len(ids) > 0 {
			out = append(out, ids)
		}
	}
	return out
}

// trapezoidAUC is the area under the curve of the points (x[i], y[i]) by
// the trapezoid rule, the points sorted by x (then y) and the curve closed
// at (0, 0) and (1, 1), as an ROC curve is; NaN when no point is finite.
func trapezoidAUC(x, y []float64) float64 {
	type pt struct{ x, y float64 }
	pts := []pt{{0, 0}, {1, 1}}
	n := 0
	for i := range x {
		if i < len(y) && !math.IsNaN(x[i]) && !math.IsNaN(y[i]) && !math.IsInf(x[i], 0) && !math.IsInf(y[i], 0) {
			pts = append(pts, pt{x[i], y[i]})
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	sort.Slice(pts, func(i, j int) bool {
		if pts[i].x != pts[j].x {
			return pts[i].x < pts[j].x
		}
		return pts[i].y < pts[j].y
	})
	area := 0.0
	for i := 1; i < len(pts); i++ {
		area += (pts[i].x - pts[i-1].x) * (pts[i].y + pts[i-1].y) / 2
	}
	return area
}

// setLines makes c a line chart of the columns ys over the column x.
func (c *chart) setLines(r *lastResult, x int, ys []int) {
	c.xName = r.cols[x].Name
	c.x = chartColumn(r, x)
	for _, i := range ys {
		c.series = append(c.series, series{name: r.cols[i].Name, y: chartColumn(r, i)})
	}
	if len(ys) == 1 {
		c.yName = r.cols[ys[0]].Name
	}
}

// setBars makes c a bar chart of the values of column v labelled by column l.
func (c *chart) setBars(r *lastResult, l, v int) {
	c.xName = r.cols[v].Name
	t := parseType(r.cols[l].Type)
	for _, row := range r.rows {
		c.labels = append(c.labels, formatValue(row[l], t, false))
	}
	c.values = chartColumn(r, v)
}

// isLabelType reports whether values of a column of the type name can label
// bars: anything but lists, arrays, structs, maps, unions and blobs.
func isLabelType(name string) bool {
	up := strings.ToUpper(name)
	for _, p := range []string{"STRUCT", "MAP", "UNION", "LIST", "BLOB"} {
		if strings.HasPrefix(up, p) {
			return false
		}
	}
	return !strings.HasSuffix(up, "]")
}

// looksLikeX reports whether column i rises (or falls) from row to row, as
// an x axis does.
func looksLikeX(r *lastResult, i int) bool {
	v := chartColumn(r, i)
	up, down := true, true
	for j := 1; j < len(v); j++ {
		if math.IsNaN(v[j]) || math.IsNaN(v[j-1]) {
			return false
		}
		up = up && v[j] >= v[j-1]
		down = down && v[j] <= v[j-1]
	}
	return up || down
}

// chartColumn returns the values of column i as floats, NaN for NULL and
// values that are not numbers.
func chartColumn(r *lastResult, i int) []float64 {
	out := make([]float64, len(r.rows))
	for j, row := range r.rows {
		out[j] = toFloat(row[i])
	}
	return out
}

// toFloat converts a scanned numeric value to float64; NaN when it is NULL
// or not a number.
func toFloat(v any) float64 {
	switch v := v.(type) {
	case float64:
		return v
	case float32:
		return float64(v)
	case int:
		return float64(v)
	case int8:
		return float64(v)
	case int16:
		return float64(v)
	case int32:
		return float64(v)
	case int64:
		return float64(v)
	case uint8:
		return float64(v)
	case uint16:
		return float64(v)
	case uint32:
		return float64(v)
	case uint64:
		return float64(v)
	case *big.Int:
		if v == nil {
			return math.NaN()
		}
		f, _ := new(big.Float).SetInt(v).Float64()
		return f
	case duckdb.Decimal:
		if v.Value == nil {
			return math.NaN()
		}
		return v.Float64()
	case string:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	}
	return math.NaN()
}

// dotChart is .chart [FILE]: it draws the last result on the output, or to
// FILE (.png or .svg).
func dotChart(_ context.Context, s *Session, d dotCall) error {
	file := ""
	if len(d.args) == 1 {
		file = d.args[0]
		if ext := strings.ToLower(filepath.Ext(file)); ext != ".png" && ext != ".svg" {
			return fmt.Errorf("%w: %q (want a .png or .svg file)", ErrBadArgument, file)
		}
	}
	if s.last == nil {
		return ErrNoChartResult
	}
	c, err := newChart(s.last)
	if err != nil {
		return err
	}
	if file != "" {
		w, h, size, err := c.writeFile(file)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(s.stdout, "wrote %s (%dx%d, %s)\n", file, w, h, byteSize(size))
		return err
	}
	width := TerminalWidth(s.out)
	color := width > 0
	if width <= 0 {
		width = 80
	}
	_, err = fmt.Fprint(s.out, c.text(width, color))
	return err
}

// byteSize formats a file size: 812 B, 23.1 KB, 1.4 MB.
func byteSize(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
}
