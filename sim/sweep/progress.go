package sweep

import (
	"fmt"
	"math"
	"sync/atomic"
	"time"
)

// Progress is how far a shard's work has come.
type Progress struct {
	// Done counts the finished jobs (with those a resumed run started with)
	// out of Total, the shard's jobs.
	Done, Total int
	// Resumed counts the jobs that were done before this run started, so
	// that a rate covers only the jobs this run did.
	Resumed int
	// Fraction adds the part of the running jobs to Done, over Total.
	Fraction float64
}

// progress tracks finished jobs and the fraction of each worker's current
// job.
type progress struct {
	total, resumed int
	finished       atomic.Int64
	current        []atomic.Uint64 // per worker: fraction × 1e6 of the running job
	report         func(Progress)
}

func newProgress(total, resumed, workers int, report func(Progress)) *progress {
	p := &progress{total: total, resumed: resumed, current: make([]atomic.Uint64, workers), report: report}
	p.finished.Store(int64(resumed))
	return p
}

func (p *progress) set(w int, f float64) {
	if p.report == nil {
		return
	}
	p.current[w].Store(uint64(math.Max(0, math.Min(1, f)) * 1e6))
	p.emit()
}

func (p *progress) finish(w int) {
	p.finished.Add(1)
	if p.report == nil {
		return
	}
	p.current[w].Store(0)
	p.emit()
}

func (p *progress) emit() {
	done := int(p.finished.Load())
	sum := float64(done)
	for i := range p.current {
		sum += float64(p.current[i].Load()) / 1e6
	}
	p.report(Progress{Done: done, Total: p.total, Resumed: p.resumed, Fraction: math.Min(1, sum/float64(max(1, p.total)))})
}

// checkDone checks the records a resumed run starts from: each must be a job
// of the shard, once, with the point, algorithm and repetition of its index.
// It returns the set of their jobs.
func checkDone(c Config, s Shard, recs []Record) (map[int]bool, error) {
	done := make(map[int]bool, len(recs))
	for _, rec := range recs {
		if rec.Job < 0 || rec.Job >= c.Jobs() || !s.Contains(rec.Job) {
			return nil, fmt.Errorf("resume: job %d is not a job of shard %s", rec.Job, s)
		}
		if done[rec.Job] {
			return nil, fmt.Errorf("resume: job %d is recorded twice", rec.Job)
		}
		if j := c.Job(rec.Job); j.Point != rec.Point || j.Algo != rec.Algo || j.Rep != rec.Rep {
			return nil, fmt.Errorf("resume: the record of job %d does not match the sweep's job %d", rec.Job, rec.Job)
		}
		done[rec.Job] = true
	}
	return done, nil
}

// checkpoints calls opt.Checkpoint with snapshot() every
// opt.CheckpointEvery until the returned stop function is called; stop
// waits for a call under way.
func checkpoints(opt Options, snapshot func() *Result) (stop func()) {
	if opt.Checkpoint == nil || opt.CheckpointEvery <= 0 {
		return func() {}
	}
	quit, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(opt.CheckpointEvery)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				opt.Checkpoint(snapshot())
			}
		}
	}()
	return func() {
		close(quit)
		<-finished
	}
}
