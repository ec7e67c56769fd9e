// Package presets holds the named scenarios of sgdbias, stored as JSON files
// embedded in the binary, loads user scenarios in the same format, and owns
// every conversion of a scenario: file ↔ Scenario ↔ sim.Setup ↔ command
// line (the flags and the line that gives a configuration back).
package presets

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
)

// sweepable are the parameters a scenario's Sweep may give grids for.
func sweepable() []string { return []string{"alpha", "step", "noise", "batch"} }

// Default is the scenario used when none is named.
const Default = "paper"

//go:embed scenarios/*.json
var files embed.FS

// Names lists the embedded scenarios, sorted.
func Names() []string {
	entries, _ := fs.ReadDir(files, "scenarios")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(out)
	return out
}

// Get returns the embedded scenario with that name.
func Get(name string) (Scenario, error) {
	data, err := files.ReadFile(path.Join("scenarios", name+".json"))
	if err != nil {
		return Scenario{}, fmt.Errorf("--preset: unknown preset %q; valid presets: %s", clip(name), strings.Join(Names(), ", "))
	}
	return decode(name+".json", data)
}

// Load reads a user scenario file in the same JSON format.
func Load(file string) (Scenario, error) {
	f, err := os.Open(file)
	if err != nil {
		return Scenario{}, fmt.Errorf("--config: %w", err)
	}
	defer f.Close()
	return Read(file, f)
}

// Read reads a user scenario from r; name is used in messages only. A
// scenario is a small object: reading stops past the cap, so that a device
// such as /dev/zero or a huge file is refused, not swallowed.
func Read(name string, r io.Reader) (Scenario, error) {
	if f, ok := r.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.IsDir() {
			return Scenario{}, fmt.Errorf("--config: %s is a directory; want a scenario file (JSON)", name)
		}
	}
	data, err := io.ReadAll(io.LimitReader(r, maxScenarioBytes+1))
	if err != nil {
		return Scenario{}, fmt.Errorf("--config: %s: %w", name, err)
	}
	if len(data) > maxScenarioBytes {
		return Scenario{}, fmt.Errorf("--config: %s is larger than %d bytes; a scenario is a small JSON object", name, maxScenarioBytes)
	}
	return decode(name, data)
}

// maxScenarioBytes caps a scenario file (the presets are under 2 kB).
const maxScenarioBytes = 1 << 20

// decode parses a scenario strictly: unknown fields, duplicate keys and
// trailing data are errors that name the file and line. A UTF-8 byte order
// mark is skipped.
func decode(file string, data []byte) (Scenario, error) {
	if bytes.HasPrefix(data, []byte("\ufeff")) {
		data = append([]byte("   "), data[3:]...) // keep offsets, hence lines
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return Scenario{}, fmt.Errorf("%s: file is empty; want a JSON object such as {\"alpha\": 0.1}", file)
	}
	if err := checkTokens(file, data); err != nil {
		return Scenario{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var sc Scenario
	if err := dec.Decode(&sc); err != nil {
		return Scenario{}, fmt.Errorf("%s:%d: %s", file, lineOf(data, errorOffset(err, dec, data)), describe(err))
	}
	if dec.More() {
		return Scenario{}, fmt.Errorf("%s:%d: unexpected data after the scenario object", file, lineOf(data, dec.InputOffset()))
	}
	for key := range sc.Sweep {
		if !slices.Contains(sweepable(), key) {
			at := bytes.Index(data, []byte(`"`+key+`"`))
			return Scenario{}, fmt.Errorf("%s:%d: sweep: unknown parameter %q; allowed %s", file, lineOf(data, int64(max(at, 0))), clip(key), strings.Join(sweepable(), ", "))
		}
	}
	return sc, nil
}

// errorOffset finds where in data a decoding error is. The decoder reports
// an unknown field only after the whole object, so that key is looked up.
func errorOffset(err error, dec *json.Decoder, data []byte) int64 {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return syn.Offset
	case errors.As(err, &typ):
		return typ.Offset
	}
	if key, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if at := bytes.Index(data, []byte(key)); at >= 0 {
			return int64(at)
		}
	}
	return dec.InputOffset()
}

func lineOf(data []byte, offset int64) int {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	return 1 + bytes.Count(data[:offset], []byte("\n"))
}
