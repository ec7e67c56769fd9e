package cli

import (
	"strings"
	"testing"
)

// A bad flag is one line naming the flag, the value in words and where the
// help is; never the usage dump.
func TestFlagErrorsAreOneLine(t *testing.T) {
	long := strings.Repeat("x", 500)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"run", "--steps", "abc"}, `sgdbias run: --steps: "abc" is not an integer; see sgdbias run -h`},
		{[]string{"run", "--steps", "1.5"}, `sgdbias run: --steps: "1.5" is not a whole number; see sgdbias run -h`},
		{[]string{"run", "--steps", "1e30"}, `sgdbias run: --steps: "1e30" is out of range for an integer; see sgdbias run -h`},
		{[]string{"run", "--seed", "-1"}, `sgdbias run: --seed: "-1" is negative; want an integer ≥ 0; see sgdbias run -h`},
		{[]string{"run", "--alpha", "x"}, `sgdbias run: --alpha: "x" is not a number; see sgdbias run -h`},
		{[]string{"run", "--alpha", "1e400"}, `sgdbias run: --alpha: "1e400" is out of range for a float64 (beyond ±1.8e308); see sgdbias run -h`},
		{[]string{"run", "--quiet=maybe"}, `sgdbias run: --quiet: "maybe" is not true or false; see sgdbias run -h`},
		{[]string{"run", "--steps"}, `sgdbias run: --steps needs a value; see sgdbias run -h`},
		{[]string{"run", "--setps", "3"}, `sgdbias run: unknown flag --setps; did you mean --steps?; see sgdbias run -h`},
		{[]string{"run", "--alpah", "3"}, `sgdbias run: unknown flag --alpah; did you mean --alpha?; see sgdbias run -h`},
		{[]string{"--nosie", "3"}, `sgdbias: unknown flag --nosie; did you mean --noise?; see sgdbias -h`},
		{[]string{"data", "--n", long}, `sgdbias data: --n: "` + strings.Repeat("x", maxEcho-1) + `…" is not an integer; see sgdbias data -h`},
		{[]string{"runn"}, `sgdbias: unknown command "runn"; did you mean "run"?; allowed: run, sweep, serve, data, presets, version, help (see sgdbias help)`},
		{[]string{"sweep", "merge", "--bogus"}, `sgdbias sweep merge: unknown flag --bogus; see sgdbias sweep merge -h`},
	}
	for _, c := range cases {
		out, errs, code := invoke(t, c.args...)
		if code != 2 || out != "" || errs != c.want+"\n" {
			t.Errorf("%.40v: exit %d, stdout %q, stderr\n%q\nwant\n%q", c.args, code, out, errs, c.want+"\n")
		}
	}
}

// A value that parses but is not allowed names the command as a value
// that does not parse does: every message of a command starts alike.
func TestMessagesNameTheCommand(t *testing.T) {
	cases := []struct {
		args   []string
		prefix string
	}{
		{[]string{"run", "--alpha", "-1"}, "sgdbias run: --alpha: -1 is out of range"},
		{[]string{"run", "--alpha", "abc"}, "sgdbias run: --alpha: "},
		{[]string{"run", "--format", "xml"}, "sgdbias run: --format: "},
		{[]string{"data", "--format", "xml"}, "sgdbias data: --format: "},
		{[]string{"sweep", "--alpha", "-1,1"}, "sgdbias sweep: --alpha: "},
		{[]string{"sweep", "merge"}, "sgdbias sweep merge: no FILE given"},
		{[]string{"serve", "--fps", "0"}, "sgdbias serve: --fps: "},
	}
	for _, c := range cases {
		_, errs, code := invoke(t, c.args...)
		if code != 2 || !strings.HasPrefix(errs, c.prefix) {
			t.Errorf("%v: exit %d, stderr %q, want it to start with %q", c.args, code, errs, c.prefix)
		}
	}
}

// Integer flags take the exponent form of a whole number.
func TestIntegerFlagsAcceptExponents(t *testing.T) {
	for _, v := range []string{"1e6", "2.5e3", "0x10", "40"} {
		if n, err := parseInteger(v, false); err != nil {
			t.Errorf("%s: %v", v, err)
		} else if want := map[string]string{"1e6": "1000000", "2.5e3": "2500", "0x10": "0x10", "40": "40"}[v]; n != want {
			t.Errorf("%s parsed as %s, want %s", v, n, want)
		}
	}
	out, errs, code := invoke(t, "run", "--format", "csv", "--steps", "1e2", "--no-references", "--algo", "gd", "--samples", "2e0")
	if code != 0 || !strings.Contains(out, "\ngd,100,") {
		t.Errorf("--steps 1e2: exit %d, %s%s", code, out, errs)
	}
}

// -h and 'help CMD' print the command's help with examples on stdout;
// --version prints the version.
func TestHelpOnStdout(t *testing.T) {
	for _, args := range [][]string{{"run", "-h"}, {"help", "run"}, {"run", "--help"}} {
		out, errs, code := invoke(t, args...)
		if code != 0 || errs != "" || !strings.Contains(out, "Usage: sgdbias run") || !strings.Contains(out, "-steps K") || !strings.Contains(out, "Examples:\n  sgdbias run") {
			t.Errorf("%v: exit %d, stderr %q, stdout\n%s", args, code, errs, out)
		}
	}
	for _, cmd := range []string{"sweep", "data", "serve", "presets"} {
		if out, _, code := invoke(t, "help", cmd); code != 0 || !strings.Contains(out, "Examples:\n  sgdbias "+cmd) {
			t.Errorf("help %s: exit %d\n%s", cmd, code, out)
		}
	}
	if out, _, code := invoke(t, "-h"); code != 0 || !strings.Contains(out, "Examples:\n  sgdbias  ") {
		t.Errorf("-h: exit %d\n%s", code, out)
	}
	if out, _, code := invoke(t, "help", "nope"); code != 2 || out != "" {
		t.Errorf("help nope: exit %d, %q", code, out)
	}
	v1, _, c1 := invoke(t, "--version")
	v2, _, c2 := invoke(t, "version")
	if c1 != 0 || c2 != 0 || v1 != v2 || !strings.HasPrefix(v1, "sgdbias ") {
		t.Errorf("--version %q (%d), version %q (%d)", v1, c1, v2, c2)
	}
	// version takes nothing: -h is its help, anything else is refused.
	if out, _, code := invoke(t, "version", "-h"); code != 0 || !strings.HasPrefix(out, "Usage: sgdbias version") {
		t.Errorf("version -h: exit %d, %q", code, out)
	}
	for _, args := range [][]string{{"version", "extra"}, {"version", "--format", "json"}} {
		if out, errs, code := invoke(t, args...); code != 2 || out != "" || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
}

func FuzzFlags(f *testing.F) {
	for _, s := range []string{"--steps 1e6", "--alpha -1", "--n 0 --d 0", "--algo gd:step=-1", "--setps 3", "--quiet=maybe", "--data /dev/null", "--config /dev/zero"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := append([]string{"run", "--no-references", "--samples", "2", "--quiet"}, strings.Fields(line)...)
		fs := newFlagSet("run", runUsage, stdio{in: strings.NewReader(""), out: &strings.Builder{}, err: &strings.Builder{}})
		rf := newRunFlags(fs)
		if code, done := parseFlags(fs, args[1:]); done {
			if code != 0 && code != 2 {
				t.Fatalf("exit %d", code)
			}
			return
		}
		_, _, _ = rf.plan(inputs{}) // must not panic
	})
}
