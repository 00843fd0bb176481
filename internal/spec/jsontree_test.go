package spec

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// TestSelfContainedJSONMatchesLoader holds decodeSelfContained to
// kin-openapi's loader on the same bytes: the documents must marshal to
// the same JSON, or the fast path must step aside (nil) for the loader.
// The specs are the published ones of issue 16, every shipped and test
// YAML spec converted to JSON, and edge cases of the JSON itself.
func TestSelfContainedJSONMatchesLoader(t *testing.T) {
	docs := map[string][]byte{
		"numbers, escapes, $ref as data": []byte(`{"openapi": "3.0.3", "info": {"title": "t\u00e9\n\"q\" \ud83d\ude00", "version": "1"},
			"paths": {"/a": {"get": {"parameters": [{"$ref": "#/components/parameters/P"}],
				"responses": {"200": {"description": "ok", "content": {"application/json": {
					"schema": {"$ref": "#/components/schemas/S"},
					"example": {"$ref": "https://example.com/not-a-ref", "big": 123456789012345678901234, "u": 18446744073709551615,
						"f": 1.0, "e": 1e5, "neg": -0, "t": true, "n": null, "arr": [], "obj": {}}}}}}}}},
			"components": {
				"parameters": {"P": {"name": "p", "in": "query", "schema": {"type": "integer", "minimum": -1.5, "maximum": 1e3, "default": 7}}},
				"schemas": {"S": {"type": "object", "properties": {"$ref": {"type": "string"}, "pet": {"$ref": "#/components/schemas/Pet"}}},
					"Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
						"discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat", "dog": "Dog"}}},
					"Cat": {"type": "object", "properties": {"kind": {"type": "string"}}, "nullable": true, "x-ext": {"a": [1, "b", null]}},
					"Dog": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["dog", null]}}}}}}`),
		"a number past float64 (YAML reads it as a string)": []byte(`{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
			"paths": {}, "components": {"schemas": {"S": {"type": "number", "example": 1e999, "default": -1E+999}}}}`),
		"openapi 3.1": mustRead(t, "testdata/openapi31.json"),
		"stripe":      mustRead(t, publishedStripe),
		"github":      mustRead(t, publishedGitHub),
	}
	yamls, err := filepath.Glob("../../specs/*/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("testdata/*.yaml")
	yamls = append(append(yamls, "../../specs/personal-connection.yaml"), more...)
	for _, p := range yamls {
		if p == "testdata/swagger2.yaml" || p == "testdata/broken.yaml" || p == "testdata/petstore.yaml" { // not 3.0, not valid, has file $refs
			continue
		}
		var v any
		if err := yaml.Unmarshal(mustRead(t, p), &v); err != nil {
			t.Fatal(err)
		}
		if docs[p], err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range docs {
		t.Run(name, func(t *testing.T) {
			loader := openapi3.NewLoader()
			loader.Context = context.Background()
			want, err := loader.LoadFromData(data)
			if err != nil {
				t.Fatalf("kin's loader: %v", err)
			}
			got := decodeSelfContainedJSON(data)
			if got == nil {
				t.Fatal("decodeSelfContained = nil, want the document")
			}
			if diff := cmp.Diff(marshal(t, want), marshal(t, got)); diff != "" {
				t.Errorf("decodeSelfContained differs from kin's loader (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSelfContainedJSONStepsAside: what the fast path does not take is
// left to kin's loader, which then reads, refuses or reports it as before.
func TestSelfContainedJSONStepsAside(t *testing.T) {
	for name, doc := range map[string]string{
		"external file $ref": `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
			"components": {"schemas": {"A": {"$ref": "other.json#/B"}}}}`,
		"URL $ref": `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
			"components": {"schemas": {"A": {"$ref": "https://example.com/s.json"}}}}`,
		"duplicate key":  `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "paths": {}}`,
		"syntax error":   `{"openapi": "3.0.3", "info": {"title": "t",, "version": "1"}}`,
		"trailing bytes": `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}} x`,
		"bad literal":    `{"openapi": "3.0.3", "info": {"title": "t", "version": nope}, "paths": {}}`,
		"unterminated":   `{"openapi": "3.0.3", "info": {"title": "t`,
	} {
		if got := decodeSelfContainedJSON([]byte(doc)); got != nil {
			t.Errorf("decodeSelfContained(%s) = a document, want nil (kin's loader decides)", name)
		}
	}
}

// decodeSelfContainedJSON is the JSON's tree through decodeSelfContained,
// nil when the tree refuses it, as load has it.
func decodeSelfContainedJSON(data []byte) *openapi3.T {
	root, err := jsonTree(data)
	if err != nil {
		return nil
	}
	doc, _ := decodeSelfContained(root)
	return doc
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func marshal(t *testing.T, doc *openapi3.T) string {
	t.Helper()
	b, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestJSONHead: the version keys read without decoding the document, as
// json.Unmarshal reads them; anything else is left to it (ok false).
func TestJSONHead(t *testing.T) {
	for _, tt := range []struct {
		name, doc        string
		swagger, openapi string
		ok               bool
	}{
		{"openapi after nested values", `{"info": {"t": "a\"}b", "v": [1, {"x": null}]}, "n": -1.5e3, "b": true, "openapi": "3.1.0"}`, "", "3.1.0", true},
		{"swagger", ` {"swagger" : "2.0", "paths": {}} `, "2.0", "", true},
		{"last of two wins", `{"openapi": "3.0.0", "openapi": "3.1.0"}`, "", "3.1.0", true},
		{"neither", `{"info": {}}`, "", "", true},
		{"a number", `{"swagger": 2.0}`, "", "", false},
		{"not an object", `["openapi"]`, "", "", false},
		{"unclosed", `{"openapi": "3.0.0", "info": {`, "", "", false},
	} {
		sw, oa, ok := jsonHead([]byte(tt.doc))
		if sw != tt.swagger || oa != tt.openapi || ok != tt.ok {
			t.Errorf("jsonHead(%s) = %q, %q, %v, want %q, %q, %v", tt.name, sw, oa, ok, tt.swagger, tt.openapi, tt.ok)
		}
	}
}

// TestSelfContainedResolvesAsTheLoader holds decodeSelfContained's own
// resolution of an OpenAPI 3.0 document's $refs (resolveComponentRefs) to
// the loader's, every field compared (unexported ones too, but the
// RefPath the loader records and casebook never reads), and says which
// documents take it: the published specs do, 3.1 does not.
func TestSelfContainedResolvesAsTheLoader(t *testing.T) {
	for _, tt := range []struct {
		name string
		data []byte
		fast bool
	}{
		{"stripe", mustRead(t, publishedStripe), true},
		{"github", mustRead(t, publishedGitHub), true},
		{"openapi 3.1", mustRead(t, "testdata/openapi31.json"), false},
		{"openapi 3.0 without components (the loader has nothing to look up)", mustRead(t, "testdata/openapi30.json"), false},
		{"a $ref into a component", []byte(`{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
			"components": {"schemas": {"A": {"properties": {"b": {"type": "string"}}}, "C": {"$ref": "#/components/schemas/A/properties/b"}}}}`), false},
		{"webhooks in a 3.0 document (the walk does not visit them)", []byte(`{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
			"webhooks": {"w": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}}}}, "responses": {"200": {"description": "ok"}}}}},
			"components": {"schemas": {"S": {"type": "string"}}}}`), false},
		{"a response $ref and a parameter $ref", []byte(`{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
			"paths": {"/a": {"get": {"parameters": [{"$ref": "#/components/parameters/P"}], "responses": {"200": {"$ref": "#/components/responses/R"}}}}},
			"components": {"parameters": {"P": {"name": "p", "in": "query", "schema": {"$ref": "#/components/schemas/S"}}},
				"responses": {"R": {"description": "r", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}}}}},
				"schemas": {"S": {"type": "object", "properties": {"self": {"$ref": "#/components/schemas/S"}}}}}}`), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root, err := jsonTree(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			want := &openapi3.T{}
			if err := decodeDocument(root, want); err != nil {
				t.Fatal(err)
			}
			loader := openapi3.NewLoader()
			loader.Context = context.Background()
			if err := loader.ResolveRefsIn(want, nil); err != nil {
				t.Fatal(err)
			}
			root, _ = jsonTree(tt.data)
			got, resolved := decodeSelfContained(root)
			if got == nil {
				t.Fatal("decodeSelfContained = nil, want the document")
			}
			if resolved != tt.fast {
				t.Errorf("resolved its $refs itself: %v, want %v", resolved, tt.fast)
			}
			if diff := cmp.Diff(want, got, allButRefPath); diff != "" {
				t.Errorf("decodeSelfContained differs from the loader (-want +got):\n%s", diff)
			}
		})
	}
}
