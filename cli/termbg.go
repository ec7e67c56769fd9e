package cli

import (
	"os"
	"regexp"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// backgroundQueryTimeout bounds how long the explorer waits for the
// terminal to say its background colour; termenv's own query waits five
// seconds on a terminal that never answers.
const backgroundQueryTimeout = 500 * time.Millisecond

// oscReply is a terminal's answer to OSC 11: rgb:RRRR/GGGG/BBBB, each of
// 1–4 hex digits.
var oscReply = regexp.MustCompile(`\x1b\]11;rgb:([0-9a-fA-F]{1,4})/([0-9a-fA-F]{1,4})/([0-9a-fA-F]{1,4})`)

// queryDarkBackground asks the terminal on tty whether its background is
// dark, waiting at most timeout; ok is false when it did not say. A cursor
// position request follows the colour query: every terminal answers that
// one, so a terminal that ignores OSC 11 is known at once.
func queryDarkBackground(tty *os.File, timeout time.Duration) (dark, ok bool) {
	fd := int(tty.Fd())
	if !term.IsTerminal(fd) {
		return false, false
	}
	state, err := term.MakeRaw(fd)
	if err != nil {
		return false, false
	}
	defer term.Restore(fd, state)
	if _, err := tty.WriteString("\x1b]11;?\x1b\\\x1b[6n"); err != nil {
		return false, false
	}
	reply := readReply(fd, timeout)
	m := oscReply.FindSubmatch(reply)
	if m == nil {
		return false, false
	}
	var rgb [3]float64
	for k := range rgb {
		v, _ := strconv.ParseUint(string(m[k+1]), 16, 32)
		rgb[k] = float64(v) / float64(uint64(1)<<(4*len(m[k+1]))-1)
	}
	// Rec. 709 luma; below one half is a dark background.
	return 0.2126*rgb[0]+0.7152*rgb[1]+0.0722*rgb[2] < 0.5, true
}

// readReply reads from fd until the cursor position report ends the reply
// (ESC [ row ; col R) or timeout passes.
func readReply(fd int, timeout time.Duration) []byte {
	deadline := time.Now().Add(timeout)
	var reply []byte
	buf := make([]byte, 256)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return reply
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int(left.Milliseconds())+1)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n == 0 {
			return reply
		}
		k, err := unix.Read(fd, buf)
		if err != nil || k <= 0 {
			return reply
		}
		reply = append(reply, buf[:k]...)
		if cursorReport.Match(reply) {
			return reply
		}
	}
}

var cursorReport = regexp.MustCompile(`\x1b\[\d+;\d+R`)
