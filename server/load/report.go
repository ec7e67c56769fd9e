package load

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"
)

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
