//go:build !amd64 || purego

package sim

const haveAVX2 = false

func dotAVX2(x, y []float64) float64 { panic("sim: no AVX2 kernel in this build") }

func updateAVX2(wp, wm, beta, g []float64, gamma float64) float64 {
	panic("sim: no AVX2 kernel in this build")
}
