// Package scaffold starts a casebook project for a spec (casebook init): a
// casebook.yaml whose suite maps cases/ to the spec, the case format's JSON
// Schema for editors, and a first case that passes. The first case is not
// invented: it is a request to one of the spec's operations, linted, and
// answered by the built-in mock, and it expects exactly what lint and the
// mock said, so `casebook init --spec FILE && casebook run` passes and
// shows where to go next.
package scaffold

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/casebook-dev/casebook/docs"
	"github.com/casebook-dev/casebook/internal/atomicfile"
	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/curl"
	"github.com/casebook-dev/casebook/internal/lint"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/mockserver"
)

// The files a project starts with, relative to its folder.
const (
	ConfigFile = "casebook.yaml"
	SchemaFile = "case.schema.json"
	CasesDir   = "cases"
)

// Init writes a project for specPath into dir and returns the files it
// wrote. It overwrites nothing: an existing casebook.yaml is an error.
func Init(ctx context.Context, dir, specPath string) ([]string, error) {
	if _, err := os.Stat(filepath.Join(dir, ConfigFile)); err == nil {
		return nil, fmt.Errorf("%s exists: this folder is a casebook project already", filepath.Join(dir, ConfigFile))
	}
	s, err := spec.Load(specPath)
	if err != nil {
		return nil, err
	}
	op := firstOperation(s)
	if op == nil {
		return nil, fmt.Errorf("%s has no operations to write a case for", specPath)
	}
	name, kase, err := firstCase(ctx, s, op, specPath)
	if err != nil {
		return nil, err
	}
	files := []struct {
		path string
		data []byte
	}{
		{ConfigFile, config(dir, specPath)},
		{SchemaFile, docs.CaseSchema},
		{filepath.Join(CasesDir, name+".yaml"), kase},
	}
	var wrote []string
	for _, f := range files {
		p := filepath.Join(dir, f.path)
		if err := atomicfile.WriteNew(p, f.data); err != nil {
			return wrote, err
		}
		wrote = append(wrote, p)
	}
	return wrote, nil
}

// config maps cases/ to the spec, by a path relative to dir when the spec
// is below it.
func config(dir, specPath string) []byte {
	p := specPath
	if abs, err := filepath.Abs(specPath); err == nil {
		p = abs
		if d, err := filepath.Abs(dir); err == nil {
			if rel, err := filepath.Rel(d, abs); err == nil && !strings.HasPrefix(rel, "..") {
				p = rel
			}
		}
	}
	return fmt.Appendf(nil, `# casebook project config (written by casebook init): which spec each folder
# of cases is checked against. Paths are relative to this file.
suites:
  - cases: %s
    spec: %s
`, CasesDir, filepath.ToSlash(p))
}

// firstOperation prefers a GET (nothing to send, nothing changed), in the
// spec's order.
func firstOperation(s *spec.Spec) *spec.Operation {
	ops := s.Operations()
	for _, op := range ops {
		if op.Method == http.MethodGet {
			return op
		}
	}
	if len(ops) > 0 {
		return ops[0]
	}
	return nil
}

// firstCase sends a request to op, without credentials or body, to the
// mock, and writes it as a case expecting what lint and the mock said.
func firstCase(ctx context.Context, s *spec.Spec, op *spec.Operation, specPath string) (string, []byte, error) {
	path := casefile.PathParam.ReplaceAllString(op.Path, "example")
	req := &curl.Request{Method: op.Method, URL: "http://localhost" + path, Header: http.Header{}}
	res := lint.Check(ctx, s, &lint.Request{Method: op.Method, Path: path, Header: req.Header}, lint.Options{})
	ov, err := mockserver.OverlayFor(specPath)
	if err != nil {
		return "", nil, err
	}
	srv, err := mockserver.New(mockserver.Config{Spec: s, Overlay: ov})
	if err != nil {
		return "", nil, err
	}
	answer := httptest.NewRecorder()
	srv.ServeHTTP(answer, httptest.NewRequestWithContext(ctx, op.Method, path, nil))
	req.Status = answer.Code
	name := "first-case"
	yaml, _, err := curl.ToCase(req, curl.CaseOptions{
		Name: name, Operation: op.String(), Findings: res.Findings,
		Pitfall: pitfall(answer.Code),
		Source:  fmt.Sprintf("casebook init: %s of %s, sent without credentials or body to the built-in mock; what lint and the mock said", op, filepath.Base(specPath)),
	})
	if err != nil {
		return "", nil, err
	}
	return name, append([]byte("# yaml-language-server: $schema=../"+SchemaFile+"\n"), yaml...), nil
}

func pitfall(status int) string {
	if status == http.StatusUnauthorized {
		return "A request without credentials is refused before anything else about it is checked."
	}
	return "TODO: say in one sentence what goes wrong and why"
}
