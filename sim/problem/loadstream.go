package problem

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// isCSVName reports whether a file is loaded as CSV by its name.
func isCSVName(path string) bool {
	return strings.ToLower(filepath.Ext(path)) == ".csv"
}

// loadCSVFile loads a .csv file without holding its text: a first pass
// counts its lines (an upper bound on the rows), a second parses it
// straight into X, so that loading needs about the size of X, not of the
// file (which is 2–3 times larger at full precision).
func loadCSVFile(path string) (*Problem, error) {
	f, info, err := openProblemFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if !info.Mode().IsRegular() {
		// A pipe or device cannot be read twice to count its lines.
		return finishLoad(path, f)
	}
	if info.Size() > MaxFileBytes {
		return nil, tooLarge(path)
	}
	lines, err := countLines(path, f)
	if err != nil {
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	in := bufio.NewReaderSize(&limitedReader{name: path, r: f, left: MaxFileBytes}, 1<<20)
	// A UTF-8 byte order mark would break the header's first name.
	if head, _ := in.Peek(3); bytes.Equal(head, []byte("\ufeff")) {
		in.Discard(3)
	}
	p, err := readCSV(path, in, lines+1)
	if err != nil {
		return nil, err
	}
	p.Source = filepath.Base(path)
	return p, nil
}

func finishLoad(path string, r io.Reader) (*Problem, error) {
	p, err := readStream(path, r)
	if err != nil {
		return nil, err
	}
	p.Source = filepath.Base(path)
	return p, nil
}

// countLines counts the newlines of f, refusing binary data (a NUL byte in
// the first 4096 bytes, as readStream) and files that grow past
// MaxFileBytes while being read.
func countLines(name string, f io.Reader) (int, error) {
	buf := make([]byte, 1<<20)
	var lines, total int
	for {
		k, err := f.Read(buf)
		if total == 0 && bytes.IndexByte(buf[:min(k, 4096)], 0) >= 0 {
			return 0, fmt.Errorf("%s: binary data (a NUL byte near the start); want a .json or .csv text file", name)
		}
		total += k
		if total > MaxFileBytes {
			return 0, tooLarge(name)
		}
		lines += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			return lines, nil
		}
		if err != nil {
			return 0, fmt.Errorf("%s: %w", name, err)
		}
	}
}

// limitedReader fails once more than left bytes were read: a file that
// grew between the two passes.
type limitedReader struct {
	name string
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	k, err := l.r.Read(p)
	l.left -= int64(k)
	if l.left < 0 {
		return k, tooLarge(l.name)
	}
	return k, err
}
