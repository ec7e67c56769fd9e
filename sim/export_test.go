package sim

import (
	"math"
	"testing"

	"sgdbias/sim/problem"
)

// GDStepKind names one of GD's ways of taking a step, for benchmarks.
type GDStepKind int

const (
	GDTwoPass      GDStepKind = iota // Dgemv twice on one core
	GDColumnSplit                    // column blocks of X on two cores
	GDOnePass                        // the one-pass kernel on one core
	GDOnePassSplit                   // the one-pass kernel on two cores
)

// NewGDForBenchmark returns GD on p stepping the given way, whatever the
// size thresholds say.
func NewGDForBenchmark(tb testing.TB, p *problem.Problem, kind GDStepKind) Method {
	m, err := NewGD(p, UniformInit(0.1, p.D), Params{Step: 1e-4, Batch: 1})
	if err != nil {
		tb.Fatal(err)
	}
	gd := m.(*gdMethod)
	gd.fast = nil
	switch kind {
	case GDColumnSplit:
		gd.fast = newGDSplit(gd)
	case GDOnePass, GDOnePassSplit:
		gd.fast = newGDOnePass(gd, kind == GDOnePassSplit)
	}
	gd.Reset()
	return gd
}

// ForceGDOnePass makes every GD run made until restore is called take the
// one-pass step (for n ≥ 4), on two cores or on one, so that the engine's
// checks run on that path at small sizes.
func ForceGDOnePass(twoCores bool) (restore func()) {
	one, two := gdOnePassMinElems, gdTwoCoreMinElems
	gdOnePassMinElems, gdTwoCoreMinElems = 0, math.MaxInt
	if twoCores {
		gdTwoCoreMinElems = 0
	}
	return func() { gdOnePassMinElems, gdTwoCoreMinElems = one, two }
}

// GDStepOf says how a GD method takes its steps.
func GDStepOf(m Method) GDStepKind {
	switch f := m.(*gdMethod).fast.(type) {
	case *gdSplit:
		return GDColumnSplit
	case *gdOnePass:
		if f.parts[1].lo < f.parts[1].hi {
			return GDOnePassSplit
		}
		return GDOnePass
	}
	return GDTwoPass
}
