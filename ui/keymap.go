package ui

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every key binding of the explorer. One KeyMap is built per
// program (per session over SSH) and passed down in Common; the help footer
// and the overlay are generated from it.
type KeyMap struct {
	Pause    key.Binding
	Step     key.Binding
	Restart  key.Binding
	NewSeed  key.Binding
	Faster   key.Binding
	Slower   key.Binding
	Next     key.Binding
	Prev     key.Binding
	Up       key.Binding
	Down     key.Binding
	Increase key.Binding
	Decrease key.Binding
	Edit     key.Binding
	Discrete key.Binding
	LogTime  key.Binding
	Focus    key.Binding
	Export   key.Binding
	Save     key.Binding
	Presets  key.Binding
	Zoom     key.Binding
	Alphas   key.Binding
	Ghosts   key.Binding
	Undo     key.Binding
	Variant  key.Binding
	Fork     key.Binding
	Follow   key.Binding
	Help     key.Binding
	Quit     key.Binding

	// Interrupt quits from anywhere, even while typing.
	Interrupt key.Binding

	// While typing a value.
	Accept key.Binding
	Cancel key.Binding
	// When asked whether to overwrite a file.
	Yes key.Binding
	No  key.Binding
}

// DefaultKeyMap returns the explorer's key bindings.
func DefaultKeyMap() *KeyMap {
	return &KeyMap{
		Pause:     key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "pause/run")),
		Step:      key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "one step")),
		Restart:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "restart")),
		NewSeed:   key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "new data seed")),
		Faster:    key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", "faster")),
		Slower:    key.NewBinding(key.WithKeys("-", "_"), key.WithHelp("-", "slower")),
		Next:      key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab/↓", "next parameter")),
		Prev:      key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab/↑", "previous parameter")),
		Down:      key.NewBinding(key.WithKeys("down", "j")),
		Up:        key.NewBinding(key.WithKeys("up", "k")),
		Increase:  key.NewBinding(key.WithKeys("right"), key.WithHelp("←/→", "scale value")),
		Decrease:  key.NewBinding(key.WithKeys("left")),
		Edit:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "type a value")),
		Discrete:  key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "GD/SGD on/off")),
		LogTime:   key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "log time")),
		Focus:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "strip: next run")),
		Export:    key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "export CSV")),
		Save:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save scenario")),
		Presets:   key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pick a preset")),
		Zoom:      key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "zoom: next chart / back")),
		Alphas:    key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "α_t per coordinate")),
		Ghosts:    key.NewBinding(key.WithKeys("g"), key.WithHelp("g", "clear earlier runs")),
		Undo:      key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo a change")),
		Variant:   key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "variant with this value")),
		Fork:      key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "your own copy")),
		Follow:    key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "follow presenter")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Accept:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
		Cancel:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Interrupt: key.NewBinding(key.WithKeys("ctrl+c")),
		Yes:       key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "overwrite")),
		No:        key.NewBinding(key.WithKeys("n", "N"), key.WithHelp("n", "another name")),
	}
}

// ShortHelp is the one-line hint under the screen, in words short enough
// for 80 columns.
func (k *KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{
		short(k.Pause, "space", "run/pause"), short(k.Step, "n", "step"), short(k.Faster, "+/-", "speed"),
		short(k.Next, "tab", "param"), short(k.Increase, "←/→", "scale"), short(k.Edit, "enter", "type"),
		short(k.Discrete, "a", "GD/SGD"), short(k.LogTime, "l", "log t"), short(k.Zoom, "z", "zoom"),
		short(k.Alphas, "v", "α_j"), short(k.Undo, "u", "undo"), short(k.Restart, "r", "restart"),
		short(k.Export, "x", "export"), short(k.Save, "s", "save"),
	}
}

// followHelp is the key hint while following the presenter.
func (k *KeyMap) followHelp() []key.Binding {
	return []key.Binding{
		short(k.Fork, "f", "own copy"), short(k.LogTime, "l", "log t"), short(k.Zoom, "z", "zoom"),
		short(k.Alphas, "v", "α_j"), short(k.Focus, "c", "strip"),
		short(k.Export, "x", "export"), short(k.Save, "s", "save"),
	}
}

// tailHelp ends the key hint whatever the width.
func (k *KeyMap) tailHelp() []key.Binding {
	return []key.Binding{short(k.Help, "?", "help"), short(k.Quit, "q", "quit")}
}

// short is a copy of b with a shorter help text.
func short(b key.Binding, keys, desc string) key.Binding {
	b.SetHelp(keys, desc)
	return b
}

// FullHelp is the help overlay, in columns.
func (k *KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Pause, k.Step, k.Faster, k.Slower, k.Restart, k.NewSeed, k.Undo, k.Presets},
		{k.Next, k.Prev, k.Increase, k.Edit, k.Cancel, k.Variant, k.Discrete, k.Ghosts},
		{k.LogTime, k.Zoom, k.Alphas, k.Focus, k.Export, k.Save, k.Help, k.Quit},
	}
}

// stageHelp is the help overlay of a session that can follow a stage: the
// keymap's, plus f and F.
type stageHelp struct{ *KeyMap }

func (k stageHelp) FullHelp() [][]key.Binding {
	cols := k.KeyMap.FullHelp()
	cols[1] = append(cols[1], k.Fork, k.Follow)
	return cols
}

// editHelp is the hint while a value is being typed.
func (k *KeyMap) editHelp() []key.Binding { return []key.Binding{k.Accept, k.Cancel} }
