package runner

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

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

// LoadSlim keeps what selects and names a case; casefile.Whole gives back
// the very case LoadCases decodes.
func TestLoadSlimGivesBackWholeCases(t *testing.T) {
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
	for i := range slim {
		got, err := casefile.Whole(slim[i])
		if err != nil {
			t.Fatalf("Whole(%s) error: %v", slim[i].Name, err)
		}
		if diff := cmp.Diff(whole[i], got, cmp.AllowUnexported(Case{})); diff != "" {
			t.Errorf("Whole(%s) mismatch (-Load +LoadSlim):\n%s", slim[i].Name, diff)
		}
	}
}

// A case file edited after the cases were loaded changes nothing in the
// run: each case was decoded once, when it was checked.
func TestLoadSlimFileChanged(t *testing.T) {
	config, file := twoCaseProject(t)
	_, slim, err := LoadSlim(config, []string{file})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("not: [a case"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := casefile.Whole(slim[1])
	if err != nil || got.Name != "second" || got.Request.Path != "/things/2" || got.Expect.Status != 404 {
		t.Errorf("Whole(second) = %+v, %v; want the case as loaded", got, err)
	}
}
