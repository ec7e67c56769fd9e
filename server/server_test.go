package server

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"sgdbias/sim/live"
)

// A PTY session gets the explorer: frames arrive, keys change the screen,
// a window change lays it out again, q ends the session with status 0.
func TestSession(t *testing.T) {
	srv, addr, logs := testServer(t, Config{})
	tm := openTerm(t, dial(t, addr, nil), 80, 24)
	tm.waitText(t, 0, "sgdbias │")
	tm.waitText(t, 0, "space run/pause")
	if s := tm.text(0); strings.Contains(s, "n=40 d=100") {
		t.Error("the 80-column header has the problem's size (it only fits wider)")
	}
	waitUntil(t, "frames", func() bool { tm.mu.Lock(); defer tm.mu.Unlock(); return len(tm.frames) >= 5 })

	from := tm.mark()
	tm.press(t, "\t") // next parameter: γ → noise
	tm.waitText(t, from, "▸noise")
	from = tm.mark()
	tm.press(t, "?")
	tm.waitText(t, from, "? or esc closes this help")
	tm.press(t, "?")

	from = tm.mark()
	if err := tm.sess.WindowChange(40, 120); err != nil {
		t.Fatal(err)
	}
	tm.waitText(t, from, "n=40 d=100 s=5 seed 1")   // the header's tail fits at 120 columns
	tm.waitText(t, from, "SGF noise scale (temper") // the parameters get a second line at 40 rows

	if srv.Sessions() != 1 {
		t.Errorf("%d sessions, want 1", srv.Sessions())
	}
	tm.press(t, "q")
	if code := tm.wait(t); code != 0 {
		t.Errorf("exit status %d after q", code)
	}
	waitUntil(t, "the session to be gone", func() bool { return srv.Sessions() == 0 })
	waitUntil(t, "the disconnect log", func() bool { return strings.Contains(logs.String(), "reason=quit") })
	for _, want := range []string{"connect session=1", "role=private", "term=xterm-256color", "size=80x24", "disconnect session=1", "duration="} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}

// Sessions without a PTY, exec and subsystem requests are refused with a
// one-line reason and exit status 1, before any explorer starts.
func TestRefusals(t *testing.T) {
	srv, addr, logs := testServer(t, Config{})
	c := dial(t, addr, nil)

	run := func(name string, start func(*gossh.Session) error) (string, int) {
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer sess.Close()
		var stderr, stdout strings.Builder
		sess.Stderr, sess.Stdout = &stderr, &stdout
		if err := start(sess); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		code := 0
		if err := sess.Wait(); err != nil {
			ee, ok := err.(*gossh.ExitError)
			if !ok {
				t.Fatalf("%s: %v", name, err)
			}
			code = ee.ExitStatus()
		}
		if stdout.Len() > 0 {
			t.Errorf("%s: wrote %q on stdout", name, stdout.String())
		}
		return stderr.String(), code
	}
	cases := []struct {
		name, want string
		start      func(*gossh.Session) error
	}{
		{"no pty", "sgdbias: the explorer needs a terminal; connect from one with ssh -t -p", func(s *gossh.Session) error { return s.Shell() }},
		{"exec", "sgdbias: this server runs no commands, only the explorer; connect without one: ssh -p", func(s *gossh.Session) error { return s.Start("cat /etc/passwd") }},
		{"exec with pty", "runs no commands", func(s *gossh.Session) error {
			if err := s.RequestPty("xterm", 24, 80, nil); err != nil {
				return err
			}
			return s.Start("sh")
		}},
	}
	for _, c := range cases {
		out, code := run(c.name, c.start)
		if !strings.Contains(out, c.want) || strings.Count(strings.TrimSpace(out), "\n") > 0 || code != 1 {
			t.Errorf("%s: status %d, stderr %q; want status 1 and one line with %q", c.name, code, out, c.want)
		}
	}
	// A subsystem session cannot be waited for (x/crypto never starts it):
	// read its stderr to the end.
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	stderr, _ := sess.StderrPipe()
	if err := sess.RequestSubsystem("sftp"); err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(stderr)
	if want := "sgdbias: no sftp here: this server only shows the explorer\r\n"; string(msg) != want {
		t.Errorf("sftp: stderr %q, want %q", msg, want)
	}
	sess.Close()
	if srv.Sessions() != 0 {
		t.Errorf("%d sessions after refusals", srv.Sessions())
	}
	for _, want := range []string{`reason="no pty"`, `reason="exec \"cat /etc/passwd\""`, `reason="subsystem sftp"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, logs.String())
		}
	}
}

// Beyond --max-sessions a session is refused politely; once one leaves,
// the next gets in.
func TestMaxSessions(t *testing.T) {
	srv, addr, _ := testServer(t, Config{MaxSessions: 2})
	a := openTerm(t, dial(t, addr, nil), 80, 24)
	b := openTerm(t, dial(t, addr, nil), 80, 24)
	a.waitText(t, 0, "sgdbias │")
	b.waitText(t, 0, "sgdbias │")
	c := openTerm(t, dial(t, addr, nil), 80, 24)
	c.waitText(t, 0, "sgdbias: the server is full (2 sessions); try again in a few minutes")
	if code := c.wait(t); code != 1 {
		t.Errorf("refused session: exit status %d", code)
	}
	a.press(t, "q")
	a.wait(t)
	waitUntil(t, "a free place", func() bool { return srv.Sessions() == 1 })
	d := openTerm(t, dial(t, addr, nil), 80, 24)
	d.waitText(t, 0, "sgdbias │")
}

// A session without key presses is closed after the idle timeout, however
// much it redraws; key presses keep a session open; the maximum length
// closes a session whatever it does.
func TestTimeouts(t *testing.T) {
	_, addr, logs := testServer(t, Config{IdleTimeout: 2 * time.Second, MaxDuration: 5 * time.Second})
	idle := openTerm(t, dial(t, addr, nil), 80, 24)
	busy := openTerm(t, dial(t, addr, nil), 80, 24)
	idle.waitText(t, 0, "sgdbias │")
	busy.waitText(t, 0, "sgdbias │")
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				busy.stdin.Write([]byte("\t"))
			}
		}
	}()
	defer close(stop)
	idle.waitText(t, 0, "this session closes in")
	idle.waitText(t, 0, "sgdbias: session closed after 2s without a key press")
	if code := idle.wait(t); code != 1 {
		t.Errorf("idle session: exit status %d", code)
	}
	// A session is closed once, with one reason: the busy one's is the
	// maximum length, never the idle timeout. (Asking whether it is still
	// open when the idle one ends would race its 5 s on a loaded machine.)
	busy.waitText(t, 0, "sgdbias: session closed: the longest a session may last is 5s")
	busy.wait(t)
	if strings.Contains(busy.text(0), "without a key press") {
		t.Fatal("the session pressing keys was closed as idle")
	}
	if !strings.Contains(logs.String(), "without a key press") {
		t.Errorf("no idle reason in the log:\n%s", logs.String())
	}
}

// With --authorized-keys only listed keys get in; with a join code only the
// password; with both, either.
func TestAccessControl(t *testing.T) {
	good, goodPub := newKey(t)
	bad, _ := newKey(t)
	keys := keyFile(t, goodPub)
	try := func(addr string, auth ...gossh.AuthMethod) error {
		c, err := gossh.Dial("tcp", addr, clientConfig(auth...))
		if err == nil {
			c.Close()
		}
		return err
	}
	kbd := func(answer string) gossh.AuthMethod {
		return gossh.KeyboardInteractive(func(_, _ string, q []string, _ []bool) ([]string, error) {
			a := make([]string, len(q))
			for i := range a {
				a[i] = answer
			}
			return a, nil
		})
	}

	_, addr, logs := testServer(t, Config{AuthorizedKeysPath: keys})
	if err := try(addr, gossh.PublicKeys(good)); err != nil {
		t.Errorf("authorized key refused: %v", err)
	}
	if err := try(addr, gossh.PublicKeys(bad)); err == nil {
		t.Error("a wrong key got in")
	}
	if err := try(addr, gossh.Password("anything"), kbd("anything")); err == nil {
		t.Error("a password got in where keys are required")
	}
	if err := try(addr); err == nil {
		t.Error("no authentication got in where keys are required")
	}
	waitUntil(t, "a refusal in the log", func() bool { return strings.Contains(logs.String(), "refused") })

	_, addr, _ = testServer(t, Config{Password: "sparse"})
	if err := try(addr, gossh.Password("sparse")); err != nil {
		t.Errorf("right password refused: %v", err)
	}
	if err := try(addr, kbd("sparse")); err != nil {
		t.Errorf("right password (keyboard-interactive) refused: %v", err)
	}
	if err := try(addr, gossh.Password("dense"), kbd("dense")); err == nil {
		t.Error("a wrong password got in")
	}
	if err := try(addr, gossh.PublicKeys(good)); err == nil {
		t.Error("a key got in where the password is required")
	}

	_, addr, _ = testServer(t, Config{Password: "sparse", AuthorizedKeysPath: keys})
	if err := try(addr, gossh.PublicKeys(good)); err != nil {
		t.Errorf("key refused with both: %v", err)
	}
	if err := try(addr, gossh.Password("sparse")); err != nil {
		t.Errorf("password refused with both: %v", err)
	}
	if err := try(addr, gossh.PublicKeys(bad), gossh.Password("dense")); err == nil {
		t.Error("wrong key and password got in")
	}

	// An open server lets in anyone, even without any method.
	_, addr, _ = testServer(t, Config{})
	if err := try(addr); err != nil {
		t.Errorf("open server: %v", err)
	}
}

// The host key is created with mode 0600 and kept: the same file gives the
// same fingerprint.
func TestHostKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "host")
	srv, err := New(Config{HostKeyPath: path, Scenario: paper(), Speed: 20})
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 || !srv.NewHostKey() || !strings.HasPrefix(srv.Fingerprint(), "SHA256:") {
		t.Errorf("mode %v, new %v, fingerprint %q", info.Mode().Perm(), srv.NewHostKey(), srv.Fingerprint())
	}
	again, err := New(Config{HostKeyPath: path, Scenario: paper(), Speed: 20})
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if again.NewHostKey() || again.Fingerprint() != srv.Fingerprint() {
		t.Errorf("second start: new %v, fingerprint %s (was %s)", again.NewHostKey(), again.Fingerprint(), srv.Fingerprint())
	}
	os.WriteFile(path, []byte("not a key"), 0o600)
	if _, err := New(Config{HostKeyPath: path, Scenario: paper(), Speed: 20}); err == nil || !strings.Contains(err.Error(), "--host-key") {
		t.Errorf("a broken key file: %v", err)
	}
}

// Beyond the address's token bucket, students are refused with a reason,
// and a presenter key still gets in.
func TestRateLimit(t *testing.T) {
	pres, presPub := newKey(t)
	_, addr, _ := testServer(t, Config{ConnRate: 0.01, ConnBurst: 2, PresenterKeysPath: keyFile(t, presPub)})
	clients := clientConfig(gossh.Password(""))
	for range 2 {
		tm := openTerm(t, dial(t, addr, clients), 80, 24)
		tm.waitText(t, 0, "sgdbias │")
		tm.press(t, "q")
		tm.wait(t)
	}
	tm := openTerm(t, dial(t, addr, clients), 80, 24)
	tm.waitText(t, 0, "sgdbias: too many connections from your address just now; wait a minute and try again")
	if code := tm.wait(t); code != 1 {
		t.Errorf("exit status %d", code)
	}
	p := openTerm(t, dial(t, addr, clientConfig(gossh.PublicKeys(pres))), 80, 24)
	p.waitText(t, 0, "▶ presenting")
}

// Shutdown tells every session, closes them and returns within seconds.
func TestShutdown(t *testing.T) {
	srv, addr, _ := testServer(t, Config{})
	var terms []*term
	for range 3 {
		tm := openTerm(t, dial(t, addr, nil), 80, 24)
		tm.waitText(t, 0, "sgdbias │")
		terms = append(terms, tm)
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Shutdown took %v", d)
	}
	for _, tm := range terms {
		tm.waitText(t, 0, "the server is shutting down — goodbye") // on the screen
		tm.waitText(t, 0, "sgdbias: the server is shutting down")  // after the explorer
		if code := tm.wait(t); code != 1 {
			t.Errorf("exit status %d after the server ended the session; want 1", code)
		}
	}
	if _, err := gossh.Dial("tcp", addr, clientConfig()); err == nil {
		t.Error("a connection after Shutdown")
	}
}

// When a session ends, however it ends, its simulator stops.
func TestRunnerStopsWithSession(t *testing.T) {
	srv, addr, _ := testServer(t, Config{})
	c, err := gossh.Dial("tcp", addr, clientConfig())
	if err != nil {
		t.Fatal(err)
	}
	tm, err := startTerm(c, 80, 24, true)
	if err != nil {
		t.Fatal(err)
	}
	tm.waitText(t, 0, "sgdbias │")
	var r *live.Runner
	srv.mu.Lock()
	for st := range srv.sessions {
		if rs := st.owned(); len(rs) == 1 {
			r = rs[0]
		}
	}
	srv.mu.Unlock()
	if r == nil {
		t.Fatal("no runner for the session")
	}
	c.Close() // the client goes away without a word
	select {
	case <-r.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the runner still runs 5 s after the client left")
	}
}

// The presenter drives the stage; every other session follows it live
// (read-only, under a banner), can fork a private copy of its current state
// and parameters (f), and follow again (F).
func TestPresenterStage(t *testing.T) {
	pres, presPub := newKey(t)
	other, _ := newKey(t)
	srv, addr, logs := testServer(t, Config{PresenterKeysPath: keyFile(t, presPub)})
	stage := srv.stage.runner

	p := openTerm(t, dial(t, addr, clientConfig(gossh.PublicKeys(pres))), 80, 24)
	p.waitText(t, 0, "▶ presenting")
	f := openTerm(t, dial(t, addr, clientConfig(gossh.PublicKeys(other), gossh.Password(""))), 100, 30)
	f.waitText(t, 0, "◉ following the presenter · read-only")
	p.waitText(t, 0, "1 following · 0 on their own copy")

	// The presenter's keys reach the follower's screen.
	from := f.mark()
	p.press(t, "n") // one step
	f.waitText(t, from, "step 1 │")
	from = f.mark()
	p.press(t, "\x1b[C") // → : γ 0.08 → 0.1
	f.waitText(t, from, "γ 0.1")
	waitUntil(t, "the stage's γ", func() bool { return stage.Snapshot().Params.Step == 0.1 })
	p.press(t, "nnnn")
	waitUntil(t, "five stage steps", func() bool { return stage.Snapshot().Steps == 5 })

	// The follower cannot drive the stage.
	from = f.mark()
	f.press(t, " ")
	f.waitText(t, from, "read-only: the presenter drives; f makes your own copy")
	if s := stage.Snapshot(); s.Steps != 5 || s.State != live.Paused {
		t.Fatalf("a follower's key changed the stage: steps %d state %v", s.Steps, s.State)
	}

	// f: a private copy of the stage's state and parameters.
	from = f.mark()
	f.press(t, "f")
	f.waitText(t, from, "your own copy, forked at t 0.480") // 1 step of 0.08, 4 of 0.1
	var st *session
	srv.mu.Lock()
	for s := range srv.sessions {
		if s.role == roleFollower {
			st = s
		}
	}
	srv.mu.Unlock()
	var private *live.Runner
	waitUntil(t, "the private runner", func() bool {
		if rs := st.owned(); len(rs) == 1 {
			private = rs[0]
		}
		return private != nil
	})
	if s := private.Snapshot(); s.Steps != 5 || s.Params.Step != 0.1 || s.Time != stage.Snapshot().Time {
		t.Errorf("the fork starts at step %d, γ %v, t %v; the stage is at step 5, γ 0.1", s.Steps, s.Params.Step, s.Time)
	}
	from = f.mark()
	f.press(t, "nn")
	waitUntil(t, "two private steps", func() bool { return private.Snapshot().Steps == 7 })
	f.waitText(t, from, "step 7 │")
	p.press(t, "n")
	waitUntil(t, "the stage's sixth step", func() bool { return stage.Snapshot().Steps == 6 })
	if private.Snapshot().Steps != 7 {
		t.Error("a presenter's step reached the private copy")
	}

	// F: follow again; the private runner stops.
	from = f.mark()
	f.press(t, "F")
	f.waitText(t, from, "following the presenter again")
	select {
	case <-private.Done():
	case <-time.After(5 * time.Second):
		t.Error("the private runner still runs after F")
	}
	from = f.mark()
	p.press(t, "n")
	f.waitText(t, from, "step 7 │")

	// A follower that leaves is removed from the stage; the presenter's
	// session goes on.
	f.press(t, "q")
	f.wait(t)
	waitUntil(t, "the follower to unsubscribe", func() bool { return srv.stage.followers() == 0 })
	from = p.mark()
	p.press(t, "n")
	p.waitText(t, from, "step 8 │")
	if !strings.Contains(logs.String(), "role=presenter") || !strings.Contains(logs.String(), "fork session=") {
		t.Errorf("log:\n%s", logs.String())
	}
}

// Each session renders with its own terminal's colour profile: a 256-colour
// terminal gets the 256-colour series, a dumb one no colour at all, at the
// same time on the same server.
func TestPerSessionColour(t *testing.T) {
	_, addr, _ := testServer(t, Config{})
	open := func(termType string) *term {
		c := dial(t, addr, nil)
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		tm := &term{sess: sess, grew: make(chan struct{}, 1), closed: make(chan struct{})}
		tm.stdin, _ = sess.StdinPipe()
		stdout, _ := sess.StdoutPipe()
		if err := sess.RequestPty(termType, 24, 80, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
		if err := sess.Shell(); err != nil {
			t.Fatal(err)
		}
		go func() {
			defer close(tm.closed)
			io.Copy(tm, stdout)
		}()
		t.Cleanup(func() { sess.Close() })
		return tm
	}
	rich, plain := open("xterm-256color"), open("dumb")
	rich.waitText(t, 0, "sgdbias │")
	plain.waitText(t, 0, "sgdbias │")
	time.Sleep(300 * time.Millisecond) // a few frames with data
	rich.mu.Lock()
	richOut := string(rich.out)
	rich.mu.Unlock()
	plain.mu.Lock()
	plainOut := string(plain.out)
	plain.mu.Unlock()
	if !strings.Contains(richOut, "\x1b[38;5;") {
		t.Errorf("no 256-colour SGF series on the xterm-256color session: %q", tail(richOut, 600))
	}
	if strings.Contains(plainOut, "\x1b[38;") || strings.Contains(plainOut, ";38;") {
		t.Error("colour codes on the dumb terminal's session")
	}
}

// A presenter always gets in, even when the server is full; presenters
// and followers of the stage are never closed for idling (watching is not
// idling), while a follower on its own copy is, after a warning.
func TestPresenterExempt(t *testing.T) {
	pres, presPub := newKey(t)
	_, addr, _ := testServer(t, Config{PresenterKeysPath: keyFile(t, presPub), MaxSessions: 2, IdleTimeout: 300 * time.Millisecond})
	watcher := openTerm(t, dial(t, addr, clientConfig(gossh.Password(""))), 80, 24)
	watcher.waitText(t, 0, "following the presenter")
	forker := openTerm(t, dial(t, addr, clientConfig(gossh.Password(""))), 80, 24)
	forker.waitText(t, 0, "following the presenter")
	p := openTerm(t, dial(t, addr, clientConfig(gossh.PublicKeys(pres))), 80, 24)
	p.waitText(t, 0, "▶ presenting")
	p.waitText(t, 0, "2 following · 0 on their own copy")
	forker.press(t, "f")
	forker.waitText(t, 0, "your own copy")
	p.waitText(t, 0, "1 following · 1 on their own copy")
	forker.waitText(t, 0, "this session closes in")
	forker.waitText(t, 0, "without a key press")
	forker.wait(t)
	for name, tm := range map[string]*term{"presenter": p, "follower": watcher} {
		select {
		case <-tm.closed:
			t.Errorf("the %s's session was closed for idling", name)
		default:
		}
	}
}

// The room sees the presenter's selected parameter and message (m), and
// B brings every student on their own copy back to the stage.
func TestPresenterTools(t *testing.T) {
	pres, presPub := newKey(t)
	srv, addr, _ := testServer(t, Config{PresenterKeysPath: keyFile(t, presPub)})
	p := openTerm(t, dial(t, addr, clientConfig(gossh.PublicKeys(pres))), 120, 30)
	p.waitText(t, 0, "▶ presenting")
	f := openTerm(t, dial(t, addr, clientConfig(gossh.Password(""))), 120, 30)
	f.waitText(t, 0, "presenter on γ")

	from := f.mark()
	p.press(t, "\t")
	f.waitText(t, from, "presenter on noise")

	from = f.mark()
	p.press(t, "m")
	p.waitText(t, 0, "message to the room:")
	p.press(t, "now watch α_t\r")
	f.waitText(t, from, "“now watch α_t”")
	if got := srv.stage.message(); got != "now watch α_t" {
		t.Errorf("stage message %q", got)
	}

	f.press(t, "f")
	f.waitText(t, 0, "your own copy, forked at t ")
	p.waitText(t, 0, "0 following · 1 on their own copy")
	from = f.mark()
	p.press(t, "B")
	f.waitText(t, from, "the presenter brought everyone back to the stage")
	p.waitText(t, 0, "1 following · 0 on their own copy")
	waitUntil(t, "the fork to stop", func() bool {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		for st := range srv.sessions {
			if st.role == roleFollower && len(st.owned()) != 0 {
				return false
			}
		}
		return true
	})
}

// A session still open when Shutdown's time is up is cut, and the log says
// so (here: the goodbye notice holds the session a second, the shutdown
// allows a tenth of that).
func TestShutdownCutsStuckSession(t *testing.T) {
	srv, addr, logs := testServer(t, Config{})
	tm := openTerm(t, dial(t, addr, nil), 80, 24)
	tm.waitText(t, 0, "sgdbias │")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := srv.Shutdown(ctx); err == nil {
		t.Error("Shutdown reported every session ended in time")
	}
	waitUntil(t, "the session to be cut", func() bool {
		select {
		case <-tm.closed:
			return true
		default:
			return false
		}
	})
	waitUntil(t, "the cut in the log", func() bool { return strings.Contains(logs.String(), "stuck session cut at shutdown") })
}
