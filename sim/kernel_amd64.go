//go:build amd64 && !purego

package sim

import "golang.org/x/sys/cpu"

// The two inner loops of SGD run in AVX2 assembly where the CPU has it: at
// d = 4000 they are 80% of an SGD step, and gonum's kernels are SSE2 with
// short dependency chains (its dot is latency-bound at ~2 cycles per 4
// elements). Build with -tags purego to use the Go loops everywhere.
var haveAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func dotAVX2(x, y []float64) float64

//go:noescape
func updateAVX2(wp, wm, beta, g []float64, gamma float64) float64

// onePassAVX2 is GD's one-pass kernel (kernel_gd_amd64.s); onePassGo is
// its specification. oldMask is all ones for dz += x·(β_{k+1} − β_k), zero
// for dz += x·β_{k+1} (exactPassMask).
//
//go:noescape
func onePassAVX2(xt []float64, stride int, r, dz, wp, wm, beta []float64, scale, gamma float64, oldMask uint64) float64
