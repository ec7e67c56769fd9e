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
