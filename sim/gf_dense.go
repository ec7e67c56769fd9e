package sim

// Output inside a step. A run samples GF at fixed times, hundreds of them;
// landing a step on each cuts the steps that accuracy allows (at (400, 4000)
// to T = 500 with log-spaced samples, 2.6 times as many right-hand sides).
// Once a driver has set a horizon (SetHorizon), the explicit steps run on to
// it regardless of the times asked for, and a time inside the last step is
// read off DOP853's continuous extension of order 7 (Hairer, Nørsett &
// Wanner, Solving ODEs I, §II.6 and the code DOP853): three more right-hand
// sides for the step, then a polynomial in θ = (t − t₀)/h per coefficient of
// c and for ∫L dt. β at that point comes from c through the closed form, as
// at every other point, so w₊w₋ = α² and the any-time identity hold there
// too (§3); the interpolant's error is of the order of the step's own. The
// stiff steps (Rodas4) still land on the times asked for, and a flow at rest
// moves to them for free.

// The coefficients of the continuous extension: the three extra stages
// (rows of A over K₀…K₁₅, K₁₂ being ċ at the step's end) and the matrix D
// of its interpolation coefficients, from Hairer's DOP853.
var (
	dopAExtra = [3][16]float64{
		{0.056167502283047954, 0.0, 0.0, 0.0, 0.0, 0.0, 0.25350021021662483, -0.2462390374708025, -0.12419142326381637, 0.15329179827876568, 0.00820105229563469, 0.007567897660545699, -0.008298, 0.0, 0.0, 0.0},
		{0.03183464816350214, 0.0, 0.0, 0.0, 0.0, 0.028300909672366776, 0.053541988307438566, -0.05492374857139099, 0.0, 0.0, -0.00010834732869724932, 0.0003825710908356584, -0.00034046500868740456, 0.1413124436746325, 0.0, 0.0},
		{-0.42889630158379194, 0.0, 0.0, 0.0, 0.0, -4.697621415361164, 7.683421196062599, 4.06898981839711, 0.3567271874552811, 0.0, 0.0, 0.0, -0.0013990241651590145, 2.9475147891527724, -9.15095847217987, 0.0},
	}
	dopD = [4][16]float64{
		{-8.428938276109013, 0.0, 0.0, 0.0, 0.0, 0.5667149535193777, -3.0689499459498917, 2.38466765651207, 2.117034582445028, -0.871391583777973, 2.2404374302607883, 0.6315787787694688, -0.08899033645133331, 18.148505520854727, -9.194632392478356, -4.436036387594894},
		{10.427508642579134, 0.0, 0.0, 0.0, 0.0, 242.28349177525817, 165.20045171727028, -374.5467547226902, -22.113666853125306, 7.733432668472264, -30.674084731089398, -9.332130526430229, 15.697238121770845, -31.139403219565178, -9.35292435884448, 35.81684148639408},
		{19.985053242002433, 0.0, 0.0, 0.0, 0.0, -387.0373087493518, -189.17813819516758, 527.8081592054236, -11.57390253995963, 6.8812326946963, -1.0006050966910838, 0.7777137798053443, -2.778205752353508, -60.19669523126412, 84.32040550667716, 11.99229113618279},
		{-25.69393346270375, 0.0, 0.0, 0.0, 0.0, -154.18974869023643, -231.5293791760455, 357.6391179106141, 93.40532418362432, -37.45832313645163, 104.0996495089623, 29.8402934266605, -43.53345659001114, 96.32455395918828, -39.17726167561544, -149.72683625798564},
	}
)

// HorizonSetter is a method that may step past the times it is asked to
// reach, up to a horizon, and then shows the state at those times by
// interpolation (State, LogEffectiveInit and Tilt read that point).
type HorizonSetter interface {
	SetHorizon(t float64)
}

// SetHorizon tells m (looking through a variant) that it will not be asked
// past time t; a method without the option ignores it.
func SetHorizon(m Method, t float64) {
	if p, ok := m.(*pinnedMethod); ok {
		m = p.Method
	}
	if h, ok := m.(HorizonSetter); ok {
		h.SetHorizon(t)
	}
}

// denseStep is what the last accepted explicit step leaves for output
// inside it: its start, and the interpolation coefficients once asked for.
type denseStep struct {
	ok, built bool    // the last step was explicit; f is formed
	t0, h     float64 // the step
	int0      float64 // ∫L dt at its start
	c0        []float64
	kx        [3][]float64 // the extra stages' ċ…
	lossX     [3]float64   // …and L
	f         [7][]float64 // the interpolation coefficients of c…
	lossF     [7]float64   // …and of ∫L dt
}

// gfView is the point shown while the integrator is past it.
type gfView struct {
	on   bool
	st   State
	span []float64 // G at the point
	coef []float64 // c at the point
	rate []float64 // ċ there (scratch)
}

func newDenseStep(n int) denseStep {
	d := denseStep{c0: make([]float64, n)}
	for i := range d.kx {
		d.kx[i] = make([]float64, n)
	}
	for i := range d.f {
		d.f[i] = make([]float64, n)
	}
	return d
}

func (m *gfMethod) SetHorizon(t float64) { m.horizon = t }

// State is the point shown: the integrator's, or one inside its last step.
func (m *gfMethod) State() *State {
	if m.view.on {
		return &m.view.st
	}
	return &m.state
}

// noteDenseStart keeps the start of an explicit step about to be accepted
// (c is still the start's): the step's K₀…K₁₁ stay in m.dop until the next
// attempt.
func (m *gfMethod) noteDenseStart(h float64) {
	d := &m.dense
	if d.c0 == nil {
		*d = newDenseStep(m.prob.N)
	}
	copy(d.c0, m.spanCoef)
	d.t0, d.h, d.int0 = m.state.Time, h, m.state.IntLoss
	d.ok, d.built = true, false
}

// stage is K_s of the last step, for c and for ∫L dt.
func (m *gfMethod) stage(s int) ([]float64, float64) {
	switch {
	case s < 12:
		return m.dop.k[s], m.dop.lossK[s]
	case s == 12:
		return m.rate, m.loss
	}
	return m.dense.kx[s-13], m.dense.lossX[s-13]
}

// buildDense evaluates the three extra stages and forms the interpolation
// coefficients: F₀ = Δ, F₁ = hK₀ − Δ, F₂ = 2Δ − h(K₁₂ + K₀), F₃₊ᵣ = h·Σ D_rk K_k.
func (m *gfMethod) buildDense() {
	d, coef, h := &m.dense, m.dop.coef, m.dense.h
	for e := range d.kx {
		copy(coef, d.c0)
		for s := 0; s < 13+e; s++ {
			if a := dopAExtra[e][s]; a != 0 {
				k, _ := m.stage(s)
				axpy(h*a, k, coef)
			}
		}
		d.lossX[e] = m.rhsCoef(coef, m.trial, m.beta, d.kx[e])
	}
	k0, k12 := m.dop.k[0], m.rate
	for i, c1 := range m.spanCoef {
		delta := c1 - d.c0[i]
		d.f[0][i] = delta
		d.f[1][i] = h*k0[i] - delta
		d.f[2][i] = 2*delta - h*(k12[i]+k0[i])
	}
	dl := m.state.IntLoss - d.int0
	d.lossF[0], d.lossF[1], d.lossF[2] = dl, h*m.dop.lossK[0]-dl, 2*dl-h*(m.loss+m.dop.lossK[0])
	for r := range dopD {
		f := d.f[3+r]
		clear(f)
		var lf float64
		for s, c := range dopD[r] {
			if c != 0 {
				k, l := m.stage(s)
				axpy(h*c, k, f)
				lf += h * c * l
			}
		}
		d.lossF[3+r] = lf
	}
	d.built = true
}

// showAt shows the point at time t inside the last explicit step.
func (m *gfMethod) showAt(t float64) {
	d, v := &m.dense, &m.view
	if !d.built {
		m.buildDense()
	}
	if v.coef == nil {
		v.coef, v.rate = make([]float64, m.prob.N), make([]float64, m.prob.N)
		v.span, v.st.Beta = make([]float64, m.prob.D), make([]float64, m.prob.D)
	}
	x := (t - d.t0) / d.h
	var f [7]float64
	for i := range v.coef {
		for j := range f {
			f[j] = d.f[j][i]
		}
		v.coef[i] = d.c0[i] + interpolate(&f, x)
	}
	m.rhsCoef(v.coef, v.span, v.st.Beta, v.rate)
	v.st.Time, v.st.Steps, v.st.IntLoss = t, m.state.Steps, d.int0+interpolate(&d.lossF, x)
	v.on = true
}

// interpolate is Σ_j F_j·θ^⌈j/2⌉(1−θ)^⌊j/2⌋ at θ = x, by Horner in θ and
// 1 − θ alternately (Hairer's CONTD8).
func interpolate(f *[7]float64, x float64) float64 {
	y := f[6] * x
	for j := 5; j >= 0; j-- {
		if y += f[j]; j%2 == 1 {
			y *= 1 - x
		} else {
			y *= x
		}
	}
	return y
}
