// Package atomicfile writes files so that a reader sees either the old file
// or the whole new one, never a half-written file: the content goes to a
// temporary file in the same directory, is synced, then renamed over.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrExists is returned when the target exists and overwriting was not asked for.
var ErrExists = errors.New("file exists")

// Write creates path with what fill writes. Unless overwrite is true, an
// existing path is left alone and the error wraps ErrExists (and fs.ErrExist).
func Write(path string, overwrite bool, fill func(io.Writer) error) (err error) {
	if !overwrite {
		if _, statErr := os.Lstat(path); statErr == nil {
			return fmt.Errorf("%s: %w (refusing to overwrite)", path, ErrExists)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = fill(tmp); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if overwrite {
		return os.Rename(tmp.Name(), path)
	}
	// Link fails if path appeared meanwhile, so a concurrent writer is never
	// clobbered; the temporary name is then removed.
	if err = os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			err = fmt.Errorf("%s: %w (refusing to overwrite)", path, ErrExists)
		}
		return err
	}
	return os.Remove(tmp.Name())
}
