package presets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Hostile scenario files: each is refused with one line naming the file
// and line, in words (no Go type names), or accepted as the --data loader
// accepts it (a byte order mark).
func TestScenarioFileHostile(t *testing.T) {
	cases := []struct{ text, want string }{
		{"{\n  \"alpha\": 0.1,\n  \"alpha\": 1\n}", `s.json:3: key "alpha" appears twice`},
		{"{\"sweep\": {\"alpha\": \"1\", \"alpha\": \"2\"}}", `key "alpha" appears twice`},
		{"[1, 2]", "s.json:1: the file holds array; want a JSON object"},
		{"{\"n\": 1.5}", "n: number 1.5 is not allowed here; want an integer"},
		{"{\"seed\": -1}", "seed: number -1 is not allowed here; want an integer ≥ 0"},
		{"{\"reshuffle\": 1}", "reshuffle: number is not allowed here; want true or false"},
		{"{\"sweep\": 1}", "sweep: number is not allowed here; want an object {…}"},
		{"", "s.json: file is empty"},
		{"{\n  \"alpha\": 1e-400\n}", "s.json:2: alpha: 1e-400 is too small: it would be read as 0"},
		{"{\"beta_star\": [1, -0.5e-330]}", "beta_star: -0.5e-330 is too small"},
		{"{\"" + strings.Repeat("k", 1000) + "\": 1}", `unknown key "` + strings.Repeat("k", maxEcho-2) + "…"},
	}
	for _, c := range cases {
		path := filepath.Join(t.TempDir(), "s.json")
		os.WriteFile(path, []byte(c.text), 0o644)
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%.40q: got %v, want %q", c.text, err, c.want)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "presets.") || strings.Contains(msg, "float64") || strings.Contains(msg, "uint64") || strings.Contains(msg, "\n") || len(msg) > 400 {
			t.Errorf("%.40q: message %q shows Go types or is long", c.text, msg)
		}
	}
	path := filepath.Join(t.TempDir(), "bom.json")
	os.WriteFile(path, []byte("\ufeff{\"alpha\": 0.25}"), 0o644)
	if sc, err := Load(path); err != nil || sc.Alpha == nil || *sc.Alpha != 0.25 {
		t.Errorf("BOM: %v, %v", sc, err)
	}
}

// An endless input fails fast at the size limit instead of being read whole.
func TestScenarioFileIsCapped(t *testing.T) {
	_, err := Load("/dev/zero")
	if err == nil || !strings.Contains(err.Error(), "larger than 1048576 bytes") {
		t.Errorf("/dev/zero: %v", err)
	}
	_, err = Load(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
}

func FuzzScenarioDecode(f *testing.F) {
	for _, name := range Names() {
		data, _ := files.ReadFile("scenarios/" + name + ".json")
		f.Add(data)
	}
	f.Add([]byte("{\"alpha\": 1, \"alpha\": 2}"))
	f.Add([]byte("\ufeff{\"sweep\": {\"x\": \"1\"}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := decode("f.json", data)
		if err != nil && (strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "f.json")) {
			t.Fatalf("message %q", err)
		}
	})
}
