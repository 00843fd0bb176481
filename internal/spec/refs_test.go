package spec

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// specWithRef writes a spec whose request body is {$ref: ref} into
// dir/api/openapi.yaml and returns its path. The $ref stands on line 10.
func specWithRef(t *testing.T, dir, ref string) string {
	t.Helper()
	src := `openapi: 3.0.3
info: {title: refs, version: "1"}
paths:
  /calls:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '` + ref + `'}
      responses:
        "204": {description: placed}
`
	path := filepath.Join(dir, "api", "openapi.yaml")
	must(t, os.MkdirAll(filepath.Dir(path), 0o755))
	must(t, os.WriteFile(path, []byte(src), 0o644))
	return path
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

const refPointer = "/paths/~1calls/post/requestBody/content/application~1json/schema"

// wantRefError checks err is a *LoadError at the $ref (line 10, column 28 of
// specWithRef's file) holding a *RefError that names it, for reason.
func wantRefError(t *testing.T, err error, file, ref, reason string) {
	t.Helper()
	var le *LoadError
	var re *RefError
	if !errors.As(err, &le) || !errors.As(err, &re) {
		t.Fatalf("Load = %v, want a *LoadError holding a *RefError", err)
	}
	want := file + ":10:28: $ref " + `"` + ref + `" at ` + refPointer + ": " + reason
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Load error =\n%s\nwant it to start\n%s", err, want)
	}
}

// TestRemoteRefNeverFetchedWithoutOptIn: lint is offline. A spec's remote
// $ref is an error naming it, and the server never sees a request, until
// AllowRemoteRefs (--allow-remote-refs) says otherwise.
func TestRemoteRefNeverFetchedWithoutOptIn(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/yaml")
		w.Write([]byte("Call: {type: object, required: [to], properties: {to: {type: string}}}\n"))
	}))
	defer srv.Close()
	ref := srv.URL + "/schemas.yaml#/Call"
	path := specWithRef(t, t.TempDir(), ref)

	_, err := Load(path)
	wantRefError(t, err, path, ref, "a remote document: casebook fetches none unless --allow-remote-refs")
	if n := hits.Load(); n != 0 {
		t.Fatalf("Load fetched the remote $ref %d time(s), want none", n)
	}

	s, err := LoadWith(path, LoadOptions{AllowRemoteRefs: true, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatalf("LoadWith(AllowRemoteRefs) = %v", err)
	}
	if hits.Load() == 0 {
		t.Errorf("LoadWith(AllowRemoteRefs) never fetched the $ref")
	}
	schema := s.Doc.Paths.Value("/calls").Post.RequestBody.Value.Content["application/json"].Schema.Value
	if schema == nil || schema.VisitJSON(map[string]any{}) == nil {
		t.Errorf("the fetched schema does not require \"to\"")
	}
}

// TestFileRefOutsideTheTree: a file $ref resolves inside the spec's own
// folder tree, or under RefRoot (--ref-root). Anything else is refused
// before it is read, and no error quotes what a $ref names.
func TestFileRefOutsideTheTree(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(dir, "outside")
	must(t, os.MkdirAll(outside, 0o755))
	// A folder where the file would be: reading it fails ("is a
	// directory"), so an error about the tree shows it was never read.
	must(t, os.MkdirAll(filepath.Join(outside, "dir.yaml"), 0o755))
	must(t, os.WriteFile(filepath.Join(outside, "schemas.yaml"), []byte("Call: {type: object, required: [to]}\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(outside, "passwd"), []byte("root:x:0:0:SECRET-MARKER:/root:/bin/bash\n"), 0o644))
	// A link inside the tree to a file outside it leads out of the tree.
	must(t, os.MkdirAll(filepath.Join(dir, "api"), 0o755))
	must(t, os.Symlink(filepath.Join(outside, "schemas.yaml"), filepath.Join(dir, "api", "link.yaml")))
	outsideReason := "a file outside " + filepath.Join(resolved(dir), "api")

	for _, tc := range []struct{ name, ref string }{
		{"relative path out of the tree", "../outside/dir.yaml#/Call"},
		{"absolute path", filepath.ToSlash(filepath.Join(outside, "dir.yaml")) + "#/Call"},
		{"a link out of the tree", "link.yaml#/Call"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := specWithRef(t, dir, tc.ref)
			_, err := Load(path)
			wantRefError(t, err, path, tc.ref, outsideReason)
		})
	}

	t.Run("--ref-root opens a folder", func(t *testing.T) {
		path := specWithRef(t, dir, "../outside/schemas.yaml#/Call")
		if _, err := LoadWith(path, LoadOptions{RefRoot: outside}); err != nil {
			t.Errorf("LoadWith(RefRoot: outside) = %v, want the $ref followed", err)
		}
	})
	t.Run("what a $ref names is never quoted", func(t *testing.T) {
		path := specWithRef(t, dir, "../outside/passwd#/root")
		_, err := LoadWith(path, LoadOptions{RefRoot: outside})
		wantRefError(t, err, path, "../outside/passwd#/root", "what it names is not a YAML or JSON mapping")
		if strings.Contains(err.Error(), "SECRET-MARKER") || strings.Contains(err.Error(), "root:x") {
			t.Errorf("the error quotes the file the $ref names: %v", err)
		}
	})
}

// TestRecursiveSchemasValidateRecursively: A -> B -> A in one file, in two
// files, and a tree of Nodes: a body wrong deep under the recursion is
// caught, a right one passes.
func TestRecursiveSchemasValidateRecursively(t *testing.T) {
	s := mustLoad(t, "testdata/refs/recursive.yaml")
	abs, _ := filepath.Abs("testdata/refs/schemas")
	if want := []string{"testdata/refs/recursive.yaml", filepath.Join(abs, "a.yaml"), filepath.Join(abs, "b.yaml")}; !slices.Equal(s.Files, want) {
		t.Errorf("Files = %q, want %q", s.Files, want)
	}
	pair := func(inner any) map[string]any {
		return map[string]any{"name": "a", "b": map[string]any{"count": 1.0, "a": map[string]any{"name": "b", "b": map[string]any{"a": inner}}}}
	}
	tree := func(leaf any) map[string]any {
		return map[string]any{"name": "root", "children": []any{map[string]any{"name": "c", "children": []any{leaf}}}}
	}
	for _, tc := range []struct {
		path      string
		good, bad map[string]any
	}{
		{"/pairs", pair(map[string]any{"name": "deep"}), pair(map[string]any{"name": 3.0})},
		{"/split", pair(map[string]any{"name": "deep"}), pair(map[string]any{"nope": true, "name": "x"})},
		{"/trees", tree(map[string]any{"name": "leaf"}), tree(map[string]any{"children": []any{}})},
	} {
		schema := s.Doc.Paths.Value(tc.path).Post.RequestBody.Value.Content["application/json"].Schema.Value
		if err := schema.VisitJSON(tc.good); err != nil {
			t.Errorf("POST %s: a right body fails: %v", tc.path, err)
		}
		if err := schema.VisitJSON(tc.bad); err == nil {
			t.Errorf("POST %s: a body wrong under the recursion passes", tc.path)
		}
	}
}

// TestCycleOfBareRefsIsAnError: A: {$ref: B}, B: {$ref: A} never reaches a
// schema; kin-openapi leaves it unresolved, which would let any body pass.
func TestCycleOfBareRefsIsAnError(t *testing.T) {
	_, err := Load("testdata/refs/cycle.yaml")
	var re *RefError
	want := `testdata/refs/cycle.yaml:17:15: $ref "#/components/schemas/B" at /components/schemas/A: resolves to no schema`
	if !errors.As(err, &re) || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Load(cycle.yaml) = %v, want an error starting %s", err, want)
	}
}

// TestSwagger2CycleOfBareRefsIsAnError: the same cycle in a Swagger 2.0
// spec, which toV3 leaves to kin-openapi's loader, is the same load error.
func TestSwagger2CycleOfBareRefsIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "swagger.json")
	must(t, os.WriteFile(path, []byte(`{"swagger": "2.0", "info": {"title": "t", "version": "1"},
 "paths": {"/a": {"post": {"parameters": [{"name": "b", "in": "body", "schema": {"$ref": "#/definitions/A"}}],
  "responses": {"200": {"description": "ok"}}}}},
 "definitions": {"A": {"$ref": "#/definitions/B"}, "B": {"$ref": "#/definitions/A"}}}`), 0o600))
	_, err := Load(path)
	var re *RefError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "resolves to no schema") {
		t.Errorf("Load(swagger with A -> B -> A) = %v, want a RefError: resolves to no schema", err)
	}
}

// TestSwagger2RefsStayInTheFile: the Swagger 2.0 converter follows no $ref
// to another document; a remote one is an error naming it, not a fetch.
func TestSwagger2RefsStayInTheFile(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "swagger.yaml")
	must(t, os.WriteFile(path, []byte(`swagger: "2.0"
info: {title: s, version: "1"}
paths:
  /calls:
    post:
      parameters:
        - {in: body, name: body, schema: {$ref: '`+srv.URL+`/defs.json#/Call'}}
      responses:
        "204": {description: placed}
`), 0o644))
	_, err := Load(path)
	var re *RefError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), srv.URL) || hits.Load() != 0 {
		t.Errorf("Load(swagger with a remote $ref) = %v after %d fetch(es), want a RefError naming it and none", err, hits.Load())
	}
}
