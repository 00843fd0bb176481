package spec

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
)

// TestToV3MatchesKinOpenAPI holds toV3 to openapi2conv.ToV3: the same
// document, unexported fields included (but the RefPath the loader
// records, which toV3's own resolution leaves unset), the same error, and
// every $ref's Value the very component the loader gives it. fast says
// whether the document must take resolveComponentRefs rather than the
// loader.
func TestToV3MatchesKinOpenAPI(t *testing.T) {
	def := `"definitions": {"D": {"type": "object", "properties": {"self": {"$ref": "#/definitions/D"}, "e": {"$ref": "#/definitions/E"}}}, "E": {"$ref": "#/definitions/F"}, "F": {"type": "string"}}`
	op := func(params, responses string) string {
		return `{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "host": "api.example.com",
			"security": [{"oauth": ["a"]}], "securityDefinitions": {"oauth": {"type": "oauth2", "flow": "application", "tokenUrl": "https://t", "scopes": {"a": "A"}}},
			"paths": {"/a/{id}": {"parameters": [{"name": "id", "in": "path", "type": "string"}],
				"post": {"parameters": [` + params + `], "responses": {` + responses + `}}}},
			"parameters": {"P": {"name": "p", "in": "query", "type": "integer"}, "B": {"name": "b", "in": "body", "schema": {"$ref": "#/definitions/D"}},
				"F1": {"name": "f1", "in": "formData", "type": "string", "required": true}},
			"responses": {"R": {"description": "r", "schema": {"$ref": "#/definitions/E"}, "headers": {"X-N": {"type": "integer"}}}},
			` + def + `}`
	}
	docs := []struct {
		name string
		data []byte
		fast bool
	}{
		{"published swagger", mustRead(t, publishedSwagger), true},
		{"petstore-expanded 2.0", mustRead(t, "../../../shared/specs-real/openapi-examples/v2.0-petstore-expanded.json"), true},
		{"refs of every kind", []byte(op(`{"$ref": "#/parameters/P"}, {"$ref": "#/parameters/B"}`, `"200": {"$ref": "#/responses/R"}, "201": {"description": "c", "schema": {"type": "array", "items": {"$ref": "#/definitions/E"}}}`)), true},
		{"form data by $ref", []byte(op(`{"$ref": "#/parameters/F1"}, {"name": "f2", "in": "formData", "type": "file"}`, `"200": {"description": "ok"}`)), true},
		{"a $ref into a definition", []byte(op(`{"name": "b", "in": "body", "schema": {"$ref": "#/definitions/D/properties/e"}}`, `"200": {"description": "ok"}`)), false},
		{"a $ref to no definition", []byte(op(`{"name": "b", "in": "body", "schema": {"$ref": "#/definitions/Nope"}}`, `"200": {"description": "ok"}`)), false},
		{"a $ref to another file", []byte(op(`{"name": "b", "in": "body", "schema": {"$ref": "other.json#/definitions/D"}}`, `"200": {"description": "ok"}`)), false},
		{"a $ref to no response", []byte(op(`{"$ref": "#/parameters/P"}`, `"200": {"$ref": "#/responses/Nope"}`)), false},
		{"a name the loader unescapes", []byte(`{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {},
			"definitions": {"a/b": {"type": "string"}, "U": {"$ref": "#/definitions/a~1b"}}}`), false},
		{"a cycle of $refs", []byte(`{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {},
			"definitions": {"A": {"$ref": "#/definitions/B"}, "B": {"$ref": "#/definitions/A"}, "C": {"properties": {"a": {"$ref": "#/definitions/A"}}}}}`), false},
		{"a null property", []byte(`{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {},
			"definitions": {"A": {"properties": {"a": null}}}}`), false},
	}
	docs = append(docs, struct {
		name string
		data []byte
		fast bool
	}{"testdata/swagger2.yaml", swagger2YAMLAsJSON(t), true})
	for _, tt := range docs {
		t.Run(tt.name, func(t *testing.T) {
			decode := func() *openapi2.T {
				var d openapi2.T
				if err := json.Unmarshal(tt.data, &d); err != nil {
					t.Fatal(err)
				}
				return &d
			}
			want, werr := openapi2conv.ToV3(decode())
			got, resolved, gerr := toV3(decode())
			if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
				t.Fatalf("toV3: error %v, want ToV3's %v", gerr, werr)
			}
			if werr != nil {
				return
			}
			if resolved != tt.fast {
				t.Errorf("toV3 resolved its $refs itself: %v, want %v", resolved, tt.fast)
			}
			if diff := cmp.Diff(want, got, allButRefPath); diff != "" {
				t.Errorf("toV3 differs from openapi2conv.ToV3 (-want +got):\n%s", diff)
			}
			if !tt.fast {
				return // a document the loader resolves: its own result, compared above
			}
			// What load then need not look for.
			if re := unresolvedSchemaRef("spec.json", tt.data, got); re != nil {
				t.Errorf("unresolvedSchemaRef = %v after toV3 resolved every $ref", re)
			}
			for name, doc := range map[string]*openapi3.T{"ToV3": want, "toV3": got} {
				if bad := refsNotSharingTarget(doc); len(bad) != 0 {
					t.Errorf("%s: these $refs have no Value or not their component's: %q", name, bad)
				}
			}
		})
	}
}

// allButRefPath compares every field, unexported ones too, but the path
// the loader records for each $ref, and but the Value of a $ref: that is
// a component, compared where the document holds it (refsNotSharingTarget
// checks that it is that component's). Comparing it at every $ref too
// would compare the Genesys swagger's shared schemas again from each of
// their 10,687 $refs.
var allButRefPath = cmp.Options{
	cmp.Exporter(func(reflect.Type) bool { return true }),
	cmp.FilterPath(func(p cmp.Path) bool {
		sf, ok := p.Last().(cmp.StructField)
		if !ok {
			return false
		}
		if sf.Name() == "refPath" {
			return true
		}
		parent, _ := p.Index(-2).Values()
		return sf.Name() == "Value" && parent.Kind() == reflect.Struct &&
			parent.FieldByName("Ref").Kind() == reflect.String && parent.FieldByName("Ref").String() != ""
	}, cmp.Ignore()),
}

// refsNotSharingTarget lists the schema, parameter, request body and
// response $refs of doc's components and operations whose Value is not
// the Value of the component they name (for a schema, at the end of its
// chain of $refs).
func refsNotSharingTarget(doc *openapi3.T) []string {
	c := doc.Components
	var bad []string
	var schemaTarget func(ref string, depth int) *openapi3.Schema
	schemaTarget = func(ref string, depth int) *openapi3.Schema {
		name, _ := componentName(ref, "#/components/schemas/")
		t := c.Schemas[name]
		if t == nil || depth > len(c.Schemas) {
			return nil
		}
		if t.Ref != "" {
			return schemaTarget(t.Ref, depth+1)
		}
		return t.Value
	}
	seen := map[*openapi3.Schema]bool{}
	var schema func(r *openapi3.SchemaRef)
	schema = func(r *openapi3.SchemaRef) {
		if r == nil {
			return
		}
		if r.Ref != "" {
			if r.Value == nil || r.Value != schemaTarget(r.Ref, 0) {
				bad = append(bad, r.Ref)
			}
			return
		}
		if r.Value == nil || seen[r.Value] {
			return
		}
		seen[r.Value] = true
		s := r.Value
		for _, x := range append([]*openapi3.SchemaRef{s.Items, s.AdditionalProperties.Schema, s.Not}, append(append(s.AllOf, s.AnyOf...), s.OneOf...)...) {
			schema(x)
		}
		for _, x := range s.Properties {
			schema(x)
		}
	}
	content := func(ct openapi3.Content) {
		for _, mt := range ct {
			schema(mt.Schema)
		}
	}
	shares := func(ref string, ok bool) {
		if !ok {
			bad = append(bad, ref)
		}
	}
	parameter := func(r *openapi3.ParameterRef) {
		if r.Ref != "" {
			shares(r.Ref, r.Value != nil && r.Value == componentValue(c.Parameters, r.Ref, "#/components/parameters/", func(t *openapi3.ParameterRef) *openapi3.Parameter { return t.Value }))
		} else if r.Value != nil {
			schema(r.Value.Schema)
			content(r.Value.Content)
		}
	}
	requestBody := func(r *openapi3.RequestBodyRef) {
		if r.Ref != "" {
			shares(r.Ref, r.Value != nil && r.Value == componentValue(c.RequestBodies, r.Ref, "#/components/requestBodies/", func(t *openapi3.RequestBodyRef) *openapi3.RequestBody { return t.Value }))
		} else if r.Value != nil {
			content(r.Value.Content)
		}
	}
	response := func(r *openapi3.ResponseRef) {
		if r.Ref != "" {
			shares(r.Ref, r.Value != nil && r.Value == componentValue(c.Responses, r.Ref, "#/components/responses/", func(t *openapi3.ResponseRef) *openapi3.Response { return t.Value }))
		} else if r.Value != nil {
			content(r.Value.Content)
			for _, h := range r.Value.Headers {
				schema(h.Value.Schema)
			}
		}
	}
	for _, r := range c.Schemas {
		schema(r)
	}
	for _, r := range c.Parameters {
		parameter(r)
	}
	for _, r := range c.RequestBodies {
		requestBody(r)
	}
	for _, r := range c.Responses {
		response(r)
	}
	for _, item := range doc.Paths.Map() {
		for _, p := range item.Parameters {
			parameter(p)
		}
		for _, op := range item.Operations() {
			for _, p := range op.Parameters {
				parameter(p)
			}
			if op.RequestBody != nil {
				requestBody(op.RequestBody)
			}
			for _, r := range op.Responses.Map() {
				response(r)
			}
		}
	}
	return bad
}

// componentValue is the Value of the component ref names in m (nil: none).
func componentValue[R, V any](m map[string]*R, ref, prefix string, value func(*R) *V) *V {
	name, _ := componentName(ref, prefix)
	if t := m[name]; t != nil {
		return value(t)
	}
	return nil
}
