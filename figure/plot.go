package figure

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"sgdbias/internal/atomicfile"
)

// Plot is a publication figure: one line per series with markers and ± Err
// error bars, a legend, labelled axes, log scales where asked.
type Plot struct {
	Title          string
	XLabel, YLabel string
	XLog, YLog     bool
	Series         []Series
	// Width and Height of the figure (default 6 × 4 inches).
	Width, Height vg.Length
}

// PNGDPI is the resolution of PNG figures.
const PNGDPI = 200

// FormatFor returns "svg" or "png" from a file name's extension.
func FormatFor(path string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".svg", ".png":
		return ext[1:], nil
	}
	return "", fmt.Errorf("%s: want a file name ending in .svg or .png", path)
}

// WriteFile writes the figure to path, as SVG or PNG by its extension,
// atomically; an existing file is kept unless overwrite is set.
func (p Plot) WriteFile(path string, overwrite bool) error {
	format, err := FormatFor(path)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, overwrite, func(w io.Writer) error { return p.Encode(w, format) })
}

// Encode writes the figure as "svg" or "png".
func (p Plot) Encode(w io.Writer, format string) error {
	pl, err := p.build()
	if err != nil {
		return err
	}
	width, height := p.Width, p.Height
	if width <= 0 {
		width = 6 * vg.Inch
	}
	if height <= 0 {
		height = 4 * vg.Inch
	}
	switch format {
	case "svg":
		c := vgsvg.New(width, height)
		pl.Draw(margin(draw.New(c)))
		_, err = c.WriteTo(w)
	case "png":
		c := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(PNGDPI))
		pl.Draw(margin(draw.New(c)))
		_, err = vgimg.PngCanvas{Canvas: c}.WriteTo(w)
	default:
		err = fmt.Errorf("figure format %q: want svg or png", format)
	}
	return err
}

// margin keeps the last tick label of the x axis inside the figure.
func margin(c draw.Canvas) draw.Canvas {
	return draw.Crop(c, vg.Points(4), -vg.Points(12), vg.Points(4), -vg.Points(4))
}

// point is one drawable mean with its error bar.
type point struct{ x, y, lo, hi float64 }

func (p Plot) build() (*plot.Plot, error) {
	pl := plot.New()
	pl.Title.Text = p.Title
	pl.X.Label.Text = p.XLabel
	pl.Y.Label.Text = p.YLabel
	pl.Legend.Top, pl.Legend.Left = true, true
	pl.Legend.XOffs, pl.Legend.YOffs = vg.Points(8), -vg.Points(4)
	pl.Add(plotter.NewGrid())
	if p.XLog {
		pl.X.Scale = plot.LogScale{}
		pl.X.Tick.Marker = logTicks{}
	}
	if p.YLog {
		pl.Y.Scale = plot.LogScale{}
		pl.Y.Tick.Marker = logTicks{}
	}
	// On a log axis an error bar reaching 0 or below is cut at half the
	// smallest mean, so that the axis does not run to 0.
	floor := math.Inf(1)
	for _, s := range p.Series {
		for _, y := range s.Y {
			if y > 0 && isFinite(y) {
				floor = math.Min(floor, y/2)
			}
		}
	}
	drawn := 0
	for i, s := range p.Series {
		runs := p.runs(s, floor)
		if len(runs) == 0 {
			continue
		}
		var thumb []plot.Thumbnailer
		for k, run := range runs {
			xys := make(plotter.XYs, len(run))
			errs := make(plotter.YErrors, len(run))
			for j, pt := range run {
				xys[j] = plotter.XY{X: pt.x, Y: pt.y}
				errs[j] = struct{ Low, High float64 }{pt.lo, pt.hi}
			}
			line, pts, err := plotter.NewLinePoints(xys)
			if err != nil {
				return nil, err
			}
			line.Color, line.Dashes, line.Width = plotutil.Color(i), plotutil.Dashes(i), vg.Points(1.5)
			pts.Color, pts.Shape, pts.Radius = plotutil.Color(i), plotutil.Shape(i), vg.Points(2.5)
			bars, err := plotter.NewYErrorBars(errorPoints{xys, errs})
			if err != nil {
				return nil, err
			}
			bars.Color, bars.CapWidth = plotutil.Color(i), vg.Points(4)
			pl.Add(line, pts, bars)
			if k == 0 {
				thumb = []plot.Thumbnailer{line, pts}
			}
		}
		pl.Legend.Add(s.Name, thumb...)
		drawn++
	}
	if drawn == 0 {
		return nil, fmt.Errorf("figure %q: no finite value to plot", p.Title)
	}
	// Room above the data for the legend, which sits in the top left corner.
	grow := 0.07 * float64(drawn+1)
	if p.YLog && pl.Y.Min > 0 {
		lo, hi := math.Log10(pl.Y.Min), math.Log10(pl.Y.Max)
		pl.Y.Max = math.Pow(10, hi+grow*math.Max(hi-lo, 0.5))
	} else {
		pl.Y.Max += grow * math.Max(pl.Y.Max-pl.Y.Min, math.Abs(pl.Y.Max)*0.1+1e-12)
	}
	return pl, nil
}

// runs splits a series into stretches of drawable points, so that a gap
// (a non-finite mean) breaks the line instead of being drawn as 0.
func (p Plot) runs(s Series, floor float64) [][]point {
	var out [][]point
	var cur []point
	for i, x := range s.X {
		y := math.NaN()
		if i < len(s.Y) {
			y = s.Y[i]
		}
		ok := isFinite(x) && isFinite(y) && (!p.XLog || x > 0) && (!p.YLog || y > 0)
		if !ok {
			if len(cur) > 0 {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		e := 0.0
		if i < len(s.Err) && isFinite(s.Err[i]) && s.Err[i] > 0 {
			e = s.Err[i]
		}
		lo := e
		if p.YLog && y-lo < floor {
			lo = math.Max(0, y-floor)
		}
		cur = append(cur, point{x, y, lo, e})
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// errorPoints gives plotter.NewYErrorBars its points and errors.
type errorPoints struct {
	plotter.XYs
	plotter.YErrors
}

// logTicks labels the decades of a log axis, the 2s and 5s as well when the
// range holds fewer than two decades, and every tick when that still leaves
// fewer than two labels, so that a narrow range has labels.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) {
		return nil
	}
	first, last := int(math.Floor(math.Log10(lo))), int(math.Ceil(math.Log10(hi)))
	decadeLabels := 0
	for e := first; e <= last; e++ {
		if v := math.Pow10(e); v >= lo && v <= hi {
			decadeLabels++
		}
	}
	var ticks []plot.Tick
	for e := first; e <= last; e++ {
		base := math.Pow10(e)
		for m := 1; m < 10; m++ {
			v := base * float64(m)
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || (decadeLabels < 2 && (m == 2 || m == 5)) {
				t.Label = strconv.FormatFloat(v, 'g', 6, 64)
			}
			ticks = append(ticks, t)
		}
	}
	labelled := 0
	for _, t := range ticks {
		if t.Label != "" {
			labelled++
		}
	}
	if labelled < 2 { // a range inside one decade: label every tick
		for i := range ticks {
			ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'g', 6, 64)
		}
	}
	return ticks
}
