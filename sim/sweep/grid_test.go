package sweep

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"sgdbias/sim/param"
)

func TestParseGrid(t *testing.T) {
	ok := []struct {
		p     Param
		in    string
		want  []float64
		scale Scale
	}{
		{Alpha, "0.1", []float64{0.1}, List},
		{Alpha, " 1, 0.01 ,0.1 ", []float64{0.01, 0.1, 1}, List}, // sorted
		{Alpha, "log:1e-3:1:4", []float64{0.001, 0.01, 0.1, 1}, Log},
		{Alpha, "LOG:0.01:1:3", []float64{0.01, 0.1, 1}, Log},
		{Step, "lin:0.02:0.1:5", []float64{0.02, 0.04, 0.06, 0.08, 0.1}, Lin},
		{Noise, "lin:0:1:5", []float64{0, 0.25, 0.5, 0.75, 1}, Lin},
		{Noise, "0", []float64{0}, List},
		{Batch, "log:1:32:6", []float64{1, 2, 4, 8, 16, 32}, Log},
		{Batch, "lin:1:10:10", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, Lin},
		{Batch, "10,1,5", []float64{1, 5, 10}, List},
	}
	for _, c := range ok {
		ax, err := ParseGrid(c.p, c.in)
		if err != nil {
			t.Errorf("ParseGrid(%s, %q): %v", c.p, c.in, err)
			continue
		}
		if ax.Scale != c.scale || ax.Param != c.p || ax.Spec != strings.TrimSpace(c.in) {
			t.Errorf("ParseGrid(%s, %q) = %+v", c.p, c.in, ax)
		}
		if len(ax.Values) != len(c.want) {
			t.Errorf("ParseGrid(%s, %q) = %v, want %v", c.p, c.in, ax.Values, c.want)
			continue
		}
		for i, v := range ax.Values {
			// lin points are lo + t(hi−lo): allow a rounding; log decades are exact.
			if math.Abs(v-c.want[i]) > 1e-15*math.Abs(c.want[i]) {
				t.Errorf("ParseGrid(%s, %q)[%d] = %v, want %v", c.p, c.in, i, v, c.want[i])
			}
		}
	}
	// A log grid's points are the geometric means of their neighbours.
	ax, err := ParseGrid(Alpha, "log:1e-3:1:13")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i+1 < len(ax.Values); i++ {
		if g := math.Sqrt(ax.Values[i-1] * ax.Values[i+1]); math.Abs(g-ax.Values[i]) > 1e-14*g {
			t.Errorf("log grid point %d = %v, want %v", i, ax.Values[i], g)
		}
	}
	if ax.Values[4] != 0.01 || ax.Values[8] != 0.1 {
		t.Errorf("decades not exact: %v", ax.Values)
	}

	bad := []struct {
		p        Param
		in, want string
	}{
		{Alpha, "", "no value"},
		{Alpha, "abc", "not a finite number"},
		{Alpha, "NaN", "not a finite number"},
		{Step, "inf", "not a finite number"},
		{Alpha, "0.1,1e-400", "too small: it would be read as 0"},
		{Noise, "lin:1e-999:1:3", "too small"},
		{Alpha, "0.1,,0.2", "empty value"},
		{Alpha, "0.1,0.1", "appears twice"},
		{Alpha, "0.1,1e-1", "appears twice"},
		{Alpha, "-1", "out of range"},
		{Alpha, "0", "out of range"},
		{Alpha, "2000", "out of range"},
		{Step, "0", "out of range"},
		{Step, "1000", "out of range"},
		{Noise, "-0.1", "out of range"},
		{Batch, "0", "out of range"},
		{Batch, "1.5", "not an integer"},
		{Batch, "log:1:3:10", "twice after rounding"},
		{Alpha, "log:0:1:3", "LO > 0"},
		{Alpha, "log:1:0.1:3", "LO < HI"},
		{Alpha, "lin:1:1:3", "LO < HI"},
		{Alpha, "log:1e-3:1:1", "point count"},
		{Alpha, "log:1e-3:1:1001", "point count"},
		{Alpha, "log:1e-3:1:x", "point count"},
		{Alpha, "log:1e-3:1", "want log:LO:HI:K"},
		{Alpha, "log:1e-3:1:3:4", "want log:LO:HI:K"},
		{Alpha, "geo:1:2:3", "not a grid"},
		{Alpha, "log:a:1:3", "not a finite number"},
	}
	for _, c := range bad {
		_, err := ParseGrid(c.p, c.in)
		if err == nil {
			t.Errorf("ParseGrid(%s, %q) accepted", c.p, c.in)
			continue
		}
		var pe *param.Error
		if !errors.As(err, &pe) || pe.Param != param.Name(c.p) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseGrid(%s, %q): %q, want a parameter error of %s that says %q", c.p, c.in, err, c.p, c.want)
		}
	}
	long := strings.Repeat("1,", MaxAxisPoints) + "2"
	if _, err := ParseGrid(Batch, long); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("a list of %d values: %v", MaxAxisPoints+1, err)
	}
}

// FuzzParseGrid checks that ParseGrid never panics and that whatever it
// accepts is a valid axis: 1…MaxAxisPoints finite values, strictly
// increasing, in the parameter's range, integers for the batch size.
func FuzzParseGrid(f *testing.F) {
	for _, s := range []string{"0.1", "log:1e-3:1:13", "lin:0:1:5", "1,2,3", "log:1:32:6", "1e-30", "lin:1:2:1000", ",", "log::", "1e999", "0x10"} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, which uint8) {
		p := Params[int(which)%len(Params)]
		ax, err := ParseGrid(p, s)
		if err != nil {
			var pe *param.Error
			if !errors.As(err, &pe) || pe.Param != param.Name(p) {
				t.Fatalf("error %q is not a parameter error of %s", err, p)
			}
			return
		}
		if len(ax.Values) == 0 || len(ax.Values) > MaxAxisPoints {
			t.Fatalf("%q: %d values", s, len(ax.Values))
		}
		if !slices.IsSorted(ax.Values) {
			t.Fatalf("%q: not sorted: %v", s, ax.Values)
		}
		if err := ax.check(p); err != nil {
			t.Fatalf("%q: accepted an invalid axis %v: %v", s, ax.Values, err)
		}
	})
}
