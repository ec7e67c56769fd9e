package sim

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The assembly update makes the same roundings as the Go loop, so its w±
// and β agree bit for bit; only the summation order of ‖β‖² differs.
func TestUpdateKernelMatchesGo(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2 kernel on this machine or build")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for d := 0; d <= 70; d++ {
		wp, wm, g := randomVec(rng, d), randomVec(rng, d), randomVec(rng, d)
		wp2, wm2 := append([]float64(nil), wp...), append([]float64(nil), wm...)
		beta, beta2 := make([]float64, d), make([]float64, d)
		got := multiplicativeUpdate(wp, wm, beta, g, 0.3)
		want := updateGeneric(wp2, wm2, beta2, g, 0.3)
		for j := 0; j < d; j++ {
			if math.Float64bits(wp[j]) != math.Float64bits(wp2[j]) || math.Float64bits(wm[j]) != math.Float64bits(wm2[j]) ||
				math.Float64bits(beta[j]) != math.Float64bits(beta2[j]) {
				t.Fatalf("d=%d coordinate %d: kernel and Go loop differ", d, j)
			}
		}
		if math.Abs(got-want) > 1e-13*want {
			t.Fatalf("d=%d: ‖β‖² %v vs %v", d, got, want)
		}
	}
}

func TestDotKernel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for d := 0; d <= 100; d++ {
		x, y := randomVec(rng, d), randomVec(rng, d)
		var want, abs float64
		for j := range x {
			want += x[j] * y[j]
			abs += math.Abs(x[j] * y[j])
		}
		if got := dot(x, y); math.Abs(got-want) > 1e-14*abs {
			t.Fatalf("d=%d: dot %v, want %v", d, got, want)
		}
	}
}

func randomVec(rng *rand.Rand, d int) []float64 {
	v := make([]float64, d)
	for j := range v {
		v[j] = rng.NormFloat64()
	}
	return v
}
