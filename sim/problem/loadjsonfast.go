package problem

import (
	"encoding/json"
	"io"
	"strings"
)

// The JSON scanner.
//
// A problem file is mostly numbers: 200 rows of 20 000 features are four
// million of them. encoding/json's Decoder.Token allocates for every token
// (the token's text, and the interface holding it) and runs its general
// state machine byte by byte, which made loading cost about 800 ns a
// number; Decoder.Decode would hold the whole document. No package among
// the module's dependencies reads a stream of numbers without that cost, so
// the tokens are scanned here, straight from the text window: the plain
// tokens of a well-formed file ({ } [ ] : , null, keys without escapes,
// and numbers, converted by parseNumber as strconv.ParseFloat converts
// their text, so that the values are those encoding/json gives, bit for
// bit).
//
// The scanner follows the Decoder's token states, and gives up at the
// first byte it is not sure of: an escape in a key, a string where a number
// belongs, NaN, a number out of range, a syntax error, the end of the input.
// Everything before was a token sequence the Decoder accepts; the reader
// then hands the rest of the input over to a Decoder put in the same state
// (handOff), so that such input gets exactly the Decoder's tokens and
// errors, and the messages of the decoder-only reader.

// tokenState is the Decoder's state between tokens: what may come next.
// The scanner keeps it as the Decoder does, so that it accepts a token only
// where the Decoder would.
type tokenState uint8

const (
	tokenTopValue    tokenState = iota // a top-level value
	tokenArrayStart                    // after '[': a value or ']'
	tokenArrayValue                    // after ',' in an array: a value
	tokenArrayComma                    // after an element: ',' or ']'
	tokenObjectStart                   // after '{': a key or '}'
	tokenObjectKey                     // after ',' in an object: a key
	tokenObjectColon                   // after a key: ':'
	tokenObjectValue                   // after ':': a value
	tokenObjectComma                   // after a member's value: ',' or '}'
)

// maxScanSpan bounds what the scanner reads past the last token while
// looking for the next one: a token with its blanks longer than this (a
// number with a thousand digits, a long run of blanks) is left to the
// Decoder, so that the scanner never rescans much.
const maxScanSpan = 4096

// scanner is the state of the token scanner.
type scanner struct {
	state tokenState
	stack []byte // the open containers, '[' or '{', outermost first
}

// valueAllowed reports whether a value may start in state s.
func (s tokenState) valueAllowed() bool {
	return s == tokenTopValue || s == tokenArrayStart || s == tokenArrayValue || s == tokenObjectValue
}

// afterValue is the state after a value that ends in the containers of
// stack.
func afterValue(stack []byte) tokenState {
	switch {
	case len(stack) == 0:
		return tokenTopValue
	case stack[len(stack)-1] == '[':
		return tokenArrayComma
	}
	return tokenObjectComma
}

// fastToken reads the next token when it is a plain one, leaving r.end and
// the scanner's state unchanged when not.
func (r *jsonReader) fastToken() (json.Token, bool) {
	r.text.forget(r.end)
	for {
		tok, ok, more := r.scanToken()
		if ok {
			return tok, true
		}
		if !more || !r.readMore() {
			return nil, false
		}
	}
}

// readMore reads more input for a token that continues past what was read,
// unless that token is longer than maxScanSpan.
func (r *jsonReader) readMore() bool {
	w := r.text
	if w.end()-r.end > maxScanSpan {
		return false
	}
	w.forget(r.end)
	return w.fill()
}

// scanToken scans one token from r.end. more says that the input read so
// far ends before the token does.
func (r *jsonReader) scanToken() (tok json.Token, ok, more bool) {
	w := r.text
	b := w.buf
	i := r.end - w.base
	state := r.scan.state
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case isJSONSpace(c):
			continue
		case c == ',' && state == tokenArrayComma:
			state = tokenArrayValue
			continue
		case c == ',' && state == tokenObjectComma:
			state = tokenObjectKey
			continue
		case c == ':' && state == tokenObjectColon:
			state = tokenObjectValue
			continue
		}
		break
	}
	if i == len(b) {
		return nil, false, true
	}
	start := i
	stack := r.scan.stack
	switch c := b[i]; {
	case (c == '[' || c == '{') && state.valueAllowed():
		stack = append(stack, c)
		state = tokenArrayStart
		if c == '{' {
			state = tokenObjectStart
		}
		tok, i = json.Delim(c), i+1
	case c == ']' && (state == tokenArrayStart || state == tokenArrayComma),
		c == '}' && (state == tokenObjectStart || state == tokenObjectComma):
		stack = stack[:len(stack)-1]
		state = afterValue(stack)
		tok, i = json.Delim(c), i+1
	case c == '"' && (state == tokenObjectStart || state == tokenObjectKey):
		end := i + 1
		for end < len(b) && b[end] >= 0x20 && b[end] < 0x7f && b[end] != '"' && b[end] != '\\' {
			end++
		}
		// The Decoder ends a string at the byte after it, so a key is
		// taken only with that byte read: a read error there is then the
		// key's, as it is for the Decoder.
		if end+1 >= len(b) {
			return nil, false, true
		}
		if b[end] != '"' {
			return nil, false, false // an escape, a control or non-ASCII byte
		}
		state = tokenObjectColon
		tok, i = string(b[i+1:end]), end+1
	case c == 'n' && state.valueAllowed():
		if len(b)-i < 5 { // null and the byte after it, as for a key
			return nil, false, true
		}
		if string(b[i:i+4]) != "null" {
			return nil, false, false
		}
		state = afterValue(stack)
		tok, i = nil, i+4
	default:
		return nil, false, false
	}
	r.scan.state, r.scan.stack = state, stack
	r.start, r.end = w.base+start, w.base+i
	return tok, true, false
}

// fastNumber reads the next element of the array being read (its '[' or a
// number was the last token) when it is a number followed by a byte that
// ends it, leaving everything unchanged when not.
func (r *jsonReader) fastNumber() (float64, bool) {
	if r.scan.state != tokenArrayStart && r.scan.state != tokenArrayComma {
		return 0, false
	}
	for {
		w := r.text
		b := w.buf
		i := r.end - w.base
		for i < len(b) && isJSONSpace(b[i]) {
			i++
		}
		if r.scan.state == tokenArrayComma && i < len(b) {
			if b[i] != ',' {
				return 0, false
			}
			i++
			for i < len(b) && isJSONSpace(b[i]) {
				i++
			}
		}
		v, end, status := parseNumber(b, i)
		switch status {
		case numberBad:
			return 0, false // not a number, or out of range: the Decoder path names it
		case numberMore:
			if !r.readMore() {
				return 0, false
			}
			continue
		}
		r.scan.state = tokenArrayComma
		r.start, r.end = w.base+i, w.base+end
		return v, true
	}
}

// handOff gives the rest of the input, from the end of the last token on,
// to a Decoder, which reads it first after a short made-up text that puts
// it in the scanner's state: the open containers and what was last read in
// the innermost. Its offsets are shifted back to those of the file.
func (r *jsonReader) handOff() {
	var prefix strings.Builder
	for k, c := range r.scan.stack {
		switch {
		case k < len(r.scan.stack)-1 && c == '{':
			prefix.WriteString(`{"":`)
		case k < len(r.scan.stack)-1:
			prefix.WriteString(`[`)
		}
	}
	// "[]" as the last value read: a number such as 0 could be continued
	// by the bytes that follow (".5"), a closed array cannot.
	switch r.scan.state {
	case tokenArrayStart:
		prefix.WriteString(`[`)
	case tokenArrayComma:
		prefix.WriteString(`[[]`)
	case tokenObjectStart:
		prefix.WriteString(`{`)
	case tokenObjectColon:
		prefix.WriteString(`{""`)
	case tokenObjectComma:
		prefix.WriteString(`{"":[]`)
	}
	w := r.text
	w.read = r.end
	r.fast = false
	r.shift = r.end - prefix.Len()
	r.dec = json.NewDecoder(io.MultiReader(strings.NewReader(prefix.String()), w))
	r.dec.UseNumber()
	for r.dec.InputOffset() < int64(prefix.Len()) {
		if _, err := r.dec.Token(); err != nil {
			// A key's end is known from the byte after it, read from the
			// input: a read error there is the next token's.
			r.decErr = err
			return
		}
	}
}
