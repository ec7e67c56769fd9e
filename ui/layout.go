package ui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Layout helpers: every component renders exactly the cells it was given.

// truncate cuts a styled line to w cells.
func truncate(s string, w int) string {
	if lipgloss.Width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// fitBlock pads or cuts lines to exactly w cells and h lines.
func fitBlock(lines []string, w, h int) string {
	out := make([]string, h)
	for i := range out {
		var l string
		if i < len(lines) {
			l = lines[i]
		}
		l = truncate(l, w)
		if pad := w - lipgloss.Width(l); pad > 0 {
			l += strings.Repeat(" ", pad)
		}
		out[i] = l
	}
	return strings.Join(out, "\n")
}

func blankBlock(w, h int) string { return fitBlock(nil, max(w, 0), max(h, 0)) }

// padRight pads a (possibly styled) string with spaces to w cells.
func padRight(s string, w int) string {
	if pad := w - lipgloss.Width(s); pad > 0 {
		return s + strings.Repeat(" ", pad)
	}
	return s
}
