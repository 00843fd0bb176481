package main

import (
	"fmt"
	"io"

	"github.com/casebook-dev/casebook/internal/cli"
	"github.com/casebook-dev/casebook/runner"
)

const curlHelp = `
Print a case's request as a curl command, to reproduce it by hand or paste
it into a ticket: the request casebook would send, with the case's
${VARIABLES} left to the shell. Credentials are never printed, only the
variables holding them, each named in a # line: auth: agent becomes
"Authorization: Bearer ${CASEBOOK_TOKEN_AGENT}", and a credential the case
carries in a header or form field NAME becomes ${CASEBOOK_<NAME>} (an
Authorization header keeps its scheme). run --dry-run prints the same.
A CASE is a case name (from the config's suites) or a case file.

Examples:
  casebook curl pc-recipient-phone-number
  casebook curl --base http://127.0.0.1:8080 cases/personal-connection/correct-call.yaml
  CASEBOOK_TOKEN_AGENT_NO_STATION=... CASEBOOK_BASE_URL=https://api.mypurecloud.com \
    sh -c "$(casebook curl no-station)"
`

func cmdCurl(args []string, stdout, stderr io.Writer) int {
	fs := cli.NewFlagSet("curl", "[flags] CASE...", curlHelp)
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
