package server

import (
	"net"
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// connLimiter limits new TCP connections per remote IP, before the SSH
// handshake. The session limiter (wish's ratelimiter in admit) answers a
// student politely, but it only sees connections that authenticated and
// opened a session; this one also counts failed logins and bare TCP
// connections, at twice the session rate so that an honest client never
// meets it first. wish has no connection-level limiter, hence this one; the
// per-IP table is an LRU so it stays bounded.
type connLimiter struct {
	mu       sync.Mutex
	limit    rate.Limit
	burst    int
	limiters *lru.Cache[string, *rate.Limiter]
}

func newConnLimiter(perSecond float64, burst int) *connLimiter {
	cache, _ := lru.New[string, *rate.Limiter](4096) // only fails for a size ≤ 0
	return &connLimiter{limit: rate.Limit(2 * perSecond), burst: 2 * burst, limiters: cache}
}

// allow reports whether a new connection from addr may proceed.
func (c *connLimiter) allow(addr net.Addr) bool {
	host := addr.String()
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.limiters.Get(host)
	if !ok {
		l = rate.NewLimiter(c.limit, c.burst)
		c.limiters.Add(host, l)
	}
	return l.Allow()
}
