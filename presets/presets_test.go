package presets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEveryPresetIsComplete(t *testing.T) {
	names := Names()
	if len(names) < 7 {
		t.Fatalf("only %d presets: %v", len(names), names)
	}
	for _, name := range names {
		sc, err := Get(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if sc.Name != name {
			t.Errorf("%s: the file says its name is %q", name, sc.Name)
		}
		// Sentences end with ". " or at the end; "et al. " is not an end.
		sentences := strings.Count(strings.ReplaceAll(sc.About, "et al. ", "et al "), ". ") + 1
		if sc.Title == "" || sentences < 2 || sentences > 4 {
			t.Errorf("%s: title %q, about with %d sentences; want a title and 2–4 sentences", name, sc.Title, sentences)
		}
		if sc.N == nil || sc.D == nil || sc.Alpha == nil || sc.Step == nil || sc.Batch == nil || sc.Algos == "" || (sc.Time == nil && sc.Steps == nil) {
			t.Errorf("%s: a parameter is missing: %+v", name, sc)
		}
	}
	if _, err := Get(Default); err != nil {
		t.Fatalf("the default preset %q: %v", Default, err)
	}
}

func TestUnknownPresetListsTheValidOnes(t *testing.T) {
	_, err := Get("nope")
	if err == nil || !strings.Contains(err.Error(), `unknown preset "nope"`) || !strings.Contains(err.Error(), "paper") {
		t.Fatalf("got %v", err)
	}
}

func TestMalformedScenarioNamesFileLineAndField(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{
		"{\n  \"n\": 40,\n  \"alpha\": \"small\"\n}": `bad.json:3: alpha: string is not allowed here; want a number`,
		"{\n  \"n\": 40,\n  \"colour\": 1\n}":        `bad.json:3: unknown key "colour"; allowed: name, title`,
		"{\n  \"n\": 40,\n  \"d\": 100,\n  \"s\": }": "bad.json:4:",
		"{\"n\": 1}\n{\"n\": 2}":                     "bad.json:2: unexpected data after the scenario object",
	}
	for text, want := range cases {
		path := filepath.Join(dir, "bad.json")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want it to contain %q", text, err, want)
		}
	}
}

func TestScenarioSweepKeysAreChecked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	if err := os.WriteFile(path, []byte("{\n  \"n\": 40,\n  \"sweep\": {\"gamma\": \"0.1,0.2\"}\n}"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), `s.json:3: sweep: unknown parameter "gamma"; allowed alpha, step, noise, batch`) {
		t.Fatalf("got %v", err)
	}
}

// A device or a huge file is refused after the size cap, not read whole.
func TestLoadRefusesHugeInput(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err := Load("/dev/zero")
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("got %v", err)
	}
}
