package figure

import (
	"math"
	"strings"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// mathText is a text handler that renders subscripts: "_x" lowers the
// next character and "_{…}" a group, in a smaller size, so that labels
// such as "α_∞/α" or "‖β−β_{ℓ₁}‖₂" read as they do in the papers. (The
// LaTeX handler of gonum/plot has no subscripts.) Everything else is drawn
// as text.Plain draws it.
type mathText struct{ text.Plain }

// subScale and subDrop size and lower a subscript, as fractions of the
// font size.
const (
	subScale = 0.7
	subDrop  = 0.22
)

// span is a run of text, subscripted or not.
type span struct {
	s   string
	sub bool
}

// spans splits a line at its subscripts. A "_" with nothing after it is
// kept as it is.
func spans(line string) []span {
	var out []span
	var cur strings.Builder
	flush := func(sub bool) {
		if cur.Len() > 0 {
			out = append(out, span{cur.String(), sub})
			cur.Reset()
		}
	}
	rs := []rune(line)
	for i := 0; i < len(rs); i++ {
		if rs[i] != '_' || i+1 >= len(rs) {
			cur.WriteRune(rs[i])
			continue
		}
		flush(false)
		if rs[i+1] == '{' {
			end := i + 2
			for end < len(rs) && rs[end] != '}' {
				end++
			}
			cur.WriteString(string(rs[i+2 : end]))
			i = end
		} else {
			cur.WriteRune(rs[i+1])
			i++
		}
		flush(true)
	}
	flush(false)
	return out
}

func (h mathText) subFont(f font.Font) font.Font {
	f.Size = vg.Length(float64(f.Size) * subScale)
	return f
}

// width is the advance of a line of spans.
func (h mathText) width(line string, f font.Font) vg.Length {
	var w vg.Length
	for _, sp := range spans(line) {
		ff := f
		if sp.sub {
			ff = h.subFont(f)
		}
		face := h.Fonts.Lookup(ff, ff.Size)
		w += face.Width(sp.s)
	}
	return w
}

// Box is text.Plain's box with the subscripts' widths and their drop below
// the baseline.
func (h mathText) Box(txt string, f font.Font) (width, height, depth vg.Length) {
	face := h.Fonts.Lookup(f, f.Size)
	ext := face.Extents()
	depth = ext.Descent
	if strings.Contains(txt, "_") {
		sf := h.subFont(f)
		subFace := h.Fonts.Lookup(sf, sf.Size)
		sub := subFace.Extents()
		depth = vg.Length(math.Max(float64(depth), float64(sub.Descent+vg.Length(subDrop)*f.Size)))
	}
	return h.width(txt, f), ext.Ascent, depth
}

// Draw follows text.Plain.Draw line by line, drawing each span in its size
// and at its height.
func (h mathText) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	txt = strings.TrimRight(txt, "\n")
	if len(txt) == 0 {
		return
	}
	fnt := h.Fonts.Lookup(sty.Font, sty.Font.Size)
	c.SetColor(sty.Color)
	if sty.Rotation != 0 {
		c.Push()
		c.Rotate(sty.Rotation)
	}
	sin64, cos64 := math.Sincos(sty.Rotation)
	cos, sin := vg.Length(cos64), vg.Length(sin64)
	pt.X, pt.Y = pt.Y*sin+pt.X*cos, pt.Y*cos-pt.X*sin
	lines := h.Lines(txt)
	ht := sty.Height(txt)
	pt.Y += ht*vg.Length(sty.YAlign) - fnt.Extents().Ascent
	subF := h.subFont(sty.Font)
	sub := h.Fonts.Lookup(subF, subF.Size)
	for i, line := range lines {
		x := pt.X + vg.Length(sty.XAlign)*h.width(line, sty.Font)
		y := pt.Y + vg.Length(len(lines)-i)*sty.Font.Size
		for _, sp := range spans(line) {
			if sp.sub {
				c.FillString(sub, vg.Point{X: x, Y: y - vg.Length(subDrop)*sty.Font.Size}, sp.s)
				x += sub.Width(sp.s)
				continue
			}
			c.FillString(fnt, vg.Point{X: x, Y: y}, sp.s)
			x += fnt.Width(sp.s)
		}
	}
	if sty.Rotation != 0 {
		c.Pop()
	}
}
