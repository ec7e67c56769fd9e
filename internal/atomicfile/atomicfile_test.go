package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestWriteCreatesAndRefusesOverwrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	write := func(s string, overwrite bool) error {
		return Write(path, overwrite, func(w io.Writer) error { _, err := io.WriteString(w, s); return err })
	}
	if err := write("one", false); err != nil {
		t.Fatal(err)
	}
	if err := write("two", false); !errors.Is(err, ErrExists) {
		t.Fatalf("second write without overwrite: got %v, want ErrExists", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "one" {
		t.Fatalf("file changed to %q after a refused write", got)
	}
	if err := write("three", true); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "three" {
		t.Fatalf("overwrite gave %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestFailedFillLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	boom := errors.New("boom")
	if err := Write(path, false, func(w io.Writer) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("got %v, want the fill error", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a failed write left %v", entries)
	}
}

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// A symbolic link is followed: its target gets the content, the link stays.
func TestWriteFollowsSymlinks(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target.json")
	link := filepath.Join(dir, "link.json")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("target.json", link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, false, writeString("new")); !errors.Is(err, ErrExists) {
		t.Fatalf("a link to an existing file without overwrite: %v, want ErrExists", err)
	}
	if err := Write(link, true, writeString("new")); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", info, err)
	}
	if got, _ := os.ReadFile(target); string(got) != "new" {
		t.Fatalf("target holds %q", got)
	}
	if info, _ := os.Stat(target); info.Mode().Perm() != 0o600 {
		t.Errorf("target's mode %v, want 0600 kept", info.Mode().Perm())
	}
	// A dangling link creates its target.
	dangling := filepath.Join(dir, "dangling.json")
	os.Symlink("new.json", dangling)
	if err := Write(dangling, false, writeString("x")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "new.json")); string(got) != "x" {
		t.Fatalf("dangling link's target holds %q", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 4 {
		t.Errorf("left %d entries, want 4 (no temporary files)", len(entries))
	}
}

// Devices are written through and never replaced, with or without
// overwrite; a write error names the path, not a temporary file.
func TestWriteThroughDevices(t *testing.T) {
	for _, overwrite := range []bool{false, true} {
		if err := Write("/dev/null", overwrite, writeString("x")); err != nil {
			t.Fatalf("/dev/null: %v", err)
		}
		if info, err := os.Stat("/dev/null"); err != nil || info.Mode()&os.ModeCharDevice == 0 {
			t.Fatalf("/dev/null is no longer a device: %v %v", info, err)
		}
	}
	if _, err := os.Stat("/dev/full"); err == nil {
		err := Write("/dev/full", true, func(w io.Writer) error {
			_, err := w.Write(make([]byte, 1<<16))
			return err
		})
		if err == nil || err.Error() != "/dev/full: no space left on device" {
			t.Errorf("/dev/full: %v", err)
		}
		if info, _ := os.Stat("/dev/full"); info.Mode()&os.ModeCharDevice == 0 {
			t.Fatal("/dev/full was replaced")
		}
	}
}

// A FIFO is written through; with no reader the write fails at once.
func TestWriteThroughFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	if err := Write(fifo, false, writeString("x")); err == nil || !strings.Contains(err.Error(), "no process is reading") {
		t.Errorf("FIFO without reader: %v", err)
	}
	got := make(chan string)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	var err error
	for range 1000 { // until the reader has opened its end
		if err = Write(fifo, false, writeString("through")); err == nil {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "through" {
		t.Errorf("reader got %q", s)
	}
	if info, _ := os.Lstat(fifo); info.Mode()&os.ModeNamedPipe == 0 {
		t.Error("the FIFO was replaced")
	}
}

// Check refuses up front what Write would refuse after the work.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "e.json")
	os.WriteFile(existing, nil, 0o644)
	for _, c := range []struct {
		path      string
		overwrite bool
		want      string
	}{
		{filepath.Join(dir, "new.json"), false, ""},
		{existing, true, ""},
		{existing, false, "file already exists"},
		{dir, true, "is a directory"},
		{filepath.Join(dir, "nodir", "x.json"), true, "does not exist"},
		{filepath.Join(existing, "x.json"), true, "not a directory"},
		{"/dev/null", false, ""},
		{"/proc/x.json", true, "cannot create a file in /proc"}, // even as root
	} {
		err := Check(c.path, c.overwrite)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("Check(%s, %v) = %v, want %q", c.path, c.overwrite, err, c.want)
		}
	}
}

// A failed write into a directory that cannot take files names the
// directory, never a temporary file.
func TestMessagesNeverShowTemporaryNames(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.csv")
	err := Write(path, false, func(w io.Writer) error {
		f := w.(*os.File)
		f.Close() // the next write fails with the file's name in the error
		_, err := f.Write([]byte("x"))
		return err
	})
	if err == nil || strings.Contains(err.Error(), ".tmp-") || !strings.HasPrefix(err.Error(), path+": ") {
		t.Errorf("message %q", err)
	}
}
