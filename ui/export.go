package ui

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"sgdbias/internal/atomicfile"
	"sgdbias/sim/live"
)

// exportCmd writes the snapshot's decimated trajectories to a new CSV file
// in dir, named after the time, atomically and without overwriting: if
// the name is taken, a counter is added.
func exportCmd(s *live.Snapshot, dir string, now time.Time, write writeFunc) tea.Cmd {
	return func() tea.Msg {
		path, err := exportCSV(s, dir, now, write)
		return exportedMsg{path: path, err: err}
	}
}

func exportCSV(s *live.Snapshot, dir string, now time.Time, write writeFunc) (string, error) {
	base := "sgdbias-" + now.Format("20060102-150405")
	for i := 1; i <= 1000; i++ {
		name := base + ".csv"
		if i > 1 {
			name = fmt.Sprintf("%s-%d.csv", base, i)
		}
		path := filepath.Join(dir, name)
		err := write(path, false, s.WriteCSV)
		if errors.Is(err, atomicfile.ErrExists) {
			continue
		}
		return path, err
	}
	return "", fmt.Errorf("no free file name for %s*.csv in %s", base, dir)
}
