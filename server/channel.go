package server

import (
	"encoding/binary"
	"sync"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Every session channel's requests pass through a filter before
// charmbracelet/ssh sees them, for three reasons:
//
//   - Window changes are taken here and kept latest-wins: charmbracelet/ssh
//     hands each one to a one-slot channel and blocks until it is read,
//     which blocks the connection's reader (x/crypto delivers a channel's
//     requests from the goroutine that reads the connection), so a client
//     flooding resizes while a large frame waited for its window stopped
//     its own bytes from being read, for good.
//   - Agent forwarding is refused (charmbracelet/ssh accepts it and ignores
//     it; the client would believe it works).
//   - The few requests passed on are bounded: env requests pile up in
//     memory otherwise, and a request that cannot be passed on at once is
//     refused rather than waited for.

// Largest terminal drawn: a bigger PTY is drawn at this size (the screen
// says so), so that one student's 8000×4000 terminal costs what a large
// one does.
const (
	MaxWidth  = 500
	MaxHeight = 200
)

const (
	maxEnvRequests  = 64
	maxSessionChans = 4 // session channels at once on one connection
)

// winsize is a channel's latest terminal size, latest wins.
type winsize struct {
	mu      sync.Mutex
	w, h    int // as the client sent it
	set     bool
	changed chan struct{} // one slot: poked at each change
}

func newWinsize() *winsize { return &winsize{changed: make(chan struct{}, 1)} }

func (z *winsize) store(w, h int) {
	z.mu.Lock()
	z.w, z.h, z.set = w, h, true
	z.mu.Unlock()
	select {
	case z.changed <- struct{}{}:
	default:
	}
}

// load is the latest size, false before any window change.
func (z *winsize) load() (w, h int, ok bool) {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.w, z.h, z.set
}

// clampSize bounds a terminal size to what the explorer draws.
func clampSize(w, h int) (int, int, bool) {
	cw, ch := min(max(w, 0), MaxWidth), min(max(h, 0), MaxHeight)
	return cw, ch, cw != w || ch != h
}

type winsizeKey struct{}

// channelContext is the connection's context as one session channel sees
// it: it also holds the channel's window sizes.
type channelContext struct {
	ssh.Context
	win *winsize
}

func (c channelContext) Value(key any) any {
	if key == (winsizeKey{}) {
		return c.win
	}
	return c.Context.Value(key)
}

// sessionWinsize is the window-size store of a session's channel.
func sessionWinsize(sess ssh.Session) *winsize {
	w, _ := sess.Context().Value(winsizeKey{}).(*winsize)
	return w
}

// sessionChannel is the server's "session" channel handler: the default
// one, behind the request filter.
func (s *Server) sessionChannel(srv *ssh.Server, conn *gossh.ServerConn, nc gossh.NewChannel, ctx ssh.Context) {
	c := connOf(ctx)
	if c != nil && !c.openChannel() {
		nc.Reject(gossh.ResourceShortage, "too many sessions on one connection")
		return
	}
	if c != nil {
		defer c.closeChannel()
	}
	win := newWinsize()
	ssh.DefaultSessionHandler(srv, conn, filteredChannel{NewChannel: nc, win: win, srv: s, ctx: ctx},
		channelContext{Context: ctx, win: win})
}

type filteredChannel struct {
	gossh.NewChannel
	win *winsize
	srv *Server
	ctx ssh.Context
}

func (f filteredChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := f.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request, 16)
	go f.filter(reqs, out)
	return ch, out, nil
}

// filter never blocks on what it passes on: the connection's reader waits
// for it.
func (f filteredChannel) filter(in <-chan *gossh.Request, out chan<- *gossh.Request) {
	defer close(out)
	envs, agentLogged := 0, false
	for req := range in {
		switch req.Type {
		case "window-change":
			if len(req.Payload) < 8 {
				req.Reply(false, nil)
				continue
			}
			f.win.store(int(binary.BigEndian.Uint32(req.Payload)), int(binary.BigEndian.Uint32(req.Payload[4:])))
			req.Reply(true, nil)
			continue
		case "auth-agent-req@openssh.com":
			if !agentLogged {
				agentLogged = true
				f.srv.log.Info("agent forwarding refused", "remote", f.ctx.RemoteAddr(), "user", f.ctx.User())
			}
			req.Reply(false, nil)
			continue
		case "env":
			if envs++; envs > maxEnvRequests {
				req.Reply(false, nil)
				continue
			}
		}
		select {
		case out <- req:
		default:
			req.Reply(false, nil)
		}
	}
}
