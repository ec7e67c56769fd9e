package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"sgdbias/presets"
	"sgdbias/sim"
	"sgdbias/sim/live"
	"sgdbias/sim/problem"
)

func typeText(m *Model, s string) {
	for _, r := range s {
		press(m, keyRunes(string(r)))
	}
}

// s saves the scenario in force as presets JSON that loads back to the same
// runs; an existing name asks before it is replaced, n picks another name.
func TestSaveScenario(t *testing.T) {
	dir := t.TempDir()
	r := startRunner(t, paper(sim.GF, sim.SGF))
	r.Send(live.SetParams(sim.Params{Step: 0.05, Noise: 0.05, Batch: 2}))
	r.Send(live.ToggleDiscrete())
	waitSnap(t, r, "γ 0.05", func(s *live.Snapshot) bool { return s.Params.Step == 0.05 && len(s.Enabled()) == 4 })
	m := New(r, Options{Renderer: renderer(termenv.Ascii), ExportDir: dir})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m.refresh()

	press(m, keyRunes("s"))
	if v := m.View(); !strings.Contains(v, "save scenario as "+defaultSaveName) {
		t.Fatalf("no save prompt:\n%s", v)
	}
	press(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	typeText(m, "mine")
	run(m, press(m, tea.KeyMsg{Type: tea.KeyEnter}))
	path := filepath.Join(dir, "mine.json")
	if !strings.Contains(m.View(), "saved the scenario to "+path) {
		t.Fatalf("no confirmation:\n%s", m.View())
	}
	sc, err := presets.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := paper()
	if *sc.N != 40 || *sc.D != 100 || *sc.S != 5 || sc.BetaStar != "pm1" || sc.Features != "iso" || *sc.Seed != 1 ||
		*sc.Alpha != 0.1 || *sc.Step != 0.05 || !sc.Noise.FollowsStep || *sc.Batch != 2 || sc.Algos != "gf,sgf,gd,sgd" ||
		*sc.Steps != want.Horizon.Steps || sc.Time != nil {
		t.Errorf("saved %+v", sc)
	}
	beta, _ := problem.ParseBetaSpec(sc.BetaStar)
	feat, _ := problem.ParseFeatureSpec(sc.Features)
	if beta.Kind != want.Spec.Beta.Kind || feat.Kind != want.Spec.Features.Kind {
		t.Errorf("specs %+v %+v do not parse back", beta, feat)
	}

	// The same name again: asked, n goes back to the name, y replaces.
	old, _ := os.ReadFile(path)
	press(m, keyRunes("s"))
	press(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	typeText(m, "mine.json")
	run(m, press(m, tea.KeyMsg{Type: tea.KeyEnter}))
	if v := m.View(); !strings.Contains(v, path+" exists: overwrite? y/n") {
		t.Fatalf("no overwrite question:\n%s", v)
	}
	press(m, keyRunes("n"))
	if !strings.Contains(m.View(), "save scenario as mine.json") {
		t.Fatalf("n did not go back to the name:\n%s", m.View())
	}
	run(m, press(m, tea.KeyMsg{Type: tea.KeyEnter}))
	r.Send(live.SetAlpha(0.05))
	waitSnap(t, r, "α 0.05", func(s *live.Snapshot) bool { return s.Alpha == 0.05 })
	m.refresh()
	if now, _ := os.ReadFile(path); string(now) != string(old) {
		t.Fatal("the file changed before y")
	}
	sc = ScenarioOf(m.snap)
	m.save.sc = &sc
	run(m, press(m, keyRunes("y")))
	if sc, _ := presets.Load(path); sc.Alpha == nil || *sc.Alpha != 0.05 {
		t.Errorf("y did not replace the file: α %v", sc.Alpha)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files in the folder, want 1 (no temporary left)", len(entries))
	}

	// esc cancels.
	press(m, keyRunes("s"))
	press(m, tea.KeyMsg{Type: tea.KeyEsc})
	if m.save.active() {
		t.Error("esc did not close the prompt")
	}
}

// Remote sessions: saving is off without an allowed folder, and with one,
// only plain names inside it are taken.
func TestSaveRemote(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii), NoExport: "saving is off on this server"})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	for _, k := range []string{"s", "x"} {
		if cmd := press(m, keyRunes(k)); cmd != nil || m.save.active() || !strings.Contains(m.View(), "saving is off on this server") {
			t.Errorf("%s not refused:\n%s", k, m.View())
		}
	}

	dir := t.TempDir()
	m = New(r, Options{Renderer: renderer(termenv.Ascii), ExportDir: dir, Confine: true})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	for _, bad := range []string{"../evil", "/tmp/evil", "sub/x", ".hidden"} {
		press(m, keyRunes("s"))
		press(m, tea.KeyMsg{Type: tea.KeyCtrlU})
		typeText(m, bad)
		if cmd := press(m, tea.KeyMsg{Type: tea.KeyEnter}); cmd != nil {
			t.Errorf("%q accepted", bad)
		}
		if !strings.Contains(m.View(), "a plain file name only") {
			t.Errorf("%q: no reason shown:\n%s", bad, m.View())
		}
		press(m, tea.KeyMsg{Type: tea.KeyEsc})
	}
	press(m, keyRunes("s"))
	run(m, press(m, tea.KeyMsg{Type: tea.KeyEnter}))
	if v := m.View(); !strings.Contains(v, "saved "+defaultSaveName+" in the server's export folder") || strings.Contains(v, dir) {
		t.Errorf("the notice names the server's folder or nothing:\n%s", v)
	}
	if _, err := os.Stat(filepath.Join(dir, defaultSaveName)); err != nil {
		t.Errorf("the default name was not saved in the allowed folder: %v", err)
	}
}

// saveNow presses s and enter on m and lets the save finish: it waits for
// the runner to apply what was sent before s, as the save itself does.
func saveNow(t *testing.T, m *Model, r *live.Runner, name string) presets.Scenario {
	t.Helper()
	press(m, keyRunes("s"))
	press(m, tea.KeyMsg{Type: tea.KeyCtrlU})
	typeText(m, name)
	run(m, press(m, tea.KeyMsg{Type: tea.KeyEnter}))
	waitSnap(t, r, "the commands applied", func(s *live.Snapshot) bool { return s.Applied >= m.Sent() })
	run(m, press(m, refreshMsg{}))
	path := filepath.Join(m.opt.ExportDir, name+".json")
	sc, err := presets.Load(path)
	if err != nil {
		t.Fatalf("%v\n%s", err, m.View())
	}
	return sc
}

// s pressed right after a change saves the value now in force, not the one
// of the snapshot on screen, which does not show the change yet.
func TestSaveRightAfterAChange(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii), ExportDir: t.TempDir()})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m.refresh()
	press(m, tea.KeyMsg{Type: tea.KeyRight}) // γ 0.08 → 0.1, sent to the runner
	if m.snap.Params.Step != 0.08 {
		t.Fatalf("the model already shows γ %v; the test needs a stale snapshot", m.snap.Params.Step)
	}
	sc := saveNow(t, m, r, "quick")
	setup, err := presets.SetupOf(sc)
	if err != nil {
		t.Fatal(err)
	}
	if setup.Params.Step != 0.1 || setup.Params.Noise != 0.1 {
		t.Errorf("saved γ %v, noise %v; want the value in force, 0.1 (the noise follows)", setup.Params.Step, setup.Params.Noise)
	}
}

// A noise set to 0 in the explorer is saved as 0 and loads back as 0, not
// as "follows the step".
func TestSaveNoiseZero(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii), ExportDir: t.TempDir()})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m.refresh()
	press(m, tea.KeyMsg{Type: tea.KeyTab}) // γ → noise
	for range 20 {
		press(m, tea.KeyMsg{Type: tea.KeyLeft}) // down the ladder to 0
	}
	sc := saveNow(t, m, r, "still")
	if sc.Noise == nil || sc.Noise.FollowsStep || sc.Noise.Value != 0 {
		t.Fatalf("saved noise %+v, want 0", sc.Noise)
	}
	data, _ := os.ReadFile(filepath.Join(m.opt.ExportDir, "still.json"))
	if !strings.Contains(string(data), `"noise": 0,`) {
		t.Errorf("the file does not say noise 0:\n%s", data)
	}
	setup, err := presets.SetupOf(sc)
	if err != nil {
		t.Fatal(err)
	}
	if setup.Params.Noise != 0 || setup.Params.Step != 0.08 {
		t.Errorf("loads back with noise %v, γ %v; want 0 and 0.08", setup.Params.Noise, setup.Params.Step)
	}
}

// At 80 columns the save notice keeps the whole file name and leaves out
// the --config command rather than cut the name with "…".
func TestSaveNoticeFits(t *testing.T) {
	dir := t.TempDir()
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii), ExportDir: dir})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m.refresh()
	press(m, keyRunes("s"))
	typeText(m, "mine")
	run(m, press(m, tea.KeyMsg{Type: tea.KeyEnter}))
	path := filepath.Join(dir, "mine.json")
	if n := len("saved the scenario to " + path); n > 80 || n+len(" (sgdbias --config "+path+")") <= 80 {
		t.Skipf("temporary folder %s does not make the case", dir)
	}
	lines := strings.Split(m.View(), "\n")
	last := lines[len(lines)-1]
	if !strings.Contains(last, "saved the scenario to "+path) || strings.Contains(last, "…") {
		t.Errorf("save notice %q: want the whole path %s, uncut", last, path)
	}
}
