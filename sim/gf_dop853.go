package sim

import "math"

// The explicit mode of GF: the Dormand–Prince 8(5,3) pair DOP853 (Hairer,
// Nørsett & Wanner, Solving ODEs I, §II.10) on c. At GF's tolerance of 1e-12
// an order-8 step is several times longer than an order-5 one, which more
// than pays for its twelve stages. Its coefficients (the 12 stages of the
// step; the dense-output stages are not used):
var (
	dopA = [12][12]float64{
		{},
		{0.05260015195876773},
		{0.0197250569845379, 0.0591751709536137},
		{0.02958758547680685, 0.0, 0.08876275643042054},
		{0.2413651341592667, 0.0, -0.8845494793282861, 0.924834003261792},
		{0.037037037037037035, 0.0, 0.0, 0.17082860872947386, 0.12546768756682242},
		{0.037109375, 0.0, 0.0, 0.17025221101954405, 0.06021653898045596, -0.017578125},
		{0.03709200011850479, 0.0, 0.0, 0.17038392571223998, 0.10726203044637328, -0.015319437748624402, 0.008273789163814023},
		{0.6241109587160757, 0.0, 0.0, -3.3608926294469414, -0.868219346841726, 27.59209969944671, 20.154067550477894, -43.48988418106996},
		{0.47766253643826434, 0.0, 0.0, -2.4881146199716677, -0.590290826836843, 21.230051448181193, 15.279233632882423, -33.28821096898486, -0.020331201708508627},
		{-0.9371424300859873, 0.0, 0.0, 5.186372428844064, 1.0914373489967295, -8.149787010746927, -18.52006565999696, 22.739487099350505, 2.4936055526796523, -3.0467644718982196},
		{2.273310147516538, 0.0, 0.0, -10.53449546673725, -2.0008720582248625, -17.9589318631188, 27.94888452941996, -2.8589982771350235, -8.87285693353063, 12.360567175794303, 0.6433927460157636},
	}
	dopB  = [12]float64{0.054293734116568765, 0.0, 0.0, 0.0, 0.0, 4.450312892752409, 1.8915178993145003, -5.801203960010585, 0.3111643669578199, -0.1521609496625161, 0.20136540080403034, 0.04471061572777259}
	dopE5 = [12]float64{0.01312004499419488, 0.0, 0.0, 0.0, 0.0, -1.2251564463762044, -0.4957589496572502, 1.6643771824549864, -0.35032884874997366, 0.3341791187130175, 0.08192320648511571, -0.022355307863886294}
	dopE3 = [12]float64{-0.18980075407240762, 0.0, 0.0, 0.0, 0.0, 4.450312892752409, 1.8915178993145003, -5.801203960010585, -0.4226823213237919, -0.1521609496625161, 0.20136540080403034, 0.02265179219836082}
)

// stiffEnterBound tells the steps held by stability from those set by
// accuracy. DOP853's stability region meets the negative real axis at
// h·λ ≈ 6.1, and its error control keeps the steps of a flow held there a
// little inside: h·λ measured between 3.5 and 5.5 on a flow at rest, below
// 0.7 while accuracy sets the step. Half the bound separates the two.
const stiffEnterBound = 3

// dopWork is the explicit mode's workspace: everything it needs lives on c
// (n values) except the two error estimates, which are measured on G.
type dopWork struct {
	k      [12][]float64 // ċ at each stage
	lossK  [12]float64   // L at each stage, the right-hand side of ∫L dt
	coef   []float64     // c at a stage, then the proposed step
	err5   []float64     // the order-5 and order-3 error estimates of c…
	err3   []float64
	err5G  []float64 // …and of G
	err3G  []float64
	ySplit []float64 // c at the last stage minus the new c, over h
}

func newDopWork(n, d int) dopWork {
	w := dopWork{
		coef: make([]float64, n), err5: make([]float64, n), err3: make([]float64, n),
		err5G: make([]float64, d), err3G: make([]float64, d),
		ySplit: make([]float64, n),
	}
	for i := range w.k {
		w.k[i] = make([]float64, n)
	}
	return w
}

// explicitStep takes one accepted DOP853 step no longer than maxStep and
// returns its length.
func (m *gfMethod) explicitStep(maxStep float64) (float64, error) {
	for {
		h := math.Min(m.hNext, maxStep)
		errNorm := m.dopAttempt(h)
		if errNorm <= 1 {
			m.dopAccept(h, maxStep-h)
			m.nextStep(h, errNorm, 8, 6, h < m.hNext)
			return h, nil
		}
		if !m.shrinkStep(h, errNorm, 8) {
			return 0, errStepUnderflow
		}
	}
}

// dopAttempt computes the stages of a step h from the current point, leaves
// the proposed c in dop.coef and returns the scaled error norm (NaN when β
// overflowed at some stage: a trial step far too long).
func (m *gfMethod) dopAttempt(h float64) float64 {
	w := &m.dop
	copy(w.k[0], m.rate)
	w.lossK[0] = m.loss
	for s := 1; s < 12; s++ {
		copy(w.coef, m.spanCoef)
		for k := 0; k < s; k++ {
			if a := dopA[s][k]; a != 0 {
				axpy(h*a, w.k[k], w.coef)
			}
		}
		w.lossK[s] = m.rhsCoef(w.coef, m.trial, m.beta, w.k[s])
	}
	// m.trial is now G at the last stage, which sits at t + h.
	copy(w.coef, m.spanCoef)
	clear(w.err5)
	clear(w.err3)
	for k := range w.k {
		axpy(h*dopB[k], w.k[k], w.coef)
		axpy(dopE5[k], w.k[k], w.err5)
		axpy(dopE3[k], w.k[k], w.err3)
	}
	transposeTimes(m.prob, 1, w.err5, w.err5G)
	transposeTimes(m.prob, 1, w.err3, w.err3G)
	e5 := m.spanErrorMS(w.err5G, m.trial)
	e3 := m.spanErrorMS(w.err3G, m.trial)
	if e5 == 0 && e3 == 0 {
		return 0
	}
	// Hairer's combined estimate: order 8 in h where the two agree.
	return h * e5 / math.Sqrt(e5+0.01*e3)
}

// dopAccept moves to the proposed point, evaluates the flow there and runs
// the stiffness test.
func (m *gfMethod) dopAccept(h, horizon float64) {
	w := &m.dop
	var intLoss float64
	for k, b := range dopB {
		intLoss += b * w.lossK[k]
	}
	m.noteDenseStart(h)
	m.state.IntLoss += h * intLoss
	// c at the last stage minus the new c, for the stiffness test: both sit
	// at t + h.
	clear(w.ySplit)
	for k := range w.k {
		axpy(dopA[11][k]-dopB[k], w.k[k], w.ySplit)
	}
	copy(m.spanCoef, w.coef)
	m.evalCurrent()
	m.noteExplicitStep(h, horizon)
}

// stiffAfter is how many recent explicit steps at the stability bound switch
// GF to the stiff mode (doubled each time the stiff mode turned out dearer);
// calmReset explicit steps below it clear the count.
const (
	stiffAfter = 8
	calmReset  = 6
)

// noteExplicitStep estimates h·λ along the accepted step from two points at
// the same time, the last stage and the new point: λ ≈ ‖ċ' − ċ₁₂‖/‖c' − c₁₂‖
// (Hairer & Wanner's stiffness test of DOP853). Once the steps keep sitting
// at the stability bound, the stiff mode takes over: a step there costs an
// n×n Jacobian and factorization more, but its length is set by accuracy.
func (m *gfMethod) noteExplicitStep(h, horizon float64) {
	if !m.jacobianAffordable() {
		return
	}
	w := &m.dop
	var num, den float64
	for i, v := range m.rate {
		dk := v - w.k[11][i]
		num += dk * dk
		den += w.ySplit[i] * w.ySplit[i]
	}
	// ySplit lacks its factor h, so √(num/den) is h·λ. A step cut short to
	// land on a target (a sample time) is judged at the step the controller
	// proposed, m.hNext: a flow at rest sampled more often than its stable
	// step would otherwise never count as held, and never try to rest.
	if den > 0 && math.Sqrt(num/den)*(m.hNext/h) > stiffEnterBound {
		m.stiffHits++
		m.calmSteps = 0
	} else if m.calmSteps++; m.calmSteps >= calmReset {
		m.stiffHits = 0
	}
	if m.stiffHits >= stiffAfter<<m.stiffBackoff && m.stiffPays(h, horizon) {
		if m.rodas == nil {
			m.rodas = newRodasWork(m.prob.N, m.prob.D)
		}
		m.stiffMode, m.stiffHits, m.stiffSteps, m.explicitH = true, 0, 0, h
		m.rodas.jacAt = false
	}
}

// The work of a step, counted in multiply-adds of a dense matrix–vector
// product with X: a right-hand side is two such products (Xᵀc and Xβ) and
// d exponentials, each worth expWork of them; Dsyrk and the Cholesky
// factorization run at about syrkWork times the cost per multiply-add of
// those products (gonum's kernels on this kind of machine: Dsyrk of a
// 400×4000 X at 1.3e9 multiply-adds/s against Dgemv at 3.2e9).
const (
	expWork  = 12
	syrkWork = 2.5
)

// stiffPays reports whether the stiff mode is expected to reach the horizon
// (target − t; +Inf for a plain Step) with less work than explicit steps of
// length h. A flow held by stability is usually at rest, where the stiff
// steps at least double each time (measured), so it takes about
// 1 + log₂(horizon/h) of them against horizon/h explicit steps.
func (m *gfMethod) stiffPays(h, horizon float64) bool {
	if math.IsInf(horizon, 1) {
		return true
	}
	steps := horizon / h
	return (1+math.Log2(math.Max(1, steps)))*m.stiffStepWork() < steps*m.explicitStepWork()
}

// explicitStepWork is the work of a DOP853 step: 12 right-hand sides and the
// two error estimates mapped to G.
func (m *gfMethod) explicitStepWork() float64 {
	n, d := float64(m.prob.N), float64(m.prob.D)
	return 12*(2*n*d+expWork*d) + 2*n*d
}

// stiffStepWork is the work of a Rodas4 step: 6 right-hand sides, the error
// mapped to G, the Jacobian (Dsyrk over X scaled by √D) and its Cholesky
// factorization, and six pairs of triangular solves.
func (m *gfMethod) stiffStepWork() float64 {
	n, d := float64(m.prob.N), float64(m.prob.D)
	return 6*(2*n*d+expWork*d) + n*d + m.jacobianWork() + 12*n*n
}

// jacobianWork is the work of forming M and factorizing a shift of it.
func (m *gfMethod) jacobianWork() float64 {
	n, d := float64(m.prob.N), float64(m.prob.D)
	return syrkWork*(n*n*d/2+n*n*n/3) + expWork*d
}
