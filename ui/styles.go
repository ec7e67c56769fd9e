package ui

import (
	"sync"

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

	algo      map[sim.Algo]lipgloss.Style
	algoColor map[sim.Algo]asciigraph.AnsiColor
	refColor  asciigraph.AnsiColor
}

// Series glyphs: each algorithm draws with its own line set, so the charts
// read without colour too.
var (
	glyphGF  = asciigraph.CharSet{Horizontal: "─", VerticalLine: "│", ArcDownRight: "╭", ArcDownLeft: "╮", ArcUpRight: "╰", ArcUpLeft: "╯", EndCap: "╴", StartCap: "╶"}
	glyphSGF = asciigraph.CharSet{Horizontal: "━", VerticalLine: "┃", ArcDownRight: "┏", ArcDownLeft: "┓", ArcUpRight: "┗", ArcUpLeft: "┛", EndCap: "╸", StartCap: "╺"}
	glyphGD  = asciigraph.CharSet{Horizontal: "═", VerticalLine: "║", ArcDownRight: "╔", ArcDownLeft: "╗", ArcUpRight: "╚", ArcUpLeft: "╝", EndCap: "═", StartCap: "═"}
	glyphSGD = asciigraph.CharSet{Horizontal: "┄", VerticalLine: "┆", ArcDownRight: "┌", ArcDownLeft: "┐", ArcUpRight: "└", ArcUpLeft: "┘", EndCap: "┄", StartCap: "┄"}
	glyphLN  = asciigraph.CharSet{Horizontal: "╍", VerticalLine: "╏", ArcDownRight: "┌", ArcDownLeft: "┐", ArcUpRight: "└", ArcUpLeft: "┘", EndCap: "╍", StartCap: "╍"}
	glyphHB  = asciigraph.CharSet{Horizontal: "≡", VerticalLine: "│", ArcDownRight: "╒", ArcDownLeft: "╕", ArcUpRight: "╘", ArcUpLeft: "╛", EndCap: "≡", StartCap: "≡"}
	// Variants (an algorithm with pinned parameters, e.g. gd:step=0.0175)
	// take these, in the order they first appear.
	glyphVariants = []asciigraph.CharSet{asciigraph.CreateCharSet("•"), asciigraph.CreateCharSet("×"), asciigraph.CreateCharSet("+")}
	glyphMin      = asciigraph.CreateCharSet("┈")
	glyphGFL      = asciigraph.CreateCharSet("╌")
)

// Glyph is the line set of an algorithm's series.
func Glyph(a sim.Algo) asciigraph.CharSet {
	if a != a.Base() {
		return glyphVariants[variantIndex(a)%len(glyphVariants)]
	}
	switch a {
	case sim.SGF:
		return glyphSGF
	case sim.GD:
		return glyphGD
	case sim.SGD:
		return glyphSGD
	case algoLNSGD:
		return glyphLN
	case algoHB:
		return glyphHB
	}
	return glyphGF
}

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
// black for each); basic ANSI colours on 16-colour terminals.
var (
	color256 = map[sim.Algo]int{sim.GF: 32, sim.SGF: 166, sim.GD: 28, sim.SGD: 163, algoLNSGD: 130, algoHB: 30}
	color16  = map[sim.Algo]int{sim.GF: 4, sim.SGF: 1, sim.GD: 2, sim.SGD: 5, algoLNSGD: 3, algoHB: 6}
)

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
	for a := range color256 {
		var c lipgloss.TerminalColor = lipgloss.NoColor{}
		switch profile {
		case termenv.Ascii:
		case termenv.ANSI:
			c = lipgloss.ANSIColor(color16[a])
			s.algoColor[a] = ansi16(color16[a])
		default:
			c = lipgloss.ANSIColor(color256[a])
			s.algoColor[a] = asciigraph.AnsiColor(color256[a])
		}
		s.algo[a] = r.NewStyle().Foreground(c).Bold(true)
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

// Algo is the style of an algorithm's name and values.
func (s *Styles) Algo(a sim.Algo) lipgloss.Style {
	if st, ok := s.algo[a]; ok {
		return st
	}
	if a != a.Base() {
		s.addVariant(a)
		return s.algo[a]
	}
	return s.Value
}

// Spare colours for variants, with the same contrast rule as the series'
// (≥ 3.4 against white and black).
var (
	variant256 = []int{27, 128, 29, 124}
	variant16  = []int{12, 13, 10, 9}
)

// variantOrder numbers variants in the order they are first drawn, so that
// two variants never share a glyph or a colour (the explorer shows a few).
var (
	variantMu    sync.Mutex
	variantOrder = map[sim.Algo]int{}
)

func variantIndex(a sim.Algo) int {
	variantMu.Lock()
	defer variantMu.Unlock()
	i, ok := variantOrder[a]
	if !ok {
		i = len(variantOrder)
		variantOrder[a] = i
	}
	return i
}

// addVariant gives a variant its style and chart colour.
func (s *Styles) addVariant(a sim.Algo) {
	i := variantIndex(a)
	var c lipgloss.TerminalColor = lipgloss.NoColor{}
	switch s.Renderer.ColorProfile() {
	case termenv.Ascii:
	case termenv.ANSI:
		c = lipgloss.ANSIColor(variant16[i%len(variant16)])
		s.algoColor[a] = ansi16(variant16[i%len(variant16)])
	default:
		c = lipgloss.ANSIColor(variant256[i%len(variant256)])
		s.algoColor[a] = asciigraph.AnsiColor(variant256[i%len(variant256)])
	}
	s.algo[a] = s.Renderer.NewStyle().Foreground(c).Bold(true)
}

// algoChartColor is the raw colour asciigraph draws a series with; ok is
// false in monochrome, where no colour code may be written.
func (s *Styles) algoChartColor(a sim.Algo) (asciigraph.AnsiColor, bool) {
	if _, known := s.algo[a]; !known && a != a.Base() {
		s.addVariant(a)
	}
	c, ok := s.algoColor[a]
	return c, ok && s.Color
}
