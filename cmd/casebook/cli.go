package main

import (
	"embed"
	"errors"
	"fmt"
	"io"

	"github.com/casebook-dev/casebook/internal/cli"
	"github.com/casebook-dev/casebook/internal/suggest"
)

// parseFlags parses a command's flags; it reports whether to go on and
// the exit code if not. Help asked for is printed and exits 0; a mistake is
// one line, with a "did you mean" and where to read the usage, and exits 2.
func parseFlags(fs *cli.FlagSet, args []string, stdout, stderr io.Writer) (bool, int) {
	err := fs.Parse(args, stdout)
	switch {
	case err == nil:
		return true, exitOK
	case errors.Is(err, cli.ErrHelp):
		return false, exitOK
	}
	usageError(stderr, fs, err)
	return false, exitUsage
}

// usageError prints a mistake in how a command was called.
func usageError(stderr io.Writer, fs *cli.FlagSet, err error) {
	fmt.Fprintf(stderr, "casebook %s: %v\n%s\n", fs.Command, err, fs.UsageHint())
}

func didYouMeanCommand(name string) string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return suggest.Hint(name, names)
}

// helpFiles hold each command's long help (help/NAME.txt): prose a reader
// reviews as text, apart from the flags and wiring of the command's Go.
//
//go:embed help/*.txt
var helpFiles embed.FS

// help is the long help of command name. A missing file is a build
// mistake: TestHelpHasExamples fails on it.
func help(name string) string {
	b, err := helpFiles.ReadFile("help/" + name + ".txt")
	if err != nil {
		panic(fmt.Sprintf("casebook: no help for %s: %v", name, err))
	}
	return "\n" + string(b)
}
