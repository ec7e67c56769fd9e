package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"sync"
	"testing"
	"time"

	"sgdbias/sim"
)

// A run resumed from the records of an interrupted one runs only the missing
// jobs and ends with the records of an uninterrupted run, bit for bit.
func TestResumeRunsOnlyTheMissingJobs(t *testing.T) {
	c := smallConfig(t)
	shard := Shard{K: 1, N: 3}
	full := mustRun(t, c, Options{Workers: 2, Shard: shard})

	// An interrupted run: keep every other record of the full one.
	var partial []Record
	for i, r := range full.Records {
		if i%2 == 0 {
			partial = append(partial, r)
		}
	}
	var mu sync.Mutex
	var seen []Progress
	res := mustRun(t, c, Options{Workers: 2, Shard: shard, Done: partial, Progress: func(p Progress) {
		mu.Lock()
		seen = append(seen, p)
		mu.Unlock()
	}})
	var a, b bytes.Buffer
	if err := full.WriteJSON(&a); err != nil {
		t.Fatal(err)
	}
	if err := res.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the resumed result differs from the uninterrupted one")
	}
	total := len(shard.Jobs(c.Jobs()))
	// Progress starts from the resumed jobs and counts only the missing
	// ones as they finish: the first report has at least len(partial) done,
	// the last one all of them.
	if len(seen) == 0 {
		t.Fatal("no progress reported")
	}
	last := seen[0]
	for _, p := range seen {
		if p.Total != total || p.Resumed != len(partial) || p.Done < len(partial) {
			t.Fatalf("progress %+v; want total %d, resumed %d", p, total, len(partial))
		}
		if p.Done > last.Done {
			last = p
		}
	}
	if last.Done != total {
		t.Errorf("progress ended at %d of %d", last.Done, total)
	}
}

func TestResumeRefusesForeignRecords(t *testing.T) {
	c := smallConfig(t)
	good := mustRun(t, c, Options{Shard: Shard{K: 0, N: 2}}).Records[:2]
	for name, recs := range map[string][]Record{
		"other shard":  {{Job: 1, Point: 0, Algo: sim.GD, Rep: 1}},
		"twice":        {good[0], good[0]},
		"wrong algo":   {{Job: good[0].Job, Point: good[0].Point, Algo: sim.SGD, Rep: good[0].Rep}},
		"out of range": {{Job: 1 << 30}},
	} {
		_, err := Run(context.Background(), c, Options{Shard: Shard{K: 0, N: 2}, Done: recs})
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// A complete set of records runs nothing and is not interrupted.
	full := mustRun(t, c, Options{})
	res, err := Run(context.Background(), c, Options{Done: full.Records})
	if err != nil || res.Interrupted || len(res.Records) != c.Jobs() {
		t.Fatalf("resume of a finished sweep: %v, interrupted %v, %d records", err, res != nil && res.Interrupted, len(res.Records))
	}
	if errors.Is(err, context.Canceled) {
		t.Fatal("cancelled")
	}
}

func TestEstimateCountsStepsAndWork(t *testing.T) {
	c := smallConfig(t) // α × 3, γ ∈ {0.02, 0.05}, gd and sgd, 3 reps, t ≤ 20
	e := c.Estimate(Shard{}, nil)
	if e.Jobs != c.Jobs() {
		t.Fatalf("jobs %d, want %d", e.Jobs, c.Jobs())
	}
	// Per (α, algo, rep): 20/0.02 = 1000 and 20/0.05 = 400 steps.
	perAlgo := 3.0 * 3 * (1000 + 400)
	if e.Steps != 2*perAlgo {
		t.Errorf("steps %g, want %g", e.Steps, 2*perAlgo)
	}
	n, d := 12.0, 30.0
	want := perAlgo*(2*n*d+4*d) + perAlgo*(2*1*d+4*d)
	if math.Abs(e.MultiplyAdds-want) > 1e-9*want {
		t.Errorf("multiply-adds %g, want %g", e.MultiplyAdds, want)
	}
	// Done jobs and other shards' jobs are not counted.
	done := map[int]bool{0: true, 2: true}
	if got := c.Estimate(Shard{K: 0, N: 2}, done).Jobs; got != c.Jobs()/2-2 {
		t.Errorf("shard 0/2 less 2 done: %d jobs, want %d", got, c.Jobs()/2-2)
	}
}

// Checkpoints are snapshots of the finished jobs, marked interrupted, taken
// while the run goes on and never after it returns; resuming from one ends
// with the uninterrupted result.
func TestCheckpointsAreResumableSnapshots(t *testing.T) {
	c := smallConfig(t)
	full := mustRun(t, c, Options{Workers: 2})
	var mu sync.Mutex
	var snaps []*Result
	taken := make(chan struct{})
	var once sync.Once
	returned := false
	res := mustRun(t, c, Options{Workers: 2, CheckpointEvery: time.Millisecond,
		Checkpoint: func(r *Result) {
			mu.Lock()
			defer mu.Unlock()
			if returned {
				t.Error("a checkpoint after Run returned")
			}
			snaps = append(snaps, r)
			if len(r.Records) > 0 {
				once.Do(func() { close(taken) })
			}
		},
		// Hold the workers after a job has finished until a checkpoint holds
		// at least one record, so that the test does not depend on timing.
		Progress: func(p Progress) {
			if p.Done > 0 {
				<-taken
			}
		},
	})
	mu.Lock()
	returned = true
	mu.Unlock()
	if len(res.Records) != len(full.Records) {
		t.Fatalf("%d records, want %d", len(res.Records), len(full.Records))
	}
	if len(snaps) == 0 {
		t.Fatal("no checkpoint")
	}
	want := map[int]Record{}
	for _, r := range full.Records {
		want[r.Job] = r
	}
	var last *Result
	for _, s := range snaps {
		if !s.Interrupted {
			t.Error("a checkpoint not marked interrupted")
		}
		for i, r := range s.Records {
			if i > 0 && s.Records[i-1].Job >= r.Job {
				t.Fatal("checkpoint records out of order")
			}
			if w, ok := want[r.Job]; !ok || !recordsEqual(w, r) {
				t.Fatalf("checkpoint record of job %d differs from the run's", r.Job)
			}
		}
		if len(s.Records) > 0 {
			last = s
		}
	}
	resumed := mustRun(t, c, Options{Workers: 2, Done: last.Records})
	var a, b bytes.Buffer
	full.WriteJSON(&a)
	resumed.WriteJSON(&b)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("resuming from a checkpoint differs from the uninterrupted run")
	}
}

func recordsEqual(a, b Record) bool {
	var x, y bytes.Buffer
	json.NewEncoder(&x).Encode(a)
	json.NewEncoder(&y).Encode(b)
	return bytes.Equal(x.Bytes(), y.Bytes())
}
