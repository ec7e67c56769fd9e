//go:build amd64 && !purego

package sim

//go:noescape
func betaSinhAVX2(span, beta []float64, scale float64) bool

// betaSinh sets beta_j = scale·sinh(2·span_j) as betaSinhGo does, four
// coordinates at a time in AVX2 where the CPU has it (the same bits).
func betaSinh(span, beta []float64, scale float64) bool {
	if !haveAVX2 {
		return betaSinhGo(span, beta, scale)
	}
	k := len(span) &^ 3
	if !betaSinhAVX2(span[:k], beta[:k], scale) {
		return false
	}
	return betaSinhGo(span[k:], beta[k:len(span)], scale)
}

//go:noescape
func betaFromLogWeightsAVX2(lp, lm, beta []float64) bool

// betaFromLogWeights sets β = e^(2 ln w₊) − e^(2 ln w₋) as
// betaFromLogWeightsGo does, four coordinates at a time in AVX2 where the
// CPU has it (the same bits).
func betaFromLogWeights(lp, lm, beta []float64) {
	k := len(beta) &^ 3
	if haveAVX2 && betaFromLogWeightsAVX2(lp[:k], lm[:k], beta[:k]) {
		betaFromLogWeightsGo(lp[k:], lm[k:], beta[k:])
		return
	}
	betaFromLogWeightsGo(lp, lm, beta)
}
