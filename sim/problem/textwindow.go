package problem

import (
	"bytes"
	"io"
)

// textWindow passes a file's bytes to the JSON decoder and keeps those from
// the start of the token being read on, with the line where they start, so
// that an error can name its line and column without the file being held
// whole: the window is about the decoder's read-ahead, a few kilobytes.
type textWindow struct {
	src       io.Reader
	buf       []byte // the file's bytes from offset base on, as far as read
	base      int
	line      int // 1-based line of offset base
	lineStart int // offset where that line starts
}

func newTextWindow(src io.Reader) *textWindow {
	return &textWindow{src: src, line: 1}
}

func (w *textWindow) Read(p []byte) (int, error) {
	k, err := w.src.Read(p)
	w.buf = append(w.buf, p[:k]...)
	return k, err
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
