package problem

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// csvTable collects the samples of a CSV file with the line of each.
type csvTable struct {
	name     string
	d        int
	x        *rowStore
	y        []float64
	rowLines []int
}

// readCSV parses a CSV stream with at most maxRows lines (0: unknown). With
// a bound, X is allocated once with room for maxRows rows, so that it never
// grows by copying (its pages that no row reaches are never touched, so
// they cost address space, not memory); without, it is collected in chunks
// (rowStore).
func readCSV(name string, r io.Reader, maxRows int) (*Problem, error) {
	reader := csv.NewReader(r)
	reader.FieldsPerRecord = -1 // counted here, for a clearer message
	reader.ReuseRecord = true
	header, err := reader.Read()
	if errors.Is(err, io.EOF) {
		return nil, emptyFile(name)
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	headerLine, _ := reader.FieldPos(0)
	d, err := checkHeader(header)
	if err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, headerLine, err)
	}
	table := &csvTable{name: name, d: d, x: newRowStore(0)}
	if rows := min(maxRows, MaxEntries/d+1); rows > 0 {
		table.x = newRowStore(rows * d)
		table.y = make([]float64, 0, rows)
	}
	for {
		record, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := reader.FieldPos(0)
		if err := table.addRow(record, line); err != nil {
			return nil, err
		}
	}
	return table.problem(headerLine)
}

// csvError gives a reader error the file:line:column form.
func csvError(name string, err error) error {
	var parseErr *csv.ParseError
	if errors.As(err, &parseErr) {
		return fmt.Errorf("%s:%d:%d: invalid CSV: %v", name, parseErr.Line, parseErr.Column, parseErr.Err)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// columnName is the header name of column k of a file with d features.
func columnName(k, d int) string {
	if k == d {
		return "y"
	}
	return fmt.Sprintf("x%d", k+1)
}

// expectedHeader spells the header of a file with d features, eliding the
// middle of long ones.
func expectedHeader(d int) string {
	if d <= 4 {
		names := make([]string, d+1)
		for k := range names {
			names[k] = columnName(k, d)
		}
		return strings.Join(names, ",")
	}
	return fmt.Sprintf("x1,x2,…,x%d,y", d)
}

// checkHeader checks that the header is exactly x1,…,xd,y and returns d.
func checkHeader(header []string) (int, error) {
	if len(header) < 3 {
		return 0, fmt.Errorf("header has %s; want x1,…,xd,y with d ≥ 2 features, e.g. %s",
			plural(len(header), "column", "columns"), expectedHeader(2))
	}
	d := len(header) - 1
	for k, got := range header {
		if want := columnName(k, d); strings.TrimSpace(got) != want {
			return 0, fmt.Errorf("header column %d is %q, want %q (the first line must be the header %s)",
				k+1, clip(got), want, expectedHeader(d))
		}
	}
	return d, nil
}

// addRow parses one sample.
func (t *csvTable) addRow(record []string, line int) error {
	if len(record) != t.d+1 {
		return fmt.Errorf("%s:%d: row has %s, want %d (%s)", t.name, line, plural(len(record), "field", "fields"), t.d+1, expectedHeader(t.d))
	}
	if t.x.len()+t.d > MaxEntries {
		return fmt.Errorf("%s:%d: X: more than %d numbers; allowed n·d ≤ %d", t.name, line, MaxEntries, MaxEntries)
	}
	for k, field := range record {
		v, err := parseFloat(field)
		if err != nil {
			return fmt.Errorf("%s:%d: column %s: %w", t.name, line, columnName(k, t.d), err)
		}
		if k < t.d {
			t.x.push(v)
		} else {
			t.y = append(t.y, v)
		}
	}
	t.rowLines = append(t.rowLines, line)
	return nil
}

// problem checks the sample count and builds the Problem.
func (t *csvTable) problem(headerLine int) (*Problem, error) {
	n := len(t.rowLines)
	if n == 0 {
		return nil, fmt.Errorf("%s:%d: no data rows after the header", t.name, headerLine)
	}
	if n >= t.d {
		return nil, tooManySamples(t.name, t.rowLines, t.d)
	}
	p := &Problem{N: n, D: t.d, X: t.x.assemble(), Y: t.y}
	return finishLoaded(t.name, p, t.rowLines)
}
