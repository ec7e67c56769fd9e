// Package load measures an sgdbias SSH server under many sessions: it opens
// them like students would (a PTY, a terminal that answers the renderer's
// queries), presses keys now and then, and reports the interval between
// frames, the time from a key press to the frame that shows it, and the
// server's memory per session (from /proc when its process id is given).
// cmd-less use: go run ./server/loadtest -addr 127.0.0.1:2222 -sessions 100.
package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

// Options of a load run.
type Options struct {
	Addr     string
	Sessions int
	// Duration is the measuring window, after every session is connected
	// and has drawn its first frame (default 20 s).
	Duration time.Duration
	// KeyEvery is the mean time between two key presses of a session
	// (default 2 s); presses alternate tab (the screen alone changes) and
	// space (the simulation pauses or runs: a command to its runner).
	KeyEvery time.Duration
	// Width and Height are the terminals' size (default 80×24).
	Width, Height int
	// Ramp is the pause between two connections (default 20 ms).
	Ramp time.Duration
	// Client authenticates the sessions (default: user "load", no key,
	// an empty password).
	Client *gossh.ClientConfig
	// PID is the server's process; its resident memory is read before and
	// during the load (Linux /proc). 0: not measured.
	PID int
	// Progress, when set, gets a line per phase.
	Progress io.Writer
	// Loaded, when set, is called at the end of the window while every
	// session is still open (to measure an in-process server).
	Loaded func()
	// Presenter, when set, logs in one presenter session first and starts
	// the stage (space); the other sessions then follow it and press tab
	// only (a follower's space is refused).
	Presenter *gossh.ClientConfig
}

// Quantiles summarise durations.
type Quantiles struct {
	N             int
	P50, P95, Max time.Duration
}

func quantiles(d []time.Duration) Quantiles {
	if len(d) == 0 {
		return Quantiles{}
	}
	slices.Sort(d)
	at := func(p float64) time.Duration { return d[min(len(d)-1, int(p*float64(len(d))))] }
	return Quantiles{N: len(d), P50: at(0.5), P95: at(0.95), Max: d[len(d)-1]}
}

func (q Quantiles) String() string {
	if q.N == 0 {
		return "no samples"
	}
	ms := func(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) }
	return fmt.Sprintf("p50 %s ms, p95 %s ms, max %s ms (n = %d)", ms(q.P50), ms(q.P95), ms(q.Max), q.N)
}

// Report is what a run measured.
type Report struct {
	Sessions, Connected int
	Window              time.Duration
	// FrameInterval is the time between two consecutive frames of a session.
	FrameInterval Quantiles
	// FPS is the mean frame rate of a session.
	FPS float64
	// KeyToFrame is from a key press to the first frame showing it; KeyUI
	// (tab) and KeySim (space, through the runner) split it.
	KeyToFrame, KeyUI, KeySim Quantiles
	KeysLost                  int // presses whose effect never showed (within 5 s)
	// PresenterKey is the presenter's key-to-frame (tab), with a stage.
	PresenterKey Quantiles
	// RSSBefore and RSSLoaded are the server's resident memory before the
	// sessions and with all of them open (0: not measured).
	RSSBefore, RSSLoaded int64
	// CPU is the server's CPU time during the window over its length (in
	// cores; 0: not measured).
	CPU    float64
	Errors []string
}

// PerSession is the server's memory per session (0: not measured).
func (r *Report) PerSession() float64 {
	if r.RSSLoaded == 0 || r.Connected == 0 {
		return 0
	}
	return float64(r.RSSLoaded-r.RSSBefore) / float64(r.Connected)
}

// Print writes the report.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "sessions            %d connected of %d, measured for %v\n", r.Connected, r.Sessions, r.Window.Round(time.Second))
	fmt.Fprintf(w, "frame interval      %v\n", r.FrameInterval)
	fmt.Fprintf(w, "frames per second   %.1f per session\n", r.FPS)
	fmt.Fprintf(w, "key to frame        %v\n", r.KeyToFrame)
	if r.KeySim.N > 0 {
		fmt.Fprintf(w, "  tab (screen only) %v\n", r.KeyUI)
		fmt.Fprintf(w, "  space (runner)    %v\n", r.KeySim)
	}
	if r.PresenterKey.N > 0 {
		fmt.Fprintf(w, "presenter key→frame %v\n", r.PresenterKey)
	}
	fmt.Fprintf(w, "keys lost           %d\n", r.KeysLost)
	if r.CPU > 0 {
		fmt.Fprintf(w, "server CPU          %.2f cores\n", r.CPU)
	}
	if r.RSSLoaded > 0 {
		fmt.Fprintf(w, "server memory       %.1f MB before, %.1f MB with the sessions: %.2f MB per session\n",
			float64(r.RSSBefore)/1e6, float64(r.RSSLoaded)/1e6, r.PerSession()/1e6)
	}
	for i, e := range r.Errors {
		if i == 10 {
			fmt.Fprintf(w, "… and %d more errors\n", len(r.Errors)-10)
			break
		}
		fmt.Fprintln(w, "error:", e)
	}
}

const (
	frameStart = "\x1b[H" // every alt-screen repaint starts at home
	da1Query   = "\x1b[c"
	bgQuery    = "\x1b]11;?\x07"
	da1Answer  = "\x1b[?62;22c"
	bgAnswer   = "\x1b]11;rgb:0000/0000/0000\x1b\\"
)

// paramCycle is the order tab walks the parameters, from γ.
var paramCycle = []string{"noise", "batch", "n", "d", "s", "seed", "α", "γ"}

// Run opens the sessions, measures for the window and closes them.
func Run(ctx context.Context, opt Options) (*Report, error) {
	if opt.Sessions <= 0 {
		return nil, errors.New("load: no sessions")
	}
	if opt.Duration <= 0 {
		opt.Duration = 20 * time.Second
	}
	if opt.KeyEvery <= 0 {
		opt.KeyEvery = 2 * time.Second
	}
	if opt.Width <= 0 || opt.Height <= 0 {
		opt.Width, opt.Height = 80, 24
	}
	if opt.Ramp <= 0 {
		opt.Ramp = 20 * time.Millisecond
	}
	if opt.Client == nil {
		opt.Client = &gossh.ClientConfig{User: "load", Auth: []gossh.AuthMethod{
			gossh.KeyboardInteractive(func(_, _ string, q []string, _ []bool) ([]string, error) { return make([]string, len(q)), nil }),
			gossh.Password(""),
		}}
	}
	if opt.Client.HostKeyCallback == nil {
		opt.Client.HostKeyCallback = gossh.InsecureIgnoreHostKey() // loopback load test
	}
	progress := func(format string, a ...any) {
		if opt.Progress != nil {
			fmt.Fprintf(opt.Progress, format+"\n", a...)
		}
	}
	rep := &Report{Sessions: opt.Sessions}
	if opt.PID > 0 {
		rep.RSSBefore = rss(opt.PID)
	}

	var p *session
	if opt.Presenter != nil {
		if opt.Presenter.HostKeyCallback == nil {
			opt.Presenter.HostKeyCallback = gossh.InsecureIgnoreHostKey()
		}
		popt := opt
		popt.Client = opt.Presenter
		var err error
		p, err = connect(popt, -1)
		if err != nil {
			return rep, fmt.Errorf("load: presenter: %w", err)
		}
		defer p.close()
		if !p.press(ctx, " ", "▶ running", true) {
			return rep, errors.New("load: the presenter could not start the stage")
		}
		progress("presenter connected; the stage runs")
	}
	progress("connecting %d sessions to %s…", opt.Sessions, opt.Addr)
	sessions := make([]*session, 0, opt.Sessions)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range opt.Sessions {
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := connect(opt, i)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				rep.Errors = append(rep.Errors, fmt.Sprintf("session %d: %v", i, err))
				return
			}
			sessions = append(sessions, s)
		}()
		time.Sleep(opt.Ramp)
	}
	wg.Wait()
	defer func() {
		for _, s := range sessions {
			s.close()
		}
	}()
	rep.Connected = len(sessions)
	if rep.Connected == 0 {
		return rep, errors.New("load: no session could connect")
	}
	progress("%d sessions up; measuring for %v…", rep.Connected, opt.Duration)

	start := time.Now()
	cpu0 := cpuTime(opt.PID)
	for _, s := range sessions {
		s.mu.Lock()
		s.measuring = true
		s.mu.Unlock()
	}
	mctx, cancel := context.WithTimeout(ctx, opt.Duration)
	defer cancel()
	for _, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.typeKeys(mctx, opt.KeyEvery, opt.Presenter == nil)
		}()
	}
	if p != nil { // the presenter moves through the parameters (tab)
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.typeKeys(mctx, opt.KeyEvery/2, false)
		}()
	}
	<-mctx.Done()
	if opt.Loaded != nil {
		opt.Loaded()
	}
	if opt.PID > 0 {
		rep.RSSLoaded = rss(opt.PID)
		rep.CPU = (cpuTime(opt.PID) - cpu0).Seconds() / time.Since(start).Seconds()
	}
	wg.Wait()
	rep.Window = time.Since(start)

	var intervals, keys, ui, sim []time.Duration
	frames := 0
	for _, s := range sessions {
		s.mu.Lock()
		for i := 1; i < len(s.frames); i++ {
			intervals = append(intervals, s.frames[i].Sub(s.frames[i-1]))
		}
		frames += len(s.frames)
		ui = append(ui, s.keyUI...)
		sim = append(sim, s.keySim...)
		rep.KeysLost += s.lost
		if s.err != "" {
			rep.Errors = append(rep.Errors, s.err)
		}
		s.mu.Unlock()
	}
	keys = append(append(keys, ui...), sim...)
	if p != nil {
		p.mu.Lock()
		rep.PresenterKey = quantiles(p.keyUI)
		rep.KeysLost += p.lost
		p.mu.Unlock()
	}
	rep.FrameInterval, rep.KeyToFrame, rep.KeyUI, rep.KeySim = quantiles(intervals), quantiles(keys), quantiles(ui), quantiles(sim)
	rep.FPS = float64(frames) / float64(len(sessions)) / rep.Window.Seconds()
	return rep, nil
}

// session is one simulated student.
type session struct {
	id     int
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.Writer

	mu        sync.Mutex
	measuring bool
	frames    []time.Time
	tail      string // the last bytes, for sequences split between reads
	want      string // the marker a key press waits for
	pressed   time.Time
	window    []byte // output since the press
	got       chan time.Time
	keyUI     []time.Duration
	keySim    []time.Duration
	lost      int
	err       string
	firstSeen chan struct{}
	head      []byte // output until the first frame
}

func connect(opt Options, id int) (*session, error) {
	c, err := gossh.Dial("tcp", opt.Addr, opt.Client)
	if err != nil {
		return nil, err
	}
	s := &session{id: id, client: c, firstSeen: make(chan struct{})}
	fail := func(err error) (*session, error) { c.Close(); return nil, err }
	s.sess, err = c.NewSession()
	if err != nil {
		return fail(err)
	}
	if s.stdin, err = s.sess.StdinPipe(); err != nil {
		return fail(err)
	}
	stdout, err := s.sess.StdoutPipe()
	if err != nil {
		return fail(err)
	}
	var stderr strings.Builder
	s.sess.Stderr = &stderr
	if err := s.sess.RequestPty("xterm-256color", opt.Height, opt.Width, gossh.TerminalModes{}); err != nil {
		return fail(err)
	}
	if err := s.sess.Shell(); err != nil {
		return fail(err)
	}
	go s.read(stdout)
	select {
	case <-s.firstSeen:
		return s, nil
	case <-time.After(30 * time.Second):
		return fail(fmt.Errorf("no explorer after 30 s; stderr %q", stderr.String()))
	}
}

func (s *session) read(r io.Reader) {
	buf := make([]byte, 32*1024)
	first := true
	for {
		n, err := r.Read(buf)
		if n > 0 {
			now := time.Now()
			s.take(buf[:n], now, &first)
		}
		if err != nil {
			return
		}
	}
}

// take handles a chunk of output: counts frames, answers queries, and
// looks for the marker of a pending key press.
func (s *session) take(p []byte, now time.Time, first *bool) {
	s.mu.Lock()
	old := s.tail
	text := old + string(p)
	s.tail = text[max(0, len(text)-16):]
	if s.measuring {
		for range strings.Count(text, frameStart) - strings.Count(old, frameStart) {
			s.frames = append(s.frames, now)
		}
	}
	answer := ""
	if strings.Contains(text, bgQuery) {
		answer += bgAnswer
	}
	if strings.Contains(text, da1Query) {
		answer += da1Answer
	}
	if s.want != "" {
		s.window = append(s.window, p...)
		if strings.Contains(ansi.Strip(string(s.window)), s.want) {
			s.want, s.window = "", nil
			select {
			case s.got <- now:
			default:
			}
		}
	}
	seen := false
	if *first {
		s.head = append(s.head, p...)
		seen = strings.Contains(ansi.Strip(string(s.head)), "sgdbias │")
		if seen {
			s.head = nil
		}
	}
	s.mu.Unlock()
	if answer != "" {
		go s.stdin.Write([]byte(answer))
	}
	if seen {
		*first = false
		close(s.firstSeen)
	}
}

// typeKeys presses tab and space in turn at random intervals around
// every, timing each until its effect shows.
func (s *session) typeKeys(ctx context.Context, every time.Duration, space bool) {
	rng := rand.New(rand.NewPCG(uint64(s.id), 7))
	param := 0
	for n := 0; ; n++ {
		wait := time.Duration((0.5 + rng.Float64()) * float64(every))
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		if n%2 == 0 || !space {
			if !s.press(ctx, "\t", "▸"+paramCycle[param%len(paramCycle)]+" ", false) {
				return
			}
			param++
			continue
		}
		// Pause, and once the screen says so, run again: the clock is
		// stopped only for the time of a key press.
		if !s.press(ctx, " ", "‖ paused", true) || !s.press(ctx, " ", "▶ running", true) {
			return
		}
	}
}

// press types key and times it until marker shows; false when the session
// is gone.
func (s *session) press(ctx context.Context, key, marker string, sim bool) bool {
	{
		got := make(chan time.Time, 1)
		s.mu.Lock()
		s.want, s.window, s.got = marker, nil, got
		pressed := time.Now()
		s.mu.Unlock()
		if _, err := s.stdin.Write([]byte(key)); err != nil {
			s.mu.Lock()
			s.err = fmt.Sprintf("session %d: %v", s.id, err)
			s.mu.Unlock()
			return false
		}
		select {
		case at := <-got:
			s.mu.Lock()
			if sim {
				s.keySim = append(s.keySim, at.Sub(pressed))
			} else {
				s.keyUI = append(s.keyUI, at.Sub(pressed))
			}
			s.mu.Unlock()
		case <-time.After(5 * time.Second):
			s.mu.Lock()
			s.lost++
			s.want = ""
			s.mu.Unlock()
		case <-ctx.Done():
			return false
		}
	}
	return true
}

func (s *session) close() {
	s.sess.Close()
	s.client.Close()
}

// rss is a process's resident memory in bytes (Linux), 0 if unknown.
func rss(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// cpuTime is a process's user and system CPU time (Linux), 0 if unknown.
func cpuTime(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command (which may hold spaces) in parentheses.
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ = 100 on Linux
}
