package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/casebook-dev/casebook/internal/capture"
	"github.com/casebook-dev/casebook/internal/cli"
	"github.com/casebook-dev/casebook/internal/curl"
	"github.com/casebook-dev/casebook/runner"
)

func cmdImport(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "curl" && args[0] != "har" && args[0] != "-h" && args[0] != "--help" && args[0] != "help") {
		fmt.Fprintln(stderr, "casebook import: want import curl -- <curl arguments>, or import har FILE; see casebook help import")
		return exitUsage
	}
	kind := args[0]
	if kind != "curl" && kind != "har" {
		kind, args = "curl", append([]string{"curl"}, args...)
	}
	fs := cli.NewFlagSet("import "+kind, map[string]string{"curl": "[flags] -- <curl arguments>", "har": "[flags] FILE.har"}[kind], help("import"))
	var o capture.Options
	config := fs.String("config", "", "project config file (default: casebook.yaml in this folder or above)")
	fs.StringVar(&o.Out, "out", "", "write the case to this file (default: stdout); an existing file is not overwritten")
	fs.StringVar(&o.Spec, "spec", "", "spec to lint against (default: the config's spec that has the operation)")
	fs.StringVar(&o.Name, "name", "", "the case's name (default: from the method and path)")
	fs.StringVar(&o.Auth, "auth", "", "credential the case's auth: names when the request carried an Authorization header (default: casebook.yaml's only credential, else \"default\")")
	entry := 0
	if kind == "har" {
		fs.IntVar(&entry, "entry", 0, "the entry to import, 1-based (default: the only one, else the first that failed)")
	}
	// Everything after -- is positional: curl's arguments, its flags included.
	if ok, code := parseFlags(fs, args[1:], stdout, stderr); !ok {
		return code
	}
	var req *curl.Request
	var err error
	switch {
	case kind == "curl":
		req, err = capture.FromCurl(fs.Args())
		o.Source = "imported from a curl command"
	case fs.NArg() != 1:
		err = errors.New("name one HAR file")
	default:
		req, o.Source, err = capture.FromHAR(fs.Arg(0), entry)
	}
	if err != nil {
		fmt.Fprintf(stderr, "casebook import %s: %v\n", kind, err)
		return exitUsage
	}
	cfg, err := runner.OpenConfig(*config)
	if err != nil {
		return fail(stderr, err)
	}
	o.Specs, o.SpecFor, o.Credentials = cfg.Specs(), cfg.SpecFor, slices.Sorted(maps.Keys(cfg.Credentials))
	c, err := capture.New(context.Background(), req, o)
	if err != nil {
		fmt.Fprintf(stderr, "casebook import: %v\n", err)
		return exitUsage
	}
	c.Summary(stderr)
	if o.Out == "" {
		_, err = stdout.Write(c.YAML)
	} else if err = c.WriteNew(o.Out); err == nil {
		fmt.Fprintf(stderr, "wrote %s: fill in pitfall:, then casebook run %s\n", o.Out, o.Out)
	}
	if err != nil {
		fmt.Fprintf(stderr, "casebook import: %v\n", err)
		return exitUsage
	}
	return exitOK
}
