package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"sgdbias/sim"
	"sgdbias/sim/live"
)

// Comparing in the explorer: after a change that restarts the runs (α, n,
// d, s, seed), the runs before it stay as dimmed ghosts, so α can be slid
// from the kernel regime to the rich one with the curves side by side; u
// undoes the last change of a parameter; m adds a variant of the focused
// run with the selected parameter's value pinned, or removes it.

// maxGhosts is how many earlier sets of runs are kept (oldest dropped).
const maxGhosts = 3

// ghost is the last snapshot of runs replaced by a restart, and what was
// different about them ("α 0.1").
type ghost struct {
	snap  *live.Snapshot
	label string
}

// restartDiff names the restarting parameters that differ between two
// snapshots, empty when none does (a plain restart, or a preset picked).
func restartDiff(old, now *live.Snapshot) string {
	if old.Scenario.Name != now.Scenario.Name {
		return ""
	}
	var parts []string
	if old.Alpha != now.Alpha {
		parts = append(parts, "α "+formatParam(old.Alpha))
	}
	p, q := old.Problem, now.Problem
	if p.N != q.N {
		parts = append(parts, "n "+strconv.Itoa(p.N))
	}
	if p.D != q.D {
		parts = append(parts, "d "+strconv.Itoa(p.D))
	}
	if p.S != q.S {
		parts = append(parts, "s "+strconv.Itoa(p.S))
	}
	if p.Seed != q.Seed {
		parts = append(parts, "seed "+strconv.FormatUint(p.Seed, 10))
	}
	return strings.Join(parts, " ")
}

// keepGhost records the runs of old as a ghost when now restarted them
// with other parameters.
func (m *Model) keepGhost(old, now *live.Snapshot) {
	if old == nil || len(old.Enabled()) == 0 || old.Steps == 0 {
		return
	}
	label := restartDiff(old, now)
	if label == "" {
		return
	}
	m.ghosts = append(m.ghosts, ghost{snap: old, label: label})
	if len(m.ghosts) > maxGhosts {
		m.ghosts = m.ghosts[len(m.ghosts)-maxGhosts:]
	}
	m.ghostSeq++
}

// clearGhosts drops every ghost.
func (m *Model) clearGhosts() {
	if len(m.ghosts) == 0 {
		m.notify("no earlier runs to clear", false)
		return
	}
	m.ghosts = nil
	m.ghostSeq++
	m.layout()
}

// ghostNote is the table's line about the ghosts.
func (m *Model) ghostNote() string {
	if len(m.ghosts) == 0 {
		return ""
	}
	labels := make([]string, len(m.ghosts))
	for i, g := range m.ghosts {
		labels[i] = g.label
	}
	return glyphGhost + glyphGhost + " earlier: " + strings.Join(labels, ", ") + " (g clears)"
}

// undoStep is a parameter's value before a change, to go back to.
type undoStep struct {
	sel  paramID
	vals values
}

// maxUndo bounds the undo history.
const maxUndo = 32

// pushUndo remembers the values before a change of parameter sel.
func (m *Model) pushUndo(sel paramID, before values) {
	m.undo = append(m.undo, undoStep{sel: sel, vals: before})
	if len(m.undo) > maxUndo {
		m.undo = m.undo[len(m.undo)-maxUndo:]
	}
}

// undoLast sends the command that brings the last changed parameter back.
func (m *Model) undoLast() (live.Command, bool) {
	if len(m.undo) == 0 {
		m.notify("nothing to undo", false)
		return live.Command{}, false
	}
	u := m.undo[len(m.undo)-1]
	m.undo = m.undo[:len(m.undo)-1]
	c, ok := m.params.Restore(u.sel, u.vals)
	if ok {
		m.notify("undone: "+infoOf(u.sel).short+" back to "+u.vals.text(u.sel), false)
	}
	return c, ok
}

// liveValue is the value of a live parameter (0 for the others).
func (v values) liveValue(id paramID) float64 {
	switch id {
	case pStep:
		return v.params.Step
	case pNoise:
		return v.params.Noise
	case pBatch:
		return float64(v.params.Batch)
	case pMomentum:
		return v.params.Momentum
	case pLabelNoise:
		return v.params.LabelNoise
	}
	return 0
}

// pinKey is the variant key of a live parameter ("" for the others).
func pinKey(id paramID) string {
	switch id {
	case pStep:
		return "step"
	case pNoise:
		return "noise"
	case pBatch:
		return "batch"
	case pMomentum:
		return "momentum"
	case pLabelNoise:
		return "label-noise"
	}
	return ""
}

// pinAffects reports whether parameter key changes a run of algorithm base
// (gradient flow depends on none of them).
func pinAffects(base sim.Algo, key string) bool {
	switch base {
	case sim.SGF:
		return key == "step" || key == "noise"
	case sim.GD:
		return key == "step"
	case sim.SGD:
		return key == "step" || key == "batch"
	case sim.HB:
		return key == "step" || key == "momentum"
	case sim.LNSGD:
		return key == "step" || key == "label-noise"
	}
	return false
}

// variantPin is the run and the pin a variant of sel would take, or false
// (with the reason shown) when sel cannot be pinned on the focused run.
func (m *Model) variantPin(sel paramID) (sim.Algo, string, bool) {
	s := m.snap
	key := pinKey(sel)
	if s == nil || key == "" {
		m.notify("select a live parameter (γ, noise, batch, μ, δ) to pin in a variant", true)
		return "", "", false
	}
	base := m.strip.focus.Base()
	if s.Run(m.strip.focus) == nil || !s.Run(m.strip.focus).Enabled {
		base = s.Enabled()[0].Algo.Base()
	}
	if !pinAffects(base, key) {
		m.notify(fmt.Sprintf("%s does not depend on %s: c picks another run", strings.ToUpper(string(base)), infoOf(sel).short), true)
		return "", "", false
	}
	return base, key, true
}

// toggleVariant adds to the shown runs a variant of the focused run with
// the parameter sel pinned at its current value, or removes it if it is
// there; the other runs go on, an added one catches up with the clock.
func (m *Model) toggleVariant(sel paramID) (live.Command, bool) {
	base, key, ok := m.variantPin(sel)
	if !ok {
		return live.Command{}, false
	}
	val := m.params.vals.liveValue(sel)
	name := sim.Algo(fmt.Sprintf("%s:%s=%s", base, key, strconv.FormatFloat(val, 'g', -1, 64)))
	if _, err := sim.ParseAlgos(string(name)); err != nil {
		m.notify("no variant: "+err.Error(), true)
		return live.Command{}, false
	}
	if slices.Contains(m.snap.Scenario.Algos, name) {
		m.notify("removed the variant "+algoLabel(name), false)
	} else {
		m.notify("added the variant "+algoLabel(name)+" (m removes it); it catches up with the clock", false)
	}
	return live.ToggleVariant(name), true
}
