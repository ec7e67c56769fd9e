package cli

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// A log (not a terminal) gets one plain progress line per interval, with
// the fraction, the elapsed time and an ETA, and nothing when quiet.
func TestProgressPlainLines(t *testing.T) {
	var buf bytes.Buffer
	p := newProgressBar(&buf, false)
	if p.mode != progressPlain {
		t.Fatalf("a buffer must get plain lines, mode %d", p.mode)
	}
	clock := p.start
	p.now = func() time.Time { return clock }
	p.set(0.1) // before the first interval: nothing
	clock = clock.Add(plainInterval)
	p.setNote(0.25, "cell 1/4")
	clock = clock.Add(plainInterval / 2)
	p.set(0.3) // within the interval: nothing
	clock = clock.Add(plainInterval)
	p.set(0.5)
	p.done()
	want := "progress: 25% after 10s, eta 30s, cell 1/4\nprogress: 50% after 25s, eta 25s\n"
	if got := buf.String(); got != want {
		t.Errorf("plain progress:\n%q\nwant\n%q", got, want)
	}
	var quiet bytes.Buffer
	q := newProgressBar(&quiet, true)
	q.now = func() time.Time { return clock.Add(time.Hour) }
	q.set(0.5)
	if quiet.Len() != 0 || strings.Contains(quiet.String(), "progress") {
		t.Errorf("--quiet printed %q", quiet.String())
	}
}

// keepAlive prints the latest fraction again when nothing new is reported.
func TestProgressKeepAlive(t *testing.T) {
	var buf syncBuffer
	p := newProgressBar(&buf, false)
	p.interval = time.Millisecond
	p.set(0.5)
	stop := p.keepAlive()
	for !strings.Contains(buf.String(), "progress: 50%") {
		time.Sleep(time.Millisecond)
	}
	stop()
	stop() // twice is harmless
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
