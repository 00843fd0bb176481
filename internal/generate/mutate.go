package generate

import (
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/spec"
)

// Mutation is a valid request with one mistake, and what a correct checker
// says about it.
type Mutation struct {
	// Name is short and unique within the operation: drop-name, type-limit.
	Name string
	// Description says what was changed, in a sentence.
	Description string
	Request     *Request
	// Want is the finding the mistake must produce.
	Want Want
	// Status is what the mock answers: 400 (or 422, see
	// spec.Operation.BadRequestStatus), 415 for a media type, 401 without
	// credentials.
	Status int
}

// Want names a finding by where it is and which rule it breaks.
type Want struct {
	Location finding.Location
	Pointer  string
	Rule     string
}

func (w Want) String() string { return fmt.Sprintf("%s %s %s", w.Location, w.Pointer, w.Rule) }

// Matches reports whether f is the wanted error.
func (w Want) Matches(f finding.Finding) bool {
	return f.Severity == finding.Error && f.Location == w.Location && f.Pointer == w.Pointer && f.Rule == w.Rule
}

// Mutations are mistakes made to a valid request of the operation, each a
// class of error a checker must catch: each required body field dropped, a
// field of the wrong type, a value outside its enum, a value breaking its
// format, an undeclared field where additionalProperties is false, each
// required query or header parameter dropped, a Content-Type the
// operation does not take, and no credentials.
func (b *Builder) Mutations(op *spec.Operation, valid *Request) []Mutation {
	var out []Mutation
	body := bodySchema(op, valid.ContentType)
	out = append(out, b.dropRequired(valid, body)...)
	for _, m := range []func(*Request, *openapi3.Schema, *spec.Operation) *Mutation{b.wrongType, b.notInEnum, b.badFormat} {
		if mu := m(valid, body, op); mu != nil {
			out = append(out, *mu)
		}
	}
	if mu := b.undeclared(valid, body); mu != nil {
		out = append(out, *mu)
	}
	out = append(out, b.dropParams(valid, op)...)
	if mu := b.wrongContentType(valid, op); mu != nil {
		out = append(out, *mu)
	}
	bad := op.BadRequestStatus()
	for i := range out {
		if out[i].Status == http.StatusBadRequest {
			out[i].Status = bad // 422 where the operation declares only that
		}
	}
	if valid.Auth {
		r := valid.clone()
		r.Auth = false
		where := "/Authorization"
		if name := firstKeyName(b.spec.Doc, op); name != "" {
			where = jsonptr.Join(name)
		}
		out = append(out, Mutation{Name: "no-credentials", Description: "sent without credentials", Request: r,
			Want: Want{finding.InSecurity, where, finding.RuleSecurity}, Status: http.StatusUnauthorized})
	}
	return out
}

// bodySchema is the schema of the valid request's body, when it has one
// that names its properties.
func bodySchema(op *spec.Operation, contentType string) *openapi3.Schema {
	if contentType == "" || op.Op.RequestBody == nil || op.Op.RequestBody.Value == nil {
		return nil
	}
	media := op.Op.RequestBody.Value.Content.Get(contentType)
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return nil
	}
	return media.Schema.Value
}

// fields are the body's top-level fields with the schema of each, sorted.
func fields(r *Request, s *openapi3.Schema) []string {
	if s == nil {
		return nil
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(s.Properties)) {
		if r.has(k) {
			out = append(out, k)
		}
	}
	return out
}

func (r *Request) has(field string) bool {
	if r.Form != nil {
		for k := range r.Form {
			if k == field || strings.HasPrefix(k, field+"[") {
				return true
			}
		}
		return false
	}
	obj, ok := r.Body.(map[string]any)
	if !ok {
		return false
	}
	_, has := obj[field]
	return has
}

// set replaces a top-level body field; v is JSON for a JSON body and text
// for a form.
func (r *Request) set(field string, v any) {
	if r.Form != nil {
		r.drop(field)
		r.Form.Set(field, scalarText(v))
		return
	}
	if obj, ok := r.Body.(map[string]any); ok {
		obj[field] = v
	}
}

func (r *Request) drop(field string) {
	if r.Form != nil {
		for k := range r.Form {
			if k == field || strings.HasPrefix(k, field+"[") {
				delete(r.Form, k)
			}
		}
		return
	}
	if obj, ok := r.Body.(map[string]any); ok {
		delete(obj, field)
	}
}

func (b *Builder) dropRequired(valid *Request, s *openapi3.Schema) []Mutation {
	if s == nil {
		return nil
	}
	var out []Mutation
	for _, name := range slices.Sorted(slices.Values(s.Required)) {
		if !valid.has(name) {
			continue
		}
		r := valid.clone()
		r.drop(name)
		out = append(out, Mutation{Name: "drop-" + slug(name), Description: fmt.Sprintf("the required body field %q left out", name), Request: r,
			Want: Want{finding.InBody, jsonptr.Join(name), "required"}, Status: http.StatusBadRequest})
	}
	return out
}

// plainType is the one type a schema declares, with no oneOf, anyOf, allOf
// or not to widen it; "" otherwise.
func plainType(ref *openapi3.SchemaRef) string {
	if ref == nil || ref.Value == nil {
		return ""
	}
	s := ref.Value
	if len(s.OneOf)+len(s.AnyOf)+len(s.AllOf) > 0 || s.Not != nil || s.Nullable || len(s.Type.Slice()) != 1 {
		return ""
	}
	return s.Type.Slice()[0]
}

// wrongType sends a body field, else a parameter, as a value of another
// type. A form or a parameter carries text, so there only a field that is
// not text can have the wrong type ("abc" for an integer).
func (b *Builder) wrongType(valid *Request, s *openapi3.Schema, op *spec.Operation) *Mutation {
	for _, name := range fields(valid, s) {
		t := plainType(s.Properties[name])
		wrong := wrongValue(t, valid.Form != nil)
		if wrong == nil || len(s.Properties[name].Value.Enum) > 0 {
			continue // the validator names an enum, not the type, for a value outside one
		}
		r := valid.clone()
		r.set(name, wrong)
		return &Mutation{Name: "type-" + slug(name), Description: fmt.Sprintf("the body field %q sent as %s where the schema wants %s", name, describe(wrong), article(t)),
			Request: r, Want: Want{finding.InBody, jsonptr.Join(name), "type"}, Status: http.StatusBadRequest}
	}
	return b.paramMutation(valid, op, "type", func(p *openapi3.Parameter) (string, bool) {
		t := plainType(p.Schema)
		return "abc", (t == "integer" || t == "number" || t == "boolean") && len(p.Schema.Value.Enum) == 0
	})
}

// wrongValue is a value not of type t: text where it wants a number,
// object, list or boolean; a number where it wants text (JSON only).
func wrongValue(t string, text bool) any {
	switch t {
	case "integer", "number", "boolean":
		return "abc"
	case "object", "array":
		if text {
			return nil
		}
		return "abc"
	case "string":
		if text {
			return nil
		}
		return int64(12345)
	}
	return nil
}

func describe(v any) string {
	if _, ok := v.(string); ok {
		return "text"
	}
	return "a number"
}

func article(t string) string {
	switch t {
	case "integer", "object", "array":
		return "an " + t
	}
	return "a " + t
}

const notAMember = "casebook-not-a-member"

// notInEnum sends a string outside its enum.
func (b *Builder) notInEnum(valid *Request, s *openapi3.Schema, op *spec.Operation) *Mutation {
	isStringEnum := func(ref *openapi3.SchemaRef) bool {
		return plainType(ref) == "string" && len(ref.Value.Enum) > 0 && !slices.Contains(ref.Value.Enum, any(notAMember))
	}
	for _, name := range fields(valid, s) {
		if !isStringEnum(s.Properties[name]) {
			continue
		}
		r := valid.clone()
		r.set(name, notAMember)
		return &Mutation{Name: "enum-" + slug(name), Description: fmt.Sprintf("the body field %q set to a value outside its enum", name),
			Request: r, Want: Want{finding.InBody, jsonptr.Join(name), "enum"}, Status: http.StatusBadRequest}
	}
	return b.paramMutation(valid, op, "enum", func(p *openapi3.Parameter) (string, bool) {
		return notAMember, isStringEnum(p.Schema)
	})
}

// checkedFormats are the formats lint checks.
var checkedFormats = []string{"date", "date-time", "uri", "uri-reference", "email", "uuid", "ipv4", "ipv6", "hostname"}

const notAFormat = "not a valid value"

// badFormat sends text that fits no checked format (it has spaces).
func (b *Builder) badFormat(valid *Request, s *openapi3.Schema, op *spec.Operation) *Mutation {
	hasFormat := func(ref *openapi3.SchemaRef) bool {
		return plainType(ref) == "string" && slices.Contains(checkedFormats, ref.Value.Format) && len(ref.Value.Enum) == 0
	}
	for _, name := range fields(valid, s) {
		if !hasFormat(s.Properties[name]) {
			continue
		}
		r := valid.clone()
		r.set(name, notAFormat)
		return &Mutation{Name: "format-" + slug(name), Description: fmt.Sprintf("the body field %q is not a valid %s", name, s.Properties[name].Value.Format),
			Request: r, Want: Want{finding.InBody, jsonptr.Join(name), "format"}, Status: http.StatusBadRequest}
	}
	return b.paramMutation(valid, op, "format", func(p *openapi3.Parameter) (string, bool) {
		return notAFormat, hasFormat(p.Schema)
	})
}

// paramMutation sets the first query or header parameter that fits to
// the value fit gives, wanting a finding of rule at its pointer.
func (b *Builder) paramMutation(valid *Request, op *spec.Operation, rule string, fit func(*openapi3.Parameter) (string, bool)) *Mutation {
	for _, p := range op.Parameters() {
		if p.Content != nil || !(p.In == openapi3.ParameterInQuery || p.In == openapi3.ParameterInHeader) || spec.IgnoredHeader(p) {
			continue
		}
		v, ok := fit(p)
		if !ok || !valid.hasParam(p) {
			continue
		}
		r := valid.clone()
		if p.In == openapi3.ParameterInQuery {
			r.Query.Set(p.Name, v)
		} else {
			r.Header[p.Name] = v
		}
		return &Mutation{Name: rule + "-" + slug(p.Name), Description: fmt.Sprintf("the %s parameter %q set to %q", p.In, p.Name, v),
			Request: r, Want: Want{finding.Location(p.In), jsonptr.Join(p.Name), rule}, Status: http.StatusBadRequest}
	}
	return nil
}

func (r *Request) hasParam(p *openapi3.Parameter) bool {
	if p.In == openapi3.ParameterInQuery {
		_, ok := r.Query[p.Name]
		return ok
	}
	_, ok := r.Header[p.Name]
	return ok
}

const undeclaredField = "casebookUndeclared"

// undeclared adds a field the body's schema forbids (additionalProperties:
// false).
func (b *Builder) undeclared(valid *Request, s *openapi3.Schema) *Mutation {
	if s == nil || len(s.AllOf)+len(s.OneOf)+len(s.AnyOf) > 0 {
		return nil
	}
	if ap := s.AdditionalProperties.Has; ap == nil || *ap {
		return nil
	}
	if _, isObj := valid.Body.(map[string]any); !isObj && valid.Form == nil {
		return nil
	}
	r := valid.clone()
	r.set(undeclaredField, "x")
	return &Mutation{Name: "undeclared", Description: fmt.Sprintf("a field %q the body's schema forbids (additionalProperties: false)", undeclaredField),
		Request: r, Want: Want{finding.InBody, jsonptr.Join(undeclaredField), "additionalProperties"}, Status: http.StatusBadRequest}
}

// dropParams leaves out each required query and header parameter.
func (b *Builder) dropParams(valid *Request, op *spec.Operation) []Mutation {
	var out []Mutation
	for _, p := range op.Parameters() {
		if !p.Required || !(p.In == openapi3.ParameterInQuery || p.In == openapi3.ParameterInHeader) || spec.IgnoredHeader(p) || !valid.hasParam(p) {
			continue
		}
		if p.In == openapi3.ParameterInQuery && (p.Style == openapi3.SerializationDeepObject || shapeIsExplodedObject(p)) {
			continue // its keys are not its name
		}
		r := valid.clone()
		if p.In == openapi3.ParameterInQuery {
			r.Query.Del(p.Name)
		} else {
			delete(r.Header, p.Name)
		}
		out = append(out, Mutation{Name: "drop-" + p.In + "-" + slug(p.Name), Description: fmt.Sprintf("the required %s parameter %q left out", p.In, p.Name),
			Request: r, Want: Want{finding.Location(p.In), jsonptr.Join(p.Name), "required"}, Status: http.StatusBadRequest})
	}
	return out
}

func shapeIsExplodedObject(p *openapi3.Parameter) bool {
	sm, err := p.SerializationMethod()
	return err == nil && sm.Explode && plainType(p.Schema) == "object"
}

// wrongContentType sends the body as text/plain (or, where that is taken,
// a media type nobody takes).
func (b *Builder) wrongContentType(valid *Request, op *spec.Operation) *Mutation {
	if _, body := valid.Encoded(); len(body) == 0 {
		return nil // no body: its media type says nothing
	}
	ct := "text/plain"
	if op.Op.RequestBody.Value.Content.Get(ct) != nil {
		ct = "application/x-casebook-unknown"
		if op.Op.RequestBody.Value.Content.Get(ct) != nil {
			return nil // the operation takes anything
		}
	}
	r := valid.clone()
	r.Header["Content-Type"] = ct
	return &Mutation{Name: "content-type", Description: fmt.Sprintf("the body sent as %s", ct), Request: r,
		Want: Want{finding.InHeader, "/Content-Type", finding.RuleContentType}, Status: http.StatusUnsupportedMediaType}
}

// firstKeyName is the API key's name when the operation's first security
// requirement is an API key (its credential goes there, not in
// Authorization).
func firstKeyName(doc *openapi3.T, op *spec.Operation) string {
	reqs := doc.Security
	if op.Op.Security != nil {
		reqs = *op.Op.Security
	}
	if len(reqs) == 0 || doc.Components == nil {
		return ""
	}
	for _, name := range slices.Sorted(maps.Keys(reqs[0])) {
		if ref := doc.Components.SecuritySchemes[name]; ref != nil && ref.Value != nil && ref.Value.Type == "apiKey" {
			return ref.Value.Name
		}
		return ""
	}
	return ""
}

var notSlug = regexp.MustCompile(`[^A-Za-z0-9]+`)

// slug makes a name safe for a case name and a file name.
func slug(s string) string {
	return strings.Trim(notSlug.ReplaceAllString(s, "-"), "-")
}
