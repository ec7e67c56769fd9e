package problem

import (
	"runtime/debug"
	"sync"
)

// rowStore collects the numbers of X as they are parsed, when the number
// of rows is not known in advance (standard input, a JSON file), without
// the copies of a growing slice: appending to one slice would hold the old
// and the new array at each growth, up to 2.25 times X. The numbers go into
// chunks of a fixed size; the problem's X, which must be one slice, is
// assembled at the end chunk by chunk, giving each chunk's memory back as
// soon as it is copied, so that the peak stays near the size of X.
type rowStore struct {
	chunkLen int
	full     [][]float64
	cur      []float64
	total    int
}

// storeChunkBytes is the size of a chunk, and storeReleaseBytes how much of
// X is assembled between two returns of freed chunks to the system.
const (
	storeChunkBytes   = 4 << 20
	storeReleaseBytes = 16 << 20
)

// newRowStore prepares a store; capacity, when positive, is a known upper
// bound on the count of numbers, which then go into one chunk that becomes
// X without a copy.
func newRowStore(capacity int) *rowStore {
	s := &rowStore{chunkLen: storeChunkBytes / 8}
	if capacity > 0 {
		s.chunkLen = capacity
	}
	return s
}

// push appends one number.
func (s *rowStore) push(v float64) {
	if len(s.cur) == cap(s.cur) {
		size := s.chunkLen
		if s.cur != nil {
			// Past a bound given in advance, fixed-size chunks.
			s.full = append(s.full, s.cur)
			size = storeChunkBytes / 8
		}
		s.cur = make([]float64, 0, size)
	}
	s.cur = append(s.cur, v)
	s.total++
}

// len is the count of numbers pushed.
func (s *rowStore) len() int { return s.total }

// assemble returns every number pushed as one slice and empties the store.
func (s *rowStore) assemble() []float64 {
	if len(s.full) == 0 {
		x := s.cur
		s.cur = nil
		return x
	}
	x := make([]float64, 0, s.total)
	s.full = append(s.full, s.cur)
	s.cur = nil
	released := 0
	for k, chunk := range s.full {
		x = append(x, chunk...)
		s.full[k] = nil
		released += 8 * len(chunk)
		if released >= storeReleaseBytes {
			// Give the copied chunks back now rather than at the next
			// collection, which could come after all of X is touched.
			debug.FreeOSMemory()
			released = 0
		}
	}
	s.full = nil
	return x
}

// loadGCPercent is the collector's target while a file is parsed. Parsing
// makes short-lived garbage (the text of every field) beside a growing X,
// and at the default 100% the collector lets that garbage grow as large as
// X before collecting it; at 10% the peak stays near the size of X. The
// collections cost little: X holds no pointers.
const loadGCPercent = 10

var (
	loadGCMu       sync.Mutex
	loadGCUsers    int
	loadGCPercent0 int
)

// tightenGC lowers the collector's target while a load runs and returns
// the function that restores it; loads that overlap share the lowering.
func tightenGC() (restore func()) {
	loadGCMu.Lock()
	defer loadGCMu.Unlock()
	if loadGCUsers == 0 {
		loadGCPercent0 = debug.SetGCPercent(loadGCPercent)
	}
	loadGCUsers++
	return func() {
		loadGCMu.Lock()
		defer loadGCMu.Unlock()
		if loadGCUsers--; loadGCUsers == 0 {
			debug.SetGCPercent(loadGCPercent0)
		}
	}
}
