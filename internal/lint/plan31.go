package lint

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/go-openapi/jsonpointer"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// A plan31 is how one schema of an OpenAPI 3.1 document is checked. It
// reproduces the choice kin-openapi v0.153 makes on every VisitJSON call
// (openapi3/schema_jsonschema_validator.go, useJSONSchema2020), made once:
//
//   - a schema that $refs a component and uses no 2020-12-only keyword is
//     checked by kin-openapi's 3.0 visitor (routeLegacy), after kin-openapi
//     has compiled it for nothing;
//   - a schema without such a $ref is compiled for JSON Schema 2020-12 here,
//     once, exactly as kin-openapi compiles it (routeCompiled);
//   - anything else (a $ref next to a 2020-12 keyword, which kin-openapi
//     copies into $defs with knowledge it does not export; a nullable
//     schema under a $ref, which its 3.0 visitor reads with a 3.1 setting
//     no option reproduces; a schema that does not compile) is left to
//     kin-openapi's VisitJSON as before (routeKin): slow, and the same.
type plan31 struct {
	route    route31
	compiled *jsonschema.Schema
	root     *openapi3.Schema
}

type route31 int

const (
	routeKin route31 = iota
	routeLegacy
	routeCompiled
)

// schemaURL is the address kin-openapi compiles a schema under; the
// validator's messages can name it, so it stays the same.
const schemaURL = "https://example.com/schema.json"

func newPlan31(s *openapi3.Schema) *plan31 {
	p := &plan31{root: s}
	raw, err := json.Marshal(s)
	if err != nil {
		return p
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return p
	}
	if containsComponentRef(doc) {
		if !usesJSONSchema2020Features(s) && !anyNullable(s) {
			p.route = routeLegacy
		}
		return p
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	m, _ := doc.(map[string]any)
	registerFormats(c, m)
	if err := c.AddResource(schemaURL, doc); err != nil {
		return p
	}
	if p.compiled, err = c.Compile(schemaURL); err != nil {
		return p
	}
	p.route = routeCompiled
	return p
}

// validate checks value; a failure is an *error31 over value.
func (p *plan31) validate(value any) error {
	err := p.compiled.Validate(value)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return err
	}
	return &error31{plan: p, verr: verr, root: value}
}

// error31 is a value a compiled 3.1 schema refused: the validator's error
// tree, which the collector reads as it reads kin-openapi's conversion of it
// (collector.error31).
type error31 struct {
	plan *plan31
	verr *jsonschema.ValidationError
	root any // the value checked
}

func (e *error31) Error() string { return e.verr.Error() }
func (e *error31) Unwrap() error { return e.verr }

// schemaAt is the schema at schemaURL, a location inside the compiled
// schema, or nil (kin-openapi's jsonSchemaValidator.schemaAt, which yields
// nil for a location that ends on a property).
func (p *plan31) schemaAt(url string) *openapi3.Schema {
	_, fragment, _ := strings.Cut(url, "#")
	ptr, err := jsonpointer.New(fragment)
	if err != nil {
		return nil
	}
	found, _, err := ptr.Get(p.root)
	if err != nil {
		return nil
	}
	s, _ := found.(*openapi3.Schema)
	return s
}

// valueAt is the value at location (unescaped JSON pointer tokens) inside root.
func valueAt(root any, location []string) any {
	value := root
	for _, token := range location {
		switch v := value.(type) {
		case map[string]any:
			value = v[token]
		case []any:
			i, err := strconv.Atoi(token)
			if err != nil || i < 0 || i >= len(v) {
				return nil
			}
			value = v[i]
		default:
			return nil
		}
	}
	return value
}

// containsComponentRef reports a "$ref" to "#/components/schemas/..."
// anywhere in the marshalled schema.
func containsComponentRef(node any) bool {
	return someObject(node, func(m map[string]any) bool {
		ref, ok := m["$ref"].(string)
		return ok && strings.HasPrefix(ref, "#/components/schemas/")
	})
}

// someObject reports whether f holds for an object anywhere in the decoded
// JSON node, stopping at the first.
func someObject(node any, f func(map[string]any) bool) bool {
	switch node := node.(type) {
	case map[string]any:
		if f(node) {
			return true
		}
		for _, v := range node {
			if someObject(v, f) {
				return true
			}
		}
	case []any:
		for _, v := range node {
			if someObject(v, f) {
				return true
			}
		}
	}
	return false
}

var errStop = errors.New("stop")

// walkFinds reports whether any schema under s satisfies pred.
func walkFinds(s *openapi3.Schema, pred func(*openapi3.Schema) bool) bool {
	err := openapi3.NewSchemaRef("", s).WalkSubtree(func(_ string, ref *openapi3.SchemaRef) error {
		if pred(ref.Value) {
			return errStop
		}
		return nil
	})
	return errors.Is(err, errStop)
}

func anyNullable(s *openapi3.Schema) bool {
	return walkFinds(s, func(s *openapi3.Schema) bool { return s.Nullable })
}

// usesJSONSchema2020Features is kin-openapi's guard of the same name: the
// keywords its 3.0 visitor would not check.
func usesJSONSchema2020Features(s *openapi3.Schema) bool {
	return walkFinds(s, func(s *openapi3.Schema) bool {
		return s.Const != nil ||
			len(s.PrefixItems) != 0 || s.Contains != nil ||
			len(s.PatternProperties) != 0 ||
			len(s.DependentSchemas) != 0 || s.PropertyNames != nil ||
			s.UnevaluatedItems.Has != nil || s.UnevaluatedItems.Schema != nil ||
			s.UnevaluatedProperties.Has != nil || s.UnevaluatedProperties.Schema != nil ||
			s.If != nil || s.Then != nil || s.Else != nil ||
			len(s.DependentRequired) != 0 || len(s.Defs) != 0 ||
			s.ContentSchema != nil
	})
}

// registerFormats asserts each format the schema names with casebook's
// formats, then kin-openapi's (read when a value is checked, as
// kin-openapi reads them).
func registerFormats(c *jsonschema.Compiler, schema map[string]any) {
	names := map[string]bool{}
	collectFormats(schema, names)
	if len(names) == 0 {
		return
	}
	for name := range names {
		c.RegisterFormat(&jsonschema.Format{Name: name, Validate: formatCheck(name)})
	}
	c.AssertFormat()
}

// collectFormats names every "format" of the marshalled schema.
func collectFormats(node any, names map[string]bool) {
	someObject(node, func(m map[string]any) bool {
		if f, ok := m["format"].(string); ok && f != "" {
			names[f] = true
		}
		return false
	})
}

func formatCheck(name string) func(any) error {
	return func(value any) error {
		switch value := value.(type) {
		case string:
			f, ok := formats[name]
			if !ok {
				if f, ok = openapi3.SchemaStringFormats[name]; !ok {
					return nil
				}
			}
			return f.Validate(value)
		case json.Number:
			if n, err := value.Float64(); err == nil {
				return numberFormat(name, n)
			}
		case float64:
			return numberFormat(name, value)
		case float32:
			return numberFormat(name, float64(value))
		case int:
			return numberFormat(name, float64(value))
		case int32:
			return numberFormat(name, float64(value))
		case int64:
			return numberFormat(name, float64(value))
		}
		return nil
	}
}

func numberFormat(name string, value float64) error {
	if value == math.Trunc(value) && !math.IsInf(value, 0) {
		if f, ok := openapi3.SchemaIntegerFormats[name]; ok {
			return f.Validate(int64(value))
		}
	}
	if f, ok := openapi3.SchemaNumberFormats[name]; ok {
		return f.Validate(value)
	}
	return nil
}
