package sim_test

import (
	"fmt"
	"testing"
	"time"

	"sgdbias/sim"
)

// BenchmarkGDOnePass compares GD's four ways of taking a step on the same
// problem: two passes of Dgemv on one core, the column-block split on two,
// and the one-pass kernel on one core and on two. The four alternate within
// one loop, each timed on its own over a burst of steps, so that a shared,
// loaded machine slows them alike (compare the metrics of one line) while
// each still finds its copy of X in the last-level cache as a run does: at
// (400, 4000) the four working sets together do not fit in it. The thresholds
// gdOnePassMinElems and gdTwoCoreMinElems are set from these figures.
func BenchmarkGDOnePass(b *testing.B) {
	const gdBurst = 16
	kinds := []struct {
		kind sim.GDStepKind
		unit string
	}{
		{sim.GDTwoPass, "ns/two_pass"}, {sim.GDColumnSplit, "ns/column_split"},
		{sim.GDOnePass, "ns/one_pass"}, {sim.GDOnePassSplit, "ns/one_pass_2cores"},
	}
	for _, size := range [][2]int{{8, 32}, {20, 50}, {40, 100}, {100, 1000}, {200, 2000}, {400, 4000}, {1000, 10000}} {
		p := sparseProblem(b, size[0], size[1], 5, 1)
		b.Run(fmt.Sprintf("n=%d,d=%d", size[0], size[1]), func(b *testing.B) {
			methods := make([]sim.Method, len(kinds))
			for i, k := range kinds {
				methods[i] = sim.NewGDForBenchmark(b, p, k.kind)
			}
			spent := make([]time.Duration, len(kinds))
			b.ReportAllocs()
			for b.Loop() {
				for i, m := range methods {
					start := time.Now()
					for range gdBurst {
						if err := m.Step(); err != nil {
							b.Fatal(err)
						}
					}
					spent[i] += time.Since(start)
				}
			}
			for i, k := range kinds {
				b.ReportMetric(float64(spent[i].Nanoseconds())/float64(b.N*gdBurst), k.unit)
			}
		})
	}
}
