package problem

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// jsonKeys are the keys of the JSON format, in the order Write emits them.
const jsonKeys = `"X", "y", "beta_star"`

// jsonReader streams the tokens of a JSON file and remembers where the last
// one starts, so that every error can name its line. The file passes
// through a textWindow: it is never held whole. The tokens come from the
// scanner of loadjsonfast.go while it is sure of them (fast), then from a
// json.Decoder, which reads the rest.
type jsonReader struct {
	name   string
	text   *textWindow
	fast   bool
	scan   scanner
	dec    *json.Decoder
	decErr error         // a read error met while the Decoder was put in the scanner's state
	shift  int           // file offset of the decoder's offset 0
	doc    *jsonDocument // the document being read
	start  int           // offset of the first byte of the last token read
	end    int           // offset just past the last token read
}

// jsonDocument is the content of the top-level object, with the lines of its
// parts for error messages.
type jsonDocument struct {
	// row0 holds the first row until its length, d, is known; then every
	// row goes into x.
	row0      []float64
	x         *rowStore
	d         int
	rowLines  []int // line of each row's '['
	y         []float64
	yLine     int
	betaStar  []float64
	betaLine  int
	seen      map[string]bool
	closeLine int // line of the closing '}'
}

// readJSON parses a JSON problem from a stream, straight into X.
func readJSON(name string, in io.Reader) (*Problem, error) {
	return readJSONWith(name, in, true)
}

// readJSONWith is readJSON with the scanner (fast) or with the Decoder
// alone, which the tests compare.
func readJSONWith(name string, in io.Reader, fast bool) (*Problem, error) {
	r := newJSONReader(name, in, fast)
	doc, err := r.readDocument()
	if err != nil {
		return nil, err
	}
	return doc.problem(r)
}

// newJSONReader reads in with the scanner first (fast) or with the
// Decoder from the start.
func newJSONReader(name string, in io.Reader, fast bool) *jsonReader {
	r := &jsonReader{name: name, text: newTextWindow(in), fast: true}
	if !fast {
		r.handOff()
	}
	return r
}

// jsonField names the value being read, like X[3][1]. It is formatted only
// for an error: naming every number up front would dominate the loading time.
type jsonField struct {
	key     string
	indices [2]int
	depth   int // how many of indices are used
}

// at names element k of f.
func (f jsonField) at(k int) jsonField {
	f.indices[f.depth] = k
	f.depth++
	return f
}

func (f jsonField) String() string {
	name := f.key
	for _, k := range f.indices[:f.depth] {
		name += "[" + strconv.Itoa(k) + "]"
	}
	return name
}

// next reads one token; field names what is being read, for errors.
func (r *jsonReader) next(field jsonField) (json.Token, error) {
	if r.fast {
		if tok, ok := r.fastToken(); ok {
			return tok, nil
		}
		r.handOff()
	}
	tok, err := json.Token(nil), r.decErr
	if err == nil {
		tok, err = r.dec.Token()
	}
	// The decoder has read the token (or the bytes it fails on): it is in
	// the window, and what lies before the end of the previous one can go.
	r.start = r.tokenStart(r.end)
	r.text.forget(r.end)
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		r.start = r.text.lastNonSpace()
		return nil, r.errorf(field, "unexpected end of file")
	case err != nil:
		return nil, r.syntaxError(field, err)
	}
	r.end = int(r.dec.InputOffset()) + r.shift
	return tok, nil
}

// tokenStart skips whitespace and one separator from offset, reading more
// of the input while it is all blank. The decoder's own syntax error
// offsets are relative to an internal buffer, so positions are tracked here
// instead.
func (r *jsonReader) tokenStart(offset int) int {
	for {
		rest := r.text.from(offset)
		k := 0
		skipSpace := func() {
			for k < len(rest) && isJSONSpace(rest[k]) {
				k++
			}
		}
		skipSpace()
		if k < len(rest) && (rest[k] == ',' || rest[k] == ':') {
			k++
			skipSpace()
		}
		if k < len(rest) || !r.text.fill() {
			return offset + k
		}
	}
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// line is the line of the last token read.
func (r *jsonReader) line() int {
	line, _ := r.text.position(r.start)
	return line
}

// errorf formats "file:line: field: message" at the last token.
func (r *jsonReader) errorf(field jsonField, format string, args ...any) error {
	return r.errorfAt(r.line(), field, format, args...)
}

// errorfAt formats "file:line: field: message" at a given line.
func (r *jsonReader) errorfAt(line int, field jsonField, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if name := field.String(); name != "" {
		msg = name + ": " + msg
	}
	return fmt.Errorf("%s:%d: %s", r.name, line, msg)
}

// syntaxError reports malformed JSON at the line and column where the bad
// token starts, recognising NaN and Inf, which JSON cannot hold.
func (r *jsonReader) syntaxError(field jsonField, err error) error {
	// Read enough to tell the word, however the input came in reads.
	rest := bytes.TrimLeft(r.text.from(r.start), "+-")
	for len(rest) < 3 && r.text.fill() {
		rest = bytes.TrimLeft(r.text.from(r.start), "+-")
	}
	word := strings.ToLower(string(rest[:min(len(rest), 3)]))
	if word == "nan" || word == "inf" {
		return r.errorf(field, "NaN/Inf not allowed")
	}
	line, col := r.text.position(r.start)
	where := ""
	if name := field.String(); name != "" {
		where = name + ": "
	}
	return fmt.Errorf("%s:%d:%d: %sinvalid JSON: %v", r.name, line, col, where, err)
}

// describe names the kind of a token for "got …, want …" messages.
func describe(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '[':
			return "an array"
		case '{':
			return "an object"
		case ']':
			return "the end of an array"
		}
		return "the end of an object"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	}
	return "null"
}

// readDocument reads the top-level object and checks that nothing follows it.
func (r *jsonReader) readDocument() (*jsonDocument, error) {
	tok, err := r.next(jsonField{})
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('{') {
		return nil, r.errorf(jsonField{}, `the top level must be an object {"X": [[…], …], "y": […]}, got %s`, describe(tok))
	}
	doc := &jsonDocument{seen: map[string]bool{}}
	r.doc = doc
	for {
		tok, err := r.next(jsonField{})
		if err != nil {
			return nil, err
		}
		if tok == json.Delim('}') {
			doc.closeLine = r.line()
			break
		}
		key, _ := tok.(string) // the decoder only yields strings in key position
		if err := r.readMember(doc, key); err != nil {
			return nil, err
		}
	}
	if r.fast {
		r.handOff() // the decoder checks that only blanks follow
	}
	if _, err := r.dec.Token(); !errors.Is(err, io.EOF) {
		r.start = r.tokenStart(r.end)
		return nil, r.errorf(jsonField{}, "unexpected data after the top-level object")
	}
	return doc, nil
}

// readMember reads the value of one key of the top-level object.
func (r *jsonReader) readMember(doc *jsonDocument, key string) error {
	if doc.seen[key] {
		return r.errorf(jsonField{}, "duplicate key %q", clip(key))
	}
	doc.seen[key] = true
	var err error
	switch key {
	case "X":
		err = r.readMatrix(doc)
	case "y":
		doc.y, doc.yLine, err = r.readVector(jsonField{key: "y"}, false)
	case "beta_star":
		doc.betaStar, doc.betaLine, err = r.readVector(jsonField{key: "beta_star"}, true)
	default:
		err = r.errorf(jsonField{}, "unknown key %q; allowed keys are %s", clip(key), jsonKeys)
	}
	return err
}

// readVector reads an array of numbers and returns it with the line of its
// '['. With nullable, null means absent (nil).
func (r *jsonReader) readVector(field jsonField, nullable bool) ([]float64, int, error) {
	tok, err := r.next(field)
	if err != nil {
		return nil, 0, err
	}
	line := r.line()
	if tok == nil && nullable {
		return nil, line, nil
	}
	if tok != json.Delim('[') {
		return nil, 0, r.errorf(field, "got %s, want an array of numbers", describe(tok))
	}
	// Never nil, even empty: a nil β* means that the file has none.
	values := make([]float64, 0, r.vectorHint(field.key))
	_, err = r.readNumbers(field, func(v float64) bool {
		values = append(values, v)
		return len(values) <= MaxEntries
	})
	return values, line, err
}

// readNumbers appends the numbers of an array whose '[' was read, up to its
// ']'.
// Each number goes to add, which returns false when there are more than
// MaxEntries. It returns the count of numbers read.
func (r *jsonReader) readNumbers(field jsonField, add func(float64) bool) (int, error) {
	for k := 0; ; k++ {
		if r.fast {
			if v, ok := r.fastNumber(); ok {
				if !add(v) {
					return 0, r.errorf(field, "more than %d numbers; allowed n·d ≤ %d", MaxEntries, MaxEntries)
				}
				continue
			}
		}
		element := field.at(k)
		tok, err := r.next(element)
		if err != nil {
			return 0, err
		}
		if tok == json.Delim(']') {
			return k, nil
		}
		v, err := r.number(element, tok)
		if err != nil {
			return 0, err
		}
		if !add(v) {
			return 0, r.errorf(field, "more than %d numbers; allowed n·d ≤ %d", MaxEntries, MaxEntries)
		}
	}
}

// number converts a number token to a finite float64.
func (r *jsonReader) number(field jsonField, tok json.Token) (float64, error) {
	text, ok := tok.(json.Number)
	if !ok {
		return 0, r.errorf(field, "got %s, want a number", describe(tok))
	}
	v, err := strconv.ParseFloat(string(text), 64)
	if err != nil {
		// The decoder accepted the syntax, so only the range can be wrong.
		return 0, r.errorf(field, "%s is out of float64 range (NaN/Inf not allowed)", clip(string(text)))
	}
	return v, nil
}

// readMatrix reads X as an array of equally long arrays of numbers, stored
// row-major in doc.x.
func (r *jsonReader) readMatrix(doc *jsonDocument) error {
	tok, err := r.next(jsonField{key: "X"})
	if err != nil {
		return err
	}
	if tok != json.Delim('[') {
		return r.errorf(jsonField{key: "X"}, "got %s, want an array of rows [[…], …]", describe(tok))
	}
	for i := 0; ; i++ {
		if err := r.readRow(doc, i); err != nil {
			return err
		}
		if len(doc.rowLines) == i {
			break // the ']' closing X
		}
	}
	if len(doc.rowLines) == 0 {
		return r.errorf(jsonField{key: "X"}, "empty; want at least one row")
	}
	if len(doc.rowLines) >= doc.d {
		return tooManySamples(r.name, doc.rowLines, doc.d)
	}
	return nil
}

// readRow reads row i of X, or the ']' that closes X.
func (r *jsonReader) readRow(doc *jsonDocument, i int) error {
	field := jsonField{key: "X"}.at(i)
	tok, err := r.next(field)
	if err != nil || tok == json.Delim(']') {
		return err
	}
	if tok != json.Delim('[') {
		return r.errorf(field, "got %s, want an array of numbers (row %d of X)", describe(tok), i)
	}
	line := r.line() // errors about the whole row point at its '['
	length, err := r.readNumbers(field, doc.adder(i))
	if err != nil {
		return err
	}
	switch {
	case i == 0 && length < 2:
		return r.errorfAt(line, jsonField{}, "%s has %s; want d ≥ 2 features", field, plural(length, "entry", "entries"))
	case i == 0:
		doc.d = length
		doc.x = newRowStore(0)
		for _, v := range doc.row0 {
			doc.x.push(v)
		}
		doc.row0 = nil
	case length != doc.d:
		return r.errorfAt(line, jsonField{}, "%s has %s, want %d (the length of X[0])", field, plural(length, "entry", "entries"), doc.d)
	}
	doc.rowLines = append(doc.rowLines, line)
	return nil
}

// adder is where the numbers of row i go: the first row's own slice, then
// the store of X.
func (doc *jsonDocument) adder(i int) func(float64) bool {
	if i == 0 {
		return func(v float64) bool {
			doc.row0 = append(doc.row0, v)
			return len(doc.row0) <= MaxEntries
		}
	}
	return func(v float64) bool {
		doc.x.push(v)
		return doc.x.len() <= MaxEntries
	}
}

// vectorHint is the length y or beta_star will have when X came first: n or
// d, so that the vector is allocated once.
func (r *jsonReader) vectorHint(key string) int {
	if r.doc == nil {
		return 0
	}
	switch key {
	case "y":
		return len(r.doc.rowLines)
	case "beta_star":
		return r.doc.d
	}
	return 0
}

// problem checks the parts against each other and builds the Problem.
func (doc *jsonDocument) problem(r *jsonReader) (*Problem, error) {
	for _, key := range []string{"X", "y"} {
		if !doc.seen[key] {
			return nil, fmt.Errorf(`%s:%d: missing key %q; the top-level object needs "X" and "y" (and may have "beta_star")`,
				r.name, doc.closeLine, key)
		}
	}
	n := len(doc.rowLines)
	if len(doc.y) != n {
		return nil, fmt.Errorf("%s:%d: y has %s, want %d (the number of rows of X)", r.name, doc.yLine, plural(len(doc.y), "entry", "entries"), n)
	}
	if doc.betaStar != nil && len(doc.betaStar) != doc.d {
		return nil, fmt.Errorf("%s:%d: beta_star has %s, want %d (the length of the rows of X)",
			r.name, doc.betaLine, plural(len(doc.betaStar), "entry", "entries"), doc.d)
	}
	p := &Problem{N: n, D: doc.d, X: doc.x.assemble(), Y: doc.y, BetaStar: doc.betaStar}
	return finishLoaded(r.name, p, doc.rowLines)
}
