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

// plainInterval is how often a progress line is printed when stderr is not
// a terminal (a batch or cluster log).
const plainInterval = 10 * time.Second

// progressBar reports the fraction of a long job done on stderr. On a
// terminal it draws a bubbles progress bar with an ETA, at most ten times a
// second; elsewhere (a log file, a pipe) it prints one plain line every
// plainInterval, so that a batch log shows the job is alive.
type progressBar struct {
	mu       sync.Mutex
	w        io.Writer
	bar      progress.Model
	now      func() time.Time
	start    time.Time
	last     time.Time
	interval time.Duration // between plain lines
	mode     progressMode
	drawn    bool
	// base is the fraction done before this run began (a resumed sweep), so
	// that the ETA extrapolates this run's own rate.
	base float64
	// lastFrac and lastNote are the latest report, repeated by keepAlive.
	lastFrac float64
	lastNote string
}

type progressMode int

const (
	progressOff progressMode = iota
	progressDrawn
	progressPlain
)

// newProgressBar reports on w: a bar on a terminal (but TERM=dumb), plain
// lines elsewhere, nothing when quiet.
func newProgressBar(w io.Writer, quiet bool) *progressBar {
	p := &progressBar{w: w, now: time.Now, interval: plainInterval}
	p.start = p.now()
	p.last = p.start
	f, isFile := w.(*os.File)
	switch {
	case quiet:
		p.mode = progressOff
	case isFile && term.IsTerminal(int(f.Fd())) && os.Getenv("TERM") != "dumb":
		// A dumb terminal cannot erase a line: it gets the plain lines.
		p.mode = progressDrawn
		p.bar = progress.New(progress.WithDefaultGradient(), progress.WithWidth(40))
		p.last = time.Time{}
	default:
		p.mode = progressPlain
	}
	return p
}

// newProgressEvery is newProgressBar with plain lines every interval.
func newProgressEvery(w io.Writer, quiet bool, interval time.Duration) *progressBar {
	p := newProgressBar(w, quiet)
	p.interval = interval
	return p
}

// setCounts records done of total jobs, of which resumed were done before
// this run began, and the fraction of the work done (running jobs' parts
// included): the plain line adds "done/total jobs" and this run's jobs/s.
func (p *progressBar) setCounts(done, total, resumed int, frac float64) {
	if p.mode == progressOff {
		return
	}
	p.mu.Lock()
	if total > 0 {
		p.base = float64(resumed) / float64(total)
	}
	note := fmt.Sprintf("%d/%d jobs", done, total)
	if secs := p.now().Sub(p.start).Seconds(); secs > 0 {
		note += fmt.Sprintf(", %.3g jobs/s", float64(done-resumed)/secs)
	}
	p.mu.Unlock()
	p.setNote(frac, note)
}

// set records the fraction done; safe from several goroutines.
func (p *progressBar) set(frac float64) { p.setNote(frac, "") }

// setNote is set with a few words on where the job is (e.g. "cell 3/40"),
// shown after the fraction.
func (p *progressBar) setNote(frac float64, note string) {
	if p.mode == progressOff {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lastFrac, p.lastNote = frac, note
	now := p.now()
	switch p.mode {
	case progressDrawn:
		if now.Sub(p.last) < 100*time.Millisecond && frac < 1 {
			return
		}
		p.last = now
		fmt.Fprintf(p.w, "\r%s  eta %s %s", p.bar.ViewAs(frac), p.eta(now, frac), note)
		p.drawn = true
	case progressPlain:
		if now.Sub(p.last) < p.interval || frac >= 1 {
			return
		}
		p.last = now
		line := fmt.Sprintf("progress: %.0f%% after %s, eta %s", 100*frac, now.Sub(p.start).Round(time.Second), p.eta(now, frac))
		if note != "" {
			line += ", " + note
		}
		fmt.Fprintln(p.w, line)
	}
}

// keepAlive repeats the latest report every interval in plain mode, for
// jobs that report rarely (a run reports at its samples only), so that a
// batch log shows a plain line every interval all the same. stop ends it.
func (p *progressBar) keepAlive() (stop func()) {
	if p.mode != progressPlain {
		return func() {}
	}
	quit := make(chan struct{})
	ticker := time.NewTicker(p.interval)
	go func() {
		defer ticker.Stop()
		for {
			select {
			case <-quit:
				return
			case <-ticker.C:
				p.mu.Lock()
				frac, note := p.lastFrac, p.lastNote
				p.mu.Unlock()
				p.setNote(frac, note)
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(quit) }) }
}

// eta extrapolates the time left from this run's rate so far.
func (p *progressBar) eta(now time.Time, frac float64) string {
	if elapsed, gained := now.Sub(p.start), frac-p.base; gained > 0.01*(1-p.base) {
		return (time.Duration(float64(elapsed) * (1 - frac) / gained)).Round(time.Second).String()
	}
	return "…"
}

// done erases the bar so that what follows starts on a clean line.
func (p *progressBar) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[2K")
	}
}
