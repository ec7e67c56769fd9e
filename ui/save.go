package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"sgdbias/internal/atomicfile"
	"sgdbias/presets"
	"sgdbias/sim/live"
)

// Saving the scenario (s): the status line asks for a file name, then
// writes the scenario now in force in the presets' JSON format, loadable
// with `sgdbias --config FILE`. The write is atomic and never replaces a
// file unasked: an existing name asks "overwrite? y/n" (n picks another).
//
// "In force" includes every command sent before s was pressed: the
// scenario is taken from the first snapshot that has applied them all
// (Snapshot.Applied), so a change made a moment before s is saved even if
// the snapshot on screen does not show it yet; the write waits for it.

// defaultSaveName is the name offered first.
const defaultSaveName = "sgdbias-scenario.json"

type saveMode int

const (
	saveOff saveMode = iota
	saveNaming
	saveConfirm
	saveWriting
)

type savePrompt struct {
	mode  saveMode
	input field
	path  string
	err   string // why the typed name was refused
	// want is the count of commands sent before s; sc is the scenario of
	// the first snapshot that applied them (nil until then).
	want uint64
	sc   *presets.Scenario
	// pending is a write waiting for sc, with its overwrite answer.
	pending   bool
	overwrite bool
	// writeFile writes the file (see Model.writer).
	writeFile writeFunc
}

// savedMsg reports the end of a save.
type savedMsg struct {
	path   string
	err    error
	exists bool
}

func (p *savePrompt) active() bool { return p.mode != saveOff }

// start opens the prompt; sent is the count of commands sent so far.
func (p *savePrompt) start(c *Common, s *live.Snapshot, sent uint64) {
	p.mode, p.path, p.err, p.want, p.sc, p.pending = saveNaming, "", "", sent, nil, false
	p.input = newField(c, 96, defaultSaveName)
	p.capture(s)
}

// capture takes the scenario from s once s has applied every command sent
// before s was pressed.
func (p *savePrompt) capture(s *live.Snapshot) {
	if p.active() && p.sc == nil && s != nil && s.Applied >= p.want {
		sc := ScenarioOf(s)
		p.sc = &sc
	}
}

// write starts the save to p.path, or holds it until the scenario in force
// is known (see flush).
func (p *savePrompt) write(overwrite bool) tea.Cmd {
	p.mode = saveWriting
	if p.sc == nil {
		p.pending, p.overwrite = true, overwrite
		return nil
	}
	return saveCmd(*p.sc, p.path, overwrite, p.writeFile)
}

// flush starts a held write once its scenario is known.
func (p *savePrompt) flush() tea.Cmd {
	if !p.pending || p.sc == nil {
		return nil
	}
	p.pending = false
	return saveCmd(*p.sc, p.path, p.overwrite, p.writeFile)
}

// view renders the prompt in place of the status line.
func (p *savePrompt) view(st *Styles, w int, confine bool) string {
	shown := p.path
	if confine { // a remote session: names only, never the server's paths
		shown = filepath.Base(p.path)
	}
	var line string
	switch p.mode {
	case saveNaming:
		line = st.Title.Render("save scenario as ") + p.input.View()
		if p.err != "" {
			line += " " + st.Error.Render("✗ "+p.err)
		}
	case saveConfirm:
		line = st.Error.Render(shown + " exists: overwrite? y/n")
	case saveWriting:
		line = st.Dim.Render("saving " + shown + "…")
	}
	return fitBlock([]string{line}, w, 1)
}

// help is the key hint while the prompt is open.
func (p *savePrompt) help(k *KeyMap) []key.Binding {
	if p.mode == saveConfirm {
		return []key.Binding{k.Yes, k.No}
	}
	return []key.Binding{short(k.Accept, "enter", "save"), short(k.Cancel, "esc", "cancel")}
}

// saveKey handles a key while the prompt is open.
func (m *Model) saveKey(msg tea.KeyMsg) tea.Cmd {
	p := &m.save
	k := m.common.Keys
	if key.Matches(msg, k.Interrupt) {
		m.quitting = true
		return tea.Quit
	}
	switch p.mode {
	case saveWriting:
		return nil
	case saveConfirm:
		switch {
		case key.Matches(msg, k.Yes):
			return p.write(true)
		case key.Matches(msg, k.No), key.Matches(msg, k.Cancel):
			p.mode = saveNaming
		}
		return nil
	}
	p.err = ""
	switch {
	case key.Matches(msg, k.Cancel):
		p.mode = saveOff
	case key.Matches(msg, k.Accept):
		path, err := m.savePath(p.input.Value())
		if err != nil {
			p.err = err.Error()
			return nil
		}
		p.path = path
		return p.write(false)
	default:
		p.input.typeKey(msg)
	}
	return nil
}

// saved ends a save: an existing file asks before it is replaced.
func (m *Model) saved(msg savedMsg) {
	p := &m.save
	switch {
	case msg.exists:
		p.mode = saveConfirm
	case msg.err != nil:
		p.mode = saveOff
		m.notify("save failed: "+msg.err.Error(), true)
	case m.opt.Confine: // a remote session: the server's paths are none of its business
		p.mode = saveOff
		m.notify("saved "+filepath.Base(msg.path)+" in the server's export folder", false)
	default:
		p.mode = saveOff
		m.notify("saved the scenario to "+msg.path+" (sgdbias --config "+msg.path+")", false)
	}
}

// savePath resolves a typed name: inside ExportDir; with Confine, only a
// plain file name is taken. ".json" is added when missing.
func (m *Model) savePath(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", errors.New("type a file name")
	}
	if !strings.HasSuffix(name, ".json") {
		name += ".json"
	}
	if m.opt.Confine {
		if strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") || name != filepath.Base(name) {
			return "", fmt.Errorf("%q: a plain file name only", name)
		}
		return filepath.Join(m.opt.ExportDir, name), nil
	}
	if filepath.IsAbs(name) {
		return name, nil
	}
	return filepath.Join(m.opt.ExportDir, name), nil
}

func saveCmd(sc presets.Scenario, path string, overwrite bool, write writeFunc) tea.Cmd {
	return func() tea.Msg {
		err := write(path, overwrite, func(w io.Writer) error { return WriteScenario(w, sc) })
		if errors.Is(err, atomicfile.ErrExists) {
			return savedMsg{path: path, exists: true}
		}
		return savedMsg{path: path, err: err}
	}
}

// WriteScenario writes a scenario as the presets' indented JSON.
func WriteScenario(w io.Writer, sc presets.Scenario) error {
	b, err := json.MarshalIndent(sc, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ScenarioOf is the scenario a snapshot's runs start from, in the presets'
// format (presets.FromSetup): the problem (generated data only: a loaded
// file cannot be named in a scenario, so the about text says to pass --data
// again), α, the parameters now in force, the seed, the horizon and the
// shown algorithms. The history of live changes is not kept: the saved runs
// start with the parameters the snapshot shows.
func ScenarioOf(s *live.Snapshot) presets.Scenario {
	sc := s.Scenario
	about := fmt.Sprintf("Saved at t = %s (step %d) with the parameters then in force.", formatClock(s.Time), s.Steps)
	if sc.Name != "" {
		about = fmt.Sprintf("Saved from the %s scenario at t = %s (step %d) with the parameters then in force.", sc.Name, formatClock(s.Time), s.Steps)
	}
	if sc.Data != nil {
		about += fmt.Sprintf(" The data came from %s: pass --data %s again.", s.Problem.Source, s.Problem.Source)
	}
	return presets.FromSetup(sc.Setup, presets.Scenario{Name: "saved", Title: "Saved from the sgdbias explorer", About: about})
}
