package main

import (
	"fmt"
	"io"

	"github.com/casebook-dev/casebook/internal/cli"
	"github.com/casebook-dev/casebook/runner"
)

func cmdCurl(args []string, stdout, stderr io.Writer) int {
	fs := cli.NewFlagSet("curl", "[flags] CASE...", help("curl"))
	config := fs.String("config", "", "project config file (default: casebook.yaml in this folder or above)")
	base := fs.String("base", "", "base URL to send to (default: ${CASEBOOK_BASE_URL} from the environment)")
	if ok, code := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "casebook curl: name a case (casebook curl CASE); see casebook help curl")
		return exitUsage
	}
	cfg, err := runner.OpenConfig(*config)
	if err != nil {
		return fail(stderr, err)
	}
	cases, err := runner.FindCases(cfg, fs.Args())
	if err != nil {
		return fail(stderr, err)
	}
	if err := runner.Curl(stdout, cases, *base); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}
