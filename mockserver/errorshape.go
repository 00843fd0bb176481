package mockserver

import (
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/generate"
	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/lint"
)

// diagnosis is what an error answer says, whatever shape carries it.
type diagnosis struct {
	status   int
	code     string // casebook's code (bad.request, unsupported.media.type...)
	message  string // the whole message, findings included
	id       string // the answer's own id (a UUID)
	findings []finding.Finding
}

// shapeError is an error answer in a schema the spec declares for it (Stripe's
// error object, GitHub's basic-error and validation-error, the petstores'
// Error): a value the generator makes for the schema (so everything it
// requires is there, deterministic for the status and code), with the
// diagnosis written into the properties whose names say what they hold:
//
//   - message-like (message, detail, description, error_description, msg,
//     reason, summary): the message; title takes the status text (RFC 9457);
//   - the answer's id where a property names one (instance, request_id,
//     context_id, correlation_id, trace_id), as urn:uuid:<id>;
//   - code-like (code, type, status, error, kind): the status where the
//     schema wants a number, else the enum member closest to the condition
//     (Stripe's invalid_request_error), else casebook's code; a uri-typed
//     type is about:blank;
//   - where a property names a field (param, field, parameter, property:
//     the finding's pointer as a parameter name, tiers[0][up_to]; pointer:
//     the pointer itself; location, in, rule): the first finding at the top,
//     and one item per finding in an array of such objects (GitHub's
//     errors[]; name too in an item, as RFC 9457's invalid-params), or each
//     finding's text in an array of strings.
//
// Optional properties whose names say nothing of an error are left out
// (Stripe's error would otherwise carry generated payment objects). Each
// change is kept only if the whole body still validates against the
// schema, so the answer always keeps to the contract; ok is false when not
// even the generated value does (a schema casebook cannot satisfy).
func (s *Server) shapeError(schema *openapi3.SchemaRef, d diagnosis) (any, bool) {
	skel, ok := s.errorSkeleton(schema, d)
	if !ok {
		return nil, false
	}
	var first *finding.Finding
	if len(d.findings) > 0 {
		first = &d.findings[0]
	}
	fill := func(careful bool) any {
		v := generate.DeepCopy(skel)
		sh := &shaper{srv: s, v: lint.NewValidator(s.spec.Doc, lint.AsResponse), d: d, careful: careful}
		if obj, ok := v.(map[string]any); ok {
			sh.fill(obj, schema.Value, about{message: d.message, f: first}, 0, sh.validator(schema.Value, &v))
		}
		return v
	}
	// Bold first: every change, then one check of the whole; only a body
	// that then fails its schema is made again, checked change by change.
	if v := fill(false); lint.NewValidator(s.spec.Doc, lint.AsResponse).Visit(schema.Value, v) == nil {
		return v, true
	}
	return fill(true), true
}

// skeletonKey names a generated error body before the diagnosis goes in.
type skeletonKey struct {
	schema *openapi3.Schema
	status int
	code   string
}

// errorSkeleton is the generated value for an error schema (or the items
// of its lists) with what says nothing of an error dropped, made once per
// schema, status and code, from a generator seeded with them: the same
// mistake gets the same answer, and Stripe's generated error, which
// carries whole payment objects, costs milliseconds to make and check
// once, not on every answer. ok is false when it does not validate.
func (s *Server) errorSkeleton(schema *openapi3.SchemaRef, d diagnosis) (any, bool) {
	key := skeletonKey{schema.Value, d.status, d.code}
	if v, ok := s.skeletons.Load(key); ok {
		return v, v != nil
	}
	sh := &shaper{v: lint.NewValidator(s.spec.Doc, lint.AsResponse), d: d, careful: true}
	seed := fnvString(fnvOffset, d.code) ^ uint64(d.status)
	gen := generate.NewValues(rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), s.spec.Doc, lint.AsResponse)
	v := gen.Value(schema, "")
	valid := sh.validator(schema.Value, &v)
	sh.skeleton(v, schema.Value, 0, valid) // before checking it whole: the dropped parts cost the most
	if v != nil && !valid() {
		v = nil
	}
	s.skeletons.Store(key, v)
	return v, v != nil
}

// shaper writes one diagnosis into one generated value.
type shaper struct {
	srv *Server // for errorSkeleton
	v   lint.Validator
	d   diagnosis
	// careful checks the body after every change; otherwise the caller
	// checks it once at the end.
	careful bool
}

// validator checks the value *v holds against s, as lint checks answers;
// it passes everything when the shaper is not careful.
func (sh *shaper) validator(s *openapi3.Schema, v *any) func() bool {
	if !sh.careful {
		return func() bool { return true }
	}
	return func() bool { return sh.v.Visit(s, *v) == nil }
}

// maxShapeDepth bounds the walk: error bodies are shallow, and the
// generator's values can recurse six objects deep.
const maxShapeDepth = 4

// about is what one object of an error body is about: the message, and
// the finding (nil: none) its field-naming properties name; item says the
// object is one finding's item in a list.
type about struct {
	message string
	f       *finding.Finding
	item    bool
}

// fill writes what a is about into obj, whose schema is
// s, and drops the optional properties that say nothing of the diagnosis
// (Stripe's error declares a dozen, payment_method among them); valid
// checks the whole body after every change. It reports whether it wrote
// anything.
func (sh *shaper) fill(obj map[string]any, s *openapi3.Schema, a about, depth int, valid func() bool) bool {
	if depth > maxShapeDepth {
		return false
	}
	props := lint.Properties(s)
	required := requiredOf(s)
	sh.prune(obj, required, a, valid)
	wrote := false
	for _, key := range slices.Sorted(maps.Keys(props)) {
		if props[key] == nil || props[key].Value == nil {
			continue
		}
		ps := props[key].Value
		filled := false
		if v, ok := sh.value(key, ps, a); ok {
			filled = sh.try(obj, key, v, valid)
		} else {
			switch cur := obj[key].(type) {
			case map[string]any:
				filled = sh.fill(cur, ps, a, depth+1, valid)
			case []any:
				filled = sh.items(obj, key, ps, depth, valid)
			}
		}
		wrote = wrote || filled
		if !filled && !required[key] {
			sh.drop(obj, key, valid)
		}
	}
	return wrote
}

// prune drops, in one go, the optional properties whose names say nothing
// of an error (a generated payment_method object has a description and a
// status of its own, which must not be taken for the error's), unless the
// body needs them to validate.
func (sh *shaper) prune(obj map[string]any, required map[string]bool, a about, valid func() bool) {
	dropped := map[string]any{}
	for key, v := range obj {
		if !required[key] && a.kindOf(key) == kindNone {
			dropped[key] = v
			delete(obj, key)
		}
	}
	if len(dropped) > 0 && !valid() {
		maps.Copy(obj, dropped)
	}
}

// skeleton prunes v, an object of schema s, and the objects it keeps.
func (sh *shaper) skeleton(v any, s *openapi3.Schema, depth int, valid func() bool) {
	obj, ok := v.(map[string]any)
	if !ok || depth > maxShapeDepth {
		return
	}
	sh.prune(obj, requiredOf(s), about{}, valid)
	props := lint.Properties(s)
	for key, child := range obj {
		if ps := props[key]; ps != nil && ps.Value != nil {
			sh.skeleton(child, ps.Value, depth+1, valid)
		}
	}
}

// try sets obj[key] to v, and puts back what was there when the body no
// longer validates. It reports whether v stayed.
func (sh *shaper) try(obj map[string]any, key string, v any, valid func() bool) bool {
	old, had := obj[key]
	obj[key] = v
	if valid() {
		return true
	}
	if had {
		obj[key] = old
	} else {
		delete(obj, key)
	}
	return false
}

// drop removes obj[key] unless the body needs it to validate.
func (sh *shaper) drop(obj map[string]any, key string, valid func() bool) {
	old, had := obj[key]
	if !had {
		return
	}
	delete(obj, key)
	if !valid() {
		obj[key] = old
	}
}

// items makes an array one item per finding: an object filled with it
// (GitHub's validation-error errors[]), or its text in a list of strings;
// it writes nothing when there are no findings, or when the items' schema
// has no property a finding fills.
func (sh *shaper) items(obj map[string]any, key string, s *openapi3.Schema, depth int, valid func() bool) bool {
	if len(sh.d.findings) == 0 || s.Items == nil || s.Items.Value == nil {
		return false
	}
	list := make([]any, 0, len(sh.d.findings))
	if isString(s.Items.Value) && len(s.Items.Value.Enum) == 0 {
		// A list of messages (GitHub's validation-error-simple).
		for _, f := range sh.d.findings {
			list = append(list, findingText(f))
		}
		return sh.try(obj, key, list, valid)
	}
	base, ok := sh.srv.errorSkeleton(s.Items, sh.d)
	if !ok {
		return false
	}
	for i := range sh.d.findings {
		it := generate.DeepCopy(base)
		m, ok := it.(map[string]any)
		a := about{message: sh.d.findings[i].Message, f: &sh.d.findings[i], item: true}
		if !ok || !sh.fill(m, s.Items.Value, a, depth+1, sh.validator(s.Items.Value, &it)) {
			return false
		}
		list = append(list, it)
	}
	return sh.try(obj, key, list, valid)
}

// nameKind is what a property's name says it holds.
type nameKind int

const (
	kindNone      nameKind = iota
	kindMessage            // message, detail, description...
	kindTitle              // title
	kindID                 // instance, request_id...
	kindCode               // code, type, status...
	kindParam              // param, field...
	kindPointer            // pointer
	kindLocation           // location, in
	kindRule               // rule
	kindContainer          // error, errors, details...: an object or list that holds the above
)

var kinds = map[string]nameKind{
	"message": kindMessage, "detail": kindMessage, "description": kindMessage, "errordescription": kindMessage,
	"errormessage": kindMessage, "msg": kindMessage, "reason": kindMessage, "summary": kindMessage,
	"title":    kindTitle,
	"instance": kindID, "requestid": kindID, "contextid": kindID, "correlationid": kindID, "traceid": kindID,
	"code": kindCode, "type": kindCode, "status": kindCode, "statuscode": kindCode, "errorcode": kindCode, "kind": kindCode,
	"param": kindParam, "parameter": kindParam, "field": kindParam, "fieldname": kindParam, "property": kindParam,
	"pointer": kindPointer, "jsonpointer": kindPointer,
	"location": kindLocation, "in": kindLocation,
	"rule": kindRule,
	// error is a code as a string (RFC 6749's error), a container as an object (Stripe's).
	"error": kindContainer, "errors": kindContainer, "details": kindContainer, "fault": kindContainer,
	"problems": kindContainer, "issues": kindContainer, "violations": kindContainer, "invalidparams": kindContainer,
	"validationerrors": kindContainer, "fielderrors": kindContainer,
}

// kindOf reads a property's name in any case, with or without _ and -.
func kindOf(key string) nameKind {
	return kinds[strings.Map(func(r rune) rune {
		switch {
		case r == '_' || r == '-':
			return -1
		case 'A' <= r && r <= 'Z':
			return r + 'a' - 'A'
		}
		return r
	}, key)]
}

// kindOf is kindOf(key) where a is: in one finding's item, name names the
// field too (RFC 9457's invalid-params: {name, reason}).
func (a about) kindOf(key string) nameKind {
	if a.item && strings.EqualFold(key, "name") {
		return kindParam
	}
	return kindOf(key)
}

// value is what a property named key holds in the diagnosis; ok is false
// when its name says nothing casebook knows, or it is a container.
func (sh *shaper) value(key string, s *openapi3.Schema, a about) (any, bool) {
	message, f := a.message, a.f
	switch a.kindOf(key) {
	case kindMessage:
		return message, isString(s)
	case kindTitle:
		return http.StatusText(sh.d.status), isString(s)
	case kindID:
		return "urn:uuid:" + sh.d.id, isString(s)
	case kindCode:
		return sh.code(key, s)
	case kindContainer:
		if s.Type.Is("string") {
			return sh.code(key, s)
		}
	case kindParam:
		return fieldOf(f, jsonptr.Bracketed), f != nil && isString(s)
	case kindPointer:
		return fieldOf(f, func(p string) string { return p }), f != nil && isString(s)
	case kindLocation:
		return fieldOf(f, func(string) string { return string(f.Location) }), f != nil && isString(s)
	case kindRule:
		return fieldOf(f, func(string) string { return f.Rule }), f != nil && isString(s)
	}
	return nil, false
}

func fieldOf(f *finding.Finding, spell func(string) string) string {
	if f == nil {
		return ""
	}
	return spell(f.Pointer)
}

// code is a code-like property's value: the status for a number, the enum
// member nearest the condition, about:blank for a uri, else the status
// (for status) or casebook's code, as text.
func (sh *shaper) code(name string, s *openapi3.Schema) (any, bool) {
	switch {
	case s.Type.Is("integer") || s.Type.Is("number"):
		return sh.d.status, true
	case len(s.Enum) > 0:
		return nearestMember(s.Enum, sh.d), true
	case !isString(s):
		return nil, false
	case s.Format == "uri" || s.Format == "uri-reference":
		return "about:blank", true
	case strings.EqualFold(name, "status") || strings.EqualFold(name, "status_code") || strings.EqualFold(name, "statusCode"):
		return strconv.Itoa(sh.d.status), true
	}
	return sh.d.code, true
}

// nearestMember picks the enum member that shares the most words with the
// condition: casebook's code, the status text and words for its class (a
// 4xx is an invalid request by the client, a 5xx the server's or the API's
// error). Ties go to the earlier member.
func nearestMember(enum []any, d diagnosis) any {
	words := map[string]bool{}
	for _, w := range splitWords(d.code + " " + http.StatusText(d.status)) {
		words[w] = true
	}
	class := []string{"invalid", "request", "client"}
	if d.status >= 500 {
		class = []string{"api", "server", "internal"}
	}
	for _, w := range class {
		words[w] = true
	}
	best, bestScore := enum[0], -1
	for _, m := range enum {
		if n, ok := m.(float64); ok && int(n) == d.status {
			return m
		}
		str, ok := m.(string)
		if !ok {
			continue
		}
		score := 0
		for _, w := range splitWords(str) {
			if words[w] {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = m, score
		}
	}
	return best
}

func splitWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	})
}

func isString(s *openapi3.Schema) bool {
	return s.Type.Is("string") || (s.Type == nil || len(s.Type.Slice()) == 0) && len(s.Enum) == 0
}

// requiredOf is the set of properties s requires, itself and through allOf.
func requiredOf(s *openapi3.Schema) map[string]bool {
	out := map[string]bool{}
	var walk func(*openapi3.Schema, int)
	walk = func(s *openapi3.Schema, depth int) {
		if s == nil || depth > maxShapeDepth {
			return
		}
		for _, k := range s.Required {
			out[k] = true
		}
		for _, r := range s.AllOf {
			if r != nil {
				walk(r.Value, depth+1)
			}
		}
	}
	walk(s, 0)
	return out
}
