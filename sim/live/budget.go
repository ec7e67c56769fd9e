package live

import (
	"runtime"
	"sync"
	"time"
)

// Budget shares the machine between many runners (one per SSH session of a
// lecture): a runner takes a slot before each chunk of steps, and its solver
// worker before each theory solve, and gives it back right after. At most
// Slots chunks run at once; runners waiting for a slot are served first
// come, first served, so that a runner going flat out gets one chunk (about
// 4 ms of work) per turn and a paced runner that needs a chunk now and then
// waits at most one round. Commands are applied and snapshots published
// while a runner waits, so a session stays responsive whatever the load.
//
// A nil *Budget admits every chunk at once (the local explorer).
type Budget struct {
	mu    sync.Mutex
	clock Clock
	slots int
	used  int
	queue []*Grant

	grants   uint64
	waited   time.Duration
	maxQueue int
}

// NewBudget returns a budget of slots concurrent chunks; slots ≤ 0 means
// one less than GOMAXPROCS (at least one), leaving a core for the sessions'
// rendering and SSH.
func NewBudget(slots int) *Budget {
	return NewBudgetClock(slots, SystemClock{})
}

// NewBudgetClock is NewBudget with the clock that times the waits (a fake
// one in tests).
func NewBudgetClock(slots int, c Clock) *Budget {
	if slots <= 0 {
		slots = max(1, runtime.GOMAXPROCS(0)-1)
	}
	return &Budget{slots: slots, clock: c}
}

// Clock tells the time; a Budget times the waits for its slots with it.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now is time.Now.
func (SystemClock) Now() time.Time { return time.Now() }

// Slots is the number of chunks that may run at once.
func (b *Budget) Slots() int {
	if b == nil {
		return 0
	}
	return b.slots
}

// Grant is one request for a slot: Ready is closed once the slot is held;
// Release gives it back (or withdraws the request). A Grant is used by one
// goroutine.
type Grant struct {
	b       *Budget
	ready   chan struct{}
	asked   time.Time
	granted bool
	done    bool
}

// admitted returns a channel that is already closed: a slot granted at once.
func admitted() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

// Request queues a request for a slot.
func (b *Budget) Request() *Grant {
	if b == nil {
		return &Grant{ready: admitted()}
	}
	g := &Grant{b: b, ready: make(chan struct{}), asked: b.clock.Now()}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used < b.slots && len(b.queue) == 0 {
		b.grant(g)
	} else {
		b.queue = append(b.queue, g)
		b.maxQueue = max(b.maxQueue, len(b.queue))
	}
	return g
}

// grant hands g a slot; b.mu is held.
func (b *Budget) grant(g *Grant) {
	b.used++
	b.grants++
	b.waited += b.clock.Now().Sub(g.asked)
	g.granted = true
	close(g.ready)
}

// Ready is closed once the slot is held.
func (g *Grant) Ready() <-chan struct{} { return g.ready }

// Release gives the slot back, or withdraws a request not yet served. It is
// idempotent.
func (g *Grant) Release() {
	b := g.b
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if g.done {
		return
	}
	g.done = true
	if !g.granted {
		for i, q := range b.queue {
			if q == g {
				b.queue = append(b.queue[:i], b.queue[i+1:]...)
				break
			}
		}
		return
	}
	b.used--
	for b.used < b.slots && len(b.queue) > 0 {
		next := b.queue[0]
		b.queue[0] = nil
		b.queue = b.queue[1:]
		b.grant(next)
	}
}

// Acquire waits for a slot; it returns nil when stop is closed first.
func (b *Budget) Acquire(stop <-chan struct{}) *Grant {
	g := b.Request()
	select {
	case <-g.Ready():
		return g
	case <-stop:
		g.Release()
		// The slot may have been granted in between: Release returned it.
		return nil
	}
}

// BudgetStats describe a budget's use so far.
type BudgetStats struct {
	Slots    int
	Running  int           // slots held now
	Waiting  int           // requests queued now
	MaxQueue int           // longest queue seen
	Grants   uint64        // slots handed out
	MeanWait time.Duration // mean wait for a slot
}

// Stats returns the budget's counters.
func (b *Budget) Stats() BudgetStats {
	if b == nil {
		return BudgetStats{}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s := BudgetStats{Slots: b.slots, Running: b.used, Waiting: len(b.queue), MaxQueue: b.maxQueue, Grants: b.grants}
	if b.grants > 0 {
		s.MeanWait = b.waited / time.Duration(b.grants)
	}
	return s
}
