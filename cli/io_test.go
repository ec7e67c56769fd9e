package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// invokeCtx is invoke with a context and standard input.
func invokeCtx(ctx context.Context, stdin string, args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	code := run(ctx, args, stdio{in: strings.NewReader(stdin), out: &out, err: &errb})
	return out.String(), errb.String(), code
}

// One overwrite rule: every output flag refuses an existing file without
// --force with exit 2 before any work, and a path that cannot be written
// is refused at once.
func TestOutputPathsCheckedBeforeTheWork(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "t.csv")
	os.WriteFile(existing, []byte("keep"), 0o644)
	quick := []string{"--n", "12", "--d", "30", "--s", "3", "--algo", "gd", "--steps", "10", "--no-references", "--samples", "2"}
	cases := []struct {
		args []string
		want string
	}{
		{append([]string{"run", "--trace", existing}, quick...), "--trace: " + existing + " already exists; give --force to replace it"},
		{append([]string{"run", "--trace", filepath.Join(dir, "nodir", "t.csv")}, quick...), "--trace: " + filepath.Join(dir, "nodir", "t.csv") + ": directory " + filepath.Join(dir, "nodir") + " does not exist"},
		{[]string{"data", "--out", dir}, "--out: " + dir + ": is a directory"},
		{[]string{"data", "--out", existing}, "--out: " + existing + " already exists"},
		{[]string{"sweep", "--out", filepath.Join(dir, "nodir", "x.json"), "--alpha", "0.1"}, "does not exist"},
	}
	for _, c := range cases {
		out, errs, code := invoke(t, c.args...)
		if code != 2 || out != "" || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %d bytes, stderr %q; want 2 and %q", c.args[:3], code, len(out), errs, c.want)
		}
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep" {
		t.Errorf("refused file changed to %q", b)
	}
	if _, errs, code := invoke(t, append([]string{"run", "--trace", existing, "--force"}, quick...)...); code != 0 {
		t.Fatalf("--force: exit %d %s", code, errs)
	}
	if b, _ := os.ReadFile(existing); !strings.HasPrefix(string(b), "algo,time,step") {
		t.Errorf("--force did not replace the trace: %.40q", b)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// "-" is standard output for --out and --trace, standard input for --data;
// --out /dev/null is written through, never replaced.
func TestDashIsStandardStreams(t *testing.T) {
	csv, errs, code := invoke(t, "data", "--n", "5", "--d", "12", "--s", "2", "--format", "csv", "--out", "-")
	if code != 0 || !strings.HasPrefix(csv, "x1,x2,") || errs != "" {
		t.Fatalf("data --out -: exit %d, %q %q", code, csv[:min(len(csv), 30)], errs)
	}
	out, errs, code := invokeCtx(context.Background(), csv, "run", "--data", "-", "--algo", "gd", "--steps", "10", "--samples", "2", "--no-references", "--format", "csv", "--trace", "-")
	if code != 0 || !strings.Contains(out, "\ngd,10,") || !strings.Contains(out, "algo,time,step,train_loss") {
		t.Fatalf("run --data - --trace -: exit %d\n%s\n%s", code, out, errs)
	}
	if _, errs, code := invoke(t, "data", "--n", "5", "--d", "12", "--s", "2", "--out", "/dev/null"); code != 0 {
		t.Fatalf("--out /dev/null: exit %d %s", code, errs)
	}
	if info, err := os.Stat("/dev/null"); err != nil || info.Mode()&os.ModeCharDevice == 0 {
		t.Fatal("/dev/null is no longer a device")
	}
}

// Generator flags with --data are an error, not silently ignored.
func TestGeneratorFlagsWithData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.csv")
	if _, errs, code := invoke(t, "data", "--n", "5", "--d", "12", "--s", "2", "--out", path); code != 0 {
		t.Fatal(errs)
	}
	_, errs, code := invoke(t, "run", "--data", path, "--d", "50", "--n", "3")
	if code != 2 || errs != "sgdbias: --n, --d: describes generated data, but --data loads the problem from a file; drop one or the other\n" {
		t.Errorf("exit %d, %q", code, errs)
	}
}

// A setting read from a scenario file is blamed on its file, line and key,
// not on a flag that was never given.
func TestConfigErrorsNameFileLineKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	os.WriteFile(path, []byte("{\n  \"n\": 12,\n  \"alpha\": -1\n}\n"), 0o644)
	_, errs, code := invoke(t, "run", "--config", path)
	if code != 2 || !strings.HasPrefix(errs, "sgdbias: "+path+":3: alpha: ") || strings.Contains(errs, "--alpha") {
		t.Errorf("exit %d, %q", code, errs)
	}
	// The same value given as a flag is the flag's fault.
	_, errs, _ = invoke(t, "run", "--config", path, "--alpha", "-2")
	if !strings.HasPrefix(errs, "sgdbias: --alpha: ") {
		t.Errorf("flag over file: %q", errs)
	}
}

// --data and --config on a FIFO nobody writes to, and a FIFO given to
// 'sweep merge', stop on Ctrl+C instead of blocking in open for ever.
func TestFIFOWithoutWriterIsCancellable(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	for _, args := range [][]string{
		{"run", "--data", fifo},
		{"run", "--config", fifo},
		{"sweep", "merge", fifo},
	} {
		name := strings.Join(args[:len(args)-1], " ")
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int, 1)
		var errs string
		go func() {
			var code int
			_, errs, code = invokeCtx(ctx, "", args...)
			done <- code
		}()
		time.Sleep(50 * time.Millisecond) // let it block in open
		cancel()
		select {
		case code := <-done:
			if code != 130 || !strings.Contains(errs, "interrupted") {
				t.Errorf("%s fifo: exit %d, %q", name, code, errs)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s fifo: still blocked after the interruption", name)
		}
	}
}

// An interrupted run keeps the algorithms that finished.
func TestInterruptedRunKeepsFinishedAlgorithms(t *testing.T) {
	fs := newFlagSet("run", runUsage, stdio{out: &bytes.Buffer{}, err: &bytes.Buffer{}})
	f := newRunFlags(fs)
	// gd reaches T = 20 in 400 steps; the variant needs 2e8.
	args := []string{"--n", "12", "--d", "30", "--s", "3", "--algo", "gd,gd:step=0.0000001", "--time", "20", "--step", "0.05", "--no-references", "--samples", "5"}
	if code, done := parseFlags(fs, args); done {
		t.Fatalf("flags: %d", code)
	}
	plan, _, err := f.plan(inputs{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outcomes, finished, _, _ := execute(ctx, plan, func(frac float64) {
		if frac >= 0.5 { // gd is done: its half of the mean
			cancel()
		}
	})
	if !finished[0] || finished[1] {
		t.Fatalf("finished %v, want gd only", finished)
	}
	kept := keepFinished(outcomes, finished)
	if len(kept) != 1 || kept[0].algo != "gd" || kept[0].result.Final.Steps != 400 {
		t.Errorf("kept %d runs: %+v", len(kept), kept)
	}
}

// Writing a large file stops when the context ends, leaving nothing.
func TestDataWriteIsCancellable(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, errs, code := invokeCtx(ctx, "", "data", "--n", "20", "--d", "400", "--out", filepath.Join(dir, "p.json"))
	if code != 130 || !strings.Contains(errs, "interrupted") {
		t.Errorf("exit %d, %q", code, errs)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %v", entries)
	}
	var sink bytes.Buffer
	err := writeOutput(ctx, stdio{out: &sink}, "-", false, func(w io.Writer) error {
		_, err := w.Write([]byte("x"))
		return err
	})
	if !errors.Is(err, context.Canceled) || sink.Len() != 0 {
		t.Errorf("write after cancel: %v, %d bytes", err, sink.Len())
	}
}
