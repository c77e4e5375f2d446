package repl

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"path/filepath"
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
	name string
	y    []float64
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

	// A bar chart: one bar per label, top to bottom in result order.
	labels []string
	values []float64

	note string // rows left out, or ""
}

// knownChart is one of ducksight's results .chart recognises by its columns.
type knownChart struct {
	title    string
	kind     int
	x        string   // x column (line) or label column (bar)
	y        []string // series (line) or the value column (bar); the first must be present
	diagonal bool     // add the line y = x (calibration)
}

var knownCharts = []knownChart{
	{title: "ROC curve", kind: lineChart, x: "fpr", y: []string{"tpr"}},
	{title: "Lift", kind: lineChart, x: "bin", y: []string{"cumulative_gain", "lift"}},
	{title: "Calibration", kind: lineChart, x: "mean_predicted", y: []string{"observed_rate"}, diagonal: true},
	{title: "Training loss", kind: lineChart, x: "epoch", y: []string{"train_loss", "valid_loss"}},
	{title: "Feature importance", kind: barChart, x: "feature", y: []string{"importance"}},
	{title: "Segment sizes", kind: barChart, x: "segment", y: []string{"size"}},
}

// newChart chooses a chart for a result from its shape: one of
// knownCharts; else a bar chart when there is a text column and one numeric
// column (or the first numeric column does not look like an x axis); else a
// line chart of the first numeric column as x and the others as series; a
// single numeric column is drawn over the row number.
func newChart(r *lastResult) (*chart, error) {
	if len(r.rows) == 0 {
		return nil, errors.New("cannot chart the last result: it has no rows")
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
		if k.diagonal {
			c.series = append(c.series, series{name: "perfect", y: append([]float64(nil), c.x...)})
		}
		return c, nil
	}
	switch {
	case len(numeric) == 0:
		return nil, errors.New("cannot chart the last result: it has no numeric column")
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
	}
	return c, nil
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
		return c.writeFile(file)
	}
	width := TerminalWidth(s.out)
	color := width > 0
	if width <= 0 {
		width = 80
	}
	_, err = fmt.Fprint(s.out, c.text(width, color))
	return err
}
