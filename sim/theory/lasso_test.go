package theory

import (
	"math"
	"testing"
)

// The Lasso solution satisfies the optimality conditions, checked here from
// scratch, and λ_j ≥ |Xᵀy/n|_j gives exactly β = 0.
func TestLassoOptimality(t *testing.T) {
	inst := gaussianInstance(5, 30, 80, 4, 0.1)
	n, d := inst.n, inst.d
	lambda := make([]float64, d)
	for j := range lambda {
		lambda[j] = 0.02 * (1 + float64(j%3)) // non-uniform weights
	}
	beta, err := Lasso(n, d, inst.x, inst.y, lambda, 1e-10)
	if err != nil {
		t.Fatal(err)
	}
	grad := make([]float64, d)
	for i := 0; i < n; i++ {
		r := -inst.y[i]
		for j := 0; j < d; j++ {
			r += inst.x[i*d+j] * beta[j]
		}
		for j := 0; j < d; j++ {
			grad[j] += inst.x[i*d+j] * r / float64(n)
		}
	}
	support := 0
	for j, b := range beta {
		if b != 0 {
			support++
			if e := math.Abs(grad[j] + lambda[j]*math.Copysign(1, b)); e > 1e-9 {
				t.Fatalf("coordinate %d on the support: |∇ + λ sign β| = %.3g", j, e)
			}
		} else if math.Abs(grad[j]) > lambda[j]+1e-9 {
			t.Fatalf("coordinate %d off the support: |∇| = %.4g > λ = %.4g", j, math.Abs(grad[j]), lambda[j])
		}
	}
	if support == 0 || support == d {
		t.Fatalf("support of %d coordinates: the test does not exercise the thresholds", support)
	}
	// λ above ‖Xᵀy/n‖_∞ kills everything.
	big := make([]float64, d)
	for j := range big {
		big[j] = 1e3
	}
	zero, err := Lasso(n, d, inst.x, inst.y, big, 1e-12)
	if err != nil {
		t.Fatal(err)
	}
	for j, b := range zero {
		if b != 0 {
			t.Fatalf("β[%d] = %v with a huge λ", j, b)
		}
	}
}
