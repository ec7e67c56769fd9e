package figure

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"sgdbias/internal/atomicfile"
)

var (
	nan = math.NaN()
	inf = math.Inf(1)
)

func TestChartSurvivesAwkwardData(t *testing.T) {
	xs := []float64{0.001, 0.01, 0.1, 1}
	cases := map[string][]Series{
		"empty":         nil,
		"no points":     {{Name: "a"}},
		"all NaN":       {{Name: "a", X: xs, Y: []float64{nan, nan, nan, nan}}},
		"Inf and NaN":   {{Name: "a", X: xs, Y: []float64{1, inf, nan, -inf}}, {Name: "b", X: xs, Y: []float64{2, 3, 4, 5}}},
		"flat":          {{Name: "a", X: xs, Y: []float64{3, 3, 3, 3}}},
		"one point":     {{Name: "a", X: xs[:1], Y: []float64{1}}},
		"short Y":       {{Name: "a", X: xs, Y: []float64{1, 2}}},
		"non-positive":  {{Name: "a", X: xs, Y: []float64{0, -1, 2, 3}}},
		"huge and tiny": {{Name: "a", X: xs, Y: []float64{1e-300, 1e300, 1, 1}}},
	}
	for name, series := range cases {
		for _, log := range []bool{false, true} {
			out := Chart{Title: "t", XLabel: "α", YLabel: "y", XLog: log, YLog: log, Width: 30, Height: 6, Series: series}.Render()
			if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
				t.Errorf("%s (log %v): printed NaN/Inf:\n%s", name, log, out)
			}
			if strings.Contains(out, "\x1b[") {
				t.Errorf("%s: colour codes without Color:\n%q", name, out)
			}
		}
	}
}

func TestChartLayoutAndLegend(t *testing.T) {
	s := []Series{{Name: "gd", X: []float64{1, 10, 100}, Y: []float64{1, 2, 3}}, {Name: "sgd", X: []float64{1, 10, 100}, Y: []float64{3, 2, 1}}}
	out := Chart{Title: "T", XLabel: "α", YLabel: "err", XLog: true, Width: 40, Height: 8, Series: s}.Render()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	// title, y label, 8 rows of plot + the top row, x axis, tick labels, x label, legend
	if len(lines) != 2+9+2+2 {
		t.Errorf("%d lines:\n%s", len(lines), out)
	}
	if !strings.Contains(out, "── gd") || !strings.Contains(out, "━━ sgd") || !strings.Contains(out, "α (log scale)") {
		t.Errorf("legend or axis label missing:\n%s", out)
	}
	col := Chart{Width: 40, Height: 8, Series: s, Color: true}.Render()
	if !strings.Contains(col, "\x1b[38;5;") {
		t.Error("no colour with Color set")
	}
}

func TestResampleInterpolatesOnTheScaledAxis(t *testing.T) {
	s := Series{X: []float64{1, 10, 100}, Y: []float64{0, 1, 2}}
	// On a log axis the points are evenly spread: 5 columns hit 1, √10, 10, √1000, 100.
	got := resample(s, true, false, 0, 2, 5)
	want := []float64{0, 0.5, 1, 1.5, 2}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("log x: %v, want %v", got, want)
		}
	}
	// On a linear axis 10 is at 9/99 of the way.
	got = resample(s, false, false, 1, 100, 12)
	if math.Abs(got[1]-(0+1*(10-1)/9.0)) > 1e-12 || got[11] != 2 {
		t.Fatalf("linear x: %v", got)
	}
	// A missing value makes a gap on both sides, not a line through it.
	s.Y[1] = nan
	got = resample(s, true, false, 0, 2, 5)
	if got[0] != 0 || !math.IsNaN(got[1]) || !math.IsNaN(got[2]) || !math.IsNaN(got[3]) || got[4] != 2 {
		t.Fatalf("gap: %v", got)
	}
}

func TestHeatmapPlainAndColour(t *testing.T) {
	h := Heatmap{Title: "sgd", XLabel: "α", YLabel: "γ", X: []float64{0.01, 0.1, 1}, Y: []float64{0.02, 0.04},
		Z: [][]float64{{1, 2, 3}, {4, nan, 9}}, NoValue: "diverged"}
	plain := h.Render(nil)
	if strings.Contains(plain, "\x1b[") {
		t.Fatalf("escape codes in plain mode:\n%q", plain)
	}
	lines := strings.Split(plain, "\n")
	// The largest γ is the top row; its middle cell has no value.
	top, bottom := lines[2], lines[3]
	if !strings.HasPrefix(top, "0.04 │") || !strings.HasPrefix(bottom, "0.02 │") {
		t.Fatalf("row order:\n%s", plain)
	}
	cells := func(row string) []rune { return []rune(strings.SplitN(row, "│", 2)[1]) }
	cw := len(cells(top)) / 3
	if c := cells(top); string(c[cw]) != missingCell || string(c[2*cw]) != shades[len(shades)-1] {
		t.Errorf("top row %q: want a missing middle and the darkest shade last", top)
	}
	if c := cells(bottom); string(c[0]) != shades[0] {
		t.Errorf("bottom row %q: want the lightest shade first", bottom)
	}
	if !strings.Contains(plain, "1 to 9 in 9 equal steps") || !strings.Contains(plain, "× diverged") {
		t.Errorf("legend:\n%s", plain)
	}
	r := lipgloss.NewRenderer(&bytes.Buffer{})
	r.SetColorProfile(termenv.TrueColor)
	colour := h.Render(r)
	if !strings.Contains(colour, "\x1b[48;2;") {
		t.Errorf("no background colours:\n%q", colour)
	}
	// A fixed range maps the values inside it.
	h.Lo, h.Hi = 0, 100
	if c := cells(strings.Split(h.Render(nil), "\n")[2]); string(c[2*cw]) != shades[0] {
		t.Errorf("9 in [0, 100] should be the lightest shade")
	}
	if out := (Heatmap{X: []float64{1}, Y: []float64{1}, Z: [][]float64{{nan}}}).Render(nil); !strings.Contains(out, "no finite value") {
		t.Errorf("all missing: %q", out)
	}
}

func TestPlotWritesSVGAndPNGAndRefusesOtherFormats(t *testing.T) {
	dir := t.TempDir()
	p := Plot{Title: "test error against α", XLabel: "α", YLabel: "test error", XLog: true, YLog: true,
		Series: []Series{
			{Name: "gd", X: []float64{0.001, 0.01, 0.1}, Y: []float64{1e-3, 1e-2, 0.5}, Lo: []float64{0, 0, 0.4}, Hi: []float64{2e-3, 2e-2, 0.6}},
			{Name: "sgd", X: []float64{0.001, 0.01, 0.1}, Y: []float64{1e-4, nan, 0.2}, Lo: []float64{1e-5, nan, 0.1}, Hi: []float64{2e-4, nan, inf}},
		}}
	svg := filepath.Join(dir, "f.svg")
	if err := p.WriteFile(svg, false); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(svg)
	if !bytes.Contains(b, []byte("<svg")) || !bytes.Contains(b, []byte("sgd")) {
		t.Error("the SVG lacks its root or legend")
	}
	png := filepath.Join(dir, "f.png")
	if err := p.WriteFile(png, false); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(png); !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Error("not a PNG")
	}
	if err := p.WriteFile(png, false); !errors.Is(err, atomicfile.ErrExists) {
		t.Errorf("overwrote without being asked: %v", err)
	}
	if err := p.WriteFile(filepath.Join(dir, "f.eps"), false); err == nil {
		t.Error("accepted .eps")
	}
	empty := Plot{Title: "x", XLog: true, YLog: true, Series: []Series{{Name: "a", X: []float64{-1, 1}, Y: []float64{nan, -2}}}}
	if err := empty.Encode(&bytes.Buffer{}, "svg"); err == nil {
		t.Error("a figure with nothing to draw")
	}
}

func TestLogTicksLabelNarrowRanges(t *testing.T) {
	for _, r := range [][2]float64{{0.02, 0.08}, {1e-3, 1}, {3, 4}} {
		labels := 0
		for _, tk := range (logTicks{}).Ticks(r[0], r[1]) {
			if tk.Value < r[0]*(1-1e-9) || tk.Value > r[1]*(1+1e-9) {
				t.Errorf("%v: tick %v outside", r, tk.Value)
			}
			if tk.Label != "" {
				labels++
			}
		}
		if labels < 1 || (r[1]/r[0] > 3 && labels < 2) {
			t.Errorf("%v: %d labels", r, labels)
		}
	}
	if len((logTicks{}).Ticks(-1, 1)) != 0 {
		t.Error("ticks for a non-positive range")
	}
}

func TestLogUseful(t *testing.T) {
	if !LogUseful([]float64{0.001, 1}) || LogUseful([]float64{1, 2}) || LogUseful([]float64{-1, 100}) || LogUseful(nil) || !LogUseful([]float64{nan, 0.001}, []float64{10}) {
		t.Error("LogUseful")
	}
	if FormatValue(nan) != "—" || FormatValue(0.0017782794) != "0.00178" {
		t.Error("FormatValue")
	}
}

// TestNoDodgeWithoutErrorBars: series without error bars keep their x.
func TestNoDodgeWithoutErrorBars(t *testing.T) {
	p := Plot{Series: []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{1, 2}}, {Name: "b", X: []float64{1, 2}, Y: []float64{2, 3}}}}
	b, err := p.build()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range b.marks {
		if m.x != 1 && m.x != 2 {
			t.Errorf("a mark moved to x = %v", m.x)
		}
	}
	p.Series[0].Lo, p.Series[0].Hi = []float64{0.9, 1.9}, []float64{1.1, 2.1}
	if b, err = p.build(); err != nil {
		t.Fatal(err)
	}
	moved := false
	for _, m := range b.marks {
		moved = moved || (m.x != 1 && m.x != 2)
	}
	if !moved {
		t.Error("series with error bars were not dodged")
	}
}

// TestLogTicksThinWideRanges: 30 decades get at most maxDecadeLabels labels,
// on round decades, and no minor ticks.
func TestLogTicksThinWideRanges(t *testing.T) {
	labels := 0
	for _, tk := range (logTicks{}).Ticks(1e-32, 1e-2) {
		e := math.Log10(tk.Value)
		if math.Abs(e-math.Round(e)) > 1e-9 {
			t.Errorf("minor tick %v on a 30-decade axis", tk.Value)
		}
		if tk.Label != "" {
			labels++
		}
	}
	if labels < 2 || labels > maxDecadeLabels {
		t.Errorf("%d labels on a 30-decade axis; want 2 to %d", labels, maxDecadeLabels)
	}
}
