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

// lineText draws a line chart.
func (c *chart) lineText(b *strings.Builder, width int, color bool) {
	xmin, xmax := finiteRange(c.x)
	ymin, ymax := math.Inf(1), math.Inf(-1)
	for _, s := range c.series {
		lo, hi := finiteRange(s.y)
		ymin, ymax = math.Min(ymin, lo), math.Max(ymax, hi)
	}
	xmin, xmax = widen(xmin, xmax)
	ymin, ymax = widen(ymin, ymax)
	top, bottom := formatTick(ymax), formatTick(ymin)
	lw := max(Width(top), Width(bottom))
	cols := max(width-lw-3, chartMinPlot)
	rows := chartPlotRows

	// owner[r][c] is 1 + the last series drawn in the cell, 0 for none.
	dots := make([][]rune, rows)
	owner := make([][]int, rows)
	for r := range dots {
		dots[r] = make([]rune, cols)
		owner[r] = make([]int, cols)
	}
	dw, dh := cols*2, rows*4
	px := func(x float64) int { return int(math.Round((x - xmin) / (xmax - xmin) * float64(dw-1))) }
	py := func(y float64) int { return int(math.Round((ymax - y) / (ymax - ymin) * float64(dh-1))) }
	set := func(x, y, s int) {
		if x < 0 || y < 0 || x >= dw || y >= dh {
			return
		}
		dots[y/4][x/2] |= brailleBit(x%2, y%4)
		owner[y/4][x/2] = s + 1
	}
	type cell struct{ r, c int }
	// keys[i] is the cell of series i's key: its last point, or its first
	// when an earlier series has its key at that last point.
	var keys []cell
	used := map[cell]bool{}
	for si, s := range c.series {
		prevOK := false
		var x0, y0 int
		start, end := cell{-1, -1}, cell{-1, -1}
		for i, y := range s.y {
			if i >= len(c.x) || math.IsNaN(y) || math.IsNaN(c.x[i]) || math.IsInf(y, 0) || math.IsInf(c.x[i], 0) {
				prevOK = false
				continue
			}
			x1, y1 := px(c.x[i]), py(y)
			if prevOK {
				bresenham(x0, y0, x1, y1, func(x, y int) { set(x, y, si) })
			} else {
				set(x1, y1, si)
			}
			x0, y0, prevOK = x1, y1, true
			end = cell{y1 / 4, x1 / 2}
			if start.r < 0 {
				start = end
			}
		}
		key := end
		if used[key] {
			key = start
		}
		used[key] = true
		keys = append(keys, key)
	}
	keyed := len(c.series) > 1
	if keyed {
		var legend []string
		for i, s := range c.series {
			legend = append(legend, paint(string(seriesKey(i))+" "+s.name, i, color))
		}
		b.WriteString(strings.Repeat(" ", lw+2) + strings.Join(legend, "   ") + "\n")
	} else if c.yName != "" {
		b.WriteString(strings.Repeat(" ", lw+2) + c.yName + "\n")
	}
	for r := range rows {
		switch r {
		case 0:
			fmt.Fprintf(b, "%*s ┤", lw, top)
		case rows - 1:
			fmt.Fprintf(b, "%*s ┤", lw, bottom)
		default:
			fmt.Fprintf(b, "%*s │", lw, "")
		}
		var line strings.Builder
		for col := range cols {
			ch := " "
			if d := dots[r][col]; d != 0 {
				ch = string(rune(0x2800) + d)
			}
			if keyed {
				for i := len(keys) - 1; i >= 0; i-- {
					if keys[i] == (cell{r, col}) {
						ch, owner[r][col] = string(seriesKey(i)), i+1
						break
					}
				}
			}
			if o := owner[r][col]; o > 0 && color {
				ch = paint(ch, o-1, true)
			}
			line.WriteString(ch)
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	b.WriteString(strings.Repeat(" ", lw+1) + "└" + strings.Repeat("─", cols) + "\n")
	b.WriteString(tickLine(lw+2, cols, formatTick(xmin), formatTick(xmax)))
	b.WriteString(centered(lw+2, cols, c.xName))
}

// barText draws a horizontal bar chart, bars in result order.
func (c *chart) barText(b *strings.Builder, width int) {
	labels, values := c.labels, c.values
	if len(labels) > chartMaxBars {
		labels, values = labels[:chartMaxBars], values[:chartMaxBars]
	}
	vals := make([]string, len(values))
	top, vw := 0.0, 0
	for i, v := range values {
		vals[i] = "NULL"
		if !math.IsNaN(v) {
			vals[i] = formatTick(v)
			top = math.Max(top, math.Abs(v))
		}
		vw = max(vw, Width(vals[i]))
	}
	lw := 0
	for _, l := range labels {
		lw = max(lw, Width(escapeControl(l)))
	}
	lw = min(lw, max(width/3, 4))
	cols := max(width-lw-vw-3, chartMinPlot)
	for i, l := range labels {
		l = truncate(escapeControl(l), lw)
		bar := ""
		if v := values[i]; !math.IsNaN(v) && top > 0 {
			bar = blocks(math.Abs(v) / top * float64(cols))
		}
		pad := lw - Width(l)
		fmt.Fprintf(b, "%s%s │%s %s\n", l, strings.Repeat(" ", pad), bar, vals[i])
	}
	b.WriteString(strings.Repeat(" ", lw+1) + "└" + strings.Repeat("─", cols) + "\n")
	b.WriteString(tickLine(lw+2, cols, "0", formatTick(top)))
	b.WriteString(centered(lw+2, cols, c.xName))
	if n := len(c.labels); n > len(labels) {
		fmt.Fprintf(b, "(showing the first %d of %d bars)\n", len(labels), n)
	}
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

// tickLine puts lo under the start and hi under the end of an axis of
// cols columns that starts at column indent.
func tickLine(indent, cols int, lo, hi string) string {
	gap := cols - Width(lo) - Width(hi)
	if gap < 1 {
		gap = 1
	}
	return strings.Repeat(" ", indent) + lo + strings.Repeat(" ", gap) + hi + "\n"
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
