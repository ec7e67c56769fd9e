package problem

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// parse decodes a file's bytes as a stream; name is used in messages only.
func parse(name string, data []byte) (*Problem, error) {
	return readStream(name, bytes.NewReader(data))
}

// writeFile puts content in dir/name and returns the path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// loadError loads name with content from a fresh directory and returns the
// error with that directory stripped, so messages read "data.json:3: …".
func loadError(t *testing.T, name, content string) string {
	t.Helper()
	dir := t.TempDir()
	_, err := Load(writeFile(t, dir, name, content))
	if err == nil {
		return "<nil>"
	}
	return strings.TrimPrefix(err.Error(), dir+string(filepath.Separator))
}

const goodJSON = `{
  "X": [
    [1, 0, 0],
    [0, 1, 0]
  ],
  "y": [1, 2],
  "beta_star": [1, 2, 0]
}
`

const goodCSV = `x1,x2,x3,y
1,0,0,1
0,1,0,2
`

func TestLoadGoodFiles(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ name, content string }{
		{"good.json", goodJSON},
		{"good.csv", goodCSV},
		{"json.txt", goodJSON}, // sniffed
		{"csv.dat", goodCSV},   // sniffed
		{"bom.csv", "\ufeff" + goodCSV},
		{"bom.json", "\ufeff" + goodJSON},
		{"crlf.csv", strings.ReplaceAll(goodCSV, "\n", "\r\n")},
		{"spaces.csv", "x1, x2 ,x3,y\n 1 ,0,0,1\n\n0,1,0,2"},
		{"null.json", `{"y": [1, 2], "beta_star": null, "X": [[1, 0, 0], [0, 1, 0]]}`},
	} {
		p, err := Load(writeFile(t, dir, tt.name, tt.content))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if p.N != 2 || p.D != 3 || p.X[4] != 1 || p.Y[1] != 2 || p.Source != tt.name || len(p.HDiag()) != 3 {
			t.Errorf("%s: got %+v", tt.name, p)
		}
		if wantBeta := strings.Contains(tt.content, "beta_star\": ["); (p.BetaStar != nil) != wantBeta {
			t.Errorf("%s: BetaStar = %v", tt.name, p.BetaStar)
		}
	}
}

func TestLoadJSONErrors(t *testing.T) {
	tests := []struct{ content, want string }{
		{"", `data.json: file is empty; want a JSON object {"X": …, "y": …} or a CSV with header x1,…,xd,y`},
		{" \n\t\n", `data.json: file is empty; want a JSON object {"X": …, "y": …} or a CSV with header x1,…,xd,y`},
		{"[[1, 2]]", `data.json:1: the top level must be an object {"X": [[…], …], "y": […]}, got an array`},
		{"{\n  \"X\": [\n    [1, 0, 0],\n    [0, 1]\n  ],\n  \"y\": [1, 2]\n}", "data.json:4: X[1] has 2 entries, want 3 (the length of X[0])"},
		{"{\"X\": [[1, 0, 0], [0, 1, 0]],\n \"y\": [1, NaN]}", "data.json:2: y[1]: NaN/Inf not allowed"},
		{"{\"X\": [[1, 0, 0],\n [0, -Infinity, 0]], \"y\": [1, 2]}", "data.json:2: X[1][1]: NaN/Inf not allowed"},
		{"{\"X\": [[1, 0, 0], [0, 1, 0]],\n \"y\": [1, 1e999]}", "data.json:2: y[1]: 1e999 is out of float64 range (NaN/Inf not allowed)"},
		{"{\"X\": [[1, \"0\", 0]], \"y\": [1]}", `data.json:1: X[0][1]: got a string, want a number`},
		{"{\"X\": [[1, 0, 0]],\n \"Y\": [1]}", `data.json:2: unknown key "Y"; allowed keys are "X", "y", "beta_star"`},
		{"{\"X\": [[1, 0, 0]], \"y\": [1],\n \"y\": [1]}", `data.json:2: duplicate key "y"`},
		{"{\"X\": [[1, 0, 0]]\n}", `data.json:2: missing key "y"; the top-level object needs "X" and "y" (and may have "beta_star")`},
		{"{\"y\": [1]}", `data.json:1: missing key "X"; the top-level object needs "X" and "y" (and may have "beta_star")`},
		{"{\"X\": [[1, 0, 0], [0, 1, 0]],\n \"y\": [1, 2, 3]}", "data.json:2: y has 3 entries, want 2 (the number of rows of X)"},
		{"{\"X\": [[1, 0, 0]], \"y\": [1],\n \"beta_star\": [1, 2]}", "data.json:2: beta_star has 2 entries, want 3 (the length of the rows of X)"},
		{"{\"beta_star\": [], \"X\": [[1, 0, 0]], \"y\": [1]}", "data.json:1: beta_star has 0 entries, want 3 (the length of the rows of X)"},
		{"{\"X\": [[1, 0, 0]], \"y\": {}}", "data.json:1: y: got an object, want an array of numbers"},
		{"{\"X\": 5, \"y\": [1]}", "data.json:1: X: got a number, want an array of rows [[…], …]"},
		{"{\"X\": [1, 2], \"y\": [1]}", "data.json:1: X[0]: got a number, want an array of numbers (row 0 of X)"},
		{"{\"X\": [], \"y\": []}", "data.json:1: X: empty; want at least one row"},
		{"{\"X\": [[1]], \"y\": [1]}", "data.json:1: X[0] has 1 entry; want d ≥ 2 features"},
		{"{\"X\": [[1, 0, 0]\n [0, 1, 0]], \"y\": [1, 2]}", "data.json:2:2: X[1]: invalid JSON: invalid character '[' after array element"},
		{"{\"X\": [[1, 0, 0]], \"y\": [1, tru]}", "data.json:1:29: y[1]: invalid JSON: invalid character ']' in literal true (expecting 'e')"},
		{"{\"X\": [[1, 0, 0]], \"y\": [1]\n\"beta_star\": []}", "data.json:2:1: invalid JSON: invalid character '\"' after object key:value pair"},
		{"{\"X\": [[1, 0, 0],\n", "data.json:1: X[1]: unexpected end of file"},
		{"{\"X\": [[1, 0, 0]], \"y\": [1]}\n{}", "data.json:2: unexpected data after the top-level object"},
		{"{\"X\": [[1, 0], [0, 1]], \"y\": [1, 2]}", "data.json:1: X has n = 2 rows but only d = 2 columns; need n < d so that interpolators exist (this line holds X[1], the d-th row)"},
		{"{\"X\": [\n[1, 0, 0],\n[0, 1, 0],\n[2, 0, 0]\n], \"y\": [1, 2, 3]}", "data.json:4: X has n = 3 rows but only d = 3 columns; need n < d so that interpolators exist (this line holds X[2], the d-th row)"},
		{"{\"X\": [\n[1, 0, 0, 0],\n[0, 1, 0, 0],\n[2, 0, 0, 0]\n], \"y\": [1, 2, 3]}", "data.json:4: X[2] is a linear combination of X[0..1], so X has rank < n = 3"},
	}
	for _, tt := range tests {
		if got := loadError(t, "data.json", tt.content); got != tt.want {
			t.Errorf("content %q:\ngot  %s\nwant %s", tt.content, got, tt.want)
		}
	}
}

func TestLoadCSVErrors(t *testing.T) {
	tests := []struct{ content, want string }{
		{"", `data.csv: file is empty; want a JSON object {"X": …, "y": …} or a CSV with header x1,…,xd,y`},
		{"a,b,c\n1,2,3\n", `data.csv:1: header column 1 is "a", want "x1" (the first line must be the header x1,x2,y)`},
		{"x1,x2,x3\n1,2,3\n", `data.csv:1: header column 3 is "x3", want "y" (the first line must be the header x1,x2,y)`},
		{"0.5,1,2,3,4,5,6\n", `data.csv:1: header column 1 is "0.5", want "x1" (the first line must be the header x1,x2,…,x6,y)`},
		{"x1,y\n1,2\n", "data.csv:1: header has 2 columns; want x1,…,xd,y with d ≥ 2 features, e.g. x1,x2,y"},
		{"x1,x2,x3,y\n1,0,0,1\n1,abc,0,2\n", `data.csv:3: column x2: "abc" is not a number`},
		{"x1,x2,x3,y\n1,0,0,NaN\n", `data.csv:2: column y: NaN/Inf not allowed (got "NaN")`},
		{"x1,x2,x3,y\n1,0,0,1e999\n", `data.csv:2: column y: "1e999" is out of float64 range`},
		{"x1,x2,x3,y\n1,0,,1\n", `data.csv:2: column x3: "" is not a number`},
		{"x1,x2,x3,y\n1,0,0,1\n\n1,0,0\n", "data.csv:4: row has 3 fields, want 4 (x1,x2,x3,y)"},
		{"x1,x2,x3,y\n1,\"0,0,1\n", `data.csv:2:10: invalid CSV: extraneous or missing " in quoted-field`},
		{"x1,x2,x3,y\n", "data.csv:1: no data rows after the header"},
		{"x1,x2,y\n1,0,1\n0,1,2\n", "data.csv:3: X has n = 2 rows but only d = 2 columns; need n < d so that interpolators exist (this line holds X[1], the d-th row)"},
		{"x1,x2,x3,y\n1,0,0,1\n\n2,0,0,2\n", "data.csv:4: X[1] is a linear combination of X[0], so X has rank < n = 2"},
		{"x1,x2,x3,y\n0,0,0,1\n1,0,0,2\n", "data.csv:2: X[0] is (numerically) zero, so X has rank < n = 2"},
	}
	for _, tt := range tests {
		if got := loadError(t, "data.csv", tt.content); got != tt.want {
			t.Errorf("content %q:\ngot  %s\nwant %s", tt.content, got, tt.want)
		}
	}
}

func TestLoadFileErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(filepath.Join(dir, "missing.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := Load(dir); err == nil || !strings.HasSuffix(err.Error(), ": is a directory, want a .json or .csv file") {
		t.Errorf("directory: %v", err)
	}
	// A sparse file just over the limit costs no disk and is refused unread.
	huge := filepath.Join(dir, "huge.csv")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileBytes + 1); err != nil {
		t.Skip("cannot make a sparse file:", err)
	}
	f.Close()
	if _, err := Load(huge); err == nil || err.Error() != huge+": file is larger than the limit of 1536 MiB" {
		t.Errorf("huge file: %v", err)
	}
}

// checkParsed is the fuzz property of the loaders: an error names the file,
// a success is a valid problem that survives a Write/parse round trip.
func checkParsed(t *testing.T, name, format string, p *Problem, err error) {
	if err != nil {
		if !strings.HasPrefix(err.Error(), name+":") {
			t.Fatalf("error does not start with the file name: %v", err)
		}
		return
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("parsed a problem that fails Validate: %v", err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, p, format); err != nil {
		t.Fatalf("Write of a parsed problem: %v", err)
	}
	q, err := parse(name, buf.Bytes())
	if err != nil || !sameBits(q.X, p.X) || !sameBits(q.Y, p.Y) || !sameBits(q.BetaStar, p.BetaStar) {
		t.Fatalf("round trip failed: %v", err)
	}
}

func FuzzLoadJSON(f *testing.F) {
	f.Add([]byte(goodJSON))
	f.Add(encodeForFuzz(f, awkwardProblem(), "json"))
	f.Add([]byte(`{"X": [[1, 0, 0], [0, 1, 0]], "y": [1, 2], "beta_star": null}`))
	f.Add([]byte(`{"X": [[1e308, 1e308, 0], [0, 1, 0]], "y": [1, 2]}`))
	f.Add([]byte(`{"X": [[1, 0, 0], [1, 0, 0]], "y": [1, 2]}`))
	f.Add([]byte(`{"X": [[1, 0], [0, 1]], "y": [1, 2]}`))
	f.Add([]byte(`{"X": [[1, 0, 0]], "y": [NaN]}`))
	f.Add([]byte(`{"X": [[1, 0, 0]], "y": [1], "y": [1]}`))
	f.Add([]byte(`{"X": [[1, 0, 0]], "y": [1]} []`))
	f.Add([]byte(`{"X": [[1, 0, 0], "y": [1]}`))
	f.Add([]byte(`{"X": [[]], "y": []}`))
	f.Add([]byte("\ufeff{}"))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parse("fuzz.json", data)
		checkParsed(t, "fuzz.json", "json", p, err)
	})
}

func FuzzLoadCSV(f *testing.F) {
	f.Add([]byte(goodCSV))
	f.Add(encodeForFuzz(f, awkwardProblem(), "csv"))
	f.Add([]byte("x1,x2,x3,y\r\n1,0,0,1\r\n"))
	f.Add([]byte("x1,x2,x3,y\n\"1\",0,0,1\n"))
	f.Add([]byte("x1,x2,x3,y\n1,\"0\n,0,1\n"))
	f.Add([]byte("x1,x2,x3,y\n1,0,0,inf\n"))
	f.Add([]byte("x1,x2,x3,y\n1,0,0\n"))
	f.Add([]byte("x1,x2,y\n1,0,1\n0,1,2\n"))
	f.Add([]byte("x1,x2,x3,y\n0,0,0,1\n"))
	f.Add([]byte("x1,x2,x3,y\n1e200,0,0,1\n"))
	f.Add([]byte("y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parse("fuzz.csv", data)
		checkParsed(t, "fuzz.csv", "csv", p, err)
	})
}

func encodeForFuzz(f *testing.F, p *Problem, format string) []byte {
	var buf bytes.Buffer
	if err := Write(&buf, p, format); err != nil {
		f.Fatal(err)
	}
	return buf.Bytes()
}

// An endless or binary input is refused from its first block, not read
// up to the size limit.
func TestLoadRefusesBinary(t *testing.T) {
	_, err := Load("/dev/zero")
	if err == nil || !strings.Contains(err.Error(), "binary data") {
		t.Errorf("/dev/zero: %v", err)
	}
	_, err = Read("stdin", strings.NewReader("x1,x2,y\n1,2,\x003\n"))
	if err == nil || !strings.Contains(err.Error(), "stdin: binary data") {
		t.Errorf("NUL in a CSV: %v", err)
	}
	p, err := Read("stdin", strings.NewReader("x1,x2,x3,y\n1,0,0,1\n"))
	if err != nil || p.N != 1 || p.D != 3 || p.Source != "stdin" {
		t.Errorf("stdin: %v %v", p, err)
	}
}
