package ui

import (
	"io"
	"path/filepath"

	"sgdbias/internal/atomicfile"
)

// Files stores a remote session's exports and saves (Options.Files): the
// explorer hands it plain file names only, and shows names only.
type Files interface {
	// Write writes the file name atomically with fill; without overwrite
	// an existing name fails with an error wrapping atomicfile.ErrExists.
	Write(name string, overwrite bool, fill func(io.Writer) error) error
}

type writeFunc func(path string, overwrite bool, fill func(io.Writer) error) error

// writer is how exports and saves are written: through Options.Files, or
// to the file system.
func (m *Model) writer() writeFunc {
	if f := m.opt.Files; f != nil {
		return func(path string, overwrite bool, fill func(io.Writer) error) error {
			return f.Write(filepath.Base(path), overwrite, fill)
		}
	}
	return atomicfile.Write
}
