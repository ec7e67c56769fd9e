package server

import (
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
	lru "github.com/hashicorp/golang-lru/v2"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"
)

// Connections, from the TCP accept to the close. Every one is counted
// (--max-connections), whatever it does, and every one without an open
// session is on a clock: the handshake and the first session must come
// within SessionOpenTimeout, and so must the next session after the last
// one closed, so that a silent TCP connection or an `ssh -N` login holds
// nothing for long. Each is logged when the server closes it.
//
// New connections from one address draw from a token bucket sized for a
// class behind one NAT (ConnBurst at once, ConnRate a second after that).
// A connection beyond it is not turned away before the handshake, since
// only then is a presenter's key known: it is marked throttled, a
// presenter key still gets in with it, anyone else is told to wait, and at
// most throttledPerHost throttled connections of an address may be in
// their handshake at once (a newer one closes the oldest). When the total
// is reached, a new connection closes the oldest one still in its
// handshake, or is refused if there is none.

const throttledPerHost = 16

type connKey struct{}

// conn is one TCP connection.
type conn struct {
	net.Conn
	table     *connTable
	host      string
	ctx       ssh.Context
	throttled bool
	start     time.Time

	mu       sync.Mutex
	chans    int  // session channels open
	sessions int  // explorers (or refusals) running
	closed   bool // by the server
	reason   string
	timer    *time.Timer
	alive    sync.Once // starts the keepalives
	done     chan struct{}
}

func connOf(ctx ssh.Context) *conn {
	c, _ := ctx.Value(connKey{}).(*conn)
	return c
}

// loggedIn reports whether the handshake and authentication are over.
func (c *conn) loggedIn() bool { return c.ctx.Value(ssh.ContextKeyConn) != nil }

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.mu.Lock()
	if c.timer != nil {
		c.timer.Stop()
	}
	gone := c.done != nil
	if gone {
		close(c.done)
		c.done = nil
	}
	c.mu.Unlock()
	if gone {
		c.table.remove(c)
	}
	return err
}

// cut closes the connection for a reason of the server's (logged).
func (c *conn) cut(reason string) {
	c.mu.Lock()
	if c.closed || c.done == nil {
		c.mu.Unlock()
		return
	}
	c.closed, c.reason = true, reason
	c.mu.Unlock()
	if c.loggedIn() {
		c.table.logf("connection closed", "remote", c.RemoteAddr(), "user", c.ctx.User(), "reason", reason,
			"after", time.Since(c.start).Round(100*time.Millisecond))
	} else { // before the login: a flood of them is one line a second
		c.table.note("connection closed", reason, c.host)
	}
	c.Close()
}

// arm starts the clock of a connection without a session.
func (c *conn) arm() {
	d := c.table.cfg.SessionOpenTimeout
	if d <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer != nil {
		c.timer.Stop()
	}
	c.timer = time.AfterFunc(d, func() {
		c.mu.Lock()
		idle := c.sessions == 0
		c.mu.Unlock()
		if !idle {
			return
		}
		switch {
		case !c.loggedIn():
			c.cut(fmt.Sprintf("no login within %s", roundDuration(d)))
		default:
			c.cut(fmt.Sprintf("no session opened within %s (ssh -N?)", roundDuration(d)))
		}
	})
}

func (c *conn) openChannel() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.chans >= maxSessionChans {
		return false
	}
	c.chans++
	return true
}

func (c *conn) closeChannel() {
	c.mu.Lock()
	c.chans--
	c.mu.Unlock()
}

// sessionStarted stops the clock and starts the keepalives.
func (c *conn) sessionStarted() {
	c.mu.Lock()
	c.sessions++
	if c.timer != nil {
		c.timer.Stop()
	}
	done := c.done
	c.mu.Unlock()
	if sc, ok := c.ctx.Value(ssh.ContextKeyConn).(*gossh.ServerConn); ok && done != nil {
		c.alive.Do(func() { go c.keepalive(sc, done) })
	}
}

// sessionEnded restarts the clock after the last session.
func (c *conn) sessionEnded() {
	c.mu.Lock()
	c.sessions--
	last := c.sessions == 0
	c.mu.Unlock()
	if last {
		c.arm()
	}
}

// keepalive asks the client for an answer every KeepaliveInterval and
// closes the connection after KeepaliveCount intervals without one: a
// client that vanished (a laptop closed, a network gone) frees its place,
// and so does a connection too stuck to read its answers.
func (c *conn) keepalive(sc *gossh.ServerConn, done <-chan struct{}) {
	every, count := c.table.cfg.KeepaliveInterval, c.table.cfg.KeepaliveCount
	if every <= 0 {
		return
	}
	for {
		select {
		case <-done:
			return
		case <-time.After(every):
		}
		answer := make(chan error, 1)
		go func() {
			_, _, err := sc.SendRequest("keepalive@openssh.com", true, nil) // a refusal is an answer
			answer <- err
		}()
		select {
		case err := <-answer:
			if err != nil {
				return
			}
		case <-time.After(every * time.Duration(count)):
			c.cut(fmt.Sprintf("no answer to keepalives for %s", roundDuration(every*time.Duration(count))))
			return
		case <-done:
			return
		}
	}
}

// connTable is every connection open.
type connTable struct {
	cfg  *Config
	logf func(msg string, kv ...any)
	now  func() time.Time

	mu      sync.Mutex
	conns   map[*conn]struct{}
	buckets *lru.Cache[string, *rate.Limiter]
	refused refusalLog
}

func newConnTable(cfg *Config, logf func(string, ...any)) *connTable {
	b, _ := lru.New[string, *rate.Limiter](4096) // fails only for a size ≤ 0
	return &connTable{cfg: cfg, logf: logf, now: time.Now, conns: map[*conn]struct{}{}, buckets: b}
}

func hostOf(a net.Addr) string {
	h := a.String()
	if x, _, err := net.SplitHostPort(h); err == nil {
		h = x
	}
	return h
}

// accept registers a new connection, or returns nil to refuse it.
func (t *connTable) accept(ctx ssh.Context, nc net.Conn) *conn {
	host := hostOf(nc.RemoteAddr())
	c := &conn{Conn: nc, table: t, host: host, ctx: ctx, start: time.Now(), done: make(chan struct{})}
	var evict []*conn
	t.mu.Lock()
	c.throttled = !t.allow(host)
	if c.throttled {
		if old := t.oldestInHandshake(host, true, throttledPerHost); old != nil {
			delete(t.conns, old)
			evict = append(evict, old)
		}
	}
	if len(t.conns) >= t.cfg.MaxConnections {
		old := t.oldestInHandshake("", false, 1)
		if old == nil {
			t.refused.note(t.logf, "refused", "the server is at its connection limit", host)
			t.mu.Unlock()
			cutAll(evict, "replaced by a newer connection from the same address")
			return nil
		}
		delete(t.conns, old)
		evict = append(evict, old)
	}
	t.conns[c] = struct{}{}
	t.mu.Unlock()
	cutAll(evict, "replaced by a newer connection before it logged in")
	ctx.SetValue(connKey{}, c)
	c.arm()
	return c
}

// allow draws a token from host's bucket (t.mu held).
func (t *connTable) allow(host string) bool {
	if t.cfg.ConnRate <= 0 {
		return true
	}
	b, ok := t.buckets.Get(host)
	if !ok {
		b = rate.NewLimiter(rate.Limit(t.cfg.ConnRate), t.cfg.ConnBurst)
		t.buckets.Add(host, b)
	}
	return b.AllowN(t.now(), 1)
}

func cutAll(cs []*conn, reason string) {
	for _, c := range cs {
		c.cut(reason)
	}
}

// oldestInHandshake is the oldest connection not yet logged in (of host
// and throttled, when asked), if at least atLeast of them are open.
func (t *connTable) oldestInHandshake(host string, throttled bool, atLeast int) *conn {
	var oldest *conn
	n := 0
	for c := range t.conns {
		if (host != "" && c.host != host) || (throttled && !c.throttled) || c.loggedIn() {
			continue
		}
		n++
		if oldest == nil || c.start.Before(oldest.start) {
			oldest = c
		}
	}
	if n < atLeast {
		return nil
	}
	return oldest
}

func (t *connTable) remove(c *conn) {
	t.mu.Lock()
	delete(t.conns, c)
	t.mu.Unlock()
}

// count is the number of connections open.
func (t *connTable) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.conns)
}

// all lists the connections open.
func (t *connTable) all() []*conn {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]*conn, 0, len(t.conns))
	for c := range t.conns {
		out = append(out, c)
	}
	return out
}

// note logs a refusal or a closing before the login (see refusalLog).
func (t *connTable) note(msg, reason, host string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.refused.note(t.logf, msg, reason, host)
}

// refusalLog logs refusals and closings before the login at most once a
// second, with the number left out, so that a flood does not flood the
// log.
type refusalLog struct {
	last       time.Time
	suppressed int
}

func (r *refusalLog) note(logf func(string, ...any), msg, reason, host string) {
	now := time.Now()
	if now.Sub(r.last) < time.Second {
		r.suppressed++
		return
	}
	if r.suppressed > 0 {
		logf(msg, "remote", host, "reason", reason, "and", fmt.Sprintf("%d more since the last such line", r.suppressed))
	} else {
		logf(msg, "remote", host, "reason", reason)
	}
	r.last, r.suppressed = now, 0
}
