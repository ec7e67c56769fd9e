package problem

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// smallProblem is a valid 3×5 problem; tests break one thing at a time.
func smallProblem() *Problem {
	p := &Problem{
		N: 3, D: 5,
		X: []float64{
			1, 0, 0, 2, 0,
			0, 1, 0, 0, -1,
			0, 0, 1, 1, 1,
		},
		Y:          []float64{1, 2, 3},
		BetaStar:   []float64{1, 0, 0, 0, 0},
		FeatureVar: []float64{1, 1, 1, 1, 1},
	}
	p.Finish()
	return p
}

// setRow replaces row i of X.
func setRow(p *Problem, i int, row ...float64) { copy(p.Row(i), row) }

func TestValidateAcceptsGoodProblems(t *testing.T) {
	if err := smallProblem().Validate(); err != nil {
		t.Fatalf("small problem: %v", err)
	}
	// Row 2 is 1e-5 away from span(row 0, row 1): cond(XXᵀ) ≈ 1e10 is accepted.
	p := smallProblem()
	setRow(p, 2, 1, 1, 1e-5, 2, -1)
	if err := p.Validate(); err != nil {
		t.Fatalf("cond ≈ 1e10: %v", err)
	}
	p.BetaStar, p.FeatureVar, p.diagH = nil, nil, nil
	if err := p.Validate(); err != nil {
		t.Fatalf("without the optional fields: %v", err)
	}
}

func TestValidateRejectsBadProblems(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(p *Problem)
		want  string // the message, or its prefix when it ends in "…"
		row   int    // the row a *RowError must name, -1 for none
	}{
		{"n equals d", func(p *Problem) { p.D = 3 }, "n = 3 samples and d = 3 features: need 1 ≤ n < d so that interpolators exist", -1},
		{"n zero", func(p *Problem) { p.N = 0 }, "n = 0 samples and d = 5 features: need 1 ≤ n < d so that interpolators exist", -1},
		{"X short", func(p *Problem) { p.X = p.X[:14] }, "X has 14 entries, want n·d = 3·5 = 15", -1},
		{"y long", func(p *Problem) { p.Y = append(p.Y, 4) }, "y has 4 entries, want n = 3", -1},
		{"X NaN", func(p *Problem) { p.X[7] = math.NaN() }, "X[1][2] = NaN: NaN/Inf not allowed", 1},
		{"y Inf", func(p *Problem) { p.Y[0] = math.Inf(-1) }, "y[0] = -Inf: NaN/Inf not allowed", -1},
		{"beta_star length", func(p *Problem) { p.BetaStar = p.BetaStar[:4] }, "beta_star has 4 entries, want d = 5", -1},
		{"beta_star NaN", func(p *Problem) { p.BetaStar[3] = math.NaN() }, "beta_star[3] = NaN: NaN/Inf not allowed", -1},
		{"variances length", func(p *Problem) { p.FeatureVar = p.FeatureVar[:2] }, "feature variances has 2 entries, want d = 5", -1},
		{"variance zero", func(p *Problem) { p.FeatureVar[4] = 0 }, "feature variance 4 = 0 is out of range; allowed 0 < v < ∞", -1},
		{"zero first row", func(p *Problem) { setRow(p, 0, 0, 0, 0, 0, 0) }, "X[0] is (numerically) zero, so X has rank < n = 3", 0},
		{"repeated row", func(p *Problem) { setRow(p, 1, 1, 0, 0, 2, 0) }, "X[1] is a linear combination of X[0], so X has rank < n = 3", 1},
		{"sum of rows", func(p *Problem) { setRow(p, 2, 1, 1, 0, 2, -1) }, "X[2] is a linear combination of X[0..1], so X has rank < n = 3", 2},
		{"nearly dependent", func(p *Problem) { setRow(p, 2, 1, 1, 1e-7, 2, -1) },
			"X[2] is nearly a linear combination of X[0..1]: the condition number of XXᵀ reaches …", 2},
		{"huge row", func(p *Problem) { setRow(p, 1, 0, 1e200, 0, 0, 0) }, "X[1] is too large: its squared norm overflows float64", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := smallProblem()
			tt.spoil(p)
			err := p.Validate()
			if err == nil {
				t.Fatalf("Validate accepted it; want %s", tt.want)
			}
			prefix, isPrefix := strings.CutSuffix(tt.want, "…")
			if isPrefix && !strings.HasPrefix(err.Error(), prefix) || !isPrefix && err.Error() != tt.want {
				t.Fatalf("Validate error = %s\nwant          %s", err, tt.want)
			}
			gotRow := -1
			var rowErr *RowError
			if errors.As(err, &rowErr) {
				gotRow = rowErr.Row
			}
			if gotRow != tt.row {
				t.Fatalf("error %v names row %d, want %d", err, gotRow, tt.row)
			}
		})
	}
}

// The rank check of a generated 400×500 problem (the nearly square Gaussian
// case, where cond(XXᵀ) is largest) passes and reports the row of a
// dependency planted deep inside.
func TestValidateFindsPlantedDependency(t *testing.T) {
	p := mustGenerate(t, Spec{N: 400, D: 500, S: 5, Beta: BetaSpec{Kind: "pm1"}, Features: FeatureSpec{Kind: "iso"}, Seed: 1})
	for j := range p.Row(317) {
		p.Row(317)[j] = p.Row(12)[j] - 0.5*p.Row(200)[j]
	}
	err := p.Validate()
	var rowErr *RowError
	if !errors.As(err, &rowErr) || rowErr.Row != 317 {
		t.Fatalf("Validate = %v, want a RowError for row 317", err)
	}
}
