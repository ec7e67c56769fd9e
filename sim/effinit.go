package sim

// rangedEffectiveInit is a method that can write ln α_t (§4, §5) on a range
// of coordinates, so that the sampler summarises α_t through a small buffer
// instead of one of length d. The methods that store w₊ and w₋ themselves
// implement it; the others are read whole into a buffer of length d.
type rangedEffectiveInit interface {
	// logEffectiveInitFrom writes ln α_t of coordinates lo … lo+len(dst)−1.
	logEffectiveInitFrom(dst []float64, lo int)
}

func (m *gdMethod) logEffectiveInitFrom(dst []float64, lo int) {
	halfLogAbsProduct(dst, m.wp[lo:], m.wm[lo:])
}

func (m *sgdMethod) logEffectiveInitFrom(dst []float64, lo int) {
	halfLogAbsProduct(dst, m.wp[lo:], m.wm[lo:])
}

func (m *hbMethod) logEffectiveInitFrom(dst []float64, lo int) {
	halfLogAbsProduct(dst, m.wp[lo:], m.wm[lo:])
}

// unwrapMethod is the method a variant pins, or m itself.
func unwrapMethod(m measured) measured {
	if p, ok := m.(*pinnedMethod); ok {
		return unwrapMethod(p.Method)
	}
	return m
}

// unwrapRanged is m (or the method a variant pins) as a writer of ln α_t by
// ranges, or nil.
func unwrapRanged(m measured) rangedEffectiveInit {
	r, _ := unwrapMethod(m).(rangedEffectiveInit)
	return r
}

// effectiveInitRanged reports whether m writes ln α_t by ranges.
func effectiveInitRanged(m measured) bool { return unwrapRanged(m) != nil }
