package sim

import (
	"runtime"
	"sync/atomic"
)

// gdSpinLimit is how many times a goroutine of a two-core GD step polls for
// the other before it parks (some tens of µs). A step at the sizes that use
// two cores takes 50–500 µs and the two halves end close together, while a
// parked goroutine takes tens of µs to be woken and scheduled again: polling
// briefly keeps the hand-off off the step's critical path, and parking
// afterwards keeps an idle or paused run from holding a core. The poll
// yields to other goroutines now and then, so that runs stepping side by
// side (a sweep) are not held up by each other's polling.
var gdSpinLimit = 1 << 16

// gdHalf is the half of a GD step that the second core runs.
type gdHalf interface{ run() }

// gdHelper is the second core's goroutine of one GD run. It holds the run
// only while it runs a half (job is cleared first), so the run can be
// collected between steps; a cleanup then tells the goroutine to end. Each
// run has its own helper: no process-wide pool to share between runs.
type gdHelper struct {
	job    gdHalf
	posted gdSignal // a job, or the end, is there
	done   gdSignal // the job has run
	quit   atomic.Bool
	ended  chan struct{} // closed when the goroutine ends
	spin   int
}

// oneCorePerRun is set by OneCorePerRun.
var oneCorePerRun atomic.Bool

// OneCorePerRun keeps every run made afterwards on the one goroutine that
// steps it: no GD step, GF right-hand side or sample is shared with a
// second core. A server that shares the machine between sessions by a
// budget of slots (live.Budget) calls it, so that a slot is one core and
// the core it leaves to rendering and SSH stays free.
func OneCorePerRun() { oneCorePerRun.Store(true) }

// secondCoreAllowed reports whether a run may share its work with a
// second core.
func secondCoreAllowed() bool { return !oneCorePerRun.Load() && runtime.GOMAXPROCS(0) >= 2 }

// startGDHelper starts the helper of m; nil on one core.
func startGDHelper(m *gdMethod) *gdHelper { return startHelper(m) }

// startHelper starts a second-core helper that ends when owner, the method
// whose steps it shares (GD's, or GF's right-hand side), or the sampler, is
// collected; nil on one core or when runs keep to one (OneCorePerRun).
func startHelper[T any](owner *T) *gdHelper {
	if !secondCoreAllowed() {
		return nil
	}
	h := &gdHelper{posted: newGDSignal(), done: newGDSignal(), ended: make(chan struct{}), spin: gdSpinLimit}
	go h.loop()
	runtime.AddCleanup(owner, (*gdHelper).stop, h)
	return h
}

// stop tells the helper's goroutine to end once it has run any job posted.
func (h *gdHelper) stop() {
	h.quit.Store(true)
	h.posted.post()
}

func (h *gdHelper) loop() {
	defer close(h.ended)
	for {
		h.posted.wait(h.spin)
		if h.quit.Load() {
			return
		}
		job := h.job
		h.job = nil
		job.run()
		h.done.post()
	}
}

// start hands job to the helper; finish waits until it has run.
func (h *gdHelper) start(job gdHalf) {
	h.job = job
	h.posted.post()
}

// startBehind hands job to the helper without yielding to it: for work
// the caller does not wait for soon (a sample in the background), where
// the caller should go on on its own core and the helper start on the
// other.
func (h *gdHelper) startBehind(job gdHalf) {
	h.job = job
	h.posted.signal()
}

func (h *gdHelper) finish() { h.done.wait(h.spin) }

// gdSignal tells one waiting goroutine that something happened: the waiter
// polls up to a limit, then parks on wake. Its state moves by single
// atomic steps: empty → posted (post) → empty (the waiter takes it), or
// empty → parked (the waiter gives up polling) → empty (post, which then
// wakes the waiter). A wake is sent only while the waiter is parked in the
// wait it belongs to, so none is left over for a later wait.
type gdSignal struct {
	state atomic.Int32
	wake  chan struct{}
}

const (
	signalEmpty int32 = iota
	signalPosted
	signalParked
)

func newGDSignal() gdSignal { return gdSignal{wake: make(chan struct{}, 1)} }

func (s *gdSignal) post() {
	if s.signal() {
		// The woken goroutine waits in this core's run-next slot: left
		// there, it would run only once this goroutine blocks, after the
		// work it was woken to share (a sample's residual, which then
		// measured no faster on two cores than on one). Yielding lets it
		// run here at once, while the idle core takes this goroutine.
		runtime.Gosched()
	}
}

// signal is post without the yield; it reports whether it woke a parked
// waiter.
func (s *gdSignal) signal() bool {
	for {
		if s.state.CompareAndSwap(signalEmpty, signalPosted) {
			return false
		}
		if s.state.CompareAndSwap(signalParked, signalEmpty) {
			s.wake <- struct{}{}
			return true
		}
	}
}

func (s *gdSignal) wait(spin int) {
	for i := range spin {
		if s.state.Load() == signalPosted && s.state.CompareAndSwap(signalPosted, signalEmpty) {
			return
		}
		if i%256 == 255 {
			runtime.Gosched() // let other goroutines of this process run (a sweep's runs)
		}
	}
	if s.state.CompareAndSwap(signalEmpty, signalParked) {
		<-s.wake
		return
	}
	s.state.Store(signalEmpty) // it was posted meanwhile
}
