package cli

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot/vg"

	"sgdbias/figure"
	"sgdbias/sim"
	"sgdbias/sim/sweep"
)

// figureFlags control the --plot figure.
type figureFlags struct {
	band     string
	title    string
	size     string
	fontSize float64
}

func addFigureFlags(fs *flag.FlagSet) *figureFlags {
	f := &figureFlags{}
	fs.StringVar(&f.band, "band", "", "error bars of --plot: sd (mean ± sd), sem (mean ± sd/√n), iqr (median and quartiles) or geo (geometric mean ×/÷ geometric sd); default iqr on a linear y axis, geo on a log one")
	fs.StringVar(&f.title, "title", "", "title of --plot (default none, for a caption; 'auto' describes the sweep)")
	fs.StringVar(&f.size, "size", "6x4", "size of --plot: `WxH` in inches, or with a unit: 8.5cmx6cm, 240x170pt")
	fs.Float64Var(&f.fontSize, "font-size", 11, "font size of --plot's labels in `PT` (ticks and legend: 90%)")
	return f
}

// figureSpec is the checked form of the figure flags.
type figureSpec struct {
	band          sweep.Band // "" picks by the axis
	title         string
	width, height vg.Length
	fontSize      vg.Length
}

func (f *figureFlags) check() (figureSpec, error) {
	var sp figureSpec
	if f.band != "" {
		b, err := sweep.ParseBand(f.band)
		if err != nil {
			return sp, err
		}
		sp.band = b
	}
	if len(f.title) > 200 || strings.ContainsAny(f.title, "\x00\r") {
		return sp, errors.New("--title: at most 200 characters, no NUL or carriage return")
	}
	sp.title = f.title
	w, h, err := parseSize(f.size)
	if err != nil {
		return sp, err
	}
	sp.width, sp.height = w, h
	if !(f.fontSize >= 4 && f.fontSize <= 48) {
		return sp, fmt.Errorf("--font-size: %g is out of range; allowed 4 to 48 (points)", f.fontSize)
	}
	sp.fontSize = vg.Points(f.fontSize)
	return sp, nil
}

// parseSize reads WxH with an optional unit (in, cm, mm, pt; inches when
// none) on either number; each side must be 1 to 40 inches.
func parseSize(s string) (vg.Length, vg.Length, error) {
	bad := fmt.Errorf("--size: %q is not WxH; want e.g. 6x4 (inches), 3.3x2.5in, 8.5cmx6cm or 240x170pt, each side 1 to 40 inches", s)
	ws, hs, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	if !ok {
		return 0, 0, bad
	}
	unitOf := func(t string) (string, string) {
		for _, u := range []string{"in", "cm", "mm", "pt"} {
			if strings.HasSuffix(t, u) {
				return strings.TrimSpace(strings.TrimSuffix(t, u)), u
			}
		}
		return strings.TrimSpace(t), ""
	}
	wn, wu := unitOf(ws)
	hn, hu := unitOf(hs)
	if wu == "" {
		wu = hu
	}
	if hu == "" {
		hu = wu
	}
	length := func(num, unit string) (vg.Length, bool) {
		v, err := strconv.ParseFloat(num, 64)
		if err != nil || math.IsNaN(v) {
			return 0, false
		}
		var l vg.Length
		switch unit {
		case "cm":
			l = vg.Length(v) * vg.Centimeter
		case "mm":
			l = vg.Length(v) * vg.Millimeter
		case "pt":
			l = vg.Points(v)
		default:
			l = vg.Length(v) * vg.Inch
		}
		return l, l >= vg.Inch && l <= 40*vg.Inch
	}
	w, okW := length(wn, wu)
	h, okH := length(hn, hu)
	if !okW || !okH {
		return 0, 0, bad
	}
	return w, h, nil
}

// paperLabel names an algorithm as the papers do: GF, GD, SGF, SGD, and
// a variant by its pinned parameters, e.g. "GD (γ = 0.0175)".
func paperLabel(a sim.Algo) string {
	names := map[sim.Algo]string{sim.GF: "GF", sim.GD: "GD", sim.SGF: "SGF", sim.SGD: "SGD", sim.LNSGD: "label-noise GD", sim.HB: "HB"}
	name, ok := names[a.Base()]
	if !ok {
		name = strings.ToUpper(string(a.Base()))
	}
	pinNames := map[string]string{"step": "γ", "noise": "noise", "batch": "b", "momentum": "μ", "label-noise": "δ"}
	var pins []string
	for _, p := range a.Pins() {
		pins = append(pins, fmt.Sprintf("%s = %s", pinNames[p.Key], figure.FormatValue(p.Value)))
	}
	if len(pins) > 0 {
		name += " (" + strings.Join(pins, ", ") + ")"
	}
	return name
}

// figureLabel is a metric's axis label with its subscripts marked for the
// figure's text renderer.
func figureLabel(m sweep.Metric) string {
	switch m {
	case sweep.L1Distance:
		return "‖β − β_{ℓ1}‖₂"
	case sweep.AlphaRatio:
		return "α_∞/α"
	case sweep.Steps:
		return "steps until loss ≤ tol"
	case sweep.Time:
		return "time until loss ≤ tol"
	}
	return m.Label()
}

// sweepFigure is the --plot figure: per algorithm (and combination of the
// other swept parameters), the centre and bar of the band at each value of
// the first swept parameter. It also returns the band used and how many
// points had no band (a geometric band of a non-positive value).
func sweepFigure(res *sweep.Result, metric sweep.Metric, sp figureSpec) (figure.Plot, sweep.Band, int) {
	lines, _ := sweepLines(res, metric)
	band, ylog := figureBand(res, metric, sp, lines)
	p, missing := sweepPlot(res, metric, sp, lines, band, ylog, func(l sweepLine) string { return l.name(paperLabel) })
	return p, band, missing
}

// needsPanels reports whether the --plot figure is one panel per algorithm:
// a sweep of two or more parameters with too many lines for one plot.
func needsPanels(res *sweep.Result) bool {
	c := res.Config
	return len(c.Grid.Swept()) >= 2 && len(c.Algos) > 1 && lineCombos(c.Grid)*len(c.Algos) > maxChartSeries
}

// sweepPanels is the --plot figure as small multiples: one panel per
// algorithm, each with up to maxChartSeries evenly spread values of the
// other swept parameters, on one y scale.
func sweepPanels(res *sweep.Result, metric sweep.Metric, sp figureSpec) (figure.Panels, sweep.Band, int) {
	c := res.Config
	combos := pickCombos(lineCombos(c.Grid), maxChartSeries)
	all := linesFor(res, c.Algos, combos)
	band, ylog := figureBand(res, metric, sp, all)
	ps := figure.Panels{Width: sp.width, Height: sp.height, Cols: min(3, len(c.Algos))}
	missing := 0
	for _, a := range c.Algos {
		p, m := sweepPlot(res, metric, sp, linesFor(res, []sim.Algo{a}, combos), band, ylog, func(l sweepLine) string { return l.fixed })
		p.Title = paperLabel(a)
		ps.Plots, missing = append(ps.Plots, p), missing+m
	}
	return ps, band, missing
}

// figureBand picks the y scale from the lines' medians and the band: the
// one asked for, else quartiles on a linear axis and the geometric band on
// a log one.
func figureBand(res *sweep.Result, metric sweep.Metric, sp figureSpec, lines []sweepLine) (sweep.Band, bool) {
	var medians [][]float64
	for _, l := range lines {
		var ys []float64
		for _, pt := range l.points {
			if c, _, _, ok := sweep.BandIQR.Of(res.Values(pt, l.algo, metric)); ok {
				ys = append(ys, c)
			}
		}
		medians = append(medians, ys)
	}
	ylog := figure.LogUseful(medians...)
	band := sp.band
	if band == "" {
		band = sweep.BandIQR
		if ylog {
			band = sweep.BandGeo
		}
	}
	return band, ylog
}

// sweepPlot draws lines with the band's centres and bars, each named by
// name; it also returns how many points had no band.
func sweepPlot(res *sweep.Result, metric sweep.Metric, sp figureSpec, lines []sweepLine, band sweep.Band, ylog bool,
	name func(sweepLine) string) (figure.Plot, int) {
	c := res.Config
	p := figure.Plot{YLabel: figureLabel(metric) + " (" + band.Centre() + ")", YLog: ylog, BandNote: fmt.Sprintf("%s, %d seeds", band.Bar(), c.Reps),
		Width: sp.width, Height: sp.height, FontSize: sp.fontSize}
	if sp.title == "auto" {
		p.Title = fmt.Sprintf("%s\n%s, n = %d, d = %d", metric.Describe(), orDash(c.Problem.Source), c.Problem.N, c.Problem.D)
	} else {
		p.Title = sp.title
	}
	missing := 0
	for _, l := range lines {
		s := figure.Series{Name: name(l), X: l.xs}
		if div, runs := divergedRuns(res, l); div > 0 {
			s.Name += fmt.Sprintf(" (%d of %d runs left out)", div, runs) // diverged, collapsed or failed
		}
		for _, pt := range l.points {
			vals := res.Values(pt, l.algo, metric)
			centre, lo, hi, ok := band.Of(vals)
			if !ok {
				centre, lo, hi = math.NaN(), math.NaN(), math.NaN()
				if len(vals) > 0 {
					missing++
				}
			}
			s.Y, s.Lo, s.Hi = append(s.Y, centre), append(s.Lo, lo), append(s.Hi, hi)
		}
		p.Series = append(p.Series, s)
	}
	if swept := c.Grid.Swept(); len(swept) > 0 {
		ax := c.Grid.Axis(swept[0])
		p.XLabel = swept[0].Describe()
		p.XLog, p.XTicks = ax.LogSpaced(), ax.Values
	}
	return p, missing
}

// writeSweepFigure writes --plot and says on stderr what its bars are.
func writeSweepFigure(std stdio, cmd string, res *sweep.Result, metric sweep.Metric, o *outputFlags) error {
	var band sweep.Band
	var missing int
	if needsPanels(res) {
		var ps figure.Panels
		ps, band, missing = sweepPanels(res, metric, o.figure)
		if err := ps.WriteFile(o.plot, o.force); err != nil {
			return err
		}
		n := lineCombos(res.Config.Grid)
		fmt.Fprintf(std.err, "sgdbias %s: --plot: one panel per algorithm, each with %d of the %d values of the other parameters, evenly spread\n", cmd,
			min(n, maxChartSeries), n)
	} else {
		var p figure.Plot
		p, band, missing = sweepFigure(res, metric, o.figure)
		if err := p.WriteFile(o.plot, o.force); err != nil {
			return err
		}
		if _, note := sweepLines(res, metric); note != "" {
			fmt.Fprintf(std.err, "sgdbias %s: --plot: %s\n", cmd, strings.Trim(note, "()"))
		}
	}
	fmt.Fprintf(std.err, "sgdbias %s: --plot: points are the %s of the runs, bars %s\n", cmd, band.Centre(), band.Bar())
	if missing > 0 {
		fmt.Fprintf(std.err, "sgdbias %s: --plot: %d points have no %s (a value ≤ 0); give --band iqr or sd\n", cmd, missing, band.Describe())
	}
	return nil
}
