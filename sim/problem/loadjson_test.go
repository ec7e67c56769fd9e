package problem

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"testing"
)

// benchmarkJSON is the text of a 200×20000 problem at full precision, as
// Write gives it: 4 million numbers, 88 MB.
func benchmarkJSON(b *testing.B) []byte {
	b.Helper()
	const n, d = 200, 20000
	rng := rand.New(rand.NewPCG(3, 4))
	p := &Problem{N: n, D: d, X: make([]float64, n*d), Y: make([]float64, n), BetaStar: make([]float64, d)}
	for i := range p.X {
		p.X[i] = rng.NormFloat64()
	}
	for i := range p.Y {
		p.Y[i] = rng.NormFloat64()
	}
	var buf bytes.Buffer
	if err := Write(&buf, p, "json"); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkParseJSON parses a problem file into X, y and β*, without the
// validation (an n×n Gram matrix) that loading adds: with the scanner, and
// with the Decoder alone, as before the scanner.
func BenchmarkParseJSON(b *testing.B) {
	text := benchmarkJSON(b)
	for _, c := range []struct {
		name string
		fast bool
	}{{"scanner", true}, {"decoder", false}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				r := newJSONReader("bench.json", bytes.NewReader(text), c.fast)
				doc, err := r.readDocument()
				if err != nil {
					b.Fatal(err)
				}
				if len(doc.rowLines) != 200 || doc.d != 20000 {
					b.Fatalf("parsed %d×%d", len(doc.rowLines), doc.d)
				}
			}
		})
	}
}

// jsonOutcome is what reading a JSON text gave: the error's text, or the
// bits of X, y and β*.
type jsonOutcome struct {
	err     string
	n, d    int
	x, y, b []float64
}

func readOutcome(in io.Reader, fast bool) jsonOutcome {
	p, err := readJSONWith("data.json", in, fast)
	if err != nil {
		return jsonOutcome{err: err.Error()}
	}
	return jsonOutcome{n: p.N, d: p.D, x: p.X, y: p.Y, b: p.BetaStar}
}

func (o jsonOutcome) same(p jsonOutcome) bool {
	return o.err == p.err && o.n == p.n && o.d == p.d && sameBits(o.x, p.x) && sameBits(o.y, p.y) &&
		sameBits(o.b, p.b) && (o.b == nil) == (p.b == nil)
}

// checkScannerMatchesDecoder reads text with the scanner, from whole reads
// and from one byte a read, and with the Decoder alone, and fails unless
// all three give the same error message or the same numbers.
func checkScannerMatchesDecoder(t *testing.T, text []byte) {
	t.Helper()
	want := readOutcome(bytes.NewReader(text), false)
	for _, in := range []io.Reader{bytes.NewReader(text), &oneByteReader{text}} {
		if got := readOutcome(in, true); !got.same(want) {
			t.Fatalf("%q:\nscanner %q (n = %d)\ndecoder %q (n = %d)", text, got.err, got.n, want.err, want.n)
		}
	}
}

// jsonVariants are well-formed files in the shapes the scanner and the
// hand-over to the Decoder must both get right: keys in any order, null
// β*, escaped keys, blanks of every kind, numbers in every form.
var jsonVariants = []string{
	goodJSON,
	`{"y": [1, 2], "beta_star": null, "X": [[1, 0, 0], [0, 1, 0]]}`,
	`{"beta_star":[1e0,-2.5E-1,0],"X":[[1,0,0],[0,1,0]],"y":[1,2]}`,
	"{\r\n\t\"X\" :\t[ [ 1 , 0 , 0 ] ,\r\n [ 0 , 1.0e+0 , -0.0 ] ] ,\n\"y\":[ 1 ,2 ] }\n\n",
	`{"\u0058": [[1, 0, 0], [0, 1, 0]], "y": [1, 2]}`,
	`{"X": [[1, 0, 0], [0, 1, 0]], "\u0079": [1, 2], "beta_star": [0.1, 0.2, 0.30000000000000004]}`,
	`{"X": [[12345678901234567890, 1e-400, 0.000001], [9007199254740993, 1e22, 1e23]], "y": [5e-324, 1.7976931348623157e308]}`,
}

// Every cut of the variants, and every one-byte change, insertion and
// deletion of the first two, gives the scanner exactly the Decoder's
// outcome: the same numbers, or the same message (line, column, field and
// words).
func TestJSONScannerMatchesDecoder(t *testing.T) {
	var awkward bytes.Buffer
	if err := Write(&awkward, awkwardProblem(), "json"); err != nil {
		t.Fatal(err)
	}
	variants := append(slices.Clone(jsonVariants), awkward.String())
	for _, v := range variants {
		for k := range len(v) + 1 {
			checkScannerMatchesDecoder(t, []byte(v[:k]))
		}
	}
	for _, v := range jsonVariants[:2] {
		text := []byte(v)
		for k := range len(text) {
			checkScannerMatchesDecoder(t, slices.Delete(slices.Clone(text), k, k+1))
			for _, c := range []byte(" \n\",:[]{}0-.eN\x00") {
				changed := slices.Clone(text)
				changed[k] = c
				checkScannerMatchesDecoder(t, changed)
				checkScannerMatchesDecoder(t, slices.Insert(slices.Clone(text), k, c))
			}
		}
	}
}

// A well-formed file is read by the scanner to its end, the Decoder only
// checking that nothing follows, and the window it reads through stays one
// block, however long the rows.
func TestScannerReadsPlainFilesAlone(t *testing.T) {
	p := randomProblem(t, 3, 3*windowBlock)
	var text bytes.Buffer
	if err := Write(&text, p, "json"); err != nil {
		t.Fatal(err)
	}
	r := newJSONReader("data.json", bytes.NewReader(text.Bytes()), true)
	if _, err := r.readDocument(); err != nil {
		t.Fatal(err)
	}
	if end := len(bytes.TrimRight(text.Bytes(), " \n")); r.shift != end {
		t.Errorf("the Decoder took over at offset %d, want %d (the end of the object)", r.shift, end)
	}
	if cap(r.text.mem) > 2*windowBlock {
		t.Errorf("the window grew to %d bytes", cap(r.text.mem))
	}
}

// decodeWhole is the independent reading of a problem file: encoding/json
// decodes the whole text at once (numbers by strconv.ParseFloat), and the
// shape is checked on the result. It reports whether the file is a valid
// problem, and the problem.
func decodeWhole(text []byte) (*Problem, bool) {
	var doc map[string]any
	if json.Unmarshal(text, &doc) != nil || doc == nil || hasDuplicateKey(text) {
		return nil, false
	}
	for key := range doc {
		if key != "X" && key != "y" && key != "beta_star" {
			return nil, false
		}
	}
	rows, ok := doc["X"].([]any)
	if !ok || len(rows) == 0 {
		return nil, false
	}
	p := &Problem{N: len(rows)}
	for _, row := range rows {
		values, ok := numbers(row)
		if !ok || (p.D == 0 && len(values) < 2) || (p.D != 0 && len(values) != p.D) {
			return nil, false
		}
		p.D = len(values)
		p.X = append(p.X, values...)
	}
	if p.Y, ok = numbers(doc["y"]); !ok || len(p.Y) != p.N {
		return nil, false
	}
	if beta, present := doc["beta_star"]; present && beta != nil {
		if p.BetaStar, ok = numbers(beta); !ok || len(p.BetaStar) != p.D {
			return nil, false
		}
	}
	p.Finish()
	return p, p.Validate() == nil
}

// numbers converts a decoded array of numbers.
func numbers(v any) ([]float64, bool) {
	items, ok := v.([]any)
	if !ok {
		return nil, false
	}
	values := make([]float64, len(items))
	for k, item := range items {
		if values[k], ok = item.(float64); !ok {
			return nil, false
		}
	}
	return values, true
}

// hasDuplicateKey reports whether the top-level object of a valid JSON
// text repeats a key (encoding/json keeps the last silently; a problem
// file must not).
func hasDuplicateKey(text []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.Token() // '{'
	seen := map[string]bool{}
	for dec.More() {
		tok, _ := dec.Token()
		key, _ := tok.(string)
		if seen[key] {
			return true
		}
		seen[key] = true
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	return false
}

// FuzzJSONProblem: the streaming reader accepts exactly the texts that
// encoding/json, decoding them whole, finds to be valid problems, with the
// same numbers bit for bit; and the scanner, from whole reads or one byte
// a read, gives the Decoder-only reader's every message.
func FuzzJSONProblem(f *testing.F) {
	for _, v := range jsonVariants {
		f.Add([]byte(v))
	}
	for _, v := range []string{
		`{"X": [[1, 1e999, 0], [0, 1, 0]], "y": [1, 2]}`, `{"X": [[1, NaN, 0]], "y": [1]}`,
		`{"X": [[1, -Infinity, 0]], "y": [1]}`, `{"X": [[1, 0, 0], [0, 1]], "y": [1, 2]}`,
		`{"X": [[1, "0", 0]], "y": [1]}`, `{"X": [[1, 0, 0]], "y": [1]} {}`, `{"X": [[1, 0, 0]], "y": [1], "y": [1]}`,
		`{"X": [[1, 0, 0]], "Y": [1]}`, `{"X": [[[1]]], "y": [1]}`, `{"X": [[1, 0, 0]], "y": [1,]}`,
		`{"X": [[1, 0, 0]], "y": [01]}`, `{"X": [[1, 0, 0]], "y": [1.5.3]}`, "", "[", `{"X": [[1, 0, 0]], "y": [1]`,
	} {
		f.Add([]byte(v))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		checkScannerMatchesDecoder(t, text)
		p, err := readJSONWith("fuzz.json", bytes.NewReader(text), true)
		want, valid := decodeWhole(text)
		switch {
		case err == nil && !valid:
			t.Fatalf("%q: read, but encoding/json finds no valid problem", text)
		case err != nil && valid:
			t.Fatalf("%q: encoding/json finds a valid problem, the reader: %v", text, err)
		case err == nil && (p.N != want.N || p.D != want.D || !sameBits(p.X, want.X) || !sameBits(p.Y, want.Y) || !sameBits(p.BetaStar, want.BetaStar)):
			t.Fatalf("%q: the numbers differ from encoding/json's", text)
		}
	})
}

// failingReader hands out its text, then fails.
type failingReader struct{ text []byte }

var errDiskOnFire = errors.New("disk on fire")

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.text) == 0 {
		return 0, errDiskOnFire
	}
	k := copy(p, r.text)
	r.text = r.text[k:]
	return k, nil
}

// A read error at any point of a file is an error of the load, the same
// with the scanner as with the Decoder alone, never a panic nor a success.
func TestJSONReadErrors(t *testing.T) {
	for _, v := range jsonVariants {
		for k := range len(v) + 1 {
			_, fast := readJSONWith("data.json", &failingReader{[]byte(v[:k])}, true)
			_, slow := readJSONWith("data.json", &failingReader{[]byte(v[:k])}, false)
			if fast == nil || slow == nil || fast.Error() != slow.Error() {
				t.Errorf("%q then a read error: scanner %v, decoder %v", v[:k], fast, slow)
			}
		}
	}
}
