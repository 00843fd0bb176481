package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// standInSpec is a contract the stand-in breaks: a thing has a string id
// and a required name, and GET /teapot declares only 200.
const standInSpec = `openapi: 3.0.3
info: {title: stand-in, version: "1"}
paths:
  /things/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200": {description: the thing, content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}}
  /teapot:
    get:
      responses:
        "200": {description: tea, content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}}
components:
  schemas:
    Thing:
      type: object
      required: [id, name]
      properties: {id: {type: string}, name: {type: string}}
`

// standInProject writes a project whose one case is caseYAML, checked
// against standInSpec.
func standInProject(t *testing.T, caseYAML string) string {
	t.Helper()
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "things.yaml"), []byte(standInSpec), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "casebook.yaml"), []byte("suites:\n  - cases: cases\n    spec: things.yaml\n"), 0o644))
	must(t, os.MkdirAll(filepath.Join(dir, "cases"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "cases", "case.yaml"), []byte(caseYAML), 0o644))
	return dir
}

// TestConformanceAgainstStandIn is the stand-in: a server that
// answers {"id": 5} fails the case on /id and /name even though the case
// expects exactly that body, and a status the spec does not declare fails
// a case that expects it. Both exit 1; expect.conformance: warn passes.
func TestConformanceAgainstStandIn(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/teapot" {
			w.WriteHeader(http.StatusTeapot)
		}
		_, _ = w.Write([]byte(`{"id": 5}`))
	}))
	defer srv.Close()
	for _, tc := range []struct {
		name, caseYAML string
		code           int
		want           []string
	}{
		{
			name:     "body breaks the schema",
			caseYAML: "name: thing\nrequest: {method: GET, path: /things/t1}\nexpect: {status: 200, body: {id: 5}}\n",
			code:     exitFailed,
			want: []string{
				"FAIL thing",
				"conformance /id\n        + error body /id: type: value must be a string (allowed: string)",
				"conformance /name\n        + error body /name: required: property \"name\" is missing",
				"0 passed, 1 failed",
			},
		},
		{
			name:     "undeclared status the case expects",
			caseYAML: "name: teapot\nrequest: {method: GET, path: /teapot}\nexpect: {status: 418}\n",
			code:     exitFailed,
			want: []string{
				"FAIL teapot",
				"error status: status: 418 is not a status GET /teapot declares, and it declares no default (allowed: 200)",
				"0 passed, 1 failed",
			},
		},
		{
			name:     "an API known to drift: warnings",
			caseYAML: "name: thing\nrequest: {method: GET, path: /things/t1}\nexpect: {status: 200, conformance: warn}\n",
			code:     exitOK,
			want:     []string{"PASS thing (GET /things/t1 -> 200) [2 contract warnings]", "1 passed, 0 failed"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := casebook(t, standInProject(t, tc.caseYAML), "run", "--target", srv.URL)
			if o.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", o.code, tc.code, o.stdout, o.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(o.stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, o.stdout)
				}
			}
		})
	}
}
