package generate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/lint"
	"github.com/casebook-dev/casebook/internal/spec"
)

// Options say which cases Suite writes.
type Options struct {
	// SpecPath is the spec file as the user named it; each case's spec:
	// is this path relative to Out.
	SpecPath string
	// Operations selects operations by "METHOD /path" or operationId;
	// empty selects every operation.
	Operations []string
	// Negative adds a case per mutation.
	Negative bool
	// Out is the folder the case files go to.
	Out string
	// Auth names the client a case's auth: takes (default "default", the
	// client of the mock's default overlay).
	Auth string
}

// File is one case file: one operation's cases.
type File struct {
	Path  string
	Data  []byte
	Cases int
}

// Skipped is an operation no valid request could be built for.
type Skipped struct {
	Op     string
	Reason string
}

// Suite builds the case files for the chosen operations: per operation a
// case with a valid request, expecting its lint warnings (never an error)
// and the status the mock answers a valid request with, and with Negative
// a case per mutation, expecting its finding (and whatever else lint
// finds in it) and the mock's status for it. Running them against the
// built-in mock must pass; the corpus test holds the same requests to that.
func Suite(ctx context.Context, s *spec.Spec, opts Options) ([]File, []Skipped, error) {
	ops, err := selectOperations(s, opts.Operations)
	if err != nil {
		return nil, nil, err
	}
	if opts.Auth == "" {
		opts.Auth = "default"
	}
	specRel, err := relativePath(opts.Out, opts.SpecPath)
	if err != nil {
		return nil, nil, err
	}
	b := NewBuilder(s)
	names := map[string]int{}
	var files []File
	var skipped []Skipped
	for _, op := range ops {
		valid, err := b.Valid(op)
		if err != nil {
			var ue *UnsupportedError
			if !errors.As(err, &ue) {
				return nil, nil, err
			}
			skipped = append(skipped, Skipped{Op: op.String(), Reason: ue.Reason})
			continue
		}
		name := uniqueName(names, caseName(op))
		w := &writer{ctx: ctx, s: s, opts: opts, specRel: filepath.ToSlash(specRel)}
		docs := []*caseDoc{w.valid(name, op, valid)}
		if opts.Negative {
			for _, m := range b.Mutations(op, valid) {
				docs = append(docs, w.negative(name, op, m))
			}
		}
		data, err := encodeCases(op, docs)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", op, err)
		}
		files = append(files, File{Path: filepath.Join(opts.Out, name+".yaml"), Data: data, Cases: len(docs)})
	}
	return files, skipped, nil
}

// relativePath is target as a path relative to the folder dir, as a
// case's spec: is written.
func relativePath(dir, target string) (string, error) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	absTarget, err := filepath.Abs(target)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(absDir, absTarget)
	if err != nil {
		return absTarget, nil // another volume: only the absolute path reaches it
	}
	return rel, nil
}

// selectOperations picks operations by "METHOD /path" or operationId.
func selectOperations(s *spec.Spec, want []string) ([]*spec.Operation, error) {
	if len(want) == 0 {
		return s.Operations(), nil
	}
	var out []*spec.Operation
	for _, w := range want {
		op := findOperation(s, w)
		if op == nil {
			msg := fmt.Sprintf("%s names no operation of %s (want \"METHOD /path\" or an operationId)", w, s.Path)
			if method, path, ok := strings.Cut(strings.TrimSpace(w), " "); ok {
				if near := s.Nearest(method, path, 3); len(near) > 0 {
					msg += "; nearest: " + strings.Join(near, ", ")
				}
			}
			return nil, &SelectError{Msg: msg}
		}
		if !slices.Contains(out, op) {
			out = append(out, op)
		}
	}
	return out, nil
}

// SelectError is an --operation that names nothing.
type SelectError struct{ Msg string }

func (e *SelectError) Error() string { return e.Msg }

func findOperation(s *spec.Spec, w string) *spec.Operation {
	method, path, isRoute := strings.Cut(strings.TrimSpace(w), " ")
	for _, op := range s.Operations() {
		if isRoute && strings.EqualFold(op.Method, method) && op.Path == strings.TrimSpace(path) {
			return op
		}
		if !isRoute && op.Op.OperationID == w {
			return op
		}
	}
	return nil
}

// caseName is the operationId, else the method and path, as a slug.
func caseName(op *spec.Operation) string {
	if id := slug(op.Op.OperationID); id != "" {
		return id
	}
	return strings.ToLower(slug(op.Method + " " + op.Path))
}

func uniqueName(seen map[string]int, name string) string {
	seen[name]++
	if n := seen[name]; n > 1 {
		return fmt.Sprintf("%s-%d", name, n)
	}
	return name
}

// caseDoc is a case as it is written (the fields of casefile.Case that a
// generated case uses, in the order a reader expects).
type caseDoc struct {
	Name         string     `yaml:"name"`
	Pitfall      string     `yaml:"pitfall"`
	Source       string     `yaml:"source"`
	Verification string     `yaml:"verification"`
	Tags         []string   `yaml:"tags,flow"`
	Spec         string     `yaml:"spec"`
	Auth         string     `yaml:"auth,omitempty"`
	Mock         mockDoc    `yaml:"mock"`
	Request      requestDoc `yaml:"request"`
	Expect       expectDoc  `yaml:"expect"`
}

// mockDoc is the case's mock: state off, since the ids a generated
// request names are made up and no item the mock keeps has them: the case
// checks the request and the answer the spec gives it.
type mockDoc struct {
	State string `yaml:"state,flow"`
}

type requestDoc struct {
	Method     string            `yaml:"method"`
	Path       string            `yaml:"path"`
	PathParams map[string]string `yaml:"pathParams,omitempty"`
	Query      map[string]any    `yaml:"query,omitempty"`
	Headers    map[string]string `yaml:"headers,omitempty"`
	Body       *yaml.Node        `yaml:"body,omitempty"`
	Form       map[string]any    `yaml:"form,omitempty"`
}

type expectDoc struct {
	Lint        []findingDoc `yaml:"lint,omitempty"`
	Status      int          `yaml:"status"`
	Conformance string       `yaml:"conformance,omitempty"`
}

type findingDoc struct {
	Pointer  string `yaml:"pointer,omitempty"`
	Rule     string `yaml:"rule"`
	Location string `yaml:"location,omitempty"`
	Severity string `yaml:"severity,omitempty"`
}

type writer struct {
	ctx     context.Context
	s       *spec.Spec
	opts    Options
	specRel string
}

func (w *writer) valid(name string, op *spec.Operation, r *Request) *caseDoc {
	status, _ := op.SuccessResponse()
	d := w.doc(name, op, r, status, "valid")
	d.Pitfall = fmt.Sprintf("None: a valid request to %s, built from the spec; the mock answers it %d.", op, status)
	for _, f := range w.lint(r) {
		if f.Severity == finding.Warning {
			d.Expect.Lint = append(d.Expect.Lint, expected(f))
		}
	}
	return d
}

func (w *writer) negative(name string, op *spec.Operation, m Mutation) *caseDoc {
	d := w.doc(name+"--"+m.Name, op, m.Request, m.Status, "negative")
	// The case asserts the checker's verdict: the finding and the status.
	// The mock's error answer keeps to the spec (its declared error schema;
	// a status it leaves undeclared is a warning for the mock alone), so
	// the case holds the answer to the contract like any other.
	d.Pitfall = fmt.Sprintf("%s: %s, which must be reported as %s at %s.", op, m.Description, m.Want.Rule, pointerOrBody(m.Want.Pointer))
	found := false
	for _, f := range w.lint(m.Request) {
		found = found || m.Want.Matches(f)
		d.Expect.Lint = append(d.Expect.Lint, expected(f))
	}
	if !found {
		// Lint misses it: the case says what it should find, and fails.
		d.Expect.Lint = append(d.Expect.Lint, findingDoc{Pointer: m.Want.Pointer, Rule: m.Want.Rule, Location: string(m.Want.Location)})
	}
	return d
}

func (w *writer) doc(name string, op *spec.Operation, r *Request, status int, kind string) *caseDoc {
	d := &caseDoc{
		Name: name, Verification: "unverified", Tags: []string{"generated", kind}, Spec: w.specRel,
		Source: "generated by casebook generate from " + filepath.ToSlash(w.opts.SpecPath) +
			": the request and its lint findings rest on that spec; the status is what the built-in mock answers",
		Mock:    mockDoc{State: casefile.StateOff},
		Request: requestDoc{Method: r.Method, Path: r.Path, PathParams: r.PathParams, Query: listsDoc(r.Query), Headers: r.Header},
		Expect:  expectDoc{Status: status},
	}
	switch {
	case r.Auth:
		d.Auth = w.opts.Auth
	case needsAuth(w.s.Doc, op):
		d.Auth = "none" // said outright: a config's default credential must not fill it in
	}
	if r.Form != nil {
		d.Request.Form = listsDoc(r.Form)
	} else if r.ContentType != "" {
		d.Request.Body = bodyDoc(r.Body)
		if r.ContentType != "application/json" && d.Request.Headers["Content-Type"] == "" {
			d.Request.Headers = maps.Clone(r.Header)
			if d.Request.Headers == nil {
				d.Request.Headers = map[string]string{}
			}
			d.Request.Headers["Content-Type"] = r.ContentType
		}
	}
	if len(d.Request.PathParams) == 0 {
		d.Request.PathParams = nil
	}
	if len(d.Request.Headers) == 0 {
		d.Request.Headers = nil
	}
	return d
}

// bodyDoc is the body as a node: a body of {}, false or null is sent, and
// omitempty would drop it as a plain value.
func bodyDoc(v any) *yaml.Node {
	n := &yaml.Node{}
	if err := n.Encode(v); err != nil || v == nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
	return n
}

// listsDoc writes a key sent once as a scalar and a repeated one as a
// list (query: and form: take both).
func listsDoc(v map[string][]string) map[string]any {
	if len(v) == 0 {
		return nil
	}
	out := make(map[string]any, len(v))
	for k, vs := range v {
		if len(vs) == 1 {
			out[k] = vs[0]
		} else {
			out[k] = vs
		}
	}
	return out
}

func (w *writer) lint(r *Request) []finding.Finding {
	lr, opts := r.Lint()
	return lint.Check(w.ctx, w.s, lr, opts).Findings
}

func expected(f finding.Finding) findingDoc {
	d := findingDoc{Pointer: f.Pointer, Rule: f.Rule, Location: string(f.Location)}
	if f.Severity == finding.Warning {
		d.Severity = string(finding.Warning)
	}
	return d
}

func pointerOrBody(p string) string {
	if p == "" {
		return "the body"
	}
	return p
}

func encodeCases(op *spec.Operation, docs []*caseDoc) ([]byte, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: generated by casebook generate. Edit freely: it is a starting point.\n", op)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(docs); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// ExistsError is a case file Write would overwrite.
type ExistsError struct{ Path string }

func (e *ExistsError) Error() string {
	return e.Path + ": already exists; casebook generate never overwrites a file (choose another --out, or remove it)"
}

// Write creates the folder dir and writes the files into it, refusing
// before writing anything when one exists already. Each file is written to a temporary name first and
// linked to its own (which fails rather than replace a file that appeared
// meanwhile), so an interrupted run leaves no half-written case.
func Write(dir string, files []File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if _, err := os.Lstat(f.Path); err == nil {
			return &ExistsError{Path: f.Path}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	for _, f := range files {
		if err := os.MkdirAll(filepath.Dir(f.Path), 0o755); err != nil {
			return err
		}
		tmp, err := os.CreateTemp(filepath.Dir(f.Path), ".casebook-generate-*")
		if err != nil {
			return err
		}
		_, werr := tmp.Write(f.Data)
		cerr := tmp.Close()
		if err := errors.Join(werr, cerr); err != nil {
			os.Remove(tmp.Name())
			return err
		}
		err = os.Link(tmp.Name(), f.Path)
		os.Remove(tmp.Name())
		if errors.Is(err, fs.ErrExist) {
			return &ExistsError{Path: f.Path}
		}
		if err != nil {
			return err
		}
	}
	return nil
}
