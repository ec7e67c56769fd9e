package sim

import (
	"context"
	"runtime"
	"testing"
)

// A job handed to the helper and the results it writes are seen in order
// by both goroutines, over many hand-offs with every mix of polling and
// parking (spin limits 0, 1 and some): the race detector checks the
// ordering, the counts check that no hand-off is lost or doubled.
func TestGDSignalHandsOff(t *testing.T) {
	for _, spin := range []int{0, 1, 100} {
		h := &gdHelper{posted: newGDSignal(), done: newGDSignal(), ended: make(chan struct{}), spin: spin}
		go h.loop()
		var c counter
		for k := range 2000 {
			h.start(&c)
			h.finish()
			if c.n != k+1 {
				t.Fatalf("spin %d: after %d hand-offs the job ran %d times", spin, k+1, c.n)
			}
		}
		h.quit.Store(true)
		h.posted.post()
		<-h.ended
	}
}

type counter struct{ n int }

func (c *counter) run() { c.n++ }

// After OneCorePerRun no run starts a second-core goroutine, whatever the
// size thresholds say: GD's two parts and its column split run on the
// stepping goroutine, GF's right-hand side is not split, and the sampler
// computes the residual alone; the runs still give the one-core results.
func TestOneCorePerRun(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("one core: GOMAXPROCS is 1")
	}
	restore := ForceGDOnePass(true)
	defer restore()
	oldLoss, oldGF := lossSplitMinElems, gfSplitMinElems
	lossSplitMinElems, gfSplitMinElems = 0, 0
	defer func() { lossSplitMinElems, gfSplitMinElems = oldLoss, oldGF }()
	p := sparseGaussianProblem(9, 203, 9*1000+203) // newGDOnePassPair's problem
	in := UniformInit(0.1, p.D)
	// Before: every part that can go to a second core does.
	if m, _ := NewGD(p, in, Params{Step: 0.05, Batch: 1}); m.(*gdMethod).fast.(*gdOnePass).helper == nil {
		t.Fatal("the forced two-core GD step has no helper")
	}
	oneCorePerRun.Store(true)
	defer oneCorePerRun.Store(false)
	m, err := NewGD(p, in, Params{Step: 0.05, Batch: 1})
	if err != nil {
		t.Fatal(err)
	}
	if h := m.(*gdMethod).fast.(*gdOnePass).helper; h != nil {
		t.Error("GD started a second-core helper")
	}
	if s := newGDSplit(m.(*gdMethod)); s.helper != nil {
		t.Error("GD's column split started a second-core helper")
	}
	gf, err := NewGF(p, in, Params{Step: 0.05, Batch: 1}, DefaultGFTolerance)
	if err != nil {
		t.Fatal(err)
	}
	if gf.(*gfMethod).split != nil {
		t.Error("GF's right-hand side is split")
	}
	if NewSampler(p, in).lossTwoCores {
		t.Error("the sampler computes residuals on two cores")
	}
	sgd, err := NewSGD(p, in, Params{Step: 0.01, Batch: 1}, 1)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSampler(p, in)
	if _, err := Run(context.Background(), sgd, s, RunOptions{Horizon: Horizon{Steps: 2000}, Samples: 50, Spacing: Log}); err != nil || s.background != nil {
		t.Errorf("SGD's run took its samples in the background (error %v)", err)
	}
	serial, _ := newGDOnePassPair(t, 9, 203, 0.05, false)
	stepAndCompareGD(t, "one core per run", serial, m.(*gdMethod), 100)
}
