package cli

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/term"
)

// Table bounds: a table longer than maxTableRows rows prints its first
// tableHead and last tableTail rows (the caller formats only those) and says
// where the rest is.
const (
	maxTableRows = 100
	tableHead    = 40
	tableTail    = 10
)

// outputWidth is the width to fit: the terminal's, else $COLUMNS, else 0
// (no limit: a file or a pipe).
func outputWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return cols
		}
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n >= 20 && n <= 10000 {
		return n
	}
	return 0
}

// table is a right-aligned text table, two spaces between columns.
type table struct {
	head []string
	rows [][]string
	// omitted rows were left out after the first tableHead rows.
	omitted int
	// keep is how many leading columns are never dropped; the others are
	// dropped from the right until the table fits.
	keep int
}

func cellWidth(s string) int { return utf8.RuneCountInString(s) }

// widths is each column's width.
func (t table) widths() []int {
	ws := make([]int, len(t.head))
	for i, h := range t.head {
		ws[i] = cellWidth(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			ws[i] = max(ws[i], cellWidth(c))
		}
	}
	return ws
}

// fit returns how many columns fit in width (0: no limit), never fewer
// than keep.
func (t table) fit(width int) int {
	ws := t.widths()
	n, total := 0, 0
	for i, cw := range ws {
		if width > 0 && i >= t.keep && total+cw+2 > width {
			break
		}
		total += cw + 2
		n++
	}
	return n
}

// write prints the table fitted to width, marking where omitted rows were
// left out, and returns the names of the columns it dropped and how many
// rows it left out.
func (t table) write(w io.Writer, width int) (dropped []string, omitted int) {
	n := t.fit(width)
	ws := t.widths()
	line := func(cells []string) {
		var b strings.Builder
		for i := range n {
			b.WriteString(strings.Repeat(" ", ws[i]+2-cellWidth(cells[i])))
			b.WriteString(cells[i])
		}
		fmt.Fprintln(w, b.String())
	}
	line(t.head)
	for i, r := range t.rows {
		if t.omitted > 0 && i == tableHead {
			fmt.Fprintf(w, "%*s\n", ws[0]+2, fmt.Sprintf("… %d rows …", t.omitted))
		}
		line(r)
	}
	return t.head[n:], t.omitted
}

// proseWidth is the width prose wraps to when the output has none.
const proseWidth = 100

// writeProse writes text with its lines wrapped at word boundaries to fit
// width (0: proseWidth).
func writeProse(w io.Writer, text string, width int) {
	if width <= 0 {
		width = proseWidth
	}
	{
		var b strings.Builder
		for _, line := range strings.SplitAfter(text, "\n") {
			nl := strings.HasSuffix(line, "\n")
			b.WriteString(ansi.Wordwrap(strings.TrimSuffix(line, "\n"), width, ""))
			if nl {
				b.WriteString("\n")
			}
		}
		text = b.String()
	}
	io.WriteString(w, text)
}
