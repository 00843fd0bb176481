package main

import (
	"fmt"
	"io"
	"runtime"

	"github.com/casebook-dev/casebook/internal/cli"
	"github.com/casebook-dev/casebook/runner"
)

func cmdVersion(args []string, stdout, stderr io.Writer) int {
	fs := cli.NewFlagSet("version", "", "Print casebook's version, the Go version it was built with and its module version.\n\nExample:\n  casebook version\n")
	if ok, code := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	fmt.Fprintf(stdout, "casebook %s (%s %s/%s)\n", runner.BuildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}
