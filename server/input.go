package server

import (
	"errors"
	"io"
	"regexp"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
)

// input is a session's keyboard: one goroutine reads the SSH channel and
// hands the bytes over. It exists so that the renderer's terminal query
// (bubbletea.MakeRenderer asks for the background colour and waits for
// the terminal's answer) can give up after a deadline without losing or
// blocking the input that follows: a terminal that never answers would
// otherwise leave MakeRenderer blocked on the channel until the first key
// press, which it would then swallow. Reads after the session ended return
// io.EOF; the goroutine ends when the channel closes or done is closed.
type input struct {
	ch      chan []byte
	done    <-chan struct{}
	mu      sync.Mutex
	pending []byte
	timeout <-chan time.Time // while a query waits; nil otherwise
	query   bool
	seen    []byte // what reads returned during the query
}

var errQueryTimeout = errors.New("terminal query timed out")

func newInput(r io.Reader, done <-chan struct{}) *input {
	in := &input{ch: make(chan []byte), done: done}
	go func() {
		defer close(in.ch)
		buf := make([]byte, 1024)
		for {
			n, err := r.Read(buf)
			if n > 0 {
				b := append([]byte(nil), buf[:n]...)
				select {
				case in.ch <- b:
				case <-done:
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return in
}

// Read returns the next bytes typed.
func (in *input) Read(p []byte) (int, error) {
	in.mu.Lock()
	if len(in.pending) > 0 {
		n := copy(p, in.pending)
		if in.query && len(in.seen) < maxQueryKeep {
			in.seen = append(in.seen, in.pending[:n]...)
		}
		in.pending = in.pending[n:]
		in.mu.Unlock()
		return n, nil
	}
	timeout := in.timeout
	in.mu.Unlock()
	select {
	case b, ok := <-in.ch:
		if !ok {
			return 0, io.EOF
		}
		n := copy(p, b)
		in.mu.Lock()
		if n < len(b) {
			in.pending = append(in.pending, b[n:]...)
		}
		if in.query && len(in.seen) < maxQueryKeep {
			in.seen = append(in.seen, b[:n]...)
		}
		in.mu.Unlock()
		return n, nil
	case <-in.done:
		return 0, io.EOF
	case <-timeout:
		return 0, errQueryTimeout
	}
}

// startQuery makes reads give up at t and keeps what they return, until
// endQuery.
func (in *input) startQuery(t time.Time) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.timeout, in.query, in.seen = time.After(time.Until(t)), true, nil
}

// endQuery ends the query: what was read meanwhile, less the terminal's
// answers, is read again, so that keys typed while a terminal that does
// not answer was waited for are not lost.
func (in *input) endQuery() {
	in.mu.Lock()
	defer in.mu.Unlock()
	keys := answers.ReplaceAll(in.seen, nil)
	in.pending = append(keys, in.pending...)
	in.timeout, in.query, in.seen = nil, false, nil
}

// maxQueryKeep bounds what a query keeps (a second of typing is far less).
const maxQueryKeep = 4096

// answers are the terminal's answers to the renderer's queries: its
// background colour (OSC 11) and its device attributes (DA1).
var answers = regexp.MustCompile("\x1b\\]11;[^\x07\x1b]*(?:\x07|\x1b\\\\)|\x1b\\[\\?[0-9;]*c")

// querySession is the session as the renderer's terminal query sees it:
// reads come from the input, with a deadline.
type querySession struct {
	ssh.Session
	in *input
}

func (q querySession) Read(p []byte) (int, error) { return q.in.Read(p) }
