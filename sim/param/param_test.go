package param

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestErrorText(t *testing.T) {
	cases := map[*Error]string{
		OutOfRange(Momentum, 1.5, "0 ≤ μ < %d", 1):             "momentum: 1.5 is out of range; allowed 0 ≤ μ < 1",
		Errorf(Step, 0, "", "a finite step size γ > 0"):        "step: 0 is not allowed; allowed a finite step size γ > 0",
		Errorf(BetaStar, "", "is empty", ""):                   "beta_star: is empty",
		{Param: Shard, Reason: "3 is not K/N; want e.g. 0/10"}: "shard: 3 is not K/N; want e.g. 0/10",
	}
	for e, want := range cases {
		if e.Error() != want {
			t.Errorf("%q, want %q", e.Error(), want)
		}
		if !strings.HasSuffix(e.Error(), e.Message()) || strings.HasPrefix(e.Message(), string(e.Param)+":") {
			t.Errorf("message %q of %q", e.Message(), e.Error())
		}
	}
}

// Rename puts a front end's name in place of the neutral one, keeps the
// text around it (a variant's prefix), and keeps the error reachable.
func TestRename(t *testing.T) {
	inner := OutOfRange(LabelNoise, -1, "δ ≥ 0")
	wrapped := fmt.Errorf("lnsgd:label-noise=-1: %w", inner)
	flag := func(n Name) string { return "--" + strings.ReplaceAll(string(n), "_", "-") }
	got := Rename(wrapped, flag)
	if got.Error() != "lnsgd:label-noise=-1: --label-noise: -1 is out of range; allowed δ ≥ 0" {
		t.Errorf("%q", got)
	}
	var pe *Error
	if !errors.As(got, &pe) || pe != inner {
		t.Error("the parameter error is lost")
	}
	plain := errors.New("disk full")
	if Rename(plain, flag) != plain || Rename(nil, flag) != nil {
		t.Error("other errors must pass unchanged")
	}
}

// The engine never speaks in flags: no "--name" in sim's non-test code; the
// front ends rename parameters (see Rename).
func TestNoFlagNamesInTheEngine(t *testing.T) {
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, `"--`) || strings.Contains(line, "`--") {
				t.Errorf("%s:%d: a flag name in the engine: %s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A value echoed in a message is cut to maxEcho runes, however long it was.
func TestErrorClipsEchoedValue(t *testing.T) {
	long := strings.Repeat("é", 10000)
	e := Errorf(Algos, long, "is not an algorithm", "gf")
	if n := len([]rune(e.Value)); n != maxEcho || !strings.HasSuffix(e.Value, "…") {
		t.Errorf("echoed value has %d runes, want %d ending in …", n, maxEcho)
	}
	if short := Errorf(Algos, "adam", "is not an algorithm", "gf"); short.Value != "adam" {
		t.Errorf("a short value was changed: %q", short.Value)
	}
}

// A nonzero number that rounds to 0 is seen, in decimal and hex, with
// either sign; zeros and the smallest subnormals are not.
func TestUnderflows(t *testing.T) {
	for text, want := range map[string]bool{
		"1e-400": true, "-1e-400": true, "+0.5e-330": true, "0x1p-2000": true, "0x0.8p-1080": true,
		"0": false, "0e10": false, "-0.000": false, "0x0p0": false, "4e-324": false, "1e-300": false,
	} {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if got := Underflows(text, f); got != want {
			t.Errorf("Underflows(%q) = %v, want %v", text, got, want)
		}
	}
}
