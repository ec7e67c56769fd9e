package problem

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// MaxFileBytes caps the size of a problem file. MaxEntries numbers written
// by Write at full precision (at most 26 bytes each with separators) fit.
const MaxFileBytes = 1536 << 20

// Load reads a problem from a .json or .csv file (other names are sniffed: a
// file starting with '{' or '[' is JSON, anything else CSV) and validates it.
// Every error names the file, and the line and field where there is one.
func Load(path string) (*Problem, error) {
	if isCSVName(path) {
		return loadCSVFile(path)
	}
	data, err := readLimited(path)
	if err != nil {
		return nil, err
	}
	p, err := parse(path, data)
	if err != nil {
		return nil, err
	}
	p.Source = filepath.Base(path)
	return p, nil
}

// Read is Load for a stream (standard input): name is used in messages.
func Read(name string, r io.Reader) (*Problem, error) {
	data, err := readAllLimited(name, r)
	if err != nil {
		return nil, err
	}
	p, err := parse(name, data)
	if err != nil {
		return nil, err
	}
	p.Source = name
	return p, nil
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

// readLimited reads the file, refusing more than MaxFileBytes; the limit is
// also enforced while reading, for pipes and files that grow.
func readLimited(path string) ([]byte, error) {
	f, info, err := openProblemFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info.Mode().IsRegular() && info.Size() > MaxFileBytes {
		return nil, tooLarge(path)
	}
	return readAllLimited(path, f)
}

// readAllLimited reads r up to the limit. A NUL byte in the first block
// (/dev/zero, a binary file) is refused before the rest is read: neither
// format has one.
func readAllLimited(name string, r io.Reader) ([]byte, error) {
	head := make([]byte, 4096)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if bytes.IndexByte(head[:n], 0) >= 0 {
		return nil, fmt.Errorf("%s: binary data (a NUL byte near the start); want a .json or .csv text file", name)
	}
	rest, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1-int64(n)))
	data := append(head[:n], rest...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxFileBytes {
		return nil, tooLarge(name)
	}
	return data, nil
}

func emptyFile(name string) error {
	return fmt.Errorf("%s: file is empty; want a JSON object {\"X\": …, \"y\": …} or a CSV with header x1,…,xd,y", name)
}

func tooLarge(path string) error {
	return fmt.Errorf("%s: file is larger than the limit of %d MiB", path, MaxFileBytes>>20)
}

// parse decodes a whole file's bytes; name is used in error messages only.
func parse(name string, data []byte) (*Problem, error) {
	// A UTF-8 byte order mark would be a syntax error for both formats; blank
	// it out so that offsets, hence lines and columns, stay those of the file.
	if bytes.HasPrefix(data, []byte("\ufeff")) {
		data = append([]byte("   "), data[3:]...)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, emptyFile(name)
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return parseJSON(name, data)
	case ".csv":
		return parseCSV(name, data)
	}
	if first := bytes.TrimSpace(data)[0]; first == '{' || first == '[' {
		return parseJSON(name, data)
	}
	return parseCSV(name, data)
}

// lineIndex maps byte offsets of a file to 1-based lines and columns.
type lineIndex []int // offsets where lines start

func newLineIndex(data []byte) lineIndex {
	starts := lineIndex{0}
	for k, c := range data {
		if c == '\n' {
			starts = append(starts, k+1)
		}
	}
	return starts
}

// position returns the 1-based line and byte column of offset.
func (starts lineIndex) position(offset int) (line, col int) {
	line = sort.SearchInts(starts, offset+1) // first start > offset
	return line, offset - starts[line-1] + 1
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
