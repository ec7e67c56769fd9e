package ui

import (
	"math"
	"slices"

	"sgdbias/sim/live"
)

// The screen's layout: which component gets which rows.

// layout sizes every component for the terminal.
func (m *Model) layout() {
	w, h := m.common.Width, m.common.Height
	m.tooSmall = w < MinWidth || h < MinHeight
	m.help.Width = w
	if m.snap != nil {
		m.shown = len(m.snap.Enabled())
		m.stairShown = m.snap.Refs.Staircase != nil
	}
	m.banner.SetSize(w, maxBannerLines)
	m.bannerLines = m.banner.Lines()
	if m.tooSmall || w == 0 {
		return
	}
	m.paramsHeight = 1
	if h >= 30 {
		m.paramsHeight = 2
	}
	m.values.SetSize(w, 1)
	m.values.note = m.ghostNote()
	m.valuesHeight = m.values.Lines()
	fixed := 1 + m.paramsHeight + m.valuesHeight + 1 // header, params, values, footer
	if m.hasModeLine() {
		fixed++
	}
	m.fitBanner(w, h-fixed-minChartRows)
	fixed += m.bannerLines
	m.header.SetSize(w, 1)
	m.params.SetSize(w, m.paramsHeight)
	for i, c := range m.charts {
		c.zoomed = m.zoom == i+1
	}
	if m.zoom > 0 {
		// One chart on every row left: finer axes, more labels.
		m.stripHeight = 0
		c := m.charts[m.zoom-1]
		c.SetSize(w, max(h-fixed, 8))
		c.SetXLabels(true)
		m.updateCharts()
		return
	}
	// The strip gets what the charts can spare above minChartRows; below
	// three lines it is left out.
	m.stripHeight = min(m.stripLines(h), h-fixed-minChartRows)
	m.topHidden = false
	if m.alphaView && m.stripHeight < 3 {
		// α_t per coordinate asked for and no room: the α_t and test error
		// charts stay, the loss and ‖β‖₁ ones make way for the strip.
		m.topHidden = true
		m.stripHeight = min(m.stripLines(h), h-fixed-minChartRows/2)
	}
	if m.stripHeight < 3 {
		m.stripHeight = 0
	}
	rest := max(h-fixed-m.stripHeight, 8)
	top := rest / 2
	m.chartRows = [2]int{top, rest - top}
	if m.topHidden {
		m.chartRows = [2]int{0, rest}
	}
	left := w / 2
	for i, c := range m.charts {
		cw := left
		if i%2 == 1 {
			cw = w - left
		}
		row := i / 2
		c.SetSize(cw, m.chartRows[row])
		c.SetXLabels(row == 1 || m.chartRows[0] >= 14)
	}
	m.strip.SetSize(w, m.stripHeight)
	m.alphas.SetSize(w, m.stripHeight)
	m.updateCharts()
}

// fitBanner gives the banner the rows it needs, unless the strip (which
// shares spare rows with it) would then be left out while a terser banner
// that still says everything leaves the strip its three rows.
func (m *Model) fitBanner(w, spare int) {
	need := m.bannerLines
	if spare-need >= 3 {
		return
	}
	for k := need - 1; k >= 1; k-- {
		if spare-k >= 3 && m.banner.FitsIn(k) {
			m.banner.SetSize(w, k)
			m.bannerLines = k
			return
		}
	}
}

// stripLines is the strip's height: its header rows (the coordinates and β*
// for the β strip, a caption for the α_t one) and two rows per run that
// fits (all shown runs on tall terminals, else the focused one).
func (m *Model) stripLines(h int) int {
	runs := max(1, m.shown)
	fixed := 1
	if !m.alphaView && (m.snap == nil || m.snap.Problem.HasBetaStar) {
		fixed = 2
	}
	if m.stairShown && !m.alphaView {
		fixed++ // the current saddle's row
	}
	fit := 1
	if h >= 34 {
		fit = min(runs, max(1, (h/4-fixed)/2))
	}
	return fixed + 2*fit
}

// autoLogTime switches the time axis to log once per set of runs when the
// loss's descent is squeezed into the first few columns of the linear axis
// (long horizons), and says so; the user's l always wins.
func (m *Model) autoLogTime(s *live.Snapshot) {
	if m.logTime || m.timeChosen || m.autoLogGen == s.Generation+1 || !squeezed(s) {
		return
	}
	m.autoLogGen = s.Generation + 1
	m.logTime = true
	m.notify("time axis now logarithmic: the descent was squeezed at the start (l: linear)", false)
}

// squeezed reports whether a shown run's loss (falling two decades at
// least) did nine tenths of its descent in the first twelfth of the linear
// time axis, or its test error or α_t (moving a decade, or a factor 2) did
// all but a tenth of their change there: on a linear axis the picture is
// then one column wide (large-steps: t up to 2000, the test error and α_t
// settle before t = 20).
func squeezed(s *live.Snapshot) bool {
	const cols = 120
	ax := s.TimeAxis(false)
	for _, r := range s.Enabled() {
		if lo, hi := r.Envelope(live.Loss, ax, cols); len(lo) >= cols/2 && descentSqueezed(lo, hi, cols/12) {
			return true
		}
		for _, k := range []struct {
			m     live.Metric
			least float64 // log₁₀ units
		}{{live.TestError, 1}, {live.Alpha, math.Log10(2)}} {
			if lo, hi := r.Envelope(k.m, ax, cols); len(lo) >= cols/2 && settledEarly(lo, hi, cols/12, k.least) {
				return true
			}
		}
	}
	return false
}

// descentSqueezed: the curve falls two decades at least and nine tenths
// of the way before column early.
func descentSqueezed(lo, hi []float64, early int) bool {
	first, last := hi[0], lo[len(lo)-1]
	if first-last < 2 { // log₁₀ units
		return false
	}
	target := first - 0.9*(first-last)
	for c := range lo {
		if lo[c] <= target {
			return c < early
		}
	}
	return false
}

// settledEarly: the curve spans least at least and, from column early on,
// stays within a tenth of that span of its final value.
func settledEarly(lo, hi []float64, early int, least float64) bool {
	top, bottom := slices.Max(hi), slices.Min(lo)
	span := top - bottom
	if span < least {
		return false
	}
	final := (lo[len(lo)-1] + hi[len(hi)-1]) / 2
	for c := early; c < len(lo); c++ {
		if math.Abs(lo[c]-final) > span/10 || math.Abs(hi[c]-final) > span/10 {
			return false
		}
	}
	return true
}
