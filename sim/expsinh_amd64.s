//go:build amd64 && !purego

#include "textflag.h"

// Constants of betaSinhAVX2, each four times: see sinh.go for the method.
DATA sinhconst<>+0(SB)/8, $0x7fffffffffffffff
DATA sinhconst<>+8(SB)/8, $0x7fffffffffffffff
DATA sinhconst<>+16(SB)/8, $0x7fffffffffffffff
DATA sinhconst<>+24(SB)/8, $0x7fffffffffffffff
DATA sinhconst<>+32(SB)/8, $0x3fe0000000000000
DATA sinhconst<>+40(SB)/8, $0x3fe0000000000000
DATA sinhconst<>+48(SB)/8, $0x3fe0000000000000
DATA sinhconst<>+56(SB)/8, $0x3fe0000000000000
DATA sinhconst<>+64(SB)/8, $0x3ff0000000000000
DATA sinhconst<>+72(SB)/8, $0x3ff0000000000000
DATA sinhconst<>+80(SB)/8, $0x3ff0000000000000
DATA sinhconst<>+88(SB)/8, $0x3ff0000000000000
DATA sinhconst<>+96(SB)/8, $0x4085e00000000000
DATA sinhconst<>+104(SB)/8, $0x4085e00000000000
DATA sinhconst<>+112(SB)/8, $0x4085e00000000000
DATA sinhconst<>+120(SB)/8, $0x4085e00000000000
DATA sinhconst<>+128(SB)/8, $0x3ff71547652b82fe
DATA sinhconst<>+136(SB)/8, $0x3ff71547652b82fe
DATA sinhconst<>+144(SB)/8, $0x3ff71547652b82fe
DATA sinhconst<>+152(SB)/8, $0x3ff71547652b82fe
DATA sinhconst<>+160(SB)/8, $0x3fe62e42fee00000
DATA sinhconst<>+168(SB)/8, $0x3fe62e42fee00000
DATA sinhconst<>+176(SB)/8, $0x3fe62e42fee00000
DATA sinhconst<>+184(SB)/8, $0x3fe62e42fee00000
DATA sinhconst<>+192(SB)/8, $0x3dea39ef35793c76
DATA sinhconst<>+200(SB)/8, $0x3dea39ef35793c76
DATA sinhconst<>+208(SB)/8, $0x3dea39ef35793c76
DATA sinhconst<>+216(SB)/8, $0x3dea39ef35793c76
DATA sinhconst<>+224(SB)/8, $0x00000000000003ff
DATA sinhconst<>+232(SB)/8, $0x00000000000003ff
DATA sinhconst<>+240(SB)/8, $0x00000000000003ff
DATA sinhconst<>+248(SB)/8, $0x00000000000003ff
DATA sinhconst<>+256(SB)/8, $0x3fc5555555555555
DATA sinhconst<>+264(SB)/8, $0x3fc5555555555555
DATA sinhconst<>+272(SB)/8, $0x3fc5555555555555
DATA sinhconst<>+280(SB)/8, $0x3fc5555555555555
DATA sinhconst<>+288(SB)/8, $0x3f81111111111111
DATA sinhconst<>+296(SB)/8, $0x3f81111111111111
DATA sinhconst<>+304(SB)/8, $0x3f81111111111111
DATA sinhconst<>+312(SB)/8, $0x3f81111111111111
DATA sinhconst<>+320(SB)/8, $0x3f2a01a01a01a01a
DATA sinhconst<>+328(SB)/8, $0x3f2a01a01a01a01a
DATA sinhconst<>+336(SB)/8, $0x3f2a01a01a01a01a
DATA sinhconst<>+344(SB)/8, $0x3f2a01a01a01a01a
DATA sinhconst<>+352(SB)/8, $0x3ec71de3a556c734
DATA sinhconst<>+360(SB)/8, $0x3ec71de3a556c734
DATA sinhconst<>+368(SB)/8, $0x3ec71de3a556c734
DATA sinhconst<>+376(SB)/8, $0x3ec71de3a556c734
DATA sinhconst<>+384(SB)/8, $0x3e5ae64567f544e4
DATA sinhconst<>+392(SB)/8, $0x3e5ae64567f544e4
DATA sinhconst<>+400(SB)/8, $0x3e5ae64567f544e4
DATA sinhconst<>+408(SB)/8, $0x3e5ae64567f544e4
DATA sinhconst<>+416(SB)/8, $0x3de6124613a86d09
DATA sinhconst<>+424(SB)/8, $0x3de6124613a86d09
DATA sinhconst<>+432(SB)/8, $0x3de6124613a86d09
DATA sinhconst<>+440(SB)/8, $0x3de6124613a86d09
DATA sinhconst<>+448(SB)/8, $0x3d6ae7f3e733b81f
DATA sinhconst<>+456(SB)/8, $0x3d6ae7f3e733b81f
DATA sinhconst<>+464(SB)/8, $0x3d6ae7f3e733b81f
DATA sinhconst<>+472(SB)/8, $0x3d6ae7f3e733b81f
DATA sinhconst<>+480(SB)/8, $0x3ce952c77030ad4a
DATA sinhconst<>+488(SB)/8, $0x3ce952c77030ad4a
DATA sinhconst<>+496(SB)/8, $0x3ce952c77030ad4a
DATA sinhconst<>+504(SB)/8, $0x3ce952c77030ad4a
DATA sinhconst<>+512(SB)/8, $0x3c62f49b46814157
DATA sinhconst<>+520(SB)/8, $0x3c62f49b46814157
DATA sinhconst<>+528(SB)/8, $0x3c62f49b46814157
DATA sinhconst<>+536(SB)/8, $0x3c62f49b46814157
DATA sinhconst<>+544(SB)/8, $0x3bd71b8ef6dcf572
DATA sinhconst<>+552(SB)/8, $0x3bd71b8ef6dcf572
DATA sinhconst<>+560(SB)/8, $0x3bd71b8ef6dcf572
DATA sinhconst<>+568(SB)/8, $0x3bd71b8ef6dcf572
DATA sinhconst<>+576(SB)/8, $0x3ff0000000000000
DATA sinhconst<>+584(SB)/8, $0x3ff0000000000000
DATA sinhconst<>+592(SB)/8, $0x3ff0000000000000
DATA sinhconst<>+600(SB)/8, $0x3ff0000000000000
DATA sinhconst<>+608(SB)/8, $0x3ff0000000000000
DATA sinhconst<>+616(SB)/8, $0x3ff0000000000000
DATA sinhconst<>+624(SB)/8, $0x3ff0000000000000
DATA sinhconst<>+632(SB)/8, $0x3ff0000000000000
DATA sinhconst<>+640(SB)/8, $0x3fe0000000000000
DATA sinhconst<>+648(SB)/8, $0x3fe0000000000000
DATA sinhconst<>+656(SB)/8, $0x3fe0000000000000
DATA sinhconst<>+664(SB)/8, $0x3fe0000000000000
DATA sinhconst<>+672(SB)/8, $0x3fc5555555555555
DATA sinhconst<>+680(SB)/8, $0x3fc5555555555555
DATA sinhconst<>+688(SB)/8, $0x3fc5555555555555
DATA sinhconst<>+696(SB)/8, $0x3fc5555555555555
DATA sinhconst<>+704(SB)/8, $0x3fa5555555555555
DATA sinhconst<>+712(SB)/8, $0x3fa5555555555555
DATA sinhconst<>+720(SB)/8, $0x3fa5555555555555
DATA sinhconst<>+728(SB)/8, $0x3fa5555555555555
DATA sinhconst<>+736(SB)/8, $0x3f81111111111111
DATA sinhconst<>+744(SB)/8, $0x3f81111111111111
DATA sinhconst<>+752(SB)/8, $0x3f81111111111111
DATA sinhconst<>+760(SB)/8, $0x3f81111111111111
DATA sinhconst<>+768(SB)/8, $0x3f56c16c16c16c17
DATA sinhconst<>+776(SB)/8, $0x3f56c16c16c16c17
DATA sinhconst<>+784(SB)/8, $0x3f56c16c16c16c17
DATA sinhconst<>+792(SB)/8, $0x3f56c16c16c16c17
DATA sinhconst<>+800(SB)/8, $0x3f2a01a01a01a01a
DATA sinhconst<>+808(SB)/8, $0x3f2a01a01a01a01a
DATA sinhconst<>+816(SB)/8, $0x3f2a01a01a01a01a
DATA sinhconst<>+824(SB)/8, $0x3f2a01a01a01a01a
DATA sinhconst<>+832(SB)/8, $0x3efa01a01a01a01a
DATA sinhconst<>+840(SB)/8, $0x3efa01a01a01a01a
DATA sinhconst<>+848(SB)/8, $0x3efa01a01a01a01a
DATA sinhconst<>+856(SB)/8, $0x3efa01a01a01a01a
DATA sinhconst<>+864(SB)/8, $0x3ec71de3a556c734
DATA sinhconst<>+872(SB)/8, $0x3ec71de3a556c734
DATA sinhconst<>+880(SB)/8, $0x3ec71de3a556c734
DATA sinhconst<>+888(SB)/8, $0x3ec71de3a556c734
DATA sinhconst<>+896(SB)/8, $0x3e927e4fb7789f5c
DATA sinhconst<>+904(SB)/8, $0x3e927e4fb7789f5c
DATA sinhconst<>+912(SB)/8, $0x3e927e4fb7789f5c
DATA sinhconst<>+920(SB)/8, $0x3e927e4fb7789f5c
DATA sinhconst<>+928(SB)/8, $0x3e5ae64567f544e4
DATA sinhconst<>+936(SB)/8, $0x3e5ae64567f544e4
DATA sinhconst<>+944(SB)/8, $0x3e5ae64567f544e4
DATA sinhconst<>+952(SB)/8, $0x3e5ae64567f544e4
DATA sinhconst<>+960(SB)/8, $0x3e21eed8eff8d898
DATA sinhconst<>+968(SB)/8, $0x3e21eed8eff8d898
DATA sinhconst<>+976(SB)/8, $0x3e21eed8eff8d898
DATA sinhconst<>+984(SB)/8, $0x3e21eed8eff8d898
DATA sinhconst<>+992(SB)/8, $0x3de6124613a86d09
DATA sinhconst<>+1000(SB)/8, $0x3de6124613a86d09
DATA sinhconst<>+1008(SB)/8, $0x3de6124613a86d09
DATA sinhconst<>+1016(SB)/8, $0x3de6124613a86d09
GLOBL sinhconst<>(SB), RODATA|NOPTR, $1024

// EXP2K sets E = eˣ = 2ᵏ·p(r) for the lanes of X as expReduced does
// (expsinh.go): K = round(x·log₂e) to nearest even, R = x − K·ln 2 in two
// parts, E = p(R) by Horner's rule from the constants at 576(R8) up, then
// times 2ᵏ built in T (TX is T's lower half).
#define EXP2K(X, K, R, E, T, TX) \
	VMULPD       128(R8), X, K; \
	VROUNDPD     $8, K, K; \
	VMOVAPD      X, R; \
	VFNMADD231PD 160(R8), K, R; \
	VFNMADD231PD 192(R8), K, R; \
	VMOVUPD      992(R8), E; \
	VFMADD213PD  960(R8), R, E; \
	VFMADD213PD  928(R8), R, E; \
	VFMADD213PD  896(R8), R, E; \
	VFMADD213PD  864(R8), R, E; \
	VFMADD213PD  832(R8), R, E; \
	VFMADD213PD  800(R8), R, E; \
	VFMADD213PD  768(R8), R, E; \
	VFMADD213PD  736(R8), R, E; \
	VFMADD213PD  704(R8), R, E; \
	VFMADD213PD  672(R8), R, E; \
	VFMADD213PD  640(R8), R, E; \
	VFMADD213PD  608(R8), R, E; \
	VFMADD213PD  576(R8), R, E; \
	VCVTPD2DQY   K, TX; \
	VPMOVSXDQ    TX, T; \
	VPADDQ       224(R8), T, T; \
	VPSLLQ       $52, T, T; \
	VMULPD       T, E, E

// func betaSinhAVX2(span, beta []float64, scale float64) bool
// beta_j = scale·sinh(2·span_j) with the operations of sinh (expsinh.go) in
// the same order, four coordinates at a time; false when some |span_j| ≥
// spanExpLimit or is NaN (those lanes hold garbage). len(span) must be a
// multiple of 4 and len(beta) ≥ len(span).
TEXT ·betaSinhAVX2(SB), NOSPLIT, $0-57
	MOVQ         span_base+0(FP), SI
	MOVQ         span_len+8(FP), CX
	MOVQ         beta_base+24(FP), DI
	VBROADCASTSD scale+48(FP), Y15
	LEAQ         sinhconst<>(SB), R8
	VMOVUPD      0(R8), Y14 // |·| mask
	VMOVUPD      32(R8), Y13 // ½
	VMOVUPD      96(R8), Y12 // 2·spanExpLimit
	VXORPD       Y11, Y11, Y11 // out-of-range lanes, or-ed
	XORQ         AX, AX

loop:
	CMPQ    AX, CX
	JGE     done
	VMOVUPD (SI)(AX*8), Y0
	VADDPD  Y0, Y0, Y0 // x = 2g
	VANDPD  Y14, Y0, Y1 // |x|
	VCMPPD  $5, Y12, Y1, Y2 // !(|x| < limit), NaN included
	VORPD   Y2, Y11, Y11
	VCMPPD  $1, 64(R8), Y1, Y3 // |x| < 1: the series

	// |x| < 1: x + x³·q(x²)
	VMULPD      Y0, Y0, Y4 // x²
	VMOVUPD     544(R8), Y5
	VFMADD213PD 512(R8), Y4, Y5
	VFMADD213PD 480(R8), Y4, Y5
	VFMADD213PD 448(R8), Y4, Y5
	VFMADD213PD 416(R8), Y4, Y5
	VFMADD213PD 384(R8), Y4, Y5
	VFMADD213PD 352(R8), Y4, Y5
	VFMADD213PD 320(R8), Y4, Y5
	VFMADD213PD 288(R8), Y4, Y5
	VFMADD213PD 256(R8), Y4, Y5
	VMULPD      Y4, Y0, Y6 // x³
	VFMADD213PD Y0, Y6, Y5 // x³·q + x

	// beyond: ½(E − 1/E), E = 2ᵏ·p(r)
	EXP2K(Y0, Y7, Y8, Y9, Y10, X10)
	VMOVUPD      64(R8), Y10
	VDIVPD       Y9, Y10, Y10 // 1/E
	VSUBPD       Y10, Y9, Y9
	VMULPD       Y13, Y9, Y9

	VBLENDVPD Y3, Y5, Y9, Y9
	VMULPD    Y15, Y9, Y9
	VMOVUPD   Y9, (DI)(AX*8)
	ADDQ      $4, AX
	JMP       loop

done:
	VMOVMSKPD Y11, AX
	VZEROUPPER
	TESTQ     AX, AX
	SETEQ     ret+56(FP)
	RET

// func betaFromLogWeightsAVX2(lp, lm, beta []float64) bool
// beta_j = e^(2·lp_j) − e^(2·lm_j) with the operations of expReduced
// (expsinh.go), four coordinates at a time; false when some |2·lp_j| or
// |2·lm_j| ≥ 2·spanExpLimit or is NaN (those lanes hold garbage). len(beta)
// must be a multiple of 4, lp and lm at least as long.
TEXT ·betaFromLogWeightsAVX2(SB), NOSPLIT, $0-73
	MOVQ    lp_base+0(FP), SI
	MOVQ    lm_base+24(FP), DX
	MOVQ    beta_base+48(FP), DI
	MOVQ    beta_len+56(FP), CX
	LEAQ    sinhconst<>(SB), R8
	VMOVUPD 0(R8), Y14 // |·| mask
	VMOVUPD 96(R8), Y12 // 2·spanExpLimit
	VXORPD  Y11, Y11, Y11 // out-of-range lanes, or-ed
	XORQ    AX, AX

lwloop:
	CMPQ    AX, CX
	JGE     lwdone
	VMOVUPD (SI)(AX*8), Y0
	VADDPD  Y0, Y0, Y0 // 2·lp
	VMOVUPD (DX)(AX*8), Y1
	VADDPD  Y1, Y1, Y1 // 2·lm
	VANDPD  Y14, Y0, Y2
	VCMPPD  $5, Y12, Y2, Y2
	VORPD   Y2, Y11, Y11
	VANDPD  Y14, Y1, Y2
	VCMPPD  $5, Y12, Y2, Y2
	VORPD   Y2, Y11, Y11

	EXP2K(Y0, Y7, Y8, Y9, Y10, X10)

	EXP2K(Y1, Y3, Y4, Y5, Y6, X6)

	VSUBPD  Y5, Y9, Y9
	VMOVUPD Y9, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     lwloop

lwdone:
	VMOVMSKPD Y11, AX
	VZEROUPPER
	TESTQ     AX, AX
	SETEQ     ret+72(FP)
	RET
