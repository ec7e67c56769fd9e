package server

import (
	"context"
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish/bubbletea"

	"sgdbias/sim/live"
	"sgdbias/ui"
)

// explorer runs the session's explorer (in place of wish's bubbletea
// middleware, which hands each window change to the program from the
// goroutine that reads them, and so waits on the program's rendering):
// window changes are read latest-wins from the session's channel filter
// and delivered by a goroutine of their own, clamped to MaxWidth×MaxHeight.
func (s *Server) explorer(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		p, st := s.program(sess)
		if p == nil {
			next(sess)
			return
		}
		go st.resizes(p)
		if _, err := p.Run(); err != nil && st.reason.Load() == nil && sess.Context().Err() == nil {
			s.log.Debug("explorer ended", "session", st.id, "err", err)
		}
		p.Kill()
		next(sess)
	}
}

// program builds the session's explorer.
func (s *Server) program(sess ssh.Session) (*tea.Program, *session) {
	s.mu.Lock()
	st := s.bySSH[sess] // not the connection's context: it is shared by the connection's sessions
	s.mu.Unlock()
	if st == nil {
		return nil, nil
	}
	st.in = newInput(sess, st.ctx.Done())
	// The renderer asks the terminal for its background; a terminal that
	// does not answer within a second is taken as dark, and what was typed
	// meanwhile is kept for the explorer.
	st.in.startQuery(time.Now().Add(time.Second))
	r := bubbletea.MakeRenderer(querySession{Session: sess, in: st.in})
	st.in.endQuery()

	opt := ui.Options{Renderer: r, LogTime: s.cfg.LogTime, FrameInterval: s.FrameInterval}
	if s.cfg.ExportDir == "" {
		opt.NoExport = "export and save are off on this server (the lecturer can allow them)"
	} else {
		opt.Files = s.exportFolder(st)
	}
	var eng ui.Engine
	switch st.role {
	case rolePresenter:
		eng = s.stage.runner
		s.stage.presenters.Add(1)
		context.AfterFunc(st.ctx, func() { s.stage.presenters.Add(-1) })
		opt.Status = func() string { return s.followCounts() + " · m: message · B: bring all back" }
		opt.FrameInterval = nil // the presenter's screen is never thinned
	case roleFollower:
		opt.Stage = follower{st: s.stage, sess: st}
		st.following.Store(true)
		opt.Status = s.followerStatus
	default:
		runner, err := live.Start(s.cfg.Scenario, s.runnerOptions())
		if err != nil {
			s.log.Error("cannot start the simulation", "session", st.id, "err", err)
			fmt.Fprint(sess.Stderr(), "sgdbias: the simulation could not start: "+err.Error()+"\r\n")
			return nil, nil
		}
		if !st.adopt(runner) {
			runner.Stop()
			return nil, nil
		}
		eng = runner
	}
	m := &model{Model: ui.New(eng, opt), st: st}
	if pty, _, ok := sess.Pty(); ok {
		m.resize(pty.Window.Width, pty.Window.Height)
	}

	// The program's context ends a second after the session's, so that the
	// Quit below ends it cleanly first; the context is a backstop.
	pctx, pcancel := context.WithCancel(context.Background())
	context.AfterFunc(st.ctx, func() { time.AfterFunc(time.Second, pcancel) })
	p := tea.NewProgram(m,
		tea.WithInput(st.in), tea.WithOutput(sess),
		tea.WithAltScreen(), tea.WithFPS(s.cfg.FPS),
		tea.WithContext(pctx), tea.WithoutSignalHandler(),
	)
	context.AfterFunc(st.ctx, p.Quit)
	st.prog.Store(p)
	if r := st.reason.Load(); r != nil { // ended while starting
		go p.Send(endMsg{reason: *r})
	}
	go st.watch()
	if st.role == roleFollower {
		go st.forward(p)
	}
	return p, st
}

// followCounts is the presenter's note on who follows.
func (s *Server) followCounts() string {
	following, own := 0, 0
	s.mu.Lock()
	for st := range s.sessions {
		if st.role != roleFollower {
			continue
		}
		if st.following.Load() {
			following++
		} else {
			own++
		}
	}
	s.mu.Unlock()
	return fmt.Sprintf("%d following · %d on their own copy", following, own)
}

// resizes delivers the latest window size to the explorer, at most once a
// frame interval: a flood of window changes costs one layout a frame.
func (st *session) resizes(p *tea.Program) {
	win := sessionWinsize(st.sess)
	if win == nil {
		return
	}
	for {
		select {
		case <-st.ctx.Done():
			return
		case <-win.changed:
		}
		w, h, _ := win.load()
		p.Send(sizeMsg{w: w, h: h}) // returns when taken or when the program ends
		select {
		case <-st.ctx.Done():
			return
		case <-time.After(st.srv.FrameInterval()):
		}
	}
}

// forward turns the stage's pokes into refreshes of a follower's screen, at
// most one per frame interval, while it follows.
func (st *session) forward(p *tea.Program) {
	sub := st.srv.stage.subscribe()
	defer st.srv.stage.unsubscribe(sub)
	for {
		select {
		case <-st.ctx.Done():
			return
		case <-sub:
		}
		if !st.following.Load() {
			continue
		}
		p.Send(ui.Refresh()) // returns when taken or when the program ends
		select {
		case <-st.ctx.Done():
			return
		case <-time.After(st.srv.FrameInterval()):
		}
	}
}

// model is the explorer with what the server adds: key presses reset the
// idle clock, the terminal's size is clamped, and the server can end the
// session.
type model struct {
	*ui.Model
	st     *session
	ending bool
	said   [2]int // the clamped size last said on the screen
	typing []rune // the presenter's message being typed (nil: not typing)
}

type (
	quitMsg struct{}
	// sizeMsg is a window change as the client sent it.
	sizeMsg struct{ w, h int }
)

// resize lays the explorer out for a w×h terminal, clamped, and says so
// on the screen when it is.
func (m *model) resize(w, h int) {
	cw, ch, clamped := clampSize(w, h)
	m.Model.Update(tea.WindowSizeMsg{Width: cw, Height: ch})
	if clamped && m.said != [2]int{w, h} {
		m.Model.Update(ui.NoticeMsg{Text: fmt.Sprintf("this terminal is %d×%d; sgdbias draws at most %d×%d", w, h, MaxWidth, MaxHeight), IsErr: true})
		m.said = [2]int{w, h}
	}
}

func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		m.st.lastKey.Store(time.Now().UnixNano())
		if m.ending {
			return m, nil
		}
		if m.st.role == rolePresenter {
			if cmd, done := m.presenterKey(msg); done {
				return m, cmd
			}
			_, cmd := m.Model.Update(msg)
			m.st.srv.stage.setSelected(m.Model.Selected())
			return m, cmd
		}
	case followMsg:
		if cmd := m.Model.Follow(); cmd != nil {
			m.Model.Update(ui.NoticeMsg{Text: "the presenter brought everyone back to the stage"})
			return m, cmd
		}
		return m, nil
	case sizeMsg:
		m.resize(msg.w, msg.h)
		return m, nil
	case tea.WindowSizeMsg: // only the server's sizes count
		return m, nil
	case endMsg:
		if m.ending {
			return m, nil
		}
		m.ending = true
		if msg.notice {
			m.Model.Update(ui.NoticeMsg{Text: msg.reason + " — goodbye", IsErr: true})
			return m, tea.Tick(time.Second, func(time.Time) tea.Msg { return quitMsg{} })
		}
		return m, tea.Quit
	case quitMsg:
		return m, tea.Quit
	}
	_, cmd := m.Model.Update(msg)
	return m, cmd
}
