package figure

import (
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// legendInset is the space between the legend's box and the data area's
// edge, and between the box and its entries.
const legendInset = 4.0

// layout places the legend: in the first corner of the data area (top
// left, top right, bottom left, bottom right) whose box covers no marker,
// bar or line, or else beside the plot on the right, which then narrows.
// It returns the canvas the plot is drawn on and the legend's box.
func (b *built) layout(c draw.Canvas) (draw.Canvas, vg.Rectangle, bool) {
	c = b.yLabelSpace(c)
	w, h := b.legendSize()
	in := vg.Points(legendInset)
	da := b.pl.DataCanvas(c)
	xf, yf := b.pl.Transforms(&da)
	corners := []vg.Rectangle{
		{Min: vg.Point{X: da.Min.X + in, Y: da.Max.Y - in - h}, Max: vg.Point{X: da.Min.X + in + w, Y: da.Max.Y - in}},
		{Min: vg.Point{X: da.Max.X - in - w, Y: da.Max.Y - in - h}, Max: vg.Point{X: da.Max.X - in, Y: da.Max.Y - in}},
		{Min: vg.Point{X: da.Min.X + in, Y: da.Min.Y + in}, Max: vg.Point{X: da.Min.X + in + w, Y: da.Min.Y + in + h}},
		{Min: vg.Point{X: da.Max.X - in - w, Y: da.Min.Y + in}, Max: vg.Point{X: da.Max.X - in, Y: da.Min.Y + in + h}},
	}
	for _, r := range corners {
		if b.p.legendAbove {
			break
		}
		if r.Min.X >= da.Min.X && r.Max.X <= da.Max.X && r.Min.Y >= da.Min.Y && r.Max.Y <= da.Max.Y && !b.covers(r, xf, yf) {
			return c, r, true
		}
	}
	// No free corner: the entries go in rows above the plot.
	rows := b.legendRows(c.Max.X - c.Min.X)
	band := max(vg.Length(len(rows))*b.entryHeight()+2*in, b.p.legendBand)
	plotArea := c
	plotArea.Max.Y -= band + in
	r := vg.Rectangle{Min: vg.Point{X: c.Min.X, Y: c.Max.Y - band}, Max: c.Max}
	return plotArea, r, false
}

// entryHeight is the height of one legend entry.
func (b *built) entryHeight() vg.Length {
	var eh vg.Length
	for _, e := range b.entries {
		eh = max(eh, b.legend.TextStyle.Rectangle(e.text).Max.Y)
	}
	return eh + b.legend.Padding
}

// entryWidth is the width of one entry laid out in a row.
func (b *built) entryWidth(e legendEntry) vg.Length {
	sty := b.legend.TextStyle
	em := sty.Rectangle(" ").Max.X
	return b.legend.ThumbnailWidth + em + sty.Rectangle(e.text).Max.X + 3*em
}

// legendRows packs the entries into rows of at most width.
func (b *built) legendRows(width vg.Length) [][]int {
	var rows [][]int
	var cur []int
	var used vg.Length
	for i, e := range b.entries {
		w := b.entryWidth(e)
		if len(cur) > 0 && used+w > width {
			rows = append(rows, cur)
			cur, used = nil, 0
		}
		cur = append(cur, i)
		used += w
	}
	if len(cur) > 0 {
		rows = append(rows, cur)
	}
	return rows
}

// drawRows draws the entries in rows inside r.
func (b *built) drawRows(c draw.Canvas, r vg.Rectangle) {
	in := vg.Points(legendInset)
	eh := b.entryHeight()
	sty := b.legend.TextStyle
	em := sty.Rectangle(" ").Max.X
	y := r.Max.Y - in - eh
	for _, row := range b.legendRows(r.Max.X - r.Min.X) {
		x := r.Min.X
		for _, i := range row {
			e := b.entries[i]
			icon := &draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + b.legend.ThumbnailWidth, Y: y + eh}}}
			for _, t := range e.thumbs {
				t.Thumbnail(icon)
			}
			c.FillText(sty, vg.Point{X: x + b.legend.ThumbnailWidth + em, Y: y + sty.FontExtents().Descent}, e.text)
			x += b.entryWidth(e)
		}
		y -= eh
	}
}

// legendSize is the legend's box: its entries and an inset around them.
func (b *built) legendSize() (vg.Length, vg.Length) {
	sty := b.legend.TextStyle
	var w vg.Length
	var eh vg.Length
	texts := b.legendTexts()
	for _, t := range texts {
		r := sty.Rectangle(t)
		w = max(w, r.Max.X-r.Min.X)
		eh = max(eh, r.Max.Y)
	}
	in := vg.Points(legendInset)
	em := sty.Rectangle(" ").Max.X
	n := vg.Length(len(texts))
	height := n*eh + (n-1)*b.legend.Padding + sty.FontExtents().Descent
	return b.legend.ThumbnailWidth + em + w + 2*in, height + 2*in
}

// legendTexts lists the legend's entries in order.
func (b *built) legendTexts() []string {
	out := make([]string, len(b.entries))
	for i, e := range b.entries {
		out[i] = e.text
	}
	return out
}

// covers reports whether r overlaps a marker, a bar or a line segment.
func (b *built) covers(r vg.Rectangle, xf, yf func(float64) vg.Length) bool {
	pad := vg.Points(markerRadius + 1)
	grow := vg.Rectangle{Min: vg.Point{X: r.Min.X - pad, Y: r.Min.Y - pad}, Max: vg.Point{X: r.Max.X + pad, Y: r.Max.Y + pad}}
	ymin := b.pl.Y.Min
	for i, m := range b.marks {
		x, y := xf(m.x), yf(m.y)
		lo := m.lo
		if m.openLow {
			lo = ymin
		}
		half := vg.Points(capWidth / 2)
		bar := vg.Rectangle{Min: vg.Point{X: x - half, Y: yf(lo)}, Max: vg.Point{X: x + half, Y: yf(m.hi)}}
		if overlaps(grow, bar) {
			return true
		}
		if i > 0 && !m.first && b.marks[i-1].series == m.series {
			p := b.marks[i-1]
			if segmentHits(grow, xf(p.x), yf(p.y), x, y) {
				return true
			}
		}
	}
	return false
}

func overlaps(a, b vg.Rectangle) bool {
	return a.Min.X <= b.Max.X && b.Min.X <= a.Max.X && a.Min.Y <= b.Max.Y && b.Min.Y <= a.Max.Y
}

// segmentHits samples the segment every half point.
func segmentHits(r vg.Rectangle, x0, y0, x1, y1 vg.Length) bool {
	n := int(math.Hypot(float64(x1-x0), float64(y1-y0))/0.5) + 1
	for k := 0; k <= n; k++ {
		t := vg.Length(float64(k) / float64(n))
		x, y := x0+(x1-x0)*t, y0+(y1-y0)*t
		if x >= r.Min.X && x <= r.Max.X && y >= r.Min.Y && y <= r.Max.Y {
			return true
		}
	}
	return false
}

// yLabelStyle is the y label's text style, rotated to read upwards.
func (b *built) yLabelStyle() text.Style {
	sty := b.pl.Y.Label.TextStyle
	sty.Rotation = math.Pi / 2
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
	return sty
}

// yLabelSpace is c less the strips on the left and at the bottom that the
// axis labels take.
func (b *built) yLabelSpace(c draw.Canvas) draw.Canvas {
	if b.p.YLabel != "" {
		c.Min.X += b.pl.Y.Label.TextStyle.Height(b.p.YLabel) + vg.Points(4)
	}
	if b.p.XLabel != "" {
		c.Min.Y += b.xLabelHeight()
	}
	return c
}

// xLabelHeight is the height of the x label with its padding.
func (b *built) xLabelHeight() vg.Length {
	sty := b.pl.X.Label.TextStyle
	return sty.Height(b.p.XLabel) + sty.FontExtents().Descent + vg.Points(2)
}

// draw draws the plot, its axis labels and the legend: on a white box in a
// corner, or in rows above the plot.
func (b *built) draw(c draw.Canvas) {
	plotArea, r, inside := b.layout(c)
	b.pl.Draw(plotArea)
	da := b.pl.DataCanvas(plotArea)
	if b.p.YLabel != "" {
		c.FillText(b.yLabelStyle(), vg.Point{X: c.Min.X, Y: (da.Min.Y + da.Max.Y) / 2}, b.p.YLabel)
	}
	if b.p.XLabel != "" {
		sty := b.pl.X.Label.TextStyle
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YBottom
		c.FillText(sty, vg.Point{X: (da.Min.X + da.Max.X) / 2, Y: c.Min.Y + sty.FontExtents().Descent}, b.p.XLabel)
	}
	if !inside {
		b.drawRows(c, r)
		return
	}
	var box vg.Path
	box.Move(r.Min)
	box.Line(vg.Point{X: r.Max.X, Y: r.Min.Y})
	box.Line(r.Max)
	box.Line(vg.Point{X: r.Min.X, Y: r.Max.Y})
	box.Close()
	c.SetColor(color.White)
	c.Fill(box)
	c.SetLineStyle(draw.LineStyle{Color: color.Gray{Y: 160}, Width: vg.Points(0.5)})
	c.Stroke(box)
	in := vg.Points(legendInset)
	inner := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: r.Min.X + in, Y: r.Min.Y + in}, Max: vg.Point{X: r.Max.X - in, Y: r.Max.Y - in}}}
	l := b.legend
	l.Top, l.Left = true, true
	l.Draw(inner)
}

// gridTicks marks a linear axis at the grid's values, all labelled when
// there are at most 12 of them, else every k-th so that about 8 are.
type gridTicks []float64

func (g gridTicks) Ticks(lo, hi float64) []plot.Tick {
	every := max(1, (len(g)+7)/8)
	if len(g) <= 12 {
		every = 1
	}
	var out []plot.Tick
	for i, v := range g {
		if v < lo || v > hi {
			continue
		}
		t := plot.Tick{Value: v}
		if i%every == 0 {
			t.Label = FormatValue(v)
		}
		out = append(out, t)
	}
	return out
}

// logGridTicks labels a narrow log axis at the grid's values, with the
// unlabelled minor ticks of logTicks between them.
type logGridTicks []float64

func (g logGridTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	for _, t := range (logTicks{}).Ticks(lo, hi) {
		out = append(out, plot.Tick{Value: t.Value})
	}
	return append(out, gridTicks(g).Ticks(lo, hi)...)
}

// logTicks labels the decades of a log axis, the 2s and 5s as well when the
// range holds fewer than two decades, and every tick when that still leaves
// fewer than two labels, so that a narrow range has labels.
type logTicks struct{}

// maxDecadeLabels is the most decade labels a log axis gets.
const maxDecadeLabels = 8

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
	// Over many decades (α from 1e-32 to 1e-4, say) a label per decade
	// overlaps: label every few decades and leave out the minor ticks.
	every, minors := 1, true
	if decadeLabels > maxDecadeLabels {
		every, minors = (decadeLabels+maxDecadeLabels-1)/maxDecadeLabels, false
	}
	var ticks []plot.Tick
	for e := first; e <= last; e++ {
		base := math.Pow10(e)
		for m := 1; m < 10; m++ {
			v := base * float64(m)
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) || (m > 1 && !minors) {
				continue
			}
			t := plot.Tick{Value: v}
			if (m == 1 && e%every == 0) || (decadeLabels < 2 && (m == 2 || m == 5)) {
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
