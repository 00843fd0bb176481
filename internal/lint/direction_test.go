package lint

import (
	"fmt"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/casebook-dev/casebook/internal/finding"
)

// directional30 puts readOnly and writeOnly properties everywhere the 3.0
// visitor reads the direction: a property of the schema itself, of a $ref
// it reaches through properties, items, additionalProperties, allOf, oneOf,
// anyOf and not, a required one excused only through an allOf, a cycle.
const directional30 = `
openapi: 3.0.3
info: {title: directions, version: "1"}
paths: {}
components:
  schemas:
    Plain:
      type: object
      required: [name]
      properties:
        name: {type: string}
        tags: {type: array, items: {type: string}}
    Stamped:
      type: object
      required: [id, name, secret]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string}
        secret: {type: string, writeOnly: true}
    Holder: {type: object, properties: {inner: {$ref: "#/components/schemas/Stamped"}}}
    ListOf: {type: array, items: {$ref: "#/components/schemas/Stamped"}}
    Composed:
      allOf:
        - $ref: "#/components/schemas/Stamped"
        - {type: object, required: [id, extra], properties: {extra: {type: integer}}}
    RequiredViaAllOf:
      type: object
      required: [id, secret, name]
      properties: {name: {type: string}}
      allOf:
        - type: object
          properties:
            id: {type: string, readOnly: true}
            secret: {type: string, writeOnly: true}
    Either: {oneOf: [{$ref: "#/components/schemas/Stamped"}, {$ref: "#/components/schemas/Plain"}]}
    Any: {anyOf: [{$ref: "#/components/schemas/Plain"}, {type: integer}]}
    AnyStamped: {anyOf: [{$ref: "#/components/schemas/Stamped"}, {type: integer}]}
    Map: {type: object, additionalProperties: {$ref: "#/components/schemas/Stamped"}}
    Not: {not: {$ref: "#/components/schemas/Stamped"}}
    Tree:
      type: object
      properties:
        name: {type: string}
        children: {type: array, items: {$ref: "#/components/schemas/Tree"}}
    TreeStamped:
      type: object
      properties:
        id: {type: string, readOnly: true}
        secret: {type: string, writeOnly: true}
        children: {type: array, items: {$ref: "#/components/schemas/TreeStamped"}}
`

// directionalValues are checked against every schema, beside the values
// made from each schema's own properties (valuesFor).
var directionalValues = []string{
	`null`, `4`, `"x"`, `[]`, `{}`,
	`{"id": "i", "name": "n", "secret": "s"}`, `{"name": "n"}`, `{"name": 5, "extra": "e"}`,
	`{"inner": {"id": "i", "name": "n"}}`, `[{"id": "i"}, {"secret": "s", "name": "n"}]`, `{"a": {"secret": "s"}}`,
	`{"children": [{"id": "x", "children": [{"secret": "y"}]}]}`,
}

// TestDirectionFreeFindsWhatKinOpenAPIFinds holds the direction-free
// shortcut (directionFree) to kin-openapi's VisitJSON with the direction
// option on every call: on every schema of every OpenAPI 3.0 document
// casebook ships or is tested on (and directional30), both directions,
// the same error text and the same findings, for the values above and
// for values made of each schema's own properties, readOnly and writeOnly
// ones included.
func TestDirectionFreeFindsWhatKinOpenAPIFinds(t *testing.T) {
	docs := map[string]*openapi3.T{"directional30": inline(t, directional30).Doc}
	for _, path := range []string{pcSpec, genesysSpec, "../../specs/nice-cxone/openapi.yaml", answersSpec, basicForm,
		"../../mockserver/testdata/error-shapes.yaml", "../../mockserver/testdata/pets.yaml", "../../mockserver/testdata/schemes.yaml",
		genesysSwagger, "../../../shared/specs-real/stripe-spec3-2022-04.json", "../../../shared/specs-real/github-api-2022-06.json",
		"../../../shared/specs-real/openapi-examples/v3.0-petstore-expanded.yaml", "../../../shared/specs-real/openapi-examples/v3.0-petstore.yaml"} {
		docs[path] = load(t, path).Doc
	}
	fixed := make([]any, len(directionalValues))
	for i, text := range directionalValues {
		v, err := decodeJSON([]byte(text))
		if err != nil {
			t.Fatalf("decodeJSON(%s): %v", text, err)
		}
		fixed[i] = v
	}
	type tally struct{ free, bound, boundFound int }
	counts := map[Direction]*tally{AsRequest: {}, AsResponse: {}}
	for name, doc := range docs {
		if doc.IsOpenAPI31OrLater() {
			t.Fatalf("%s is OpenAPI 3.1: TestValidatorFindsWhatKinOpenAPIFinds covers those", name)
		}
		for _, dir := range []Direction{AsRequest, AsResponse} {
			fast := NewValidator(doc, dir)
			slow := Validator{opts: SchemaOptions(doc, dir)} // kin-openapi's VisitJSON, the direction always on
			big := len(doc.Paths.Map()) > 100
			n := 0
			err := doc.WalkSchemas(func(ptr string, ref *openapi3.SchemaRef) error {
				if n++; big && n%16 != 0 {
					return nil // one schema in 16 of a published spec: thousands still
				}
				values := valuesFor(ref.Value, 2)
				if !big { // the published specs' thousands of schemas: their own values only
					values = append(values, fixed...)
				}
				free := fast.doc.directionFree(ref.Value, dir)
				found := false
				for i, v := range values {
					if !big { // the error text holds the schema as JSON: Stripe's are megabytes
						errWant, errGot := fmt.Sprint(slow.Visit(ref.Value, v)), fmt.Sprint(fast.Visit(ref.Value, v))
						if errWant != errGot {
							t.Errorf("%s %s, value %d (direction %d, free %v): Visit error %q, kin-openapi's %q", name, ptr, i, dir, free, errGot, errWant)
						}
					}
					want, got := findings31(slow, ref.Value, v), findings31(fast, ref.Value, v)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("%s %s, value %d (direction %d, free %v): findings (-kin-openapi +shortcut):\n%s", name, ptr, i, dir, free, diff)
					}
					found = found || directional(want)
				}
				c := counts[dir]
				switch {
				case free:
					c.free++
				case found:
					c.bound++
					c.boundFound++
				default:
					c.bound++
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	for dir, c := range counts {
		t.Logf("direction %d: %d schemas direction-free, %d not (%d of them with a readOnly or writeOnly finding)", dir, c.free, c.bound, c.boundFound)
		if c.free == 0 || c.boundFound == 0 {
			t.Errorf("direction %d: %+v: the comparison does not cover both sides of the shortcut", dir, *c)
		}
	}
}

func directional(fs []finding.Finding) bool {
	for _, f := range fs {
		if f.Rule == "readOnly" || f.Rule == "writeOnly" {
			return true
		}
	}
	return false
}

// valuesFor makes values of s's shape: an object holding every property
// it declares (readOnly and writeOnly ones too) with values of their own
// shape, depth levels down, and one holding none; for an array, a list of
// one such item.
func valuesFor(s *openapi3.Schema, depth int) []any {
	if s == nil || depth < 0 {
		return nil
	}
	switch {
	case s.Type.Is("array") && s.Items != nil:
		var out []any
		for _, item := range valuesFor(s.Items.Value, depth-1) {
			out = append(out, []any{item})
		}
		return append(out, []any{})
	case s.Type.Is("string"):
		return []any{"x"}
	case s.Type.Is("integer"), s.Type.Is("number"):
		return []any{1.0}
	case s.Type.Is("boolean"):
		return []any{true}
	}
	props := Properties(s)
	if len(props) == 0 {
		return []any{map[string]any{}}
	}
	full := map[string]any{}
	for k, p := range props {
		full[k] = "x"
		if p != nil && p.Value != nil {
			if vs := valuesFor(p.Value, depth-1); len(vs) > 0 {
				full[k] = vs[0]
			}
		}
	}
	return []any{full, map[string]any{}}
}

// TestReachableIsWalkSubtree: reachable visits the schemas kin-openapi's
// WalkSubtree visits (its list of subschema keywords is kin-openapi's to
// keep up to date), from every schema of the documents here, a 3.1 one
// with 2020-12 keywords among them.
func TestReachableIsWalkSubtree(t *testing.T) {
	docs := []*openapi3.T{inline(t, directional30).Doc, inline(t, schemas31).Doc, load(t, genesysSpec).Doc, load(t, pcSpec).Doc,
		load(t, "../../../shared/specs-real/openapi-examples/v3.1-webhook-example.yaml").Doc}
	walked := 0
	for _, doc := range docs {
		err := doc.WalkSchemas(func(ptr string, ref *openapi3.SchemaRef) error {
			want := map[*openapi3.Schema]bool{}
			if err := ref.WalkSubtree(func(_ string, sub *openapi3.SchemaRef) error {
				want[sub.Value] = true
				return nil
			}); err != nil {
				return err
			}
			got := map[*openapi3.Schema]bool{}
			reachable(ref.Value, func(s *openapi3.Schema) bool {
				if got[s] {
					t.Errorf("%s: reachable visits %p twice", ptr, s)
				}
				got[s] = true
				return true
			})
			if len(got) != len(want) {
				t.Errorf("%s: reachable visits %d schemas, WalkSubtree %d", ptr, len(got), len(want))
			}
			for s := range want {
				if !got[s] {
					t.Errorf("%s: reachable misses a schema WalkSubtree visits: %+v", ptr, s)
				}
			}
			walked++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if walked < 100 {
		t.Errorf("only %d schemas walked: the comparison covers little", walked)
	}
}
