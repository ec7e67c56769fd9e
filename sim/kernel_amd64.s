//go:build amd64 && !purego

#include "textflag.h"

// func dotAVX2(x, y []float64) float64
// len(x) must be a multiple of 16 and len(y) ≥ len(x).
TEXT ·dotAVX2(SB), NOSPLIT, $0-56
	MOVQ   x_base+0(FP), SI
	MOVQ   x_len+8(FP), CX
	MOVQ   y_base+24(FP), DI
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ   AX, AX

dotloop:
	CMPQ        AX, CX
	JGE         dotreduce
	VMOVUPD     0(SI)(AX*8), Y4
	VMOVUPD     32(SI)(AX*8), Y5
	VMOVUPD     64(SI)(AX*8), Y6
	VMOVUPD     96(SI)(AX*8), Y7
	VFMADD231PD 0(DI)(AX*8), Y4, Y0
	VFMADD231PD 32(DI)(AX*8), Y5, Y1
	VFMADD231PD 64(DI)(AX*8), Y6, Y2
	VFMADD231PD 96(DI)(AX*8), Y7, Y3
	ADDQ        $16, AX
	JMP         dotloop

dotreduce:
	VADDPD       Y1, Y0, Y0
	VADDPD       Y3, Y2, Y2
	VADDPD       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VPERMILPD    $1, X0, X1
	VADDSD       X1, X0, X0
	VZEROUPPER
	MOVSD        X0, ret+48(FP)
	RET

// func updateAVX2(wp, wm, beta, g []float64, gamma float64) float64
// Applies w₊ ← w₊(1 − γg), w₋ ← w₋(1 + γg), β ← w₊² − w₋² with the same
// roundings as the Go loop (no fused multiply-add), and returns Σβ².
// len(g) must be a multiple of 8; the other slices at least as long.
TEXT ·updateAVX2(SB), NOSPLIT, $0-112
	MOVQ         wp_base+0(FP), R8
	MOVQ         wm_base+24(FP), R9
	MOVQ         beta_base+48(FP), R10
	MOVQ         g_base+72(FP), R11
	MOVQ         g_len+80(FP), CX
	VBROADCASTSD gamma+96(FP), Y15
	MOVQ         $0x3FF0000000000000, DX
	MOVQ         DX, X14
	VBROADCASTSD X14, Y14
	VXORPD       Y12, Y12, Y12
	VXORPD       Y13, Y13, Y13
	XORQ         AX, AX

updloop:
	CMPQ        AX, CX
	JGE         updreduce
	VMULPD      0(R11)(AX*8), Y15, Y0
	VMULPD      32(R11)(AX*8), Y15, Y5
	VSUBPD      Y0, Y14, Y1
	VSUBPD      Y5, Y14, Y6
	VADDPD      Y0, Y14, Y2
	VADDPD      Y5, Y14, Y7
	VMULPD      0(R8)(AX*8), Y1, Y1
	VMULPD      32(R8)(AX*8), Y6, Y6
	VMULPD      0(R9)(AX*8), Y2, Y2
	VMULPD      32(R9)(AX*8), Y7, Y7
	VMOVUPD     Y1, 0(R8)(AX*8)
	VMOVUPD     Y6, 32(R8)(AX*8)
	VMOVUPD     Y2, 0(R9)(AX*8)
	VMOVUPD     Y7, 32(R9)(AX*8)
	VMULPD      Y1, Y1, Y3
	VMULPD      Y6, Y6, Y8
	VMULPD      Y2, Y2, Y4
	VMULPD      Y7, Y7, Y9
	VSUBPD      Y4, Y3, Y3
	VSUBPD      Y9, Y8, Y8
	VMOVUPD     Y3, 0(R10)(AX*8)
	VMOVUPD     Y8, 32(R10)(AX*8)
	VFMADD231PD Y3, Y3, Y12
	VFMADD231PD Y8, Y8, Y13
	ADDQ        $8, AX
	JMP         updloop

updreduce:
	VADDPD       Y13, Y12, Y12
	VEXTRACTF128 $1, Y12, X13
	VADDPD       X13, X12, X12
	VPERMILPD    $1, X12, X13
	VADDSD       X13, X12, X12
	VZEROUPPER
	MOVSD        X12, ret+104(FP)
	RET
