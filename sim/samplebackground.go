package sim

// A run of a method that steps on one core (SGD, label-noise SGD, heavy
// ball) takes most of its samples on the second core while the first steps
// on. At a sample point the stepping core copies β, w₊ and w₋ (3d floats, a
// few µs at d = 4000) and goes on; the second core measures the copy: a pass
// over X, 330 µs at (400, 4000), the work of about 130 SGD steps there, which
// a sample in place cost the stepping core even on two cores (about 210 µs).
// The run emits each sample, once measured, before it takes the next, so
// that outputs see the same samples in the same order, with the numbers of
// Measure on the method bit for bit (TestBackgroundSamplesMatchInPlace).
//
// A sample point goes to the background only when the steps to the next one
// do at least a sample's work (worth): log-spaced points are closer than
// that early in a run, where a sample on one core, waited for at the next
// point, would cost more than one in place on two. The last sample, the one
// after the loss reached the tolerance and any with a prediction are taken
// in place.

// weightHolder is a method that stores w₊ and w₋ and steps on one core,
// whose samples may be taken from a copy.
type weightHolder interface {
	weights() (wp, wm []float64)
	// stepWork is the work of one step in passes over a vector of length d
	// (a row of X counts as one): what worth weighs a sample against.
	stepWork() float64
}

func (m *sgdMethod) weights() (wp, wm []float64) { return m.wp, m.wm }

// stepWork counts the b rows it reads from X (the gradient reads them again
// from the L1 cache) and the update of w₊, w₋ and β as two more: at
// (400, 4000) a step of b = 1 takes 2.5–2.8 µs, a row of a sample's
// residual 0.8 µs.
func (m *sgdMethod) stepWork() float64 { return float64(m.params.Batch) + 2 }

func (m *hbMethod) weights() (wp, wm []float64) { return m.wp, m.wm }

// stepWork counts the two passes over X and the update of w±, v± and β.
func (m *hbMethod) stepWork() float64 { return 2*float64(m.prob.N) + 6 }

// frozenWeights is a copy of a weight-holding method's state, measured like
// the method itself (it writes ln α_t by ranges from the same weights).
type frozenWeights struct {
	algo   Algo
	state  State
	wp, wm []float64
}

func (f *frozenWeights) Algo() Algo                     { return f.algo }
func (f *frozenWeights) State() *State                  { return &f.state }
func (f *frozenWeights) LogEffectiveInit(dst []float64) { halfLogAbsProduct(dst, f.wp, f.wm) }

func (f *frozenWeights) logEffectiveInitFrom(dst []float64, lo int) {
	halfLogAbsProduct(dst, f.wp[lo:], f.wm[lo:])
}

// copyFrom copies m's state, w its weights, reusing the buffers.
func (f *frozenWeights) copyFrom(m Method, w weightHolder) {
	st := m.State()
	f.algo = m.Algo()
	f.state = State{Beta: append(f.state.Beta[:0], st.Beta...), Time: st.Time, Steps: st.Steps, IntLoss: st.IntLoss}
	wp, wm := w.weights()
	f.wp = append(f.wp[:0], wp...)
	f.wm = append(f.wm[:0], wm...)
}

// backgroundSampler measures copies on the second core, one at a time. It
// has its own sampler, so that the residual buffers of the run's sampler
// stay free for the tolerance checks between chunks.
type backgroundSampler struct {
	helper  *gdHelper
	job     backgroundSample
	pending bool
	taken   int // samples taken in the background so far
}

// backgroundSample is the job: measure the copy.
type backgroundSample struct {
	sampler *Sampler
	frozen  frozenWeights
	out     Sample
}

func (j *backgroundSample) run() { j.out = j.sampler.measure(&j.frozen) }

// backgroundFor is s's background sampler for a run of m with opt, started
// at the first run that uses one, or nil when the run takes its samples in
// place: a replay, a prediction per sample (its solve reads the method), a
// method that uses the second core itself or holds no weights, or X too
// small for a sample to be worth sharing (lossOnTwoCores). Its copy holds
// 3d floats, at most 3/8 of X since n ≥ 8 there.
func (s *Sampler) backgroundFor(m Method, opt RunOptions, replay bool) *backgroundSampler {
	if replay || opt.Predictor != nil || !backgroundSamples || !s.lossTwoCores {
		return nil
	}
	if _, ok := unwrapMethod(m).(weightHolder); !ok {
		return nil
	}
	if s.background == nil {
		bg := &backgroundSampler{job: backgroundSample{sampler: &Sampler{prob: s.prob, sumLogAlpha: s.sumLogAlpha, resid: make([]float64, s.prob.N)}}}
		if bg.helper = startHelper(bg); bg.helper == nil {
			return nil
		}
		s.background = bg
	}
	return s.background
}

// backgroundSamples is false to take every sample in place (tests compare
// the two).
var backgroundSamples = true

// worth reports whether m, the steps over the time span until its next
// sample point, do at least a sample's work: then a sample in the
// background is most likely measured before the next point is reached.
func (b *backgroundSampler) worth(m Method, span float64) bool {
	if b == nil {
		return false
	}
	w := unwrapMethod(m).(weightHolder)
	steps := span / TimePerStep(m.Algo(), m.Params())
	p := b.job.sampler.prob
	return steps*w.stepWork() >= float64(p.N)+4
}

// start emits the sample in the background, if any, and starts one of m.
func (b *backgroundSampler) start(m Method, opt RunOptions, res *RunResult) {
	b.finish(opt, res)
	b.job.frozen.copyFrom(m, unwrapMethod(m).(weightHolder))
	b.pending = true
	b.taken++
	b.helper.startBehind(&b.job)
}

// finish waits for the sample in the background, if any, and emits it.
func (b *backgroundSampler) finish(opt RunOptions, res *RunResult) {
	if b == nil || !b.pending {
		return
	}
	b.helper.finish()
	b.pending = false
	emit(opt, res, b.job.out)
}
