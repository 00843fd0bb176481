package main

import (
	"flag"
	"strings"

	"github.com/casebook-dev/casebook/reports"
	"github.com/casebook-dev/casebook/runner"
)

// registerOutputs adds --format and --report: unknown formats fail at
// flag parsing (exit 2), before anything runs.
func registerOutputs(fs *flag.FlagSet, o *reports.Outputs) {
	fs.Func("format", "report format on stdout: "+strings.Join(reports.Formats(), "|")+" (default text)", o.SetFormat)
	fs.Func("report", "also write a report to a file, as FORMAT=FILE (repeatable; one file each, never a file the run reads), e.g. --report junit=results.xml --report html=report.html", o.AddFile)
}

// registerSelection adds --tags, --skip-tags and --shard i/n.
func registerSelection(fs *flag.FlagSet, sel *runner.Selection) {
	fs.Func("tags", "run only cases with one of these tags (comma-separated, repeatable)", sel.AddTags)
	fs.Func("skip-tags", "skip cases with any of these tags (comma-separated, repeatable; wins over --tags)", sel.AddSkipTags)
	fs.Func("shard", "run part i of n of the cases, e.g. 2/4 (1-based; each case lands in exactly one part, by a hash of its name)", sel.SetShard)
}
