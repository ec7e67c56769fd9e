package problem

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
)

func mustGenerate(t *testing.T, spec Spec) *Problem {
	t.Helper()
	p, err := Generate(spec)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", spec, err)
	}
	return p
}

func encode(t *testing.T, p *Problem, format string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, p, format); err != nil {
		t.Fatalf("Write %s: %v", format, err)
	}
	return buf.Bytes()
}

func baseSpec() Spec {
	return Spec{
		N: 20, D: 50, S: 5,
		Beta:       BetaSpec{Kind: "gauss"},
		Features:   FeatureSpec{Kind: "aniso", Lo: 0.1, Hi: 10},
		LabelSigma: 0.3,
		Seed:       42,
	}
}

func sameBits(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })
}

func TestGenerateIsDeterministic(t *testing.T) {
	spec := baseSpec()
	first, second := mustGenerate(t, spec), mustGenerate(t, spec)
	if !bytes.Equal(encode(t, first, "json"), encode(t, second, "json")) {
		t.Fatal("the same Spec gave different problems")
	}
	if !sameBits(first.FeatureVar, second.FeatureVar) || !sameBits(first.HDiag(), second.HDiag()) {
		t.Fatal("the same Spec gave different FeatureVar or DiagH")
	}
	if first.Source != "generated" {
		t.Errorf("Source = %q, want generated", first.Source)
	}
	spec.Seed++
	other := mustGenerate(t, spec)
	if bytes.Equal(encode(t, first, "json"), encode(t, other, "json")) {
		t.Fatal("different seeds gave the same problem")
	}
	if sameBits(first.X, other.X) || sameBits(first.BetaStar, other.BetaStar) {
		t.Fatal("different seeds gave the same X or β*")
	}
}

// Each random part has its own stream: changing σ or β*'s kind must leave X
// bit-identical, and changing σ must leave β* unchanged.
func TestGenerateStreamsAreIndependent(t *testing.T) {
	spec := baseSpec()
	ref := mustGenerate(t, spec)
	spec.LabelSigma = 0
	noiseless := mustGenerate(t, spec)
	spec.Beta = BetaSpec{Kind: "pm1"}
	signs := mustGenerate(t, spec)
	if !sameBits(ref.X, noiseless.X) || !sameBits(ref.X, signs.X) {
		t.Error("X depends on --label-sigma or --beta-star")
	}
	if !sameBits(ref.BetaStar, noiseless.BetaStar) {
		t.Error("β* depends on --label-sigma")
	}
}

// Entries of X, standardised by their variance, are i.i.d. N(0,1). With m of
// them the sample mean has std 1/√m and the sample variance std √(2/m); the
// tolerances are 5 standard deviations.
func TestGenerateFeatureMoments(t *testing.T) {
	for k, features := range []FeatureSpec{{Kind: "iso"}, {Kind: "aniso", Lo: 0.1, Hi: 10}, {Kind: "aniso", Lo: 4, Hi: 0.25}} {
		t.Run(features.String(), func(t *testing.T) {
			// Distinct seeds: with one seed the standardised entries would
			// be the same draws for every covariance.
			p := mustGenerate(t, Spec{N: 300, D: 400, S: 3, Beta: BetaSpec{Kind: "pm1"}, Features: features, Seed: 7 + uint64(k)})
			variance := func(j int) float64 {
				if p.FeatureVar == nil {
					return 1
				}
				return p.FeatureVar[j]
			}
			var sum, sumSq float64
			for k, x := range p.X {
				z := x / math.Sqrt(variance(k%p.D))
				sum += z
				sumSq += z * z
			}
			m := float64(len(p.X))
			mean, second := sum/m, sumSq/m
			if tol := 5 / math.Sqrt(m); math.Abs(mean) > tol {
				t.Errorf("mean of standardised X = %.4g, want |·| ≤ %.3g", mean, tol)
			}
			if tol := 5 * math.Sqrt(2/m); math.Abs(second-1) > tol {
				t.Errorf("second moment of standardised X = %.5f, want 1 ± %.3g", second, tol)
			}
			t.Logf("standardised X: mean %.2g, second moment %.4f over %v entries", mean, second, m)
			checkColumnVariances(t, p, variance)
		})
	}
}

// checkColumnVariances compares each column's sample second moment with its
// variance (std √(2/n) relative), and DiagH with the same sums.
func checkColumnVariances(t *testing.T, p *Problem, variance func(int) float64) {
	t.Helper()
	tol := 5 * math.Sqrt(2/float64(p.N))
	worst := 0.0
	for j := 0; j < p.D; j++ {
		var sumSq float64
		for i := 0; i < p.N; i++ {
			sumSq += p.Row(i)[j] * p.Row(i)[j]
		}
		ratio := sumSq / float64(p.N) / variance(j)
		worst = max(worst, math.Abs(ratio-1))
		if math.Abs(p.HDiag()[j]-sumSq/float64(p.N)) > 1e-12*p.HDiag()[j] {
			t.Fatalf("DiagH[%d] = %v, want %v", j, p.HDiag()[j], sumSq/float64(p.N))
		}
	}
	if worst > tol {
		t.Errorf("worst column |sample variance / variance − 1| = %.3f, want ≤ %.3f", worst, tol)
	}
	t.Logf("worst column |sample var/var − 1| = %.3f (tolerance %.3f)", worst, tol)
}

func TestGenerateAnisoVariancesAreLogSpaced(t *testing.T) {
	p := mustGenerate(t, Spec{N: 10, D: 21, S: 2, Beta: BetaSpec{Kind: "pm1"}, Features: FeatureSpec{Kind: "aniso", Lo: 0.01, Hi: 100}})
	if p.FeatureVar[0] != 0.01 || p.FeatureVar[20] != 100 || math.Abs(p.FeatureVar[10]-1) > 1e-14 {
		t.Fatalf("ends/middle = %v, %v, %v; want 0.01, 100, 1", p.FeatureVar[0], p.FeatureVar[20], p.FeatureVar[10])
	}
	for j := 1; j < 21; j++ {
		if ratio := p.FeatureVar[j] / p.FeatureVar[j-1]; math.Abs(ratio-math.Pow(10, 0.2)) > 1e-12 {
			t.Fatalf("FeatureVar[%d]/FeatureVar[%d] = %v, want 10^0.2", j, j-1, ratio)
		}
	}
	explicit := []float64{1, 2, 3, 4, 5}
	q := mustGenerate(t, Spec{N: 2, D: 5, S: 1, Beta: BetaSpec{Kind: "pm1"}, Features: FeatureSpec{Kind: "aniso", Var: explicit}})
	if !slices.Equal(q.FeatureVar, explicit) {
		t.Fatalf("var: FeatureVar = %v, want %v", q.FeatureVar, explicit)
	}
	if iso := mustGenerate(t, Spec{N: 2, D: 5, S: 1, Beta: BetaSpec{Kind: "pm1"}, Features: FeatureSpec{Kind: "iso"}}); iso.FeatureVar != nil {
		t.Fatalf("iso: FeatureVar = %v, want nil", iso.FeatureVar)
	}
}

func TestGenerateBetaStar(t *testing.T) {
	t.Run("pm1", func(t *testing.T) {
		p := mustGenerate(t, Spec{N: 20, D: 200, S: 100, Beta: BetaSpec{Kind: "pm1"}, Features: FeatureSpec{Kind: "iso"}, Seed: 3})
		plus := 0
		for j, b := range p.BetaStar {
			switch {
			case j < 100 && b == 1:
				plus++
			case j < 100 && b != -1, j >= 100 && b != 0:
				t.Fatalf("β*[%d] = %v", j, b)
			}
		}
		// Binomial(100, ½): mean 50, std 5.
		if plus < 25 || plus > 75 {
			t.Errorf("%d of 100 signs are +1", plus)
		}
	})
	t.Run("gauss", func(t *testing.T) {
		p := mustGenerate(t, Spec{N: 20, D: 2000, S: 1000, Beta: BetaSpec{Kind: "gauss"}, Features: FeatureSpec{Kind: "iso"}, Seed: 3})
		var sum, sumSq float64
		for j, b := range p.BetaStar {
			if (j < 1000) != (b != 0) {
				t.Fatalf("β*[%d] = %v; want non-zero exactly on the first 1000", j, b)
			}
			sum += b
			sumSq += b * b
		}
		if mean, second := sum/1000, sumSq/1000; math.Abs(mean) > 5/math.Sqrt(1000) || math.Abs(second-1) > 5*math.Sqrt(2.0/1000) {
			t.Errorf("β* values: mean %.3f, second moment %.3f; want N(0,1)", mean, second)
		}
	})
	t.Run("list", func(t *testing.T) {
		list := []float64{100, -100, 0, 1.5}
		spec := Spec{N: 3, D: 10, Beta: BetaSpec{Kind: "list", Values: list}, Features: FeatureSpec{Kind: "iso"}}
		p := mustGenerate(t, spec) // S = 0: taken from the list
		want := []float64{100, -100, 0, 1.5, 0, 0, 0, 0, 0, 0}
		if !slices.Equal(p.BetaStar, want) {
			t.Fatalf("β* = %v, want %v", p.BetaStar, want)
		}
		spec.S = 3
		mustGenerate(t, spec)
	})
}

// With y = Xβ* + ε, the residual y − Xβ* is the noise: its sample variance
// over m = 10·400 draws has relative std √(2/m) ≈ 2.2%.
func TestGenerateLabelNoise(t *testing.T) {
	const sigma = 0.5
	var sum, sumSq, m float64
	for seed := range uint64(10) {
		p := mustGenerate(t, Spec{N: 400, D: 500, S: 10, Beta: BetaSpec{Kind: "gauss"}, Features: FeatureSpec{Kind: "iso"}, LabelSigma: sigma, Seed: seed})
		for i := 0; i < p.N; i++ {
			var dot float64
			for j, x := range p.Row(i) {
				dot += x * p.BetaStar[j]
			}
			e := p.Y[i] - dot
			sum += e
			sumSq += e * e
			m++
		}
	}
	mean, variance := sum/m, sumSq/m
	if math.Abs(mean) > 5*sigma/math.Sqrt(m) {
		t.Errorf("noise mean = %.4f, want 0 ± %.4f", mean, 5*sigma/math.Sqrt(m))
	}
	if tol := 5 * math.Sqrt(2/m); math.Abs(variance/(sigma*sigma)-1) > tol {
		t.Errorf("noise variance / σ² = %.4f, want 1 ± %.3f", variance/(sigma*sigma), tol)
	}
	t.Logf("noise variance / σ² = %.4f over %v draws", variance/(sigma*sigma), m)

	p := mustGenerate(t, Spec{N: 5, D: 8, S: 2, Beta: BetaSpec{Kind: "pm1"}, Features: FeatureSpec{Kind: "iso"}})
	for i := 0; i < p.N; i++ {
		var dot float64
		for j, x := range p.Row(i) {
			dot += x * p.BetaStar[j]
		}
		if p.Y[i] != dot {
			t.Fatalf("σ = 0: y[%d] = %v, want Xβ* = %v exactly", i, p.Y[i], dot)
		}
	}
}

func TestGenerateRejectsBadSpecs(t *testing.T) {
	iso, pm1 := FeatureSpec{Kind: "iso"}, BetaSpec{Kind: "pm1"}
	list := BetaSpec{Kind: "list", Values: []float64{100, -100, 0, 1.5}}
	tests := []struct {
		name string
		spec Spec
		want string
	}{
		{"n zero", Spec{N: 0, D: 100, S: 1, Beta: pm1, Features: iso}, "n: 0 is out of range; allowed 1 ≤ n < d (=100)"},
		{"n equals d", Spec{N: 100, D: 100, S: 1, Beta: pm1, Features: iso}, "n: 100 is out of range; allowed 1 ≤ n < d (=100)"},
		{"d one", Spec{N: 1, D: 1, S: 1, Beta: pm1, Features: iso}, "d: 1 is out of range; allowed 2 ≤ d ≤ 50000000"},
		{"n·d too large", Spec{N: 1000, D: 100000, S: 1, Beta: pm1, Features: iso}, "d: 100000 is too large for n = 1000; allowed n·d ≤ 50000000, i.e. d ≤ 50000"},
		{"s zero", Spec{N: 10, D: 100, S: 0, Beta: pm1, Features: iso}, "s: 0 is out of range; allowed 1 ≤ s ≤ d (=100)"},
		{"s above d", Spec{N: 10, D: 100, S: 101, Beta: BetaSpec{Kind: "gauss"}, Features: iso}, "s: 101 is out of range; allowed 1 ≤ s ≤ d (=100)"},
		{"s disagrees with list", Spec{N: 2, D: 10, S: 2, Beta: list, Features: iso},
			"s: 2 disagrees with β* = 100,-100,0,1.5, which has 3 non-zeros; allowed s = 3 (or 0 to take it from the list)"},
		{"list longer than d", Spec{N: 1, D: 3, Beta: list, Features: iso}, "beta_star: the list has 4 values; allowed 1 to d (=3)"},
		{"list all zero", Spec{N: 1, D: 3, Beta: BetaSpec{Kind: "list", Values: []float64{0, 0}}, Features: iso},
			"beta_star: the list has no non-zero value; allowed 1 ≤ s ≤ d non-zeros"},
		{"list NaN", Spec{N: 1, D: 3, Beta: BetaSpec{Kind: "list", Values: []float64{1, math.NaN()}}, Features: iso},
			"beta_star: value 2 (NaN) is not finite; allowed finite numbers"},
		{"beta kind", Spec{N: 1, D: 3, S: 1, Beta: BetaSpec{Kind: "sparse"}, Features: iso},
			`beta_star: "sparse" is not a kind of β*; allowed pm1, gauss or a comma list of numbers`},
		{"features kind", Spec{N: 1, D: 3, S: 1, Beta: pm1, Features: FeatureSpec{Kind: "diag"}},
			`features: "diag" is not a kind of features; allowed iso, aniso, aniso:LO:HI or var:v1,…,vd`},
		{"aniso zero", Spec{N: 1, D: 3, S: 1, Beta: pm1, Features: FeatureSpec{Kind: "aniso", Lo: 0, Hi: 1}},
			"features: aniso:0:1 is out of range; allowed 0 < LO, HI < ∞"},
		{"var length", Spec{N: 1, D: 3, S: 1, Beta: pm1, Features: FeatureSpec{Kind: "aniso", Var: []float64{1, 2}}},
			"features: var has 2 variances; allowed d (=3)"},
		{"var negative", Spec{N: 1, D: 3, S: 1, Beta: pm1, Features: FeatureSpec{Kind: "aniso", Var: []float64{1, -2, 3}}},
			"features: variance 2 (-2) is out of range; allowed 0 < v < ∞"},
		{"sigma negative", Spec{N: 1, D: 3, S: 1, Beta: pm1, Features: iso, LabelSigma: -1}, "label_sigma: -1 is out of range; allowed 0 ≤ σ ≤ 1e50"},
		{"sigma NaN", Spec{N: 1, D: 3, S: 1, Beta: pm1, Features: iso, LabelSigma: math.NaN()}, "label_sigma: NaN is out of range; allowed 0 ≤ σ ≤ 1e50"},
		{"sigma Inf", Spec{N: 1, D: 3, S: 1, Beta: pm1, Features: iso, LabelSigma: math.Inf(1)}, "label_sigma: +Inf is out of range; allowed 0 ≤ σ ≤ 1e50"},
		{"sigma huge", Spec{N: 1, D: 3, S: 1, Beta: pm1, Features: iso, LabelSigma: 1e60}, "label_sigma: 1e+60 is out of range; allowed 0 ≤ σ ≤ 1e50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Generate(tt.spec)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Generate error = %v\nwant %s", err, tt.want)
			}
		})
	}
}

// With 3 samples and only 2 features of non-negligible variance, XXᵀ is
// (numerically) singular; Generate must say so rather than hand out the
// problem.
func TestGenerateRejectsIllConditionedFeatures(t *testing.T) {
	for tiny, want := range map[float64]string{
		1e-40: "the generated problem is unusable: X[2] is a linear combination of X[0..1], so X has rank < n = 3 (try another --seed or milder --features)",
		1e-14: "the generated problem is unusable: X[2] is nearly a linear combination of X[0..1]: the condition number of XXᵀ reaches",
	} {
		spec := Spec{N: 3, D: 4, S: 1, Beta: BetaSpec{Kind: "pm1"}, Features: FeatureSpec{Kind: "aniso", Var: []float64{1, 1, tiny, tiny}}}
		_, err := Generate(spec)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("variances 1,1,%g,%[1]g: Generate error = %v\nwant prefix %s", tiny, err, want)
		}
	}
}

func TestParseBetaSpec(t *testing.T) {
	good := []struct {
		text string
		want BetaSpec
	}{
		{"pm1", BetaSpec{Kind: "pm1"}},
		{" Gauss ", BetaSpec{Kind: "gauss"}},
		{"100,-100,0,1.5", BetaSpec{Kind: "list", Values: []float64{100, -100, 0, 1.5}}},
		{"2.5", BetaSpec{Kind: "list", Values: []float64{2.5}}},
		{"1e-3, -0", BetaSpec{Kind: "list", Values: []float64{1e-3, math.Copysign(0, -1)}}},
	}
	for _, tt := range good {
		got, err := ParseBetaSpec(tt.text)
		if err != nil || got.Kind != tt.want.Kind || !sameBits(got.Values, tt.want.Values) {
			t.Errorf("ParseBetaSpec(%q) = %+v, %v; want %+v", tt.text, got, err, tt.want)
		}
	}
	bad := map[string]string{
		"":          "beta_star: is empty; allowed pm1, gauss or a comma list of numbers like 100,-100,0,1.5",
		"pm2":       `beta_star: "pm2" is not a β*; allowed pm1, gauss or a comma list of numbers like 100,-100,0,1.5`,
		"1,abc":     `beta_star: item 2: "abc" is not a number; allowed a comma list of finite numbers`,
		"1,,2":      `beta_star: item 2: "" is not a number; allowed a comma list of finite numbers`,
		"1,nan":     `beta_star: item 2: NaN/Inf not allowed (got "nan"); allowed a comma list of finite numbers`,
		"inf":       `beta_star: item 1: NaN/Inf not allowed (got "inf"); allowed a comma list of finite numbers`,
		"1e999,1":   `beta_star: item 1: "1e999" is out of float64 range; allowed a comma list of finite numbers`,
		"pm1,gauss": `beta_star: item 1: "pm1" is not a number; allowed a comma list of finite numbers`,
	}
	for text, want := range bad {
		if _, err := ParseBetaSpec(text); err == nil || err.Error() != want {
			t.Errorf("ParseBetaSpec(%q) error = %v\nwant %s", text, err, want)
		}
	}
}

func TestParseFeatureSpec(t *testing.T) {
	good := []struct {
		text, canonical string
		want            FeatureSpec
	}{
		{"iso", "iso", FeatureSpec{Kind: "iso"}},
		{"aniso", "aniso:0.1:10", FeatureSpec{Kind: "aniso", Lo: 0.1, Hi: 10}},
		{"ANISO: 1e-2 : 100", "aniso:0.01:100", FeatureSpec{Kind: "aniso", Lo: 0.01, Hi: 100}},
		{"var:1,2,0.5", "var:1,2,0.5", FeatureSpec{Kind: "aniso", Var: []float64{1, 2, 0.5}}},
	}
	for _, tt := range good {
		got, err := ParseFeatureSpec(tt.text)
		if err != nil || got.Kind != tt.want.Kind || got.Lo != tt.want.Lo || got.Hi != tt.want.Hi || !slices.Equal(got.Var, tt.want.Var) {
			t.Errorf("ParseFeatureSpec(%q) = %+v, %v; want %+v", tt.text, got, err, tt.want)
		}
		if got.String() != tt.canonical {
			t.Errorf("ParseFeatureSpec(%q).String() = %q, want %q", tt.text, got.String(), tt.canonical)
		}
	}
	bad := map[string]string{
		"":            `features: "" is not a feature covariance; allowed iso, aniso, aniso:LO:HI or var:v1,…,vd`,
		"iso:2":       `features: "iso:2" is not a feature covariance; allowed iso, aniso, aniso:LO:HI or var:v1,…,vd`,
		"aniso:1":     "features: aniso:1 is not aniso:LO:HI; allowed aniso:LO:HI with 0 < LO, HI < ∞",
		"aniso:1:2:3": "features: aniso:1:2:3 is not aniso:LO:HI; allowed aniso:LO:HI with 0 < LO, HI < ∞",
		"aniso:0:2":   "features: aniso LO = 0 is out of range; allowed 0 < LO < ∞",
		"aniso:1:x":   `features: aniso HI: "x" is not a number; allowed aniso:LO:HI with 0 < LO, HI < ∞`,
		"var:1,-2":    "features: var item 2 (-2) is out of range; allowed 0 < v < ∞",
		"var:1,inf":   `features: var: item 2: NaN/Inf not allowed (got "inf"); allowed var:v1,…,vd with every v > 0`,
		"var":         `features: "var" is not a feature covariance; allowed iso, aniso, aniso:LO:HI or var:v1,…,vd`,
	}
	for text, want := range bad {
		if _, err := ParseFeatureSpec(text); err == nil || err.Error() != want {
			t.Errorf("ParseFeatureSpec(%q) error = %v\nwant %s", text, err, want)
		}
	}
}

func FuzzParseBetaSpec(f *testing.F) {
	for _, seed := range []string{"pm1", "gauss", "GAUSS", "100,-100,0,1.5", "1e-3, -0", "0x1p-3", "1_0", "nan", "1,,2", "", " , ", "5e-324,1.7976931348623157e308"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		spec, err := ParseBetaSpec(text)
		if err != nil {
			return
		}
		again, err := ParseBetaSpec(spec.String())
		if err != nil {
			t.Fatalf("ParseBetaSpec(%q).String() = %q does not parse: %v", text, spec.String(), err)
		}
		if again.Kind != spec.Kind || !sameBits(again.Values, spec.Values) || again.String() != spec.String() {
			t.Fatalf("round trip of %q: %+v → %q → %+v", text, spec, spec.String(), again)
		}
	})
}

func FuzzParseFeatureSpec(f *testing.F) {
	for _, seed := range []string{"iso", "aniso", "aniso:0.1:10", "aniso:10:0.1", "var:1,2,3", "VAR: 1 ,2", "aniso:1e-300:1e300", "aniso::", "var:", "iso:", ":"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		spec, err := ParseFeatureSpec(text)
		if err != nil {
			return
		}
		again, err := ParseFeatureSpec(spec.String())
		if err != nil {
			t.Fatalf("ParseFeatureSpec(%q).String() = %q does not parse: %v", text, spec.String(), err)
		}
		if again.Kind != spec.Kind || !sameBits([]float64{again.Lo, again.Hi}, []float64{spec.Lo, spec.Hi}) ||
			!sameBits(again.Var, spec.Var) || again.String() != spec.String() {
			t.Fatalf("round trip of %q: %+v → %q → %+v", text, spec, spec.String(), again)
		}
	})
}
