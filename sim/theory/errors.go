package theory

import (
	"errors"
	"fmt"
)

// ErrNotConverged is returned (wrapped, with details) when a solver stops
// before meeting its tolerance. Results that come with it are never NaN/Inf
// but must not be trusted as solutions.
var ErrNotConverged = errors.New("theory: solver did not converge")

// ErrInvalidInput is returned (wrapped) for inconsistent lengths or
// non-finite inputs.
var ErrInvalidInput = errors.New("theory: invalid input")

func notConverged(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrNotConverged, fmt.Sprintf(format, args...))
}

func invalidInput(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidInput, fmt.Sprintf(format, args...))
}

// errSettled ends a φ_α continuation whose caller (Solver.settled) needs no
// further stage.
var errSettled = errors.New("theory: continuation settled by its caller")
