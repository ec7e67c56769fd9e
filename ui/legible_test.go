package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"sgdbias/internal/simtest"
	"sgdbias/sim"
	"sgdbias/sim/live"
)

// converged runs the paper's setting with all four runs to convergence.
func converged(t *testing.T) *live.Runner {
	t.Helper()
	r := startRunner(t, paper(sim.GF, sim.SGF, sim.GD, sim.SGD))
	r.Send(live.SetSpeed(live.Unlimited))
	r.Send(live.Resume())
	waitSnap(t, r, "convergence", func(s *live.Snapshot) bool { return s.State == live.Converged && settled(s) })
	return r
}

// At convergence, with four runs, every value of every run is on screen
// whole — the table's cells are the values' own formatting — at the
// smallest size and at the usual ones; nothing is cut with "…".
func TestNoValueIsCut(t *testing.T) {
	r := converged(t)
	for _, size := range [][2]int{{70, 22}, {80, 24}, {120, 40}} {
		m := New(r, Options{Renderer: renderer(termenv.Ascii)})
		press(m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		view := m.View()
		checkScreen(t, view, size[0], size[1])
		if strings.Contains(view, "…") {
			t.Errorf("%dx%d: something is cut:\n%s", size[0], size[1], view)
		}
		s := m.snap
		for _, run := range s.Enabled() {
			l := run.Latest
			want := []string{algoLabel(run.Algo), sigValue(l.Loss), sigValue(l.L1), sigValue(l.AlphaGeoMean), sigValue(l.TestError), sigValue(run.Prediction.TestError)}
			row := lineWith(view, "─ "+algoLabel(run.Algo)+" ", "━ "+algoLabel(run.Algo)+" ", "═ "+algoLabel(run.Algo)+" ", "┄ "+algoLabel(run.Algo)+" ")
			for _, w := range want {
				if !strings.Contains(row, w) {
					t.Errorf("%dx%d: %s's row %q lacks %q", size[0], size[1], run.Algo, row, w)
				}
			}
		}
	}
}

// lineWith returns the first line of view that contains one of the marks.
func lineWith(view string, marks ...string) string {
	for _, l := range strings.Split(view, "\n") {
		for _, m := range marks {
			if strings.Contains(l, m) {
				return l
			}
		}
	}
	return ""
}

// While the screen asks for a larger terminal, no key but q acts.
func TestKeysIgnoredWhileTooSmall(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii)})
	press(m, tea.WindowSizeMsg{Width: 60, Height: 18})
	for _, k := range []tea.Msg{keyRunes(" "), keyRunes("a"), tea.KeyMsg{Type: tea.KeyRight}, keyRunes("n"), keyRunes("?"), tea.KeyMsg{Type: tea.KeyEnter}, keyRunes("l")} {
		press(m, k)
	}
	if m.sent != 0 || m.showHelp || m.params.Editing() || m.logTime {
		t.Errorf("keys acted unseen: %d commands sent, help %v, editing %v, log time %v", m.sent, m.showHelp, m.params.Editing(), m.logTime)
	}
	if press(m, keyRunes("q")); !m.quitting {
		t.Error("q does not quit while the terminal is too small")
	}
}

// A restart clears the notice of a live change at once.
func TestRestartClearsNotice(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii)})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	r.Send(live.Step(20))
	waitSnap(t, r, "20 steps", settledAt(20))
	press(m, Refresh())
	press(m, tea.KeyMsg{Type: tea.KeyRight}) // γ 0.08 → 0.1, live
	waitSnap(t, r, "γ 0.1", func(s *live.Snapshot) bool { return s.Params.Step == 0.1 && len(s.Markers) == 1 })
	press(m, Refresh())
	if !strings.Contains(m.View(), "live change at t") {
		t.Fatalf("no notice of the live change:\n%s", m.View())
	}
	gen := m.snap.Generation
	press(m, keyRunes("r"))
	waitSnap(t, r, "the restart", func(s *live.Snapshot) bool { return s.Generation > gen })
	press(m, Refresh())
	if v := m.View(); strings.Contains(v, "live change at t") || m.notice.text != "" {
		t.Errorf("the notice survived the restart:\n%s", v)
	}
}

// The parameter bar's message goes after noticeTime; the bar comes back.
func TestParamMessageTimesOut(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii)})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	press(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	press(m, keyRunes("abc"))
	press(m, tea.KeyMsg{Type: tea.KeyEnter})
	if !strings.Contains(m.View(), "is not a number") {
		t.Fatalf("no message:\n%s", m.View())
	}
	m.age(noticeTime / 2)
	if !strings.Contains(m.View(), "is not a number") {
		t.Fatal("the message went too early")
	}
	m.age(noticeTime / 2)
	if v := m.View(); strings.Contains(v, "is not a number") || !strings.Contains(v, "▸γ 0.08") {
		t.Errorf("the message stayed, or the bar did not come back:\n%s", v)
	}
}

// The help shows every key at every size the explorer lays out.
func TestHelpShowsEveryKey(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	for _, size := range [][2]int{{70, 22}, {78, 24}, {80, 24}, {120, 40}} {
		for _, stage := range []bool{false, true} {
			opt := Options{Renderer: renderer(termenv.Ascii)}
			if stage {
				opt.Stage = &testStage{Runner: r}
			}
			m := New(r, opt)
			press(m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			m.following = false
			press(m, keyRunes("?"))
			view := m.View()
			checkScreen(t, view, size[0], size[1])
			for _, col := range m.fullHelpColumns() {
				for _, b := range col {
					h := b.Help()
					if h.Key == "" {
						continue
					}
					if lineWith(view, h.Key) == "" || !strings.Contains(view, h.Desc) {
						t.Errorf("%dx%d stage %v: %q %q missing from the help:\n%s", size[0], size[1], stage, h.Key, h.Desc, view)
					}
				}
			}
		}
	}
}

// A notice shows on the footer line and gives it back to the key hint
// after noticeTime.
func TestNoticeOnFooter(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii)})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	press(m, NoticeMsg{Text: "hello there"})
	lines := strings.Split(m.View(), "\n")
	if !strings.Contains(lines[len(lines)-1], "hello there") {
		t.Fatalf("the notice is not on the last line:\n%s", m.View())
	}
	m.age(noticeTime + time.Millisecond)
	lines = strings.Split(m.View(), "\n")
	if !strings.Contains(lines[len(lines)-1], "? help") {
		t.Errorf("the key hint did not come back:\n%s", m.View())
	}
}

// The "enlarge the terminal" screen wraps rather than cuts: the size it
// needs and the size it has are read in full, and no row is wider than the
// terminal, down to 12 columns.
func TestTooSmallWraps(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii)})
	for _, size := range [][2]int{{40, 10}, {20, 8}, {12, 6}} {
		w, h := size[0], size[1]
		press(m, tea.WindowSizeMsg{Width: w, Height: h})
		view := m.View()
		rows := strings.Split(view, "\n")
		if len(rows) != h {
			t.Errorf("%d×%d: %d rows", w, h, len(rows))
		}
		for _, row := range rows {
			if widthOf(row) > w {
				t.Errorf("%d×%d: row %q is %d wide", w, h, row, widthOf(row))
			}
		}
		flat := strings.Join(strings.Fields(view), " ")
		if w >= 20 && !strings.Contains(flat, fmt.Sprintf("needs at least %d×%d; this one is %d×%d.", MinWidth, MinHeight, w, h)) {
			t.Errorf("%d×%d: the sizes are not read in full:\n%s", w, h, view)
		}
	}
}

// The help names every kind of run the scenario has: heavy ball and
// label-noise SGD too when they run, first, at 70×22 to 120×40.
func TestHelpNamesTheRuns(t *testing.T) {
	for _, tc := range []struct{ preset, want string }{
		{"momentum", "HB heavy ball"}, {"label-noise", "LNSGD label-noise SGD"},
	} {
		r := startRunner(t, presetScenario(t, tc.preset))
		m := New(r, Options{Renderer: renderer(termenv.Ascii)})
		m.refresh()
		for _, size := range [][2]int{{70, 22}, {80, 24}, {120, 40}} {
			press(m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			press(m, keyRunes("?"))
			if v := m.View(); !strings.Contains(v, tc.want) {
				t.Errorf("%s at %d×%d: help lacks %q:\n%s", tc.preset, size[0], size[1], tc.want, v)
			}
			press(m, keyRunes("?"))
		}
	}
}

// large-steps (t up to 2000): the loss falls steadily on a log scale, but
// the test error and α_t settle before t = 20, in the first column of a
// linear axis; the time axis turns logarithmic by itself and says so.
func TestLogTimeWhenSettledEarly(t *testing.T) {
	r := simtest.Start(t, presetScenario(t, "large-steps"), live.Options{Paused: true, ChunkSteps: 64, Speed: live.Unlimited})
	m := New(r, Options{Renderer: renderer(termenv.Ascii)})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m.refresh()
	if m.logTime {
		t.Fatal("log time before any step")
	}
	r.Send(live.Step(20000))
	waitSnap(t, r, "20000 steps", settledAt(20000))
	m.refresh()
	if !m.logTime || !strings.Contains(m.View(), "time axis now logarithmic") {
		t.Errorf("the time axis stayed linear:\n%s", m.View())
	}
}
