package sim

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkSample times a sample's loss and a whole sample (Measure) on one
// core and shared with a second, alternating in one loop (as
// BenchmarkGDOnePass does) so that both see the same load; the method is
// SGD, which holds no residual. lossSplitMinElems and Measure's split of
// the rows are set from these figures.
func BenchmarkSample(b *testing.B) {
	for _, size := range [][2]int{{16, 1024}, {40, 1600}, {100, 1000}, {400, 4000}} {
		p := sparseGaussianProblem(size[0], size[1], 3)
		b.Run(fmt.Sprintf("n=%d,d=%d", size[0], size[1]), func(b *testing.B) {
			in := UniformInit(0.1, p.D)
			m, err := NewSGD(p, in, Params{Step: 1e-4, Batch: 1}, 1)
			if err != nil {
				b.Fatal(err)
			}
			one, two := NewSampler(p, in), NewSampler(p, in)
			one.lossTwoCores, two.lossTwoCores = false, true
			var spent [4]time.Duration
			b.ReportAllocs()
			for b.Loop() {
				for i, do := range []func(){
					func() { _ = one.Loss(m) }, func() { _ = two.Loss(m) },
					func() { _ = one.Measure(m) }, func() { _ = two.Measure(m) },
				} {
					start := time.Now()
					do()
					spent[i] += time.Since(start)
				}
			}
			for i, unit := range []string{"ns/loss_one_core", "ns/loss_two_cores", "ns/sample_one_core", "ns/sample_two_cores"} {
				b.ReportMetric(float64(spent[i].Nanoseconds())/float64(b.N), unit)
			}
		})
	}
}
