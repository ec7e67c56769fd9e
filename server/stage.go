package server

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"sgdbias/sim/live"
	"sgdbias/ui"
)

// stage is the presenter's simulation: one runner that presenter sessions
// drive and every other session follows. Its goroutine waits for each new
// snapshot and pokes every follower through a one-slot channel that keeps
// only the latest poke, so a slow or dead follower never holds anything
// up; a follower that leaves unsubscribes. Followers read the snapshot
// itself from the runner (an atomic pointer to an immutable value), each
// rendering it with its own renderer, size and layout.
type stage struct {
	runner     *live.Runner
	mu         sync.Mutex
	subs       map[chan struct{}]struct{}
	presenters atomic.Int32
	selected   atomic.Pointer[string] // the presenter's selected parameter
	msg        atomic.Pointer[string] // the presenter's message to the room
	done       chan struct{}
	finished   chan struct{}
}

func newStage(sc live.Scenario, opt live.Options) (*stage, error) {
	r, err := live.Start(sc, opt)
	if err != nil {
		return nil, err
	}
	s := &stage{runner: r, subs: map[chan struct{}]struct{}{}, done: make(chan struct{}), finished: make(chan struct{})}
	go s.run()
	return s, nil
}

func (s *stage) run() {
	defer close(s.finished)
	for {
		ch := s.runner.Changed()
		select {
		case <-ch:
			s.fanOut()
		case <-s.done:
			return
		case <-s.runner.Done():
			return
		}
	}
}

// fanOut pokes every follower without waiting for any.
func (s *stage) fanOut() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.subs {
		select {
		case c <- struct{}{}:
		default: // already poked: it will read the latest snapshot anyway
		}
	}
}

// setSelected records the presenter's selected parameter. Followers are
// not poked: their next tick redraws the mode line anyway, and a poke would
// make the whole room redraw at once on every tab of the presenter's.
func (s *stage) setSelected(name string) {
	if old := s.selected.Load(); old != nil && *old == name {
		return
	}
	s.selected.Store(&name)
}

func (s *stage) selectedParam() string {
	if p := s.selected.Load(); p != nil {
		return *p
	}
	return "γ"
}

// setMessage sets the presenter's message to the room (empty: none),
// shown at the followers' next tick.
func (s *stage) setMessage(text string) {
	s.msg.Store(&text)
}

func (s *stage) message() string {
	if p := s.msg.Load(); p != nil {
		return *p
	}
	return ""
}

func (s *stage) subscribe() chan struct{} {
	c := make(chan struct{}, 1)
	s.mu.Lock()
	s.subs[c] = struct{}{}
	s.mu.Unlock()
	return c
}

func (s *stage) unsubscribe(c chan struct{}) {
	s.mu.Lock()
	delete(s.subs, c)
	s.mu.Unlock()
}

// followers is the number of sessions subscribed.
func (s *stage) followers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.subs)
}

func (s *stage) close() {
	close(s.done)
	<-s.finished
	s.runner.Stop()
}

// follower is a viewer's handle on the stage (ui.Stage): it reads the
// stage's snapshots, sends nothing, and forks private runners that the
// session stops when it ends.
type follower struct {
	st   *stage
	sess *session
}

var _ ui.Stage = follower{}

func (f follower) Snapshot() *live.Snapshot { return f.st.runner.Snapshot() }
func (f follower) Send(live.Command) bool   { return false }

// Fork starts a private runner from the stage's current state and
// parameters (replaying its runs; see live.Checkpoint) on the server's
// shared step budget.
func (f follower) Fork() (ui.Engine, error) {
	ctx := f.sess.ctx
	cp, err := f.st.runner.Checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	r, err := live.StartFrom(ctx, cp, f.sess.srv.runnerOptions())
	if err != nil {
		if errors.Is(err, context.Canceled) {
			err = errors.New("the session ended")
		}
		return nil, err
	}
	if !f.sess.adopt(r) {
		r.Stop()
		return nil, errors.New("the session ended")
	}
	f.sess.following.Store(false)
	f.sess.srv.log.Info("fork", "session", f.sess.id, "remote", f.sess.remote, "t", fmt.Sprintf("%.3g", cp.Time()), "steps", cp.Steps())
	return r, nil
}

// Drop stops a private runner made by Fork.
func (f follower) Drop(e ui.Engine) {
	if r, ok := e.(*live.Runner); ok {
		f.sess.release(r)
	}
	f.sess.following.Store(true)
}
