package figure

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// mark is one drawn value: the centre y at x (after dodging) and its bar
// from lo to hi; openLow marks a bar whose lower end a log axis cannot show
// (it is drawn to the axis, with a triangle).
type mark struct {
	x, y, lo, hi float64
	openLow      bool
	series       int
	first        bool // first point of a run of the line
}

// built is a figure ready to be laid out and drawn.
type built struct {
	p      Plot
	pl     *plot.Plot
	marks  []mark
	legend plot.Legend
	// entries are the legend's, kept to lay them out in a row as well.
	entries []legendEntry
	open    bool // some bar is open at the bottom
}

type legendEntry struct {
	text   string
	thumbs []plot.Thumbnailer
}

func (b *built) addEntry(text string, thumbs ...plot.Thumbnailer) {
	b.legend.Add(text, thumbs...)
	b.entries = append(b.entries, legendEntry{text, thumbs})
}

// Marker and bar sizes, in points.
const (
	markerRadius = 2.5
	capWidth     = 4.0
	// dodgeFraction is how far apart series at the same x are moved, as a
	// fraction of the x axis span.
	dodgeFraction = 0.02
)

func plainText() text.Plain { return text.Plain{Fonts: font.DefaultCache} }

func (p Plot) build() (*built, error) {
	hdlr := p.textHandler()
	fs := p.fontSize()
	pl := plot.New()
	pl.TextHandler = hdlr
	pl.Title.Text = p.Title
	// The title is the user's text, drawn as it is (an underscore stays).
	pl.Title.TextStyle.Handler, pl.Title.TextStyle.Font = plainText(), scaledFont(fs, 1.1)
	pl.Title.Padding = vg.Points(6)
	for _, ax := range []*plot.Axis{&pl.X, &pl.Y} {
		ax.Label.TextStyle.Handler, ax.Label.TextStyle.Font = hdlr, scaledFont(fs, 1)
		ax.Tick.Label.Handler, ax.Tick.Label.Font = hdlr, scaledFont(fs, 0.9)
	}
	// The axis labels are drawn by draw, centred on the data area: gonum/plot
	// centres them at the arithmetic middle of the range, which on a log
	// axis lies near the end and squeezes the plot.
	pl.Add(plotter.NewGrid())

	b := &built{p: p, pl: pl}
	runs := p.drawable()
	if len(runs) == 0 {
		return nil, fmt.Errorf("figure %q: no finite value to plot", p.Title)
	}
	b.dodge(runs)
	ylo, yhi := b.yRange()
	xlo, xhi := b.xRange()
	if p.fixedAxes {
		xlo, xhi, ylo, yhi = p.XMin, p.XMax, p.YMin, p.YMax
	}
	pl.Y.Min, pl.Y.Max = ylo, yhi
	pl.X.Min, pl.X.Max = xlo, xhi
	if p.XLog {
		pl.X.Scale, pl.X.Tick.Marker = plot.LogScale{}, logTicks{}
		if len(p.XTicks) > 0 && len(p.XTicks) <= 12 && xhi/xlo < 100 {
			// Less than two decades: the decades alone label too little.
			pl.X.Tick.Marker = logGridTicks(p.XTicks)
		}
	} else if len(p.XTicks) > 0 {
		pl.X.Tick.Marker = gridTicks(p.XTicks)
	}
	if p.YLog {
		pl.Y.Scale, pl.Y.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	b.legend = plot.NewLegend()
	b.legend.TextStyle.Handler, b.legend.TextStyle.Font = plainText(), scaledFont(fs, 0.9)
	b.legend.ThumbnailWidth = vg.Points(18)
	b.legend.Padding = vg.Points(1)
	if err := b.addSeries(runs); err != nil {
		return nil, err
	}
	return b, nil
}

// drawable splits each series into runs of points a figure can show: a
// finite centre (positive on a log axis) at a finite x (positive on a log
// axis). A gap breaks the line.
func (p Plot) drawable() map[int][][]mark {
	out := map[int][][]mark{}
	for si, s := range p.Series {
		var cur []mark
		flush := func() {
			if len(cur) > 0 {
				out[si] = append(out[si], cur)
				cur = nil
			}
		}
		for i, x := range s.X {
			y := at(s.Y, i)
			if !isFinite(scaled(x, p.XLog)) || !isFinite(scaled(y, p.YLog)) {
				flush()
				continue
			}
			m := mark{x: x, y: y, lo: y, hi: y, series: si, first: len(cur) == 0}
			if lo := at(s.Lo, i); !math.IsNaN(lo) {
				m.lo = math.Min(lo, y)
				m.openLow = p.YLog && !(lo > 0)
			}
			if hi := at(s.Hi, i); isFinite(hi) {
				m.hi = math.Max(hi, y)
			}
			cur = append(cur, m)
		}
		flush()
	}
	return out
}

func at(v []float64, i int) float64 {
	if i < len(v) {
		return v[i]
	}
	return math.NaN()
}

// dodge moves the k drawn series apart along x, symmetrically about the
// true x, by dodgeFraction of the axis span each (on the axis' scale), and
// collects the marks. Without any error bar there is nothing to keep apart,
// and every mark stays at its x.
func (b *built) dodge(runs map[int][][]mark) {
	bars := false
	for _, rs := range runs {
		for _, r := range rs {
			for _, m := range r {
				bars = bars || m.lo != m.y || m.hi != m.y
			}
		}
	}
	var order []int
	tlo, thi := math.Inf(1), math.Inf(-1)
	for si := range b.p.Series {
		if len(runs[si]) == 0 {
			continue
		}
		order = append(order, si)
		for _, r := range runs[si] {
			for _, m := range r {
				t := scaled(m.x, b.p.XLog)
				tlo, thi = math.Min(tlo, t), math.Max(thi, t)
			}
		}
	}
	span := thi - tlo
	if span <= 0 {
		span = 1
	}
	k := len(order)
	for rank, si := range order {
		off := 0.0
		if bars {
			off = (float64(rank) - float64(k-1)/2) * dodgeFraction * span
		}
		for ri := range runs[si] {
			for mi := range runs[si][ri] {
				m := &runs[si][ri][mi]
				if b.p.XLog {
					m.x *= math.Pow(10, off)
				} else {
					m.x += off
				}
				b.marks = append(b.marks, *m)
			}
		}
	}
}

// yRange covers every centre and every bar end the axis can show, with a
// margin of 4% of the span (on the axis' scale).
func (b *built) yRange() (float64, float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, m := range b.marks {
		for _, v := range []float64{m.y, m.hi, m.lo} {
			if t := scaled(v, b.p.YLog); isFinite(t) {
				lo, hi = math.Min(lo, t), math.Max(hi, t)
			}
		}
		b.open = b.open || m.openLow
	}
	lo, hi = widen(lo, hi, b.p.YMin, b.p.YMax, b.p.YLog)
	if b.open && hi > lo {
		// Room under the lowest value for the triangles of the open bars.
		lo -= 0.08 * (hi - lo)
	}
	return padRange(lo, hi, b.p.YLog, 0.04)
}

// xRange covers the dodged marks with a margin of 3% of the span.
func (b *built) xRange() (float64, float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, m := range b.marks {
		t := scaled(m.x, b.p.XLog)
		lo, hi = math.Min(lo, t), math.Max(hi, t)
	}
	lo, hi = widen(lo, hi, b.p.XMin, b.p.XMax, b.p.XLog)
	return padRange(lo, hi, b.p.XLog, 0.03)
}

// widen extends [lo, hi] (on the axis' scale) to cover [min, max] when
// min < max.
func widen(lo, hi, minV, maxV float64, log bool) (float64, float64) {
	if minV < maxV {
		if t := scaled(minV, log); isFinite(t) {
			lo = math.Min(lo, t)
		}
		if t := scaled(maxV, log); isFinite(t) {
			hi = math.Max(hi, t)
		}
	}
	return lo, hi
}

// padRange widens [lo, hi] (on the axis' scale) by frac of its span on each
// side, or by a fixed amount when it is a single value, and undoes the
// scale.
func padRange(lo, hi float64, log bool, frac float64) (float64, float64) {
	pad := frac * (hi - lo)
	if pad == 0 {
		pad = math.Max(math.Abs(lo)*0.1, 0.5)
		if log {
			pad = 0.25
		}
	}
	lo, hi = lo-pad, hi+pad
	if log {
		return math.Pow(10, lo), math.Pow(10, hi)
	}
	return lo, hi
}

// addSeries adds each series' lines, markers and bars, and their legend
// entries.
func (b *built) addSeries(runs map[int][][]mark) error {
	ymin := b.pl.Y.Min
	for si, s := range b.p.Series {
		if len(runs[si]) == 0 {
			continue
		}
		var thumbs []plot.Thumbnailer
		for _, run := range runs[si] {
			xys := make(plotter.XYs, len(run))
			errs := make(plotter.YErrors, len(run))
			var open plotter.XYs
			for j, m := range run {
				xys[j] = plotter.XY{X: m.x, Y: m.y}
				lo := m.lo
				if m.openLow {
					lo = ymin
					open = append(open, plotter.XY{X: m.x, Y: ymin})
				}
				errs[j].Low, errs[j].High = m.y-lo, m.hi-m.y
			}
			line, pts, err := plotter.NewLinePoints(xys)
			if err != nil {
				return err
			}
			line.Color, line.Dashes, line.Width = plotutil.Color(si), plotutil.Dashes(si), vg.Points(1.2)
			pts.Color, pts.Shape, pts.Radius = plotutil.Color(si), plotutil.Shape(si), vg.Points(markerRadius)
			bars, err := plotter.NewYErrorBars(errorPoints{xys, errs})
			if err != nil {
				return err
			}
			bars.Color, bars.CapWidth, bars.LineStyle.Width = plotutil.Color(si), vg.Points(capWidth), vg.Points(0.8)
			b.pl.Add(line, bars, pts)
			if len(open) > 0 {
				tri, err := plotter.NewScatter(open)
				if err != nil {
					return err
				}
				tri.Color, tri.Shape, tri.Radius = plotutil.Color(si), downTriangle{}, vg.Points(3.5)
				b.pl.Add(tri)
			}
			if thumbs == nil {
				thumbs = []plot.Thumbnailer{line, pts}
			}
		}
		b.addEntry(s.Name, thumbs...)
	}
	if b.open {
		b.addEntry("bar continues below the axis", glyphThumb{downTriangle{}})
	}
	if b.p.BandNote != "" {
		b.addEntry("bars: "+b.p.BandNote, barThumb{})
	}
	return nil
}

// errorPoints gives plotter.NewYErrorBars its points and errors.
type errorPoints struct {
	plotter.XYs
	plotter.YErrors
}

// downTriangle is an open triangle pointing down: a bar that continues
// below a log axis.
type downTriangle struct{}

func (downTriangle) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: vg.Points(0.8)})
	r := sty.Radius
	var p vg.Path
	p.Move(vg.Point{X: pt.X - r, Y: pt.Y + r})
	p.Line(vg.Point{X: pt.X + r, Y: pt.Y + r})
	p.Line(vg.Point{X: pt.X, Y: pt.Y - r/2})
	p.Close()
	c.Stroke(p)
}

// glyphThumb draws a glyph as a legend thumbnail.
type glyphThumb struct{ g draw.GlyphDrawer }

func (t glyphThumb) Thumbnail(c *draw.Canvas) {
	mid := vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: (c.Min.Y + c.Max.Y) / 2}
	c.DrawGlyph(draw.GlyphStyle{Color: color.Black, Radius: vg.Points(3.5), Shape: t.g}, mid)
}

// barThumb draws a black error bar as a legend thumbnail.
type barThumb struct{}

func (barThumb) Thumbnail(c *draw.Canvas) {
	x := (c.Min.X + c.Max.X) / 2
	top, bot := c.Max.Y-vg.Points(1), c.Min.Y+vg.Points(1)
	half := vg.Points(capWidth / 2)
	sty := draw.LineStyle{Color: color.Black, Width: vg.Points(0.8)}
	c.StrokeLine2(sty, x, bot, x, top)
	c.StrokeLine2(sty, x-half, top, x+half, top)
	c.StrokeLine2(sty, x-half, bot, x+half, bot)
}
