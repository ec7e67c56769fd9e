package ui

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

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

// minChartRows is the least height of the two rows of charts together.
const minChartRows = 12

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
	values *ValueTable
	strip  *Strip
	alphas *AlphaStrip
	notice notice
	help   help.Model

	noticeSeq   uint64
	ghosts      []ghost
	ghostSeq    uint64
	undo        []undoStep
	zoom        int    // 0: the four charts; i: chart i−1 alone
	alphaView   bool   // α_t per coordinate: the band and the strip
	topHidden   bool   // the top row of charts made way for the α_t strip
	timeChosen  bool   // l was pressed: the time axis is the user's
	autoLogGen  uint64 // 1 + the generation the axis last went log by itself
	lastMarker  live.Marker
	gen         uint64
	shown       int
	stairShown  bool // the strip has the current saddle's row
	bannerLines int
	// variantFor is the parameter m asked to pin while earlier commands
	// were not yet applied (see flushVariant); nil when none waits.
	variantFor   *paramID
	gridKey      [4]int
	gridCache    string
	paramsHeight int
	valuesHeight int
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
	m.values = &ValueTable{common: c}
	m.strip = NewStrip(c)
	m.alphas = &AlphaStrip{common: c, focus: m.strip}
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

// NoticeMsg shows a notice on the footer line (e.g. a server's message).
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
		return m, tea.Batch(m.tick(interval), m.save.flush(), m.flushVariant())
	case refreshMsg:
		m.refresh()
		return m, tea.Batch(m.save.flush(), m.flushVariant())
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

// notice is a transient message on the footer line: a refused command, a
// live change, an export. It shows for noticeTime, then the key hint
// returns; a restart clears it.
type notice struct {
	text  string
	isErr bool
	left  time.Duration
	// sticky survives the next restart: it is about that restart.
	sticky bool
}

// age counts down the display time of the notice and of the parameter
// panel's message.
func (m *Model) age(d time.Duration) {
	if m.notice.left > 0 {
		m.notice.left -= d
		if m.notice.left <= 0 {
			m.notice = notice{}
		}
	}
	m.params.Age(d)
}

func (m *Model) notify(text string, isErr bool) {
	m.notice = notice{text: text, isErr: isErr, left: noticeTime}
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
	old := m.snap
	m.snap = s
	m.common.setRuns(s)
	m.save.capture(s)
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
		if !first {
			m.keepGhost(old, s)
			if m.notice.sticky {
				m.notice.sticky = false
			} else {
				m.notice = notice{} // the runs restarted: what the notice said is gone
			}
		}
		m.gen = s.Generation
	} else if last != m.lastMarker {
		m.notify(fmt.Sprintf("%s live change at t %s (step %s): %s", markerGlyph, formatClock(last.Time), groupDigits(last.Steps), last.Label), false)
	}
	m.lastMarker = last
	m.header.snap, m.header.speed = s, m.speed
	m.autoLogTime(s)
	m.values.snap, m.banner.snap = s, s
	m.strip.Update(s)
	m.alphas.snap = s
	m.values.note = m.ghostNote()
	if len(s.Enabled()) != m.shown || m.banner.Lines() != m.bannerLines || m.values.Lines() != m.valuesHeight ||
		(s.Refs.Staircase != nil) != m.stairShown {
		m.layout()
	}
	m.updateCharts()
}

// chartView is what every chart is asked to draw besides the snapshot.
func (m *Model) chartView() chartView {
	return chartView{logTime: m.logTime, band: m.alphaView, ghosts: m.ghosts, ghostSeq: m.ghostSeq}
}

func (m *Model) updateCharts() {
	if m.snap == nil {
		return
	}
	v := m.chartView()
	for i, c := range m.charts {
		if (m.zoom == 0 && !(m.topHidden && i < 2)) || m.zoom == i+1 {
			c.Update(m.snap, v)
		}
	}
}
