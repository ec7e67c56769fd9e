package problem

import (
	"bytes"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The store gives back every number pushed, in order, whether they fit in
// one chunk, span several, or overflow a bound given in advance.
func TestRowStoreAssemblesInOrder(t *testing.T) {
	for _, tt := range []struct{ capacity, count int }{
		{0, 0}, {0, 5}, {0, storeChunkBytes/8 + 3}, {0, 3*storeChunkBytes/8 + 1}, {10, 10}, {10, 7}, {10, 25},
	} {
		s := newRowStore(tt.capacity)
		for k := range tt.count {
			s.push(float64(k) + 0.5)
		}
		x := s.assemble()
		if len(x) != tt.count || s.len() != tt.count {
			t.Fatalf("capacity %d, %d pushed: got %d back", tt.capacity, tt.count, len(x))
		}
		for k, v := range x {
			if v != float64(k)+0.5 {
				t.Fatalf("capacity %d: x[%d] = %v, want %v", tt.capacity, k, v, float64(k)+0.5)
			}
		}
	}
}

// randomProblem is a problem with full-precision random numbers, large
// enough that X spans several chunks of the store.
func randomProblem(t *testing.T, n, d int) *Problem {
	t.Helper()
	rng := rand.New(rand.NewPCG(11, 12))
	p := &Problem{N: n, D: d, X: make([]float64, n*d), Y: make([]float64, n), BetaStar: make([]float64, d)}
	for i := range p.X {
		p.X[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))
	}
	for i := range p.Y {
		p.Y[i] = rng.NormFloat64()
	}
	p.BetaStar[1] = -3
	p.Finish()
	return p
}

// A JSON file, the same JSON on standard input, a CSV file and the CSV on
// standard input give the same X and y, bit for bit, as the problem that
// was written, X spanning several chunks of the store.
func TestStreamedLoadsMatchBitForBit(t *testing.T) {
	p := randomProblem(t, 3, storeChunkBytes/8/2+17) // 1.5 chunks of X
	dir := t.TempDir()
	texts := map[string][]byte{}
	for _, format := range []string{"json", "csv"} {
		var b bytes.Buffer
		if err := Write(&b, p, format); err != nil {
			t.Fatal(err)
		}
		texts[format] = b.Bytes()
		writeFile(t, dir, "p."+format, b.String())
	}
	for _, c := range []struct {
		name string
		load func() (*Problem, error)
	}{
		{"json file", func() (*Problem, error) { return Load(filepath.Join(dir, "p.json")) }},
		{"json stdin", func() (*Problem, error) { return Read("stdin", bytes.NewReader(texts["json"])) }},
		{"json stdin, one byte a read", func() (*Problem, error) { return Read("stdin", &oneByteReader{texts["json"]}) }},
		{"csv file", func() (*Problem, error) { return Load(filepath.Join(dir, "p.csv")) }},
		{"csv stdin", func() (*Problem, error) { return Read("stdin", bytes.NewReader(texts["csv"])) }},
	} {
		q, err := c.load()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if q.N != p.N || q.D != p.D || !sameBits(q.X, p.X) || !sameBits(q.Y, p.Y) {
			t.Fatalf("%s: X or y differ from what was written", c.name)
		}
		if strings.HasPrefix(c.name, "json") && !sameBits(q.BetaStar, p.BetaStar) {
			t.Fatalf("%s: β* differs", c.name)
		}
	}
}

// oneByteReader hands out its text one byte per Read, the worst case for
// the window that keeps the current token.
type oneByteReader struct{ text []byte }

func (r *oneByteReader) Read(p []byte) (int, error) {
	if len(r.text) == 0 {
		return 0, io.EOF
	}
	p[0] = r.text[0]
	r.text = r.text[1:]
	return 1, nil
}

// Hostile JSON on standard input gets the message a file gets: every cut of
// a good document (never a panic, never success before the end), huge and
// non-finite numbers, ragged rows, strings for numbers, an empty input.
func TestStreamedJSONErrorsMatchFile(t *testing.T) {
	var cases []string
	for k := range len(goodJSON) - 1 {
		cases = append(cases, goodJSON[:k])
	}
	cases = append(cases,
		`{"X": [[1, 1e999, 0], [0, 1, 0]], "y": [1, 2]}`,
		`{"X": [[1, -1e400, 0], [0, 1, 0]], "y": [1, 2]}`,
		`{"X": [[1, NaN, 0], [0, 1, 0]], "y": [1, 2]}`,
		`{"X": [[1, 0, Infinity], [0, 1, 0]], "y": [1, 2]}`,
		`{"X": [[1, 0, 0], [0, 1]], "y": [1, 2]}`,
		`{"X": [[1, 0, 0], [0, 1, 0, 4]], "y": [1, 2]}`,
		`{"X": [[1, "0", 0], [0, 1, 0]], "y": [1, 2]}`,
		`{"X": [[1, 0, 0], [0, 1, 0]], "y": [1]}`,
		`{"X": [], "y": []}`,
		"{\n\"X\": [[1, 0, 0],\n[0, 1, 0]],\n\"y\": [1, 2]\n} trailing",
		"", "   \n",
	)
	dir := t.TempDir()
	for _, content := range cases {
		_, fileErr := Load(writeFile(t, dir, "data.json", content))
		_, readErr := Read("data.json", strings.NewReader(content))
		if fileErr == nil || readErr == nil {
			t.Fatalf("%q: loaded without error (file %v, stdin %v)", content, fileErr, readErr)
		}
		want := strings.TrimPrefix(fileErr.Error(), dir+string(filepath.Separator))
		if readErr.Error() != want {
			t.Errorf("%q: stdin says %q, the file %q", content, readErr, want)
		}
	}
}

// Standard input is sniffed like a file without extension: JSON by its
// first character, CSV otherwise.
func TestReadSniffsFormat(t *testing.T) {
	fromJSON, err := Read("stdin", strings.NewReader("\n  "+goodJSON))
	if err != nil {
		t.Fatal(err)
	}
	fromCSV, err := Read("stdin", strings.NewReader(goodCSV))
	if err != nil {
		t.Fatal(err)
	}
	fromJSON.BetaStar = nil // CSV has no β*
	if !reflect.DeepEqual(fromJSON, fromCSV) {
		t.Fatalf("JSON %+v, CSV %+v", fromJSON, fromCSV)
	}
}
