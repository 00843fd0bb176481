package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/casebook-dev/casebook/internal/atomicfile"
	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/curl"
	"github.com/casebook-dev/casebook/internal/har"
	"github.com/casebook-dev/casebook/runner"
)

const importHelp = `
Write a new case from a captured request and lint it at once: paste the
failing curl (or export the browser's network log as HAR) and read what is
wrong with the request. The case goes to --out or stdout; the findings,
and what was changed on the way, go to stderr.

Credentials never reach the case: an Authorization header becomes auth:
(--auth names the credential), other credential headers, query
parameters and body fields become ${CASEBOOK_NAME} variables. The spec is
--spec, else the one among casebook.yaml's specs that has the request's
operation.

Examples:
  casebook import curl -- -X POST https://api.mypurecloud.com/api/v2/conversations/calls \
      -H 'Authorization: Bearer ...' -d '{"phoneNumber": "+15550199"}'
  casebook import curl --out cases/genesys-cloud/my-call.yaml -- curl 'https://...' --json '{...}'
  casebook import har --entry 3 --out cases/genesys-cloud/from-browser.yaml session.har
`

func cmdImport(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "curl" && args[0] != "har" && args[0] != "-h" && args[0] != "--help" && args[0] != "help") {
		fmt.Fprintln(stderr, "casebook import: want import curl -- <curl arguments>, or import har FILE; see casebook help import")
		return exitUsage
	}
	kind := args[0]
	if kind != "curl" && kind != "har" {
		kind, args = "curl", append([]string{"curl"}, args...)
	}
	fs := newFlagSet("import "+kind, map[string]string{"curl": "[flags] -- <curl arguments>", "har": "[flags] FILE.har"}[kind], importHelp, stderr)
	var o importOptions
	fs.StringVar(&o.config, "config", "", "project config file (default: casebook.yaml in this folder or above)")
	fs.StringVar(&o.out, "out", "", "write the case to this file (default: stdout); an existing file is not overwritten")
	fs.StringVar(&o.spec, "spec", "", "spec to lint against (default: the config's spec that has the operation)")
	fs.StringVar(&o.name, "name", "", "the case's name (default: from the method and path)")
	fs.StringVar(&o.auth, "auth", "", "credential the case's auth: names when the request carried an Authorization header (default: casebook.yaml's only credential, else \"default\")")
	entry := 0
	if kind == "har" {
		fs.IntVar(&entry, "entry", 0, "the entry to import, 1-based (default: the only one, else the first that failed)")
	}
	// For curl, everything after -- belongs to curl: split before parsing.
	flagArgs, rest := args[1:], []string(nil)
	if kind == "curl" {
		for i, a := range flagArgs {
			if a == "--" {
				flagArgs, rest = flagArgs[:i], flagArgs[i+1:]
				break
			}
		}
	}
	if ok, code := parseFlags(fs, flagArgs, stdout); !ok {
		return code
	}
	req, source, err := capturedRequest(kind, fs.Args(), rest, entry)
	if err != nil {
		fmt.Fprintf(stderr, "casebook import %s: %v\n", kind, err)
		return exitUsage
	}
	o.source = source
	return importRequest(req, o, stdout, stderr)
}

type importOptions struct {
	config, out, spec, name, auth, source string
}

func capturedRequest(kind string, positional, curlArgs []string, entry int) (*curl.Request, string, error) {
	if kind == "curl" {
		if len(positional) > 0 {
			curlArgs = append(positional, curlArgs...)
		}
		if len(curlArgs) == 0 {
			return nil, "", errors.New("no curl arguments: casebook import curl -- -X POST https://... -d '...'")
		}
		r, err := curl.Parse(curlArgs, os.ReadFile)
		return r, "imported from a curl command", err
	}
	if len(positional) != 1 {
		return nil, "", errors.New("name one HAR file")
	}
	data, err := os.ReadFile(positional[0])
	if err != nil {
		return nil, "", err
	}
	entries, err := har.Parse(data)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", positional[0], err)
	}
	e, err := har.Pick(entries, entry)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", positional[0], err)
	}
	return e.Request, fmt.Sprintf("imported from %s, entry %d", filepath.Base(positional[0]), e.Index), nil
}

func importRequest(req *curl.Request, o importOptions, stdout, stderr io.Writer) int {
	cfg, err := loadConfig(o.config)
	if err != nil {
		fmt.Fprintf(stderr, "casebook: %v\n", err)
		return exitUsage
	}
	if o.out != "" {
		if _, err := os.Stat(o.out); err == nil {
			fmt.Fprintf(stderr, "casebook import: %s exists; choose another --out (nothing is overwritten)\n", o.out)
			return exitUsage
		}
	}
	copts := curl.CaseOptions{Name: o.name, Source: o.source, Auth: o.auth}
	if copts.Auth == "" {
		copts.Auth = defaultCredential(cfg)
	}
	draft, _, err := curl.ToCase(req, copts)
	if err != nil {
		fmt.Fprintf(stderr, "casebook import: %v\n", err)
		return exitUsage
	}
	res, specPath, err := lintDraft(cfg, draft, o.spec)
	if err != nil {
		fmt.Fprintf(stderr, "casebook import: %v\n", err)
		return exitUsage
	}
	copts.Operation, copts.Findings = res.Operation, res.Findings
	final, notes, err := curl.ToCase(req, copts)
	if err != nil {
		fmt.Fprintf(stderr, "casebook import: %v\n", err)
		return exitUsage
	}
	for _, n := range notes {
		fmt.Fprintf(stderr, "note: %s\n", n)
	}
	fmt.Fprintf(stderr, "lint against %s (%s): %d finding(s)\n", specPath, orDefaultStr(res.Operation, "no operation"), len(res.Findings))
	for _, f := range res.Findings {
		fmt.Fprintf(stderr, "  %s\n", f)
	}
	if res.Status == runner.Errored {
		fmt.Fprintf(stderr, "  %s\n", res.Reason)
	}
	if o.out == "" {
		if o.spec == "" {
			fmt.Fprintf(stderr, "note: saved outside a casebook.yaml suite folder, the case needs spec: %s\n", specPath)
		}
		_, err = stdout.Write(final)
	} else {
		err = writeCase(cfg, o.out, specPath, req, copts)
		if err == nil {
			fmt.Fprintf(stderr, "wrote %s: fill in pitfall:, then casebook run %s\n", o.out, o.out)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "casebook import: %v\n", err)
		return exitUsage
	}
	return exitOK
}

// lintDraft lints the draft case against spec, or against each spec the
// config knows until one has the request's operation.
func lintDraft(cfg *runner.Config, draft []byte, spec string) (*runner.Result, string, error) {
	cases, err := casefile.Decode("imported.yaml", draft)
	if err != nil {
		return nil, "", fmt.Errorf("the imported case does not decode (please report this): %w", err)
	}
	c := cases[0]
	candidates := []string{spec}
	if spec == "" {
		candidates = configSpecs(cfg)
	}
	if len(candidates) == 0 {
		return nil, "", errors.New("no spec to lint against: pass --spec, or map a folder to a spec in casebook.yaml")
	}
	r := runner.New(runner.Options{LintOnly: true})
	defer r.Close()
	var first *runner.Result
	for _, s := range candidates {
		c.SpecPath = s
		res := r.RunCase(context.Background(), c)
		if res.Operation != "" {
			return res, s, nil
		}
		if first == nil {
			first = res
		}
	}
	return first, candidates[0], nil
}

// configSpecs lists the specs casebook.yaml names, suites first, each once.
func configSpecs(cfg *runner.Config) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range cfg.Suites {
		if p := cfg.Abs(s.Spec); !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if cfg.Spec != "" && !seen[cfg.Abs(cfg.Spec)] {
		out = append(out, cfg.Abs(cfg.Spec))
	}
	return out
}

func orDefaultStr(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// writeCase writes the case to out, with spec: when the folder's suite
// would not check it against specPath.
func writeCase(cfg *runner.Config, out, specPath string, req *curl.Request, copts curl.CaseOptions) error {
	data, _, err := curl.ToCase(req, copts)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(out, data); err != nil {
		return err
	}
	cases, err := runner.LoadCases(cfg, []string{out})
	if err == nil && len(cases) == 1 && sameFile(cases[0].SpecPath, specPath) {
		return nil
	}
	rel, err := filepath.Rel(filepath.Dir(absPath(out)), absPath(specPath))
	if err != nil {
		rel = absPath(specPath)
	}
	copts.Spec = filepath.ToSlash(rel)
	if data, _, err = curl.ToCase(req, copts); err != nil {
		return err
	}
	return atomicfile.Write(out, data)
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

func sameFile(a, b string) bool { return absPath(a) == absPath(b) }

// defaultCredential is the config's only credential, else "default".
func defaultCredential(cfg *runner.Config) string {
	if len(cfg.Credentials) == 1 {
		for name := range cfg.Credentials {
			return name
		}
	}
	return "default"
}
