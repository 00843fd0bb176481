package main

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/casebook-dev/casebook/internal/atomicfile"
	"github.com/casebook-dev/casebook/internal/cli"
	"github.com/casebook-dev/casebook/reports"
	"github.com/casebook-dev/casebook/runner"
)

const docsHelp = `
Write the pitfall catalogue (Markdown) from the cases: for each pitfall the
wrong request, what lint says, what the API answers (replayed against the
built-in mock), the right request (the case its fixedBy: names), and the
source of the claim with its verification status. The shipped
docs/pitfalls.md is this output; a test fails when it is out of date.

Examples:
  casebook docs                          # rewrites docs/pitfalls.md
  casebook docs --check                  # exit 1 when docs/pitfalls.md is stale
  casebook docs --out - cases/genesys-cloud
`

func cmdDocs(args []string, stdout, stderr io.Writer) int {
	fs := cli.NewFlagSet("docs", "[flags] [case files or folders]", docsHelp)
	config := fs.String("config", "", "project config file (default: casebook.yaml in this folder or above)")
	out := fs.String("out", "", `file to write ("-" for stdout; default: docs/pitfalls.md beside casebook.yaml)`)
	check := fs.Bool("check", false, "write nothing; exit 1 when the file differs from what would be written")
	if ok, code := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	if *out != "" && len(reports.Documents) > 1 {
		usageError(stderr, fs, fmt.Errorf("--out writes one document; casebook docs writes %d", len(reports.Documents)))
		return exitUsage
	}
	cfg, cases, err := runner.Load(*config, fs.Args())
	if err != nil {
		printLoadError(stderr, err)
		return exitUsage
	}
	// casebook.yaml's vars, ahead of the environment: the catalogue is the
	// built-in mock's answers and must read the same on every machine.
	r := runner.New(runner.Options{Vars: cfg.Vars})
	defer r.Close()
	if err := r.LoadSpecs(cases); err != nil {
		printLoadError(stderr, err)
		return exitUsage
	}
	rs := r.Run(context.Background(), cases)
	code := exitOK
	for _, d := range reports.Documents {
		doc, err := d.Generate(cfg.Dir, rs, runner.Version)
		path := cmp.Or(*out, cfg.Abs(d.Path))
		switch {
		case err != nil:
		case path == "-":
			_, err = stdout.Write(doc)
		case *check:
			if old, rerr := os.ReadFile(path); rerr != nil || !bytes.Equal(old, doc) {
				fmt.Fprintf(stderr, "casebook docs: %s is out of date; regenerate it with: go run ./cmd/casebook docs\n", path)
				code = max(code, exitFailed)
			}
		default:
			err = atomicfile.Write(path, doc)
		}
		if err != nil {
			fmt.Fprintf(stderr, "casebook docs: %v\n", err)
			code = exitUsage
		}
	}
	return code
}
