package sim

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The AVX2 one-pass kernel makes the roundings of onePassGo in the same
// order, so w±, β and the residual increment agree bit for bit; ‖β‖² too,
// since its partial sums are kept per lane in both.
func TestOnePassKernelMatchesGo(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2 kernel on this machine or build")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 7, 8, 13, 40} {
		stride := paddedStride(n)
		for _, d := range []int{4, 8, 12, 36} {
			xt := columnsOf(randomVec(rng, n*d), n, d, stride)
			r := append(randomVec(rng, n), make([]float64, stride-n)...)
			wp, wm := randomVec(rng, d), randomVec(rng, d)
			beta := make([]float64, d)
			for j := range beta {
				beta[j] = wp[j]*wp[j] - wm[j]*wm[j]
			}
			dz := randomVec(rng, stride)
			wp2, wm2, beta2, dz2 := clone(wp), clone(wm), clone(beta), clone(dz)
			exact := d%8 == 4 // both kinds of pass: increments, and Xβ_{k+1}
			got := onePassAVX2(xt, stride, r, dz, wp, wm, beta, 1/float64(n), 0.3, exactPassMask(exact))
			want := onePassGo(xt, stride, r, dz2, wp2, wm2, beta2, 1/float64(n), 0.3, exact)
			for name, pair := range map[string][2][]float64{"w₊": {wp, wp2}, "w₋": {wm, wm2}, "β": {beta, beta2}, "dz": {dz, dz2}} {
				for i := range pair[0] {
					if math.Float64bits(pair[0][i]) != math.Float64bits(pair[1][i]) {
						t.Fatalf("(n, d) = (%d, %d): %s[%d] is %v in the kernel, %v in Go", n, d, name, i, pair[0][i], pair[1][i])
					}
				}
			}
			if math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("(n, d) = (%d, %d): ‖β‖² %v vs %v", n, d, got, want)
			}
		}
	}
}

// The one-pass kernel (either build) computes what its definition says,
// checked against plain loops: g = Xᵀr/n, (U) with x = γg, and
// dz = Σ_j x_j(β_{k+1,j} − β_{k,j}), or dz = Σ_j x_j·β_{k+1,j} for an
// exact pass, for d with a tail of columns.
func TestOnePassMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for k, size := range [][2]int{{1, 3}, {3, 5}, {9, 11}, {16, 8}, {21, 39}, {9, 11}, {21, 39}} {
		n, d := size[0], size[1]
		exact := k >= 4
		stride := paddedStride(n)
		x := randomVec(rng, n*d)
		r := append(randomVec(rng, n), make([]float64, stride-n)...)
		wp, wm := randomVec(rng, d), randomVec(rng, d)
		beta := make([]float64, d)
		for j := range beta {
			beta[j] = wp[j]*wp[j] - wm[j]*wm[j]
		}
		wp2, wm2, beta2 := clone(wp), clone(wm), clone(beta)
		dz := make([]float64, stride)
		const gamma = 0.2
		norm2 := onePass(columnsOf(x, n, d, stride), stride, r, dz, wp, wm, beta, 1/float64(n), gamma, exact)
		wantDz := make([]float64, n)
		var wantNorm2, scaleDz float64
		for j := range d {
			var g float64
			for i := range n {
				g += x[i*d+j] * r[i] / float64(n)
			}
			p, m := wp2[j]*(1-gamma*g), wm2[j]*(1+gamma*g)
			old := beta2[j]
			beta2[j] = p*p - m*m
			wantNorm2 += beta2[j] * beta2[j]
			change := beta2[j] - old
			if exact {
				change = beta2[j]
			}
			for i := range n {
				wantDz[i] += x[i*d+j] * change
				scaleDz += math.Abs(x[i*d+j] * change)
			}
			if e := math.Abs(beta[j] - beta2[j]); e > 1e-13*(math.Abs(beta2[j])+1) {
				t.Fatalf("(n, d) = %v: β[%d] = %v, want %v", size, j, beta[j], beta2[j])
			}
		}
		for i := range n {
			if e := math.Abs(dz[i] - wantDz[i]); e > 1e-13*scaleDz {
				t.Fatalf("(n, d) = %v, exact %v: dz[%d] = %v, want %v", size, exact, i, dz[i], wantDz[i])
			}
		}
		for i := n; i < stride; i++ {
			if dz[i] != 0 {
				t.Fatalf("(n, d) = %v: padding row %d of dz is %v", size, i, dz[i])
			}
		}
		if math.Abs(norm2-wantNorm2) > 1e-13*wantNorm2 {
			t.Fatalf("(n, d) = %v: ‖β‖² %v, want %v", size, norm2, wantNorm2)
		}
	}
}

func clone(v []float64) []float64 { return append([]float64(nil), v...) }
