package sim

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkSampleLoss times a sample's residual pass on one core and on
// two, alternating in one loop (as BenchmarkGDOnePass does) so that both
// see the same load; lossSplitMinElems is set from these figures.
func BenchmarkSampleLoss(b *testing.B) {
	const burst = 8
	for _, size := range [][2]int{{16, 1024}, {40, 1600}, {100, 1000}, {400, 4000}} {
		p := sparseGaussianProblem(size[0], size[1], 3)
		b.Run(fmt.Sprintf("n=%d,d=%d", size[0], size[1]), func(b *testing.B) {
			m := NewGDForBenchmark(b, p, GDTwoPass)
			one, two := NewSampler(p, UniformInit(0.1, p.D)), NewSampler(p, UniformInit(0.1, p.D))
			one.lossTwoCores, two.lossTwoCores = false, true
			var spent [2]time.Duration
			b.ReportAllocs()
			for b.Loop() {
				for i, s := range []*Sampler{one, two} {
					start := time.Now()
					for range burst {
						_ = s.Loss(m)
					}
					spent[i] += time.Since(start)
				}
			}
			b.ReportMetric(float64(spent[0].Nanoseconds())/float64(b.N*burst), "ns/one_core")
			b.ReportMetric(float64(spent[1].Nanoseconds())/float64(b.N*burst), "ns/two_cores")
		})
	}
}
