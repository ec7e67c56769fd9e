package load

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

// session is one simulated student: an SSH connection with a PTY whose
// output is read for frames and whose keys are pressed now and then.
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

// paramCycle is the order tab walks the parameters from γ in the default
// scenario (GF and SGF): the explorer offers only parameters that change a
// shown run, so the batch size (SGD's) is not in it.
var paramCycle = []string{"noise", "n", "d", "s", "seed", "α", "γ"}

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
