package cli

import (
	"testing"

	"github.com/creack/pty"
)

// A progress bar redraws its line with \r and an erase sequence, which a
// dumb terminal prints as garbage: TERM=dumb gets the plain lines.
func TestProgressOnADumbTerminalIsPlain(t *testing.T) {
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	defer master.Close()
	defer tty.Close()
	for term, want := range map[string]progressMode{"xterm-256color": progressDrawn, "dumb": progressPlain} {
		t.Setenv("TERM", term)
		if got := newProgressBar(tty, false).mode; got != want {
			t.Errorf("TERM=%s on a terminal: mode %d, want %d", term, got, want)
		}
	}
}
