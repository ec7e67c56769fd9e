package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/progress"
	"golang.org/x/term"
)

// defaultProgressEvery is how often the plain progress line is written when
// stderr is not a terminal (a batch log).
const defaultProgressEvery = 10 * time.Second

// progressBar reports the progress of long work on stderr: on a terminal a
// bubbles progress bar with an ETA, redrawn at most ten times a second; off
// a terminal (a Slurm log, a file) a plain line every few seconds, so that
// logs show that the work is alive and how long it will take.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	bar   progress.Model
	start time.Time
	last  time.Time
	mode  progressMode
	drawn bool

	// The state the plain line reports.
	name                     string // e.g. "sgdbias sweep"
	finished, total, resumed int    // counted units (jobs); total 0 when unknown
	frac                     float64
	stop                     chan struct{}
	stopped                  sync.WaitGroup
	now                      func() time.Time
}

type progressMode int

const (
	progressOff   progressMode = iota
	progressBarUI              // a terminal
	progressPlain              // a plain line every interval
)

// newProgressBar picks the mode from w: a bar on a terminal, plain lines
// every defaultProgressEvery on any other file, nothing with quiet or when
// w is not a file (tests capture stderr in buffers).
func newProgressBar(w io.Writer, quiet bool) *progressBar {
	return newProgressFor(w, quiet, "sgdbias", defaultProgressEvery)
}

// newProgressFor is newProgressBar with the plain line's prefix and interval.
func newProgressFor(w io.Writer, quiet bool, name string, every time.Duration) *progressBar {
	mode := progressOff
	if f, isFile := w.(*os.File); isFile && !quiet {
		mode = progressPlain
		if term.IsTerminal(int(f.Fd())) {
			mode = progressBarUI
		}
	}
	return newProgressMode(w, mode, name, every)
}

// newProgressMode starts a reporter in a given mode; plain mode writes its
// line every interval from a goroutine until done is called.
func newProgressMode(w io.Writer, mode progressMode, name string, every time.Duration) *progressBar {
	p := &progressBar{
		w: w, mode: mode, name: name, now: time.Now,
		bar:   progress.New(progress.WithDefaultGradient(), progress.WithWidth(40)),
		start: time.Now(),
	}
	if mode == progressPlain && every > 0 {
		p.stop = make(chan struct{})
		p.stopped.Add(1)
		go p.tick(every)
	}
	return p
}

func (p *progressBar) tick(every time.Duration) {
	defer p.stopped.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			fmt.Fprintln(p.w, p.plainLine())
			p.mu.Unlock()
		}
	}
}

// set records the fraction done; safe from several goroutines.
func (p *progressBar) set(frac float64) { p.setCounts(0, 0, 0, frac) }

// setCounts records done of total units, of which resumed were done before
// this run began, and the fraction of the work done; safe from several
// goroutines.
func (p *progressBar) setCounts(done, total, resumed int, frac float64) {
	if p.mode == progressOff {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finished, p.total, p.resumed, p.frac = done, total, resumed, frac
	if p.mode != progressBarUI {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond && frac < 1 {
		return
	}
	p.last = now
	fmt.Fprintf(p.w, "\r%s  eta %s ", p.bar.ViewAs(frac), p.eta(now))
	p.drawn = true
}

// eta extrapolates the rate of this run's own work (resumed work excluded).
func (p *progressBar) eta(now time.Time) string {
	base := 0.0
	if p.total > 0 {
		base = float64(p.resumed) / float64(p.total)
	}
	gained := p.frac - base
	if gained <= 0.001 || p.frac >= 1 {
		if p.frac >= 1 {
			return "0s"
		}
		return "…"
	}
	elapsed := now.Sub(p.start)
	return (time.Duration(float64(elapsed) * (1 - p.frac) / gained)).Round(time.Second).String()
}

// plainLine is one line for a batch log, e.g.
// "sgdbias sweep: 120/5000 jobs (2.4%), 3.1 jobs/s, eta 26m12s, elapsed 40s".
func (p *progressBar) plainLine() string {
	now := p.now()
	elapsed := now.Sub(p.start)
	s := p.name + ": "
	if p.total > 0 {
		s += fmt.Sprintf("%d/%d jobs (%.1f%%)", p.finished, p.total, 100*p.frac)
		if secs := elapsed.Seconds(); secs > 0 {
			s += fmt.Sprintf(", %.3g jobs/s", float64(p.finished-p.resumed)/secs)
		}
	} else {
		s += fmt.Sprintf("%.1f%% done", 100*p.frac)
	}
	return s + fmt.Sprintf(", eta %s, elapsed %s", p.eta(now), elapsed.Round(time.Second))
}

// done stops the plain lines and erases the bar, so that what follows
// starts on a clean line.
func (p *progressBar) done() {
	if p.stop != nil {
		close(p.stop)
		p.stopped.Wait()
		p.stop = nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[2K")
	}
}
