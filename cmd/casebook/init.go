package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/casebook-dev/casebook/internal/cli"
	"github.com/casebook-dev/casebook/internal/scaffold"
)

func cmdInit(args []string, stdout, stderr io.Writer) int {
	fs := cli.NewFlagSet("init", "--spec FILE", help("init"))
	specPath := fs.String("spec", "", "the OpenAPI 3 or Swagger 2.0 file the cases are checked against (required)")
	if ok, code := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	if *specPath == "" || fs.NArg() > 0 {
		usageError(stderr, fs, errors.New("--spec FILE is required and no other arguments are taken"))
		return exitUsage
	}
	files, err := scaffold.Init(context.Background(), ".", *specPath)
	if err != nil {
		fmt.Fprintf(stderr, "casebook init: %v\n", err)
		return exitUsage
	}
	for _, f := range files {
		fmt.Fprintf(stdout, "wrote %s\n", f)
	}
	fmt.Fprintln(stdout, "next: casebook run")
	return exitOK
}
