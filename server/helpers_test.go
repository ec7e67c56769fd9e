package server

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"sgdbias/internal/simtest"
	"sgdbias/sim"
	"sgdbias/sim/live"
)

// paper is the seed paper's scenario with a fixed step (shared fixture).
func paper() live.Scenario { return simtest.Paper(sim.GF, sim.SGF) }

// syncBuffer is a log sink the test can read while the server writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testServer starts a server on 127.0.0.1 with cfg (a temporary host key,
// the paper scenario at 20 steps/s, logs kept) and shuts it down at the end.
func testServer(t testing.TB, cfg Config) (*Server, string, *syncBuffer) {
	t.Helper()
	if cfg.HostKeyPath == "" {
		cfg.HostKeyPath = filepath.Join(t.TempDir(), "host_ed25519")
	}
	if cfg.Scenario.Algos == nil {
		cfg.Scenario = paper()
	}
	if cfg.Speed == 0 {
		cfg.Speed = 20
	}
	if cfg.ConnRate == 0 {
		cfg.ConnRate = -1
	}
	logs := &syncBuffer{}
	cfg.Logger = log.NewWithOptions(logs, log.Options{})
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return srv, l.Addr().String(), logs
}

// newKey makes an ed25519 client key.
func newKey(t testing.TB) (gossh.Signer, gossh.PublicKey) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s, s.PublicKey()
}

// keyFile writes an authorized_keys file of keys.
func keyFile(t testing.TB, keys ...gossh.PublicKey) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("# test keys\n\n")
	for i, k := range keys {
		fmt.Fprintf(&b, "%s key%d\n", strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k))), i)
	}
	path := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func clientConfig(auth ...gossh.AuthMethod) *gossh.ClientConfig {
	return &gossh.ClientConfig{User: "student", Auth: auth, HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second}
}

func dial(t testing.TB, addr string, cfg *gossh.ClientConfig) *gossh.Client {
	t.Helper()
	if cfg == nil {
		cfg = clientConfig()
	}
	c, err := gossh.Dial("tcp", addr, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// term is a client session with a PTY: it collects the screen output and
// answers the terminal queries a real terminal answers (device attributes,
// background colour), as xterm or tmux would.
type term struct {
	sess  *gossh.Session
	stdin io.WriteCloser

	mu     sync.Mutex
	out    []byte
	frames []time.Time // arrival of each frame (each alt-screen repaint)
	grew   chan struct{}
	closed chan struct{}
}

const (
	da1Query   = "\x1b[c"
	bgQuery    = "\x1b]11;?\x07"
	da1Answer  = "\x1b[?62;22c"
	bgAnswer   = "\x1b]11;rgb:0000/0000/0000\x1b\\"
	frameStart = "\x1b[H"
)

func openTerm(t testing.TB, c *gossh.Client, w, h int) *term {
	t.Helper()
	tm, err := startTerm(c, w, h, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tm.sess.Close() })
	return tm
}

// startTerm opens a session with a PTY of w×h (or none) and a shell.
func startTerm(c *gossh.Client, w, h int, pty bool) (*term, error) {
	sess, err := c.NewSession()
	if err != nil {
		return nil, err
	}
	tm := &term{sess: sess, grew: make(chan struct{}, 1), closed: make(chan struct{})}
	tm.stdin, err = sess.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		return nil, err
	}
	sess.Stderr = tm
	if pty {
		if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
			return nil, err
		}
	}
	if err := sess.Shell(); err != nil {
		return nil, err
	}
	go func() {
		defer close(tm.closed)
		buf := make([]byte, 32*1024)
		for {
			n, err := stdout.Read(buf)
			if n > 0 {
				tm.Write(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	return tm, nil
}

// Write takes output: frames are counted and queries answered.
func (tm *term) Write(p []byte) (int, error) {
	now := time.Now()
	tm.mu.Lock()
	start := max(0, len(tm.out)-8)
	tm.out = append(tm.out, p...)
	tail := string(tm.out[start:])
	tm.frames = append(tm.frames, repeatTime(now, strings.Count(tail, frameStart))...)
	answer := ""
	if strings.Contains(tail, bgQuery) {
		answer += bgAnswer
	}
	if strings.Contains(tail, da1Query) {
		answer += da1Answer
	}
	tm.mu.Unlock()
	if answer != "" {
		go tm.stdin.Write([]byte(answer))
	}
	select {
	case tm.grew <- struct{}{}:
	default:
	}
	return len(p), nil
}

func repeatTime(t time.Time, n int) []time.Time {
	out := make([]time.Time, n)
	for i := range out {
		out[i] = t
	}
	return out
}

// mark is the current length of the output, to wait for text after it.
func (tm *term) mark() int {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return len(tm.out)
}

// text is the output since a mark with the escape sequences removed.
func (tm *term) text(from int) string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return ansi.Strip(string(tm.out[min(from, len(tm.out)):]))
}

// waitText waits until the output after from shows want.
func (tm *term) waitText(t testing.TB, from int, want string) {
	t.Helper()
	if _, ok := tm.waitFor(from, want, 15*time.Second); !ok {
		t.Fatalf("no %q on the screen after 15 s; got (stripped, last 1500 bytes):\n%s", want, tail(tm.text(from), 1500))
	}
}

// waitFor waits until the output after from shows want, and returns when.
func (tm *term) waitFor(from int, want string, timeout time.Duration) (time.Time, bool) {
	deadline := time.After(timeout)
	closed := tm.closed
	for {
		if strings.Contains(tm.text(from), want) {
			return time.Now(), true
		}
		select {
		case <-tm.grew:
		case <-closed:
			// stderr may still be on its way after stdout closed.
			closed = nil
			deadline = time.After(time.Second)
		case <-deadline:
			return time.Time{}, false
		}
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func (tm *term) press(t testing.TB, keys string) {
	t.Helper()
	if _, err := tm.stdin.Write([]byte(keys)); err != nil {
		t.Fatalf("typing %q: %v", keys, err)
	}
}

// wait waits for the session to end and returns its exit status.
func (tm *term) wait(t testing.TB) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- tm.sess.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			return 0
		}
		if ee, ok := err.(*gossh.ExitError); ok {
			return ee.ExitStatus()
		}
		t.Fatalf("session ended with %v", err)
	case <-time.After(15 * time.Second):
		t.Fatalf("the session did not end; output:\n%s", tail(tm.text(0), 1500))
	}
	return -1
}

// waitUntil polls cond.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
