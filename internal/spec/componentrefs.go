package spec

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// resolveComponentRefs sets the Value of every $ref in doc as kin-openapi's
// loader (ResolveRefsIn) sets it, when each names a component of doc
// ("#/components/schemas/Name", and the same for parameters, responses and
// the other kinds): the component's own Value, shared, not copied (for a
// schema behind a chain of component $refs, the Value at its end). It
// walks every object once, where the loader walks a schema again from each
// $ref to it and sorts map keys at every level.
//
// It changes nothing and reports false when the document holds anything
// else, which the loader resolves or refuses in its own way: a $ref to
// another file or into a component, one naming no component or a name
// that needs unescaping, a cycle of schema $refs, a $ref with a Value
// already, a nil entry the loader would reject, a path item $ref, a
// discriminator mapping to another document. It covers what a Swagger 2.0
// conversion writes (openapi2conv), for which it was built (toV3), and an
// OpenAPI 3.0 document that keeps to the same (decodeSelfContained: 3.0
// only, since from 3.1 on the loader merges what is written beside a $ref
// into a copy of its target).
func resolveComponentRefs(doc *openapi3.T) bool {
	c := doc.Components
	if c == nil {
		return false
	}
	w := refWalk{c: c, seen: map[*openapi3.Schema]bool{}, ok: true}
	w.components()
	for _, item := range doc.Paths.Map() {
		if item != nil {
			w.pathItem(item)
		}
	}
	if !w.ok {
		return false
	}
	targets := make([]*openapi3.Schema, len(w.schemaRefs))
	for i, r := range w.schemaRefs {
		if targets[i] = w.schemaTarget(r.Ref); targets[i] == nil {
			return false
		}
	}
	for i, r := range w.schemaRefs {
		r.Value = targets[i]
	}
	for _, set := range w.otherRefs {
		set()
	}
	return true
}

// refWalk collects the $refs of a document, checking each as it goes
// (ok turns false at the first it cannot resolve the loader's way).
type refWalk struct {
	c          *openapi3.Components
	seen       map[*openapi3.Schema]bool
	schemaRefs []*openapi3.SchemaRef // each with a Ref naming a component schema
	otherRefs  []func()              // the other kinds: each sets one Value
	ok         bool
}

// schemaTarget follows ref through component schemas that are $refs
// themselves to a Value (nil: a name that is missing, or a cycle).
func (w *refWalk) schemaTarget(ref string) *openapi3.Schema {
	for range len(w.c.Schemas) + 1 {
		name, ok := componentName(ref, "#/components/schemas/")
		if !ok {
			return nil
		}
		t := w.c.Schemas[name]
		if t == nil {
			return nil
		}
		if t.Ref == "" {
			return t.Value
		}
		ref = t.Ref
	}
	return nil
}

// componentName is the name a $ref gives in the components of the kind
// prefix names, when the name reads the same unescaped (no %, ~ or /,
// which the loader would unescape or split, and no space or control
// character, which its URL parser may refuse).
func componentName(ref, prefix string) (string, bool) {
	name, ok := strings.CutPrefix(ref, prefix)
	if !ok || name == "" {
		return "", false
	}
	for i := range len(name) {
		if b := name[i]; b <= ' ' || b == 0x7f || b == '%' || b == '~' || b == '/' || b == '#' {
			return "", false
		}
	}
	return name, true
}

// otherRef checks a $ref object of a kind other than schema, given its
// fields ref and hasValue: one with both or neither fails; a $ref must
// name a component in m that holds its value (isValue: not a $ref
// itself), and set, called once the whole document checked out, gives
// the $ref that component's Value. It reports whether the object holds
// its value inline, for the caller to walk.
func otherRef[R any](w *refWalk, ref string, hasValue bool, prefix string, m map[string]*R, isValue func(*R) bool, set func(*R)) bool {
	switch {
	case ref == "" && hasValue:
		return true
	case ref == "" || hasValue:
		w.ok = false
		return false
	}
	name, ok := componentName(ref, prefix)
	t := m[name]
	if !ok || t == nil || !isValue(t) {
		w.ok = false
		return false
	}
	w.otherRefs = append(w.otherRefs, func() { set(t) })
	return false
}

func (w *refWalk) components() {
	c := w.c
	for _, r := range c.Headers {
		w.header(r)
	}
	for _, r := range c.Parameters {
		w.parameter(r)
	}
	for _, r := range c.RequestBodies {
		w.requestBody(r)
	}
	for _, r := range c.Responses {
		w.response(r)
	}
	for _, r := range c.Schemas {
		w.schema(r)
	}
	for _, r := range c.SecuritySchemes {
		if r == nil || r.Ref != "" || r.Value == nil {
			w.ok = false // the conversion writes none: the loader's
		}
	}
	for _, r := range c.Examples {
		w.example(r)
	}
	if len(c.Links) != 0 || len(c.Callbacks) != 0 {
		w.ok = false // the conversion writes none: the loader's
	}
}

func (w *refWalk) schema(r *openapi3.SchemaRef) {
	switch {
	case !w.ok:
		return
	case r == nil || r.Value != nil && r.Ref != "":
		w.ok = false
		return
	case r.Ref != "":
		if _, ok := componentName(r.Ref, "#/components/schemas/"); !ok {
			w.ok = false
		}
		w.schemaRefs = append(w.schemaRefs, r)
		return
	case r.Value == nil:
		w.ok = false
		return
	}
	s := r.Value
	if w.seen[s] {
		return
	}
	w.seen[s] = true
	w.schemaParts(s)
}

// schemaParts walks the subschemas the loader resolves: every keyword
// holding a schema, and a discriminator mapping only when it leads to
// another document (the loader leaves the root document's mappings be).
func (w *refWalk) schemaParts(s *openapi3.Schema) {
	EachSubschema(s, w.schema)
	if d := s.Discriminator; d != nil {
		for _, m := range d.Mapping {
			if strings.Contains(m.Ref, "/") && !strings.HasPrefix(m.Ref, "#") {
				w.ok = false
			}
		}
	}
}

func (w *refWalk) content(c openapi3.Content) {
	for _, mt := range c {
		if mt == nil {
			continue
		}
		if mt.Schema != nil {
			w.schema(mt.Schema)
		}
		if mt.ItemSchema != nil {
			w.schema(mt.ItemSchema)
		}
		for _, e := range mt.Examples {
			w.example(e)
		}
	}
}

// example checks an example; one written inline holds nothing to walk.
func (w *refWalk) example(r *openapi3.ExampleRef) {
	if r == nil {
		w.ok = false
		return
	}
	otherRef(w, r.Ref, r.Value != nil, "#/components/examples/", w.c.Examples,
		func(t *openapi3.ExampleRef) bool { return t.Ref == "" && t.Value != nil },
		func(t *openapi3.ExampleRef) { r.Value = t.Value })
}

func (w *refWalk) header(r *openapi3.HeaderRef) {
	if r == nil {
		w.ok = false
	} else if otherRef(w, r.Ref, r.Value != nil, "#/components/headers/", w.c.Headers,
		func(t *openapi3.HeaderRef) bool { return t.Ref == "" && t.Value != nil },
		func(t *openapi3.HeaderRef) { r.Value = t.Value }) {
		w.parameterValue(&r.Value.Parameter)
	}
}

func (w *refWalk) parameter(r *openapi3.ParameterRef) {
	if r == nil {
		w.ok = false
	} else if otherRef(w, r.Ref, r.Value != nil, "#/components/parameters/", w.c.Parameters,
		func(t *openapi3.ParameterRef) bool { return t.Ref == "" && t.Value != nil },
		func(t *openapi3.ParameterRef) { r.Value = t.Value }) {
		w.parameterValue(r.Value)
	}
}

// parameterValue walks a parameter or a header's parameter; one with both
// content and a schema the loader refuses.
func (w *refWalk) parameterValue(p *openapi3.Parameter) {
	if p.Content != nil && p.Schema != nil {
		w.ok = false
		return
	}
	w.content(p.Content)
	if p.Schema != nil {
		w.schema(p.Schema)
	}
	for _, e := range p.Examples {
		w.example(e)
	}
}

func (w *refWalk) requestBody(r *openapi3.RequestBodyRef) {
	if r == nil {
		w.ok = false
	} else if otherRef(w, r.Ref, r.Value != nil, "#/components/requestBodies/", w.c.RequestBodies,
		func(t *openapi3.RequestBodyRef) bool { return t.Ref == "" && t.Value != nil },
		func(t *openapi3.RequestBodyRef) { r.Value = t.Value }) {
		w.content(r.Value.Content)
	}
}

func (w *refWalk) response(r *openapi3.ResponseRef) {
	if r == nil {
		w.ok = false
		return
	}
	if !otherRef(w, r.Ref, r.Value != nil, "#/components/responses/", w.c.Responses,
		func(t *openapi3.ResponseRef) bool { return t.Ref == "" && t.Value != nil },
		func(t *openapi3.ResponseRef) { r.Value = t.Value }) {
		return
	}
	for _, h := range r.Value.Headers {
		w.header(h)
	}
	w.content(r.Value.Content)
	if len(r.Value.Links) != 0 {
		w.ok = false // the conversion writes none: the loader's
	}
}

func (w *refWalk) pathItem(item *openapi3.PathItem) {
	if item.Ref != "" {
		w.ok = false
		return
	}
	for _, p := range item.Parameters {
		w.parameter(p)
	}
	for _, op := range item.Operations() {
		for _, p := range op.Parameters {
			w.parameter(p)
		}
		if op.RequestBody != nil {
			w.requestBody(op.RequestBody)
		}
		for _, r := range op.Responses.Map() {
			w.response(r)
		}
		if len(op.Callbacks) != 0 {
			w.ok = false // the conversion writes none: the loader's
		}
	}
}

// EachSubschema calls f on each subschema s holds: every keyword that
// holds a schema (those set), a list of them (allOf, anyOf, oneOf,
// prefixItems) or a map of them (properties, patternProperties,
// dependentSchemas, $defs), each entry of a list or a map as it is, nil
// too. Maps are read in Go's order: a walk that needs a fixed order
// (unresolvedSchemaRef's) sorts for itself.
func EachSubschema(s *openapi3.Schema, f func(*openapi3.SchemaRef)) {
	for _, r := range [...]*openapi3.SchemaRef{s.Items, s.AdditionalProperties.Schema, s.Not, s.Contains,
		s.PropertyNames, s.UnevaluatedItems.Schema, s.UnevaluatedProperties.Schema, s.If, s.Then, s.Else, s.ContentSchema} {
		if r != nil {
			f(r)
		}
	}
	for _, list := range [...]openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf, s.PrefixItems} {
		for _, r := range list {
			f(r)
		}
	}
	for _, m := range [...]openapi3.Schemas{s.Properties, s.PatternProperties, s.DependentSchemas, s.Defs} {
		for _, r := range m {
			f(r)
		}
	}
}
