package ui

import (
	"context"
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"sgdbias/sim"
	"sgdbias/sim/live"
)

// testStage is a Stage over a runner: forks are checkpoints started anew.
type testStage struct {
	*live.Runner
	mu      sync.Mutex
	forks   []*live.Runner
	dropped int
}

func (s *testStage) Fork() (Engine, error) {
	cp, err := s.Checkpoint(context.Background())
	if err != nil {
		return nil, err
	}
	r, err := live.StartFrom(context.Background(), cp, live.Options{ChunkSteps: 8})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.forks = append(s.forks, r)
	s.mu.Unlock()
	return r, nil
}

func (s *testStage) Drop(e Engine) {
	e.(*live.Runner).Stop()
	s.mu.Lock()
	s.dropped++
	s.mu.Unlock()
}

// run executes a command and feeds its message back, as bubbletea would
// (ticks are skipped: the test reads snapshots itself).
func run(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	msg := cmd()
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			run(m, c)
		}
	case tickMsg, nil:
	default:
		_, next := m.Update(msg)
		run(m, next)
	}
}

// A follower sees the stage read-only under a banner; f forks a private
// copy that starts where the stage is and then obeys the follower alone;
// F drops it and follows again.
func TestFollowAndFork(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	stage := &testStage{Runner: r}
	t.Cleanup(func() {
		for _, f := range stage.forks {
			f.Stop()
		}
	})
	r.Send(live.Step(40))
	waitSnap(t, r, "40 steps", settledAt(40))

	m := New(nil, Options{Renderer: renderer(termenv.Ascii), Stage: stage})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	view := m.View()
	if !strings.Contains(view, "following the presenter · read-only") || !strings.Contains(view, "f own copy") {
		t.Fatalf("no follow banner or hint:\n%s", view)
	}
	if lines := strings.Count(view, "\n") + 1; lines != 24 {
		t.Errorf("%d lines at 80×24 with the banner", lines)
	}
	press(m, keyRunes(" "))
	if r.Snapshot().Applied != 1 || !strings.Contains(m.View(), "read-only") {
		t.Fatalf("a follower's key reached the stage (applied %d)", r.Snapshot().Applied)
	}

	run(m, press(m, keyRunes("f")))
	if m.following || m.private == nil {
		t.Fatal("f did not fork")
	}
	view = m.View()
	if !strings.Contains(view, "your own copy, forked at t 3.200") {
		t.Errorf("no private-copy banner:\n%s", view)
	}
	priv := m.private.(*live.Runner)
	if s := priv.Snapshot(); s.Steps != 40 {
		t.Fatalf("the fork starts at step %d, want 40", s.Steps)
	}
	run(m, press(m, keyRunes("n")))
	waitSnap(t, priv, "a private step", func(s *live.Snapshot) bool { return s.Steps == 41 })
	if s := r.Snapshot(); s.Steps != 40 {
		t.Errorf("the private step moved the stage to %d", s.Steps)
	}

	run(m, press(m, keyRunes("F")))
	if !m.following || m.eng != Engine(stage) || stage.dropped != 1 {
		t.Fatalf("F: following %v dropped %d", m.following, stage.dropped)
	}
	select {
	case <-priv.Done():
	default:
		t.Error("the private runner still runs after F")
	}
	if !strings.Contains(m.View(), "following the presenter") {
		t.Error("no banner after F")
	}
}

// The presenter's screen says so, with the server's note.
func TestPresenterModeLine(t *testing.T) {
	r := startRunner(t, paper(sim.GF, sim.SGF))
	m := New(r, Options{Renderer: renderer(termenv.Ascii), Status: func() string { return "3 following" }})
	press(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	if v := m.View(); !strings.Contains(v, "▶ presenting · 3 following") {
		t.Errorf("no presenter line:\n%s", v)
	}
}
