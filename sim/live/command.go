package live

import (
	"fmt"

	"sgdbias/sim"
)

// Command is one request to the runner. It is applied between two steps of
// the simulation, in the order sent. Build commands with the functions below.
type Command struct {
	kind   cmdKind
	f      float64
	n      int
	d, s   int
	seed   uint64
	params sim.Params
	algo   sim.Algo
	reply  chan *Checkpoint
	// scenario is LoadScenario's new scenario.
	scenario *Scenario
}

type cmdKind int

const (
	cmdNone cmdKind = iota
	cmdPause
	cmdResume
	cmdTogglePause
	cmdStep
	cmdSpeed
	cmdParams
	cmdAlpha
	cmdProblem
	cmdSeed
	cmdNextSeed
	cmdRestart
	cmdToggleAlgo
	cmdToggleVariant
	cmdToggleDiscrete
	cmdCheckpoint
	cmdScenario
)

// Pause stops the clock; predictions and catch-up of late runs go on.
func Pause() Command { return Command{kind: cmdPause} }

// Resume starts the clock again (also after convergence).
func Resume() Command { return Command{kind: cmdResume} }

// TogglePause pauses a running clock and resumes a stopped one.
func TogglePause() Command { return Command{kind: cmdTogglePause} }

// Step pauses and takes k steps of the clock (k ≥ 1).
func Step(k int) Command { return Command{kind: cmdStep, n: max(k, 1)} }

// SetSpeed sets the target speed in steps per second; Unlimited (or any
// value ≤ 0 or +Inf) runs flat out.
func SetSpeed(stepsPerSecond float64) Command { return Command{kind: cmdSpeed, f: stepsPerSecond} }

// SetParams changes the live parameters (step γ, SGF noise, batch) at the
// next step; the trajectories are kept and a marker records the change.
func SetParams(p sim.Params) Command { return Command{kind: cmdParams, params: p} }

// SetAlpha restarts every run from the initialisation α.
func SetAlpha(alpha float64) Command { return Command{kind: cmdAlpha, f: alpha} }

// SetProblem draws a new problem of n samples, dimension d and sparsity s
// (same seed) and restarts. It is refused for loaded data.
func SetProblem(n, d, s int) Command { return Command{kind: cmdProblem, n: n, d: d, s: s} }

// SetSeed sets the seed of the data and of every random draw, and restarts.
func SetSeed(seed uint64) Command { return Command{kind: cmdSeed, seed: seed} }

// NextSeed is SetSeed(seed+1).
func NextSeed() Command { return Command{kind: cmdNextSeed} }

// Restart returns every run to the initialisation, same data and seed, with
// the live parameters now in force.
func Restart() Command { return Command{kind: cmdRestart} }

// LoadScenario replaces the whole scenario (a preset picked in the
// explorer): the problem, the runs shown, α, the parameters, the seed and
// the horizon, and measures the default speed for it again. Loaded data
// (Scenario.Data) is kept only if the new scenario carries it.
func LoadScenario(sc Scenario) Command { return Command{kind: cmdScenario, scenario: &sc} }

// ToggleAlgo shows or hides one algorithm. A run switched on catches up
// with the clock, replaying the live changes made meanwhile.
func ToggleAlgo(a sim.Algo) Command { return Command{kind: cmdToggleAlgo, algo: a} }

// ToggleVariant adds a variant (an algorithm with pinned parameters, such
// as "gd:step=0.0175") to the shown runs, or removes it if it is there. The
// other runs go on: an added variant starts from the initialisation and
// catches up with the clock, replaying the live changes made meanwhile
// (its pins win over them), so it is the run a restart would give it.
func ToggleVariant(a sim.Algo) Command { return Command{kind: cmdToggleVariant, algo: a} }

// ToggleDiscrete switches GD and SGD together: on if either is off.
func ToggleDiscrete() Command { return Command{kind: cmdToggleDiscrete} }

// restarts reports whether the command rebuilds the runs.
func (c Command) restarts() bool {
	switch c.kind {
	case cmdAlpha, cmdProblem, cmdSeed, cmdNextSeed, cmdRestart, cmdScenario:
		return true
	}
	return false
}

// String describes the command, for logs and tests.
func (c Command) String() string {
	switch c.kind {
	case cmdPause:
		return "pause"
	case cmdResume:
		return "resume"
	case cmdTogglePause:
		return "toggle pause"
	case cmdStep:
		return fmt.Sprintf("step %d", c.n)
	case cmdSpeed:
		return fmt.Sprintf("speed %g", c.f)
	case cmdParams:
		return fmt.Sprintf("params %+v", c.params)
	case cmdAlpha:
		return fmt.Sprintf("alpha %g", c.f)
	case cmdProblem:
		return fmt.Sprintf("problem n=%d d=%d s=%d", c.n, c.d, c.s)
	case cmdSeed:
		return fmt.Sprintf("seed %d", c.seed)
	case cmdNextSeed:
		return "next seed"
	case cmdRestart:
		return "restart"
	case cmdToggleAlgo:
		return "toggle " + string(c.algo)
	case cmdToggleVariant:
		return "toggle variant " + string(c.algo)
	case cmdToggleDiscrete:
		return "toggle gd,sgd"
	case cmdCheckpoint:
		return "checkpoint"
	case cmdScenario:
		return "scenario " + c.scenario.Name
	}
	return "none"
}
