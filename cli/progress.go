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

// progressBar draws a bubbles progress bar with an ETA on stderr, at most ten
// times a second, and only when stderr is a terminal.
type progressBar struct {
	mu      sync.Mutex
	w       io.Writer
	bar     progress.Model
	start   time.Time
	last    time.Time
	enabled bool
	drawn   bool
}

func newProgressBar(w io.Writer, quiet bool) *progressBar {
	f, isFile := w.(*os.File)
	return &progressBar{
		w:       w,
		bar:     progress.New(progress.WithDefaultGradient(), progress.WithWidth(40)),
		start:   time.Now(),
		enabled: !quiet && isFile && term.IsTerminal(int(f.Fd())),
	}
}

// set records the fraction done; safe from several goroutines.
func (p *progressBar) set(frac float64) {
	if !p.enabled {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond && frac < 1 {
		return
	}
	p.last = now
	eta := "…"
	if elapsed := now.Sub(p.start); frac > 0.01 {
		eta = (time.Duration(float64(elapsed) * (1 - frac) / frac)).Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "\r%s  eta %s ", p.bar.ViewAs(frac), eta)
	p.drawn = true
}

// done erases the bar so that what follows starts on a clean line.
func (p *progressBar) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[2K")
	}
}
