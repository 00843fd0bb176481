package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/reports"
	"github.com/casebook-dev/casebook/runner"
)

// registerOutputs adds --format and --report: unknown formats fail at
// flag parsing (exit 2), before anything runs.
func registerOutputs(fs *flag.FlagSet, o *reports.Outputs) {
	fs.Func("format", "report format on stdout: "+strings.Join(reports.Formats(), "|")+" (default text)", o.SetFormat)
	fs.Func("report", "also write a report to a file, as FORMAT=FILE (repeatable), e.g. --report junit=results.xml --report html=report.html", o.AddFile)
}

// selectFlags narrow a run: --tags, --skip-tags, --shard i/n.
type selectFlags struct {
	sel runner.Selection
}

func (f *selectFlags) register(fs *flag.FlagSet) {
	fs.Func("tags", "run only cases with one of these tags (comma-separated, repeatable)", func(s string) error {
		f.sel.Tags = append(f.sel.Tags, splitList(s)...)
		return nil
	})
	fs.Func("skip-tags", "skip cases with any of these tags (comma-separated, repeatable; wins over --tags)", func(s string) error {
		f.sel.SkipTags = append(f.sel.SkipTags, splitList(s)...)
		return nil
	})
	fs.Func("shard", "run part i of n of the cases, e.g. 2/4 (1-based; each case lands in exactly one part, by a hash of its name)", func(s string) error {
		sh, err := runner.ParseShard(s)
		if err != nil {
			return errors.New(strings.TrimPrefix(err.Error(), fmt.Sprintf("--shard %q: ", s)))
		}
		f.sel.Shard = sh
		return nil
	})
}

// apply returns the cases the flags keep; an unknown tag is a
// *runner.UsageError (exit 2).
func (f *selectFlags) apply(cases []*casefile.Case) ([]*casefile.Case, error) {
	return runner.Select(cases, f.sel)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
