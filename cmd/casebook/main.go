// Command casebook lints API request cases against an OpenAPI spec, replays
// them against a vendor-realistic mock or a live API, and reports how the
// answers differ from what each case expects.
//
// Run "casebook help" for the commands.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit codes, the same for every command.
const (
	exitOK     = 0 // every case passed
	exitFailed = 1 // a case failed (or drift was found)
	exitUsage  = 2 // usage, config, spec or case-file error: nothing was run
	exitReport = 3 // the cases ran, but a report could not be written
)

type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"init", "start a project for a spec: casebook.yaml and a first case", cmdInit},
		{"run", "lint and replay cases, report differences (the main job)", cmdRun},
		{"lint", "check cases against their specs without sending anything", cmdLint},
		{"mock", "serve a spec as a vendor-realistic mock", cmdMock},
		{"drift", "compare two targets' answers case by case (mock vs live)", cmdDrift},
		{"docs", "write the Markdown catalogue of pitfalls from the cases", cmdDocs},
		{"curl", "print a case's request as a curl command (secrets as $VARIABLES)", cmdCurl},
		{"import", "write a new case from a curl command or a HAR file, and lint it", cmdImport},
		{"generate", "write a starting suite of cases for a spec's operations", cmdGenerate},
		{"version", "print casebook's version", cmdVersion},
	}
}

// batchGC is set by main: run and lint then tune the collector for a
// batch (cli.TuneGCForBatch). Tests that call the commands keep Go's.
var batchGC bool

func main() {
	batchGC = true
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		// The main job on the built-in default: shipped cases, built-in mock.
		return cmdRun(nil, stdout, stderr)
	}
	name := args[0]
	switch name {
	case "--version", "-version":
		return cmdVersion(args[1:], stdout, stderr)
	case "help", "-h", "--help", "-help":
		if len(args) > 1 {
			return dispatch([]string{args[1], "--help"}, stdout, stderr)
		}
		usage(stdout)
		return exitOK
	}
	if strings.HasPrefix(name, "-") {
		// Flags without a command are casebook run's, as no arguments are.
		return cmdRun(args, stdout, stderr)
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "casebook: unknown command %q%s\nRun 'casebook help' for the commands.\n", name, didYouMeanCommand(name))
	return exitUsage
}

// usage is casebook's own help (help/casebook.txt) around the list of commands.
func usage(w io.Writer) {
	var list strings.Builder
	for _, c := range commands() {
		fmt.Fprintf(&list, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, strings.TrimPrefix(help("casebook"), "\n"), list.String())
}
