package spec

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// Problems lists where the document breaks the OpenAPI rules without
// breaking casebook (published vendor specs often do: Genesys Cloud's 2018
// swagger has operations that omit declared path parameters). They are
// shown as warnings; a spec that cannot be parsed or whose $refs do not
// resolve is a LoadError instead.
//
// Load does not validate the document, since on a big spec that is most
// of the load (Stripe's 2022-04 spec: two thirds, as kin-openapi validates
// every schema again from every place that reaches it). Problems
// validates it, or waits for Validate's validation to end. Nothing
// casebook answers depends on it: lint and the mock check requests against
// the schemas, not against this verdict on them.
func (s *Spec) Problems() []string {
	s.Validate()
	<-s.validation.done
	return s.validation.problems
}

// Validate starts the document's validation on a goroutine of its own, once,
// and returns at once: Problems has the result. The document is only read
// (kin-openapi's cache of compiled patterns is a sync.Map; its one write to
// the document was made by Load), so requests may be checked against it
// meanwhile.
func (s *Spec) Validate() {
	v := s.validation
	v.start.Do(func() {
		go func() {
			defer close(v.done)
			v.problems = append(validate(v.path, v.data, s.Doc), repairProblems(v.repairs, nil)...)
		}()
	})
}

// ProblemsOf lists the problems that concern ops: kin-openapi's validation
// of a copy of the document that keeps, of its paths, only ops (their path
// items' parameters and servers included) and, of its components, only the
// security schemes; the document-level checks (version, info, servers,
// tags, security requirements) come with them, and the quirks Load
// repaired in ops.
// The schemas ops reach are validated from ops; the components nothing in
// ops reaches are not.
//
// It is what lint and run report: on Stripe's 2022-04 spec, Problems
// validates thousands of schemas for one case's operation (0.65-0.95 s on a
// loaded 2-core machine), ProblemsOf a few. A problem elsewhere in the
// document is Problems' (casebook mock prints it); no verdict on a request
// depends on either.
func (s *Spec) ProblemsOf(ops []*Operation) []string {
	set := make(map[*Operation]bool, len(ops))
	for _, op := range ops {
		set[op] = true
	}
	v := s.validation
	return append(validate(v.path, v.data, s.only(ops)), repairProblems(v.repairs, set)...)
}

// only is a shallow copy of the document for ProblemsOf; it shares every
// operation and schema with Doc and writes to none of them.
func (s *Spec) only(ops []*Operation) *openapi3.T {
	doc := *s.Doc
	doc.Webhooks = nil
	if c := s.Doc.Components; c != nil {
		doc.Components = &openapi3.Components{Extensions: c.Extensions, Origin: c.Origin, SecuritySchemes: c.SecuritySchemes}
	}
	if s.Doc.Paths == nil {
		return &doc
	}
	items := map[string]*openapi3.PathItem{}
	for _, op := range ops {
		item := items[op.Path]
		if item == nil {
			item = withoutOperations(op.Item)
			items[op.Path] = item
		}
		item.SetOperation(op.Method, op.Op)
	}
	doc.Paths = openapi3.NewPaths()
	doc.Paths.Extensions, doc.Paths.Origin = s.Doc.Paths.Extensions, s.Doc.Paths.Origin
	for p, item := range items {
		doc.Paths.Set(p, item)
	}
	return &doc
}

// withoutOperations copies item without its operations.
func withoutOperations(item *openapi3.PathItem) *openapi3.PathItem {
	c := *item
	c.Connect, c.Delete, c.Get, c.Head, c.Options = nil, nil, nil, nil, nil
	c.Patch, c.Post, c.Put, c.Trace, c.Query = nil, nil, nil, nil, nil
	c.AdditionalOperations = nil
	return &c
}

// validation is the document's, started by Validate or Problems.
type validation struct {
	path    string
	data    []byte
	repairs []repair // of quirks found while loading, listed after the validator's problems
	start   sync.Once
	done    chan struct{}

	problems []string
}

func newValidation(path string, data []byte, doc *openapi3.T, repairs []repair) *validation {
	if doc.Paths != nil {
		// The validator's one write to the document: a null path item
		// becomes an empty one. Made here, before anything reads concurrently.
		for p, item := range doc.Paths.Map() {
			if item == nil && strings.HasPrefix(p, "/") {
				doc.Paths.Set(p, &openapi3.PathItem{})
			}
		}
	}
	return &validation{path: path, data: data, repairs: repairs, done: make(chan struct{})}
}

// validate checks the document the way a vendor's published spec needs:
// examples and defaults are not held against their schemas (vendor specs
// often get them wrong, and they do not change what a request must be).
// A $ref that did not resolve is found before (unresolvedSchemaRef); one
// the validator finds that the walk did not is a problem like the others,
// its message placing the $ref.
func validate(path string, data []byte, doc *openapi3.T) []string {
	err := doc.Validate(context.Background(),
		openapi3.EnableMultiError(),
		openapi3.DisableExamplesValidation(),
		openapi3.DisableSchemaDefaultsValidation(),
	)
	if err == nil {
		return nil
	}
	var me openapi3.MultiError
	if !errors.As(err, &me) {
		me = openapi3.MultiError{err}
	}
	out := make([]string, 0, len(me))
	for _, e := range me {
		if re := unresolvedRef(path, data, e); re != nil {
			out = append(out, re.Error())
			continue
		}
		out = append(out, e.Error())
	}
	return out
}

// unresolvedSchemaRef finds a schema $ref the loader could not resolve (a
// cycle of $refs that never reaches a schema, A -> B -> A): it would
// validate nothing, so that any body passes, and is a load error. It walks
// every schema once (the validator would find it too, but visits shared
// schemas again from every place that reaches them), components first and
// in name order, as the validator does.
func unresolvedSchemaRef(path string, data []byte, doc *openapi3.T) *RefError {
	w := schemaWalk{seen: map[*openapi3.Schema]bool{}}
	if c := doc.Components; c != nil {
		w.schemas(c.Schemas)
		for _, name := range slices.Sorted(maps.Keys(c.Parameters)) {
			w.parameter(c.Parameters[name])
		}
		for _, name := range slices.Sorted(maps.Keys(c.Headers)) {
			w.header(c.Headers[name])
		}
		for _, name := range slices.Sorted(maps.Keys(c.RequestBodies)) {
			w.requestBody(c.RequestBodies[name])
		}
		for _, name := range slices.Sorted(maps.Keys(c.Responses)) {
			w.response(c.Responses[name])
		}
	}
	if doc.Paths != nil {
		for _, p := range doc.Paths.InMatchingOrder() {
			w.pathItem(doc.Paths.Value(p))
		}
	}
	if w.ref == "" {
		return nil
	}
	return placeRef(path, data, w.ref, "resolves to no schema: it leads round a cycle of $refs that never reaches one")
}

// schemaWalk remembers the first unresolved $ref (ref) and stops there.
type schemaWalk struct {
	seen map[*openapi3.Schema]bool
	ref  string
}

func (w *schemaWalk) schema(r *openapi3.SchemaRef) {
	if r == nil || w.ref != "" {
		return
	}
	s := r.Value
	if s == nil {
		w.ref = r.Ref
		if w.ref == "" {
			w.ref = "#"
		}
		return
	}
	if w.seen[s] {
		return
	}
	w.seen[s] = true
	for _, list := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf, s.AllOf, s.PrefixItems} {
		for _, c := range list {
			w.schema(c)
		}
	}
	for _, c := range []*openapi3.SchemaRef{s.Not, s.Items, s.AdditionalProperties.Schema, s.Contains, s.PropertyNames, s.If, s.Then, s.Else, s.ContentSchema} {
		w.schema(c)
	}
	for _, m := range []openapi3.Schemas{s.Properties, s.PatternProperties, s.DependentSchemas, s.Defs} {
		w.schemas(m)
	}
}

func (w *schemaWalk) schemas(m openapi3.Schemas) {
	for _, name := range slices.Sorted(maps.Keys(m)) {
		w.schema(m[name])
	}
}

func (w *schemaWalk) content(c openapi3.Content) {
	for _, name := range slices.Sorted(maps.Keys(c)) {
		if mt := c[name]; mt != nil {
			w.schema(mt.Schema)
		}
	}
}

func (w *schemaWalk) parameter(r *openapi3.ParameterRef) {
	if r != nil && r.Value != nil {
		w.schema(r.Value.Schema)
		w.content(r.Value.Content)
	}
}

func (w *schemaWalk) header(r *openapi3.HeaderRef) {
	if r != nil && r.Value != nil {
		w.schema(r.Value.Schema)
		w.content(r.Value.Content)
	}
}

func (w *schemaWalk) requestBody(r *openapi3.RequestBodyRef) {
	if r != nil && r.Value != nil {
		w.content(r.Value.Content)
	}
}

func (w *schemaWalk) response(r *openapi3.ResponseRef) {
	if r == nil || r.Value == nil {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(r.Value.Headers)) {
		w.header(r.Value.Headers[name])
	}
	w.content(r.Value.Content)
}

func (w *schemaWalk) pathItem(item *openapi3.PathItem) {
	if item == nil {
		return
	}
	for _, p := range item.Parameters {
		w.parameter(p)
	}
	for _, method := range slices.Sorted(maps.Keys(item.Operations())) {
		op := item.Operations()[method]
		for _, p := range op.Parameters {
			w.parameter(p)
		}
		w.requestBody(op.RequestBody)
		if op.Responses != nil {
			m := op.Responses.Map()
			for _, code := range slices.Sorted(maps.Keys(m)) {
				w.response(m[code])
			}
		}
	}
}
