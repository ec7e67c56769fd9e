package problem

import (
	"bytes"
	"math/rand/v2"
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
