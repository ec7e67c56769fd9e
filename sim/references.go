package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"

	"sgdbias/sim/problem"
	"sgdbias/sim/theory"
)

// RefKind selects the references to solve.
type RefKind int

// The references: the GF limit argmin φ_α over Xβ = y (§3), the
// minimum-ℓ₁ interpolator (basis pursuit, the α → 0 limit), the
// minimum-ℓ₂ one (the α → ∞ limit), and the saddle-to-saddle schedule of
// GF as α → 0 (§9). AllRefs are the three interpolators.
const (
	RefGFLimit RefKind = 1 << iota
	RefMinL1
	RefMinL2
	RefSaddles
	AllRefs = RefGFLimit | RefMinL1 | RefMinL2
)

// References are the theory's interpolators the runs are compared with.
// A solution is nil when it was not asked for or its solve failed; Errs
// then says why, each error prefixed with the reference's name.
type References struct {
	GFLimit, MinL1, MinL2 []float64
	// MinL1Certified says the min-ℓ₁ solution passed its optimality check.
	MinL1Certified bool
	// Saddles is the saddle-to-saddle schedule: nil when not asked for,
	// the saddles found before a failure otherwise (SaddlesErr says why).
	Saddles    *theory.Schedule
	SaddlesErr error
	Errs       []error
}

// SolveReferences solves the references of p from the initialisation in,
// the one place every front end (run, sweep, the explorer) gets them from.
// A cancelled ctx stops the solves at their next Newton step; ctx may be nil.
func SolveReferences(ctx context.Context, p *problem.Problem, in Init, want RefKind) References {
	var refs References
	countSolves(ctx, bits.OnesCount(uint(want)))
	solver := theory.NewSolver(p.N, p.D, p.X, p.Y)
	solver.Context = ctx
	fail := func(name string, err error) { refs.Errs = append(refs.Errs, fmt.Errorf("%s: %w", name, err)) }
	var gf theory.PhiResult
	if want&RefGFLimit != 0 {
		var err error
		if gf, err = solver.PhiArgmin(in.LogAlpha(), nil, nil); err == nil {
			refs.GFLimit = gf.Beta
		} else {
			fail("GF limit", err)
		}
	}
	if want&RefMinL1 != 0 {
		if res, err := solveMinL1(solver, in, gf); err == nil {
			refs.MinL1, refs.MinL1Certified = res.Beta, res.Certified
		} else {
			fail("min-ℓ₁", err)
		}
	}
	if want&RefMinL2 != 0 {
		if b, err := solver.MinL2(); err == nil {
			refs.MinL2 = b
		} else {
			fail("min-ℓ₂", err)
		}
	}
	if want&RefSaddles != 0 {
		sc, err := solver.Saddles()
		refs.Saddles, refs.SaddlesErr = &sc, err
		if err != nil {
			fail("saddles", err)
		}
	}
	return refs
}

// solveMinL1 seeds basis pursuit's α continuation with the GF limit when
// that was solved at a uniform α: the GF limit is the first point of the
// same path (theory.md §3, §7), which saves Newton steps at large n²d.
func solveMinL1(solver *theory.Solver, in Init, gf theory.PhiResult) (theory.L1Result, error) {
	if gf.Nu == nil || len(in.Alpha) == 0 {
		return solver.MinL1()
	}
	for _, a := range in.Alpha {
		if a != in.Alpha[0] {
			return solver.MinL1()
		}
	}
	return solver.MinL1From(gf, math.Log(in.Alpha[0]))
}

// Err joins the solves' errors (nil when all asked for succeeded).
func (r References) Err() error { return errors.Join(r.Errs...) }

// StableStep is the stable-step estimate of StableStep for algorithm a,
// using the GF limit as the interpolator when it was solved.
func (r References) StableStep(p *problem.Problem, in Init, a Algo, batch int) float64 {
	return StableStep(p, in, a, batch, r.GFLimit)
}
