package cli

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

// The streamed JSON report is the encoder's, byte for byte: runs with and
// without each vector, references with and without a solution, and numbers
// at every formatting boundary.
func TestStreamedJSONReportMatchesEncoder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	vector := func() []float64 {
		v := []float64{0, math.Copysign(0, -1), 1e-6, 9.999999e-7, -1e-7, 1e21, 9.99e20, 5e-324, math.MaxFloat64, 123456789012345678, 0.1, -2.5e-300}
		for range 50 {
			v = append(v, rng.NormFloat64()*math.Pow(10, float64(rng.IntN(80)-40)))
		}
		return v
	}
	te := 0.25
	r := jsonReport{
		Config: jsonConfig{Data: "generated", N: 2, D: 62, Algos: []string{"gd", "sgd"}},
		Runs: []jsonRun{
			{Algo: "gd", AlphaEff: vector(), Beta: vector(), PredictedBeta: vector(), TestError: &te},
			{Algo: "sgd", AlphaEff: vector(), Beta: vector()},
			{Algo: "gf"},
		},
		References: &jsonReferences{GFLimit: &jsonReference{Beta: vector()}, L2Min: &jsonReference{Beta: []float64{}}},
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	before := r.Runs[0].Beta[3]
	var got bytes.Buffer
	if err := writeJSONReport(&got, r); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		g, w := got.String(), want.String()
		k := 0
		for k < min(len(g), len(w)) && g[k] == w[k] {
			k++
		}
		t.Fatalf("differs at byte %d: got …%q…, want …%q…", k, g[max(0, k-80):min(len(g), k+80)], w[max(0, k-80):min(len(w), k+80)])
	}
	if r.Runs[0].Beta[3] != before || len(r.Runs[0].Beta) != 62 {
		t.Fatal("writing the report changed it")
	}
}
