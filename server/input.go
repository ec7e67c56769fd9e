package server

import (
	"errors"
	"io"
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
		if n < len(b) {
			in.mu.Lock()
			in.pending = append(in.pending, b[n:]...)
			in.mu.Unlock()
		}
		return n, nil
	case <-in.done:
		return 0, io.EOF
	case <-timeout:
		return 0, errQueryTimeout
	}
}

// deadline makes reads give up at t (zero: never).
func (in *input) deadline(t time.Time) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if t.IsZero() {
		in.timeout = nil
		return
	}
	in.timeout = time.After(time.Until(t))
}

// querySession is the session as the renderer's terminal query sees it:
// reads come from the input, with a deadline.
type querySession struct {
	ssh.Session
	in *input
}

func (q querySession) Read(p []byte) (int, error) { return q.in.Read(p) }
