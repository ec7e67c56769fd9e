//go:build amd64 && !purego

#include "textflag.h"

// func dot2x4AVX2(a0, a1, b0, b1, b2, b3 *float64, n int, out *[8]float64)
// out[4r+c] = Σ_{k<n} a_r[k]·b_c[k]; n must be a multiple of 4.
TEXT ·dot2x4AVX2(SB), NOSPLIT, $0-64
	MOVQ   a0+0(FP), SI
	MOVQ   a1+8(FP), DI
	MOVQ   b0+16(FP), R8
	MOVQ   b1+24(FP), R9
	MOVQ   b2+32(FP), R10
	MOVQ   b3+40(FP), R11
	MOVQ   n+48(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	XORQ   AX, AX

loop:
	CMPQ        AX, CX
	JGE         reduce
	VMOVUPD     0(SI)(AX*8), Y8
	VMOVUPD     0(DI)(AX*8), Y9
	VMOVUPD     0(R8)(AX*8), Y10
	VMOVUPD     0(R9)(AX*8), Y11
	VMOVUPD     0(R10)(AX*8), Y12
	VMOVUPD     0(R11)(AX*8), Y13
	VFMADD231PD Y10, Y8, Y0
	VFMADD231PD Y11, Y8, Y1
	VFMADD231PD Y12, Y8, Y2
	VFMADD231PD Y13, Y8, Y3
	VFMADD231PD Y10, Y9, Y4
	VFMADD231PD Y11, Y9, Y5
	VFMADD231PD Y12, Y9, Y6
	VFMADD231PD Y13, Y9, Y7
	ADDQ        $4, AX
	JMP         loop

reduce:
	MOVQ         out+56(FP), DX
	VHADDPD      Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X8
	VADDPD       X8, X0, X0
	VMOVUPD      X0, 0(DX)
	VHADDPD      Y3, Y2, Y2
	VEXTRACTF128 $1, Y2, X8
	VADDPD       X8, X2, X2
	VMOVUPD      X2, 16(DX)
	VHADDPD      Y5, Y4, Y4
	VEXTRACTF128 $1, Y4, X8
	VADDPD       X8, X4, X4
	VMOVUPD      X4, 32(DX)
	VHADDPD      Y7, Y6, Y6
	VEXTRACTF128 $1, Y6, X8
	VADDPD       X8, X6, X6
	VMOVUPD      X6, 48(DX)
	VZEROUPPER
	RET
