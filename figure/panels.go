package figure

import (
	"fmt"
	"io"
	"math"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"sgdbias/internal/atomicfile"
)

// Panels is a figure of several plots in a grid (small multiples), on one
// y scale so that they compare at a glance. Each panel is a Plot, with its
// own title (what differs between the panels) and legend.
type Panels struct {
	Plots []Plot
	// Cols is the number of panels in a row (default: all in one row, at
	// most 3).
	Cols int
	// Width and Height of the whole figure (default 6 inches wide, 3.5 inches
	// a row).
	Width, Height vg.Length
}

// shared returns the panels with one x and one y range covering all of
// them (the ranges of the data, before their margins).
func (ps Panels) shared() ([]Plot, error) {
	xlo, xhi, ylo, yhi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, p := range ps.Plots {
		b, err := p.build()
		if err != nil {
			return nil, err
		}
		for _, m := range b.marks {
			xlo, xhi = math.Min(xlo, m.x), math.Max(xhi, m.x)
			for _, v := range []float64{m.y, m.lo, m.hi} {
				if !p.YLog || v > 0 {
					ylo, yhi = math.Min(ylo, v), math.Max(yhi, v)
				}
			}
		}
	}
	// Each panel's axes with its margins (and room for open bars) once
	// widened to the common data range; their union is every panel's axes.
	out := make([]Plot, len(ps.Plots))
	var ax [4]float64
	for i, p := range ps.Plots {
		p.XMin, p.XMax, p.YMin, p.YMax = xlo, xhi, ylo, yhi
		b, err := p.build()
		if err != nil {
			return nil, err
		}
		if i == 0 {
			ax = [4]float64{b.pl.X.Min, b.pl.X.Max, b.pl.Y.Min, b.pl.Y.Max}
		}
		ax = [4]float64{math.Min(ax[0], b.pl.X.Min), math.Max(ax[1], b.pl.X.Max), math.Min(ax[2], b.pl.Y.Min), math.Max(ax[3], b.pl.Y.Max)}
		out[i] = p
	}
	for i := range out {
		out[i].XMin, out[i].XMax, out[i].YMin, out[i].YMax, out[i].fixedAxes = ax[0], ax[1], ax[2], ax[3], true
	}
	return out, nil
}

func (ps Panels) layout() (cols, rows int, w, h vg.Length) {
	cols = ps.Cols
	if cols <= 0 {
		cols = min(3, len(ps.Plots))
	}
	cols = max(1, cols)
	rows = (len(ps.Plots) + cols - 1) / cols
	w, h = ps.Width, ps.Height
	if w <= 0 {
		w = 6 * vg.Inch
	}
	if h <= 0 {
		h = vg.Length(rows) * 3.5 * vg.Inch
	}
	return cols, rows, w, h
}

// Draw draws the panels on a canvas.
func (ps Panels) Draw(c draw.Canvas) error {
	if len(ps.Plots) == 0 {
		return fmt.Errorf("figure: no panel to draw")
	}
	plots, err := ps.shared()
	if err != nil {
		return err
	}
	cols, rows, _, _ := ps.layout()
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(6), PadY: vg.Points(6)}
	// The panels line up: if one legend must go above its plot, all do, in
	// bands of the same height.
	legend := func(i int, p Plot) (vg.Length, bool, error) {
		b, err := p.build()
		if err != nil {
			return 0, false, err
		}
		_, r, inside := b.layout(margin(tiles.At(c, i%cols, i/cols)))
		return r.Max.Y - r.Min.Y, inside, nil
	}
	above := false
	for i, p := range plots {
		_, inside, err := legend(i, p)
		if err != nil {
			return err
		}
		above = above || !inside
	}
	if above {
		band := vg.Length(0)
		for i := range plots {
			plots[i].legendAbove = true
			h, _, _ := legend(i, plots[i])
			band = max(band, h)
		}
		for i := range plots {
			plots[i].legendBand = band
		}
	}
	for i, p := range plots {
		if err := p.Draw(tiles.At(c, i%cols, i/cols)); err != nil {
			return err
		}
	}
	return nil
}

// Encode writes the panels as "svg", "png" or "pdf".
func (ps Panels) Encode(w io.Writer, format string) error {
	if len(ps.Plots) == 0 {
		return fmt.Errorf("figure: no panel to draw")
	}
	_, _, width, height := ps.layout()
	return encode(w, format, width, height, ps.Draw)
}

// WriteFile writes the panels to path by its extension, atomically; an
// existing file is kept unless overwrite is set.
func (ps Panels) WriteFile(path string, overwrite bool) error {
	format, err := FormatFor(path)
	if err != nil {
		return err
	}
	if _, err := ps.shared(); err != nil || len(ps.Plots) == 0 {
		if err == nil {
			err = fmt.Errorf("figure: no panel to draw")
		}
		return err
	}
	return atomicfile.Write(path, overwrite, func(w io.Writer) error { return ps.Encode(w, format) })
}
