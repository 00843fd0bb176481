package lint

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/spec"
)

// parameters checks each parameter the operation declares (its path
// item's, unless the operation redeclares one). A parameter the request
// does not carry is checked for presence only: how it would have been
// serialised does not matter when it is not there (Stripe declares
// `expand` as a deepObject array, a style OpenAPI leaves undefined, on
// every list operation).
func (c *collector) parameters(m *spec.Match, hr *http.Request, v Validator) {
	var query url.Values
	for _, p := range m.Parameters() {
		if spec.IgnoredHeader(p) {
			continue
		}
		if _, inTemplate := m.PathParams[p.Name]; p.In == openapi3.ParameterInPath && !inTemplate {
			continue // declared but not in the path (a spec problem Load reports): it cannot be sent
		}
		if p.In == openapi3.ParameterInQuery && query == nil {
			query = hr.URL.Query()
		}
		c.parameter(p, rawParam{path: m.PathParams, query: query, header: hr.Header, req: hr}, v)
	}
}

// rawParam is where parameters are read from.
type rawParam struct {
	path   map[string]string
	query  url.Values
	header http.Header
	req    *http.Request
}

func (c *collector) parameter(p *openapi3.Parameter, raw rawParam, val Validator) {
	loc := finding.Location(p.In)
	ptr := func() string { return jsonptr.Join(p.Name) } // a finding's, built for one only
	schema := p.Schema
	var v any
	var found bool
	if p.Content != nil {
		v, schema, found = contentParam(p, raw)
	} else {
		v, found = styledParam(p, raw)
	}
	if !found {
		if p.Required {
			c.addFinding(finding.Finding{Severity: finding.Error, Location: loc, Pointer: ptr(), Rule: "required",
				Message: fmt.Sprintf("%s parameter %q is required but missing", p.In, p.Name)})
		}
		return
	}
	if !Serialisable(p) {
		c.addFinding(finding.Finding{Severity: finding.Warning, Location: loc, Pointer: ptr(), Rule: finding.RuleNotChecked,
			Message: fmt.Sprintf("not checked: the %s parameter %q is declared as %s, which its style (%s) cannot carry", p.In, p.Name, shapeWords(p.Schema), styleOf(p))})
		return
	}
	if schema == nil || schema.Value == nil {
		return
	}
	if s, ok := v.(string); ok && s == "" {
		if p.AllowEmptyValue {
			return
		}
		if !schema.Value.Type.Permits("string") {
			c.addFinding(finding.Finding{Severity: finding.Error, Location: loc, Pointer: ptr(), Rule: "allowEmptyValue", Message: "an empty value is not allowed"})
			return
		}
	}
	co := &coercer{v: val}
	v = co.coerce(v, schema)
	if err := val.Visit(schema.Value, v); err != nil {
		c.add(err, loc, ptr())
	}
}

// Serialisable reports whether a parameter's style can carry its schema's
// values: a query string, a path or a header carries text and lists of
// text, not lists of objects (Genesys Cloud declares `expand` as an
// exploded array of objects), except as deepObject's bracketed keys. Such a
// parameter is a not-checked warning, never a guess.
func Serialisable(p *openapi3.Parameter) bool {
	if p.Content != nil {
		return true
	}
	sm, err := p.SerializationMethod()
	if err != nil {
		return false
	}
	if sm.Style == openapi3.SerializationDeepObject {
		return true
	}
	switch shapeOf(p.Schema) {
	case "array":
		return shapeOf(p.Schema.Value.Items) == "primitive"
	case "object":
		return sm.Style != openapi3.SerializationSpaceDelimited && sm.Style != openapi3.SerializationPipeDelimited
	}
	return true
}

func shapeWords(ref *openapi3.SchemaRef) string {
	if shapeOf(ref) == "array" {
		return "a list of " + shapeOf(ref.Value.Items) + "s"
	}
	return "an " + shapeOf(ref)
}

func styleOf(p *openapi3.Parameter) string {
	sm, err := p.SerializationMethod()
	if err != nil {
		return p.Style
	}
	return fmt.Sprintf("%s, explode %v", sm.Style, sm.Explode)
}

// contentParam reads a parameter whose value is a document of a media type
// (content: {application/json: ...}); text that is not JSON stays text.
func contentParam(p *openapi3.Parameter, raw rawParam) (any, *openapi3.SchemaRef, bool) {
	var schema *openapi3.SchemaRef
	for _, mt := range p.Content {
		schema = mt.Schema
		break
	}
	if mt := p.Content.Get("application/json"); mt != nil {
		schema = mt.Schema
	}
	values, found := lookup(p, raw)
	if !found || len(values) == 0 {
		return nil, schema, found
	}
	var v any
	if err := json.Unmarshal([]byte(values[0]), &v); err != nil {
		return values[0], schema, true
	}
	return v, schema, true
}

// lookup is every raw value the request holds for the parameter.
func lookup(p *openapi3.Parameter, raw rawParam) ([]string, bool) {
	switch p.In {
	case openapi3.ParameterInPath:
		v, ok := raw.path[p.Name]
		return []string{v}, ok
	case openapi3.ParameterInQuery:
		v, ok := raw.query[p.Name]
		return v, ok
	case openapi3.ParameterInHeader:
		v := raw.header.Values(p.Name)
		return v, len(v) > 0
	case openapi3.ParameterInCookie:
		ck, err := raw.req.Cookie(p.Name)
		if err != nil {
			return nil, false
		}
		return []string{ck.Value}, true
	}
	return nil, false
}

// styledParam reads a parameter serialised by its style (OpenAPI 3.0
// section 4.7.12.4): the value is text, lists and maps of text, which
// coerce then types by the schema.
func styledParam(p *openapi3.Parameter, raw rawParam) (any, bool) {
	sm, err := p.SerializationMethod()
	if err != nil {
		return nil, false
	}
	shape := shapeOf(p.Schema)
	if p.In == openapi3.ParameterInQuery {
		switch {
		case sm.Style == openapi3.SerializationDeepObject:
			return deepObjectParam(p.Name, raw.query)
		case shape == "object" && sm.Explode:
			return explodedObjectParam(p.Schema.Value, raw.query)
		}
	}
	values, found := lookup(p, raw)
	if !found || len(values) == 0 {
		return nil, found
	}
	first := values[0]
	if p.In == openapi3.ParameterInPath {
		first = unprefix(first, p.Name, sm.Style)
	}
	switch shape {
	case "array":
		if p.In == openapi3.ParameterInQuery && sm.Explode && sm.Style == openapi3.SerializationForm {
			return textList(values), true
		}
		if first == "" {
			return []any{}, true
		}
		return textList(strings.Split(first, delimiter(sm))), true
	case "object":
		return pairs(strings.Split(first, delimiter(sm)), sm.Explode), true
	}
	return first, true
}

// shapeOf says whether a schema's values serialise as a list, a map or one
// piece of text. A oneOf or anyOf takes the shape its members share, or
// text when they differ.
func shapeOf(ref *openapi3.SchemaRef) string {
	if ref == nil || ref.Value == nil {
		return "primitive"
	}
	s := ref.Value
	switch {
	case s.Type.Is("array") || (s.Type == nil && s.Items != nil):
		return "array"
	case s.Type.Is("object") || (s.Type == nil && len(s.Properties) > 0):
		return "object"
	}
	alts := append(append(append(openapi3.SchemaRefs{}, s.OneOf...), s.AnyOf...), s.AllOf...)
	shape := ""
	for _, a := range alts {
		sh := shapeOf(a)
		if shape != "" && sh != shape {
			return "primitive"
		}
		shape = sh
	}
	if shape == "" {
		return "primitive"
	}
	return shape
}

// unprefix strips the label (".") or matrix (";name=") prefix of a path value.
func unprefix(v, name, style string) string {
	switch style {
	case openapi3.SerializationLabel:
		return strings.TrimPrefix(v, ".")
	case openapi3.SerializationMatrix:
		return strings.TrimPrefix(v, ";"+name+"=")
	}
	return v
}

func delimiter(sm *openapi3.SerializationMethod) string {
	switch sm.Style {
	case openapi3.SerializationSpaceDelimited:
		return " "
	case openapi3.SerializationPipeDelimited:
		return "|"
	case openapi3.SerializationLabel:
		if sm.Explode {
			return "."
		}
	case openapi3.SerializationMatrix:
		if sm.Explode {
			return ";"
		}
	}
	return ","
}

func textList(values []string) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}

// pairs reads "k1,v1,k2,v2" (not exploded) or "k1=v1,k2=v2" (exploded).
func pairs(parts []string, explode bool) map[string]any {
	out := map[string]any{}
	if explode {
		for _, p := range parts {
			k, v, _ := strings.Cut(p, "=")
			out[k] = v
		}
		return out
	}
	for i := 0; i+1 < len(parts); i += 2 {
		out[parts[i]] = parts[i+1]
	}
	return out
}

// explodedObjectParam reads an object whose properties are query keys of
// their own (style form, explode true).
func explodedObjectParam(s *openapi3.Schema, query url.Values) (any, bool) {
	out := map[string]any{}
	for name := range s.Properties {
		if v, ok := query[name]; ok && len(v) > 0 {
			out[name] = v[0]
		}
	}
	return out, len(out) > 0
}

// deepObjectParam reads name[key]=value, nested (name[a][b]=v) and indexed
// (name[0]=v, name[]=v) as Stripe writes them; name=value alone is the
// plain value (Stripe's `created=1650000000` beside `created[gt]=...`).
func deepObjectParam(name string, query url.Values) (any, bool) {
	var keys []string
	for k := range query {
		if strings.HasPrefix(k, name+"[") {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		if v, ok := query[name]; ok && len(v) > 0 {
			return v[0], true
		}
		return nil, false
	}
	tree := brackets{}
	for _, k := range keys {
		tree.add(k, query[k])
	}
	return tree[name], true
}
