package ui

import (
	"os"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
)

// readme returns the explorer's section of the README.
func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	start := strings.Index(s, "### `sgdbias` — the explorer")
	end := strings.Index(s, "### `sgdbias run`")
	if start < 0 || end < start {
		t.Fatal("no explorer section in the README")
	}
	return s[start:end]
}

// The README's screen is the golden screen it names, line for line
// (trailing spaces aside): it cannot drift from what the explorer draws.
func TestReadmeScreen(t *testing.T) {
	sec := readme(t)
	const name = "ui/testdata/TestGolden/steps_80x24.golden"
	if !strings.Contains(sec, name) {
		t.Fatalf("the README does not name %s", name)
	}
	start := strings.Index(sec, "```\n")
	end := strings.Index(sec[start+4:], "```")
	if start < 0 || end < 0 {
		t.Fatal("no screen in the README")
	}
	screen := strings.Split(strings.TrimSuffix(sec[start+4:start+4+end], "\n"), "\n")
	b, err := os.ReadFile(strings.TrimPrefix(name, "ui/"))
	if err != nil {
		t.Fatal(err)
	}
	golden := strings.Split(string(b), "\n")
	if len(screen) != len(golden) {
		t.Fatalf("the README's screen has %d lines, the golden %d", len(screen), len(golden))
	}
	for i := range golden {
		if strings.TrimRight(screen[i], " ") != strings.TrimRight(golden[i], " ") {
			t.Errorf("line %d:\nREADME %q\ngolden %q", i+1, screen[i], golden[i])
		}
	}
}

// The README's keys table lists every key of the help, and nothing else.
func TestReadmeKeys(t *testing.T) {
	var rows []string
	for _, l := range strings.Split(readme(t), "\n") {
		if strings.HasPrefix(l, "| ") && !strings.HasPrefix(l, "| key") && !strings.HasPrefix(l, "| ---") {
			rows = append(rows, strings.SplitN(l, "|", 3)[1])
		}
	}
	if len(rows) == 0 {
		t.Fatal("no keys table")
	}
	k := DefaultKeyMap()
	documented := func(key string) bool {
		for _, r := range rows {
			for _, f := range strings.FieldsFunc(r, func(c rune) bool { return c == ',' || c == '/' || c == '`' || c == ' ' }) {
				if f == key || (key == " " && f == "space") || (key == "shift+tab" && f == "shift+tab") ||
					(key == "right" && f == "→") || (key == "left" && f == "←") || (key == "down" && f == "↓") ||
					(key == "up" && f == "↑") || (key == "=" && f == "+") || (key == "_" && f == "-") {
					return true
				}
			}
		}
		return false
	}
	for _, col := range (stageHelp{k}).FullHelp() {
		for _, b := range col {
			if b.Help().Key == "" {
				continue
			}
			if !documented(b.Keys()[0]) {
				t.Errorf("key %q (%s) is not in the README's table", b.Keys()[0], b.Help().Desc)
			}
		}
	}
	known := map[string]bool{}
	for _, b := range []key.Binding{k.Pause, k.Step, k.Restart, k.NewSeed, k.Faster, k.Slower, k.Next, k.Prev, k.Up, k.Down,
		k.Increase, k.Decrease, k.Edit, k.Discrete, k.LogTime, k.Focus, k.Export, k.Save, k.Presets, k.Zoom, k.Alphas,
		k.Ghosts, k.Undo, k.Variant, k.Fork, k.Follow, k.Help, k.Quit, k.Cancel} {
		for _, key := range b.Keys() {
			known[key] = true
		}
	}
	symbols := map[string]string{"space": " ", "→": "right", "←": "left", "↓": "down", "↑": "up", "tab": "tab", "shift+tab": "shift+tab", "enter": "enter", "esc": "esc"}
	for _, r := range rows {
		for _, f := range strings.FieldsFunc(r, func(c rune) bool { return c == ',' || c == '/' || c == '`' || c == ' ' }) {
			if s, ok := symbols[f]; ok {
				f = s
			}
			if !known[f] {
				t.Errorf("the README's table has key %q, which the explorer does not know", f)
			}
		}
	}
}
