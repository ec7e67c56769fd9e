package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"sgdbias/sim"
	"sgdbias/sim/param"
	"sgdbias/sim/problem"
)

// smallConfig is a quick sweep: 3 α × 2 γ on a (12, 30) problem, 3 reps.
func smallConfig(t testing.TB, algos ...sim.Algo) Config {
	t.Helper()
	alpha, err := ParseGrid(Alpha, "log:0.01:0.1:3")
	if err != nil {
		t.Fatal(err)
	}
	step, err := ParseGrid(Step, "0.02,0.05")
	if err != nil {
		t.Fatal(err)
	}
	if len(algos) == 0 {
		algos = []sim.Algo{sim.GD, sim.SGD}
	}
	return Config{
		Problem: ProblemConfig{Source: "test", N: 12, D: 30, S: 3, BetaStar: "pm1", Features: "iso"},
		Seed:    7, Reps: 3, Algos: algos,
		Grid:    Grid{Alpha: alpha, Step: step, Noise: Fixed(Noise, 0.05), Batch: Fixed(Batch, 1), NoiseFollowsStep: true},
		Horizon: Horizon{Time: 20, Tol: 1e-6},
	}
}

func mustRun(t testing.TB, c Config, opt Options) *Result {
	t.Helper()
	opt.NoTiming = true
	res, err := Run(context.Background(), c, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestShardsCoverEveryJobOnce(t *testing.T) {
	for _, total := range []int{0, 1, 7, 130, 1001} {
		for _, n := range []int{1, 2, 3, 10, 200} {
			seen := make([]int, total)
			for k := range n {
				sh := Shard{K: k, N: n}
				prev := -1
				for _, j := range sh.Jobs(total) {
					if j <= prev || !sh.Contains(j) {
						t.Fatalf("total %d, shard %d/%d: job %d out of order or not contained", total, k, n, j)
					}
					prev = j
					seen[j]++
				}
			}
			for j, c := range seen {
				if c != 1 {
					t.Fatalf("total %d, N %d: job %d in %d shards", total, n, j, c)
				}
			}
		}
	}
	if got := (Shard{}).Jobs(5); !reflect.DeepEqual(got, []int{0, 1, 2, 3, 4}) {
		t.Errorf("the zero shard runs %v", got)
	}
}

func TestParseShard(t *testing.T) {
	for in, want := range map[string]Shard{"0/10": {0, 10}, " 9/10 ": {9, 10}, "0/1": {0, 1}} {
		if got, err := ParseShard(in); err != nil || got != want {
			t.Errorf("ParseShard(%q) = %v, %v", in, got, err)
		}
	}
	for in, want := range map[string]string{"10/10": "0 ≤ K ≤ 9", "-1/3": "0 ≤ K", "1/0": "1 ≤ N", "3": "not K/N", "a/b": "not K/N", "1/2/3": "not K/N"} {
		var pe *param.Error
		if _, err := ParseShard(in); !errors.As(err, &pe) || pe.Param != param.Shard || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseShard(%q): %v, want %q", in, err, want)
		}
	}
}

func TestJobOrder(t *testing.T) {
	c := smallConfig(t, sim.GF, sim.GD, sim.SGD)
	if c.Jobs() != 6*3*3 {
		t.Fatalf("%d jobs, want 54", c.Jobs())
	}
	for i := range c.Jobs() {
		j := c.Job(i)
		if c.JobIndex(j.Point, j.Algo, j.Rep) != i {
			t.Fatalf("job %d = %+v does not round-trip", i, j)
		}
	}
	// Point-major, then algorithm, then rep; the batch varies fastest in a point.
	if j := c.Job(10); j.Point != 1 || j.Algo != sim.GF || j.Rep != 1 {
		t.Errorf("job 10 = %+v", j)
	}
	if pt := c.Grid.Point(1); pt.Alpha != 0.01 || pt.Step != 0.05 || pt.Noise != 0.05 {
		t.Errorf("point 1 = %+v (noise follows the step)", pt)
	}
	if pt := c.Grid.Point(4); math.Abs(pt.Alpha-0.1) > 1e-15 || pt.Step != 0.02 || pt.Noise != 0.02 {
		t.Errorf("point 4 = %+v", pt)
	}
	if got := c.Grid.Swept(); !reflect.DeepEqual(got, []Param{Alpha, Step}) {
		t.Errorf("swept %v", got)
	}
}

func TestDescribeMatchesHandComputedValues(t *testing.T) {
	ptrEq := func(p *float64, want float64) bool {
		return p != nil && math.Abs(*p-want) <= 1e-15*math.Max(1, math.Abs(want))
	}
	cases := []struct {
		in               []float64
		n                int
		mean, sd, median float64
	}{
		// mean 10/4; sd² = (2.25+0.25+0.25+2.25)/3 = 5/3; median (2+3)/2.
		{[]float64{4, 1, 3, 2}, 4, 2.5, math.Sqrt(5.0 / 3), 2.5},
		{[]float64{3, 1, 2}, 3, 2, 1, 2},
		{[]float64{5}, 1, 5, 0, 5}, // the sd of one value is 0
		// Non-finite values are left out: {1, 3}.
		{[]float64{1, math.NaN(), math.Inf(1), 3}, 2, 2, math.Sqrt2, 2},
		{[]float64{0.1, 0.2, 0.7, 0.3, 100}, 5, 101.3 / 5, math.Sqrt((math.Pow(0.1-20.26, 2) + math.Pow(0.2-20.26, 2) + math.Pow(0.7-20.26, 2) + math.Pow(0.3-20.26, 2) + math.Pow(100-20.26, 2)) / 4), 0.3},
	}
	for _, c := range cases {
		st := Describe(c.in)
		if st.N != c.n || !ptrEq(st.Mean, c.mean) || !ptrEq(st.SD, c.sd) || !ptrEq(st.Median, c.median) {
			t.Errorf("Describe(%v) = n %d mean %v sd %v median %v; want %d %v %v %v",
				c.in, st.N, deref(st.Mean), deref(st.SD), deref(st.Median), c.n, c.mean, c.sd, c.median)
		}
	}
	for _, in := range [][]float64{nil, {math.NaN()}, {math.Inf(-1)}} {
		if st := Describe(in); st.N != 0 || st.Mean != nil || st.SD != nil || st.Median != nil {
			t.Errorf("Describe(%v) = %+v, want nothing", in, st)
		}
	}
	// Finite values whose mean overflows give no statistic, never Inf.
	if st := Describe([]float64{math.MaxFloat64, math.MaxFloat64}); st.Mean != nil {
		t.Errorf("overflowing mean reported as %v", *st.Mean)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestSummarizeLeavesOutDivergedAndFailedRuns(t *testing.T) {
	c := smallConfig(t)
	v := func(x float64) *float64 { return &x }
	recs := []Record{
		{Job: 0, Algo: sim.GD, Rep: 0, TestError: v(1), L1Norm: v(5), AlphaRatio: v(0.9), Steps: 100, Time: 2, Converged: true},
		{Job: 1, Algo: sim.GD, Rep: 1, Diverged: true, Steps: 3, Time: 0.06, TestError: v(1e30)},
		{Job: 2, Algo: sim.GD, Rep: 2, TestError: v(3), L1Norm: v(7), AlphaRatio: v(0.8), Steps: 300, Time: 6},
		{Job: 3, Algo: sim.SGD, Rep: 0, Status: sim.StatusCollapsed, TestError: v(5), L1Norm: v(0), Steps: 50, Time: 1},
		{Job: 4, Algo: sim.SGD, Rep: 1, Error: "boom"},
	}
	sums := Summarize(c, recs)
	if len(sums) != 2 {
		t.Fatalf("%d summaries, want 2", len(sums))
	}
	gd := sums[0]
	if gd.Runs != 3 || gd.Diverged != 1 || gd.Failed != 0 || gd.Converged != 1 {
		t.Errorf("gd counts %+v", gd)
	}
	te := gd.Stat(TestError)
	if te.N != 2 || *te.Mean != 2 || *te.SD != math.Sqrt2 || *te.Median != 2 {
		t.Errorf("gd test error %+v: the diverged run must be left out", te)
	}
	if st := gd.Stat(Steps); st.N != 2 || *st.Mean != 200 {
		t.Errorf("gd steps %+v", st)
	}
	if st := gd.Stat(L1Distance); st.N != 0 || st.Mean != nil {
		t.Errorf("l1 distance without values: %+v", st)
	}
	sgd := sums[1]
	if sgd.Runs != 2 || sgd.Failed != 1 || sgd.Collapsed != 1 || sgd.Stat(Steps).N != 0 || sgd.Stat(TestError).N != 0 {
		t.Errorf("sgd %+v: the collapsed and the failed run are counted and left out", sgd)
	}
}

func TestRunIsDeterministicAndIndependentOfWorkers(t *testing.T) {
	c := smallConfig(t, sim.GF, sim.GD, sim.SGF, sim.SGD)
	a := mustRun(t, c, Options{Workers: 1})
	b := mustRun(t, c, Options{Workers: 3})
	if len(a.Records) != c.Jobs() || a.Interrupted {
		t.Fatalf("%d of %d jobs", len(a.Records), c.Jobs())
	}
	if !reflect.DeepEqual(a.Records, b.Records) {
		t.Fatal("1 and 3 workers gave different records")
	}
	var bufA, bufB bytes.Buffer
	if err := a.WriteJSON(&bufA); err != nil {
		t.Fatal(err)
	}
	if err := mustRun(t, c, Options{}).WriteJSON(&bufB); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bufA.Bytes(), bufB.Bytes()) {
		t.Fatal("two runs wrote different files")
	}
	// Every job has finite metrics here, and GF keeps α (§3).
	for _, r := range a.Records {
		if r.Diverged || r.Error != "" || r.TestError == nil || r.L1Distance == nil {
			t.Fatalf("record %+v", r)
		}
		if r.Algo == sim.GF && math.Abs(*r.AlphaRatio-1) > 1e-6 {
			t.Errorf("GF α_∞/α = %v, want 1", *r.AlphaRatio)
		}
	}
}

// TestRepsUseTheirOwnDataSeed checks a job against an independent run: rep r
// uses the problem of seed Seed+r and the same seed for SGD's draws, and its
// metrics are those of the final state.
func TestRepsUseTheirOwnDataSeed(t *testing.T) {
	c := smallConfig(t)
	c.Horizon.Tol = 0
	res := mustRun(t, c, Options{})
	job := c.JobIndex(5, sim.SGD, 2)
	rec := res.Records[job]
	pt := c.Grid.Point(5)
	spec, _ := c.Problem.Spec(c.Seed + 2)
	p, err := problem.Generate(spec)
	if err != nil {
		t.Fatal(err)
	}
	in := sim.UniformInit(pt.Alpha, p.D)
	m, err := sim.NewSGD(p, in, sim.Params{Step: pt.Step, Noise: pt.Noise, Batch: 1}, c.Seed+2)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.AdvanceTo(c.Horizon.Time); err != nil {
		t.Fatal(err)
	}
	smp := sim.NewSampler(p, in).Measure(m)
	if rec.Steps != smp.Steps || *rec.TestError != smp.TestError || *rec.L1Norm != smp.L1 || *rec.AlphaRatio != smp.AlphaGeoMean/pt.Alpha {
		t.Errorf("record %+v\nindependent run steps %d test error %v ‖β‖₁ %v α ratio %v",
			rec, smp.Steps, smp.TestError, smp.L1, smp.AlphaGeoMean/pt.Alpha)
	}
}

// TestStepsToConverge compares the recorded steps with the first step at
// which the loss is ≤ tol, found by stepping GD one step at a time.
func TestStepsToConverge(t *testing.T) {
	c := smallConfig(t, sim.GD)
	c.Reps = 1
	c.Grid.Alpha, c.Grid.Step = Fixed(Alpha, 0.1), Fixed(Step, 0.05)
	c.Horizon = Horizon{Time: 1000, Tol: 1e-10}
	rec := mustRun(t, c, Options{}).Records[0]
	if !rec.Converged {
		t.Fatalf("did not converge: %+v", rec)
	}
	spec, _ := c.Problem.Spec(c.Seed)
	p, _ := problem.Generate(spec)
	in := sim.UniformInit(0.1, p.D)
	m, _ := sim.NewGD(p, in, sim.Params{Step: 0.05, Noise: 0.05, Batch: 1})
	s := sim.NewSampler(p, in)
	for s.Loss(m) > 1e-10 {
		if err := m.Step(); err != nil {
			t.Fatal(err)
		}
	}
	first := m.State().Steps
	if rec.Steps < first || float64(rec.Steps) > float64(first)*1.01+1 {
		t.Errorf("recorded %d steps; the loss first reached the tolerance at step %d (want within 1%%)", rec.Steps, first)
	}
	// Not converged within the horizon: the steps are the horizon's.
	c.Horizon = Horizon{Time: 1, Tol: 1e-10}
	rec = mustRun(t, c, Options{}).Records[0]
	if rec.Converged || rec.Steps != 20 {
		t.Errorf("short horizon: %+v, want 20 steps, not converged", rec)
	}
}

func TestDivergentPointsAreCounted(t *testing.T) {
	c := smallConfig(t)
	step, _ := ParseGrid(Step, "0.05,20")
	c.Grid.Step = step
	c.Horizon = Horizon{Steps: 400, Tol: 1e-6}
	res := mustRun(t, c, Options{})
	b, err := json.Marshal(res.Records) // fails on NaN or Inf
	if err != nil {
		t.Fatalf("records do not marshal: %v", err)
	}
	if bytes.Contains(b, []byte("NaN")) || bytes.Contains(b, []byte("Inf")) {
		t.Fatal("NaN or Inf in the records")
	}
	for _, s := range res.Summaries() {
		if s.Point.Step != 20 {
			if s.Diverged != 0 {
				t.Errorf("γ = 0.05 diverged: %+v", s)
			}
			continue
		}
		if s.Diverged != c.Reps || s.Runs != c.Reps {
			t.Errorf("γ = 20, %s: %d of %d runs diverged, want all", s.Algo, s.Diverged, s.Runs)
		}
		for _, m := range Metrics {
			if st := s.Stat(m); st.N != 0 || st.Mean != nil || st.Median != nil {
				t.Errorf("γ = 20, %s: %s has values %+v", s.Algo, m, st)
			}
		}
	}
	var div Record
	for _, r := range res.Records {
		if r.Diverged {
			div = r
			break
		}
	}
	if !strings.Contains(div.Divergence, "diverged at step") || div.TestError != nil {
		t.Errorf("a diverged record: %+v", div)
	}
}

func TestCancelKeepsFinishedJobsAndStopsEveryWorker(t *testing.T) {
	c := smallConfig(t)
	c.Reps = 12
	c.Horizon = Horizon{Time: 400} // no early stop: every job takes a while
	full := mustRun(t, c, Options{Workers: 2})

	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := Run(ctx, c, Options{Workers: 2, NoTiming: true, Progress: func(p Progress) {
		if p.Fraction > 0.3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || !res.Interrupted {
		t.Fatalf("err %v, interrupted %v", err, res.Interrupted)
	}
	if n := len(res.Records); n == 0 || n >= c.Jobs() {
		t.Fatalf("%d of %d jobs kept; want some but not all", n, c.Jobs())
	}
	for _, r := range res.Records {
		if !reflect.DeepEqual(r, full.Records[r.Job]) {
			t.Fatalf("job %d differs from the uninterrupted run", r.Job)
		}
	}
	if m := res.Missing(); len(m)+len(res.Records) != c.Jobs() {
		t.Errorf("%d missing + %d kept ≠ %d", len(m), len(res.Records), c.Jobs())
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > before {
		t.Errorf("%d goroutines after the cancelled run, %d before", g, before)
	}
}

func encodeDecode(t *testing.T, r *Result, name string) *Result {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := ReadResult(name, &buf)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

func TestMergeOfShardsEqualsTheWholeSweep(t *testing.T) {
	c := smallConfig(t, sim.GD, sim.SGF, sim.SGD)
	whole := mustRun(t, c, Options{})
	for _, n := range []int{1, 3, 7} {
		var parts []*Result
		for k := n - 1; k >= 0; k-- { // any order
			parts = append(parts, encodeDecode(t, mustRun(t, c, Options{Shard: Shard{K: k, N: n}}), "part"))
		}
		merged, err := Merge(parts)
		if err != nil {
			t.Fatalf("N = %d: %v", n, err)
		}
		if !reflect.DeepEqual(merged.Records, whole.Records) {
			t.Fatalf("N = %d: merged records differ from the whole sweep's", n)
		}
		if !reflect.DeepEqual(merged.Summaries(), whole.Summaries()) {
			t.Fatalf("N = %d: merged summaries differ", n)
		}
		if merged.Interrupted || len(merged.Missing()) != 0 {
			t.Fatalf("N = %d: merged result incomplete", n)
		}
	}
	// A whole result read back is unchanged, bit for bit.
	if back := encodeDecode(t, whole, "whole"); !reflect.DeepEqual(back.Records, whole.Records) {
		t.Fatal("records changed through the file")
	}
}

func TestMergeRefusesMismatchedOverlappingAndIncompleteShards(t *testing.T) {
	c := smallConfig(t)
	shard := func(c Config, k, n int, name string) *Result {
		r := encodeDecode(t, mustRun(t, c, Options{Shard: Shard{K: k, N: n}}), name)
		return r
	}
	p0, p1, p2 := shard(c, 0, 3, "p0.json"), shard(c, 1, 3, "p1.json"), shard(c, 2, 3, "p2.json")

	other := c
	other.Reps = 4
	if _, err := Merge([]*Result{p0, p1, shard(other, 2, 3, "x.json")}); err == nil ||
		!strings.Contains(err.Error(), "different sweep") || !strings.Contains(err.Error(), "reps") {
		t.Errorf("mismatched sweeps: %v", err)
	}
	other = c
	other.Horizon.Tol = 1e-7
	if _, err := Merge([]*Result{p0, shard(other, 1, 3, "y.json")}); err == nil || !strings.Contains(err.Error(), "horizon.tol") {
		t.Errorf("another tolerance: %v", err)
	}
	if _, err := Merge([]*Result{p0, p1, p2, p1}); err == nil || !strings.Contains(err.Error(), "overlap") {
		t.Errorf("a shard twice: %v", err)
	}
	if _, err := Merge([]*Result{p0, shard(c, 0, 2, "q0.json")}); err == nil || !strings.Contains(err.Error(), "overlap") {
		t.Errorf("overlapping shards of different N: %v", err)
	}
	res, err := Merge([]*Result{p0, p2})
	var me *MissingError
	if !errors.As(err, &me) {
		t.Fatalf("missing shard: %v", err)
	}
	if !reflect.DeepEqual(me.Absent, []Shard{{K: 1, N: 3}}) || len(me.Jobs) != len(Shard{K: 1, N: 3}.Jobs(c.Jobs())) {
		t.Errorf("missing: absent %v, %d jobs", me.Absent, len(me.Jobs))
	}
	if !strings.Contains(err.Error(), "shard 1/3") || !strings.Contains(err.Error(), "job 1:") {
		t.Errorf("message %q should name the shard and a job", err)
	}
	if res == nil || len(res.Records) != len(p0.Records)+len(p2.Records) || !res.Interrupted {
		t.Error("the partial merge should still be returned, marked incomplete")
	}
	// A shard that lost records (interrupted) is named.
	p1.Records = p1.Records[1:]
	if _, err := Merge([]*Result{p0, p1, p2}); !errors.As(err, &me) || len(me.Jobs) != 1 || len(me.Incomplete) != 1 {
		t.Errorf("an incomplete shard: %v", err)
	}
}

func TestReadResultRejectsDamagedFiles(t *testing.T) {
	c := smallConfig(t)
	var buf bytes.Buffer
	if err := mustRun(t, c, Options{Shard: Shard{K: 1, N: 2}}).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.String()
	cases := map[string]string{
		"edited config":  strings.Replace(good, `"reps": 3`, `"reps": 2`, 1),
		"foreign record": strings.Replace(good, `{"job":1,`, `{"job":0,`, 1),
		"wrong point":    strings.Replace(good, `{"job":1,"point":0,`, `{"job":1,"point":1,`, 1),
		"other format":   strings.Replace(good, FileFormat, "sgdbias-sweep/0", 1),
		"unknown field":  strings.Replace(good, `"interrupted"`, `"surprise": 1, "interrupted"`, 1),
		"not json":       good[:len(good)/2],
	}
	for name, text := range cases {
		if text == good {
			t.Fatalf("%s: the edit did not apply", name)
		}
		if _, err := ReadResult("f.json", strings.NewReader(text)); err == nil || !strings.HasPrefix(err.Error(), "f.json: ") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := ReadResult("f.json", strings.NewReader(good)); err != nil {
		t.Errorf("the good file: %v", err)
	}
}

func TestLoadedDataIsTheSameForEveryRep(t *testing.T) {
	c := smallConfig(t, sim.GD, sim.SGD)
	spec, _ := c.Problem.Spec(99)
	p, _ := problem.Generate(spec)
	c.Problem = ProblemConfig{Source: "data.json", N: p.N, D: p.D, DataSHA256: ProblemSHA256(p)}
	res := mustRun(t, c, Options{Data: p})
	for _, s := range res.Summaries() {
		sd := *s.Stat(TestError).SD
		if s.Algo == sim.GD && sd != 0 {
			t.Errorf("GD on one loaded problem varies across reps: sd %v", sd)
		}
		if s.Algo == sim.SGD && sd == 0 {
			t.Errorf("SGD's reps should differ in their draws")
		}
	}
	q, _ := problem.Generate(spec)
	q.Y[0] += 1e-12
	if _, err := Run(context.Background(), c, Options{Data: q}); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("another problem accepted: %v", err)
	}
	if _, err := Run(context.Background(), c, Options{}); err == nil {
		t.Error("a loaded-data sweep ran without data")
	}
}

func TestValidate(t *testing.T) {
	cases := map[string]func(*Config){
		"reps:":  func(c *Config) { c.Reps = 0 },
		"algos:": func(c *Config) { c.Algos = nil },
		"batch:": func(c *Config) { c.Grid.Batch = Fixed(Batch, 13) },
		"time:":  func(c *Config) { c.Horizon = Horizon{} },
		"tol:":   func(c *Config) { c.Horizon.Tol = -1 },
		"jobs":   func(c *Config) { c.Reps = MaxReps; c.Grid.Alpha, _ = ParseGrid(Alpha, "log:1e-3:1:1000") },
	}
	for want, edit := range cases {
		c := smallConfig(t)
		edit(&c)
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", want, err)
		}
	}
	if err := smallConfig(t).Validate(); err != nil {
		t.Error(err)
	}
}

func TestFingerprintIgnoresDisplayText(t *testing.T) {
	a := smallConfig(t)
	b := smallConfig(t)
	b.Grid.Alpha.Spec, b.Problem.Source = "0.01,0.0316227766016838,0.1", "elsewhere"
	b.Grid.Alpha.Values = append([]float64(nil), a.Grid.Alpha.Values...)
	if a.Fingerprint() != b.Fingerprint() {
		t.Error("the display text changed the fingerprint")
	}
	b.Seed++
	if a.Fingerprint() == b.Fingerprint() {
		t.Error("another seed kept the fingerprint")
	}
}

// TestSGDBeatsGDAcrossAlpha is the seed paper's claim at a small size
// (theory.md §8.8): on sparse Gaussian data with the same γ, SGD ends with a
// lower test error than GD at every α of the grid and shrinks α more.
func TestSGDBeatsGDAcrossAlpha(t *testing.T) {
	alpha, _ := ParseGrid(Alpha, "0.01,0.03,0.1")
	c := Config{
		Problem: ProblemConfig{N: 20, D: 50, S: 3, BetaStar: "pm1", Features: "iso"},
		Seed:    1, Reps: 6, Algos: []sim.Algo{sim.GD, sim.SGD},
		Grid:    Grid{Alpha: alpha, Step: Fixed(Step, 0.05), Noise: Fixed(Noise, 0.05), Batch: Fixed(Batch, 1), NoiseFollowsStep: true},
		Horizon: Horizon{Time: 200, Tol: 1e-8},
	}
	res := mustRun(t, c, Options{})
	for p := range c.Grid.Size() {
		wins := 0
		for r := range c.Reps {
			gd, sgd := res.Records[c.JobIndex(p, sim.GD, r)], res.Records[c.JobIndex(p, sim.SGD, r)]
			if *sgd.TestError < *gd.TestError {
				wins++
			}
		}
		if wins < 5 {
			t.Errorf("α = %g: SGD below GD in %d of %d seeds", c.Grid.Point(p).Alpha, wins, c.Reps)
		}
	}
	sums := res.Summaries()
	for i := 0; i < len(sums); i += 2 {
		gd, sgd := sums[i], sums[i+1]
		if *sgd.Stat(TestError).Mean >= *gd.Stat(TestError).Mean || *sgd.Stat(AlphaRatio).Mean >= *gd.Stat(AlphaRatio).Mean-0.05 {
			t.Errorf("α = %g: SGD mean test error %v, α ratio %v; GD %v, %v", gd.Point.Alpha,
				*sgd.Stat(TestError).Mean, *sgd.Stat(AlphaRatio).Mean, *gd.Stat(TestError).Mean, *gd.Stat(AlphaRatio).Mean)
		}
	}
}

// TestEveryAlgorithmFinishes runs each algorithm, heavy ball (whose steps
// are γ/(1−μ) long) and label-noise SGD included, to its horizon.
func TestEveryAlgorithmFinishes(t *testing.T) {
	c := smallConfig(t, sim.AllAlgos...)
	c.Reps, c.Momentum, c.LabelNoise = 1, 0.5, 0.01
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := Run(ctx, c, Options{NoTiming: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Records {
		if r.Error != "" || r.Diverged || r.Time < c.Horizon.End(c.Grid.Point(r.Point).Step)-c.Grid.Point(r.Point).Step && !r.Converged {
			t.Errorf("%s: %+v", r.Algo, r)
		}
	}
}
