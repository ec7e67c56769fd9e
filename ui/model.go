package ui

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"sgdbias/sim"
	"sgdbias/sim/live"
)

// The smallest terminal the explorer lays out; below it a message asks for
// a larger one.
const (
	MinWidth  = 70
	MinHeight = 22
)

// Tick intervals: ~30 Hz while the clock runs, slower when it is stopped,
// and a quick one after a key so its effect shows at once.
const (
	tickRunning = 33 * time.Millisecond
	tickIdle    = 100 * time.Millisecond
	tickKey     = 15 * time.Millisecond
	noticeTime  = 6 * time.Second
)

// Options configure one explorer session.
type Options struct {
	// Renderer is the session's lipgloss renderer (default: stdout's).
	Renderer *lipgloss.Renderer
	// LogTime starts with a logarithmic time axis.
	LogTime bool
	// ReadOnly disables every key that changes the simulation (a viewer
	// following someone else's runs).
	ReadOnly bool
	// ExportDir is where x writes CSV files and s saves scenarios (default:
	// the current directory).
	ExportDir string
	// Confine keeps saved scenarios inside ExportDir: the typed name must be
	// a plain file name (remote sessions).
	Confine bool
	// NoExport, when not empty, turns x and s off and is the reason shown.
	NoExport string
	// Files, when set, stores the exports and saves instead of ExportDir
	// (a remote session's own folder); it implies Confine.
	Files Files
	// Now is the clock used to name exported files (default time.Now).
	Now func() time.Time

	// Stage, when set, is a simulation someone else drives (the presenter's,
	// in lecture mode). The session starts following it read-only under a
	// banner; f forks a private copy of its current state, F follows again.
	Stage Stage
	// Status, when set, is called at every refresh for a note on the mode
	// line (e.g. how many sessions follow the presenter).
	Status func() string
	// FrameInterval, when set, is the least time between two refreshes (the
	// server stretches it when many sessions share the machine).
	FrameInterval func() time.Duration
}

// Stage is a simulation many sessions follow (see Options.Stage).
type Stage interface {
	Engine
	// Fork starts a private engine from the stage's current state and
	// parameters; it may take a moment (the runs are replayed).
	Fork() (Engine, error)
	// Drop stops an engine returned by Fork.
	Drop(Engine)
}

// Model is the explorer's root model.
type Model struct {
	common Common
	eng    Engine
	opt    Options

	snap    *live.Snapshot
	sent    uint64 // commands sent that the runner accepted
	speed   float64
	logTime bool

	tag      int // the live tick chain; stale ticks are dropped
	showHelp bool
	tooSmall bool
	quitting bool

	following bool   // watching opt.Stage read-only
	private   Engine // the fork, while not following
	forking   bool
	forkedAt  float64
	save      savePrompt
	picker    *Picker

	header *Header
	params *ParamPanel
	banner *Banner
	charts [4]*Chart
	legend *Legend
	strip  *Strip
	status *StatusLine
	help   help.Model

	noticeSeq    uint64
	noticeLeft   time.Duration
	lastMarker   live.Marker
	gen          uint64
	shown        int
	bannerOn     bool
	gridKey      [4]int
	gridCache    string
	paramsHeight int
	stripHeight  int
	chartRows    [2]int
}

// New returns an explorer on eng.
func New(eng Engine, opt Options) *Model {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.ExportDir == "" {
		opt.ExportDir = "."
	}
	if opt.Files != nil {
		opt.Confine = true
	}
	m := &Model{common: NewCommon(opt.Renderer), eng: eng, opt: opt, logTime: opt.LogTime}
	if opt.Stage != nil {
		m.eng, m.following = opt.Stage, true
	}
	c := &m.common
	m.header = &Header{common: c}
	m.params = NewParamPanel(c)
	m.picker = NewPicker(c)
	m.banner = &Banner{common: c}
	for i, metric := range live.Metrics {
		m.charts[i] = NewChart(c, metric)
	}
	m.legend = &Legend{common: c}
	m.strip = NewStrip(c)
	m.status = &StatusLine{common: c}
	m.help = help.New()
	m.help.Styles = c.Styles.Help
	if s := m.eng.Snapshot(); s != nil {
		m.take(s)
	}
	return m
}

type tickMsg struct{ tag int }

// refreshMsg makes the model read the latest snapshot at once (tests, and
// a stage that pushes its snapshots to viewers).
type refreshMsg struct{}

// Refresh is a message that makes the explorer read the engine's latest
// snapshot now instead of at its next tick.
func Refresh() tea.Msg { return refreshMsg{} }

// NoticeMsg shows a notice in the status line (e.g. a server's message).
type NoticeMsg struct {
	Text  string
	IsErr bool
}

// forkedMsg brings the private engine made by f.
type forkedMsg struct {
	eng Engine
	err error
}

// exportedMsg reports the end of an export.
type exportedMsg struct {
	path string
	err  error
}

func (m *Model) tick(d time.Duration) tea.Cmd {
	tag := m.tag
	return tea.Tick(d, func(time.Time) tea.Msg { return tickMsg{tag: tag} })
}

// rearm starts a new tick chain (dropping the old one) after d.
func (m *Model) rearm(d time.Duration) tea.Cmd {
	m.tag++
	return m.tick(d)
}

// Init starts the refresh ticks.
func (m *Model) Init() tea.Cmd { return m.tick(tickKey) }

// Update routes messages.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.common.Width, m.common.Height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case tickMsg:
		if msg.tag != m.tag || m.quitting {
			return m, nil
		}
		interval := tickIdle
		if m.snap != nil && m.snap.State == live.Running {
			interval = tickRunning
		}
		if m.opt.FrameInterval != nil {
			interval = max(interval, m.opt.FrameInterval())
		}
		m.age(interval)
		m.refresh()
		return m, m.tick(interval)
	case refreshMsg:
		m.refresh()
		return m, nil
	case NoticeMsg:
		m.notify(msg.Text, msg.IsErr)
		return m, nil
	case forkedMsg:
		return m, m.forked(msg)
	case savedMsg:
		m.saved(msg)
		return m, nil
	case exportedMsg:
		if msg.err != nil {
			m.notify("export failed: "+msg.err.Error(), true)
		} else if m.opt.Confine {
			m.notify("exported "+filepath.Base(msg.path)+" to the server's export folder", false)
		} else {
			m.notify("exported the trajectories to "+msg.path, false)
		}
		return m, nil
	case tea.KeyMsg:
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !m.params.Editing() {
			// Keys typed fast (or over a slow link) arrive as one message
			// of several runes: treat them one by one.
			var cmds []tea.Cmd
			for _, r := range msg.Runes {
				_, cmd := m.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt})
				cmds = append(cmds, cmd)
				if m.quitting {
					break
				}
			}
			return m, tea.Batch(cmds...)
		}
		return m.key(msg)
	}
	return m, nil
}

// age counts down the notice's display time.
func (m *Model) age(d time.Duration) {
	if m.noticeLeft > 0 {
		m.noticeLeft -= d
		if m.noticeLeft <= 0 {
			m.status.notice = ""
		}
	}
}

func (m *Model) notify(text string, isErr bool) {
	m.status.notice, m.status.isErr = text, isErr
	m.noticeLeft = noticeTime
}

// refresh reads the runner's latest snapshot.
func (m *Model) refresh() {
	if s := m.eng.Snapshot(); s != nil && s != m.snap {
		m.take(s)
	}
}

// take adopts a snapshot: values are re-synced once every command sent has
// been applied, and the components re-plot if their data changed.
func (m *Model) take(s *live.Snapshot) {
	first := m.snap == nil
	m.snap = s
	if first || s.Applied >= m.sent {
		if !m.params.Editing() {
			m.params.Sync(s)
		}
		m.speed = s.Speed
	}
	if s.Notice.Seq != m.noticeSeq {
		m.noticeSeq = s.Notice.Seq
		if !first && s.Notice.Text != "" {
			m.notify(s.Notice.Text, true)
		}
	}
	var last live.Marker
	if len(s.Markers) > 0 {
		last = s.Markers[len(s.Markers)-1]
	}
	if s.Generation != m.gen || first {
		m.gen = s.Generation
	} else if last != m.lastMarker {
		m.notify(fmt.Sprintf("%s live change at t %s (step %s): %s", markerGlyph, formatClock(last.Time), groupDigits(last.Steps), last.Label), false)
	}
	m.lastMarker = last
	m.header.snap, m.header.speed = s, m.speed
	m.legend.snap, m.status.snap, m.banner.snap = s, s, s
	m.strip.Update(s)
	if len(s.Enabled()) != m.shown || m.banner.Active() != m.bannerOn {
		m.layout()
	}
	m.updateCharts()
}

func (m *Model) updateCharts() {
	if m.snap == nil {
		return
	}
	for _, c := range m.charts {
		c.Update(m.snap, m.logTime)
	}
}

// layout sizes every component for the terminal.
func (m *Model) layout() {
	w, h := m.common.Width, m.common.Height
	m.tooSmall = w < MinWidth || h < MinHeight
	m.help.Width = w
	if m.snap != nil {
		m.shown = len(m.snap.Enabled())
	}
	m.bannerOn = m.banner.Active()
	if m.tooSmall || w == 0 {
		return
	}
	m.paramsHeight = 1
	if h >= 30 {
		m.paramsHeight = 2
	}
	m.stripHeight = m.stripLines(h)
	fixed := 1 + m.paramsHeight + 1 + m.stripHeight + 1 + 1 // header, params, legend, strip, status, help
	if m.bannerOn {
		fixed++
	}
	if m.hasModeLine() {
		fixed++
	}
	rest := max(h-fixed, 8)
	top := rest / 2
	m.chartRows = [2]int{top, rest - top}
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
	m.header.SetSize(w, 1)
	m.params.SetSize(w, m.paramsHeight)
	m.banner.SetSize(w, 1)
	m.legend.SetSize(w, 1)
	m.strip.SetSize(w, m.stripHeight)
	m.status.SetSize(w, 1)
	m.updateCharts()
}

// stripLines is the strip's height: the coordinate row, β*, and two rows
// per run that fits (all shown runs on tall terminals, else the focused one).
func (m *Model) stripLines(h int) int {
	runs := max(1, m.shown)
	fixed := 1
	if m.snap == nil || m.snap.Problem.HasBetaStar {
		fixed = 2
	}
	fit := 1
	if h >= 34 {
		fit = min(runs, max(1, (h/4-fixed)/2))
	}
	return fixed + 2*fit
}

// readOnly reports whether the keys that change the simulation are off.
func (m *Model) readOnly() bool { return m.opt.ReadOnly || m.following }

// send passes a command to the runner.
func (m *Model) send(c live.Command) tea.Cmd {
	if m.readOnly() {
		text := "read-only: the presenter drives the simulation"
		if m.following {
			text = "read-only: the presenter drives; f makes your own copy"
		}
		m.notify(text, true)
		return nil
	}
	if !m.eng.Send(c) {
		m.notify("the simulation is busy; the command was dropped", true)
		return nil
	}
	m.sent++
	return m.rearm(tickKey)
}

// key handles a key press.
func (m *Model) key(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.common.Keys
	if msg.Type == tea.KeyCtrlC {
		m.quitting = true
		return m, tea.Quit
	}
	if m.params.Editing() {
		if c, ok := m.params.EditKey(msg); ok {
			return m, m.send(c)
		}
		return m, nil
	}
	if m.save.active() {
		return m, m.saveKey(msg)
	}
	if m.picker.Active() {
		if c, ok := m.picker.Key(msg); ok {
			return m, m.send(c)
		}
		return m, nil
	}
	if m.showHelp {
		switch {
		case key.Matches(msg, k.Quit):
			m.quitting = true
			return m, tea.Quit
		case key.Matches(msg, k.Help), key.Matches(msg, k.Cancel):
			m.showHelp = false
		}
		return m, nil
	}
	m.params.ClearMessage()
	switch {
	case key.Matches(msg, k.Quit):
		m.quitting = true
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		m.showHelp = true
	case key.Matches(msg, k.Pause):
		return m, m.send(live.TogglePause())
	case key.Matches(msg, k.Step):
		return m, m.send(live.Step(1))
	case key.Matches(msg, k.Restart):
		return m, m.send(live.Restart())
	case key.Matches(msg, k.NewSeed):
		return m, m.send(live.NextSeed())
	case key.Matches(msg, k.Faster), key.Matches(msg, k.Slower):
		next := live.FasterSpeed(m.speed)
		if key.Matches(msg, k.Slower) {
			next = live.SlowerSpeed(m.speed)
		}
		cmd := m.send(live.SetSpeed(next))
		if cmd != nil {
			m.speed = next
			m.header.speed = next
		}
		return m, cmd
	case key.Matches(msg, k.Next), key.Matches(msg, k.Down):
		m.params.Move(1)
	case key.Matches(msg, k.Prev), key.Matches(msg, k.Up):
		m.params.Move(-1)
	case key.Matches(msg, k.Increase), key.Matches(msg, k.Decrease):
		dir := 1
		if key.Matches(msg, k.Decrease) {
			dir = -1
		}
		if m.readOnly() {
			return m, m.send(live.Command{})
		}
		if c, ok := m.params.Scale(dir); ok {
			return m, m.send(c)
		}
	case key.Matches(msg, k.Edit):
		if m.readOnly() {
			return m, m.send(live.Command{})
		}
		m.params.StartEdit()
	case key.Matches(msg, k.Discrete):
		return m, m.send(live.ToggleDiscrete())
	case key.Matches(msg, k.LogTime):
		m.logTime = !m.logTime
		m.updateCharts()
	case key.Matches(msg, k.Focus):
		m.strip.CycleFocus()
	case key.Matches(msg, k.Export):
		if m.opt.NoExport != "" {
			m.notify(m.opt.NoExport, true)
			return m, nil
		}
		if m.snap != nil {
			return m, exportCmd(m.snap, m.opt.ExportDir, m.opt.Now(), m.writer())
		}
	case key.Matches(msg, k.Save):
		if m.opt.NoExport != "" {
			m.notify(m.opt.NoExport, true)
			return m, nil
		}
		if m.snap != nil {
			m.save.start(m.snap)
		}
	case key.Matches(msg, k.Presets):
		if m.readOnly() {
			return m, m.send(live.Command{}) // says why it is refused
		}
		current := ""
		if m.snap != nil {
			current = m.snap.Scenario.Name
		}
		m.picker.Open(current)
	case key.Matches(msg, k.Fork):
		return m, m.fork()
	case key.Matches(msg, k.Follow):
		return m, m.follow()
	}
	return m, nil
}

// View renders the screen.
func (m *Model) View() string {
	w, h := m.common.Width, m.common.Height
	if w == 0 || h == 0 {
		return "starting sgdbias…"
	}
	if m.tooSmall {
		return m.tooSmallView()
	}
	if m.showHelp {
		return m.helpView()
	}
	if m.picker.Active() {
		return m.picker.View(w, h)
	}
	parts := make([]string, 0, 10)
	parts = append(parts, m.header.View(), m.params.View())
	if m.hasModeLine() {
		parts = append(parts, m.modeLine())
	}
	if m.bannerOn {
		parts = append(parts, m.banner.View())
	}
	status := m.status.View()
	if m.save.active() {
		status = m.save.view(m.common.Styles, m.common.Width, m.opt.Confine)
	}
	parts = append(parts, m.grid(), m.legend.View(), m.strip.View(), status, m.footer())
	return strings.Join(parts, "\n")
}

// grid joins the four cached charts two by two; the join itself is cached.
func (m *Model) grid() string {
	var key [4]int
	for i, c := range m.charts {
		key[i] = c.plots*1_000_000 + c.width*1000 + c.height
	}
	if key == m.gridKey && m.gridCache != "" {
		return m.gridCache
	}
	rows := make([]string, 2)
	for r := range 2 {
		left := strings.Split(m.charts[2*r].View(), "\n")
		right := strings.Split(m.charts[2*r+1].View(), "\n")
		lines := make([]string, max(len(left), len(right)))
		for i := range lines {
			var l, rr string
			if i < len(left) {
				l = left[i]
			}
			if i < len(right) {
				rr = right[i]
			}
			lines[i] = l + rr
		}
		rows[r] = strings.Join(lines, "\n")
	}
	m.gridKey, m.gridCache = key, rows[0]+"\n"+rows[1]
	return m.gridCache
}

// footer is the one-line key hint; "? help" and "q quit" always show, the
// rest is cut to the width.
func (m *Model) footer() string {
	k := m.common.Keys
	if m.params.Editing() {
		return m.help.ShortHelpView(k.editHelp())
	}
	if m.save.active() {
		return m.help.ShortHelpView(m.save.help(k))
	}
	// bubbles' help adds items past its Width once the ellipsis no longer
	// fits, so the items that fit are chosen here.
	hints := k.ShortHelp()
	switch {
	case m.following:
		hints = k.followHelp()
	case m.opt.Stage != nil:
		hints = append([]key.Binding{hints[0], short(k.Follow, "F", "follow")}, hints[1:]...)
	}
	if m.opt.NoExport != "" {
		hints = slices.DeleteFunc(slices.Clone(hints), func(b key.Binding) bool {
			return key.Matches(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")}, b) ||
				key.Matches(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("s")}, b)
		})
	}
	all := append(hints, k.tailHelp()...)
	tail := len(k.tailHelp())
	sep := lipgloss.Width(m.help.ShortSeparator)
	width := func(b key.Binding) int { return lipgloss.Width(b.Help().Key) + 1 + lipgloss.Width(b.Help().Desc) }
	used := -sep
	for _, b := range all[len(all)-tail:] {
		used += width(b) + sep
	}
	var fit []key.Binding
	for _, b := range all[:len(all)-tail] {
		if used+width(b)+sep > m.common.Width {
			break
		}
		fit = append(fit, b)
		used += width(b) + sep
	}
	h := m.help
	h.Width = 0
	return h.ShortHelpView(append(fit, all[len(all)-tail:]...))
}

func (m *Model) tooSmallView() string {
	st := m.common.Styles
	w, h := m.common.Width, m.common.Height
	msg := st.Title.Render("enlarge the terminal") + "\n" +
		fmt.Sprintf("sgdbias needs at least %d×%d; this one is %d×%d.", MinWidth, MinHeight, w, h) + "\n" +
		st.Dim.Render("q quits")
	return m.common.Renderer.Place(w, h, lipgloss.Center, lipgloss.Center, msg)
}

// helpView is the full help overlay.
func (m *Model) helpView() string {
	st := m.common.Styles
	w, h := m.common.Width, m.common.Height
	inner := min(w-4, 96)
	full := m.help
	full.ShowAll = true
	full.Width = inner
	text := []string{
		st.HelpTitle.Render("sgdbias — implicit bias of (S)GD on diagonal linear networks"),
		"β = w₊⊙w₊ − w₋⊙w₋, w±(0) = α (seed paper's convention), loss ‖Xβ−y‖²/(4n)",
		runKey(st, sim.GF, "gradient flow          ", sim.SGF, "stochastic gradient flow"),
		runKey(st, sim.GD, "gradient descent, γ    ", sim.SGD, "stochastic GD, γ, batch b"),
		"α_t = √(w₊w₋): GF keeps α; SGF shrinks it and lands nearer min-ℓ₁ (┈┈)",
		"than the GF limit (╌╌). β̂: the limit predicted from the current state.",
		st.Live.Render(liveGlyph) + " live: applies at the next step (" + markerGlyph + " on the time axis)   " +
			st.Restart.Render(restartMark) + " restart",
		"",
		m.fullHelp(full),
		"",
		st.Dim.Render("? or esc closes this help · q quits"),
	}
	box := st.HelpBox.Width(inner).Render(strings.Join(text, "\n"))
	return m.common.Renderer.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}

func runKey(st *Styles, a sim.Algo, da string, b sim.Algo, db string) string {
	return glyphText(st, a) + " " + da + "   " + glyphText(st, b) + " " + db
}

func glyphText(st *Styles, a sim.Algo) string {
	return st.Algo(a).Render(Glyph(a).Horizontal + Glyph(a).Horizontal + " " + algoLabel(a))
}
