package runner

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casebook-dev/casebook/internal/casefile"
)

// TestLoadResolvesSpecs: each case's spec is the one it names (relative to
// its file) or the one the config maps its folder to, made relative to the
// working directory; a spec that is not there errors every case that names
// it, each at its own spec: field. The resolver looks each distinct spec
// path up once per load, so cases naming the same path share the answer.
func TestLoadResolvesSpecs(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	files := map[string]string{
		ConfigFile:          "suites:\n  - {cases: cases/a, spec: specs/a.yaml}\n  - {cases: cases/b/deep.yaml, spec: specs/b.yaml}\n",
		"specs/a.yaml":      "openapi: 3.0.3\n",
		"specs/b.yaml":      "openapi: 3.0.3\n",
		"cases/a/one.yaml":  "- name: mapped-1\n  request: {method: GET, path: /x}\n- name: mapped-2\n  request: {method: GET, path: /x}\n",
		"cases/a/two.yaml":  "name: named\nspec: ../../specs/b.yaml\nrequest: {method: GET, path: /x}\n",
		"cases/b/deep.yaml": "name: mapped-file\nrequest: {method: GET, path: /x}\n",
	}
	for name, text := range files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, cases, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range cases {
		got[c.Name] = c.SpecPath
	}
	want := map[string]string{"mapped-1": "specs/a.yaml", "mapped-2": "specs/a.yaml", "named": "specs/b.yaml", "mapped-file": "specs/b.yaml"}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("case %s: SpecPath = %q, want %q", name, got[name], w)
		}
	}

	missing := "- name: gone-1\n  spec: missing.yaml\n  request: {method: GET, path: /x}\n- name: gone-2\n  spec: missing.yaml\n  request: {method: GET, path: /x}\n"
	if err := os.WriteFile("cases/a/three.yaml", []byte(missing), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = Load("", nil)
	var list casefile.ErrorList
	if !errors.As(err, &list) || len(list) != 2 {
		t.Fatalf("Load with a missing spec = %v, want two errors", err)
	}
	for i, e := range list {
		name := []string{"gone-1", "gone-2"}[i]
		if e.Case != name || e.Field != "spec" || e.Pos.Line != []int{2, 5}[i] || !strings.Contains(e.Msg, "unknown spec file cases/a/missing.yaml") {
			t.Errorf("error %d = %v (case %q, field %q, line %d), want case %s's spec: field, naming cases/a/missing.yaml", i, e, e.Case, e.Field, e.Pos.Line, name)
		}
	}
}
