package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/mockserver"
)

// aliasBomb is the 432-byte file: nine anchors of nine aliases
// (9^9 scalars once expanded) under key, indented by indent.
func aliasBomb(key, indent string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s:\n", indent, key)
	fmt.Fprintf(&b, "%s  a0: &a0 [x, x, x, x, x, x, x, x, x]\n", indent)
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "%s  a%d: &a%d [%s]\n", indent, i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 9), ", "))
	}
	return b.String()
}

var aliasError = regexp.MustCompile(`(\S+):(\d+):(\d+): excessive aliasing: \*a\d`)

// TestAliasBombsAreRefused: an alias bomb in a case, an overlay or
// casebook.yaml is a file:line:col error and exit 2, for every command
// that reads the file (each used to grow past gigabytes).
func TestAliasBombsAreRefused(t *testing.T) {
	bombCase := writeProject(t, "name: bomb\nrequest:\n  method: POST\n  path: /x\n"+aliasBomb("body", "  "))
	bombConfig := t.TempDir()
	must(t, os.WriteFile(filepath.Join(bombConfig, "casebook.yaml"), []byte(aliasBomb("vars", "")), 0o644))
	bombOverlay := filepath.Join(t.TempDir(), "bomb.overlay.yaml")
	must(t, os.WriteFile(bombOverlay, []byte(aliasBomb("fixtures", "")), 0o644))
	pcSpec, err := filepath.Abs("../../specs/personal-connection.yaml")
	must(t, err)
	for _, tc := range []struct {
		name, dir string
		args      []string
		file      string
	}{
		{"case, lint", bombCase, []string{"lint"}, filepath.Join("cases", "case.yaml")},
		{"case, run", bombCase, []string{"run"}, filepath.Join("cases", "case.yaml")},
		{"case, curl", bombCase, []string{"curl", "cases/case.yaml"}, filepath.Join("cases", "case.yaml")},
		{"casebook.yaml, lint", bombConfig, []string{"lint"}, "casebook.yaml"},
		{"overlay, mock", "", []string{"mock", "--spec", pcSpec, "--overlay", bombOverlay}, bombOverlay},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := casebook(t, tc.dir, tc.args...)
			m := aliasError.FindStringSubmatch(o.stderr)
			if o.code != exitUsage || m == nil || !strings.HasSuffix(m[1], tc.file) {
				t.Errorf("casebook %v: exit %d, stderr:\n%s\nwant exit 2 and %s:line:col: excessive aliasing", tc.args, o.code, o.stderr, tc.file)
			}
		})
	}
}

// TestRemoteRefsNeedTheFlag: lint, run and mock fetch no remote $ref
// unless --allow-remote-refs; without it the spec is an error (exit 2)
// naming the $ref, and the server sees no request.
func TestRemoteRefsNeedTheFlag(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("Call: {type: object, required: [to], properties: {to: {type: string}}}\n"))
	}))
	defer srv.Close()
	dir := t.TempDir()
	ref := srv.URL + "/schemas.yaml#/Call"
	must(t, os.WriteFile(filepath.Join(dir, "openapi.yaml"), []byte(`openapi: 3.0.3
info: {title: remote, version: "1"}
paths:
  /calls:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '`+ref+`'}
      responses:
        "204": {description: placed}
`), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "case.yaml"), []byte("name: c\nspec: openapi.yaml\nrequest: {method: POST, path: /calls, body: {}}\n"+
		"expect:\n  lint: [{pointer: /to, rule: required}]\n"), 0o644))
	want := `openapi.yaml:10:28: $ref "` + ref + `"`
	for _, args := range [][]string{{"lint", "case.yaml"}, {"run", "case.yaml"}, {"mock", "--spec", "openapi.yaml", "--addr", "127.0.0.1:0"}} {
		o := casebook(t, dir, args...)
		if o.code != exitUsage || !strings.Contains(o.stderr, want) || !strings.Contains(o.stderr, "--allow-remote-refs") {
			t.Errorf("casebook %v: exit %d, stderr:\n%s\nwant exit 2 and %s", args, o.code, o.stderr, want)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the remote $ref was fetched %d time(s) without --allow-remote-refs", n)
	}
	o := casebook(t, dir, "lint", "--allow-remote-refs", "case.yaml")
	if o.code != exitOK || hits.Load() == 0 {
		t.Errorf("casebook lint --allow-remote-refs: exit %d after %d fetch(es), want 0 after one:\n%s%s", o.code, hits.Load(), o.stdout, o.stderr)
	}
}

// TestReportNeverOverwritesAnInput: --report naming a case, the spec,
// casebook.yaml, the overlay, the config's secrets file or --secrets' file,
// or two --reports naming one file, exit 2
// before anything runs, and nothing is written.
func TestReportNeverOverwritesAnInput(t *testing.T) {
	dir := writeProject(t, brokenExpectation)
	spec := filepath.Join(dir, "specs", "api.yaml")
	must(t, os.MkdirAll(filepath.Dir(spec), 0o755))
	data, err := os.ReadFile("../../specs/personal-connection.yaml")
	must(t, err)
	must(t, os.WriteFile(spec, data, 0o644))
	overlay := filepath.Join(dir, "specs", "api.overlay.yaml")
	must(t, os.WriteFile(overlay, []byte("clients: []\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "casebook.yaml"), []byte("suites:\n  - {cases: cases, spec: specs/api.yaml}\nsecretsFile: config.env\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "config.env"), []byte("TOKEN=from-config\n"), 0o600))
	must(t, os.WriteFile(filepath.Join(dir, "flag.env"), []byte("TOKEN=from-flag\n"), 0o600))
	inputs := []string{"cases/case.yaml", "specs/api.yaml", "casebook.yaml", "specs/api.overlay.yaml", "config.env", "flag.env"}
	before := map[string]string{}
	for _, p := range inputs {
		b, err := os.ReadFile(filepath.Join(dir, p))
		must(t, err)
		before[p] = string(b)
	}
	for _, args := range [][]string{
		{"run", "--report", "json=cases/case.yaml"},
		{"lint", "--report", "junit=specs/api.yaml"},
		{"run", "--report", "html=casebook.yaml"},
		{"run", "--report", "markdown=specs/api.overlay.yaml"},
		{"run", "--report", "json=config.env"},
		{"run", "--secrets", "flag.env", "--report", "json=flag.env"},
		{"run", "--secrets", "flag.env", "--report", "junit=./flag.env"},
		{"run", "--report", "json=out/r.json", "--report", "junit=out/./r.json"},
	} {
		o := casebook(t, dir, args...)
		if o.code != exitUsage || o.stdout != "" || !strings.Contains(o.stderr, "--report") {
			t.Errorf("casebook %v: exit %d, stdout %q, stderr %q; want exit 2 before running", args, o.code, o.stdout, o.stderr)
		}
	}
	for _, p := range inputs {
		if b, _ := os.ReadFile(filepath.Join(dir, p)); string(b) != before[p] {
			t.Errorf("%s was overwritten:\n%s", p, b)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Errorf("a report was written although two --reports named one file")
	}
}

func TestMockWarnsBeyondLoopback(t *testing.T) {
	s, err := spec.Load("../../specs/personal-connection.yaml")
	must(t, err)
	for _, tc := range []struct {
		addr string
		warn bool
	}{{"127.0.0.1:0", false}, {"0.0.0.0:0", true}} {
		srv, err := mockserver.New(mockserver.Config{Spec: s, Addr: tc.addr})
		must(t, err)
		must(t, srv.Start())
		var stderr strings.Builder
		warnIfExposed(&stderr, srv)
		srv.Close()
		if got := strings.Contains(stderr.String(), "warning: listening on") && strings.Contains(stderr.String(), "well-known test secrets"); got != tc.warn {
			t.Errorf("--addr %s: stderr %q, want a warning: %v", tc.addr, stderr.String(), tc.warn)
		}
	}
}

// TestReportWriteFailureAfterRunning: exit 2 means nothing ran; a report
// that cannot be written after every case ran is exit 3, and stdout still
// has the report.
func TestReportWriteFailureAfterRunning(t *testing.T) {
	dir := writeProject(t, brokenExpectation)
	o := casebook(t, dir, "run", "--report", "json=casebook.yaml/report.json")
	if o.code != exitReport || !strings.Contains(o.stderr, "the cases ran, but writing the report failed") || !summaryLine.MatchString(o.stdout) {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s\nwant exit 3, the summary on stdout and the failure on stderr", o.code, o.stdout, o.stderr)
	}
}
