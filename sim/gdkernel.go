package sim

import "math"

// onePass runs GD's one-pass step (theory.md §2, update (U) with the full
// gradient g = Xᵀr/n) over the columns wp, wm, beta of X, stored as columns
// in xt with stride rows each (zero-padded from n to a multiple of 8): for
// each column x_j, g_j = scale·x_jᵀr, the update of w±_j and β_j, and
// dz += x_j·(β_{k+1,j} − β_{k,j}), or with exact dz += x_j·β_{k+1,j}, so
// that the same pass gives Xβ_{k+1} for an exact residual. r and dz have
// stride entries. It returns ‖β_{k+1}‖² over these columns. Groups of four
// columns run in the AVX2 kernel where there is one, which makes the same
// roundings in the same order as onePassGo, so the two agree bit for bit;
// the last d mod 4 columns run in onePassColumn on every build.
func onePass(xt []float64, stride int, r, dz, wp, wm, beta []float64, scale, gamma float64, exact bool) float64 {
	k := len(wp) &^ 3
	var norm2 float64
	if k > 0 {
		args := func(v []float64) []float64 { return v[:k] }
		if haveAVX2 {
			norm2 = onePassAVX2(xt[:k*stride], stride, r, dz, args(wp), args(wm), args(beta), scale, gamma, exactPassMask(exact))
		} else {
			norm2 = onePassGo(xt[:k*stride], stride, r, dz, args(wp), args(wm), args(beta), scale, gamma, exact)
		}
	}
	for j := k; j < len(wp); j++ {
		norm2 += onePassColumn(xt[j*stride:(j+1)*stride], r, dz, wp, wm, beta, j, scale, gamma, exact)
	}
	return norm2
}

// exactPassMask is the kernel's mask on β_k: all ones for the increment
// β_{k+1} − β_k, zero for β_{k+1} − 0, which is β_{k+1} bit for bit.
func exactPassMask(exact bool) uint64 {
	if exact {
		return 0
	}
	return ^uint64(0)
}

// changeOf is what a column adds to dz: β_{k+1} − β_k, or β_{k+1} when
// the pass is exact.
func changeOf(updated, old float64, exact bool) float64 {
	if exact {
		return updated
	}
	return updated - old
}

// onePassGo is the one-pass kernel in Go, written to make exactly the
// roundings of the AVX2 kernel (which is why it spells out the fused
// multiply-adds and the partial sums): four columns at a time, each dot
// in eight partial sums, then (U) as in updateOne, then dz += Σ_c x_c·Δβ_c.
// Hand-written because no library fuses a dot, an update and an axpy
// over a column while it is in cache; the fusion is what halves the
// bytes a GD step reads.
func onePassGo(xt []float64, stride int, r, dz, wp, wm, beta []float64, scale, gamma float64, exact bool) float64 {
	r, dz = r[:stride], dz[:stride]
	var sq [4]float64
	for j := 0; j+4 <= len(wp); j += 4 {
		var cols [4][]float64
		var delta [4]float64
		for c := range cols {
			cols[c] = xt[(j+c)*stride : (j+c+1)*stride]
			x := gamma * (columnDot(cols[c], r) * scale)
			old := beta[j+c]
			updateOne(wp, wm, beta, j+c, x)
			sq[c] = math.FMA(beta[j+c], beta[j+c], sq[c])
			delta[c] = changeOf(beta[j+c], old, exact)
		}
		for i := range dz {
			z := math.FMA(cols[0][i], delta[0], dz[i])
			z = math.FMA(cols[1][i], delta[1], z)
			z = math.FMA(cols[2][i], delta[2], z)
			dz[i] = math.FMA(cols[3][i], delta[3], z)
		}
	}
	return (sq[0] + sq[2]) + (sq[1] + sq[3])
}

// columnDot is xᵀr for a column padded to a multiple of 8 rows, summed as
// the AVX2 kernel sums it: row 8t+k into partial k, then the partials
// pairwise.
func columnDot(x, r []float64) float64 {
	var p [8]float64
	for i := 0; i+8 <= len(x); i += 8 {
		for k := range p {
			p[k] = math.FMA(x[i+k], r[i+k], p[k])
		}
	}
	return ((p[0] + p[4]) + (p[1] + p[5])) + ((p[2] + p[6]) + (p[3] + p[7]))
}

// onePassColumn is the one-pass step on the single column j; it returns
// β_j².
func onePassColumn(x, r, dz, wp, wm, beta []float64, j int, scale, gamma float64, exact bool) float64 {
	old := beta[j]
	sq := updateOne(wp, wm, beta, j, gamma*(columnDot(x, r)*scale))
	delta := changeOf(beta[j], old, exact)
	dz = dz[:len(x)]
	for i, v := range x {
		dz[i] = math.FMA(v, delta, dz[i])
	}
	return sq
}

// paddedStride is the number of rows a column of X takes in the one-pass
// copy: n rounded up to the kernel's eight rows.
func paddedStride(n int) int { return (n + 7) &^ 7 }

// columnsOf returns X (n×d, row-major) stored by columns, each padded with
// zeros to stride rows, so that a column is contiguous for the one-pass
// kernel. It walks X in square tiles so that both sides stay in cache
// (a plain double loop strides one of them by a whole row or column).
func columnsOf(x []float64, n, d, stride int) []float64 {
	const tile = 32
	xt := make([]float64, d*stride)
	for i0 := 0; i0 < n; i0 += tile {
		for j0 := 0; j0 < d; j0 += tile {
			for i := i0; i < min(i0+tile, n); i++ {
				row := x[i*d : (i+1)*d]
				for j := j0; j < min(j0+tile, d); j++ {
					xt[j*stride+i] = row[j]
				}
			}
		}
	}
	return xt
}
