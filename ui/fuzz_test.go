package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"sgdbias/sim"
	"sgdbias/sim/live"
	"sgdbias/sim/problem"
)

// fuzzKeys are the messages FuzzKeys draws from: every key the explorer
// knows, digits and junk for the value editor, and keys it ignores.
var fuzzKeys = []tea.Msg{
	keyRunes(" "), keyRunes("n"), keyRunes("r"), keyRunes("R"), keyRunes("+"), keyRunes("-"),
	tea.KeyMsg{Type: tea.KeyTab}, tea.KeyMsg{Type: tea.KeyShiftTab}, tea.KeyMsg{Type: tea.KeyUp},
	tea.KeyMsg{Type: tea.KeyDown}, tea.KeyMsg{Type: tea.KeyLeft}, tea.KeyMsg{Type: tea.KeyRight},
	tea.KeyMsg{Type: tea.KeyRight}, tea.KeyMsg{Type: tea.KeyLeft}, tea.KeyMsg{Type: tea.KeyEnter},
	tea.KeyMsg{Type: tea.KeyEsc}, keyRunes("a"), keyRunes("l"), keyRunes("c"), keyRunes("?"), keyRunes("x"),
	keyRunes("0"), keyRunes("5"), keyRunes("."), keyRunes("e"), keyRunes("-3"), keyRunes("nn"),
	tea.KeyMsg{Type: tea.KeyBackspace}, tea.KeyMsg{Type: tea.KeyCtrlU}, keyRunes("z"), keyRunes("é"),
	Refresh(), keyRunes("z"), keyRunes("v"), keyRunes("g"), keyRunes("u"), keyRunes("m"), keyRunes("p"),
	keyRunes("s"), keyRunes("y"), tea.KeyMsg{Type: tea.KeyCtrlC}, keyRunes("q"),
}

// FuzzKeys feeds random sequences of keys and resizes to the explorer on a
// live runner: nothing panics, every frame fits its terminal, and the
// simulator's goroutines end on Stop.
func FuzzKeys(f *testing.F) {
	f.Add([]byte(" nnn+-\t?"))
	f.Add([]byte{0xF1, 200, 60, 0, 1, 2, 3, 16, 17, 0xF0, 10, 5, 7, 9})
	f.Add([]byte{6, 6, 10, 10, 10, 14, 23, 24, 14, 14, 29, 14, 0xF2, 79, 23, 16, 16, 30, 33})
	f.Add([]byte("ask the explorer anything, twice over"))
	f.Add([]byte{8, 8, 8, 8, 11, 11, 11, 11, 11, 11, 11, 11, 4, 4, 4, 4, 4, 4, 4})
	f.Fuzz(fuzzKeysOnce)
}

// fuzzKeysOnce is one FuzzKeys run on data.
func fuzzKeysOnce(t *testing.T, data []byte) {
	{
		if len(data) > 96 {
			data = data[:96]
		}
		sc := live.Scenario{Setup: sim.Setup{
			Spec:  problem.Spec{N: 8, D: 20, S: 2, Beta: problem.BetaSpec{Kind: "pm1"}, Features: problem.FeatureSpec{Kind: "iso"}, Seed: 5},
			Algos: []sim.Algo{sim.GF, sim.SGF}, Alpha: 0.1, Params: sim.Params{Step: 0.05, Noise: 0.05, Batch: 1}, Seed: 5,
		}}
		opt := live.Options{}
		if len(data) > 0 && data[0]%2 == 1 {
			opt.Speed = live.Unlimited
		}
		r, err := live.Start(sc, opt)
		if err != nil {
			t.Fatal(err)
		}
		m := New(r, Options{Renderer: renderer(termenv.ANSI256), ExportDir: t.TempDir()})
		w, h := 80, 24
		m.Update(tea.WindowSizeMsg{Width: w, Height: h})
		for i := 0; i < len(data) && !m.quitting; i++ {
			b := data[i]
			if b >= 0xF0 && i+2 < len(data) {
				w, h = int(data[i+1]), int(data[i+2])%90
				m.Update(tea.WindowSizeMsg{Width: w, Height: h})
				i += 2
			} else {
				_, cmd := m.Update(fuzzKeys[int(b)%len(fuzzKeys)])
				if cmd != nil && b%7 == 0 {
					runCmd(m, cmd) // now and then, run what a key asked for (ticks, exports)
				}
			}
			view := m.View()
			if w >= MinWidth && h >= MinHeight && !m.showHelp {
				if n := strings.Count(view, "\n") + 1; n > h {
					t.Fatalf("%d lines on a %dx%d terminal", n, w, h)
				}
				for _, l := range strings.Split(view, "\n") {
					if widthOf(l) > w {
						t.Fatalf("a %d-cell line on a %dx%d terminal", widthOf(l), w, h)
					}
				}
			}
		}
		r.Stop()
		select {
		case <-r.Done():
		case <-time.After(10 * time.Second):
			t.Fatal("the runner's goroutines did not end")
		}
	}
}

// runCmd runs a command and feeds its message (batches included) back,
// waiting at most a moment for ticks.
func runCmd(m *Model, cmd tea.Cmd) {
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				if c != nil {
					runCmd(m, c)
				}
			}
			return
		}
		m.Update(msg)
	case <-time.After(200 * time.Millisecond):
	}
}
