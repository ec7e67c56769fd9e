package sim

import (
	"testing"

	"sgdbias/sim/problem"
)

// Batches are samples without replacement; with Reshuffle every epoch of
// n/b consecutive batches visits each sample exactly once.
func TestBatchSampling(t *testing.T) {
	const n, d = 12, 20
	p := &problem.Problem{N: n, D: d, X: make([]float64, n*d), Y: make([]float64, n)}
	p.Finish()
	for _, reshuffle := range []bool{false, true} {
		m, err := NewSGD(p, UniformInit(0.1, d), Params{Step: 0.01, Batch: 3, Reshuffle: reshuffle}, 1)
		if err != nil {
			t.Fatal(err)
		}
		sgd := m.(*sgdMethod)
		counts := make([]int, n)
		for epoch := 0; epoch < 50; epoch++ {
			seenThisEpoch := map[int]bool{}
			for k := 0; k < n/3; k++ {
				batch := sgd.nextBatch(3)
				within := map[int]bool{}
				for _, i := range batch {
					if within[i] {
						t.Fatalf("reshuffle=%v: sample %d twice in one batch %v", reshuffle, i, batch)
					}
					within[i] = true
					seenThisEpoch[i] = true
					counts[i]++
				}
			}
			if reshuffle && len(seenThisEpoch) != n {
				t.Fatalf("epoch %d visited %d of %d samples", epoch, len(seenThisEpoch), n)
			}
		}
		for i, c := range counts { // uniform: 50 visits expected, sd ≈ 6
			if c < 20 || c > 80 {
				t.Fatalf("reshuffle=%v: sample %d drawn %d times in 600 draws, want about 50", reshuffle, i, c)
			}
		}
	}
}
