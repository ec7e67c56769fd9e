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
	"sync"
	"time"

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
