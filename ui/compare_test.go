package ui

import (
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"sgdbias/presets"
	"sgdbias/sim"
	"sgdbias/sim/live"
)

// presetScenario is a shipped preset as the explorer starts it.
func presetScenario(t testing.TB, name string) live.Scenario {
	t.Helper()
	p, err := presets.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := liveScenario(p)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// selectParam moves the panel's selection to id.
func selectParam(t *testing.T, m *Model, id paramID) {
	t.Helper()
	for range numParams {
		if m.params.sel == id {
			return
		}
		press(m, tea.KeyMsg{Type: tea.KeyTab})
	}
	t.Fatalf("parameter %v is not offered", id)
}

// After α changes, the runs before stay as ghosts, named in the table; u
// brings α back (and keeps the runs it replaces as a ghost too); g clears.
func TestGhostsUndoAndClear(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii)})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	r.Send(live.Step(60))
	waitSnap(t, r, "60 steps", settledAt(60))
	press(m, Refresh())
	selectParam(t, m, pAlpha)
	press(m, tea.KeyMsg{Type: tea.KeyRight}) // α 0.1 → 0.2
	waitSnap(t, r, "α 0.2", func(s *live.Snapshot) bool { return s.Alpha == 0.2 })
	press(m, Refresh())
	if len(m.ghosts) != 1 || m.ghosts[0].label != "α 0.1" {
		t.Fatalf("ghosts %+v, want one of α 0.1", m.ghosts)
	}
	r.Send(live.Step(30))
	waitSnap(t, r, "30 steps", settledAt(30))
	press(m, Refresh())
	view := m.View()
	if !strings.Contains(view, "earlier: α 0.1") || !strings.Contains(view, glyphGhost) {
		t.Errorf("no ghost on screen:\n%s", view)
	}
	press(m, keyRunes("u"))
	waitSnap(t, r, "α back to 0.1", func(s *live.Snapshot) bool { return s.Alpha == 0.1 })
	press(m, Refresh())
	if !strings.Contains(m.View(), "undone: α back to 0.1") {
		t.Errorf("the undo is not said:\n%s", m.View())
	}
	if len(m.ghosts) != 2 || m.ghosts[1].label != "α 0.2" {
		t.Errorf("ghosts after undo %+v", m.ghosts)
	}
	press(m, keyRunes("g"))
	if v := m.View(); len(m.ghosts) != 0 || strings.Contains(v, glyphGhost) || strings.Contains(v, "earlier:") {
		t.Errorf("g left ghosts:\n%s", v)
	}
	// A plain restart keeps no ghost: the runs are the same.
	gen := m.snap.Generation
	r.Send(live.Step(10))
	waitSnap(t, r, "10 steps", settledAt(10))
	press(m, keyRunes("r"))
	waitSnap(t, r, "restart", func(s *live.Snapshot) bool { return s.Generation > gen })
	press(m, Refresh())
	if len(m.ghosts) != 0 {
		t.Errorf("a restart made a ghost %+v", m.ghosts)
	}
	for range maxGhosts + 2 {
		press(m, keyRunes("u"))
	}
	if len(m.undo) != 0 {
		t.Errorf("undo history not emptied: %d left", len(m.undo))
	}
}

// m adds a variant of the focused run (SGF) with the selected parameter
// pinned, and again removes it; a parameter the run does not depend on, or
// one that cannot be pinned, is refused with a reason.
func TestVariantKey(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii)})
	press(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	selectParam(t, m, pNoise)
	press(m, keyRunes("m"))
	const v = sim.Algo("sgf:noise=0.08")
	waitSnap(t, r, "the variant", func(s *live.Snapshot) bool { run := s.Run(v); return run != nil && run.Enabled })
	press(m, Refresh())
	if view := m.View(); !strings.Contains(view, "SGF noise=0.08") {
		t.Errorf("the variant is not shown:\n%s", view)
	}
	if s := r.Snapshot(); s.Speed != 20 {
		t.Errorf("the speed changed to %v", s.Speed)
	}
	press(m, keyRunes("m"))
	waitSnap(t, r, "no variant", func(s *live.Snapshot) bool { run := s.Run(v); return run == nil || !run.Enabled })
	sent := m.sent
	selectParam(t, m, pAlpha)
	press(m, keyRunes("m"))
	if m.sent != sent || !strings.Contains(m.notice.text, "select a live parameter") {
		t.Errorf("α pinned (%d commands), notice %q", m.sent-sent, m.notice.text)
	}
	press(m, Refresh())
	selectParam(t, m, pStep)
	press(m, keyRunes("c")) // focus GF, which no parameter changes
	press(m, keyRunes("m"))
	if m.sent != sent || !strings.Contains(m.notice.text, "does not depend on") {
		t.Errorf("a GF variant was made (%d commands), notice %q", m.sent-sent, m.notice.text)
	}
}

// z shows each chart alone in turn, then the four again; every frame fits.
func TestZoom(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	r.Send(live.Step(100))
	waitSnap(t, r, "100 steps", settledAt(100))
	for _, size := range [][2]int{{70, 22}, {80, 24}, {120, 40}} {
		m := New(r, Options{Renderer: renderer(termenv.Ascii)})
		press(m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		for i, title := range []string{"loss (log)", "‖β‖₁", "α_t (log)", "test error (log)"} {
			press(m, keyRunes("z"))
			view := m.View()
			checkScreen(t, view, size[0], size[1])
			if line := lineWith(view, "z: next chart"); !strings.HasPrefix(line, title) {
				t.Errorf("%dx%d zoom %d: title line %q", size[0], size[1], i+1, line)
			}
			if n := strings.Count(view, "└"); n != 1 {
				t.Errorf("%dx%d zoom %d: %d time axes", size[0], size[1], i+1, n)
			}
		}
		press(m, keyRunes("z"))
		if view := m.View(); m.zoom != 0 || strings.Count(view, "└") != 4 {
			t.Errorf("%dx%d: the four charts did not come back:\n%s", size[0], size[1], view)
		}
	}
}

// v shows α_t per coordinate: the band on the α_t chart and the sorted
// strip with the support marked; on the anisotropic preset SGF's α_t,j
// spread widely while GF's stay at α.
func TestAlphaView(t *testing.T) {
	r := startRunner(t, presetScenario(t, "anisotropic"))
	r.Send(live.Step(400))
	waitSnap(t, r, "400 steps", settledAt(400))
	m := New(r, Options{Renderer: renderer(termenv.Ascii)})
	press(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	press(m, keyRunes("v"))
	view := m.View()
	checkScreen(t, view, 120, 40)
	for _, want := range []string{"α_t,j sorted", "▴", glyphBand} {
		if !strings.Contains(view, want) {
			t.Errorf("no %q in the α_t view:\n%s", want, view)
		}
	}
	sgf := m.snap.Run(sim.SGF).Alphas
	lo, hi := sgf.Alpha[0], sgf.Alpha[len(sgf.Alpha)-1]
	if !(hi > 2*lo) {
		t.Errorf("SGF's α_t,j spread only over [%v, %v]", lo, hi)
	}
	row := lineWith(view, "SGF ▁")
	if !strings.Contains(row, sigValue(lo)+"–"+sigValue(hi)) || !strings.Contains(row, "█") {
		t.Errorf("SGF's strip row %q lacks its range or its bars", row)
	}
	if gf := lineWith(view, "GF  "); strings.ContainsAny(gf, "▁▂▃▄▅▆▇") {
		t.Errorf("GF's α_t,j are all α, its row is not flat: %q", gf)
	}
	press(m, keyRunes("v"))
	if strings.Contains(m.View(), "α_t,j sorted") {
		t.Error("v did not turn the view off")
	}
}

// Only the parameters that change a shown run are offered: with gradient
// flow alone (kernel-vs-rich), α, n, d, s and the seed, and the selection
// starts on α.
func TestParamsThatMatter(t *testing.T) {
	r := startRunner(t, presetScenario(t, "kernel-vs-rich"))
	m := New(r, Options{Renderer: renderer(termenv.Ascii)})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if m.params.sel != pAlpha {
		t.Errorf("selection starts on %v, want α", m.params.sel)
	}
	bar := strings.Split(m.View(), "\n")[1]
	for _, p := range []string{"γ", "noise", "batch"} {
		if strings.Contains(bar, p) {
			t.Errorf("%s offered with GF alone: %q", p, bar)
		}
	}
	press(m, keyRunes("a")) // GD and SGD: γ and the batch matter now
	waitSnap(t, r, "GD and SGD", func(s *live.Snapshot) bool { return len(s.Enabled()) == 3 })
	press(m, Refresh())
	bar = strings.Split(m.View(), "\n")[1]
	if !strings.Contains(bar, "γ") || !strings.Contains(bar, "batch") || strings.Contains(bar, "noise") {
		t.Errorf("with GD and SGD the bar is %q", bar)
	}
}

// → then m at once: the variant waits for the γ change to be applied, so
// the scenario it reloads keeps the new γ (it used to reload the snapshot
// on screen, from before the change, and so undo it).
func TestVariantRightAfterAChange(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii)})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m.refresh()
	selectParam(t, m, pStep)
	old := m.snap.Params.Step
	press(m, tea.KeyMsg{Type: tea.KeyRight})
	want := m.params.vals.params.Step
	if want == old {
		t.Fatalf("→ left γ at %v", old)
	}
	press(m, keyRunes("m")) // the snapshot on screen still has the old γ
	waitSnap(t, r, "γ applied", func(s *live.Snapshot) bool { return s.Applied >= 1 })
	run(m, press(m, Refresh()))
	variant := sim.Algo("sgf:step=" + strconv.FormatFloat(want, 'g', -1, 64))
	s := waitSnap(t, r, "the variant", func(s *live.Snapshot) bool { return s.Run(variant) != nil })
	if s.Params.Step != want {
		t.Errorf("after → and m, γ is %v, want %v", s.Params.Step, want)
	}
}
