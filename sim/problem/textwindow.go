package problem

import (
	"bytes"
	"io"
)

// textWindow holds a file's bytes from the start of the token being read on,
// with the line where they start, so that an error can name its line and
// column without the file being held whole: the window is about one read
// block and one token. The JSON scanner reads straight from buf; the
// decoder reads through Read, which hands out the bytes from offset read
// on, first those already in buf.
type textWindow struct {
	src       io.Reader
	err       error  // the error src returned (io.EOF at its end); src is not read again
	mem       []byte // the array buf lives in
	buf       []byte // the file's bytes from offset base on, as far as read
	base      int
	read      int // offset of the next byte Read hands out
	line      int // 1-based line of offset base
	lineStart int // offset where that line starts
}

// windowBlock is how much a fill asks src for at least.
const windowBlock = 64 << 10

func newTextWindow(src io.Reader) *textWindow {
	return &textWindow{src: src, line: 1}
}

// end is the offset just past the bytes read so far.
func (w *textWindow) end() int { return w.base + len(w.buf) }

func (w *textWindow) Read(p []byte) (int, error) {
	if w.read == w.end() && !w.fill() {
		return 0, w.err
	}
	k := copy(p, w.buf[w.read-w.base:])
	w.read += k
	return k, nil
}

// fill reads more of src into buf and reports whether bytes came. The
// first error src returns (io.EOF at its end) is kept in err, and src is
// not read again; a source that returns nothing a hundred times in a row
// fails with io.ErrNoProgress, as bufio does.
func (w *textWindow) fill() bool {
	if w.err != nil {
		return false
	}
	if cap(w.buf)-len(w.buf) < windowBlock {
		// Move the window to the front of its array, or of one twice as
		// large when it holds a long token, so that a long token costs
		// amortised constant copying per byte.
		if len(w.buf)+windowBlock > cap(w.mem) {
			w.mem = make([]byte, max(2*len(w.buf), windowBlock)+windowBlock)
		}
		w.buf = w.mem[:copy(w.mem, w.buf)]
	}
	for range 100 {
		k, err := w.src.Read(w.buf[len(w.buf):cap(w.buf)])
		w.buf = w.buf[:len(w.buf)+k]
		if err != nil {
			w.err = err
		}
		if k > 0 || err != nil {
			return k > 0
		}
	}
	w.err = io.ErrNoProgress
	return false
}

// forget drops the bytes before offset, counting their lines.
func (w *textWindow) forget(offset int) {
	k := min(offset-w.base, len(w.buf))
	if k <= 0 {
		return
	}
	dropped := w.buf[:k]
	if n := bytes.Count(dropped, []byte{'\n'}); n > 0 {
		w.line += n
		w.lineStart = w.base + bytes.LastIndexByte(dropped, '\n') + 1
	}
	w.buf = w.buf[k:]
	w.base += k
}

// position returns the 1-based line and byte column of offset (≥ base).
func (w *textWindow) position(offset int) (line, col int) {
	seg := w.buf[:max(0, min(offset-w.base, len(w.buf)))]
	line, start := w.line, w.lineStart
	if n := bytes.Count(seg, []byte{'\n'}); n > 0 {
		line += n
		start = w.base + bytes.LastIndexByte(seg, '\n') + 1
	}
	return line, offset - start + 1
}

// from returns the bytes read from offset on (empty before base or past
// what was read).
func (w *textWindow) from(offset int) []byte {
	k := offset - w.base
	if k < 0 || k > len(w.buf) {
		return nil
	}
	return w.buf[k:]
}

// lastNonSpace is the offset of the last byte read that is not JSON
// whitespace, or base when there is none.
func (w *textWindow) lastNonSpace() int {
	return w.base + max(len(bytes.TrimRight(w.buf, " \t\r\n"))-1, 0)
}
