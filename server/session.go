package server

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish/bubbletea"

	"sgdbias/sim/live"
	"sgdbias/ui"
)

// session is one SSH session's explorer and what it owns.
type session struct {
	srv    *Server
	sess   ssh.Session
	id     uint64
	remote string
	role   string // "presenter", "follower" or "private"
	start  time.Time
	ctx    context.Context // ends with the session
	cancel context.CancelFunc

	lastKey   atomic.Int64 // unix nanoseconds of the last key press
	following atomic.Bool
	prog      atomic.Pointer[tea.Program]
	reason    atomic.Pointer[string] // why the server ended the session
	in        *input

	mu      sync.Mutex
	ended   bool
	runners map[*live.Runner]struct{} // private runner and forks, stopped at the end
}

const (
	rolePresenter = "presenter"
	roleFollower  = "follower"
	rolePrivate   = "private"
)

// scope is the session's lifetime around the explorer: it registers the
// session, and when the explorer ends stops its runners, says why the
// server ended it (if it did) and logs the disconnect.
func (s *Server) scope(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		st := &session{srv: s, sess: sess, id: s.nextID.Add(1), remote: sess.RemoteAddr().String(),
			start: time.Now(), runners: map[*live.Runner]struct{}{}}
		st.ctx, st.cancel = context.WithCancel(sess.Context())
		st.lastKey.Store(st.start.UnixNano())
		switch {
		case s.access.isPresenter(sess.PublicKey()):
			st.role = rolePresenter
		case s.stage != nil:
			st.role = roleFollower
		default:
			st.role = rolePrivate
		}
		s.mu.Lock()
		s.sessions[st] = struct{}{}
		s.bySSH[sess] = st
		s.mu.Unlock()
		pty, _, _ := sess.Pty()
		s.log.Info("connect", "session", st.id, "remote", st.remote, "user", sess.User(), "role", st.role,
			"term", pty.Term, "size", fmt.Sprintf("%dx%d", pty.Window.Width, pty.Window.Height), "sessions", s.active.Load())

		next(sess) // the explorer runs here

		st.finish()
		reason := "quit"
		if r := st.reason.Load(); r != nil {
			reason = *r
			fmt.Fprint(sess, "sgdbias: "+reason+"\r\n")
		} else if sess.Context().Err() != nil {
			reason = "connection closed"
		}
		s.log.Info("disconnect", "session", st.id, "remote", st.remote, "role", st.role,
			"duration", time.Since(st.start).Round(time.Second), "reason", reason)
		s.mu.Lock()
		delete(s.sessions, st)
		delete(s.bySSH, sess)
		s.idle.Broadcast()
		s.mu.Unlock()
	}
}

// finish stops everything the session started.
func (st *session) finish() {
	st.mu.Lock()
	st.ended = true
	runners := st.runners
	st.runners = nil
	st.mu.Unlock()
	st.cancel()
	for r := range runners {
		r.Stop()
	}
}

// adopt makes the session own r (stopped when it ends); false when the
// session has already ended.
func (st *session) adopt(r *live.Runner) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.ended {
		return false
	}
	st.runners[r] = struct{}{}
	return true
}

// owned lists the runners the session owns now.
func (st *session) owned() []*live.Runner {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []*live.Runner
	for r := range st.runners {
		out = append(out, r)
	}
	return out
}

// release stops a runner the session owns.
func (st *session) release(r *live.Runner) {
	st.mu.Lock()
	delete(st.runners, r)
	st.mu.Unlock()
	r.Stop()
}

// endMsg makes the explorer quit for a reason of the server's.
type endMsg struct {
	reason string
	notice bool // show the reason on the screen for a moment first
}

// end asks the explorer to quit; the reason is printed once it has.
func (st *session) end(reason string, notice bool) {
	if !st.reason.CompareAndSwap(nil, &reason) {
		return
	}
	if p := st.prog.Load(); p != nil {
		go p.Send(endMsg{reason: reason, notice: notice}) // returns when the program takes it or ends
	} else {
		st.cancel()
	}
}

// program builds the session's explorer (bubbletea.ProgramHandler).
func (s *Server) program(sess ssh.Session) *tea.Program {
	s.mu.Lock()
	st := s.bySSH[sess] // not the connection's context: it is shared by the connection's sessions
	s.mu.Unlock()
	if st == nil {
		return nil
	}
	st.in = newInput(sess, st.ctx.Done())
	// The renderer asks the terminal for its background; a terminal that
	// does not answer within a second is taken as dark.
	st.in.deadline(time.Now().Add(time.Second))
	r := bubbletea.MakeRenderer(querySession{Session: sess, in: st.in})
	st.in.deadline(time.Time{})

	opt := ui.Options{Renderer: r, LogTime: s.cfg.LogTime, FrameInterval: s.FrameInterval}
	if s.cfg.ExportDir == "" {
		opt.NoExport = "export and save are off on this server (the lecturer can allow them)"
	} else {
		opt.ExportDir, opt.Confine = s.cfg.ExportDir, true
	}
	var eng ui.Engine
	switch st.role {
	case rolePresenter:
		eng = s.stage.runner
		s.stage.presenters.Add(1)
		context.AfterFunc(st.ctx, func() { s.stage.presenters.Add(-1) })
		opt.Status = func() string { return plural(s.stage.followers(), "session follows", "sessions follow") }
	case roleFollower:
		opt.Stage = follower{st: s.stage, sess: st}
		st.following.Store(true)
		opt.Status = func() string {
			if s.stage.presenters.Load() == 0 {
				return "presenter offline"
			}
			return ""
		}
	default:
		runner, err := live.Start(s.cfg.Scenario, s.runnerOptions())
		if err != nil {
			s.log.Error("cannot start the simulation", "session", st.id, "err", err)
			fmt.Fprint(sess.Stderr(), "sgdbias: the simulation could not start: "+err.Error()+"\r\n")
			return nil
		}
		if !st.adopt(runner) {
			runner.Stop()
			return nil
		}
		eng = runner
	}
	m := &model{Model: ui.New(eng, opt), st: st}
	if pty, _, ok := sess.Pty(); ok {
		m.Model.Update(tea.WindowSizeMsg{Width: pty.Window.Width, Height: pty.Window.Height})
	}

	// The program's context ends a second after the session's, so that the
	// middleware's Quit ends it cleanly first; the context is a backstop.
	pctx, pcancel := context.WithCancel(context.Background())
	context.AfterFunc(st.ctx, func() { time.AfterFunc(time.Second, pcancel) })
	p := tea.NewProgram(m,
		tea.WithInput(st.in), tea.WithOutput(sess),
		tea.WithAltScreen(), tea.WithFPS(s.cfg.FPS),
		tea.WithContext(pctx), tea.WithoutSignalHandler(),
	)
	st.prog.Store(p)
	if r := st.reason.Load(); r != nil { // ended while starting
		go p.Send(endMsg{reason: *r})
	}
	go st.watch()
	if st.role == roleFollower {
		go st.forward(p)
	}
	return p
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// watch ends the session after IdleTimeout without a key press or after
// MaxDuration.
func (st *session) watch() {
	cfg := st.srv.cfg
	every := time.Second
	if cfg.IdleTimeout > 0 {
		every = min(every, max(cfg.IdleTimeout/10, 10*time.Millisecond))
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-st.ctx.Done():
			return
		case now := <-t.C:
			if cfg.IdleTimeout > 0 && st.role != rolePresenter && now.Sub(time.Unix(0, st.lastKey.Load())) >= cfg.IdleTimeout {
				st.end(fmt.Sprintf("session closed after %s without a key press", roundDuration(cfg.IdleTimeout)), false)
				return
			}
			if cfg.MaxDuration > 0 && now.Sub(st.start) >= cfg.MaxDuration {
				st.end(fmt.Sprintf("session closed: the longest a session may last is %s", roundDuration(cfg.MaxDuration)), false)
				return
			}
		}
	}
}

func roundDuration(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%d h", d/time.Hour)
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%d min", d/time.Minute)
	}
	return d.Round(10 * time.Millisecond).String()
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
// idle clock, and the server can end the session.
type model struct {
	*ui.Model
	st     *session
	ending bool
}

type quitMsg struct{}

func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		m.st.lastKey.Store(time.Now().UnixNano())
		if m.ending {
			return m, nil
		}
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
