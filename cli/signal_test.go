package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// ptyProgram is sgdbias running on a pseudo-terminal, with everything it
// writes collected.
type ptyProgram struct {
	cmd  *exec.Cmd
	tty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	read chan struct{} // closed when the terminal is closed
}

func startOnPTY(t *testing.T, env []string, args ...string) *ptyProgram {
	t.Helper()
	return startOnTerminal(t, env, "xterm-256color", args...)
}

// startOnTerminal is startOnPTY with TERM set to term.
func startOnTerminal(t *testing.T, env []string, term string, args ...string) *ptyProgram {
	t.Helper()
	bin := filepath.Join(filepath.SplitList(envValue(env, "PATH"))[0], "sgdbias")
	cmd := exec.Command(bin, args...)
	cmd.Env = append(env, "TERM="+term)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	p := &ptyProgram{cmd: cmd, tty: tty, read: make(chan struct{})}
	go func() {
		defer close(p.read)
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			p.mu.Lock()
			p.out.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return p
}

// envValue is key's value in env, the last one set.
func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], key+"="); ok {
			return v
		}
	}
	return ""
}

func (p *ptyProgram) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// waitFor polls the output until it contains s or limit passes (a
// generous bound, not a measurement).
func (p *ptyProgram) waitFor(s string, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if strings.Contains(p.output(), s) {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

// wait waits for the program to exit within limit, killing it otherwise.
func (p *ptyProgram) wait(t *testing.T, limit time.Duration) (exited bool) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case <-done:
		exited = true
	case <-time.After(limit):
		p.cmd.Process.Kill()
		<-done
	}
	p.tty.Close()
	<-p.read
	return exited
}

const (
	enterAltScreen = "\x1b[?1049h"
	leaveAltScreen = "\x1b[?1049l"
)

// The explorer exits with status 130 and restores the terminal on SIGINT,
// SIGTERM and SIGHUP sent from outside, every time (it hung in about half the trials
// when two signal handlers competed).
func TestExplorerExitsOnSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the explorer nine times")
	}
	env := sgdbiasOnPath(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		for trial := range 3 {
			p := startOnPTY(t, env, "--n", "12", "--d", "30", "--s", "3")
			if !p.waitFor(enterAltScreen, 60*time.Second) {
				p.wait(t, time.Second)
				t.Fatalf("%v: the explorer did not start:\n%q", sig, p.output())
			}
			time.Sleep(100 * time.Millisecond) // let the event loop run
			p.cmd.Process.Signal(sig)
			if !p.wait(t, 20*time.Second) {
				t.Fatalf("%v trial %d: still running long after the signal", sig, trial)
			}
			out := p.output()
			if !strings.Contains(out[strings.Index(out, enterAltScreen):], leaveAltScreen) {
				t.Errorf("%v trial %d: the alternate screen was not left", sig, trial)
			}
			if code := p.cmd.ProcessState.ExitCode(); code != 130 {
				t.Errorf("%v trial %d: exit %d, want 130 (interrupted)", sig, trial, code)
			}
		}
	}
}

// No command but the explorer queries the terminal: on a terminal that
// never answers, the OSC 11 background query alone would stall five seconds.
func TestCommandsDoNotQueryTheTerminal(t *testing.T) {
	env := sgdbiasOnPath(t)
	for _, args := range [][]string{{"version"}, {"presets"}, {"run", "-h"}} {
		p := startOnPTY(t, env, args...)
		if !p.wait(t, 60*time.Second) {
			t.Fatalf("%v did not finish", args)
		}
		if out := p.output(); strings.Contains(out, "\x1b]11;?") || strings.Contains(out, "\x1b[6n") {
			t.Errorf("%v queried the terminal: %q", args, out[:min(len(out), 200)])
		}
	}
}

// The explorer's own background query reads the answer of a terminal that
// gives one, and gives up (after its short timeout) on one that does not.
func TestBackgroundQuery(t *testing.T) {
	for _, c := range []struct {
		answer   string
		dark, ok bool
	}{
		{"\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[3;1R", false, true},
		{"\x1b]11;rgb:1e1e/1e1e/2e2e\x07\x1b[3;1R", true, true},
		{"\x1b[3;1R", false, false}, // OSC 11 not supported: the cursor report alone
	} {
		master, tty, err := pty.Open()
		if err != nil {
			t.Skip(err)
		}
		go func() {
			buf := make([]byte, 64)
			var got []byte
			for !bytes.Contains(got, []byte("\x1b[6n")) {
				n, err := master.Read(buf)
				if err != nil {
					return
				}
				got = append(got, buf[:n]...)
			}
			master.WriteString(c.answer)
		}()
		dark, ok := queryDarkBackground(tty, 10*time.Second)
		if dark != c.dark || ok != c.ok {
			t.Errorf("%q: dark %v ok %v, want %v %v", c.answer, dark, ok, c.dark, c.ok)
		}
		tty.Close()
		master.Close()
	}
}

// SIGHUP (a dropped ssh connection) ends a run like SIGTERM: the
// algorithms that finished are printed. Stderr is a pipe here, so the run
// also prints plain progress lines, the cue for the signal.
func TestHangupKeepsFinishedRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the first progress line (10 s)")
	}
	env := sgdbiasOnPath(t)
	bin := filepath.Join(filepath.SplitList(envValue(env, "PATH"))[0], "sgdbias")
	cmd := exec.Command(bin, "run", "--n", "12", "--d", "30", "--s", "3", "--algo", "gd,gd:step=0.0000001",
		"--time", "20", "--step", "0.05", "--no-references", "--samples", "5", "--format", "csv")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var errText strings.Builder
	buf := make([]byte, 1024)
	for !strings.Contains(errText.String(), "progress: ") {
		n, err := stderr.Read(buf)
		errText.Write(buf[:n])
		if err != nil {
			t.Fatalf("no progress line: %q", errText.String())
		}
	}
	cmd.Process.Signal(syscall.SIGHUP)
	rest := make(chan string)
	go func() {
		var b strings.Builder
		for {
			n, err := stderr.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				rest <- b.String()
				return
			}
		}
	}()
	errText.WriteString(<-rest)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit %d, want 130; stderr %q", code, errText.String())
	}
	if !strings.Contains(stdout.String(), "\ngd,400,") || strings.Contains(stdout.String(), "gd:step") {
		t.Errorf("stdout lacks the finished gd run alone:\n%s", stdout.String())
	}
	if !strings.Contains(errText.String(), "interrupted; printed the 1 of 2 algorithms that finished") {
		t.Errorf("stderr %q", errText.String())
	}
}

// A dumb terminal has no alternate screen nor cursor addressing: the
// explorer prints the plain summary there, with no escape sequence at all.
func TestExplorerOnADumbTerminalIsPlain(t *testing.T) {
	env := sgdbiasOnPath(t)
	p := startOnTerminal(t, env, "dumb", "--n", "8", "--d", "20", "--s", "2", "--steps", "200", "--no-references")
	if !p.wait(t, 60*time.Second) {
		t.Fatalf("the plain summary did not finish:\n%q", p.output())
	}
	out := p.output()
	if strings.Contains(out, "\x1b") {
		t.Errorf("escape sequences on a dumb terminal: %q", out[:min(len(out), 300)])
	}
	if !strings.Contains(out, "sgf") {
		t.Errorf("no summary of the runs: %q", out[:min(len(out), 300)])
	}
}
