package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
)

// writeJSONReport writes r as a json.Encoder indenting by two spaces
// writes it, byte for byte, but prints the vectors of length d (β, α_t,
// the predicted β, the references) straight to w instead of through the
// encoder, which builds the whole text in memory and then an indented copy
// of it: about 150 bytes per number, 1.5 GB for two vectors at d = 5e6.
// The report is encoded with each vector replaced by a two-number marker
// [vectorMark, k], and each marker's array is then written out from vector
// k with the indentation the encoder gave the marker.
func writeJSONReport(w io.Writer, r jsonReport) error {
	r, vectors := markVectors(r)
	var encoded bytes.Buffer
	enc := json.NewEncoder(&encoded)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return err
	}
	out := bufio.NewWriterSize(w, 1<<16)
	text := encoded.Bytes()
	for {
		at := vectorMarkPattern.FindSubmatchIndex(text)
		if at == nil {
			break
		}
		k, err := strconv.Atoi(string(text[at[4]:at[5]]))
		if err != nil || k >= len(vectors) {
			break // not a marker of ours: cannot happen, the report has no such pair
		}
		out.Write(text[:at[0]])
		writeJSONVector(out, vectors[k], text[at[2]:at[3]], text[at[6]:at[7]])
		text = text[at[1]:]
	}
	out.Write(text)
	return out.Flush()
}

// vectorMark opens a marker; no report holds it (a negative subnormal-scale
// value beside a small integer).
const vectorMark = -1.2345678901234567e-300

// vectorMarkPattern matches a marker's array as the encoder indents it:
// the elements' indentation, k, and the closing bracket's indentation.
var vectorMarkPattern = regexp.MustCompile(`\[\n( *)` + regexp.QuoteMeta(string(appendJSONFloat(nil, vectorMark))) + `,\n *([0-9]+)\n( *)\]`)

// markVectors returns a copy of r whose vectors are markers, and the
// vectors in marker order; r itself is not changed.
func markVectors(r jsonReport) (jsonReport, [][]float64) {
	var vectors [][]float64
	mark := func(v *[]float64) {
		if *v == nil {
			return
		}
		vectors = append(vectors, *v)
		*v = []float64{vectorMark, float64(len(vectors) - 1)}
	}
	r.Runs = slices.Clone(r.Runs)
	for i := range r.Runs {
		mark(&r.Runs[i].AlphaEff)
		mark(&r.Runs[i].Beta)
		mark(&r.Runs[i].PredictedBeta)
	}
	if r.References != nil {
		refs := *r.References
		for _, ref := range []**jsonReference{&refs.GFLimit, &refs.L1Min, &refs.L2Min} {
			if *ref != nil {
				c := **ref
				mark(&c.Beta)
				*ref = &c
			}
		}
		r.References = &refs
	}
	return r, vectors
}

// writeJSONVector writes v as the encoder indents an array of numbers.
func writeJSONVector(out *bufio.Writer, v []float64, indent, closing []byte) {
	if len(v) == 0 {
		out.WriteString("[]")
		return
	}
	out.WriteString("[\n")
	var num []byte
	for j, x := range v {
		out.Write(indent)
		num = appendJSONFloat(num[:0], x)
		out.Write(num)
		if j < len(v)-1 {
			out.WriteByte(',')
		}
		out.WriteByte('\n')
	}
	out.Write(closing)
	out.WriteByte(']')
}

// appendJSONFloat formats x as encoding/json does: the shortest decimal,
// in exponent form below 1e-6 and from 1e21 on, with a one-digit negative
// exponent written without its leading zero (e-7, not e-07).
func appendJSONFloat(b []byte, x float64) []byte {
	format := byte('f')
	if abs := math.Abs(x); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, x, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
