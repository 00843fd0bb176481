package lint

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/casebook-dev/casebook/internal/finding"
)

// schemas31 has a schema for each route a 3.1 schema can take (see
// plan31) and the keywords whose findings lint words.
const schemas31 = `
openapi: 3.1.0
info: {title: routes, version: "1"}
paths: {}
components:
  schemas:
    Kind: {type: string, enum: [alpha, beta]}
    Nullable: {type: string, nullable: true}
    Thing:
      type: object
      additionalProperties: false
      required: [name, kind]
      properties:
        name: {type: [string, "null"], minLength: 2, maxLength: 5}
        kind: {type: string, enum: [alpha, beta]}
        count: {type: integer, minimum: 1, maximum: 9, multipleOf: 3}
        ratio: {type: number, exclusiveMinimum: 0, exclusiveMaximum: 1}
        site: {type: string, format: uri}
        mail: {type: string, format: email}
        id: {type: string, format: uuid}
        when: {type: string, format: date-time}
        day: {type: string, format: date}
        code: {type: string, pattern: "^[A-Z]{3}$"}
        tags: {type: array, items: {type: string}, minItems: 1, maxItems: 2, uniqueItems: true}
        one: {oneOf: [{type: string}, {type: integer}]}
        any: {anyOf: [{type: object, properties: {gt: {type: integer}}}, {type: integer}]}
        not: {not: {type: string}}
        fixed: {const: 7}
        pair: {type: array, prefixItems: [{type: string}, {type: integer}]}
        props: {type: object, minProperties: 1, maxProperties: 1}
    WithRef:
      type: object
      required: [kind]
      properties:
        kind: {$ref: "#/components/schemas/Kind"}
        size: {type: integer, maximum: 3}
    RefAndConst:
      type: object
      properties:
        kind: {$ref: "#/components/schemas/Kind"}
        fixed: {const: 1}
    RefToNullable:
      type: object
      properties:
        n: {$ref: "#/components/schemas/Nullable"}
`

// values31 are the values every schema above is checked with.
var values31 = []string{
	`null`, `true`, `0`, `4`, `1.5`, `-3`, `"x"`, `""`, `"alpha"`, `"alpah"`, `[]`, `[1, "a"]`, `["a", "a", "b"]`, `{}`,
	`{"name": "x", "kind": "gamma", "count": 4, "ratio": 1, "site": "not a uri", "mail": "nobody", "id": "42",
	  "when": "2026-01-01 10:00", "day": "2026-02-30", "code": "abc", "tags": [], "one": true, "any": {"gt": "soon"},
	  "not": "s", "fixed": 8, "pair": [1, "a"], "props": {}, "colour": "red", "kindd": "alpha"}`,
	`{"name": "abcdef", "kind": "alpha", "count": 3, "ratio": 0.5, "site": "https://example.com", "mail": "a@example.com",
	  "id": "0b989ba4-242f-11e5-81e1-c7b6966d2516", "when": "2026-01-01T10:00:00Z", "day": "2026-02-28", "code": "ABC",
	  "tags": ["a", "a", "b"], "one": 1, "any": 4, "not": 1, "fixed": 7, "pair": ["a", 1], "props": {"a": 1, "b": 2}}`,
	`{"kind": "beta", "size": 5, "n": null}`,
	`{"kind": 3, "fixed": 2, "n": 4}`,
}

// TestValidatorFindsWhatKinOpenAPIFinds: on every schema of OpenAPI 3.1
// documents (the routes above, the OAI examples), lint's findings through
// the compiled Validator are the findings through kin-openapi's VisitJSON,
// which compiles the schema on every call: same verdict, same words.
func TestValidatorFindsWhatKinOpenAPIFinds(t *testing.T) {
	docs := map[string]*openapi3.T{
		"schemas31": inline(t, schemas31).Doc,
		"tictactoe": load(t, "../../../shared/specs-real/openapi-examples/v3.1-tictactoe.yaml").Doc,
		"webhook":   load(t, "../../../shared/specs-real/openapi-examples/v3.1-webhook-example.yaml").Doc,
	}
	values := make([]any, len(values31))
	for i, text := range values31 {
		v, err := decodeJSON([]byte(text))
		if err != nil {
			t.Fatalf("decodeJSON(%s): %v", text, err)
		}
		values[i] = v
	}
	routes := map[route31]int{}
	for name, doc := range docs {
		for _, dir := range []Direction{AsRequest, AsResponse} {
			fast := NewValidator(doc, dir)
			slow := Validator{opts: SchemaOptions(doc, dir)} // kin-openapi's VisitJSON every time
			err := doc.WalkSchemas(func(ptr string, ref *openapi3.SchemaRef) error {
				routes[fast.doc.plans.of(ref.Value).route]++
				for i, v := range values {
					want, got := findings31(slow, ref.Value, v), findings31(fast, ref.Value, v)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("%s %s, value %d (direction %d): findings (-kin-openapi +compiled):\n%s", name, ptr, i, dir, diff)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("routes taken: %v", routes)
	for _, r := range []route31{routeKin, routeLegacy, routeCompiled} {
		if routes[r] == 0 {
			t.Errorf("no schema took route %d: the comparison does not cover it (routes %v)", r, routes)
		}
	}
}

func findings31(v Validator, s *openapi3.Schema, value any) []finding.Finding {
	c := &collector{v: v}
	if err := v.Visit(s, value); err != nil {
		c.add(err, finding.InBody, "")
	}
	return c.sorted()
}

// TestValidatorConcurrent: the mock checks requests on many goroutines at
// once; they compile a schema's plan and share it (run with -race).
func TestValidatorConcurrent(t *testing.T) {
	doc := inline(t, schemas31).Doc
	thing := doc.Components.Schemas["Thing"].Value
	bad, err := decodeJSON([]byte(values31[14]))
	if err != nil {
		t.Fatal(err)
	}
	const workers = 8
	got := make(chan []finding.Finding, workers)
	for range workers {
		go func() { got <- findings31(NewValidator(doc, AsRequest), thing, bad) }()
	}
	want := findings31(Validator{opts: SchemaOptions(doc, AsRequest)}, thing, bad) // kin-openapi's
	if len(want) == 0 {
		t.Fatal("the bad value found nothing: the test checks nothing")
	}
	for range workers {
		if diff := cmp.Diff(want, <-got); diff != "" {
			t.Errorf("findings on a concurrent check (-kin-openapi +compiled):\n%s", diff)
		}
	}
}

// TestNewValidatorOptions: a Validator's options are SchemaOptions', read
// from the document state's version rather than the document each time.
func TestNewValidatorOptions(t *testing.T) {
	for _, doc := range []*openapi3.T{nil, load(t, pcSpec).Doc, inline(t, schemas31).Doc} {
		for _, dir := range []Direction{AsRequest, AsResponse} {
			got, want := NewValidator(doc, dir).opts, SchemaOptions(doc, dir)
			if len(got) != len(want) || &got[0] != &want[0] {
				t.Errorf("NewValidator(%v, %d).opts is not SchemaOptions' slice", doc != nil, dir)
			}
		}
	}
}
