//go:build !amd64 || purego

package sim

const haveAVX2 = false

func dotAVX2(x, y []float64) float64 { panic("sim: no AVX2 kernel in this build") }

func updateAVX2(wp, wm, beta, g []float64, gamma float64) float64 {
	panic("sim: no AVX2 kernel in this build")
}

func onePassAVX2(xt []float64, stride int, r, dz, wp, wm, beta []float64, scale, gamma float64, oldMask uint64) float64 {
	panic("sim: no AVX2 kernel in this build")
}
