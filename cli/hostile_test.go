package cli

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// maxMessageLine bounds a line of a message: input is echoed cut to
// maxEcho characters, so no line grows with the input.
const maxMessageLine = 400

// TestHostileCorpus runs every command line of testdata/hostile.txt: each
// exits 0, 1 or 2 within its time, an exit 2 prints exactly one line, no
// line is long, and no file is left behind or replaced.
func TestHostileCorpus(t *testing.T) {
	td, err := filepath.Abs("testdata/hostile")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	os.WriteFile(filepath.Join(tmp, "exists.csv"), []byte("keep"), 0o644)
	os.Mkdir(filepath.Join(tmp, "adir"), 0o755)
	os.WriteFile(filepath.Join(tmp, "binary.json"), []byte("{\x00\x01\x02"), 0o644)
	big := "x1,x2,x3,y\n1,0,0," + strings.Repeat("9", 1<<20) + "x\n"
	os.WriteFile(filepath.Join(tmp, "bigcell.csv"), []byte(big), 0o644)
	before := listDir(t, tmp)

	for _, c := range readCorpus(t, "testdata/hostile.txt") {
		args := make([]string, len(c.args))
		for i, a := range c.args {
			args[i] = strings.NewReplacer("$TD", td, "$TMP", tmp).Replace(a)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		out, errs, code := invokeCtx(ctx, "", args...)
		timedOut := ctx.Err() != nil
		cancel()
		name := strings.Join(c.args, " ")
		switch {
		case timedOut:
			t.Errorf("%s: still running after its time", name)
		case code != 0 && code != 1 && code != 2:
			t.Errorf("%s: exit %d, want 0, 1 or 2; stderr %q", name, code, errs)
		case code == 2 && (strings.Count(errs, "\n") != 1 || !strings.HasSuffix(errs, "\n") || out != ""):
			t.Errorf("%s: exit 2 must print one line on stderr and nothing on stdout; got stderr %q, stdout %d bytes", name, errs, len(out))
		case c.want != "" && !strings.Contains(errs, c.want):
			t.Errorf("%s: exit %d, stderr %q lacks %q", name, code, errs, c.want)
		case c.want == "" && code != 0:
			t.Errorf("%s: exit %d, want 0; stderr %q", name, code, errs)
		}
		for _, line := range strings.Split(errs, "\n") {
			if utf8.RuneCountInString(line) > maxMessageLine {
				t.Errorf("%s: a %d-character line on stderr: %.100q…", name, utf8.RuneCountInString(line), line)
			}
		}
	}
	if after := listDir(t, tmp); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("files changed: before %v, after %v", before, after)
	}
	if b, _ := os.ReadFile(filepath.Join(tmp, "exists.csv")); string(b) != "keep" {
		t.Errorf("exists.csv was replaced: %.40q", b)
	}
}

// corpusCase is one line of the corpus.
type corpusCase struct {
	args []string
	want string
}

func readCorpus(t *testing.T, path string) []corpusCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []corpusCase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cmd, want, _ := strings.Cut(line, "=>")
		cases = append(cases, corpusCase{args: splitArgs(cmd), want: strings.TrimSpace(want)})
	}
	if len(cases) < 50 {
		t.Fatalf("only %d cases in %s", len(cases), path)
	}
	return cases
}

// splitArgs splits on spaces; "" is an empty argument.
func splitArgs(s string) []string {
	var out []string
	for _, f := range strings.Fields(s) {
		if f == `""` {
			f = ""
		}
		out = append(out, f)
	}
	return out
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
