package live

import (
	"testing"
	"time"
)

// pacedLoop is a loop whose clock runs at speed steps per second, far
// enough into its run that the log-spacing bound on chunks does not bind.
func pacedLoop(speed float64, epoch time.Time) *loop {
	l := &loop{}
	l.exp.params.Step = 0.08
	l.clock.t = 1e6
	l.clock.speed = speed
	l.clock.state = Running
	l.resetPace(epoch)
	return l
}

// The clock follows the schedule on a synthetic time axis: polled every
// 5 ms for a second it takes exactly the steps due, never runs ahead, and
// after a stall it drops the backlog instead of racing to catch it up.
func TestPacingOnASyntheticClock(t *testing.T) {
	const speed = 200
	epoch := time.Unix(1000, 0)
	l := pacedLoop(speed, epoch)
	tick := 5 * time.Millisecond
	now := epoch
	for range 200 {
		now = now.Add(tick)
		k := l.clockChunk(now)
		l.clock.steps += int64(k)
		if due := speed * now.Sub(epoch).Seconds(); float64(l.clock.steps) > due+1e-9 {
			t.Fatalf("at %v: %d steps, ahead of the %v due", now.Sub(epoch), l.clock.steps, due)
		}
	}
	if l.clock.steps != speed {
		t.Fatalf("%d steps in one second at %d steps/s", l.clock.steps, speed)
	}
	if wait := l.untilDue(now); (wait - time.Second/speed).Abs() > time.Microsecond {
		t.Errorf("the next step is due in %v, want %v", wait, time.Second/speed)
	}

	// A stall of two seconds (the machine was busy): the backlog beyond
	// paceMaxLag is dropped, and the clock goes on at its speed.
	now = now.Add(2 * time.Second)
	before := l.clock.steps
	k := l.clockChunk(now)
	if k != 1 {
		t.Errorf("after a stall the clock took %d steps at once, want 1 (the backlog dropped)", k)
	}
	l.clock.steps += int64(k)
	for range 200 {
		now = now.Add(tick)
		k := l.clockChunk(now)
		if limit := max(1, int(speed*paceMaxAhead)); k > limit {
			t.Fatalf("a chunk of %d steps, more than %d of schedule", k, limit)
		}
		l.clock.steps += int64(k)
	}
	if got := l.clock.steps - before; got < speed || got > speed+1 {
		t.Errorf("%d steps in the second after a stall, want %d (+1)", got, speed)
	}

	// Unlimited speed: the work chunk, no schedule.
	fast := pacedLoop(Unlimited, epoch)
	if k := fast.clockChunk(epoch); k != fast.workChunk(0) {
		t.Errorf("flat out: a chunk of %d, want the work chunk %d", k, fast.workChunk(0))
	}
	if wait := fast.untilDue(epoch); wait != 0 {
		t.Errorf("flat out: waits %v", wait)
	}
}
