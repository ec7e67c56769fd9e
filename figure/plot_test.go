package figure

import (
	"bytes"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

var grid = []float64{0.001, 0.003, 0.01, 0.03, 0.1, 0.3}

// claimLike is a figure like the seed paper's claim: four series on one
// grid whose sd bars reach below 0 where the spread is large.
func claimLike(ylog bool) Plot {
	p := Plot{XLabel: "α", YLabel: "test error", XLog: true, YLog: ylog, BandNote: "± sd"}
	for k, name := range []string{"GF", "SGF", "GD", "SGD"} {
		s := Series{Name: name, X: grid}
		for i, x := range grid {
			y := x * x * 20 * (1 - 0.1*float64(k))
			sd := y * 1.6 // sd > mean: the lower end is negative
			if i > 3 {
				sd = y * 0.3
			}
			s.Y, s.Lo, s.Hi = append(s.Y, y), append(s.Lo, y-sd), append(s.Hi, y+sd)
		}
		p.Series = append(p.Series, s)
	}
	return p
}

func canvas(w, h vg.Length) draw.Canvas { return draw.New(vgimg.New(w, h)) }

func TestBarsStayOnTheAxisAndOpenEndsAreMarked(t *testing.T) {
	for _, ylog := range []bool{true, false} {
		b, err := claimLike(ylog).build()
		if err != nil {
			t.Fatal(err)
		}
		lo, hi := b.pl.Y.Min, b.pl.Y.Max
		opens := 0
		for _, m := range b.marks {
			if m.y < lo || m.y > hi || m.hi > hi {
				t.Errorf("log %v: mark %+v outside the axis [%g, %g]", ylog, m, lo, hi)
			}
			if m.openLow {
				opens++
				continue
			}
			if m.lo < lo {
				t.Errorf("log %v: bar end %g below the axis %g, not marked open", ylog, m.lo, lo)
			}
		}
		// On the log axis the four series' first four bars cannot be shown
		// whole: each is marked, and the legend says what the mark means.
		want := 0
		if ylog {
			want = 16
		}
		if opens != want {
			t.Errorf("log %v: %d open bars, want %d", ylog, opens, want)
		}
		if got := slicesContains(b.legendTexts(), "bar continues below the axis"); got != ylog {
			t.Errorf("log %v: legend %q", ylog, b.legendTexts())
		}
		// The axis is not stretched beyond the data: its top is within 10% (on
		// the axis' scale) of the highest bar end.
		top := math.Inf(-1)
		for _, m := range b.marks {
			top = math.Max(top, m.hi)
		}
		span := scaled(hi, ylog) - scaled(lo, ylog)
		if over := scaled(hi, ylog) - scaled(top, ylog); over > 0.1*span {
			t.Errorf("log %v: the axis runs %g of its span above the data", ylog, over/span)
		}
	}
}

func slicesContains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func TestSeriesAtTheSameXAreDodgedSymmetrically(t *testing.T) {
	for _, xlog := range []bool{true, false} {
		p := claimLike(true)
		p.XLog = xlog
		b, _ := p.build()
		byX := map[float64][]float64{}
		i := 0
		for _, s := range p.Series {
			for _, x := range s.X {
				byX[x] = append(byX[x], b.marks[i].x)
				i++
			}
		}
		for x, xs := range byX {
			if len(xs) != 4 {
				t.Fatalf("x %g: %d marks", x, len(xs))
			}
			// Distinct, and centred on x (geometrically on a log axis).
			centre := 0.0
			for j, d := range xs {
				if j > 0 && d <= xs[j-1] {
					t.Errorf("log %v: x %g: marks %v not apart", xlog, x, xs)
				}
				centre += scaled(d, xlog) / 4
			}
			if math.Abs(centre-scaled(x, xlog)) > 1e-9*math.Max(1, math.Abs(scaled(x, xlog))) {
				t.Errorf("log %v: x %g: marks %v centred at %g", xlog, x, xs, centre)
			}
		}
	}
}

// hits reports whether r contains a marker or bar of b at the canvas
// positions computed from the plot's own transforms.
func hits(b *built, area draw.Canvas, r vg.Rectangle) bool {
	da := b.pl.DataCanvas(area)
	xf, yf := b.pl.Transforms(&da)
	for _, m := range b.marks {
		x := xf(m.x)
		lo := m.lo
		if m.openLow {
			lo = b.pl.Y.Min
		}
		for k := 0; k <= 50; k++ { // along the bar, the centre included
			v := lo + (m.hi-lo)*float64(k)/50
			if b.p.YLog && !m.openLow {
				v = lo * math.Pow(m.hi/lo, float64(k)/50)
			}
			for _, y := range []vg.Length{yf(v), yf(m.y)} {
				if x >= r.Min.X && x <= r.Max.X && y >= r.Min.Y && y <= r.Max.Y {
					return true
				}
			}
		}
	}
	return false
}

func TestLegendSitsOffTheData(t *testing.T) {
	rising := claimLike(true)
	falling := claimLike(true)
	for i := range falling.Series {
		slicesReverse(falling.Series[i].Y)
		slicesReverse(falling.Series[i].Lo)
		slicesReverse(falling.Series[i].Hi)
	}
	// Data in every corner: the legend must go beside the plot.
	crowded := Plot{XLabel: "x", YLabel: "y", BandNote: "quartiles"}
	for k := range 4 {
		s := Series{Name: "series " + strconv.Itoa(k)}
		for i := range 41 {
			x := float64(i) / 40
			s.X = append(s.X, x)
			s.Y = append(s.Y, float64(i%2)+0.01*float64(k))
		}
		crowded.Series = append(crowded.Series, s)
	}
	for name, p := range map[string]Plot{"rising": rising, "falling": falling, "crowded": crowded} {
		for _, size := range [][2]vg.Length{{6 * vg.Inch, 4 * vg.Inch}, {3.3 * vg.Inch, 2.4 * vg.Inch}} {
			b, err := p.build()
			if err != nil {
				t.Fatal(err)
			}
			c := canvas(size[0], size[1])
			area, r, inside := b.layout(c)
			if hits(b, area, r) {
				t.Errorf("%s at %v: the legend %v covers data", name, size, r)
			}
			if r.Min.X < c.Min.X || r.Max.X > c.Max.X || r.Min.Y < c.Min.Y || r.Max.Y > c.Max.Y {
				t.Errorf("%s at %v: the legend %v leaves the figure %v", name, size, r, c.Rectangle)
			}
			if name == "crowded" && inside {
				t.Errorf("crowded at %v: the legend is inside the plot", size)
			}
			if name == "rising" && size[0] > 5*vg.Inch && !inside {
				t.Errorf("rising at %v: a free corner was not used", size)
			}
		}
	}
}

func slicesReverse(v []float64) {
	for i, j := 0, len(v)-1; i < j; i, j = i+1, j-1 {
		v[i], v[j] = v[j], v[i]
	}
}

func TestLinearAxisTicksAtTheGridValues(t *testing.T) {
	steps := []float64{0.02, 0.05, 0.1, 0.15, 0.2}
	p := Plot{XLabel: "γ", YLabel: "e", XTicks: steps, Series: []Series{{Name: "GD", X: steps, Y: []float64{1, 2, 3, 4, 5}}}}
	b, _ := p.build()
	var labelled []float64
	for _, tk := range b.pl.X.Tick.Marker.Ticks(b.pl.X.Min, b.pl.X.Max) {
		if tk.Label != "" {
			labelled = append(labelled, tk.Value)
			if tk.Label != FormatValue(tk.Value) {
				t.Errorf("tick %g labelled %q", tk.Value, tk.Label)
			}
		}
	}
	if len(labelled) != len(steps) {
		t.Fatalf("labelled %v, want %v", labelled, steps)
	}
	for i := range steps {
		if labelled[i] != steps[i] {
			t.Fatalf("labelled %v, want %v", labelled, steps)
		}
	}
	// A long grid: about 8 labels, every tick at a grid value.
	long := make([]float64, 30)
	for i := range long {
		long[i] = float64(i)
	}
	n := 0
	for _, tk := range gridTicks(long).Ticks(0, 29) {
		if tk.Label != "" {
			n++
		}
	}
	if n < 6 || n > 10 {
		t.Errorf("%d labels on a 30-value grid", n)
	}
}

// TestPDFParses checks the PDF's structure: header, the objects the
// cross-reference table points at, the trailer, and embedded fonts.
func TestPDFParses(t *testing.T) {
	var buf bytes.Buffer
	p := claimLike(true)
	p.YLabel = "α_∞/α"
	p.Title = "a title"
	if err := p.Encode(&buf, "pdf"); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("%PDF-1.")) || !bytes.HasSuffix(bytes.TrimSpace(b), []byte("%%EOF")) {
		t.Fatalf("header %q, end %q", b[:8], b[len(b)-8:])
	}
	m := regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no startxref")
	}
	off, _ := strconv.Atoi(string(m[1]))
	if off <= 0 || off >= len(b) || !bytes.HasPrefix(b[off:], []byte("xref")) {
		t.Fatalf("startxref %d does not point at the xref table", off)
	}
	lines := strings.Split(string(b[off:]), "\n")
	var first, count int
	if _, err := fmtSscan(lines[1], &first, &count); err != nil {
		t.Fatalf("xref subsection %q: %v", lines[1], err)
	}
	objects := 0
	for i := 0; i < count; i++ {
		e := strings.Fields(lines[2+i])
		if len(e) != 3 || e[2] != "n" {
			continue
		}
		o, _ := strconv.Atoi(e[0])
		want := strconv.Itoa(first+i) + " 0 obj"
		if o <= 0 || o >= len(b) || !bytes.HasPrefix(b[o:], []byte(want)) {
			t.Fatalf("xref entry %d points at %q, want %q", first+i, b[o:min(len(b), o+12)], want)
		}
		objects++
	}
	if objects < 5 || !bytes.Contains(b[off:], []byte("trailer")) || !bytes.Contains(b[off:], []byte("/Root")) {
		t.Errorf("%d objects; trailer missing or without /Root", objects)
	}
	if !bytes.Contains(b, []byte("/FontFile")) {
		t.Error("the PDF does not embed its fonts")
	}
	var svg bytes.Buffer
	if err := p.Encode(&svg, "svg"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(svg.Bytes(), []byte("@font-face")) {
		t.Error("the SVG does not embed its fonts")
	}
}

func TestMathTextSubscripts(t *testing.T) {
	got := spans("α_∞/α and β_{ℓ1}‖₂, a_")
	want := []span{{"α", false}, {"∞", true}, {"/α and β", false}, {"ℓ1", true}, {"‖₂, a_", false}}
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%v, want %v", got, want)
		}
	}
	h := mathText{Plain: plainText()}
	f := scaledFont(vg.Points(10), 1)
	sub, _, subDepth := h.Box("α_∞", f)
	flat, _, flatDepth := h.Box("α∞", f)
	if !(sub < flat) || !(subDepth > flatDepth) {
		t.Errorf("a subscript is not smaller and lower: width %v vs %v, depth %v vs %v", sub, flat, subDepth, flatDepth)
	}
}

func fmtSscan(s string, a, b *int) (int, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return 0, strconv.ErrSyntax
	}
	var err error
	if *a, err = strconv.Atoi(f[0]); err != nil {
		return 0, err
	}
	*b, err = strconv.Atoi(f[1])
	return 2, err
}

func TestLargePNGsAreBoundedInPixels(t *testing.T) {
	if d := pngDPI(6*vg.Inch, 4*vg.Inch); d != PNGDPI {
		t.Errorf("6x4: %d dpi", d)
	}
	d := pngDPI(40*vg.Inch, 40*vg.Inch)
	if px := float64(d*40) * float64(d*40); px > maxPNGPixels || d < 100 {
		t.Errorf("40x40 in at %d dpi: %g pixels", d, px)
	}
}

func TestNarrowLogAxisTicksAtTheGridValues(t *testing.T) {
	noise := []float64{0.01, 0.02, 0.04, 0.08, 0.16}
	p := Plot{XLog: true, XTicks: noise, Series: []Series{{Name: "SGF", X: noise, Y: []float64{5, 4, 3, 2, 1}}}}
	b, _ := p.build()
	var labels []string
	for _, tk := range b.pl.X.Tick.Marker.Ticks(b.pl.X.Min, b.pl.X.Max) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if strings.Join(labels, " ") != "0.01 0.02 0.04 0.08 0.16" {
		t.Errorf("labels %q", labels)
	}
	// Over three decades the decades label the axis.
	wide := []float64{0.001, 0.01, 0.1, 1}
	p = Plot{XLog: true, XTicks: wide, Series: []Series{{Name: "GD", X: wide, Y: []float64{1, 2, 3, 4}}}}
	b, _ = p.build()
	if _, ok := b.pl.X.Tick.Marker.(logTicks); !ok {
		t.Errorf("a wide log axis uses %T", b.pl.X.Tick.Marker)
	}
}

func TestPanelsShareTheirAxesAndLineUp(t *testing.T) {
	a := claimLike(true)
	a.Series = a.Series[:2]
	b := claimLike(true)
	b.Series = b.Series[2:]
	for i := range b.Series { // the second panel: ten times higher, on a shorter x range
		for j := range b.Series[i].Y {
			b.Series[i].Y[j] *= 10
			b.Series[i].Lo[j] *= 10
			b.Series[i].Hi[j] *= 10
		}
		b.Series[i].X, b.Series[i].Y, b.Series[i].Lo, b.Series[i].Hi = b.Series[i].X[2:], b.Series[i].Y[2:], b.Series[i].Lo[2:], b.Series[i].Hi[2:]
	}
	ps := Panels{Plots: []Plot{a, b}}
	plots, err := ps.shared()
	if err != nil {
		t.Fatal(err)
	}
	ba, _ := plots[0].build()
	bb, _ := plots[1].build()
	// Equal up to rounding (gonum/plot widens an axis to a bar's end computed
	// as y − (y − lo)).
	same := func(u, v float64) bool { return math.Abs(u-v) <= 1e-9*math.Max(math.Abs(u), math.Abs(v)) }
	if !same(ba.pl.Y.Min, bb.pl.Y.Min) || !same(ba.pl.Y.Max, bb.pl.Y.Max) || !same(ba.pl.X.Min, bb.pl.X.Min) || !same(ba.pl.X.Max, bb.pl.X.Max) {
		t.Errorf("ranges differ: y [%g %g] vs [%g %g], x [%g %g] vs [%g %g]", ba.pl.Y.Min, ba.pl.Y.Max, bb.pl.Y.Min, bb.pl.Y.Max,
			ba.pl.X.Min, ba.pl.X.Max, bb.pl.X.Min, bb.pl.X.Max)
	}
	for _, format := range Formats {
		var buf bytes.Buffer
		if err := ps.Encode(&buf, format); err != nil || buf.Len() == 0 {
			t.Errorf("%s: %v", format, err)
		}
	}
	if err := (Panels{}).Encode(&bytes.Buffer{}, "svg"); err == nil {
		t.Error("no panels drawn without an error")
	}
}
