package spec

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// TestDecodeSwagger2 checks the split, parallel decode and the decode
// from the JSON tree against json.Unmarshal on the same bytes: the result
// must be identical.
func TestDecodeSwagger2(t *testing.T) {
	docs := map[string][]byte{
		"what the tree decoder reads": []byte(`{"swagger": "2.0", "info": {"title": "t\u00e9", "version": "1", "x-i": [1.5, null]},
			"Host": "folded.example", "basePath": "/v1", "schemes": ["https"], "security": [{"oauth": ["a", "b"]}],
			"tags": [{"name": "t", "description": "d"}], "externalDocs": {"url": "https://example.com"},
			"paths": {"/a/{id}": {"parameters": [{"name": "id", "in": "path", "required": true, "type": "string", "x-p": {"k": 1}}],
				"post": {"operationId": "op", "consumes": ["application/json"], "deprecated": false,
					"parameters": [{"$ref": "#/parameters/Q"}, {"name": "body", "in": "body", "schema": {"$ref": "#/definitions/D"}},
						{"name": "n", "in": "query", "type": "integer", "minimum": -1.5, "maximum": 1e3, "maxLength": 4, "minItems": 0, "enum": [1, "a", true, null], "default": 7}],
					"responses": {"200": {"description": "ok", "schema": {"type": "array", "items": {"$ref": "#/definitions/D"}},
						"headers": {"X-Rate": {"type": "integer", "description": "h"}}, "examples": {"application/json": {"a": [1, {}]}}},
						"404": null, "x-r": "ext", "default": {"$ref": "#/responses/E"}}}}},
			"parameters": {"Q": {"name": "q", "in": "query", "type": ["string", "null"]}},
			"responses": {"E": {"description": "error", "schema": {"type": "object"}}},
			"securityDefinitions": {"oauth": {"type": "oauth2", "flow": "application", "tokenUrl": "https://t", "scopes": {"a": "A"}}},
			"definitions": {"D": {"type": "object", "required": ["id"], "discriminator": "kind", "readOnly": true,
				"properties": {"id": {"type": "string", "pattern": "^a", "nullable": true}, "any": {"anyOf": [{"type": "string"}], "x-any": 1},
					"m": {"type": "object", "additionalProperties": {"$ref": "#/definitions/D"}}, "f": {"additionalProperties": false},
					"x": {"xml": {"name": "x"}, "allOf": [{"$ref": "#/definitions/D"}, {"type": "object"}], "not": {"type": "null"}}, "r": {"$ref": "#/definitions/D", "description": "sibling", "x-s": 1}},
				"Example": {"a": 1}, "x-ext": {"b": [true]}}}}`),
		"edge cases": []byte(`{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "x-top": 1,
			"paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}, "x-p": true}, "/null": null},
			"definitions": {"D": {"type": "object", "properties": {"n": {"type": "integer"}}}, "N": null}}`),
		"no paths": []byte(`{"swagger": "2.0", "info": {"title": "t", "version": "1"}}`),
		// paths and definitions decode apart from the rest, unless another key folds to theirs.
		"paths twice but for case": []byte(`{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "definitions": null,
			"Paths": null, "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}}}`),
		// (The same path twice is refused by the tree's read: TestJSONSpecDuplicateKeyRefused.)
		"a null path": []byte(`{"swagger": "2.0", "info": {"title": "t", "version": "1"},
			"paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}, "/b": null}}`),
		"paths not an object": []byte(`{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": null}`),
		"paths and definitions last": []byte(`{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "x-a": 1,
			"definitions": {"D": {"type": "string"}}, "paths": {"/a": null}}`),
	}
	docs["testdata/swagger2.yaml"] = swagger2YAMLAsJSON(t)
	docs["published swagger"] = mustRead(t, publishedSwagger)
	docs["petstore-expanded 2.0"] = mustRead(t, "../../../shared/specs-real/openapi-examples/v2.0-petstore-expanded.json")
	for name, data := range docs {
		t.Run(name, func(t *testing.T) {
			var want, got openapi2.T
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatal(err)
			}
			if err := decodeSwagger2(data, &got); err != nil {
				t.Fatalf("decodeSwagger2: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("decodeSwagger2 differs from json.Unmarshal")
			}
			root, err := jsonTree(data)
			if err != nil {
				t.Fatal(err)
			}
			var fromTree openapi2.T
			if err := decodeSwagger2Tree(root, &fromTree, nil); err != nil {
				t.Fatalf("decodeSwagger2Tree: %v", err)
			}
			if !reflect.DeepEqual(fromTree, want) {
				w, _ := json.MarshalIndent(want, "", " ")
				g, _ := json.MarshalIndent(fromTree, "", " ")
				t.Errorf("decodeSwagger2Tree differs from json.Unmarshal (-want +got):\n%s", cmp.Diff(string(w), string(g)))
			}
			// The path items decoded while the tree is read.
			root, ahead, err := jsonTreeDecodingPaths(data)
			if err != nil {
				t.Fatal(err)
			}
			var pipelined openapi2.T
			err = decodeSwagger2Tree(root, &pipelined, ahead)
			switch {
			case name == "paths twice but for case" && err == errV2Unsure:
				// The items are not in the tree: left to decodeSwagger2, above.
			case err != nil:
				t.Fatalf("decodeSwagger2Tree with the paths decoded ahead: %v", err)
			case !reflect.DeepEqual(pipelined, want):
				w, _ := json.MarshalIndent(want, "", " ")
				g, _ := json.MarshalIndent(pipelined, "", " ")
				t.Errorf("decodeSwagger2Tree with the paths decoded ahead differs from json.Unmarshal (-want +got):\n%s", cmp.Diff(string(w), string(g)))
			}
			if name == "published swagger" && (ahead.obj == nil || len(ahead.obj.Content) != 0) {
				t.Errorf("jsonTreeDecodingPaths decoded no paths ahead of the published swagger's tree")
			}
		})
	}
}

// TestDecodeSwagger2Errors checks that errors are those of the whole
// document decoded at once: a syntax error keeps its line and column.
func TestDecodeSwagger2Errors(t *testing.T) {
	for _, tt := range []struct {
		name, doc string
		wantLine  int
	}{
		{"syntax", "{\"swagger\": \"2.0\",\n \"paths\": {\"/a\": {]}}}", 2},
		// openapi2 rewrites type errors as text: no offset, before and after.
		{"type", "{\"swagger\": \"2.0\",\n \"paths\": {\"/a\": {\"get\": {\"parameters\": 3}}}}", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load("bad.json", []byte(tt.doc), LoadOptions{})
			var want openapi2.T
			werr := json.Unmarshal([]byte(tt.doc), &want)
			le, ok := err.(*LoadError)
			if !ok || le.Line != tt.wantLine || werr == nil || le.Err.Error() != werr.Error() {
				t.Fatalf("load(bad.json) = %v, want a LoadError on line %d with json.Unmarshal's error %v", err, tt.wantLine, werr)
			}
		})
	}
}

// swagger2YAMLAsJSON is testdata/swagger2.yaml as JSON text.
func swagger2YAMLAsJSON(t *testing.T) []byte {
	t.Helper()
	yml, err := os.ReadFile("testdata/swagger2.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(yml, &v); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return j
}
