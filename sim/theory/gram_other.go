//go:build !amd64 || purego

package theory

const haveAVX2 = false

func dot2x4AVX2(a0, a1, b0, b1, b2, b3 *float64, n int, out *[8]float64) {
	panic("theory: no AVX2 kernel in this build")
}
