package ui

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"sgdbias/sim"
	"sgdbias/sim/live"
	"sgdbias/sim/param"
)

// paramID names an editable parameter.
type paramID int

const (
	pAlpha paramID = iota
	pStep
	pNoise
	pBatch
	pMomentum
	pLabelNoise
	pN
	pD
	pS
	pSeed
	numParams
)

// paramInfo says how a parameter is shown and whether it applies live.
type paramInfo struct {
	short, long string
	live        bool
}

// infoOf says how parameter id is shown and applied.
func infoOf(id paramID) paramInfo {
	return [numParams]paramInfo{
		pAlpha:      {"α", "initialisation scale α (w₊(0) = w₋(0) = α, seed paper's convention)", false},
		pStep:       {"γ", "step size γ of GD/SGD, time step of SGF", true},
		pNoise:      {"noise", "SGF noise scale (temperature); follows γ while equal to it", true},
		pBatch:      {"batch", "SGD batch size b, 1 ≤ b ≤ n", true},
		pMomentum:   {"μ", "heavy-ball momentum μ of hb, 0 ≤ μ < 1 (hb's time advances γ/(1−μ) a step)", true},
		pLabelNoise: {"δ", "variance δ of lnsgd's fresh label noise", true},
		pN:          {"n", "number of samples n (new data)", false},
		pD:          {"d", "dimension d > n (new data)", false},
		pS:          {"s", "sparsity s of β* (new data)", false},
		pSeed:       {"seed", "seed of the data and of every random draw", false},
	}[id]
}

// values are the parameters as the panel shows them.
type values struct {
	alpha  float64
	params sim.Params
	n, d   int
	s      int
	seed   uint64
	// Which kinds of run are shown: a parameter is offered only when it
	// changes one of them (γ is the step of the discrete runs and SGF's
	// time step, the noise SGF's, the batch SGD's, μ heavy ball's, δ
	// label-noise SGD's; gradient flow depends on none of them).
	hasHB, hasLNSGD, hasSGF, hasSGD, hasDiscrete bool
}

func valuesOf(s *live.Snapshot) values {
	v := values{alpha: s.Alpha, params: s.Params, n: s.Problem.N, d: s.Problem.D, s: s.Problem.S, seed: s.Problem.Seed}
	for _, r := range s.Enabled() {
		switch r.Algo.Base() {
		case sim.HB:
			v.hasHB, v.hasDiscrete = true, true
		case sim.LNSGD:
			v.hasLNSGD, v.hasDiscrete = true, true
		case sim.SGF:
			v.hasSGF = true
		case sim.SGD:
			v.hasSGD, v.hasDiscrete = true, true
		case sim.GD:
			v.hasDiscrete = true
		}
	}
	return v
}

func (v values) text(p paramID) string {
	switch p {
	case pAlpha:
		return formatParam(v.alpha)
	case pStep:
		return formatParam(v.params.Step)
	case pNoise:
		return formatParam(v.params.Noise)
	case pBatch:
		return strconv.Itoa(v.params.Batch)
	case pMomentum:
		return formatParam(v.params.Momentum)
	case pLabelNoise:
		return formatParam(v.params.LabelNoise)
	case pN:
		return strconv.Itoa(v.n)
	case pD:
		return strconv.Itoa(v.d)
	case pS:
		return strconv.Itoa(v.s)
	case pSeed:
		return strconv.FormatUint(v.seed, 10)
	}
	return ""
}

// ParamPanel shows the parameters, marks which apply live and which
// restart the runs, and edits the selected one.
type ParamPanel struct {
	common  *Common
	width   int
	height  int
	sel     paramID
	vals    values
	loaded  bool // data from a file: n, d and s are fixed
	editing bool
	input   field
	msg     string
	msgErr  bool
	msgLeft time.Duration // the message's display time left
}

// NewParamPanel returns an empty panel; Sync fills it.
func NewParamPanel(c *Common) *ParamPanel { return &ParamPanel{common: c, sel: pStep} }

// SetSize sets the panel's size.
func (p *ParamPanel) SetSize(w, h int) { p.width, p.height = w, h }

// Sync takes the values of a snapshot.
func (p *ParamPanel) Sync(s *live.Snapshot) {
	p.vals = valuesOf(s)
	p.loaded = s.Problem.Loaded
	if !p.enabled(p.sel) {
		// The selection's parameter no longer changes a shown run: start
		// again from the top (α, which every run depends on).
		p.sel = pAlpha
	}
}

func (p *ParamPanel) enabled(id paramID) bool {
	switch id {
	case pN, pD, pS:
		return !p.loaded
	case pStep:
		return p.vals.hasDiscrete || p.vals.hasSGF
	case pNoise:
		return p.vals.hasSGF
	case pBatch:
		return p.vals.hasSGD
	case pMomentum:
		return p.vals.hasHB
	case pLabelNoise:
		return p.vals.hasLNSGD
	}
	return true
}

// Move selects the next (+1) or previous (−1) parameter.
func (p *ParamPanel) Move(dir int) {
	for range numParams {
		p.sel = (p.sel + paramID(dir) + numParams) % numParams
		if p.enabled(p.sel) {
			break
		}
	}
	p.msg = ""
}

// Editing reports whether a value is being typed.
func (p *ParamPanel) Editing() bool { return p.editing }

// StartEdit opens the value editor on the selected parameter.
func (p *ParamPanel) StartEdit() {
	p.editing = true
	p.input = newField(p.common, 24, p.vals.text(p.sel))
	p.msg = ""
}

// EditKey handles a key while editing. It returns a command to send when
// a valid value was entered.
func (p *ParamPanel) EditKey(msg tea.KeyMsg) (live.Command, bool) {
	k := p.common.Keys
	switch {
	case key.Matches(msg, k.Cancel):
		p.editing, p.msg = false, ""
	case key.Matches(msg, k.Accept):
		p.editing = false
		text := strings.TrimSpace(p.input.Value())
		nv, err := p.parse(text)
		if err != nil {
			p.setMessage(fmt.Sprintf("%s: %v; kept %s", infoOf(p.sel).short, err, p.vals.text(p.sel)), true)
			return live.Command{}, false
		}
		return p.commit(nv)
	default:
		p.input.typeKey(msg)
	}
	return live.Command{}, false
}

// parse reads a typed value for the selected parameter.
func (p *ParamPanel) parse(text string) (values, error) {
	nv := p.vals
	switch p.sel {
	case pAlpha, pStep, pNoise, pMomentum, pLabelNoise:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nv, fmt.Errorf("%q is not a number", text)
		}
		switch p.sel {
		case pMomentum:
			nv.params.Momentum = f
		case pLabelNoise:
			nv.params.LabelNoise = f
		case pAlpha:
			nv.alpha = f
		case pStep:
			nv.params = nv.params.WithStep(f)
		case pNoise:
			nv.params.Noise = f
		}
	case pSeed:
		u, err := strconv.ParseUint(text, 10, 64)
		if err != nil {
			return nv, fmt.Errorf("%q is not a seed (an integer ≥ 0)", text)
		}
		nv.seed = u
	default:
		i, err := strconv.Atoi(text)
		if errors.Is(err, strconv.ErrRange) {
			return nv, fmt.Errorf("%s is too large", text)
		}
		if err != nil {
			return nv, fmt.Errorf("%q is not an integer", text)
		}
		switch p.sel {
		case pBatch:
			nv.params.Batch = i
		case pN:
			nv.n = i
		case pD:
			nv.d = i
		case pS:
			nv.s = i
		}
	}
	return nv, nil
}

// Scale moves the selected value one step up (dir > 0) or down a log ladder.
func (p *ParamPanel) Scale(dir int) (live.Command, bool) {
	nv := p.vals
	switch p.sel {
	case pAlpha:
		nv.alpha = ladder(nv.alpha, dir, sim.MinAlpha, sim.MaxAlpha)
	case pStep:
		nv.params = nv.params.WithStep(ladder(nv.params.Step, dir, 1e-9, 1e3))
	case pNoise:
		nv.params.Noise = ladderFromZero(nv.params.Noise, dir, 1e-3, 1e-6, 1e3)
	case pBatch:
		if dir > 0 {
			nv.params.Batch = min(nv.params.Batch*2, nv.n)
		} else {
			nv.params.Batch = max(nv.params.Batch/2, 1)
		}
	case pMomentum:
		// μ moves on 1 − μ's ladder: 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, …
		gap := ladder(1-nv.params.Momentum, -dir, 1e-4, 1)
		nv.params.Momentum = math.Round((1-gap)*1e6) / 1e6
	case pLabelNoise:
		nv.params.LabelNoise = ladderFromZero(nv.params.LabelNoise, dir, 1, 1e-3, 1e6)
	case pN:
		nv.n = int(ladder(float64(nv.n), dir, 1, 1e7))
	case pD:
		nv.d = int(ladder(float64(nv.d), dir, 2, 1e8))
	case pS:
		nv.s = int(ladder(float64(nv.s), dir, 1, 1e8))
	case pSeed:
		if dir > 0 {
			nv.seed++
		} else if nv.seed > 0 {
			nv.seed--
		}
	}
	return p.commit(nv)
}

// Restore brings parameter sel back to its value in from (undo), leaving
// the others as they are now.
func (p *ParamPanel) Restore(sel paramID, from values) (live.Command, bool) {
	nv := p.vals
	switch sel {
	case pAlpha:
		nv.alpha = from.alpha
	case pStep, pNoise, pBatch, pMomentum, pLabelNoise:
		nv.params = from.params
	case pN, pD, pS:
		nv.n, nv.d, nv.s = from.n, from.d, from.s
	case pSeed:
		nv.seed = from.seed
	}
	p.sel = sel
	return p.commit(nv)
}

// commit validates new values and returns the command that applies them;
// an invalid value leaves the old one and an inline message.
func (p *ParamPanel) commit(nv values) (live.Command, bool) {
	name := infoOf(p.sel).short
	fail := func(err error) (live.Command, bool) {
		p.setMessage(fmt.Sprintf("%s; kept %s", paramMessage(err), p.vals.text(p.sel)), true)
		return live.Command{}, false
	}
	if nv == p.vals {
		p.setMessage(fmt.Sprintf("%s: already %s", name, p.vals.text(p.sel)), false)
		return live.Command{}, false
	}
	var c live.Command
	switch p.sel {
	case pAlpha:
		if err := sim.CheckAlpha(nv.alpha); err != nil {
			return fail(err)
		}
		c = live.SetAlpha(nv.alpha)
	case pStep, pNoise, pBatch, pMomentum, pLabelNoise:
		if err := nv.params.Validate(nv.n); err != nil {
			return fail(err)
		}
		c = live.SetParams(nv.params)
	case pN, pD, pS:
		if err := live.CheckProblem(nv.n, nv.d, nv.s); err != nil {
			return fail(err)
		}
		if nv.params.Batch > nv.n {
			nv.params.Batch = nv.n
		}
		c = live.SetProblem(nv.n, nv.d, nv.s)
	case pSeed:
		c = live.SetSeed(nv.seed)
	}
	p.vals = nv
	p.msg = ""
	return c, true
}

// paramLabel is the explorer's name of a parameter: its label on the panel
// (γ for step), else the neutral name.
func paramLabel(p param.Name) string {
	for id := range numParams {
		if paramOf(id) == p {
			return infoOf(id).short
		}
	}
	return string(p)
}

// paramOf is the engine's name of a panel parameter.
func paramOf(id paramID) param.Name {
	return [numParams]param.Name{
		pAlpha: param.Alpha, pStep: param.Step, pNoise: param.Noise, pBatch: param.Batch, pMomentum: param.Momentum,
		pLabelNoise: param.LabelNoise, pN: param.N, pD: param.D, pS: param.S, pSeed: param.Seed,
	}[id]
}

// paramMessage says an engine error in the explorer's words: the
// parameter's label in place of its neutral name.
func paramMessage(err error) string {
	return param.Rename(err, paramLabel).Error()
}

// setMessage shows an inline message for noticeTime.
func (p *ParamPanel) setMessage(text string, isErr bool) {
	p.msg, p.msgErr, p.msgLeft = text, isErr, noticeTime
}

// Age counts down the inline message's display time.
func (p *ParamPanel) Age(d time.Duration) {
	if p.msgLeft > 0 {
		p.msgLeft -= d
		if p.msgLeft <= 0 {
			p.msg = ""
		}
	}
}

// Message is the inline message of the last edit, if any.
func (p *ParamPanel) Message() (string, bool) { return p.msg, p.msgErr }

// ClearMessage drops the inline message.
func (p *ParamPanel) ClearMessage() { p.msg = "" }

// View renders the panel: the items line, or the editor, or the inline
// message; with two lines, the selected parameter's description too.
func (p *ParamPanel) View() string {
	st := p.common.Styles
	var lines []string
	switch {
	case p.editing:
		info := infoOf(p.sel)
		lines = append(lines, st.Title.Render(info.short)+" = "+p.input.View()+" "+
			st.Dim.Render("enter apply · esc cancel · "+kindText(info.live)))
	default:
		lines = append(lines, p.items())
	}
	if p.height >= 2 {
		if p.msg != "" {
			lines = append(lines, p.message())
		} else {
			info := infoOf(p.sel)
			lines = append(lines, st.Dim.Render(info.long+" · "+kindText(info.live)))
		}
	} else if p.msg != "" && !p.editing {
		lines[0] = p.message()
	}
	return fitBlock(lines, p.width, p.height)
}

func (p *ParamPanel) message() string {
	st := p.common.Styles
	if p.msgErr {
		return st.Error.Render("✗ " + p.msg)
	}
	return st.Notice.Render(p.msg)
}

func kindText(live bool) string {
	if live {
		return liveGlyph + " live: applies at the next step"
	}
	return restartMark + " restart: the runs start again"
}

// items renders "α 0.1↻  γ 0.01•  …" with the selection marked by ▸ and
// reverse video (the ▸ survives monochrome).
func (p *ParamPanel) items() string {
	st := p.common.Styles
	var parts []string
	for id := range numParams {
		info := infoOf(id)
		if !p.enabled(id) {
			continue
		}
		val := p.vals.text(id)
		if id == pNoise && p.vals.params.Noise == p.vals.params.Step {
			val = "=γ"
		}
		mark := st.Restart.Render(restartMark)
		if info.live {
			mark = st.Live.Render(liveGlyph)
		}
		item := info.short + " " + val
		if id == p.sel {
			parts = append(parts, "▸"+st.Selected.Render(item)+mark)
		} else {
			parts = append(parts, " "+st.Label.Render(info.short)+" "+st.Value.Render(val)+mark)
		}
	}
	line := strings.Join(parts, " ")
	if p.loaded {
		line += st.Dim.Render("  data fixed (file)")
	}
	return line
}
