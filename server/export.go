package server

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"sgdbias/internal/atomicfile"
	"sgdbias/ui"
)

// sessionFiles is a session's export folder (ui.Files): a folder of its
// own under ExportDir, made at its first write, so that no student
// replaces another's file, with a quota of files and bytes, so that
// holding x does not fill the disk. Errors name files, never the server's
// paths.
type sessionFiles struct {
	dir      string
	maxFiles int
	maxBytes int64

	mu    sync.Mutex
	files int
	bytes int64
}

var errQuota = errors.New("quota")

// exportFolder is the session's folder: the export folder, then one per
// session named after its start and number (unique over restarts too).
func (s *Server) exportFolder(st *session) ui.Files {
	name := fmt.Sprintf("%s-s%d", st.start.Format("20060102-150405"), st.id)
	return &sessionFiles{dir: filepath.Join(s.cfg.ExportDir, name), maxFiles: s.cfg.ExportFiles, maxBytes: s.cfg.ExportBytes}
}

func (f *sessionFiles) quotaText() string {
	return fmt.Sprintf("this session's export quota is used up (%d files, %s)", f.maxFiles, megabytes(f.maxBytes))
}

func megabytes(b int64) string {
	if b >= 1<<20 {
		return fmt.Sprintf("%g MB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", b)
}

func (f *sessionFiles) Write(name string, overwrite bool, fill func(io.Writer) error) error {
	if name != filepath.Base(name) || strings.HasPrefix(name, ".") || name == "" {
		return fmt.Errorf("%q: a plain file name only", name)
	}
	f.mu.Lock()
	defer f.mu.Unlock() // one write at a time per session
	if f.files >= f.maxFiles || f.bytes >= f.maxBytes {
		return errors.New(f.quotaText())
	}
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return errors.New("the export folder cannot be made on the server")
	}
	lw := &limitWriter{left: f.maxBytes - f.bytes}
	err := atomicfile.Write(filepath.Join(f.dir, name), overwrite, func(w io.Writer) error {
		lw.w = w
		return fill(lw)
	})
	switch {
	case errors.Is(err, atomicfile.ErrExists):
		return fmt.Errorf("%s: %w", name, atomicfile.ErrExists)
	case errors.Is(err, errQuota):
		f.bytes = f.maxBytes
		return errors.New(f.quotaText())
	case err != nil:
		return fmt.Errorf("%s could not be written on the server", name)
	}
	f.files++
	f.bytes += lw.n
	return nil
}

// limitWriter fails once more than left bytes are written.
type limitWriter struct {
	w    io.Writer
	left int64
	n    int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left-l.n {
		return 0, errQuota
	}
	n, err := l.w.Write(p)
	l.n += int64(n)
	return n, err
}
