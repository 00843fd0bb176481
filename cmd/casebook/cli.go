package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/casebook-dev/casebook/internal/suggest"
)

// newFlagSet returns a flag set that prints the command's help (with an
// example) on -h and reports errors without exiting.
func newFlagSet(name, synopsis, help string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: casebook %s %s\n\n%s\nFlags:\n", name, synopsis, strings.TrimLeft(help, "\n"))
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; it reports whether to go on and the exit code if
// not. Flags may follow positional arguments (casebook run cases/ --format
// json); everything after "--" is positional.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (bool, int) {
	var positional, rest []string
	for i, a := range args {
		if a == "--" {
			args, rest = args[:i], args[i+1:]
			break
		}
	}
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help", "--h":
			// Help asked for goes to stdout, once (flag would print it to
			// the error output first).
			fs.SetOutput(stdout)
			fs.Usage()
			return false, exitOK
		}
	}
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			return false, exitOK
		}
		if err != nil {
			return false, exitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	_ = fs.Parse(append([]string{"--"}, append(positional, rest...)...))
	return true, exitOK
}

func didYouMeanCommand(name string) string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	if s := suggest.Closest(name, names); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

// useColor is true for a terminal, never with NO_COLOR set (no-color.org).
func useColor(w io.Writer) bool {
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		return false
	}
	return isTerminal(w)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
