package problem

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// awkwardProblem holds numbers whose text form is easy to get wrong: -0,
// subnormals, the largest float, 0.1+0.2, irrational constants.
func awkwardProblem() *Problem {
	p := &Problem{
		N: 3, D: 6,
		X: []float64{
			1, 0.1 + 0.2, math.Copysign(0, -1), 5e-324, 1.0 / 3, 0,
			0, 1, 1e-300, 0, -2.5e-8, 123456.789,
			math.Pi, -math.E, 0, 0, 1, 3 * math.SmallestNonzeroFloat64,
		},
		Y:        []float64{5e-324, math.Copysign(0, -1), math.MaxFloat64},
		BetaStar: []float64{math.Copysign(0, -1), 0.1, 1e-310, math.MaxFloat64, -1, 2},
	}
	p.Finish()
	return p
}

func TestWriteLoadRoundTripIsBitExact(t *testing.T) {
	generated := mustGenerate(t, baseSpec())
	for _, p := range []*Problem{awkwardProblem(), generated} {
		for _, format := range []string{"json", "csv"} {
			path := filepath.Join(t.TempDir(), "p."+format)
			if err := WriteFileAtomic(path, p, format, false); err != nil {
				t.Fatal(err)
			}
			q, err := Load(path)
			if err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			wantBeta := p.BetaStar
			if format == "csv" {
				wantBeta = nil // CSV does not store β*
			}
			if q.N != p.N || q.D != p.D || !sameBits(q.X, p.X) || !sameBits(q.Y, p.Y) ||
				!sameBits(q.BetaStar, wantBeta) || !sameBits(q.HDiag(), p.HDiag()) || q.Source != "p."+format {
				t.Errorf("%s round trip of %s changed the problem", format, p.Source)
			}
			if !bytes.Equal(encode(t, p, format), encode(t, q, format)) {
				t.Errorf("%s: writing the loaded problem gives other bytes", format)
			}
		}
	}
}

func TestWriteFormats(t *testing.T) {
	p := smallProblem()
	p.X[0] = 0.5
	p.Finish()
	wantJSON := `{
  "X": [
    [0.5, 0, 0, 2, 0],
    [0, 1, 0, 0, -1],
    [0, 0, 1, 1, 1]
  ],
  "y": [1, 2, 3],
  "beta_star": [1, 0, 0, 0, 0]
}
`
	if got := string(encode(t, p, "json")); got != wantJSON {
		t.Errorf("json:\n%s\nwant\n%s", got, wantJSON)
	}
	wantCSV := "x1,x2,x3,x4,x5,y\n0.5,0,0,2,0,1\n0,1,0,0,-1,2\n0,0,1,1,1,3\n"
	if got := string(encode(t, p, "csv")); got != wantCSV {
		t.Errorf("csv:\n%s\nwant\n%s", got, wantCSV)
	}
	p.BetaStar = nil
	if got := string(encode(t, p, "json")); strings.Contains(got, "beta_star") {
		t.Errorf("json without β* mentions beta_star:\n%s", got)
	}
	var buf bytes.Buffer
	if err := Write(&buf, p, "xml"); err == nil || err.Error() != `write: unknown format "xml"; allowed json or csv` {
		t.Errorf("xml: %v", err)
	}
	p.Y[1] = math.NaN()
	if err := Write(&buf, p, "json"); err == nil || err.Error() != "write: y[1] = NaN: NaN/Inf not allowed" {
		t.Errorf("NaN: %v", err)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	first, second := smallProblem(), smallProblem()
	second.Y[0] = 42
	if err := WriteFileAtomic(path, first, "", false); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomic(path, second, "json", false)
	if !errors.Is(err, ErrExists) || err.Error() != path+": file already exists; refusing to overwrite it" {
		t.Fatalf("overwrite without force: %v", err)
	}
	if q, err := Load(path); err != nil || q.Y[0] != 1 {
		t.Fatalf("the refused write changed the file: %v", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(path, second, "json", true); err != nil {
		t.Fatalf("overwrite with force: %v", err)
	}
	if q, err := Load(path); err != nil || q.Y[0] != 42 {
		t.Fatalf("forced write: %v", err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("forced write changed the permissions to %v", info.Mode().Perm())
	}
	if err := WriteFileAtomic(filepath.Join(dir, "out.txt"), first, "", false); err == nil ||
		!strings.HasSuffix(err.Error(), "out.txt: cannot tell the format from the extension; want .json or .csv") {
		t.Errorf("unknown extension: %v", err)
	}
	bad := smallProblem()
	bad.X = bad.X[:3]
	if err := WriteFileAtomic(filepath.Join(dir, "bad.csv"), bad, "", false); err == nil {
		t.Error("wrote an invalid problem")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "out.json" {
		t.Errorf("directory holds %v, want only out.json (no temporary files)", entries)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", info.Mode().Perm())
	}
}

func TestWriteFileAtomicNewFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.csv")
	if err := WriteFileAtomic(path, smallProblem(), "", false); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("new file mode = %v, %v; want 0644", info.Mode().Perm(), err)
	}
}
