//go:build race

package live_test

// raceDetector is set when the tests run under -race, whose instrumentation
// makes the engine about ten times slower.
const raceDetector = true
