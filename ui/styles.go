package ui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
	"github.com/guptarohit/asciigraph"
	"github.com/muesli/termenv"

	"sgdbias/sim"
)

// Styles holds every style of the explorer, built from one renderer so that
// each session (a local terminal, or an SSH client later) gets the colour
// profile and background of its own terminal. There are no package-level
// styles.
type Styles struct {
	Renderer *lipgloss.Renderer
	// Color is false for monochrome terminals and NO_COLOR: series are then
	// told apart by their glyphs alone.
	Color bool

	Title     lipgloss.Style
	Dim       lipgloss.Style
	Value     lipgloss.Style
	Label     lipgloss.Style
	Selected  lipgloss.Style
	Live      lipgloss.Style
	Restart   lipgloss.Style
	Banner    lipgloss.Style
	Follow    lipgloss.Style // the "following the presenter" line
	Notice    lipgloss.Style
	Error     lipgloss.Style
	Running   lipgloss.Style
	Stopped   lipgloss.Style
	HelpBox   lipgloss.Style
	HelpTitle lipgloss.Style
	Help      help.Styles

	Ref lipgloss.Style // reference levels (min-ℓ₁, GF limit)

	// Built once per session and never changed afterwards.
	algo         map[sim.Algo]lipgloss.Style
	algoColor    map[sim.Algo]asciigraph.AnsiColor
	variant      []lipgloss.Style
	variantColor []asciigraph.AnsiColor
	refColor     asciigraph.AnsiColor
}

// Series glyphs: each algorithm draws with its own line set, so the charts
// read without colour too. Variants (an algorithm with pinned parameters,
// e.g. gd:step=0.0175) take the spare ones in the snapshot's run order.
func algoGlyph(a sim.Algo) asciigraph.CharSet {
	switch a {
	case sim.SGF:
		return asciigraph.CharSet{Horizontal: "━", VerticalLine: "┃", ArcDownRight: "┏", ArcDownLeft: "┓", ArcUpRight: "┗", ArcUpLeft: "┛", EndCap: "╸", StartCap: "╺"}
	case sim.GD:
		return asciigraph.CharSet{Horizontal: "═", VerticalLine: "║", ArcDownRight: "╔", ArcDownLeft: "╗", ArcUpRight: "╚", ArcUpLeft: "╝", EndCap: "═", StartCap: "═"}
	case sim.SGD:
		return asciigraph.CharSet{Horizontal: "┄", VerticalLine: "┆", ArcDownRight: "┌", ArcDownLeft: "┐", ArcUpRight: "└", ArcUpLeft: "┘", EndCap: "┄", StartCap: "┄"}
	case algoLNSGD:
		return asciigraph.CharSet{Horizontal: "╍", VerticalLine: "╏", ArcDownRight: "┌", ArcDownLeft: "┐", ArcUpRight: "└", ArcUpLeft: "┘", EndCap: "╍", StartCap: "╍"}
	case algoHB:
		return asciigraph.CharSet{Horizontal: "≡", VerticalLine: "│", ArcDownRight: "╒", ArcDownLeft: "╕", ArcUpRight: "╘", ArcUpLeft: "╛", EndCap: "≡", StartCap: "≡"}
	}
	return asciigraph.CharSet{Horizontal: "─", VerticalLine: "│", ArcDownRight: "╭", ArcDownLeft: "╮", ArcUpRight: "╰", ArcUpLeft: "╯", EndCap: "╴", StartCap: "╶"}
}

// variantGlyph is the line set of the i-th variant of a snapshot.
func variantGlyph(i int) asciigraph.CharSet {
	marks := [...]string{"•", "×", "+"}
	return asciigraph.CreateCharSet(marks[i%len(marks)])
}

// Reference levels' glyphs: the minimum-ℓ₁ level and the GF limit's.
const (
	glyphMinL1   = "┈"
	glyphGFLimit = "╌"
	glyphMinL2   = "⋅"
	glyphLasso   = "~"
	glyphGhost   = "∙" // an earlier run, dimmed
	glyphBand    = "·" // a run's smallest and largest α_t,j
)

// Marks used on the charts' time axes and in the legend.
const (
	markerGlyph = "▲" // a live parameter change
	liveGlyph   = "•" // a parameter that applies at the next step
	restartMark = "↻" // a parameter that restarts the runs
)

// The engine's extensions (label-noise SGD, heavy ball), shown when a
// scenario asks for them.
const (
	algoLNSGD sim.Algo = "lnsgd"
	algoHB    sim.Algo = "hb"
)

// Series colours: 256-colour indices of medium lightness that read on dark
// and light backgrounds alike (WCAG contrast ≥ 3.8 against both white and
// black for each); basic ANSI colours on 16-colour terminals. Variants take
// spare colours with the same contrast rule (≥ 3.4), in the snapshot's run
// order.
func algoColors(a sim.Algo) (c256, c16 int) {
	switch a {
	case sim.SGF:
		return 166, 1
	case sim.GD:
		return 28, 2
	case sim.SGD:
		return 163, 5
	case algoLNSGD:
		return 130, 3
	case algoHB:
		return 30, 6
	}
	return 32, 4
}

func variantColors(i int) (c256, c16 int) {
	c256s, c16s := [...]int{27, 128, 29, 124}, [...]int{12, 13, 10, 9}
	return c256s[i%len(c256s)], c16s[i%len(c16s)]
}

// baseAlgos are the algorithms with a style of their own.
func baseAlgos() []sim.Algo { return []sim.Algo{sim.GF, sim.SGF, sim.GD, sim.SGD, algoLNSGD, algoHB} }

// DefaultStyles builds the explorer's styles for one renderer.
func DefaultStyles(r *lipgloss.Renderer) *Styles {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	profile := r.ColorProfile()
	s := &Styles{Renderer: r, Color: profile != termenv.Ascii}
	dim := lipgloss.AdaptiveColor{Light: "242", Dark: "246"}
	faint := lipgloss.AdaptiveColor{Light: "248", Dark: "240"}
	accent := lipgloss.AdaptiveColor{Light: "25", Dark: "75"}
	warn := lipgloss.AdaptiveColor{Light: "160", Dark: "203"}
	good := lipgloss.AdaptiveColor{Light: "28", Dark: "78"}

	s.Title = r.NewStyle().Bold(true)
	s.Dim = r.NewStyle().Foreground(dim)
	s.Value = r.NewStyle().Bold(true)
	s.Label = r.NewStyle().Foreground(dim)
	s.Selected = r.NewStyle().Reverse(true).Bold(true)
	s.Live = r.NewStyle().Foreground(good)
	s.Restart = r.NewStyle().Foreground(accent)
	s.Banner = r.NewStyle().Bold(true).Foreground(lipgloss.AdaptiveColor{Light: "255", Dark: "255"}).
		Background(lipgloss.AdaptiveColor{Light: "160", Dark: "124"})
	s.Follow = r.NewStyle().Bold(true).Foreground(lipgloss.AdaptiveColor{Light: "255", Dark: "255"}).
		Background(lipgloss.AdaptiveColor{Light: "25", Dark: "25"})
	s.Notice = r.NewStyle().Foreground(accent)
	s.Error = r.NewStyle().Foreground(warn).Bold(true)
	s.Running = r.NewStyle().Foreground(good).Bold(true)
	s.Stopped = r.NewStyle().Foreground(warn).Bold(true)
	s.HelpBox = r.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1)
	s.HelpTitle = r.NewStyle().Bold(true).Foreground(accent)
	s.Ref = r.NewStyle().Foreground(dim)
	s.Help = help.Styles{
		Ellipsis:       r.NewStyle().Foreground(faint),
		ShortKey:       r.NewStyle().Foreground(dim).Bold(true),
		ShortDesc:      r.NewStyle().Foreground(dim),
		ShortSeparator: r.NewStyle().Foreground(faint),
		FullKey:        r.NewStyle().Foreground(accent).Bold(true),
		FullDesc:       r.NewStyle(),
		FullSeparator:  r.NewStyle().Foreground(faint),
	}

	s.algo = map[sim.Algo]lipgloss.Style{}
	s.algoColor = map[sim.Algo]asciigraph.AnsiColor{}
	for _, a := range baseAlgos() {
		s.algo[a], s.algoColor[a] = s.seriesStyle(algoColors(a))
	}
	for i := range variantSlots {
		st, col := s.seriesStyle(variantColors(i))
		s.variant = append(s.variant, st)
		s.variantColor = append(s.variantColor, col)
	}
	switch profile {
	case termenv.Ascii:
	case termenv.ANSI:
		s.refColor = asciigraph.Gray
	default:
		s.refColor = asciigraph.AnsiColor(243)
	}
	return s
}

// ansi16 maps a basic ANSI colour number (0–7) to asciigraph's 3-bit codes.
func ansi16(n int) asciigraph.AnsiColor {
	switch n {
	case 1:
		return asciigraph.Maroon
	case 2:
		return asciigraph.Green
	case 4:
		return asciigraph.Navy
	case 5:
		return asciigraph.Purple
	case 3:
		return asciigraph.Olive
	case 6:
		return asciigraph.Teal
	}
	return asciigraph.Default
}

// variantSlots is how many variants have a glyph and colour of their own.
const variantSlots = 12

// seriesStyle is the name style and chart colour of one series' colours in
// this renderer's profile.
func (s *Styles) seriesStyle(c256, c16 int) (lipgloss.Style, asciigraph.AnsiColor) {
	var c lipgloss.TerminalColor = lipgloss.NoColor{}
	var chart asciigraph.AnsiColor
	switch s.Renderer.ColorProfile() {
	case termenv.Ascii:
	case termenv.ANSI:
		c, chart = lipgloss.ANSIColor(c16), ansi16(c16)
	default:
		c, chart = lipgloss.ANSIColor(c256), asciigraph.AnsiColor(c256)
	}
	return s.Renderer.NewStyle().Foreground(c).Bold(true), chart
}
