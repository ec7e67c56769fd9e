// Package atomicfile writes files so that a reader sees either the old file
// or the whole new one, never a half-written file: the content goes to a
// temporary file in the same directory, is synced, then moved into place.
//
// Only regular files (or paths where nothing exists yet) are replaced that
// way. A symbolic link is followed to its target, which is written instead
// of the link; devices, FIFOs and sockets (/dev/null, /dev/stdout, a named
// pipe) are written through, never replaced. Error messages name the path
// asked for, never the temporary file.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// ErrExists is wrapped by the error of a write that would have replaced an
// existing file without being asked to.
var ErrExists = errors.New("file already exists")

// maxLinks bounds how many symbolic links are followed, as the kernel does.
const maxLinks = 40

// target is where a write to a path lands.
type target struct {
	path    string      // the file to write: path with its links followed
	info    fs.FileInfo // nil when nothing exists there yet
	through bool        // written in place: a device, FIFO, socket or /proc link
}

// Write creates path with what fill writes. Unless overwrite is true an
// existing regular file is left alone and the error wraps ErrExists; a
// replaced file keeps its permissions, a new one gets 0644. A device or FIFO
// is written through, whatever overwrite says.
func Write(path string, overwrite bool, fill func(io.Writer) error) error {
	t, err := resolve(path)
	if err != nil {
		return err
	}
	if t.through {
		return writeThrough(path, t, fill)
	}
	if err := checkRegular(path, t, overwrite); err != nil {
		return err
	}
	mode := fs.FileMode(0o644)
	if t.info != nil {
		mode = t.info.Mode().Perm()
	}
	tmpName, err := writeTemp(path, t.path, mode, fill)
	if err != nil {
		return err
	}
	defer os.Remove(tmpName) // a no-op once moved
	if err := publish(tmpName, path, t.path, overwrite); err != nil {
		return err
	}
	syncDir(filepath.Dir(t.path))
	return nil
}

// Check reports, before any work, whether Write(path, overwrite, …) can
// succeed: the directory exists and is writable, path is not a directory,
// and an existing regular file is only there with overwrite.
func Check(path string, overwrite bool) error {
	t, err := resolve(path)
	if err != nil || t.through {
		return err
	}
	if err := checkRegular(path, t, overwrite); err != nil {
		return err
	}
	dir := filepath.Dir(t.path)
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: directory %s does not exist", path, dir)
	case err != nil:
		return fmt.Errorf("%s: %v", path, unwrapPath(err))
	case !info.IsDir():
		return fmt.Errorf("%s: %s is not a directory", path, dir)
	}
	// Creating a file is the only sure test: permissions say nothing to
	// root, and some file systems (/proc, read-only mounts) refuse anyway.
	probe, err := os.CreateTemp(dir, "."+filepath.Base(t.path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("%s: cannot create a file in %s: %v", path, dir, unwrapPath(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// checkRegular refuses a directory, and an existing file without overwrite.
func checkRegular(path string, t target, overwrite bool) error {
	switch {
	case t.info == nil:
		return nil
	case t.info.IsDir():
		return fmt.Errorf("%s: is a directory; want a file name", path)
	case !overwrite:
		return existsError(path)
	}
	return nil
}

// resolve follows path's symbolic links to the file a write should land
// in. A link into /proc/…/fd (what /dev/stdout is) cannot be followed by
// name, so such a path is written through, as are non-regular files.
func resolve(path string) (target, error) {
	cur := path
	for range maxLinks {
		info, err := os.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			return target{path: cur}, nil
		}
		if err != nil {
			return target{}, fmt.Errorf("%s: %v", path, unwrapPath(err))
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			through := !info.Mode().IsRegular() && !info.IsDir()
			return target{path: cur, info: info, through: through}, nil
		}
		if isProcFD(cur) {
			info, err := os.Stat(path)
			if err != nil {
				return target{}, fmt.Errorf("%s: %v", path, unwrapPath(err))
			}
			return target{path: path, info: info, through: true}, nil
		}
		link, err := os.Readlink(cur)
		if err != nil {
			return target{}, fmt.Errorf("%s: %v", path, unwrapPath(err))
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(cur), link)
		}
		cur = link
	}
	return target{}, fmt.Errorf("%s: too many levels of symbolic links", path)
}

// isProcFD tells the kernel's links to open files (/proc/self/fd/1 and the
// like), which point at pipes and terminals by pseudo-names.
func isProcFD(path string) bool {
	abs, err := filepath.Abs(path)
	return err == nil && strings.HasPrefix(abs, "/proc/") && strings.Contains(abs, "/fd/")
}

// writeThrough writes into an existing device, FIFO or open-file link. A
// FIFO without a reader is an error rather than a wait that never ends.
func writeThrough(path string, t target, fill func(io.Writer) error) error {
	if t.info.IsDir() {
		return fmt.Errorf("%s: is a directory; want a file name", path)
	}
	flags := os.O_WRONLY
	switch {
	case t.info.Mode()&fs.ModeNamedPipe != 0:
		flags |= syscall.O_NONBLOCK
	case t.info.Mode().IsRegular():
		flags |= os.O_APPEND // standard output redirected to a file
	}
	f, err := os.OpenFile(path, flags, 0)
	if errors.Is(err, syscall.ENXIO) {
		return fmt.Errorf("%s: no process is reading this FIFO", path)
	}
	if err != nil {
		return fmt.Errorf("%s: %v", path, unwrapPath(err))
	}
	err = fill(f)
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	return nil
}

func existsError(path string) error {
	return fmt.Errorf("%s: %w; refusing to overwrite it", path, ErrExists)
}

// writeTemp fills and syncs a new temporary file beside dest; errors name
// path, the name the user gave.
func writeTemp(path, dest string, mode fs.FileMode, fill func(io.Writer) error) (string, error) {
	dir := filepath.Dir(dest)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(dest)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("%s: cannot create a file in %s: %v", path, dir, unwrapPath(err))
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
		return "", fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	return tmp.Name(), nil
}

// unwrapPath drops the file name of an *fs.PathError or *os.LinkError, so
// that a temporary file's name never reaches a message; other errors are
// returned as they are.
func unwrapPath(err error) error {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return pathErr.Err
	}
	var linkErr *os.LinkError
	if errors.As(err, &linkErr) {
		return linkErr.Err
	}
	return err
}

// publish moves the finished temporary file to dest. Without overwrite it
// uses a hard link, which fails if dest appeared meanwhile instead of
// replacing it; where hard links are not supported it checks, then renames.
func publish(tmpName, path, dest string, overwrite bool) error {
	if !overwrite {
		err := os.Link(tmpName, dest)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, fs.ErrExist):
			return existsError(path)
		}
		if _, statErr := os.Lstat(dest); statErr == nil {
			return existsError(path)
		}
	}
	if err := os.Rename(tmpName, dest); err != nil {
		return fmt.Errorf("%s: %v", path, unwrapPath(err))
	}
	return nil
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
