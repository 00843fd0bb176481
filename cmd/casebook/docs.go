package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

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
	cfg, err := runner.OpenConfig(*config)
	if err != nil {
		fmt.Fprintf(stderr, "casebook: %v\n", err)
		return exitUsage
	}
	doc, code := pitfallCatalogue(cfg, fs.Args(), stderr)
	if code != exitOK {
		return code
	}
	path := *out
	if path == "" {
		path = cfg.Abs(filepath.Join("docs", "pitfalls.md"))
	}
	switch {
	case path == "-":
		_, err = stdout.Write(doc)
	case *check:
		old, rerr := os.ReadFile(path)
		if rerr != nil || !bytes.Equal(old, doc) {
			fmt.Fprintf(stderr, "casebook docs: %s is out of date; regenerate it with: go run ./cmd/casebook docs\n", path)
			return exitFailed
		}
		return exitOK
	default:
		err = atomicfile.Write(path, doc)
	}
	if err != nil {
		fmt.Fprintf(stderr, "casebook docs: %v\n", err)
		return exitUsage
	}
	return exitOK
}

// pitfallCatalogue replays the cases against the built-in mock and renders
// the catalogue, with paths relative to the config's folder so the output
// is the same on every machine.
func pitfallCatalogue(cfg *runner.Config, paths []string, stderr io.Writer) ([]byte, int) {
	if len(paths) == 0 {
		paths = cfg.DefaultPaths()
	}
	cases, err := runner.LoadCases(cfg, paths)
	if err != nil {
		printLoadError(stderr, err)
		return nil, exitUsage
	}
	r := runner.New(runner.Options{})
	defer r.Close()
	if err := r.LoadSpecs(cases); err != nil {
		fmt.Fprintf(stderr, "casebook: %v\n", err)
		return nil, exitUsage
	}
	rs := reports.RelativeTo(cfg.Dir, r.Run(context.Background(), cases))
	var buf bytes.Buffer
	if err := reports.Markdown(&buf, rs, reports.Options{Version: runner.Version}); err != nil {
		fmt.Fprintf(stderr, "casebook docs: %v\n", err)
		return nil, exitUsage
	}
	return buf.Bytes(), exitOK
}
