package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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

var coverageLine = regexp.MustCompile(`(?m)^coverage \d+/\d+ \((\d+\.\d)%\): operations \d+/\d+`)

// TestCoverageGate: --coverage prints the table and a percentage,
// --min-coverage fails a partial suite, the JSON report has coverage.
func TestCoverageGate(t *testing.T) {
	o := casebook(t, "", "run", "--coverage", "cases/genesys-cloud")
	if o.code != exitOK {
		t.Fatalf("run --coverage exited %d:\n%s%s", o.code, o.stdout, o.stderr)
	}
	m := coverageLine.FindStringSubmatch(o.stdout)
	if m == nil || !strings.Contains(o.stdout, "coverage of specs/genesys-cloud/openapi.yaml:") ||
		!strings.Contains(o.stdout, "POST /api/v2/conversations/calls") {
		t.Fatalf("run --coverage printed no coverage table and percentage:\n%s", o.stdout)
	}
	if m[1] == "100.0" || m[1] == "0.0" {
		t.Fatalf("the Genesys suite covers %s%%: want a partial suite for this test", m[1])
	}

	o = casebook(t, "", "run", "--min-coverage", "100", "cases/genesys-cloud")
	if o.code != exitFailed || !strings.Contains(o.stderr, "is below --min-coverage 100%") {
		t.Errorf("--min-coverage 100 on a partial suite: exit %d, stderr %q; want 1 and the reason", o.code, o.stderr)
	}
	o = casebook(t, "", "run", "--min-coverage", "1", "cases/genesys-cloud")
	if o.code != exitOK {
		t.Errorf("--min-coverage 1: exit %d, want 0:\n%s", o.code, o.stderr)
	}

	o = casebook(t, "", "run", "--coverage", "--format", "json", "cases/genesys-cloud")
	var rep struct {
		Coverage *struct {
			Percent float64 `json:"percent"`
			Specs   []struct {
				Spec string `json:"spec"`
			} `json:"specs"`
		} `json:"coverage"`
	}
	if err := json.Unmarshal([]byte(o.stdout), &rep); err != nil || rep.Coverage == nil || len(rep.Coverage.Specs) != 1 {
		t.Fatalf("JSON report: %v, coverage %+v", err, rep.Coverage)
	}
	if got := strconv.FormatFloat(rep.Coverage.Percent, 'f', 1, 64); got != m[1] {
		t.Errorf("JSON coverage percent %s, text %s: want the same", got, m[1])
	}

	o = casebook(t, "", "run", "--min-coverage", "101")
	if o.code != exitUsage || !strings.Contains(o.stderr, "want a percentage from 0 to 100") {
		t.Errorf("--min-coverage 101: exit %d stderr %q, want 2", o.code, o.stderr)
	}
}

// casebook run writes its reports as the cases run, coverage and all: the
// catalogue it writes with --report markdown= is the one casebook docs
// writes from every result in hand (docs/pitfalls.md, kept current by
// docs --check), and the html report has its coverage section.
func TestRunStreamsEveryReport(t *testing.T) {
	dir := t.TempDir()
	md, page := filepath.Join(dir, "pitfalls.md"), filepath.Join(dir, "report.html")
	o := casebook(t, "", "run", "--coverage", "--report", "markdown="+md, "--report", "html="+page)
	if o.code != exitOK || coverageLine.FindString(o.stdout) == "" {
		t.Fatalf("run --coverage --report markdown= --report html= exited %d, coverage line %q:\n%s%s", o.code, coverageLine.FindString(o.stdout), o.stdout, o.stderr)
	}
	got, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../docs/pitfalls.md")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("run --report markdown= differs from docs/pitfalls.md (-docs +run):\n%s", diff)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(html), `<section class="case"`); !strings.Contains(string(html), `id="coverage"`) || n < 30 {
		t.Errorf("html report: %d case sections, coverage section %t; want every case and the coverage", n, strings.Contains(string(html), `id="coverage"`))
	}
}
