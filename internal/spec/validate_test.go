package spec

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// problemsSpec has a problem in each place ProblemsOf tells apart: an
// operation with an undeclared path parameter, one whose parameter's enum
// Load repairs, one without problems, and a component schema no operation
// reaches.
const problemsSpec = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things/{id}:
    get:
      responses: {"200": {description: ok}}
  /flags:
    get:
      parameters:
        - {name: on, in: query, schema: {type: boolean, enum: ["true", "false"]}}
      responses: {"200": {description: ok}}
  /fine:
    get:
      responses: {"200": {description: ok}}
components:
  schemas:
    Unused: {type: array}
`

// TestProblemsOf: lint and run report the problems of the operations their
// cases touch; the whole document's stay Problems' (the mock's).
func TestProblemsOf(t *testing.T) {
	file := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(file, []byte(problemsSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	s := mustLoad(t, file)
	op := func(path string) *Operation {
		m, err := s.Find("GET", path)
		if err != nil {
			t.Fatal(err)
		}
		return m.Operation
	}
	for _, tt := range []struct {
		name string
		ops  []*Operation
		want []string // a substring of each problem, in order
	}{
		{"no operation", nil, nil},
		{"an operation without problems", []*Operation{op("/fine")}, nil},
		{"undeclared path parameter", []*Operation{op("/things/1")}, []string{"path parameters"}},
		{"repaired enum", []*Operation{op("/flags")}, []string{`GET /flags: query parameter "on" is typed boolean`}},
		{"both", []*Operation{op("/flags"), op("/fine"), op("/things/1")}, []string{"path parameters", "GET /flags"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := s.ProblemsOf(tt.ops)
			if !matches(got, tt.want) {
				t.Errorf("ProblemsOf(%v) = %q, want problems containing %q", tt.ops, got, tt.want)
			}
		})
	}
	if got, want := s.Problems(), []string{"schema \"Unused\"", "path parameters", "GET /flags"}; !matches(got, want) {
		t.Errorf("Problems() = %q, want problems containing %q", got, want)
	}
}

func matches(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !strings.Contains(got[i], want[i]) {
			return false
		}
	}
	return true
}

// TestProblemsOfPublished: on published specs, the problems of every
// operation are the whole document's but for those of components no
// operation reaches (GitHub's has four).
func TestProblemsOfPublished(t *testing.T) {
	for _, file := range []string{genesysSwagger, publishedGitHub} {
		s := mustLoad(t, file)
		all, of := s.Problems(), s.ProblemsOf(s.Operations())
		var onlyAll []string
		for _, p := range all {
			if !slices.Contains(of, p) {
				onlyAll = append(onlyAll, p)
			}
		}
		for _, p := range onlyAll {
			if !strings.HasPrefix(p, "invalid components: ") {
				t.Errorf("%s: Problems() has %q, ProblemsOf(every operation) does not", file, p)
			}
		}
		if len(all)-len(onlyAll) != len(of) {
			t.Errorf("%s: ProblemsOf(every operation) = %q, not all in Problems() = %q", file, of, all)
		}
	}
}
