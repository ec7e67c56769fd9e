//go:build amd64 && !purego

#include "textflag.h"

// func onePassAVX2(xt []float64, stride int, r, dz, wp, wm, beta []float64, scale, gamma float64, oldMask uint64) float64
//
// GD's one-pass step over groups of four columns of X, stored as columns
// (column j at xt[j·stride:], zero-padded to stride rows). For each group:
// the four dots s_c = x_cᵀr (8 partial sums per column: rows 8t+k go to
// partial k), g = s·scale, the update (U) of w± and β with the roundings of
// updateOne, then dz += Σ_c x_c·Δβ_c (fused, in the order c = 0..3). The
// columns are still in L1 for the second use. Every iteration of both
// loops prefetches two lines into L2, walking X two groups ahead of the
// dots, so that a group is in L2 before its dots read it (into L1 it would
// evict the current group: four columns of 400 rows, r, dz and the next
// group fill its 32 KB). Prefetching the next group only, all during the
// axpys, was 20–35% faster than no prefetch at (400, 4000) and 10% slower
// with X far beyond the last-level cache; spreading it over both loops two
// groups ahead took a further 8–10% off at (400, 4000) on one core (a
// distance of one or three groups, or fetching into L1, did no better).
// A prefetch past the end of X is harmless: it never faults. β_k is ANDed
// with oldMask before the subtraction: all ones gives the increment Δβ,
// zero gives β_{k+1} itself (an exact pass: dz += Σ_c x_c·β_{k+1,c}).
// Returns Σβ²
// (one partial sum per lane). onePassGo is the same computation in the same order.
// len(wp) must be a multiple of 4, stride a positive multiple of 8, r and dz
// at least stride long, xt at least len(wp)·stride.
TEXT ·onePassAVX2(SB), NOSPLIT, $0-184
	MOVQ         xt_base+0(FP), SI
	MOVQ         stride+24(FP), CX
	MOVQ         r_base+32(FP), DI
	MOVQ         dz_base+56(FP), R11
	MOVQ         wp_base+80(FP), R8
	MOVQ         wp_len+88(FP), DX
	MOVQ         wm_base+104(FP), R9
	MOVQ         beta_base+128(FP), R10
	VBROADCASTSD scale+152(FP), Y10
	VBROADCASTSD gamma+160(FP), Y11
	VBROADCASTSD oldMask+168(FP), Y14
	MOVQ         $0x3FF0000000000000, AX
	MOVQ         AX, X12
	VBROADCASTSD X12, Y12
	VXORPD       Y13, Y13, Y13
	MOVQ         CX, BX
	SHLQ         $3, BX                // a column's length in bytes
	IMULQ        BX, DX
	ADDQ         SI, DX                // the end of the columns
	LEAQ         (SI)(BX*8), R15       // two groups ahead: the line to fetch next

group:
	CMPQ   SI, DX
	JAE    done
	LEAQ   (SI)(BX*1), R12
	LEAQ   (SI)(BX*2), R13
	LEAQ   (R13)(BX*1), R14
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	XORQ   AX, AX

dots:
	PREFETCHT1  (R15)
	PREFETCHT1  64(R15)
	ADDQ        $128, R15
	VMOVUPD     (DI)(AX*8), Y8
	VMOVUPD     32(DI)(AX*8), Y9
	VFMADD231PD (SI)(AX*8), Y8, Y0
	VFMADD231PD 32(SI)(AX*8), Y9, Y1
	VFMADD231PD (R12)(AX*8), Y8, Y2
	VFMADD231PD 32(R12)(AX*8), Y9, Y3
	VFMADD231PD (R13)(AX*8), Y8, Y4
	VFMADD231PD 32(R13)(AX*8), Y9, Y5
	VFMADD231PD (R14)(AX*8), Y8, Y6
	VFMADD231PD 32(R14)(AX*8), Y9, Y7
	ADDQ        $8, AX
	CMPQ        AX, CX
	JLT         dots

	// s_c = ((p0+p4) + (p1+p5)) + ((p2+p6) + (p3+p7)), as lanes c = 0..3.
	VADDPD     Y1, Y0, Y0
	VADDPD     Y3, Y2, Y2
	VADDPD     Y5, Y4, Y4
	VADDPD     Y7, Y6, Y6
	VHADDPD    Y2, Y0, Y0
	VHADDPD    Y6, Y4, Y4
	VPERM2F128 $0x20, Y4, Y0, Y1
	VPERM2F128 $0x31, Y4, Y0, Y2
	VADDPD     Y2, Y1, Y1

	// (U): x = γ·(s·scale), w± ← w±(1 ∓ x), β ← w₊² − w₋²; Δβ in Y4.
	VMULPD      Y10, Y1, Y1
	VMULPD      Y11, Y1, Y1
	VSUBPD      Y1, Y12, Y2
	VADDPD      Y1, Y12, Y3
	VMULPD      (R8), Y2, Y2
	VMULPD      (R9), Y3, Y3
	VMOVUPD     Y2, (R8)
	VMOVUPD     Y3, (R9)
	VMULPD      Y2, Y2, Y2
	VMULPD      Y3, Y3, Y3
	VSUBPD      Y3, Y2, Y2
	VMOVUPD     (R10), Y4
	VMOVUPD     Y2, (R10)
	VFMADD231PD Y2, Y2, Y13
	VANDPD      Y14, Y4, Y4
	VSUBPD      Y4, Y2, Y4
	VPERMPD     $0x00, Y4, Y0
	VPERMPD     $0x55, Y4, Y1
	VPERMPD     $0xAA, Y4, Y2
	VPERMPD     $0xFF, Y4, Y3
	XORQ        AX, AX

axpys:
	PREFETCHT1  (R15)
	PREFETCHT1  64(R15)
	ADDQ        $128, R15
	VMOVUPD     (R11)(AX*8), Y4
	VMOVUPD     32(R11)(AX*8), Y5
	VFMADD231PD (SI)(AX*8), Y0, Y4
	VFMADD231PD 32(SI)(AX*8), Y0, Y5
	VFMADD231PD (R12)(AX*8), Y1, Y4
	VFMADD231PD 32(R12)(AX*8), Y1, Y5
	VFMADD231PD (R13)(AX*8), Y2, Y4
	VFMADD231PD 32(R13)(AX*8), Y2, Y5
	VFMADD231PD (R14)(AX*8), Y3, Y4
	VFMADD231PD 32(R14)(AX*8), Y3, Y5
	VMOVUPD     Y4, (R11)(AX*8)
	VMOVUPD     Y5, 32(R11)(AX*8)
	ADDQ        $8, AX
	CMPQ        AX, CX
	JLT         axpys

	LEAQ (SI)(BX*4), SI
	ADDQ $32, R8
	ADDQ $32, R9
	ADDQ $32, R10
	JMP  group

done:
	VEXTRACTF128 $1, Y13, X0
	VADDPD       X0, X13, X13
	VPERMILPD    $1, X13, X0
	VADDSD       X0, X13, X13
	VZEROUPPER
	MOVSD        X13, ret+176(FP)
	RET
