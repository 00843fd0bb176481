package cli

import (
	"io"
	"os"
)

// IsTerminal reports whether w is a terminal (a character device), where a
// progress line and colours help; a file or a pipe gets neither.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// UseColor reports whether to colour what goes to w: a terminal, unless
// NO_COLOR is set to anything but "" (no-color.org) or TERM is dumb (a
// terminal that cannot show colour: Emacs' shell, some CI consoles).
func UseColor(w io.Writer, getenv func(string) string) bool {
	return ColorAllowed(getenv) && IsTerminal(w)
}

// ColorAllowed is the environment's say in UseColor.
func ColorAllowed(getenv func(string) string) bool {
	return getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
}
