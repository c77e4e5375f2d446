package repl

import (
	"fmt"
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

// Size of .chart's images: 640x400 points, which at 72 dpi is 640x400
// pixels in a PNG.
const (
	chartImageWidth  = 640
	chartImageHeight = 400
	chartImageDPI    = 72
)

// plot builds the gonum plot of c.
func (c *chart) plot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = c.title
	if c.kind == barChart {
		// Horizontal bars go up from y = 0: reverse them so that the first
		// row is on top, as in the text chart.
		n := len(c.values)
		vals := make(plotter.Values, n)
		labels := make([]string, n)
		for i := range n {
			v := c.values[n-1-i]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				v = 0
			}
			vals[i], labels[i] = v, truncate(escapeControl(c.labels[n-1-i]), 30)
		}
		bw := vg.Points(math.Max(2, math.Min(20, 300/float64(max(n, 1)))))
		bars, err := plotter.NewBarChart(vals, bw)
		if err != nil {
			return nil, err
		}
		bars.Horizontal = true
		bars.Color = plotutil.Color(0)
		bars.LineStyle.Width = 0
		p.Add(bars)
		p.NominalY(labels...)
		p.X.Label.Text = c.xName
		return p, nil
	}
	p.X.Label.Text = c.xName
	p.Y.Label.Text = c.yName
	for si, s := range c.series {
		style := plotutil.Color(si)
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
			l.Color = style
			l.Width = vg.Points(1.5)
			if s.name == "perfect" {
				l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
			}
			p.Add(l)
			if first == nil {
				first = l
			}
			run = nil
			return nil
		}
		for i, y := range s.y {
			x := c.x[i]
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
		if first != nil && len(c.series) > 1 {
			p.Legend.Add(s.name, first)
		}
	}
	p.Legend.Top = true
	return p, nil
}

// writeFile draws c as a PNG or SVG image (by the extension of path) and
// writes it atomically: to a temporary file renamed to path.
func (c *chart) writeFile(path string) error {
	p, err := c.plot()
	if err != nil {
		return fmt.Errorf(".chart: %w", err)
	}
	w, h := vg.Points(chartImageWidth), vg.Points(chartImageHeight)
	var canvas interface {
		vg.CanvasSizer
		io.WriterTo
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png":
		img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(chartImageDPI))
		canvas = vgimg.PngCanvas{Canvas: img}
	case ".svg":
		canvas = vgsvg.New(w, h)
	default:
		return fmt.Errorf("%w: %q (want a .png or .svg file)", ErrBadArgument, path)
	}
	p.Draw(draw.New(canvas))
	return writeAtomic(path, canvas)
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
