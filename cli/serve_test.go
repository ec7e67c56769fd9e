package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"sgdbias/sim"
	"sgdbias/sim/live"
	"sgdbias/sim/problem"
	"sgdbias/ui"
)

// Bad serve flags are refused with status 2 and a message naming the flag.
func TestServeFlags(t *testing.T) {
	t.Setenv("SGDBIAS_PASSWORD", "hush-hush-secret")
	out, errs, code := invoke(t, "serve", "-h")
	if code != 0 || !strings.Contains(out+errs, "Lecture mode") || !strings.Contains(out+errs, "-presenter-keys") {
		t.Errorf("serve -h: status %d\n%s%s", code, out, errs)
	}
	if strings.Contains(out+errs, "panic") {
		t.Errorf("serve -h:\n%s%s", out, errs)
	}
	if strings.Contains(out+errs, "hush-hush-secret") {
		t.Errorf("serve -h prints the password:\n%s%s", out, errs)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(empty, []byte("\n"), 0o600)
	key := filepath.Join(t.TempDir(), "host")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--max-sessions", "0"}, "--max-sessions"},
		{[]string{"--fps", "0"}, "--fps"},
		{[]string{"--rate-limit", "-1"}, "--rate-limit"},
		{[]string{"--idle-timeout", "-1s"}, "--idle-timeout"},
		{[]string{"--authorized-keys", "/nonexistent/keys"}, "--authorized-keys"},
		{[]string{"--presenter-keys", "/nonexistent/keys"}, "--presenter-keys"},
		{[]string{"--allow-export", "/nonexistent/dir"}, "--allow-export"},
		{[]string{"--listen", "256.0.0.1:1"}, "--listen"},
		{[]string{"--speed", "-3"}, "--speed"},
		{[]string{"--password", "word"}, "-password"}, // not a flag: ps would show it
		{[]string{"--password-file", "/nonexistent/pw"}, "--password-file"},
		{[]string{"--password-file", empty}, "--password-file"},
		{[]string{"--rate-burst", "0"}, "--rate-burst"},
		{[]string{"--export-mb", "0"}, "--export-mb"},
		{[]string{"--login-timeout", "-1s"}, "--login-timeout"},
	} {
		_, errs, code := invoke(t, append([]string{"serve", "--host-key", key}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("serve %v: status %d, stderr %q", c.args, code, errs)
		}
	}
}

// lockedBuffer collects the server's stderr while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// sgdbias serve prints the fingerprint and the students' command, serves
// the explorer, and on SIGINT (ctx) tells the sessions and returns 0.
func TestServeEndToEnd(t *testing.T) {
	key := filepath.Join(t.TempDir(), "host")
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--host-key", key, "--n", "20", "--d", "50", "--speed", "10"},
			stdio{in: strings.NewReader(""), out: &bytes.Buffer{}, err: stderr})
	}()
	var addr string
	deadline := time.Now().Add(10 * time.Second)
	for addr == "" && time.Now().Before(deadline) {
		if m := regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)`).FindStringSubmatch(stderr.String()); m != nil {
			addr = m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	if addr == "" {
		t.Fatalf("no address in\n%s", stderr.String())
	}
	banner := stderr.String()
	for _, want := range []string{"host key " + key + " (new), fingerprint SHA256:", "students connect with:  ssh -p ",
		"-o StrictHostKeyChecking=accept-new 127.0.0.1", "warning: only this machine can reach", "join code: "} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q:\n%s", want, banner)
		}
	}
	m := regexp.MustCompile(`join code: ([a-z2-9]{6}) `).FindStringSubmatch(banner)
	if m == nil {
		t.Fatalf("no six-character join code in\n%s", banner)
	}
	if _, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "s", HostKeyCallback: gossh.InsecureIgnoreHostKey()}); err == nil {
		t.Error("a client without the join code got in")
	}
	if info, err := os.Stat(key); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("host key: %v %v", info, err)
	}

	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "s", HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Auth: []gossh.AuthMethod{gossh.Password(m[1])}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var out lockedBuffer
	sess.Stdout, sess.Stderr = &out, &out
	in, _ := sess.StdinPipe()
	if err := sess.RequestPty("xterm", 24, 80, nil); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	in.Write([]byte("\x1b[?62;22c")) // a terminal's answer to the renderer's query
	for !strings.Contains(ansi.Strip(out.String()), "n 20↻  d 50↻") {
		if time.Now().After(deadline) {
			t.Fatalf("no explorer on the screen:\n%q", tailOf(out.String(), 600))
		}
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	cancel() // SIGINT
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("status %d", code)
		}
	case <-time.After(6 * time.Second):
		t.Fatal("serve did not stop within 6 s of SIGINT")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("stopping took %v", d)
	}
	sess.Wait()
	if !strings.Contains(out.String(), "sgdbias: the server is shutting down") {
		t.Errorf("the session was not told:\n%q", tailOf(out.String(), 400))
	}
	if log := stderr.String(); !strings.Contains(log, "connect session=1") || !strings.Contains(log, `reason="the server is shutting down"`) {
		t.Errorf("log:\n%s", log)
	}
}

func tailOf(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// A scenario saved from the explorer (s) loads with --config and gives the
// runs it describes.
func TestSavedScenarioLoads(t *testing.T) {
	sc := live.Scenario{Setup: sim.Setup{Algos: []sim.Algo{sim.GF, sim.SGD}, Alpha: 0.05,
		Params: sim.Params{Step: 0.04, Noise: 0.04, Batch: 3}, Seed: 7, Horizon: sim.Horizon{Steps: 300},
		Spec: problem.Spec{N: 12, D: 30, S: 3, Beta: problem.BetaSpec{Kind: "pm1"}, Features: problem.FeatureSpec{Kind: "iso"}, Seed: 7}}}
	r, err := live.Start(sc, live.Options{Paused: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	path := filepath.Join(t.TempDir(), "saved.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := ui.WriteScenario(f, ui.ScenarioOf(r.Snapshot())); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, errs, code := invoke(t, "run", "--config", path, "--format", "json", "--no-references", "--no-timing")
	if code != 0 {
		t.Fatalf("run --config: status %d\n%s", code, errs)
	}
	var res struct {
		Config map[string]any `json:"config"`
		Runs   []struct {
			Algo  string `json:"algo"`
			Steps int    `json:"steps"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(res.Config)
	for _, want := range []string{`"alpha":0.05`, `"step":0.04`, `"batch":3`, `"seed":7`, `"n":12`, `"d":30`} {
		if !strings.Contains(string(got), want) {
			t.Errorf("config lacks %s: %s", want, got)
		}
	}
	if len(res.Runs) != 2 || res.Runs[0].Algo != "gf" || res.Runs[1].Algo != "sgd" || res.Runs[1].Steps != 300 {
		t.Errorf("runs %+v, want gf and sgd over 300 steps", res.Runs)
	}
}

// The banner's addresses: a loopback address is flagged (nobody else can
// reach it); a wildcard lists the machine's non-loopback addresses of the
// right family, never a loopback one, never a hostname or [::].
func TestServeReachable(t *testing.T) {
	hosts, port, loop := reachable(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 2222})
	if !loop || port != "2222" || len(hosts) != 1 || hosts[0] != "127.0.0.1" {
		t.Errorf("127.0.0.1: %v %s loopback %v", hosts, port, loop)
	}
	hosts, _, loop = reachable(&net.TCPAddr{IP: net.IPv4zero, Port: 22})
	for _, h := range hosts {
		ip := net.ParseIP(h)
		if ip == nil || (ip.IsLoopback() && !loop) || ip.To4() == nil || ip.IsUnspecified() {
			t.Errorf("0.0.0.0 lists %q (loopback fallback %v)", h, loop)
		}
	}
	hosts, _, _ = reachable(&net.TCPAddr{IP: net.IPv6unspecified, Port: 22})
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip == nil || ip.IsUnspecified() || strings.Contains(h, "[") {
			t.Errorf("[::] lists %q", h)
		}
	}
	hosts, _, loop = reachable(&net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 22})
	if loop || len(hosts) != 1 || hosts[0] != "192.0.2.7" {
		t.Errorf("192.0.2.7: %v loopback %v", hosts, loop)
	}
}
