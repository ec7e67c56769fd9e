package problem

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// MaxFileBytes caps the size of a problem file. MaxEntries numbers written
// by Write at full precision (at most 26 bytes each with separators) fit.
const MaxFileBytes = 1536 << 20

// Load reads a problem from a .json or .csv file (other names are sniffed: a
// file starting with '{' or '[' is JSON, anything else CSV) and validates it.
// Every error names the file, and the line and field where there is one.
// The file is parsed as it is read, straight into X: loading needs about
// the size of X, not of the file (2–3 times larger at full precision).
func Load(path string) (*Problem, error) {
	defer tightenGC()()
	if isCSVName(path) {
		return loadCSVFile(path)
	}
	f, info, err := openProblemFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info.Mode().IsRegular() && info.Size() > MaxFileBytes {
		return nil, tooLarge(path)
	}
	p, err := readStream(path, f)
	if err != nil {
		return nil, err
	}
	p.Source = filepath.Base(path)
	return p, nil
}

// Read is Load for a stream (standard input): name is used in messages.
func Read(name string, r io.Reader) (*Problem, error) {
	defer tightenGC()()
	p, err := readStream(name, r)
	if err != nil {
		return nil, err
	}
	p.Source = name
	return p, nil
}

// readStream parses a problem from r as it is read, refusing more than
// MaxFileBytes and binary data (a NUL byte in the first block: neither
// format has one), and telling the format from the name or the first
// character.
func readStream(name string, r io.Reader) (*Problem, error) {
	in := bufio.NewReaderSize(&limitedReader{name: name, r: r, left: MaxFileBytes}, 1<<20)
	head, err := in.Peek(4096)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, fmt.Errorf("%s: binary data (a NUL byte near the start); want a .json or .csv text file", name)
	}
	var text io.Reader = in
	// A UTF-8 byte order mark would be a syntax error for both formats; read
	// it as blanks so that columns stay those of the file.
	if bytes.HasPrefix(head, []byte("\ufeff")) {
		in.Discard(3)
		text = io.MultiReader(strings.NewReader("   "), in)
		head = head[3:]
	}
	trimmed := bytes.TrimSpace(head)
	if len(trimmed) == 0 && len(head) < 4096 {
		return nil, emptyFile(name)
	}
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case ext == ".json":
		return readJSON(name, text)
	case ext == ".csv":
		return readCSV(name, text, 0)
	case len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '['):
		return readJSON(name, text)
	}
	return readCSV(name, text, 0)
}

// openProblemFile opens a problem file for reading, refusing a directory.
// The caller closes the file.
func openProblemFile(path string) (*os.File, os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if info.IsDir() {
		f.Close()
		return nil, nil, fmt.Errorf("%s: is a directory, want a .json or .csv file", path)
	}
	return f, info, nil
}

func emptyFile(name string) error {
	return fmt.Errorf("%s: file is empty; want a JSON object {\"X\": …, \"y\": …} or a CSV with header x1,…,xd,y", name)
}

func tooLarge(path string) error {
	return fmt.Errorf("%s: file is larger than the limit of %d MiB", path, MaxFileBytes>>20)
}

// finishLoaded fills the derived fields and validates; a failure caused by
// one row of X points at rowLines[row].
func finishLoaded(name string, p *Problem, rowLines []int) (*Problem, error) {
	p.Finish()
	if err := p.Validate(); err != nil {
		var rowErr *RowError
		if errors.As(err, &rowErr) && rowErr.Row < len(rowLines) {
			return nil, fmt.Errorf("%s:%d: %w", name, rowLines[rowErr.Row], err)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return p, nil
}

// tooManySamples is the error for n ≥ d, at the line of X[d-1], the row
// that makes n reach d.
func tooManySamples(name string, rowLines []int, d int) error {
	return fmt.Errorf("%s:%d: X has n = %d rows but only d = %d columns; need n < d so that interpolators exist (this line holds X[%d], the d-th row)",
		name, rowLines[d-1], len(rowLines), d, d-1)
}
