package sim

import "testing"

// A job handed to the helper and the results it writes are seen in order
// by both goroutines, over many hand-offs with every mix of polling and
// parking (spin limits 0, 1 and some): the race detector checks the
// ordering, the counts check that no hand-off is lost or doubled.
func TestGDSignalHandsOff(t *testing.T) {
	for _, spin := range []int{0, 1, 100} {
		h := &gdHelper{posted: newGDSignal(), done: newGDSignal(), ended: make(chan struct{}), spin: spin}
		go h.loop()
		var c counter
		for k := range 2000 {
			h.start(&c)
			h.finish()
			if c.n != k+1 {
				t.Fatalf("spin %d: after %d hand-offs the job ran %d times", spin, k+1, c.n)
			}
		}
		h.quit.Store(true)
		h.posted.post()
		<-h.ended
	}
}

type counter struct{ n int }

func (c *counter) run() { c.n++ }
