//go:build purego

package sim

import "testing"

// The purego tag selects the Go loops on every architecture: CI runs the
// engine's tests this way too, so both kernels are exercised.
func TestPuregoBuildUsesGoLoops(t *testing.T) {
	if haveAVX2 {
		t.Fatal("a purego build selected the AVX2 kernel")
	}
}
