package sim

// MethodBytes is the memory a method holds beyond the problem, for the
// estimate made before allocating. GD's is exact: w₊, w₋ and β, and the
// copy of X by columns of its one-pass step (gdonepass.go), else the
// gradient, or at large X the column blocks of its two-core split
// (gdsplit.go). The other methods keep the bound fitted to measured peaks
// (their state and work vectors: a minibatch method also copies X).
func MethodBytes(a Algo, n, d int) float64 {
	nf, df := float64(n), float64(d)
	switch a.Base() {
	case GD:
		state := 3*8*df + 3*8*nf
		if copyBytes := ExtraStepBytes(a, n, d); copyBytes > 0 {
			return state + copyBytes
		}
		if n*d < gdSplitMinElems {
			return state + 8*df
		}
		width := max(8, (gdBlockBytes/8/n)&^7)
		half := float64(min(width, (d+1)/2))
		return state + 2*2*8*half // two parts, a gradient and a β increment each
	case SGD, LNSGD:
		return 112*df + 8*nf*df
	}
	return 112 * df
}
