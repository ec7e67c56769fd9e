package ui

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"sgdbias/sim"
	"sgdbias/sim/live"
)

func keyRunes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// press sends one message and runs the returned command when it is quick
// (a key's command is a tick or an export; ticks are replaced by a refresh).
func press(m *Model, msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

// An invalid typed value leaves the old one, says why inline, and sends
// nothing; a valid one is sent.
func TestEditValue(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii)})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	press(m, tea.KeyMsg{Type: tea.KeyEnter}) // γ is selected
	press(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	press(m, keyRunes("abc"))
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	if m.sent != 0 {
		t.Fatalf("an invalid value was sent")
	}
	view := m.View()
	if !strings.Contains(view, `γ: "abc" is not a number; kept 0.08`) {
		t.Errorf("no inline message in\n%s", view)
	}
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	press(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	press(m, keyRunes("-1"))
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	if m.sent != 0 || !strings.Contains(m.View(), "kept 0.08") {
		t.Fatalf("γ = -1 accepted:\n%s", m.View())
	}
	// The engine's error is said with the panel's label, not a flag or the
	// engine's own name for the parameter.
	if v := m.View(); !strings.Contains(v, "γ: -1 is not allowed; allowed a finite step size γ > 0; kept 0.08") || strings.Contains(v, "--") || strings.Contains(v, "step:") {
		t.Errorf("the message is not in the explorer's words:\n%s", v)
	}
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	press(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	press(m, keyRunes("0.02"))
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	if m.sent != 1 {
		t.Fatalf("a valid value was not sent")
	}
	s := waitSnap(t, r, "γ 0.02", func(s *live.Snapshot) bool { return s.Params.Step == 0.02 })
	if s.Params.Noise != 0.02 {
		t.Errorf("noise %v did not follow γ", s.Params.Noise)
	}
	// Escape cancels an edit.
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	press(m, keyRunes("9"))
	press(m, tea.KeyMsg{Type: tea.KeyEsc})
	if m.params.Editing() || m.sent != 1 {
		t.Error("esc did not cancel the edit")
	}
	// A problem the runner could not draw is refused before it is sent.
	for range 3 { // α γ noise n d: batch is not offered without SGD
		press(m, tea.KeyMsg{Type: tea.KeyTab})
	}
	if m.params.sel != pD {
		t.Fatalf("selected %v, want d", m.params.sel)
	}
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	press(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	press(m, keyRunes("30"))
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	if m.sent != 1 || !strings.Contains(m.View(), "must exceed n") {
		t.Errorf("d = 30 < n accepted:\n%s", m.View())
	}
}

// Keys typed fast arrive as one message of several runes; each counts.
func TestGroupedKeys(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii)})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	press(m, keyRunes("nnn"))
	waitSnap(t, r, "3 steps", func(s *live.Snapshot) bool { return s.Steps == 3 })
}

// x writes the trajectories to a new file each time, never overwriting.
func TestExport(t *testing.T) {
	dir := t.TempDir()
	r := startRunner(t, paper(sim.GF, sim.SGF))
	now := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	m := New(r, Options{Renderer: renderer(termenv.Ascii), ExportDir: dir, Now: func() time.Time { return now }})
	press(m, tea.WindowSizeMsg{Width: 200, Height: 50})
	r.Send(live.Step(30))
	waitSnap(t, r, "30 steps", func(s *live.Snapshot) bool { return s.Steps == 30 })
	press(m, Refresh())
	var paths []string
	for range 2 {
		cmd := press(m, keyRunes("x"))
		if cmd == nil {
			t.Fatal("x gave no command")
		}
		msg := cmd().(exportedMsg)
		if msg.err != nil {
			t.Fatal(msg.err)
		}
		press(m, msg)
		if !strings.Contains(m.View(), msg.path) {
			t.Errorf("the file name %s is not shown", msg.path)
		}
		paths = append(paths, msg.path)
	}
	want := []string{filepath.Join(dir, "sgdbias-20260301-093000.csv"), filepath.Join(dir, "sgdbias-20260301-093000-2.csv")}
	for i, p := range paths {
		if p != want[i] {
			t.Errorf("export %d wrote %s, want %s", i, p, want[i])
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil || len(rows) < 10 || rows[0][0] != "algo" {
			t.Errorf("%s: %d rows, err %v", p, len(rows), err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("%d files in the export dir, want 2 (no temporary left)", len(entries))
	}
}

// Colour goes to colour terminals only: the Ascii profile (NO_COLOR,
// monochrome) writes no escape sequence; a 256-colour one colours the
// series, with the same glyphs.
func TestColourProfiles(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	r.Send(live.Step(50))
	waitSnap(t, r, "settled", settledAt(50))
	views := map[termenv.Profile]string{}
	for _, p := range []termenv.Profile{termenv.Ascii, termenv.ANSI, termenv.ANSI256} {
		m := New(r, Options{Renderer: renderer(p)})
		press(m, tea.WindowSizeMsg{Width: 120, Height: 40})
		views[p] = m.View()
	}
	if strings.Contains(views[termenv.Ascii], "\x1b") {
		t.Error("escape sequences with the Ascii profile")
	}
	if !strings.Contains(views[termenv.ANSI256], "\x1b[38;5;166m") {
		t.Error("SGF's 256-colour code missing with the ANSI256 profile")
	}
	if !strings.Contains(views[termenv.ANSI], "\x1b[31m") {
		t.Error("SGF's basic red missing with the ANSI profile")
	}
	for _, v := range views {
		if !strings.Contains(v, "━") || !strings.Contains(v, "─") {
			t.Error("series glyphs missing")
		}
	}
}

// NO_COLOR in the environment gives the Ascii profile.
func TestNoColorEnv(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	t.Setenv("TERM", "xterm-256color")
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if p := DefaultStyles(lipglossRenderer(f)).Color; p {
		t.Error("colour on with NO_COLOR set")
	}
}

// Charts are re-plotted only when their data or size change.
func TestChartCache(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii)})
	press(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	waitSnap(t, r, "settled", settledAt(0))
	press(m, Refresh())
	plots := m.charts[0].plots
	for range 5 {
		_ = m.View()
		press(m, Refresh())
	}
	if m.charts[0].plots != plots {
		t.Errorf("re-plotted %d times without new data", m.charts[0].plots-plots)
	}
	r.Send(live.Step(1))
	waitSnap(t, r, "1 step", func(s *live.Snapshot) bool { return s.Steps == 1 })
	press(m, Refresh())
	if m.charts[0].plots != plots+1 {
		t.Errorf("new data: %d re-plots, want 1", m.charts[0].plots-plots)
	}
	press(m, tea.WindowSizeMsg{Width: 100, Height: 30})
	if m.charts[0].plots != plots+2 {
		t.Errorf("resize: %d re-plots, want 2 in all", m.charts[0].plots-plots)
	}
}

// The viewer mode (a student following the presenter) changes nothing.
func TestReadOnly(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii), ReadOnly: true})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	for _, k := range []tea.Msg{keyRunes(" "), keyRunes("n"), keyRunes("r"), tea.KeyMsg{Type: tea.KeyRight}, keyRunes("a")} {
		press(m, k)
	}
	if m.sent != 0 {
		t.Errorf("%d commands sent in read-only mode", m.sent)
	}
	press(m, keyRunes("l"))
	if !m.logTime {
		t.Error("the log-time toggle is local and should work read-only")
	}
}

// With heavy ball and label-noise SGD among the runs, their μ and δ are in
// the panel and apply live; without them the panel does not show them.
func TestMomentumAndLabelNoiseParams(t *testing.T) {
	plain := New(startRunner(t, paper(sim.GF, sim.SGF)), Options{Renderer: renderer(termenv.Ascii)})
	press(plain, tea.WindowSizeMsg{Width: 120, Height: 40})
	if v := plain.View(); strings.Contains(v, " μ ") || strings.Contains(v, " δ ") {
		t.Errorf("μ or δ shown without hb or lnsgd:\n%s", v)
	}
	r := startRunner(t, paper(sim.GD, sim.HB, sim.LNSGD))
	m := New(r, Options{Renderer: renderer(termenv.Ascii)})
	press(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	for m.params.sel != pMomentum {
		press(m, tea.KeyMsg{Type: tea.KeyTab})
	}
	press(m, tea.KeyMsg{Type: tea.KeyRight}) // μ 0 → 0.5 on 1 − μ's ladder
	waitSnap(t, r, "μ 0.5", func(s *live.Snapshot) bool { return s.Params.Momentum == 0.5 })
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	press(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	press(m, keyRunes("1"))
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	if !strings.Contains(m.View(), "kept 0.5") {
		t.Errorf("μ = 1 accepted:\n%s", m.View())
	}
	press(m, tea.KeyMsg{Type: tea.KeyTab}) // δ
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	press(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	press(m, keyRunes("4"))
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	waitSnap(t, r, "δ 4", func(s *live.Snapshot) bool { return s.Params.LabelNoise == 4 })
}

// p opens the preset picker: it lists every preset with the highlighted
// one's description, fits 80×24, and enter loads the chosen scenario;
// a read-only viewer cannot open it.
func TestPresetPicker(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii)})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	press(m, keyRunes("p"))
	view := m.View()
	for _, want := range []string{"scenarios", "anisotropic", "label-noise", "momentum"} {
		if !strings.Contains(view, want) {
			t.Errorf("picker lacks %q:\n%s", want, view)
		}
	}
	for i, line := range strings.Split(view, "\n") {
		if w := lipgloss.Width(line); w > 80 {
			t.Errorf("line %d is %d wide", i, w)
		}
	}
	for m.picker.scenarios[m.picker.sel].Name != "momentum" {
		press(m, tea.KeyMsg{Type: tea.KeyDown})
	}
	if !strings.Contains(m.View(), "λ = γ/(1−μ)²") {
		t.Errorf("the highlighted preset's description is missing:\n%s", m.View())
	}
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	if m.picker.Active() {
		t.Fatal("the picker stayed open after enter")
	}
	waitSnap(t, r, "the momentum preset", func(s *live.Snapshot) bool { return s.Scenario.Name == "momentum" && s.Params.Momentum == 0.5 })

	viewer := New(r, Options{Renderer: renderer(termenv.Ascii), ReadOnly: true})
	press(viewer, tea.WindowSizeMsg{Width: 80, Height: 24})
	press(viewer, keyRunes("p"))
	if viewer.picker.Active() {
		t.Error("a read-only viewer opened the picker")
	}
}

// A variant (an algorithm with pinned parameters) is drawn beside its base
// with its own glyph and a label that says what it pins.
func TestVariantsHaveTheirOwnSeries(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.GD, "gd:step=0.02"))
	r.Send(live.Step(30))
	waitSnap(t, r, "30 steps", func(s *live.Snapshot) bool { return s.Steps == 30 })
	m := New(r, Options{Renderer: renderer(termenv.Ascii)})
	press(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	view := m.View()
	if !strings.Contains(view, "GD γ=0.02") {
		t.Errorf("no label for the variant:\n%s", view)
	}
	if g := m.common.Glyph("gd:step=0.02").Horizontal; g == m.common.Glyph(sim.GD).Horizontal || !strings.Contains(view, g+g+" GD γ=0.02") {
		t.Errorf("the variant's glyph %q is not its own or not in the legend:\n%s", g, view)
	}
}

// Typing on an offered value replaces it (γ = 0.08 then "0.04" is 0.04,
// not "0.080.04"); an editing key first keeps it; the save prompt's default
// name is replaced the same way.
func TestTypingReplacesTheOffer(t *testing.T) {
	dir := t.TempDir()
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii), ExportDir: dir})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	press(m, tea.KeyMsg{Type: tea.KeyEnter}) // γ is selected
	typeText(m, "0.04")
	if got := m.params.input.Value(); got != "0.04" {
		t.Errorf("typed 0.04 on γ 0.08: field holds %q", got)
	}
	press(m, tea.KeyMsg{Type: tea.KeyEsc})
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	press(m, tea.KeyMsg{Type: tea.KeyBackspace})
	typeText(m, "5")
	if got := m.params.input.Value(); got != "0.05" {
		t.Errorf("backspace then 5 on 0.08: field holds %q, want 0.05", got)
	}
	press(m, tea.KeyMsg{Type: tea.KeyEsc})

	press(m, keyRunes("s"))
	typeText(m, "mine")
	if got := m.save.input.Value(); got != "mine" {
		t.Errorf("typed mine on the default name: %q", got)
	}
	press(m, tea.KeyMsg{Type: tea.KeyEsc})
	press(m, keyRunes("s"))
	press(m, tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
	if got := m.save.input.Value(); got != " " {
		t.Errorf("space on the default name: %q", got)
	}
}

// A title the picker's list cuts at 80×24 is read in full above the
// highlighted preset's description.
func TestPresetPickerFullTitle(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii)})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	press(m, keyRunes("p"))
	for i, sc := range m.picker.scenarios {
		for m.picker.sel != i {
			press(m, tea.KeyMsg{Type: tea.KeyDown})
		}
		var text []string
		for _, line := range strings.Split(m.View(), "\n") {
			text = append(text, strings.Trim(line, " │╭╮╰╯─▸"))
		}
		if flat := strings.Join(strings.Fields(strings.Join(text, " ")), " "); !strings.Contains(flat, sc.Title) {
			t.Errorf("%s: the title %q is not read in full:\n%s", sc.Name, sc.Title, m.View())
		}
	}
}

// An integer too large for the platform is called too large, not "not an
// integer"; n·d over the explorer's limit is written in its exponent style.
func TestHugeIntegers(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii)})
	press(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m.refresh()
	selectParam(t, m, pS)
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	typeText(m, "18446744073709551616")
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	if v := m.View(); !strings.Contains(v, "s: 18446744073709551616 is too large; kept 5") {
		t.Errorf("no too-large message:\n%s", v)
	}
	selectParam(t, m, pD)
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	typeText(m, "100000")
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	if v := m.View(); !strings.Contains(v, "n·d = 4e6: the explorer takes n·d ≤ 1e6; kept 100") {
		t.Errorf("no n·d message in the explorer's style:\n%s", v)
	}
}
