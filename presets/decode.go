package presets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sgdbias/sim/param"
	"strings"
)

// maxEcho is how much of a file's text a message repeats.
const maxEcho = 80

// clip cuts s to maxEcho characters for a message.
func clip(s string) string {
	if r := []rune(s); len(r) > maxEcho {
		return string(r[:maxEcho-1]) + "…"
	}
	return s
}

// checkTokens refuses an object with the same key twice (the JSON decoder
// would keep the last silently) and a nonzero number that a float64 reads
// as 0 (the decoder would take 1e-400 as 0 and a range check would then
// report 0). Syntax errors are left to the decoder, which reports them
// with their position.
func checkTokens(file string, data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	key := "" // the key whose value is being read, for messages
	type frame struct {
		object bool
		keys   map[string]bool
		atKey  bool // the next token in this object is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.atKey {
			if k, ok := tok.(string); ok {
				if top.keys[k] {
					return fmt.Errorf("%s:%d: key %q appears twice; give each setting once", file, lineOf(data, dec.InputOffset()), clip(k))
				}
				key = k
				top.keys[key] = true
				top.atKey = false
				continue
			}
		}
		if num, ok := tok.(json.Number); ok {
			if f, err := num.Float64(); err == nil && param.Underflows(string(num), f) {
				return fmt.Errorf("%s:%d: %s: %s %s", file, lineOf(data, dec.InputOffset()), clip(key), clip(string(num)), param.UnderflowReason)
			}
		}
		if top != nil && top.object && !top.atKey {
			top.atKey = true // this token is (or opens) the key's value
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, keys: map[string]bool{}, atKey: true})
		case json.Delim('['):
			stack = append(stack, &frame{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
	}
}

// describe words a decoding error without Go's type names.
func describe(err error) string {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		if typ.Field == "" {
			return fmt.Sprintf("the file holds %s; want a JSON object of settings such as {\"alpha\": 0.1}", typ.Value)
		}
		return fmt.Sprintf("%s: %s is not allowed here; want %s", typ.Field, typ.Value, kindWords(typ.Type))
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if key, ok := strings.CutPrefix(msg, "unknown field "); ok {
		return fmt.Sprintf("unknown key %s; allowed: %s", clip(key), strings.Join(keys(), ", "))
	}
	return clip(msg)
}

// kindWords names what a Go type holds, in the user's words.
func kindWords(t reflect.Type) string {
	if t == nil {
		return "another kind of value"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		return "an integer"
	case reflect.Uint64:
		return "an integer ≥ 0"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string in double quotes"
	case reflect.Bool:
		return "true or false"
	case reflect.Map, reflect.Struct:
		return "an object {…}"
	}
	return "another kind of value"
}

// keys lists the JSON keys of a scenario.
func keys() []string {
	var out []string
	t := reflect.TypeFor[Scenario]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}
