package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/casebook-dev/casebook/internal/cli"
	"github.com/casebook-dev/casebook/internal/generate"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/mockserver"
)

func cmdGenerate(args []string, stdout, stderr io.Writer) int {
	var opts generate.Options
	fs := cli.NewFlagSet("generate", "--spec FILE [--operation \"METHOD /path\" | operationId]... [--negative] --out DIR", help("generate"))
	fs.StringVar(&opts.SpecPath, "spec", "", "the OpenAPI 3 or Swagger 2.0 file (required)")
	fs.Func("operation", `an operation, as "METHOD /path" or its operationId (repeatable; default: all)`, func(v string) error {
		opts.Operations = append(opts.Operations, v)
		return nil
	})
	fs.BoolVar(&opts.Negative, "negative", false, "also write a case per mistake a checker must catch")
	fs.StringVar(&opts.Out, "out", "", "the folder to write the case files to (required)")
	fs.StringVar(&opts.Auth, "auth", "default", "the client the cases' auth: names (the mock's default overlay has \"default\")")
	if ok, code := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	if opts.SpecPath == "" || opts.Out == "" || fs.NArg() > 0 {
		usageError(stderr, fs, errors.New("--spec FILE and --out DIR are required and no other arguments are taken"))
		return exitUsage
	}
	s, err := spec.Load(opts.SpecPath)
	if err != nil {
		fmt.Fprintf(stderr, "casebook generate: %v\n", err)
		return exitUsage
	}
	if err := checkAuth(opts); err != nil {
		usageError(stderr, fs, err)
		return exitUsage
	}
	files, skipped, err := generate.Suite(context.Background(), s, opts)
	if err == nil {
		err = generate.Write(opts.Out, files)
	}
	if err != nil {
		fmt.Fprintf(stderr, "casebook generate: %v\n", err)
		return exitUsage
	}
	cases := 0
	for _, f := range files {
		cases += f.Cases
	}
	if len(s.Operations()) == 0 {
		fmt.Fprintf(stderr, "casebook generate: %s declares no operations (webhooks are requests the API sends, not ones it takes)\n", opts.SpecPath)
	}
	for _, sk := range skipped {
		fmt.Fprintf(stderr, "casebook generate: skipped %s: %s\n", sk.Op, sk.Reason)
	}
	fmt.Fprintf(stdout, "wrote %d cases in %d files to %s\n", cases, len(files), opts.Out)
	return exitOK
}

// checkAuth refuses an --auth the mock will not know: a spec with an
// overlay has its own clients, not the default overlay's.
func checkAuth(opts generate.Options) error {
	ov, err := mockserver.OverlayFor(opts.SpecPath)
	if err != nil || ov == nil || ov.Client(opts.Auth) != nil {
		return err
	}
	return fmt.Errorf("the overlay %s has no client %q for the cases' auth:; name one with --auth (%s)", ov.File, opts.Auth, strings.Join(ov.ClientNames(), ", "))
}
