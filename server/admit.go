package server

import (
	"fmt"
	"net"
	"strings"

	"github.com/charmbracelet/ssh"
)

// refusal ends a session before the explorer starts: one line on stderr,
// exit status 1, and a log line.
func (s *Server) refusal(sess ssh.Session, reason, text string) {
	s.log.Warn("refused", "remote", sess.RemoteAddr(), "user", sess.User(), "reason", reason)
	fmt.Fprint(sess.Stderr(), "sgdbias: "+text+"\r\n")
	_ = sess.Exit(1)
}

// hostHint is how a student should connect, from the address the session
// came in on.
func hostHint(sess ssh.Session) string {
	if a, ok := sess.LocalAddr().(*net.TCPAddr); ok && a.Port != 22 {
		return fmt.Sprintf("ssh -p %d HOST", a.Port)
	}
	return "ssh HOST"
}

// refuse turns away exec requests and sessions without a terminal.
func (s *Server) refuse(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if cmd := sess.RawCommand(); cmd != "" {
			s.refusal(sess, "exec "+quoteCmd(cmd),
				"this server runs no commands, only the explorer; connect without one: "+hostHint(sess))
			return
		}
		if _, _, ok := sess.Pty(); !ok {
			s.refusal(sess, "no pty",
				"the explorer needs a terminal; connect from one with "+strings.Replace(hostHint(sess), "ssh", "ssh -t", 1))
			return
		}
		next(sess)
	}
}

func quoteCmd(c string) string {
	if len(c) > 40 {
		c = c[:40] + "…"
	}
	return fmt.Sprintf("%q", c)
}

// refuseSubsystem answers every subsystem request (sftp, …).
func (s *Server) refuseSubsystem(sess ssh.Session) {
	s.refusal(sess, "subsystem "+sess.Subsystem(), "no "+sess.Subsystem()+" here: this server only shows the explorer")
}

// admit applies the shutdown, the address's throttle and the session
// limit; a presenter is never turned away by the last two (the places
// kept for presenters are the connections beyond --max-sessions).
func (s *Server) admit(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if s.closing.Load() {
			s.refusal(sess, "shutting down", "the server is shutting down")
			return
		}
		if s.access.isPresenter(sess.PublicKey()) {
			s.active.Add(1)
			defer s.active.Add(-1)
			next(sess)
			return
		}
		if c := connOf(sess.Context()); c != nil && c.throttled {
			s.refusal(sess, "too many connections from this address",
				"too many connections from your address just now; wait a minute and try again")
			return
		}
		if n := s.students.Add(1); n > int64(s.cfg.MaxSessions) {
			s.students.Add(-1)
			s.refusal(sess, "full", fmt.Sprintf("the server is full (%d sessions); try again in a few minutes", s.cfg.MaxSessions))
			return
		}
		s.active.Add(1)
		defer s.active.Add(-1)
		defer s.students.Add(-1)
		next(sess)
	}
}

// track runs around everything a session does: while it runs, its
// connection's clock is stopped (see conn).
func (s *Server) track(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if c := connOf(sess.Context()); c != nil {
			c.sessionStarted()
			defer c.sessionEnded()
		}
		next(sess)
	}
}
