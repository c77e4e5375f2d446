package repl

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Size of .chart's images: 640x480 points, which at 72 dpi is 640x480
// pixels in a PNG.
const (
	chartImageWidth  = 640
	chartImageHeight = 480
	chartImageDPI    = 72
)

// refColor is the colour of reference lines (diagonals).
var refColor = color.Gray{Y: 120}

// chartDrawing is a chart drawn on a canvas: its plots, one per panel, and
// the canvas each was drawn on (tests map data to pixels through them).
type chartDrawing struct {
	plots    []*plot.Plot
	canvases []draw.Canvas
}

// draw draws c on dc: one plot, or for a line chart with series on two
// scales, two plots stacked over the same x range, each with its own y
// axis.
func (c *chart) draw(dc draw.Canvas) (*chartDrawing, error) {
	var plots []*plot.Plot
	if c.kind == barChart {
		p, err := c.barPlot()
		if err != nil {
			return nil, err
		}
		plots = []*plot.Plot{p}
	} else {
		panels := c.panels()
		for pi, ids := range panels {
			p, err := c.linePlot(ids, pi == len(panels)-1)
			if err != nil {
				return nil, err
			}
			plots = append(plots, p)
		}
	}
	plots[0].Title.Text = c.title
	plots[0].Title.Padding = vg.Points(8)
	plots[0].Title.TextStyle.Font.Size = vg.Points(14)
	d := &chartDrawing{plots: plots}
	if len(plots) == 1 {
		// A margin, so that nothing touches the image's edges.
		inner := draw.Crop(dc, vg.Points(6), vg.Points(-14), vg.Points(6), vg.Points(-8))
		plots[0].Draw(inner)
		d.canvases = []draw.Canvas{inner}
		return d, nil
	}
	grid := make([][]*plot.Plot, len(plots))
	for i, p := range plots {
		grid[i] = []*plot.Plot{p}
	}
	tiles := draw.Tiles{Rows: len(plots), Cols: 1, PadTop: vg.Points(8), PadBottom: vg.Points(6),
		PadLeft: vg.Points(6), PadRight: vg.Points(14), PadY: vg.Points(14)}
	canvases := plot.Align(grid, tiles, dc)
	for i, p := range plots {
		p.Draw(canvases[i][0])
		d.canvases = append(d.canvases, canvases[i][0])
	}
	return d, nil
}

// constantTicks is a ticker of the given values, labelled by formatTick.
func constantTicks(values []float64) plot.ConstantTicks {
	ticks := make(plot.ConstantTicks, len(values))
	for i, v := range values {
		ticks[i] = plot.Tick{Value: v, Label: formatTick(v)}
	}
	return ticks
}

// linePlot is the plot of the series ids of a line chart; last is the
// bottom panel, which names the x axis.
func (c *chart) linePlot(ids []int, last bool) (*plot.Plot, error) {
	p := plot.New()
	xmin, xmax := c.xRange()
	ymin, ymax := c.yRange(ids)
	ymin, ymax, yticks := niceTicks(ymin, ymax, 6, true)
	_, _, xticks := niceTicks(xmin, xmax, 8, c.unit)
	if integral(c.x) {
		var whole []float64
		for _, t := range xticks {
			if t == math.Trunc(t) {
				whole = append(whole, t)
			}
		}
		xticks = whole
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xmin, xmax, ymin, ymax
	p.X.Tick.Marker, p.Y.Tick.Marker = constantTicks(xticks), constantTicks(yticks)
	if last {
		p.X.Label.Text = c.xName
	}
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = color.Gray{Y: 225}, color.Gray{Y: 225}
	p.Add(grid)
	var names []string
	var thumbs []plot.Thumbnailer
	for _, si := range ids {
		s := c.series[si]
		var first *plotter.Line
		// A NULL breaks the line: one plotter.Line per run of points.
		var run plotter.XYs
		flush := func() error {
			if len(run) == 0 {
				return nil
			}
			l, err := plotter.NewLine(run)
			if err != nil {
				return err
			}
			l.Color = plotutil.Color(si)
			l.Width = vg.Points(1.5)
			if s.ref {
				l.Color, l.Width = refColor, vg.Points(1)
				l.Dashes = []vg.Length{vg.Points(5), vg.Points(4)}
			}
			p.Add(l)
			if first == nil {
				first = l
			}
			run = nil
			return nil
		}
		xs := c.xOf(s)
		for i, y := range s.y {
			if i >= len(xs) {
				break
			}
			x := xs[i]
			if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
				if err := flush(); err != nil {
					return nil, err
				}
				continue
			}
			run = append(run, plotter.XY{X: x, Y: y})
		}
		if err := flush(); err != nil {
			return nil, err
		}
		if first != nil {
			names, thumbs = append(names, s.name), append(thumbs, first)
		}
	}
	if len(names) == 1 {
		p.Y.Label.Text = names[0]
		return p, nil
	}
	if len(ids) == 1 || c.yName != "" {
		p.Y.Label.Text = c.yName
	}
	for i, n := range names {
		p.Legend.Add(n, thumbs[i])
	}
	c.placeLegend(p, ids, names)
	return p, nil
}

// integral reports whether every finite value of v is a whole number.
func integral(v []float64) bool {
	for _, f := range v {
		if !math.IsNaN(f) && !math.IsInf(f, 0) && f != math.Trunc(f) {
			return false
		}
	}
	return true
}

// placeLegend puts the legend of p in the corner of the plot area that
// the series ids cross least: the lines are sampled along their segments
// and the points falling in a box of the legend's estimated size at each
// corner counted.
func (c *chart) placeLegend(p *plot.Plot, ids []int, names []string) {
	// The legend's size as a share of the plot area (about 560x180 points
	// for a panel of two, 560x400 for one).
	longest := 0
	for _, n := range names {
		longest = max(longest, len(n))
	}
	area := 400.0
	if len(c.panels()) > 1 {
		area = 180
	}
	fw := math.Min((float64(longest)*6+40)/560, 0.9)
	fh := math.Min((float64(len(names))*14+10)/area, 0.9)
	type corner struct{ top, left bool }
	// A box 1.5 times the legend's, so that lines do not run close by.
	fw, fh = math.Min(fw*1.5, 0.9), math.Min(fh*1.5, 0.9)
	corners := []corner{{true, false}, {false, false}, {true, true}, {false, true}}
	count := make([]int, len(corners))
	norm := func(v, lo, hi float64) float64 { return (v - lo) / (hi - lo) }
	visit := func(x, y float64) {
		nx, ny := norm(x, p.X.Min, p.X.Max), norm(y, p.Y.Min, p.Y.Max)
		for i, k := range corners {
			inX := nx >= 1-fw
			if k.left {
				inX = nx <= fw
			}
			inY := ny <= fh
			if k.top {
				inY = ny >= 1-fh
			}
			if inX && inY {
				count[i]++
			}
		}
	}
	for _, si := range ids {
		y, xs := c.series[si].y, c.xOf(c.series[si])
		for i := 1; i < len(y) && i < len(xs); i++ {
			x0, y0, x1, y1 := xs[i-1], y[i-1], xs[i], y[i]
			if math.IsNaN(x0+y0+x1+y1) || math.IsInf(x0+y0+x1+y1, 0) {
				continue
			}
			const steps = 50
			for k := range steps {
				t := float64(k) / steps
				visit(x0+t*(x1-x0), y0+t*(y1-y0))
			}
		}
	}
	best := 0
	for i := range corners {
		if count[i] < count[best] {
			best = i
		}
	}
	k := corners[best]
	p.Legend.Top, p.Legend.Left = k.top, k.left
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(-8), vg.Points(8)
	if k.left {
		p.Legend.XOffs = vg.Points(8)
	}
	if k.top {
		p.Legend.YOffs = vg.Points(-8)
	}
}

// barPlot is the plot of a bar chart: horizontal bars from zero, the
// first row on top, negative bars left of a zero line in a colour of
// their own.
func (c *chart) barPlot() (*plot.Plot, error) {
	p := plot.New()
	// Horizontal bars go up from y = 0: reverse them so that the first row
	// is on top, as in the text chart.
	n := len(c.values)
	pos, neg := make(plotter.Values, n), make(plotter.Values, n)
	labels := make([]string, n)
	lo, hi := 0.0, 0.0
	for i := range n {
		v := c.values[n-1-i]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			v = 0
		}
		if v < 0 {
			neg[i] = v
		} else {
			pos[i] = v
		}
		lo, hi = math.Min(lo, v), math.Max(hi, v)
		labels[i] = truncate(escapeControl(c.labels[n-1-i]), 30)
	}
	if hi == lo {
		hi = 1
	}
	_, _, ticks := niceTicks(lo, hi, 7, false)
	// Room past the longest bars, so that they do not touch the frame.
	pad := (hi - lo) * 0.03
	if lo < 0 {
		lo -= pad
	}
	hi += pad
	bw := vg.Points(math.Max(2, math.Min(28, 300/float64(max(n, 1)))))
	grid := plotter.NewGrid()
	grid.Horizontal.Width = 0
	grid.Vertical.Color = color.Gray{Y: 225}
	p.Add(grid)
	for i, vals := range []plotter.Values{pos, neg} {
		bars, err := plotter.NewBarChart(vals, bw)
		if err != nil {
			return nil, err
		}
		bars.Horizontal = true
		bars.Color = plotutil.Color(2 - 2*i) // blue, negatives red
		bars.LineStyle.Width = 0
		p.Add(bars)
	}
	if lo < 0 {
		zero, err := plotter.NewLine(plotter.XYs{{X: 0, Y: -0.5}, {X: 0, Y: float64(n) - 0.5}})
		if err != nil {
			return nil, err
		}
		zero.Color, zero.Width = color.Black, vg.Points(1)
		p.Add(zero)
	}
	p.NominalY(labels...)
	// Half a bar's spacing above the first bar and below the last, so that
	// neither touches the frame.
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
	p.X.Min, p.X.Max = lo, hi
	p.X.Tick.Marker = constantTicks(ticks)
	p.X.Label.Text = c.xName
	return p, nil
}

// writeFile draws c as a PNG or SVG image (by the extension of path) and
// writes it atomically: to a temporary file renamed to path. It returns
// the image's width and height (pixels, or points for SVG) and the size
// of the file in bytes.
func (c *chart) writeFile(path string) (w, h int, size int64, err error) {
	wl, hl := vg.Points(chartImageWidth), vg.Points(chartImageHeight)
	var canvas interface {
		vg.CanvasSizer
		io.WriterTo
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png":
		img := vgimg.NewWith(vgimg.UseWH(wl, hl), vgimg.UseDPI(chartImageDPI))
		canvas = vgimg.PngCanvas{Canvas: img}
	case ".svg":
		canvas = vgsvg.New(wl, hl)
	default:
		return 0, 0, 0, fmt.Errorf("%w: %q (want a .png or .svg file)", ErrBadArgument, path)
	}
	if _, err := c.draw(draw.New(canvas)); err != nil {
		return 0, 0, 0, fmt.Errorf(".chart: %w", err)
	}
	if err := writeAtomic(path, canvas); err != nil {
		return 0, 0, 0, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return 0, 0, 0, fmt.Errorf(".chart: %w", err)
	}
	return chartImageWidth, chartImageHeight, fi.Size(), nil
}

// writeAtomic writes what w writes to path through a temporary file in the
// same directory, so that path is either the old file or the whole new one.
func writeAtomic(path string, w io.WriterTo) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf(".chart: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = w.WriteTo(tmp); err != nil {
		return fmt.Errorf(".chart: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf(".chart: %w", err)
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf(".chart: %w", err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf(".chart: %w", err)
	}
	return nil
}
