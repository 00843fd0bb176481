package generate

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/casebook-dev/casebook/internal/lint"
	"github.com/casebook-dev/casebook/internal/spec"
)

// schemas holds shapes that broke generated answers on published specs.
const schemas = `
openapi: 3.0.3
info: {title: shapes, version: "1"}
paths: {}
components:
  schemas:
    # Required all the way down, deeper than every property is filled: the
    # Genesys swagger's answers lost required properties at the cut-off.
    L1: {type: object, required: [l2, name], properties: {name: {type: string}, l2: {$ref: "#/components/schemas/L2"}}}
    L2: {type: object, required: [l3], properties: {l3: {$ref: "#/components/schemas/L3"}}}
    L3: {type: object, required: [l4], properties: {l4: {$ref: "#/components/schemas/L4"}}}
    L4: {type: object, required: [l5], properties: {l5: {$ref: "#/components/schemas/L5"}}}
    L5: {type: object, required: [l6], properties: {l6: {$ref: "#/components/schemas/L6"}}}
    L6: {type: object, required: [l7], properties: {l7: {$ref: "#/components/schemas/L7"}}}
    L7: {type: object, required: [l8, extra], properties: {l8: {$ref: "#/components/schemas/L8"}, extra: {type: integer}}}
    L8: {type: object, required: [leaf], properties: {leaf: {type: string, format: uuid}, optional: {type: string}}}
    # A tree recursing through a required list and a required parent.
    Node:
      type: object
      required: [id, children]
      properties:
        id: {type: string}
        children: {type: array, items: {$ref: "#/components/schemas/Node"}}
        parent: {$ref: "#/components/schemas/Node"}
    # Members that a value of the first also fits: oneOf needs exactly one.
    Either:
      oneOf:
        - {type: object, properties: {a: {type: string}}}
        - {type: object, required: [b], additionalProperties: false, properties: {b: {type: integer}}}
    Discriminated:
      oneOf: [{$ref: "#/components/schemas/Cat"}, {$ref: "#/components/schemas/Dog"}]
      discriminator: {propertyName: kind, mapping: {cat: "#/components/schemas/Cat", dog: "#/components/schemas/Dog"}}
    Cat: {type: object, required: [kind], properties: {kind: {type: string}, meow: {type: boolean}}}
    Dog: {type: object, required: [kind], properties: {kind: {type: string}, bark: {type: boolean}}}
    Constrained:
      type: object
      required: [sha, code, when, size, ratio, tags, site, host, ip4, ip6, mail]
      properties:
        sha: {type: string, pattern: "^[0-9a-fA-F]+$", minLength: 40, maxLength: 40}
        code: {type: string, pattern: "^\\+[1-9][0-9]{1,14}$"}
        when: {type: string, format: date-time}
        size: {type: integer, minimum: 10, exclusiveMinimum: true, maximum: 12}
        ratio: {type: number, multipleOf: 0.5, minimum: 3}
        tags: {type: array, minItems: 3, uniqueItems: true, items: {type: string, enum: [a, b, c]}}
        site: {type: string, format: uri}
        host: {type: string, format: hostname}
        ip4: {type: string, format: ipv4}
        ip6: {type: string, format: ipv6}
        mail: {type: string, format: email}
        secret: {type: string, readOnly: true}
`

func TestValuesValidate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shapes.yaml")
	if err := os.WriteFile(path, []byte(schemas), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := spec.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, ref := range s.Doc.Components.Schemas {
		for _, dir := range []lint.Direction{lint.AsRequest, lint.AsResponse} {
			for seed := range uint64(20) {
				g := NewValues(rand.New(rand.NewPCG(seed, seed)), s.Doc, dir)
				v := g.Value(ref, "")
				if v == nil {
					t.Fatalf("Value(%s) = nil", name)
				}
				if err := ref.Value.VisitJSON(v, lint.SchemaOptions(s.Doc, dir)...); err != nil {
					t.Fatalf("Value(%s, direction %d, seed %d) = %v, which fails its schema: %v", name, dir, seed, v, err)
				}
			}
		}
	}
}

func TestValuesLeaveOutReadOnlyInRequests(t *testing.T) {
	s := &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{
		"id":   openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{"string"}, ReadOnly: true}),
		"pass": openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{"string"}, WriteOnly: true}),
	}}
	req := NewValues(rand.New(rand.NewPCG(1, 1)), nil, lint.AsRequest).Value(openapi3.NewSchemaRef("", s), "").(map[string]any)
	resp := NewValues(rand.New(rand.NewPCG(1, 1)), nil, lint.AsResponse).Value(openapi3.NewSchemaRef("", s), "").(map[string]any)
	if _, ok := req["id"]; ok {
		t.Errorf("request value %v has the readOnly id", req)
	}
	if _, ok := resp["pass"]; ok {
		t.Errorf("answer value %v has the writeOnly pass", resp)
	}
}

func TestFromPattern(t *testing.T) {
	max40 := uint64(40)
	for _, tc := range []struct {
		pattern string
		min     int
		max     *uint64
	}{
		{`^[0-9a-fA-F]+$`, 40, &max40},
		{`^\+[1-9][0-9]{1,14}$`, 0, nil},
		{`^(foo|bar)-[a-z]{3}\d*$`, 0, nil},
		{`^[A-Z]{2}$`, 0, nil},
		{`\bword\b`, 0, nil},
	} {
		got, ok := fromPattern(tc.pattern, tc.min, tc.max)
		if !ok || !regexp.MustCompile(tc.pattern).MatchString(got) || len(got) < tc.min || (tc.max != nil && uint64(len(got)) > *tc.max) {
			t.Errorf("fromPattern(%q, %d) = %q, %v; want a match of that length", tc.pattern, tc.min, got, ok)
		}
	}
	if _, ok := fromPattern(`(?<!x)y`, 0, nil); ok {
		t.Errorf("fromPattern of a pattern Go cannot compile reported a value")
	}
}
