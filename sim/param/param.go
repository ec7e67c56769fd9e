// Package param names the parameters of a scenario and carries the error
// the engine returns for a value it does not accept.
//
// The engine speaks of parameters by these neutral names (the keys of the
// scenario files); each front end says them in its own words: the command
// line maps a name to its flag, the explorer to its on-screen label. An
// Error is to a parameter what strconv.NumError is to a number: which
// parameter, the value given, and what is allowed.
package param

import (
	"errors"
	"fmt"
	"strings"
)

// Name is a parameter's neutral name, as in the scenario files.
type Name string

// The parameters of a scenario, of its problem, and of a sweep.
const (
	N          Name = "n"
	D          Name = "d"
	S          Name = "s"
	BetaStar   Name = "beta_star"
	Features   Name = "features"
	LabelSigma Name = "label_sigma"
	Seed       Name = "seed"
	Data       Name = "data"

	Algos      Name = "algos"
	Alpha      Name = "alpha"
	Step       Name = "step"
	Noise      Name = "noise"
	Batch      Name = "batch"
	Reshuffle  Name = "reshuffle"
	LabelNoise Name = "label_noise"
	Momentum   Name = "momentum"

	Time  Name = "time"
	Steps Name = "steps"
	Tol   Name = "tol"

	Reps   Name = "reps"
	Metric Name = "metric"
	Band   Name = "band"
	Shard  Name = "shard"
)

// Error is a value of a parameter that is not allowed.
type Error struct {
	Param Name
	// Value is the value as given (or a short description of it).
	Value string
	// Reason says what is wrong with it; empty means "is not allowed".
	Reason string
	// Allowed says what would be accepted; may be empty.
	Allowed string
}

// Errorf returns an Error for value v of p; reason and allowed are as in
// Error, and allowed may hold fmt verbs for args.
func Errorf(p Name, v any, reason, allowed string, args ...any) *Error {
	return &Error{Param: p, Value: Clip(fmt.Sprint(v)), Reason: reason, Allowed: fmt.Sprintf(allowed, args...)}
}

// maxEcho is how much of a given value a message repeats: a hostile 1 MB
// --algo must not come back whole.
const maxEcho = 80

// Clip cuts text echoed in a message to maxEcho runes, ending in … when cut.
func Clip(s string) string {
	if r := []rune(s); len(r) > maxEcho {
		return string(r[:maxEcho-1]) + "…"
	}
	return s
}

// OutOfRange is the common case: v is outside the allowed range.
func OutOfRange(p Name, v any, allowed string, args ...any) *Error {
	return Errorf(p, v, "is out of range", allowed, args...)
}

// Error names the parameter, then Message.
func (e *Error) Error() string { return string(e.Param) + ": " + e.Message() }

// Message is the error without the parameter's name, for a front end that
// names the parameter its own way.
func (e *Error) Message() string {
	reason := e.Reason
	if reason == "" {
		reason = "is not allowed"
	}
	msg := e.Value + " " + reason
	if e.Value == "" {
		msg = reason
	}
	if e.Allowed != "" {
		msg += "; allowed " + e.Allowed
	}
	return msg
}

// Rename rewrites the first parameter error in err's chain with name(p) in
// place of the parameter's neutral name, keeping the text around it (a
// variant's prefix, say). Other errors are returned unchanged.
func Rename(err error, name func(Name) string) error {
	var pe *Error
	if err == nil || !errors.As(err, &pe) {
		return err
	}
	own := pe.Error()
	msg := strings.Replace(err.Error(), own, name(pe.Param)+": "+pe.Message(), 1)
	return renamed{msg: msg, err: err}
}

// renamed keeps the original error reachable through errors.As.
type renamed struct {
	msg string
	err error
}

func (r renamed) Error() string { return r.msg }
func (r renamed) Unwrap() error { return r.err }

// Underflows reports whether the number text, read as f, was nonzero but
// rounded to 0: strconv.ParseFloat (and encoding/json) return 0 without an
// error then, and a value the user wrote as nonzero must not silently
// become 0. Every reader of numbers that a user writes checks it.
func Underflows(text string, f float64) bool {
	if f != 0 {
		return false
	}
	mantissa := strings.ToLower(strings.TrimLeft(strings.TrimSpace(text), "+-"))
	if hex, ok := strings.CutPrefix(mantissa, "0x"); ok {
		mantissa, _, _ = strings.Cut(hex, "p")
		return strings.ContainsAny(mantissa, "123456789abcdef")
	}
	mantissa, _, _ = strings.Cut(mantissa, "e")
	return strings.ContainsAny(mantissa, "123456789")
}

// UnderflowReason is what a message says of a number that Underflows.
const UnderflowReason = "is too small: it would be read as 0 (the smallest number above 0 is 4.9e-324)"
