//go:build !amd64 || purego

package sim

func betaSinh(span, beta []float64, scale float64) bool { return betaSinhGo(span, beta, scale) }

func betaFromLogWeights(lp, lm, beta []float64) { betaFromLogWeightsGo(lp, lm, beta) }
