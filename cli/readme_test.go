package cli

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// readmeExample is one command the README shows with its output.
type readmeExample struct {
	line   int // of the command in README.md
	args   []string
	output []string
}

// readmeExamples finds every fenced block of README.md that starts with
// "$ sgdbias …": each command in it, then the output it shows.
func readmeExamples(t *testing.T) []readmeExample {
	t.Helper()
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var out []readmeExample
	for i := 0; i < len(lines); i++ {
		if lines[i] != "```" || i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "$ sgdbias") {
			continue
		}
		// A block may hold several commands, each followed by its output.
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			if strings.HasPrefix(lines[i], "$ sgdbias") {
				ex := readmeExample{line: i + 1}
				cmd := lines[i]
				for strings.HasSuffix(cmd, "\\") && i+1 < len(lines) { // a continued line
					i++
					cmd = strings.TrimSuffix(cmd, "\\") + " " + lines[i]
				}
				ex.args = strings.Fields(cmd)[2:]
				out = append(out, ex)
				continue
			}
			ex := &out[len(out)-1]
			ex.output = append(ex.output, lines[i])
		}
	}
	return out
}

// The README's command examples are run and their output compared with
// what the README shows, so that the two cannot drift apart. An example
// shows an excerpt: a line "…" stands for any number of lines, "…" within a
// line for any text, and the lines before the first and after the last
// shown may be cut. Timing fields (the steps/s column) are left out, and a
// decimal number may differ by one unit in its last printed digit, or in
// its 12th significant digit when printed in full (results are bit for bit
// only for one build on one CPU: the AVX2 kernel uses FMA, the Go loops
// do not); integers and text must agree exactly. Sweeps run only without
// -short.
func TestREADMEExamples(t *testing.T) {
	examples := readmeExamples(t)
	if len(examples) < 5 {
		t.Fatalf("found %d examples in README.md; the parser lost them", len(examples))
	}
	for _, ex := range examples {
		t.Run(strings.Join(ex.args, " "), func(t *testing.T) {
			if testing.Short() && ex.args[0] == "sweep" {
				t.Skip("a sweep of many runs")
			}
			// Files the example writes (figures) go to a scratch directory.
			t.Chdir(t.TempDir())
			for _, a := range ex.args {
				if !strings.HasPrefix(a, "-") && strings.Contains(a, "/") {
					if err := os.MkdirAll(filepath.Dir(a), 0o755); err != nil {
						t.Fatal(err)
					}
				}
			}
			var stdout, stderr bytes.Buffer
			run(context.Background(), ex.args, stdio{in: strings.NewReader(""), out: &stdout, err: &stderr})
			got := strings.Split(strings.TrimRight(stdout.String()+stderr.String(), "\n"), "\n")
			if !matchExcerpt(dropTiming(ex.output), dropTiming(got)) {
				t.Errorf("README.md:%d: the output of `sgdbias %s` differs from the README's.\nREADME:\n%s\ngot:\n%s",
					ex.line, strings.Join(ex.args, " "), strings.Join(ex.output, "\n"), strings.Join(got, "\n"))
			}
		})
	}
}

// dropTiming removes the steps/s column from the rows of a table whose
// header has one (rows end at a blank line).
func dropTiming(lines []string) []string {
	out := make([]string, 0, len(lines))
	col, width := -1, 0
	for _, l := range lines {
		switch {
		case strings.Contains(l, "steps/s"):
			cols := regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(l), -1)
			for i, c := range cols {
				if c == "steps/s" {
					col, width = i, len(cols)
				}
			}
		case strings.TrimSpace(l) == "":
			col = -1
		case col >= 0:
			if f := strings.Fields(l); len(f) == width {
				l = strings.Join(append(f[:col:col], f[col+1:]...), " ")
			}
		}
		out = append(out, l)
	}
	return out
}

// matchExcerpt reports whether want matches a contiguous run of got, with
// "…" lines matching any number of lines.
func matchExcerpt(want, got []string) bool {
	for start := range got {
		if matchFrom(want, got[start:]) {
			return true
		}
	}
	return false
}

func matchFrom(want, got []string) bool {
	if len(want) == 0 {
		return true // the rest of the output is cut
	}
	if strings.TrimSpace(want[0]) == "…" {
		for k := 0; k <= len(got); k++ {
			if matchFrom(want[1:], got[k:]) {
				return true
			}
		}
		return false
	}
	return len(got) > 0 && lineMatches(want[0], got[0]) && matchFrom(want[1:], got[1:])
}

var numberRE = regexp.MustCompile(`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`)

// lineMatches compares a README line with an output line token by token:
// runs of spaces are one space, "…" matches any text, decimals may differ
// by one unit in the README's last digit (or relatively by 1e-12).
func lineMatches(want, got string) bool {
	wt, gt := tokens(want), tokens(got)
	return tokensMatch(wt, gt)
}

func tokensMatch(want, got []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	if want[0] == "…" {
		for k := 0; k <= len(got); k++ {
			if tokensMatch(want[1:], got[k:]) {
				return true
			}
		}
		return false
	}
	return len(got) > 0 && tokenMatches(want[0], got[0]) && tokensMatch(want[1:], got[1:])
}

func tokenMatches(want, got string) bool {
	if want == got {
		return true
	}
	if !numberRE.MatchString(want) || !numberRE.MatchString(got) || !strings.ContainsAny(want, ".eE") {
		return false
	}
	w, err1 := strconv.ParseFloat(want, 64)
	g, err2 := strconv.ParseFloat(got, 64)
	return err1 == nil && err2 == nil && math.Abs(w-g) <= max(1.01*lastDigit(want), 1e-12*math.Abs(w))
}

// lastDigit is the value of one unit in the last printed digit of a decimal.
func lastDigit(s string) float64 {
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		exp, _ = strconv.Atoi(s[i+1:])
	}
	decimals := 0
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		decimals = len(mant) - i - 1
	}
	return math.Pow(10, float64(exp-decimals))
}

// tokens splits a line into numbers, "…", single spaces and other runes.
func tokens(s string) []string {
	s = strings.Join(strings.Fields(s), " ")
	var out []string
	for len(s) > 0 {
		if loc := numberRE.FindStringIndex(s); loc != nil && loc[0] == 0 {
			out = append(out, s[:loc[1]])
			s = s[loc[1]:]
			continue
		}
		if strings.HasPrefix(s, "…") {
			out = append(out, "…")
			s = s[len("…"):]
			continue
		}
		r := []rune(s)[0]
		out = append(out, string(r))
		s = s[len(string(r)):]
	}
	return out
}

// The matcher itself: an excerpt matches, a changed digit or word does not.
func TestExcerptMatcher(t *testing.T) {
	got := []string{"header", "  gd  6250  1.976e-18  9.23e+05  horizon", "  a: [0.5, 0.25, 0.125]", "tail"}
	for _, c := range []struct {
		want []string
		ok   bool
	}{
		{[]string{"  gd  6250  1.976e-18  9.23e+05  horizon"}, true},
		{[]string{"gd 6250 1.977e-18 9.23e+05 horizon"}, true},  // last-digit noise
		{[]string{"gd 6250 1.978e-18 9.23e+05 horizon"}, false}, // two units off
		{[]string{"gd 6251 1.976e-18 9.23e+05 horizon"}, false}, // integers are exact
		{[]string{"gd 6250 1.976e-18 9.23e+05 converged"}, false},
		{[]string{"header", "…", "tail"}, true},
		{[]string{"header", "tail"}, false},
		{[]string{"  a: [0.5, …]"}, true},
		{[]string{"  a: [0.7, …]"}, false}, // 0.6 would be last-digit noise
	} {
		if ok := matchExcerpt(c.want, got); ok != c.ok {
			t.Errorf("%q: match %v, want %v", c.want, ok, c.ok)
		}
	}
	timed := dropTiming([]string{"  algo  steps  train loss   steps/s   status", "    gd   6250   1.9e-18  9.23e+05  horizon"})
	if timed[1] != "gd 6250 1.9e-18 horizon" {
		t.Errorf("timing column not dropped: %q", timed[1])
	}
}
