// Package atomicfile writes files so that a reader sees either the old file
// or the whole new one, never a half-written file: the content goes to a
// temporary file in the same directory, is synced, then moved into place.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrExists is wrapped by the error of a write that would have replaced an
// existing file without being asked to.
var ErrExists = errors.New("file already exists")

// Write creates path with what fill writes. Unless overwrite is true an
// existing path is left alone and the error wraps ErrExists; a replaced file
// keeps its permissions, a new one gets 0644.
func Write(path string, overwrite bool, fill func(io.Writer) error) error {
	mode := fs.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		if !overwrite {
			return existsError(path)
		}
		mode = info.Mode().Perm()
	}
	tmpName, err := writeTemp(path, mode, fill)
	if err != nil {
		return err
	}
	defer os.Remove(tmpName) // a no-op once moved
	if err := publish(tmpName, path, overwrite); err != nil {
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

func existsError(path string) error {
	return fmt.Errorf("%s: %w; refusing to overwrite it", path, ErrExists)
}

// writeTemp fills and syncs a new temporary file beside path.
func writeTemp(path string, mode fs.FileMode, fill func(io.Writer) error) (string, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", err
	}
	err = fill(tmp)
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

// publish moves the finished temporary file to path. Without overwrite it
// uses a hard link, which fails if path appeared meanwhile instead of
// replacing it; where hard links are not supported it checks, then renames.
func publish(tmpName, path string, overwrite bool) error {
	if !overwrite {
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

// syncDir makes the move durable. It is best effort: some file systems
// refuse to sync a directory, and the data itself is already synced.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	d.Close()
}
