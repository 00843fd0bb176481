package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/reports"
	"github.com/casebook-dev/casebook/runner"
)

const runHelp = `
Lint each case against its spec, replay its request against a target and
compare the answer with what the case expects. With no paths, runs the
suites of casebook.yaml (found in this folder or above) against the
built-in mock: a real HTTP server on loopback, started in-process.

Examples:
  casebook run
  casebook run cases/genesys-cloud/no-station.yaml
  casebook run --target http://127.0.0.1:8080 cases/personal-connection
`

func cmdRun(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("run", "[flags] [case files or folders]", runHelp, stderr)
	target := fs.String("target", "mock", "where requests go: mock (built-in) or a base URL such as http://127.0.0.1:8080")
	common := registerCommon(fs)
	if ok, code := parseFlags(fs, args, stdout); !ok {
		return code
	}
	return execute(fs.Args(), *target, false, common, stdout, stderr)
}

const lintHelp = `
Check each case's request against the OpenAPI operation it names, offline,
and print every finding: its JSON pointer, the rule, the allowed values and
a "did you mean". A case passes when lint finds exactly the findings listed
under expect.lint (none listed: the request must lint clean).

Examples:
  casebook lint
  casebook lint cases/genesys-cloud/thread-recipient-body.yaml
`

func cmdLint(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("lint", "[flags] [case files or folders]", lintHelp, stderr)
	common := registerCommon(fs)
	if ok, code := parseFlags(fs, args, stdout); !ok {
		return code
	}
	common.verbose = true // the findings are the point of lint
	return execute(fs.Args(), "", true, common, stdout, stderr)
}

// commonFlags are shared by run and lint.
type commonFlags struct {
	config  string
	verbose bool
	vars    varFlag
}

func registerCommon(fs *flag.FlagSet) *commonFlags {
	c := &commonFlags{vars: varFlag{}}
	fs.StringVar(&c.config, "config", "", "project config file (default: casebook.yaml in this folder or above)")
	fs.BoolVar(&c.verbose, "v", false, "show passing cases in full")
	fs.Var(c.vars, "var", "set a ${NAME} variable used in cases, as NAME=value (repeatable)")
	return c
}

func execute(paths []string, targetName string, lintOnly bool, common *commonFlags, stdout, stderr io.Writer) int {
	cfg, err := loadConfig(common.config)
	if err != nil {
		fmt.Fprintf(stderr, "casebook: %v\n", err)
		return exitUsage
	}
	if len(paths) == 0 {
		paths = cfg.DefaultPaths()
	}
	cases, err := runner.LoadCases(cfg, paths)
	if err != nil {
		printLoadError(stderr, err)
		return exitUsage
	}
	opts := runner.Options{LintOnly: lintOnly, Vars: common.vars}
	if !lintOnly && targetName != "" && targetName != "mock" {
		t, err := runner.NewURLTarget(targetName)
		if err != nil {
			fmt.Fprintf(stderr, "casebook: %v\n", err)
			return exitUsage
		}
		opts.Target = t
	}
	r := runner.New(opts)
	defer r.Close()
	if err := r.LoadSpecs(cases); err != nil {
		fmt.Fprintf(stderr, "casebook: %v\n", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	results := r.Run(ctx, cases)
	if err := reports.Text(stdout, results, reports.Options{Color: useColor(stdout), Verbose: common.verbose, Version: runner.Version}); err != nil {
		fmt.Fprintf(stderr, "casebook: writing the report: %v\n", err)
		return exitUsage
	}
	if !runner.Summarize(results).OK() {
		return exitFailed
	}
	return exitOK
}

func loadConfig(path string) (*runner.Config, error) {
	if path != "" {
		return runner.LoadConfig(path)
	}
	return runner.FindConfig(".")
}

// printLoadError prints each case-file problem on its own line, file:line:col first.
func printLoadError(w io.Writer, err error) {
	var list casefile.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Fprintln(w, e)
		}
		fmt.Fprintf(w, "casebook: %d problem(s) in case files\n", len(list))
		return
	}
	fmt.Fprintf(w, "casebook: %v\n", err)
}
