package problem

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"sgdbias/internal/atomicfile"
)

// ErrExists is wrapped by WriteFileAtomic's error when the target exists and
// force is false, so that callers can tell it with errors.Is.
var ErrExists = atomicfile.ErrExists

// Write encodes p in format "json" ({"X": [[…]], "y": […], "beta_star": […]},
// beta_star only when known) or "csv" (header x1,…,xd,y; β* is not stored).
// Numbers are the shortest text that parses back to the same float64, so
// Load(Write(p)) is bit-exact. The feature covariance is not stored.
func Write(w io.Writer, p *Problem, format string) error {
	if err := p.checkShape(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	// bufio keeps the first write error and Flush returns it, so the
	// encoders need not check every write.
	out := bufio.NewWriterSize(w, 64<<10)
	switch format {
	case "json":
		writeJSON(out, p)
	case "csv":
		writeCSV(out, p)
	default:
		return fmt.Errorf("write: unknown format %q; allowed json or csv", format)
	}
	return out.Flush()
}

// writeJSON puts one row of X per line, so that Load's line numbers are
// meaningful to someone editing the file.
func writeJSON(out *bufio.Writer, p *Problem) {
	out.WriteString("{\n  \"X\": [\n")
	for i := 0; i < p.N; i++ {
		out.WriteString("    [")
		writeNumbers(out, p.Row(i), ", ")
		out.WriteString("]")
		if i < p.N-1 {
			out.WriteString(",")
		}
		out.WriteString("\n")
	}
	out.WriteString("  ],\n  \"y\": [")
	writeNumbers(out, p.Y, ", ")
	out.WriteString("]")
	if p.BetaStar != nil {
		out.WriteString(",\n  \"beta_star\": [")
		writeNumbers(out, p.BetaStar, ", ")
		out.WriteString("]")
	}
	out.WriteString("\n}\n")
}

func writeCSV(out *bufio.Writer, p *Problem) {
	for k := 0; k <= p.D; k++ {
		if k > 0 {
			out.WriteString(",")
		}
		out.WriteString(columnName(k, p.D))
	}
	out.WriteString("\n")
	for i := 0; i < p.N; i++ {
		writeNumbers(out, p.Row(i), ",")
		out.WriteString(",")
		writeNumbers(out, p.Y[i:i+1], ",")
		out.WriteString("\n")
	}
}

// writeNumbers writes values in the shortest round-tripping form.
func writeNumbers(out *bufio.Writer, values []float64, sep string) {
	var buf []byte
	for k, v := range values {
		buf = buf[:0]
		if k > 0 {
			buf = append(buf, sep...)
		}
		buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
		out.Write(buf)
	}
}

// FormatFromPath returns "json" or "csv" from the extension of path.
func FormatFromPath(path string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".json", ".csv":
		return ext[1:], nil
	}
	return "", fmt.Errorf("%s: cannot tell the format from the extension; want .json or .csv", path)
}

// WriteFileAtomic writes p to path in format ("" means from the extension)
// through atomicfile, so that path never holds a partial problem. An
// existing file is replaced only when force is true; otherwise the error
// wraps ErrExists.
func WriteFileAtomic(path string, p *Problem, format string, force bool) error {
	if format == "" {
		var err error
		if format, err = FormatFromPath(path); err != nil {
			return err
		}
	}
	return atomicfile.Write(path, force, func(w io.Writer) error { return Write(w, p, format) })
}
