//go:build amd64 && !purego

package theory

import "golang.org/x/sys/cpu"

// The Gram kernel's inner 2×4 block runs in AVX2 assembly where the CPU has
// it: four-wide fused multiply-adds give several times the scalar Go loop
// (gram.go). Build with -tags purego to use the Go loop everywhere.
var haveAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func dot2x4AVX2(a0, a1, b0, b1, b2, b3 *float64, n int, out *[8]float64)
