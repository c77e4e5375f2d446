package repl

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// drawPNG draws the chart of r as .chart's PNG and decodes it; toPixel maps
// a data point of panel i to the pixel it is drawn at.
func drawPNG(t *testing.T, r *lastResult) (*chart, image.Image, func(panel int, x, y float64) image.Point, *chartDrawing) {
	t.Helper()
	c, err := newChart(r)
	if err != nil {
		t.Fatal(err)
	}
	img := vgimg.NewWith(vgimg.UseWH(vg.Points(chartImageWidth), vg.Points(chartImageHeight)), vgimg.UseDPI(chartImageDPI))
	d, err := c.draw(draw.New(img))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	decoded, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if b := decoded.Bounds(); b.Dx() != chartImageWidth || b.Dy() != chartImageHeight {
		t.Fatalf("PNG is %dx%d, want %dx%d", b.Dx(), b.Dy(), chartImageWidth, chartImageHeight)
	}
	toPixel := func(panel int, x, y float64) image.Point {
		p := d.plots[panel]
		dc := p.DataCanvas(d.canvases[panel])
		tx, ty := p.Transforms(&dc)
		return image.Point{X: int(math.Round(float64(tx(x).Points()))), Y: chartImageHeight - int(math.Round(float64(ty(y).Points())))}
	}
	return c, decoded, toPixel, d
}

// near reports whether a pixel within 1 of pt matches.
func near(img image.Image, pt image.Point, match func(r, g, b uint8) bool) bool {
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			r, g, b, _ := img.At(pt.X+dx, pt.Y+dy).RGBA()
			if match(uint8(r>>8), uint8(g>>8), uint8(b>>8)) {
				return true
			}
		}
	}
	return false
}

func isGrey(r, g, b uint8) bool {
	return r < 200 && absInt(int(r)-int(g)) < 16 && absInt(int(g)-int(b)) < 16
}

func isRed(r, g, b uint8) bool  { return r > 180 && g < 140 && b < 140 }
func isBlue(r, g, b uint8) bool { return b > 160 && r < 140 }
func isDark(r, g, b uint8) bool { return r < 90 && g < 90 && b < 90 }

// TestChartImageROC: the dashed diagonal is drawn from (0, 0) to (1, 1),
// the curve passes its points, and both axes span [0, 1].
func TestChartImageROC(t *testing.T) {
	c, img, at, d := drawPNG(t, rocResult)
	p := d.plots[0]
	if p.X.Min != 0 || p.X.Max != 1 || p.Y.Min != 0 || p.Y.Max != 1 {
		t.Errorf("axes [%g, %g] x [%g, %g], want [0, 1] x [0, 1]", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	drawn := 0
	for i := 1; i < 40; i++ {
		v := float64(i) / 40
		if near(img, at(0, v, v), isGrey) {
			drawn++
		}
	}
	// The line is dashed (5 on, 4 off): more than half of the samples hit it.
	if drawn < 20 {
		t.Errorf("the diagonal is drawn at %d of 39 points", drawn)
	}
	for i, x := range c.x {
		if i == 0 || i == len(c.x)-1 {
			continue // the ends, where the diagonal is drawn over the curve
		}
		if pt := at(0, x, c.series[0].y[i]); !near(img, pt, isRed) {
			t.Errorf("no curve at (%g, %g), pixel %v", x, c.series[0].y[i], pt)
		}
	}
	// Off the curve and the diagonal: white.
	if pt := at(0, 0.9, 0.3); near(img, pt, isRed) || near(img, pt, isGrey) {
		t.Errorf("something is drawn at (0.9, 0.3)")
	}
	if len(p.Y.Tick.Marker.Ticks(0, 1)) < 5 {
		t.Errorf("y ticks %v: want several", p.Y.Tick.Marker.Ticks(0, 1))
	}
}

// TestChartImageNegativeBars: a negative bar is left of the zero line, a
// positive one right of it.
func TestChartImageNegativeBars(t *testing.T) {
	c, img, at, _ := drawPNG(t, negativeBarResult)
	n := len(c.values)
	zero := at(0, 0, 0).X
	// The zero line is dark over the bars' height.
	top, bottom := at(0, 0, float64(n)-0.6).Y, at(0, 0, -0.4).Y
	for y := top; y <= bottom; y += 5 {
		if !near(img, image.Point{X: zero, Y: y}, isDark) {
			t.Fatalf("no zero line at pixel (%d, %d)", zero, y)
		}
	}
	for i, v := range c.values {
		row := at(0, 0, float64(n-1-i)).Y // the first row is on top
		var red, blue []int
		for x := range chartImageWidth {
			r, g, b, _ := img.At(x, row).RGBA()
			switch {
			case isRed(uint8(r>>8), uint8(g>>8), uint8(b>>8)):
				red = append(red, x)
			case isBlue(uint8(r>>8), uint8(g>>8), uint8(b>>8)):
				blue = append(blue, x)
			}
		}
		switch {
		case v < -0.001:
			if len(red) == 0 || len(blue) > 0 || red[len(red)-1] > zero || red[0] > at(0, v, 0).X+3 {
				t.Errorf("bar %d (%g): red pixels %v, blue %v, zero at %d", i, v, red, blue, zero)
			}
		case v > 0.001:
			if len(blue) == 0 || len(red) > 0 || blue[0] < zero || blue[len(blue)-1] < at(0, v, 0).X-3 {
				t.Errorf("bar %d (%g): blue pixels %v, red %v, zero at %d", i, v, blue, red, zero)
			}
		}
	}
}

// TestChartImagePanels: the lift and the k scores are drawn in two panels,
// one above the other, each with a y axis of its own over its own range.
func TestChartImagePanels(t *testing.T) {
	for _, r := range []*lastResult{liftResult, kScoresResult} {
		c, img, at, d := drawPNG(t, r)
		if len(d.plots) != 2 {
			t.Fatalf("%s: %d panels, want 2", c.title, len(d.plots))
		}
		if d.plots[0].Y.Max == d.plots[1].Y.Max && d.plots[0].Y.Min == d.plots[1].Y.Min {
			t.Errorf("%s: both panels span [%g, %g]", c.title, d.plots[0].Y.Min, d.plots[0].Y.Max)
		}
		bottom0, top1 := at(0, d.plots[0].X.Min, d.plots[0].Y.Min).Y, at(1, d.plots[1].X.Min, d.plots[1].Y.Max).Y
		if bottom0 >= top1 {
			t.Errorf("%s: panel 0 ends at pixel row %d, panel 1 starts at %d", c.title, bottom0, top1)
		}
		// Each panel's y axis: a grey vertical line left of its data area.
		for pi := range 2 {
			lo, hi := at(pi, d.plots[pi].X.Min, d.plots[pi].Y.Min), at(pi, d.plots[pi].X.Min, d.plots[pi].Y.Max)
			found := false
			for x := lo.X - 12; x <= lo.X && !found; x++ {
				dark := 0
				for y := hi.Y; y <= lo.Y; y++ {
					r, g, b, _ := img.At(x, y).RGBA()
					if isGrey(uint8(r>>8), uint8(g>>8), uint8(b>>8)) {
						dark++
					}
				}
				found = dark > (lo.Y-hi.Y)*9/10
			}
			if !found {
				t.Errorf("%s: no y axis line in panel %d", c.title, pi)
			}
		}
		// Each series is drawn in its own panel: its first point is coloured.
		for _, s := range c.series {
			if s.ref {
				continue
			}
			pt := at(s.panel, c.x[0], s.y[0])
			if near(img, pt, func(r, g, b uint8) bool { return r > 240 && g > 240 && b > 240 }) &&
				!near(img, pt, func(r, g, b uint8) bool { return !(r > 240 && g > 240 && b > 240) }) {
				t.Errorf("%s: nothing drawn at %s's first point %v", c.title, s.name, pt)
			}
		}
	}
}

// TestChartImageLegend: the legend of the ROC curve, which fills the top
// left, goes to an empty corner, away from the curve.
func TestChartImageLegend(t *testing.T) {
	_, _, _, d := drawPNG(t, rocResult)
	if l := d.plots[0].Legend; l.Top || l.Left {
		t.Errorf("legend top %v left %v, want the bottom right", l.Top, l.Left)
	}
	_, _, _, d = drawPNG(t, trainingResult)
	if l := d.plots[0].Legend; !l.Top || l.Left {
		t.Errorf("training legend top %v left %v, want the top right", l.Top, l.Left)
	}
}
