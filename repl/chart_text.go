package repl

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Text charts: lines in braille cells (2x4 dots a cell), bars in eighth
// blocks, both with min/max tick labels, fitted to a width.

const (
	chartPlotRows = 16 // rows of the plot area of a line chart
	chartMaxBars  = 40 // bars a text bar chart shows at most
	chartMinPlot  = 10 // narrowest plot area, whatever the width
)

// seriesColors are the ANSI colours of series on a terminal.
var seriesColors = []string{"34", "31", "32", "33", "35", "36"}

// text draws c in width columns; with color, series are coloured (ANSI).
func (c *chart) text(width int, color bool) string {
	var b strings.Builder
	b.WriteString(c.title + "\n")
	if c.kind == barChart {
		c.barText(&b, width)
	} else {
		c.lineText(&b, width, color)
	}
	if c.note != "" {
		b.WriteString("(" + c.note + ")\n")
	}
	return b.String()
}

// seriesKey is the character that marks series i at its last point.
func seriesKey(i int) byte {
	const keys = "123456789abcdefghijklmnopqrstuvwxyz"
	return keys[i%len(keys)]
}

// lineText draws a line chart: one panel, or two stacked over the same x
// axis when series are on different scales, each with its own y axis.
func (c *chart) lineText(b *strings.Builder, width int, color bool) {
	xmin, xmax := c.xRange()
	panels := c.panels()
	type yaxis struct {
		lo, hi float64
		ticks  []float64
		labels []string
	}
	axes := make([]yaxis, len(panels))
	rows := chartPlotRows
	if len(panels) > 1 {
		rows = chartPlotRows/2 + 1
	}
	lw := 0
	for pi, ids := range panels {
		lo, hi := c.yRange(ids)
		a := yaxis{}
		a.lo, a.hi, a.ticks = niceTicks(lo, hi, max(rows/3, 2), true)
		for _, t := range a.ticks {
			a.labels = append(a.labels, formatTick(t))
			lw = max(lw, Width(a.labels[len(a.labels)-1]))
		}
		axes[pi] = a
	}
	cols := max(width-lw-3, chartMinPlot)
	dw := cols * 2
	px := func(x float64) int { return int(math.Round((x - xmin) / (xmax - xmin) * float64(dw-1))) }
	xticks := c.xTicks(xmin, xmax, cols, px)
	keyed := len(c.series) > 1
	for pi, ids := range panels {
		a := axes[pi]
		c.panelText(b, ids, keyed, color, lw, rows, cols, px, func(y float64) int {
			return int(math.Round((a.hi - y) / (a.hi - a.lo) * float64(rows*4-1)))
		}, a.ticks, a.labels)
		axis := []rune(strings.Repeat("─", cols))
		for _, t := range xticks {
			axis[t.col] = '┬'
		}
		b.WriteString(strings.Repeat(" ", lw+1) + "└" + string(axis) + "\n")
	}
	line := []rune(strings.Repeat(" ", lw+2+cols+8))
	for _, t := range xticks {
		copy(line[lw+2+t.start:], []rune(t.label))
	}
	b.WriteString(strings.TrimRight(string(line), " ") + "\n")
	b.WriteString(centered(lw+2, cols, c.xName))
}

// xTick is a tick of a text chart's x axis: its column in the plot area
// and its label, which starts at column start.
type xTick struct {
	col, start int
	label      string
}

// xTicks chooses round x ticks whose labels fit under an axis of cols
// columns without touching: as many as fit, at most one every 8 columns.
func (c *chart) xTicks(xmin, xmax float64, cols int, px func(float64) int) []xTick {
	integral := true
	for _, x := range c.x {
		if !math.IsNaN(x) && x != math.Trunc(x) {
			integral = false
		}
	}
	for n := max(cols/8, 2); n >= 2; n-- {
		_, _, ticks := niceTicks(xmin, xmax, n, false)
		var out []xTick
		next := 0 // first free column
		ok := true
		for _, t := range ticks {
			if integral && t != math.Trunc(t) {
				continue
			}
			col := min(px(t)/2, cols-1)
			label := formatTick(t)
			start := col - Width(label)/2
			start = min(max(start, 0), cols+6-Width(label))
			if start < next {
				ok = false
				break
			}
			out = append(out, xTick{col: col, start: start, label: label})
			next = start + Width(label) + 2
		}
		if ok && len(out) > 0 {
			return out
		}
	}
	return []xTick{{col: 0, start: 0, label: formatTick(xmin)}}
}

// panelText draws the series ids of one panel: their legend (or the y
// name), then rows of braille cells with y tick labels lw wide.
func (c *chart) panelText(b *strings.Builder, ids []int, keyed, color bool, lw, rows, cols int,
	px, py func(float64) int, ticks []float64, labels []string) {
	// owner[r][c] is 1 + the last series drawn in the cell, 0 for none.
	dots := make([][]rune, rows)
	owner := make([][]int, rows)
	for r := range dots {
		dots[r] = make([]rune, cols)
		owner[r] = make([]int, cols)
	}
	dw, dh := cols*2, rows*4
	set := func(x, y, s int) {
		if x < 0 || y < 0 || x >= dw || y >= dh {
			return
		}
		dots[y/4][x/2] |= brailleBit(x%2, y%4)
		owner[y/4][x/2] = s + 1
	}
	type cell struct{ r, c int }
	// keys[i] is the cell of series i's key: its last point, or its first
	// when an earlier series has its key at that last point. Reference
	// lines have none.
	keys := map[int]cell{}
	used := map[cell]bool{}
	for _, si := range ids {
		s := c.series[si]
		prevOK := false
		var x0, y0 int
		start, end := cell{-1, -1}, cell{-1, -1}
		n := 0
		plot := func(x, y int) {
			// A reference line is dotted: every third dot.
			if !s.ref || n%3 == 0 {
				set(x, y, si)
			}
			n++
		}
		xs := c.xOf(s)
		for i, y := range s.y {
			if i >= len(xs) || math.IsNaN(y) || math.IsNaN(xs[i]) || math.IsInf(y, 0) || math.IsInf(xs[i], 0) {
				prevOK = false
				continue
			}
			x1, y1 := px(xs[i]), py(y)
			if prevOK {
				bresenham(x0, y0, x1, y1, plot)
			} else {
				plot(x1, y1)
			}
			x0, y0, prevOK = x1, y1, true
			end = cell{y1 / 4, x1 / 2}
			if start.r < 0 {
				start = end
			}
		}
		if s.ref || end.r < 0 {
			continue
		}
		key := end
		if used[key] {
			key = start
		}
		used[key] = true
		keys[si] = key
	}
	header := ""
	switch {
	case keyed:
		var legend []string
		for _, i := range ids {
			name := c.series[i].name
			if !c.series[i].ref {
				name = string(seriesKey(i)) + " " + name
			} else {
				name = "⠁⠈ " + name
			}
			legend = append(legend, paint(name, i, color))
		}
		header = strings.Join(legend, "   ")
	case c.yName != "":
		header = c.yName
	}
	if header != "" {
		b.WriteString(strings.Repeat(" ", lw+2) + header + "\n")
	}
	tickAt := map[int]string{}
	for i, t := range ticks {
		r := py(t) / 4
		if _, dup := tickAt[r]; !dup && r >= 0 && r < rows {
			tickAt[r] = labels[i]
		}
	}
	for r := range rows {
		if l, ok := tickAt[r]; ok {
			fmt.Fprintf(b, "%*s ┤", lw, l)
		} else {
			fmt.Fprintf(b, "%*s │", lw, "")
		}
		var line strings.Builder
		for col := range cols {
			ch := " "
			if d := dots[r][col]; d != 0 {
				ch = string(rune(0x2800) + d)
			}
			for _, i := range ids {
				if k, ok := keys[i]; ok && k == (cell{r, col}) {
					ch, owner[r][col] = string(seriesKey(i)), i+1
				}
			}
			if o := owner[r][col]; o > 0 && color {
				ch = paint(ch, o-1, true)
			}
			line.WriteString(ch)
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

// barText draws a horizontal bar chart, bars in result order: positive
// values right of the axis, negative ones left of it, each value printed
// at the end of its bar.
func (c *chart) barText(b *strings.Builder, width int) {
	labels, values := c.labels, c.values
	if len(labels) > chartMaxBars {
		labels, values = labels[:chartMaxBars], values[:chartMaxBars]
	}
	vals := make([]string, len(values))
	lo, hi, vw := 0.0, 0.0, 0
	for i, v := range values {
		vals[i] = "NULL"
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			vals[i] = formatTick(v)
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		vw = max(vw, Width(vals[i]))
	}
	lw := 0
	for _, l := range labels {
		lw = max(lw, Width(escapeControl(l)))
	}
	lw = min(lw, max(width/3, 4))
	neg := lo < 0
	// The line: label, space, [room for a negative value, space, negative
	// bars], the axis, positive bars, space, a value.
	pre := 0
	if neg {
		pre = vw + 1
	}
	cols := max(width-lw-1-pre-1-1-vw, chartMinPlot)
	if hi == lo {
		hi = 1
	}
	_, _, ticks := niceTicks(lo, hi, max(cols/8, 3), false)
	nc := int(math.Round(float64(cols) * -lo / (hi - lo))) // columns left of the axis
	pc := cols - nc
	for i, l := range labels {
		l = truncate(escapeControl(l), lw)
		left, right := strings.Repeat(" ", pre+nc), ""
		if v := values[i]; math.IsNaN(v) || math.IsInf(v, 0) {
			right = " " + vals[i]
		} else if v < 0 {
			bar := leftBlocks(v / lo * float64(nc))
			left = strings.Repeat(" ", pre+nc-Width(bar)-1-Width(vals[i])) + vals[i] + " " + bar
		} else {
			right = blocks(v/hi*float64(pc)) + " " + vals[i]
		}
		fmt.Fprintf(b, "%s%s %s│%s\n", l, strings.Repeat(" ", lw-Width(l)), left, right)
	}
	// The axis line, with a tick under each round value.
	axis := []rune(strings.Repeat("─", cols+1))
	col := func(t float64) int {
		if t < 0 {
			return nc - int(math.Round(t/lo*float64(nc)))
		}
		return nc + int(math.Round(t/hi*float64(pc)))
	}
	line := []rune(strings.Repeat(" ", lw+1+pre+cols+vw+2))
	next := 0
	for _, t := range ticks {
		p := min(col(t), cols)
		axis[p] = '┬'
		label := formatTick(t)
		start := lw + 1 + pre + p - Width(label)/2
		if start < next {
			continue
		}
		copy(line[start:], []rune(label))
		next = start + Width(label) + 1
	}
	if neg {
		axis[nc] = '┼'
	} else {
		axis[0] = '└'
	}
	b.WriteString(strings.Repeat(" ", lw+1+pre) + string(axis) + "\n")
	b.WriteString(strings.TrimRight(string(line), " ") + "\n")
	b.WriteString(centered(lw+1+pre, cols+1, c.xName))
	if n := len(c.labels); n > len(labels) {
		fmt.Fprintf(b, "(showing the first %d of %d bars)\n", len(labels), n)
	}
}

// leftBlocks draws a bar of n cells growing leftwards, in half cells (the
// block characters have no finer left-growing steps).
func leftBlocks(n float64) string {
	halves := int(math.Round(n * 2))
	s := strings.Repeat("█", halves/2)
	if halves%2 == 1 {
		s = "▐" + s
	}
	return s
}

// niceTicks returns round ticks (steps of 1, 2 or 5 times a power of ten)
// over [lo, hi], about n of them. With extend, the range grows to the
// nearest ticks outside it and is returned so; otherwise it is returned
// as given and the ticks lie within it.
func niceTicks(lo, hi float64, n int, extend bool) (float64, float64, []float64) {
	if !(hi > lo) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return lo, hi, []float64{lo}
	}
	raw := (hi - lo) / float64(max(n-1, 1))
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		step = m * mag
		if step >= raw*(1-1e-9) {
			break
		}
	}
	first, last := math.Ceil(lo/step-1e-9), math.Floor(hi/step+1e-9)
	if extend {
		first, last = math.Floor(lo/step+1e-9), math.Ceil(hi/step-1e-9)
		lo, hi = first*step, last*step
	}
	var ticks []float64
	for k := first; k <= last; k++ {
		t := k * step
		// Round away the error of k*step: to the step's precision.
		t, _ = strconv.ParseFloat(strconv.FormatFloat(t, 'g', 12, 64), 64)
		if t == 0 {
			t = 0 // no -0
		}
		ticks = append(ticks, t)
	}
	return lo, hi, ticks
}

// blocks draws a bar of n cells (fractional, in eighths).
func blocks(n float64) string {
	eighths := int(math.Round(n * 8))
	s := strings.Repeat("█", eighths/8)
	if r := eighths % 8; r > 0 {
		s += string([]rune("▏▎▍▌▋▊▉")[r-1])
	}
	return s
}

// brailleBit is the bit of the dot at column x (0-1) and row y (0-3) of a
// braille cell.
func brailleBit(x, y int) rune {
	if y == 3 {
		return rune(0x40) << x
	}
	return rune(1) << (y + 3*x)
}

// bresenham calls plot for each point of the line from (x0, y0) to (x1, y1)
// (Bresenham).
func bresenham(x0, y0, x1, y1 int, plot func(x, y int)) {
	dx, dy := absInt(x1-x0), -absInt(y1-y0)
	sx, sy := 1, 1
	if x0 > x1 {
		sx = -1
	}
	if y0 > y1 {
		sy = -1
	}
	err := dx + dy
	for {
		plot(x0, y0)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * err
		if e2 >= dy {
			err += dy
			x0 += sx
		}
		if e2 <= dx {
			err += dx
			y0 += sy
		}
	}
}

func absInt(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// finiteRange returns the least and greatest finite value of v; +Inf and
// -Inf when there is none.
func finiteRange(v []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, f := range v {
		if !math.IsNaN(f) && !math.IsInf(f, 0) {
			lo, hi = math.Min(lo, f), math.Max(hi, f)
		}
	}
	return lo, hi
}

// widen makes an empty or single-value range one that can be drawn.
func widen(lo, hi float64) (float64, float64) {
	switch {
	case math.IsInf(lo, 1):
		return 0, 1
	case lo == hi:
		d := math.Max(math.Abs(lo)*0.1, 0.5)
		return lo - d, hi + d
	}
	return lo, hi
}

// formatTick formats an axis or bar value: 4 significant digits, whole
// numbers in full.
func formatTick(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// centered centres s under an axis of cols columns that starts at column
// indent.
func centered(indent, cols int, s string) string {
	s = truncate(escapeControl(s), cols)
	return strings.Repeat(" ", indent+max((cols-Width(s))/2, 0)) + s + "\n"
}

// paint colours s as series i when color is set.
func paint(s string, i int, color bool) string {
	if !color {
		return s
	}
	return "\x1b[" + seriesColors[i%len(seriesColors)] + "m" + s + "\x1b[0m"
}
