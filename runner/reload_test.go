package runner

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/casebook-dev/casebook/internal/casefile"
)

const twoCases = `- name: first
  tags: [a]
  request: {method: POST, path: /things/1, body: {name: widget}}
  expect: {status: 200}
- name: second
  request: {method: GET, path: /things/2}
  expect: {status: 404}
`

// twoCaseProject writes twoCases and a casebook.yaml mapping it to the echo spec.
func twoCaseProject(t *testing.T) (config, file string) {
	t.Helper()
	dir := t.TempDir()
	file = filepath.Join(dir, "two.yaml")
	if err := os.WriteFile(file, []byte(twoCases), 0o644); err != nil {
		t.Fatal(err)
	}
	spec, err := filepath.Abs("testdata/project/specs/echo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	config = filepath.Join(dir, ConfigFile)
	if err := os.WriteFile(config, []byte("suites:\n  - {cases: ., spec: "+spec+"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return config, file
}

// LoadSlim keeps what selects and names a case; the Reloader gives back
// the very case LoadCases decodes, once each.
func TestReloaderGivesBackWholeCases(t *testing.T) {
	config, file := twoCaseProject(t)
	_, whole, err := Load(config, []string{file})
	if err != nil {
		t.Fatal(err)
	}
	_, slim, err := LoadSlim(config, []string{file})
	if err != nil {
		t.Fatal(err)
	}
	if len(slim) != 2 || slim[0].Request.Body != nil || slim[0].Name != "first" || slim[0].Tags[0] != "a" || slim[1].SpecPath != whole[1].SpecPath {
		t.Fatalf("LoadSlim = %+v, want the two cases' names, tags and specs, no requests", slim)
	}
	l := casefile.NewReloader(slim)
	for i := range slim {
		got, err := l.Case(slim[i])
		if err != nil {
			t.Fatalf("Case(%s) error: %v", slim[i].Name, err)
		}
		if diff := cmp.Diff(whole[i], got, cmpopts.IgnoreUnexported(Case{})); diff != "" {
			t.Errorf("Case(%s) mismatch (-LoadCases +Reloader):\n%s", slim[i].Name, diff)
		}
	}
	if _, err := l.Case(slim[0]); err == nil || !strings.Contains(err.Error(), "asked for twice") {
		t.Errorf("Case(first) a second time: error %v, want one saying it was asked for twice", err)
	}
}

// A case file edited while the run goes on errors the cases it moved, by name.
func TestReloaderFileChanged(t *testing.T) {
	config, file := twoCaseProject(t)
	_, slim, err := LoadSlim(config, []string{file})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(twoCases, "name: second", "name: renamed", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	l := casefile.NewReloader(slim)
	if _, err := l.Case(slim[0]); err != nil {
		t.Errorf("Case(first) error: %v, want the case (it did not change)", err)
	}
	got, err := l.Case(slim[1])
	if err == nil || !strings.Contains(err.Error(), "changed while casebook ran: case second") {
		t.Errorf("Case(second) error = %v, want one saying the file changed", err)
	}
	if got == nil || got.Name != "second" {
		t.Errorf("Case(second) = %v, want the slim case, to name it in the report", got)
	}
}
