package problem

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// A .csv file is parsed in two passes over the file (X allocated once from
// its line count); standard input in one, X collected in chunks. Both must
// give the same problem, whatever the file's shape: a BOM,
// CRLF lines, blank lines, quoted fields, no final newline, full-precision
// numbers.
func TestStreamedCSVMatchesWholeRead(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("x1,x2,x3,x4,x5,y\n")
	for range 4 {
		for k := range 6 {
			if k > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "%v", rng.NormFloat64())
		}
		b.WriteString("\n")
	}
	plain := b.String()
	variants := map[string]string{
		"plain":      plain,
		"bom":        "\ufeff" + plain,
		"crlf":       strings.ReplaceAll(plain, "\n", "\r\n"),
		"blank":      strings.Replace(plain, "\n", "\n\n\n", 2),
		"quoted":     strings.Replace(plain, "x1,", `"x1",`, 1),
		"no-newline": strings.TrimSuffix(plain, "\n"),
	}
	for name, content := range variants {
		path := writeFile(t, t.TempDir(), "data.csv", content)
		streamed, err := Load(path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		whole, err := Read("data.csv", strings.NewReader(content))
		if err != nil {
			t.Fatalf("%s: read from a stream: %v", name, err)
		}
		whole.Source = filepath.Base(path)
		if !reflect.DeepEqual(streamed, whole) {
			t.Fatalf("%s: streamed %+v, whole %+v", name, streamed, whole)
		}
		if streamed.N != 4 || streamed.D != 5 {
			t.Fatalf("%s: (n, d) = (%d, %d), want (4, 5)", name, streamed.N, streamed.D)
		}
	}
}

// The two-pass file path gives the one-pass stream path's messages on bad files.
func TestStreamedCSVErrors(t *testing.T) {
	for _, content := range []string{
		"", "\n\n", "x1,x2,y\n", "x1,x2,y\n1,2\n", "x1,x2,y\n1,zz,3\n", "x1,x2,y\n1,2,3\n4,5,6\n7,8,9\n",
		"x1,x2,y\n1,\"2,3\n", "x1\x00,x2,y\n",
	} {
		got := loadError(t, "data.csv", content)
		_, err := Read("data.csv", strings.NewReader(content))
		if err == nil || got != err.Error() {
			t.Errorf("%q: file %q, stream %v", content, got, err)
		}
	}
}
