// Package quietterm keeps the terminal from being queried while the
// program's packages initialise. Bubble Tea's init asks Lip Gloss for the
// background colour, which sends an OSC 11 query to the terminal and waits
// up to five seconds for an answer that some terminals (the Linux console,
// serial lines, some CI and IDE terminals) never send: every command, even
// 'sgdbias version', would stall. This package is initialised before Bubble
// Tea (it imports only os, so it is ready long before) and sets TERM=dumb,
// for which termenv does not query; Restore puts TERM back before any
// command runs. Only the explorer queries the terminal, with a short
// timeout of its own.
package quietterm

import "os"

var (
	savedTerm string
	hadTerm   bool
)

func init() {
	savedTerm, hadTerm = os.LookupEnv("TERM")
	os.Setenv("TERM", "dumb")
}

// Restore gives TERM back its value from before the program started.
func Restore() {
	if hadTerm {
		os.Setenv("TERM", savedTerm)
	} else {
		os.Unsetenv("TERM")
	}
}
