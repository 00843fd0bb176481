package runner

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/target"
)

// echoServer answers every POST /things/{id} with {"id", "name", "at"} taken
// from the request, like a server that stores what it is sent.
func echoServer(t *testing.T, hits *atomic.Int32) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		var in map[string]any
		_ = json.NewDecoder(r.Body).Decode(&in)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("X-Request-Id", "req-42")
		id := strings.TrimPrefix(r.URL.Path, "/things/")
		_ = json.NewEncoder(w).Encode(map[string]any{"id": id, "name": in["name"], "at": "2026-11-26T00:00:00Z"})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func loadProject(t *testing.T) (*Config, []*casefile.Case) {
	t.Helper()
	cfg, err := FindConfig("testdata/project")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := LoadCases(cfg, cfg.DefaultPaths())
	if err != nil {
		t.Fatal(err)
	}
	return cfg, cases
}

func TestRunAgainstURL(t *testing.T) {
	var hits atomic.Int32
	srv := echoServer(t, &hits)
	_, cases := loadProject(t)
	target, err := target.NewURLTarget(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	r := New(Options{Target: target, Vars: map[string]string{"THING_ID": "t-1"}})
	defer r.Close()
	results := r.Run(context.Background(), cases)
	byName := map[string]*Result{}
	for _, res := range results {
		byName[res.Case.Name] = res
	}
	if got := byName["good"]; got.Status != Passed {
		t.Errorf("good: status %s, differences %v, reason %q", got.Status, got.Differences, got.Reason)
	} else if got.CorrelationID != "req-42" || got.Operation != "POST /things/{id}" {
		t.Errorf("good: correlation id %q operation %q, want req-42 and POST /things/{id}", got.CorrelationID, got.Operation)
	}
	if got := byName["pitfall-size"]; got.Status != Passed {
		t.Errorf("pitfall-size: status %s, differences %v", got.Status, got.Differences)
	}
	// exact-body: the answer has "at", which is ignored, so exact passes.
	if got := byName["exact-body"]; got.Status != Passed {
		t.Errorf("exact-body: status %s, differences %v", got.Status, got.Differences)
	}
	if hits.Load() != 3 {
		t.Errorf("server saw %d requests, want 3", hits.Load())
	}
}

func TestRunReportsDifferences(t *testing.T) {
	var hits atomic.Int32
	srv := echoServer(t, &hits)
	_, cases := loadProject(t)
	c := cases[0] // good
	c2 := *c
	c2.Expect.Status = 201
	c2.Expect.Headers = map[string]string{"X-Missing": ""}
	target, _ := target.NewURLTarget(srv.URL)
	r := New(Options{Target: target, Vars: map[string]string{"THING_ID": "t-9"}})
	defer r.Close()
	res := r.RunCase(context.Background(), &c2)
	if res.Status != Failed {
		t.Fatalf("status %s, want failed", res.Status)
	}
	var got []string
	for _, d := range res.Differences {
		got = append(got, d.String())
	}
	want := []string{
		"status: want 201, got 200",
		`header X-Missing: want "(present)", got nothing`,
		`body /id: want "t-1", got "t-9"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("differences:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.Response == nil || !strings.Contains(string(res.Response.Body), `"t-9"`) {
		t.Errorf("the failing result must keep the answer's body, got %v", res.Response)
	}
}

func TestLintExpectations(t *testing.T) {
	_, cases := loadProject(t)
	c := *cases[1] // pitfall-size
	c.Expect.Lint = c.Expect.Lint[:1]
	r := New(Options{LintOnly: true})
	res := r.RunCase(context.Background(), &c)
	if res.Status != Failed || len(res.Differences) != 1 || res.Differences[0].Part != diff.Lint || !res.Differences[0].Extra {
		t.Fatalf("an unlisted finding must fail the case: %s %v", res.Status, res.Differences)
	}
	c.Expect.Lint = append(c.Expect.Lint, casefile.ExpectedFinding{Pointer: "/nope", Rule: "required"})
	res = r.RunCase(context.Background(), &c)
	var missing bool
	for _, d := range res.Differences {
		missing = missing || (d.Missing && d.Pointer == "/nope")
	}
	if !missing {
		t.Errorf("an expected finding lint did not make must be a difference: %v", res.Differences)
	}
}

func TestMissingVariable(t *testing.T) {
	_, cases := loadProject(t)
	r := New(Options{LintOnly: true})
	res := r.RunCase(context.Background(), cases[0])
	if res.Status != Errored || !strings.Contains(res.Reason, "good.yaml:5:") || !strings.Contains(res.Reason, "${THING_ID}") {
		t.Fatalf("RunCase = %s %q, want an error naming good.yaml:5 and ${THING_ID}", res.Status, res.Reason)
	}
}

func TestDeadServer(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, cases := loadProject(t)
	target, _ := target.NewURLTarget(url)
	r := New(Options{Target: target})
	res := r.RunCase(context.Background(), cases[1])
	if res.Status != Errored || !strings.Contains(res.Reason, "POST "+url+"/things/t-1 (case pitfall-size)") {
		t.Fatalf("RunCase = %s %q, want errored naming the request", res.Status, res.Reason)
	}
}

// TestRelativeConfigPath: a config named by a relative path still maps its
// suites' folders (Dir is made absolute).
func TestRelativeConfigPath(t *testing.T) {
	cfg, err := LoadConfig("testdata/project/casebook.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cases, err := LoadCases(cfg, []string{"testdata/project/cases/good.yaml"})
	if err != nil {
		t.Fatalf("LoadCases with a relative config path: %v", err)
	}
	if got := cases[0].SpecPath; got != "testdata/project/specs/echo.yaml" {
		t.Errorf("SpecPath = %q, want testdata/project/specs/echo.yaml", got)
	}
}

// TestSpecProblems: a spec that breaks an OpenAPI rule casebook can live
// with (an undeclared path parameter, as the published Genesys swagger has)
// still loads, and the runner says what is wrong with it; an absolute spec
// path in a case is taken as it is.
func TestSpecProblems(t *testing.T) {
	abs, err := filepath.Abs("testdata/problems/spec.yaml")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "case.yaml")
	if err := os.WriteFile(file, []byte("spec: "+abs+"\nrequest: {method: GET, path: /things/1}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases, err := LoadCases(&Config{}, []string{file})
	if err != nil {
		t.Fatalf("LoadCases with an absolute spec path: %v", err)
	}
	r := New(Options{LintOnly: true})
	if err := r.LoadSpecs(cases); err != nil {
		t.Fatalf("LoadSpecs: %v", err)
	}
	if probs := r.SpecProblems(); len(probs) != 0 {
		t.Errorf("SpecProblems before any case ran = %v, want none: no operation is touched yet", probs)
	}
	if res := r.RunCase(context.Background(), cases[0]); res.Status != Passed {
		t.Errorf("a case on that spec: %s %v %q", res.Status, res.Differences, res.Reason)
	}
	probs := r.SpecProblems()
	if len(probs) != 1 || len(probs[0].Problems) == 0 || !strings.Contains(probs[0].Problems[0], "path parameters") {
		t.Fatalf("SpecProblems = %v, want the undeclared path parameter", probs)
	}
}
