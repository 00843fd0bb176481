// Package cli is the flag handling every casebook command shares, on top
// of the standard flag package: flags may follow the positional arguments
// (casebook run cases/ --format json), help is printed once, to stdout, with
// flags spelt --name as the docs spell them, and a mistake is one line with
// a "did you mean" instead of the whole usage.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/casebook-dev/casebook/internal/suggest"
)

// FlagSet is one command's flags and its help.
type FlagSet struct {
	*flag.FlagSet
	// Command is the command's name as typed after casebook ("import curl").
	Command string
	// Synopsis follows the name in the usage line ("[flags] [case files or folders]").
	Synopsis string
	// Help says what the command does, with an example.
	Help string
}

// NewFlagSet returns the flags of a command. The flag package's own
// printing is off: Parse reports errors and PrintHelp writes the help.
func NewFlagSet(command, synopsis, help string) *FlagSet {
	fs := flag.NewFlagSet(command, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &FlagSet{FlagSet: fs, Command: command, Synopsis: synopsis, Help: strings.TrimLeft(help, "\n")}
}

// ErrHelp is returned by Parse when help was asked for (and printed).
var ErrHelp = flag.ErrHelp

// Parse parses args, flags and positional arguments in any order;
// everything after "--" is positional. -h, -help and --help print the help
// to stdout and return ErrHelp. A mistake is returned as an error whose
// text names the flag as --name, with a "did you mean" for an unknown one.
func (fs *FlagSet) Parse(args []string, stdout io.Writer) error {
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
			fs.PrintHelp(stdout)
			return ErrHelp
		}
	}
	for {
		if err := fs.FlagSet.Parse(args); err != nil {
			return fs.explain(err)
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return fs.FlagSet.Parse(append([]string{"--"}, append(positional, rest...)...))
}

var (
	undefined = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	flagName  = regexp.MustCompile(`(^|[ :])-([A-Za-z][A-Za-z0-9-]+)`)
)

// explain rewrites the flag package's error: --name, and the nearest flag
// for an unknown one.
func (fs *FlagSet) explain(err error) error {
	if m := undefined.FindStringSubmatch(err.Error()); m != nil {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		hint := ""
		if s := suggest.Closest(m[1], names); s != "" {
			hint = fmt.Sprintf(" (did you mean %s?)", Spell(s))
		}
		return fmt.Errorf("unknown flag %s%s", Spell(m[1]), hint)
	}
	return errors.New(flagName.ReplaceAllStringFunc(err.Error(), func(s string) string {
		m := flagName.FindStringSubmatch(s)
		if fs.Lookup(m[2]) == nil {
			return s
		}
		return m[1] + Spell(m[2])
	}))
}

// Spell is how help and errors write a flag: -v for one letter, --name otherwise.
func Spell(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// PrintHelp writes the usage line, the help and the flags.
func (fs *FlagSet) PrintHelp(w io.Writer) {
	fmt.Fprintf(w, "Usage: casebook %s %s\n\n%s", fs.Command, fs.Synopsis, fs.Help)
	if !strings.HasSuffix(fs.Help, "\n") {
		fmt.Fprintln(w)
	}
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if first {
			fmt.Fprint(w, "\nFlags:\n")
			first = false
		}
		typ, usage := flag.UnquoteUsage(f)
		line := "  " + Spell(f.Name)
		if typ != "" {
			line += " " + typ
		}
		fmt.Fprintf(w, "%s\n    \t%s", line, strings.ReplaceAll(usage, "\n", "\n    \t"))
		switch def := f.DefValue; {
		case def == "" || def == "false" || def == "0":
		case isString(f):
			fmt.Fprintf(w, " (default %q)", def)
		default:
			fmt.Fprintf(w, " (default %s)", def)
		}
		fmt.Fprintln(w)
	})
}

func isString(f *flag.Flag) bool {
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return false
	}
	_, ok = g.Get().(string)
	return ok
}

// UsageHint is the line printed under a usage mistake.
func (fs *FlagSet) UsageHint() string {
	return fmt.Sprintf("Run 'casebook help %s' for usage.", strings.Fields(fs.Command)[0])
}

// UsageError is a mistake in how casebook was called: an unknown target,
// case name or tag, a bad --shard. The command exits 2 and runs nothing.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }
