package problem

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrExists is wrapped by WriteFileAtomic's error when the target exists and
// force is false, so that callers can tell it with errors.Is.
var ErrExists = errors.New("file already exists")

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

// WriteFileAtomic writes p to path in format ("" means from the extension):
// to a temporary file in the same directory, synced, then renamed, so that
// path never holds a partial problem. An existing file is replaced only when
// force is true; otherwise the error wraps ErrExists.
func WriteFileAtomic(path string, p *Problem, format string, force bool) error {
	if format == "" {
		var err error
		if format, err = FormatFromPath(path); err != nil {
			return err
		}
	}
	mode := fs.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		if !force {
			return existsError(path)
		}
		mode = info.Mode().Perm() // replacing keeps the permissions
	}
	tmpName, err := writeTemp(path, p, format, mode)
	if err != nil {
		return err
	}
	defer os.Remove(tmpName) // a no-op once renamed
	if err := publish(tmpName, path, force); err != nil {
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

func existsError(path string) error {
	return fmt.Errorf("%s: %w; refusing to overwrite it without force", path, ErrExists)
}

// writeTemp writes and syncs p into a new temporary file beside path and
// returns its name.
func writeTemp(path string, p *Problem, format string, mode fs.FileMode) (string, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", err
	}
	err = Write(tmp, p, format)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return tmp.Name(), nil
}

// publish moves the finished temporary file to path. Without force it uses a
// hard link, which fails if path appeared meanwhile instead of replacing it;
// on file systems without hard links it falls back to check-then-rename.
func publish(tmpName, path string, force bool) error {
	if !force {
		err := os.Link(tmpName, path)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, fs.ErrExist):
			return existsError(path)
		}
		if _, statErr := os.Lstat(path); statErr == nil {
			return existsError(path)
		}
	}
	return os.Rename(tmpName, path)
}

// syncDir makes the rename durable. It is best effort: some file systems and
// platforms refuse to sync a directory, and the data itself is already synced.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	d.Close()
}
