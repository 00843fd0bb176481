package lint

import (
	"runtime"
	"sync"
	"weak"

	"github.com/getkin/kin-openapi/openapi3"
)

// Validator checks values against the schemas of one document, the way
// SchemaOptions says. On an OpenAPI 3.0 document it is Schema.VisitJSON
// with those options. On a 3.1 document kin-openapi (v0.153) builds a JSON
// Schema 2020-12 validator on every VisitJSON call, about ten times the
// cost of the check itself; a Validator compiles each schema once, keeps it
// for as long as the document lives, and gives the verdict and the errors
// kin-openapi would (see plan31).
//
// A Validator is a small value: build one per check with NewValidator.
type Validator struct {
	opts []openapi3.SchemaValidationOption
	// legacy are the 3.0 options of the same direction: what kin-openapi
	// falls back to for a 3.1 schema it does not validate as 2020-12.
	legacy []openapi3.SchemaValidationOption
	plans  *plans31 // nil for a 3.0 document
}

// NewValidator is the Validator of doc's values travelling in direction dir.
func NewValidator(doc *openapi3.T, dir Direction) Validator {
	v := Validator{opts: SchemaOptions(doc, dir), legacy: schemaOptions[dir][0]}
	if doc != nil && doc.IsOpenAPI31OrLater() {
		v.plans = plansOf(doc)
	}
	return v
}

// Visit checks value against s: nil, or an error the collector reads (an
// *openapi3.SchemaError tree, or an *error31 for a compiled 3.1 schema).
func (v Validator) Visit(s *openapi3.Schema, value any) error {
	if v.plans == nil {
		return s.VisitJSON(value, v.opts...)
	}
	p := v.plans.of(s)
	switch p.route {
	case routeLegacy:
		return s.VisitJSON(value, v.legacy...)
	case routeCompiled:
		return p.validate(value)
	}
	return s.VisitJSON(value, v.opts...)
}

// isZero reports a Validator not built by NewValidator.
func (v Validator) isZero() bool { return v.opts == nil }

// plans31 holds the compiled plan of each schema of one 3.1 document.
type plans31 struct {
	m sync.Map // *openapi3.Schema -> *plan31
}

func (ps *plans31) of(s *openapi3.Schema) *plan31 {
	if p, ok := ps.m.Load(s); ok {
		return p.(*plan31)
	}
	p, _ := ps.m.LoadOrStore(s, newPlan31(s))
	return p.(*plan31)
}

// documents maps each 3.1 document checked so far to its plans. The key is
// weak and a cleanup drops the entry when the document is collected (a mock
// that reloads its spec on every edit must not keep the old ones); the
// plans point at the document's schemas, never at the document itself.
var documents struct {
	sync.Mutex
	m map[weak.Pointer[openapi3.T]]*plans31
}

func plansOf(doc *openapi3.T) *plans31 {
	key := weak.Make(doc)
	documents.Lock()
	defer documents.Unlock()
	if ps, ok := documents.m[key]; ok {
		return ps
	}
	if documents.m == nil {
		documents.m = map[weak.Pointer[openapi3.T]]*plans31{}
	}
	ps := &plans31{}
	documents.m[key] = ps
	runtime.AddCleanup(doc, forgetDocument, key)
	return ps
}

func forgetDocument(key weak.Pointer[openapi3.T]) {
	documents.Lock()
	delete(documents.m, key)
	documents.Unlock()
}
