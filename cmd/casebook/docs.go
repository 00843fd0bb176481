package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/casebook-dev/casebook/internal/cli"
	"github.com/casebook-dev/casebook/reports"
	"github.com/casebook-dev/casebook/runner"
)

func cmdDocs(args []string, stdout, stderr io.Writer) int {
	fs := cli.NewFlagSet("docs", "[flags] [case files or folders]", help("docs"))
	config := fs.String("config", "", "project config file (default: casebook.yaml in this folder or above)")
	only := fs.String("doc", "", "write only this document: "+strings.Join(reports.DocumentNames(), ", "))
	out := fs.String("out", "", `file to write the document --doc names to ("-" for stdout; default: its path beside casebook.yaml)`)
	check := fs.Bool("check", false, "write nothing; exit 1 when a file differs from what would be written")
	if ok, code := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	docs, err := reports.PickDocuments(*only)
	if err == nil && *out != "" && len(docs) > 1 {
		err = fmt.Errorf("--out writes one document; name it with --doc (%s)", strings.Join(reports.DocumentNames(), ", "))
	}
	if err != nil {
		usageError(stderr, fs, err)
		return exitUsage
	}
	cfg, cases, err := runner.Load(*config, fs.Args())
	if err != nil {
		return fail(stderr, err)
	}
	// casebook.yaml's vars, ahead of the environment: the documents are the
	// built-in mock's answers and must read the same on every machine.
	r := runner.New(runner.Options{Vars: cfg.Vars})
	defer r.Close()
	if err := r.LoadSpecs(cases); err != nil {
		return fail(stderr, err)
	}
	rs := r.Run(context.Background(), cases)
	stale, err := reports.WriteDocuments(docs, rs, runner.Version,
		reports.DocumentTarget{Dir: cfg.Dir, Out: *out, Stdout: stdout, Check: *check, Named: *only != ""})
	for _, path := range stale {
		fmt.Fprintf(stderr, "casebook docs: %s is out of date; regenerate it with: go run ./cmd/casebook docs\n", path)
	}
	if err != nil {
		fmt.Fprintf(stderr, "casebook docs: %v\n", err)
		return exitUsage
	}
	if len(stale) > 0 {
		return exitFailed
	}
	return exitOK
}
