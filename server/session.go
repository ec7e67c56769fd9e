package server

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"

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
	over      atomic.Bool            // the explorer has returned
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

		st.over.Store(true)
		st.finish()
		reason := "quit"
		if r := st.reason.Load(); r != nil {
			reason = *r
			fmt.Fprint(sess.Stderr(), "sgdbias: "+reason+"\r\n")
			_ = sess.Exit(1) // the server ended it: the client's ssh says so too
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

// finish stops everything the session started. A runner that does not
// stop within stopWait is logged and left to stop on its own: the session
// and its place are freed anyway.
func (st *session) finish() {
	st.mu.Lock()
	st.ended = true
	runners := st.runners
	st.runners = nil
	st.mu.Unlock()
	st.cancel()
	for r := range runners {
		go r.Stop()
	}
	for r := range runners {
		select {
		case <-r.Done():
		case <-time.After(stopWait):
			st.srv.log.Error("a simulation did not stop", "session", st.id)
			return
		}
	}
}

// stopWait is how long the end of a session waits for its simulations,
// and cutWait how long an ending session may take before its connection is
// closed under it.
const (
	stopWait = 5 * time.Second
	cutWait  = 5 * time.Second
)

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

// end asks the explorer to quit; the reason is printed once it has. A
// session that has not ended cutWait later (its output stuck behind a
// client that reads nothing, say) has its connection closed under it.
func (st *session) end(reason string, notice bool) {
	if !st.reason.CompareAndSwap(nil, &reason) {
		return
	}
	if p := st.prog.Load(); p != nil {
		go p.Send(endMsg{reason: reason, notice: notice}) // returns when the program takes it or ends
	} else {
		st.cancel()
	}
	wait := cutWait
	if notice {
		wait += time.Second
	}
	time.AfterFunc(wait, st.cutIfStuck)
}

// cutIfStuck closes the connection of a session that did not end when
// told to.
func (st *session) cutIfStuck() {
	if st.over.Load() {
		return
	}
	st.srv.log.Warn("stuck session cut", "session", st.id, "remote", st.remote, "role", st.role, "reason", *st.reason.Load())
	if c := connOf(st.sess.Context()); c != nil {
		c.cut("session stuck after: " + *st.reason.Load())
	} else {
		st.sess.Close()
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// watch ends the session after MaxDuration, or after IdleTimeout without a
// key press once it has warned (a quarter of the timeout before, at most a
// minute; the warning stays on the screen at least half that long, however
// late a loaded machine checks); presenters and followers of the stage are
// never idle.
func (st *session) watch() {
	cfg := st.srv.cfg
	every := time.Second
	if cfg.IdleTimeout > 0 {
		every = min(every, max(cfg.IdleTimeout/20, 10*time.Millisecond))
	}
	warnAt := cfg.IdleTimeout - min(cfg.IdleTimeout/4, time.Minute)
	t := time.NewTicker(every)
	defer t.Stop()
	var warned int64 // the last key press warned about
	var warnedAt time.Time
	for {
		select {
		case <-st.ctx.Done():
			return
		case now := <-t.C:
			if cfg.MaxDuration > 0 && now.Sub(st.start) >= cfg.MaxDuration {
				st.end(fmt.Sprintf("session closed: the longest a session may last is %s", roundDuration(cfg.MaxDuration)), false)
				return
			}
			if cfg.IdleTimeout <= 0 || st.role == rolePresenter || st.following.Load() {
				continue
			}
			last := st.lastKey.Load()
			idle := now.Sub(time.Unix(0, last))
			switch {
			case idle >= cfg.IdleTimeout && warned == last && now.Sub(warnedAt) >= (cfg.IdleTimeout-warnAt)/2:
				st.end(fmt.Sprintf("session closed after %s without a key press", roundDuration(cfg.IdleTimeout)), false)
				return
			case idle >= warnAt && warned != last:
				warned, warnedAt = last, now
				st.notice(fmt.Sprintf("no key pressed for %s: this session closes in %s unless you press a key",
					roundDuration(idle.Round(time.Second/10)), roundDuration((cfg.IdleTimeout-idle).Round(time.Second/10))), true)
			}
		}
	}
}

// notice shows a line on the session's screen without waiting for it.
func (st *session) notice(text string, isErr bool) {
	if p := st.prog.Load(); p != nil {
		go p.Send(ui.NoticeMsg{Text: text, IsErr: isErr})
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
