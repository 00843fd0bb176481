package lint

import (
	"runtime"
	"sync"
	"sync/atomic"
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
// Where kin-openapi's 3.0 visitor checks a schema that reaches no property
// the direction constrains (see directionFree), the Validator leaves the
// direction out of the options: the verdict and the errors are the same,
// and the visitor skips a sorted walk of every object schema's properties.
//
// A Validator is a small value: build one per check with NewValidator.
type Validator struct {
	opts []openapi3.SchemaValidationOption
	// legacy are the 3.0 options of the same direction: what kin-openapi
	// falls back to for a 3.1 schema it does not validate as 2020-12.
	legacy []openapi3.SchemaValidationOption
	dir    Direction
	doc    *docState // nil when there is no document
}

// NewValidator is the Validator of doc's values travelling in direction dir.
func NewValidator(doc *openapi3.T, dir Direction) Validator {
	v := Validator{opts: schemaOptions[dir][0], legacy: schemaOptions[dir][0], dir: dir}
	if doc != nil {
		v.doc = stateOf(doc)
		if v.doc.is31 {
			v.opts = schemaOptions[dir][1] // SchemaOptions, without reading the version again
		}
	}
	return v
}

// Visit checks value against s: nil, or an error the collector reads (an
// *openapi3.SchemaError tree, or an *error31 for a compiled 3.1 schema).
func (v Validator) Visit(s *openapi3.Schema, value any) error {
	if v.doc == nil || !v.doc.is31 {
		return s.VisitJSON(value, v.legacyFor(s, v.opts)...)
	}
	p := v.doc.plans.of(s)
	switch p.route {
	case routeLegacy:
		return s.VisitJSON(value, v.legacyFor(s, v.legacy)...)
	case routeCompiled:
		return p.validate(value)
	}
	return s.VisitJSON(value, v.opts...)
}

// legacyFor is opts, 3.0 options of v's direction, or the same options
// without the direction when s is directionFree.
func (v Validator) legacyFor(s *openapi3.Schema, opts []openapi3.SchemaValidationOption) []openapi3.SchemaValidationOption {
	if v.doc != nil && v.doc.directionFree(s, v.dir) {
		return plainOptions
	}
	return opts
}

// isZero reports a Validator not built by NewValidator.
func (v Validator) isZero() bool { return v.opts == nil }

// docState is what a Validator keeps of one document between checks.
type docState struct {
	is31  bool
	plans plans31 // 3.1 only
	// free holds directionFree's answers, by direction: *openapi3.Schema -> bool.
	free [2]sync.Map
}

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

// documents maps each document checked so far to its state. The key is
// weak and a cleanup drops the entry when the document is collected (a mock
// that reloads its spec on every edit must not keep the old ones); the
// state points at the document's schemas, never at the document itself.
var documents sync.Map // weak.Pointer[openapi3.T] -> *docEntry

// lastDocument is the entry stateOf found last: most checks in a row are
// of one document, and comparing its weak pointer's value costs less than
// making one (weak.Make) to look the document up.
var lastDocument atomic.Pointer[docEntry]

type docEntry struct {
	key weak.Pointer[openapi3.T]
	ds  *docState
}

func stateOf(doc *openapi3.T) *docState {
	if e := lastDocument.Load(); e != nil && e.key.Value() == doc {
		return e.ds
	}
	key := weak.Make(doc)
	v, ok := documents.Load(key)
	if !ok {
		var loaded bool
		v, loaded = documents.LoadOrStore(key, &docEntry{key: key, ds: &docState{is31: doc.IsOpenAPI31OrLater()}})
		if !loaded {
			runtime.AddCleanup(doc, forgetDocument, key)
		}
	}
	e := v.(*docEntry)
	lastDocument.Store(e)
	return e.ds
}

func forgetDocument(key weak.Pointer[openapi3.T]) {
	if v, ok := documents.LoadAndDelete(key); ok {
		lastDocument.CompareAndSwap(v.(*docEntry), nil) // its plans hold the old schemas
	}
}
