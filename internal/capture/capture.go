// Package capture turns a captured request (a pasted curl command, a HAR
// entry) into a new case and says at once what is wrong with it: it picks
// the spec that has the request's operation, lints the request as captured,
// and writes the case once, with the findings as expect.lint, the path as
// the operation's template, and spec: when the folder the case goes to
// would check it against another spec. It is `casebook import`.
package capture

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/casebook-dev/casebook/internal/atomicfile"
	"github.com/casebook-dev/casebook/internal/curl"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/har"
	"github.com/casebook-dev/casebook/internal/inputfile"
	"github.com/casebook-dev/casebook/internal/lint"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/mockserver"
)

// FromCurl reads a curl command's arguments ("curl" first or not); -d @file
// reads the file.
func FromCurl(args []string) (*curl.Request, error) {
	if len(args) == 0 {
		return nil, errors.New("no curl arguments: casebook import curl -- -X POST https://... -d '...'")
	}
	return curl.Parse(args, curl.ReadBodyFile)
}

// FromHAR reads entry (1-based; 0 picks as har.Pick does) of a HAR file,
// and says where the request came from.
func FromHAR(path string, entry int) (*curl.Request, string, error) {
	entries, err := har.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	e, err := har.Pick(entries, entry)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	return e.Request, fmt.Sprintf("imported from %s, entry %d", filepath.Base(path), e.Index), nil
}

// Options say how the case is named, which credential it uses and where
// it goes.
type Options struct {
	// Name, Source and Auth are as in curl.CaseOptions. Auth "" is the
	// only one of Credentials, else the first client of the spec's mock
	// overlay, else "default" (the client of a mock without an overlay).
	Name, Source, Auth string
	// Credentials are the names casebook.yaml has under credentials:.
	Credentials []string
	// Spec is the spec to lint against; "" tries Specs in order and takes
	// the first that has the request's operation (else the first).
	Spec  string
	Specs []string
	// Out is the file the case will be written to, "" for stdout.
	Out string
	// SpecFor is the spec a case file at a path is checked against when
	// it names none (the config's suites); nil when there is no config.
	SpecFor func(caseFile string) string
}

// Case is the imported case and what lint said about its request.
type Case struct {
	// YAML is the case file.
	YAML []byte
	// Notes say what was changed or left out on the way, for the person importing.
	Notes []string
	// SpecPath is the spec the request was linted against.
	SpecPath string
	// Operation is the spec operation the request resolved to, "" when none.
	Operation string
	Findings  []finding.Finding
}

// New lints req against the spec and writes it as a case.
func New(ctx context.Context, req *curl.Request, opts Options) (*Case, error) {
	lr, err := lintRequest(req, opts.Auth == "none")
	if err != nil {
		return nil, err
	}
	c, err := pickSpec(ctx, lr, opts)
	if err != nil {
		return nil, err
	}
	auth, note := defaultAuth(opts, c.SpecPath)
	if note != "" && req.Header.Get("Authorization") != "" {
		c.Notes = append(c.Notes, note)
	}
	copts := curl.CaseOptions{Name: opts.Name, Source: opts.Source, Auth: auth,
		Operation: c.Operation, Findings: c.Findings}
	switch {
	case opts.Out != "" && (opts.SpecFor == nil || !inputfile.Same(opts.SpecFor(opts.Out), c.SpecPath)):
		copts.Spec = relativeSpec(opts.Out, c.SpecPath)
	case opts.Out == "" && opts.Spec == "":
		c.Notes = append(c.Notes, fmt.Sprintf("saved outside a casebook.yaml suite folder, the case needs spec: %s", c.SpecPath))
	}
	yaml, notes, err := curl.ToCase(req, copts)
	if err != nil {
		return nil, err
	}
	c.YAML, c.Notes = yaml, append(notes, c.Notes...)
	return c, nil
}

// lintRequest is the captured request as lint reads it, with the
// credentials the case will send: no Cookie (the case drops it), and no
// Authorization when the case says auth: none.
func lintRequest(req *curl.Request, noAuth bool) (*lint.Request, error) {
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, fmt.Errorf("URL %q: %w", req.URL, err)
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	h := req.Header.Clone()
	h.Del("Cookie")
	if noAuth {
		h.Del("Authorization")
	}
	return &lint.Request{Method: strings.ToUpper(req.Method), Path: path, Query: u.Query(), Header: h, Body: req.Body}, nil
}

// pickSpec lints the request against opts.Spec, or each of opts.Specs
// until one has its operation.
func pickSpec(ctx context.Context, lr *lint.Request, opts Options) (*Case, error) {
	candidates := opts.Specs
	if opts.Spec != "" {
		candidates = []string{opts.Spec}
	}
	if len(candidates) == 0 {
		return nil, errors.New("no spec to lint against: pass --spec, or map a folder to a spec in casebook.yaml")
	}
	var first *Case
	var errs []error
	for _, path := range candidates {
		s, err := spec.Load(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		res := lint.Check(ctx, s, lr, lint.Options{})
		c := &Case{SpecPath: path, Findings: res.Findings}
		if res.Match != nil {
			c.Operation = res.Match.Operation.String()
			return c, nil
		}
		if first == nil {
			first = c
		}
	}
	if first == nil {
		return nil, errors.Join(errs...)
	}
	return first, nil
}

// defaultAuth is the credential an Authorization header becomes, and a
// note when casebook picked it.
func defaultAuth(opts Options, specPath string) (string, string) {
	switch {
	case opts.Auth != "":
		return opts.Auth, ""
	case len(opts.Credentials) == 1:
		return opts.Credentials[0], ""
	}
	ov, err := mockserver.OverlayFor(specPath)
	names := ov.ClientNames()
	if err != nil || len(names) == 0 {
		return "default", ""
	}
	return names[0], fmt.Sprintf("auth: %s is the first client of the mock's overlay %s (its clients: %s); --auth picks another, or a credential of casebook.yaml for a live target",
		names[0], ov.File, strings.Join(names, ", "))
}

// relativeSpec is spec relative to the folder of the case file out.
func relativeSpec(out, spec string) string {
	rel, err := filepath.Rel(filepath.Dir(absPath(out)), absPath(spec))
	if err != nil {
		rel = absPath(spec)
	}
	return filepath.ToSlash(rel)
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// Summary writes what changed on the way and what lint found, for the
// person importing (casebook import prints it on stderr).
func (c *Case) Summary(w io.Writer) {
	for _, n := range c.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	op := cmp.Or(c.Operation, "no operation")
	fmt.Fprintf(w, "lint against %s (%s): %d finding(s)\n", c.SpecPath, op, len(c.Findings))
	for _, f := range c.Findings {
		fmt.Fprintf(w, "  %s\n", f)
	}
}

// WriteNew writes the case to path, which must not exist: an import never
// overwrites a file.
func (c *Case) WriteNew(path string) error {
	err := atomicfile.WriteNew(path, c.YAML)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s exists; choose another --out (nothing is overwritten)", path)
	}
	return err
}
