package figure

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"

	"sgdbias/internal/atomicfile"
)

// Plot is a publication figure: one line per series with markers and error
// bars, labelled axes, log scales where asked, and a legend in a free corner
// of the plot (or beside it when no corner is free). Series at the same x
// are moved apart slightly (dodged) so that their bars do not hide each
// other; the y range covers every bar, and a bar that a log axis cannot show
// (its lower end ≤ 0) ends at the axis with an open triangle, explained in
// the legend, never cut off silently.
//
// The axis labels may hold subscripts: "α_∞" or "β_{ℓ₁}"; the title and the
// legend are drawn as they are.
type Plot struct {
	// Title is drawn above the plot; papers leave it empty and use a caption.
	Title          string
	XLabel, YLabel string
	XLog, YLog     bool
	Series         []Series
	// BandNote says what the error bars are (e.g. "interquartile range");
	// it is the legend's last entry.
	BandNote string
	// XTicks are the values to mark on the x axis (the grid's values): on a
	// linear axis always, on a log axis when it spans less than two decades;
	// nil leaves the ticks to gonum/plot.
	XTicks []float64
	// Width and Height of the figure (default 6 × 4 inches) and the font
	// size of the labels (default 11 pt; ticks and legend slightly smaller).
	Width, Height vg.Length
	FontSize      vg.Length
	// YMin and YMax, when YMin < YMax, widen the y axis to cover them (so
	// that panels share one scale); the data are always covered. XMin and
	// XMax do the same for the x axis.
	YMin, YMax float64
	XMin, XMax float64

	// Set by Panels so that its panels line up: the legend goes above the
	// plot, in a band at least legendBand high.
	legendAbove bool
	legendBand  vg.Length
	// fixedAxes makes XMin…XMax × YMin…YMax the axes exactly (Panels has
	// computed them to cover every panel, margins included).
	fixedAxes bool
}

// PNGDPI is the resolution of PNG figures, lowered for large ones so that
// no PNG exceeds maxPNGPixels.
const PNGDPI = 200

const maxPNGPixels = 40e6

// pngDPI is the resolution of a PNG of w × h.
func pngDPI(w, h vg.Length) int {
	inches := float64(w/vg.Inch) * float64(h/vg.Inch)
	if inches <= 0 {
		return PNGDPI
	}
	return max(1, min(PNGDPI, int(math.Sqrt(maxPNGPixels/inches))))
}

// Formats lists the figure formats by file extension.
var Formats = []string{"svg", "png", "pdf"}

// FormatFor returns "svg", "png" or "pdf" from a file name's extension.
func FormatFor(path string) (string, error) {
	ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	for _, f := range Formats {
		if ext == f {
			return f, nil
		}
	}
	return "", fmt.Errorf("%s: want a file name ending in .svg, .png or .pdf", path)
}

// WriteFile writes the figure to path, as SVG, PNG or PDF by its extension,
// atomically; an existing file is kept unless overwrite is set.
func (p Plot) WriteFile(path string, overwrite bool) error {
	format, err := FormatFor(path)
	if err != nil {
		return err
	}
	if _, err := p.build(); err != nil { // fail before touching the file
		return err
	}
	return atomicfile.Write(path, overwrite, func(w io.Writer) error { return p.Encode(w, format) })
}

// size returns the figure's size with its defaults.
func (p Plot) size() (vg.Length, vg.Length) {
	w, h := p.Width, p.Height
	if w <= 0 {
		w = 6 * vg.Inch
	}
	if h <= 0 {
		h = 4 * vg.Inch
	}
	return w, h
}

// Encode writes the figure as "svg", "png" or "pdf". SVG and PDF embed their
// fonts, so that they look the same on every machine and in a journal's
// pipeline.
func (p Plot) Encode(w io.Writer, format string) error {
	width, height := p.size()
	return encode(w, format, width, height, p.Draw)
}

// encode draws a figure of width × height in a format and writes it.
func encode(w io.Writer, format string, width, height vg.Length, drawOn func(draw.Canvas) error) error {
	var c vg.CanvasWriterTo
	switch format {
	case "svg":
		c = vgsvg.NewWith(vgsvg.UseWH(width, height), vgsvg.EmbedFonts(true))
	case "png":
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(pngDPI(width, height)))}
	case "pdf":
		pc := vgpdf.New(width, height)
		pc.EmbedFonts(true)
		c = pc
	default:
		return fmt.Errorf("figure format %q: want svg, png or pdf", format)
	}
	if err := drawOn(draw.New(c)); err != nil {
		return err
	}
	_, err := c.WriteTo(w)
	return err
}

// Draw draws the figure on a canvas.
func (p Plot) Draw(c draw.Canvas) error {
	f, err := p.build()
	if err != nil {
		return err
	}
	f.draw(margin(c))
	return nil
}

// margin keeps the last tick label of the x axis inside the figure.
func margin(c draw.Canvas) draw.Canvas {
	return draw.Crop(c, vg.Points(4), -vg.Points(10), vg.Points(4), -vg.Points(4))
}

// fontSize is the labels' size; ticks and legend are 90% of it.
func (p Plot) fontSize() vg.Length {
	if p.FontSize > 0 {
		return p.FontSize
	}
	return vg.Points(11)
}

func (p Plot) textHandler() mathText { return mathText{Plain: plainText()} }

func scaledFont(size vg.Length, k float64) font.Font {
	f := font.Font{Typeface: "Liberation", Variant: "Serif"}
	f.Size = vg.Length(float64(size) * k)
	return f
}
