// Package presets holds the named scenarios of sgdbias, stored as JSON files
// embedded in the binary, and loads user scenarios in the same format.
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

// Scenario is every parameter of a run, with words on what to look at.
// Zero values mean "not set" so that a scenario can be layered over another.
type Scenario struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	About string `json:"about"`

	N          int     `json:"n,omitempty"`
	D          int     `json:"d,omitempty"`
	S          int     `json:"s,omitempty"`
	BetaStar   string  `json:"beta_star,omitempty"` // "pm1", "gauss" or a comma list
	Features   string  `json:"features,omitempty"`  // "iso", "aniso:LO:HI", "var:…"
	LabelSigma float64 `json:"label_sigma,omitempty"`
	Seed       uint64  `json:"seed,omitempty"`

	Algos     string  `json:"algos,omitempty"` // comma list of gf, gd, sgf, sgd
	Alpha     float64 `json:"alpha,omitempty"`
	Step      float64 `json:"step,omitempty"`
	Noise     float64 `json:"noise,omitempty"`
	Batch     int     `json:"batch,omitempty"`
	Reshuffle bool    `json:"reshuffle,omitempty"`
	// LabelNoise is the variance δ of LNSGD's fresh label noise; Momentum is
	// HB's μ.
	LabelNoise float64 `json:"label_noise,omitempty"`
	Momentum   float64 `json:"momentum,omitempty"`

	Time  float64 `json:"time,omitempty"`
	Steps int64   `json:"steps,omitempty"`
	Tol   float64 `json:"tol,omitempty"`

	// Sweep gives `sgdbias sweep` default grids for this scenario, by
	// parameter name ("alpha", "step", "noise", "batch"), e.g.
	// {"noise": "0.02,0.1"}: what the scenario compares. A grid flag on the
	// command line wins.
	Sweep map[string]string `json:"sweep,omitempty"`
}

// sweepable are the parameters a scenario's Sweep may give grids for.
var sweepable = []string{"alpha", "step", "noise", "batch"}

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
		return Scenario{}, fmt.Errorf("--preset: unknown preset %q; valid presets: %s", name, strings.Join(Names(), ", "))
	}
	return decode(name+".json", data)
}

// MaxFileBytes caps a scenario file: a scenario is a few hundred bytes, and
// reading /dev/zero or a runaway pipe must fail fast.
const MaxFileBytes = 1 << 20

// Load reads a user scenario file in the same JSON format.
func Load(file string) (Scenario, error) {
	f, err := os.Open(file)
	if err != nil {
		return Scenario{}, fmt.Errorf("--config: %w", err)
	}
	defer f.Close()
	return Read(file, f)
}

// Read reads a user scenario from r (at most MaxFileBytes); name is used in
// messages only.
func Read(name string, r io.Reader) (Scenario, error) {
	if f, ok := r.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.IsDir() {
			return Scenario{}, fmt.Errorf("--config: %s is a directory; want a scenario file (JSON)", name)
		}
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return Scenario{}, fmt.Errorf("--config: %s: %w", name, err)
	}
	if len(data) > MaxFileBytes {
		return Scenario{}, fmt.Errorf("--config: %s is larger than the limit of %d KiB for a scenario file", name, MaxFileBytes>>10)
	}
	return decode(name, data)
}

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
	if err := checkDuplicateKeys(file, data); err != nil {
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
		if !slices.Contains(sweepable, key) {
			at := bytes.Index(data, []byte(`"`+key+`"`))
			return Scenario{}, fmt.Errorf("%s:%d: sweep: unknown parameter %q; allowed %s", file, lineOf(data, int64(max(at, 0))), clip(key), strings.Join(sweepable, ", "))
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
