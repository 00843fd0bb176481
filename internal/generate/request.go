package generate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/lint"
	"github.com/casebook-dev/casebook/internal/spec"
)

// Request is one request to an operation, in the terms a case writes it.
type Request struct {
	Method string
	// Path is the operation's template; PathParams fill it.
	Path       string
	PathParams map[string]string
	Query      url.Values
	Header     map[string]string
	// ContentType is the body's media type ("" without a body).
	ContentType string
	// Body is a JSON body; Form a form body. At most one is set.
	Body any
	Form url.Values
	// Auth says the request carries credentials (a case's auth:).
	Auth bool
}

// URLPath is the concrete path, each parameter escaped.
func (r *Request) URLPath() string {
	return casefile.PathParam.ReplaceAllStringFunc(r.Path, func(m string) string {
		return url.PathEscape(r.PathParams[m[1:len(m)-1]])
	})
}

// Encoded is the request's header and body as they are sent (without
// credentials).
func (r *Request) Encoded() (http.Header, []byte) {
	h := http.Header{}
	for k, v := range r.Header {
		h.Set(k, v)
	}
	var body []byte
	switch {
	case r.Form != nil:
		body = []byte(r.Form.Encode())
	case r.ContentType != "":
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(r.Body)
		body = bytes.TrimRight(buf.Bytes(), "\n")
	}
	if r.ContentType != "" && h.Get("Content-Type") == "" {
		h.Set("Content-Type", r.ContentType)
	}
	return h, body
}

// Lint is the request as lint.Check takes it.
func (r *Request) Lint() (*lint.Request, lint.Options) {
	h, body := r.Encoded()
	return &lint.Request{Method: r.Method, Path: r.URLPath(), Query: r.Query, Header: h, Body: body}, lint.Options{AuthSupplied: r.Auth}
}

func (r *Request) clone() *Request {
	cp := *r
	cp.PathParams = maps.Clone(r.PathParams)
	cp.Query = cloneValues(r.Query)
	cp.Header = maps.Clone(r.Header)
	cp.Form = cloneValues(r.Form)
	cp.Body = DeepCopy(r.Body)
	return &cp
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// DeepCopy copies a JSON value (maps, slices and scalars) so that changing
// the copy leaves the original alone.
func DeepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, sub := range x {
			out[k] = DeepCopy(sub)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, sub := range x {
			out[i] = DeepCopy(sub)
		}
		return out
	}
	return v
}

// Builder builds requests for the operations of one spec. The same spec
// gives the same requests, whatever operations are asked for and in what
// order: each operation's values are seeded from its method and path.
type Builder struct {
	spec *spec.Spec
}

// NewBuilder returns a builder for s.
func NewBuilder(s *spec.Spec) *Builder { return &Builder{spec: s} }

// UnsupportedError says why no valid request could be built.
type UnsupportedError struct {
	Op     string
	Reason string
}

func (e *UnsupportedError) Error() string { return e.Op + ": " + e.Reason }

func (b *Builder) values(op *spec.Operation, salt string) *Values {
	h := fnv.New64a()
	h.Write([]byte(op.String() + "\x00" + salt))
	seed := h.Sum64()
	return NewValues(rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), b.spec.Doc, lint.AsRequest)
}

// Valid builds a request the operation must accept: every parameter it
// declares (required or not, so that each one's decoding is exercised)
// and a body of its preferred media type (JSON, else a form) with every
// property the schema declares.
func (b *Builder) Valid(op *spec.Operation) (*Request, error) {
	g := b.values(op, "valid")
	r := &Request{Method: op.Method, Path: op.Path, PathParams: map[string]string{}, Query: url.Values{}, Header: map[string]string{},
		Auth: needsAuth(b.spec.Doc, op)}
	var cookies []string
	for _, p := range op.Parameters() {
		if spec.IgnoredHeader(p) || p.In == openapi3.ParameterInPath && !strings.Contains(op.Path, "{"+p.Name+"}") {
			continue
		}
		if !p.Required && !lint.Serialisable(p) {
			continue
		}
		v := g.Value(paramSchema(p), p.Name)
		if v == nil {
			if p.Required {
				return nil, &UnsupportedError{Op: op.String(), Reason: fmt.Sprintf("no value fits the schema of %s parameter %q", p.In, p.Name)}
			}
			continue
		}
		if c := b.setParam(r, p, v); c != "" {
			cookies = append(cookies, c)
		}
	}
	if len(cookies) > 0 {
		r.Header["Cookie"] = strings.Join(cookies, "; ")
	}
	if err := b.setBody(r, op, g); err != nil {
		return nil, err
	}
	return r, nil
}

func paramSchema(p *openapi3.Parameter) *openapi3.SchemaRef {
	if p.Content != nil {
		for _, mt := range p.Content {
			return mt.Schema
		}
	}
	return p.Schema
}

// setParam writes v where p travels; a cookie is returned as "name=value".
func (b *Builder) setParam(r *Request, p *openapi3.Parameter, v any) string {
	if p.Content != nil {
		text := jsonText(v)
		switch p.In {
		case openapi3.ParameterInPath:
			r.PathParams[p.Name] = text
		case openapi3.ParameterInQuery:
			r.Query.Set(p.Name, text)
		case openapi3.ParameterInHeader:
			r.Header[p.Name] = text
		case openapi3.ParameterInCookie:
			return p.Name + "=" + text
		}
		return ""
	}
	sm, err := p.SerializationMethod()
	if err != nil {
		return ""
	}
	switch p.In {
	case openapi3.ParameterInPath:
		r.PathParams[p.Name] = pathText(p.Name, v, sm)
	case openapi3.ParameterInQuery:
		for k, vs := range queryValues(p.Name, v, sm) {
			r.Query[k] = append(r.Query[k], vs...)
		}
	case openapi3.ParameterInHeader:
		r.Header[p.Name] = joined(v, ",", sm.Explode)
	case openapi3.ParameterInCookie:
		return p.Name + "=" + joined(v, ",", false)
	}
	return ""
}

func jsonText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// pathText serialises a path parameter (styles simple, label, matrix).
func pathText(name string, v any, sm *openapi3.SerializationMethod) string {
	switch sm.Style {
	case openapi3.SerializationLabel:
		sep := ","
		if sm.Explode {
			sep = "."
		}
		return "." + joined(v, sep, sm.Explode)
	case openapi3.SerializationMatrix:
		return ";" + name + "=" + joined(v, ",", false)
	}
	return joined(v, ",", sm.Explode)
}

// joined writes a primitive as text, a list with sep between items, an
// object as k,v pairs (k=v when exploded).
func joined(v any, sep string, explode bool) string {
	switch x := v.(type) {
	case []any:
		parts := make([]string, len(x))
		for i, item := range x {
			parts[i] = scalarText(item)
		}
		return strings.Join(parts, sep)
	case map[string]any:
		var parts []string
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if explode {
				parts = append(parts, k+"="+scalarText(x[k]))
			} else {
				parts = append(parts, k, scalarText(x[k]))
			}
		}
		return strings.Join(parts, sep)
	}
	return scalarText(v)
}

// queryValues serialises a query parameter by its style (OpenAPI 3.0
// section 4.7.12.4): form, spaceDelimited, pipeDelimited, deepObject.
func queryValues(name string, v any, sm *openapi3.SerializationMethod) url.Values {
	out := url.Values{}
	switch sm.Style {
	case openapi3.SerializationDeepObject:
		bracketed(out, name, v)
		return out
	case openapi3.SerializationSpaceDelimited:
		out.Set(name, joined(v, " ", false))
		return out
	case openapi3.SerializationPipeDelimited:
		out.Set(name, joined(v, "|", false))
		return out
	}
	switch x := v.(type) {
	case []any:
		if !sm.Explode {
			out.Set(name, joined(v, ",", false))
			break
		}
		for _, item := range x {
			out.Add(name, scalarText(item))
		}
	case map[string]any:
		if !sm.Explode {
			out.Set(name, joined(v, ",", false))
			break
		}
		for k, item := range x {
			out.Set(k, scalarText(item))
		}
	default:
		out.Set(name, scalarText(v))
	}
	return out
}

// bracketed writes a value with bracketed keys, as Stripe's deepObject
// parameters and form fields take them: a[b]=v, a[]=v for a list of
// primitives, a[0][b]=v for a list of objects.
func bracketed(out url.Values, key string, v any) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			bracketed(out, key+"["+k+"]", x[k])
		}
	case []any:
		for i, item := range x {
			switch item.(type) {
			case map[string]any, []any:
				bracketed(out, fmt.Sprintf("%s[%d]", key, i), item)
			default:
				out.Add(key+"[]", scalarText(item))
			}
		}
	case nil:
	default:
		out.Add(key, scalarText(v))
	}
}

// setBody gives the request a body of the operation's preferred media
// type: JSON, else a form. Another media type is left out when the body is
// optional; a required one cannot be written in a case.
func (b *Builder) setBody(r *Request, op *spec.Operation, g *Values) error {
	if op.Op.RequestBody == nil || op.Op.RequestBody.Value == nil {
		return nil
	}
	rb := op.Op.RequestBody.Value
	ct, media := pickBodyMedia(rb.Content)
	if media == nil {
		if rb.Required && len(rb.Content) > 0 {
			return &UnsupportedError{Op: op.String(), Reason: "its body's media types (" + strings.Join(slices.Sorted(maps.Keys(rb.Content)), ", ") + ") cannot be written in a case"}
		}
		return nil
	}
	v := g.Value(media.Schema, "")
	r.ContentType = ct
	if ct == formMedia {
		obj, _ := v.(map[string]any)
		r.Form = encodeForm(obj, media.Encoding)
		if len(r.Form) == 0 && !rb.Required {
			r.Form, r.ContentType = nil, "" // nothing to send (Stripe's GETs declare an empty form)
		}
		return nil
	}
	r.Body = v
	return nil
}

const formMedia = "application/x-www-form-urlencoded"

// pickBodyMedia prefers application/json, then another JSON type, then a
// form.
func pickBodyMedia(content openapi3.Content) (string, *openapi3.MediaType) {
	names := slices.Sorted(maps.Keys(content))
	var found string
	for _, n := range names {
		mt, _, err := mime.ParseMediaType(n)
		if err != nil {
			continue
		}
		switch {
		case mt == "application/json":
			return n, content[n]
		case strings.HasSuffix(mt, "+json") && found == "":
			found = n
		}
	}
	if found != "" {
		return found, content[found]
	}
	for _, n := range names {
		if mt, _, _ := mime.ParseMediaType(n); mt == formMedia {
			return n, content[n]
		}
	}
	return "", nil
}

// encodeForm writes a form body: a primitive as key=value, a list of
// primitives as a repeated key (the default, style form and explode) or
// bracketed when its encoding says deepObject, objects and lists of
// objects bracketed.
func encodeForm(obj map[string]any, enc map[string]*openapi3.Encoding) url.Values {
	out := url.Values{}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		v := obj[k]
		sm := enc[k].SerializationMethod()
		switch x := v.(type) {
		case map[string]any:
			bracketed(out, k, x)
		case []any:
			if sm.Style == openapi3.SerializationDeepObject || hasComposite(x) {
				bracketed(out, k, x)
				break
			}
			if !sm.Explode {
				out.Set(k, joined(x, delimiterOf(sm), false))
				break
			}
			for _, item := range x {
				out.Add(k, scalarText(item))
			}
		case nil:
		default:
			out.Set(k, scalarText(v))
		}
	}
	return out
}

func hasComposite(list []any) bool {
	for _, item := range list {
		switch item.(type) {
		case map[string]any, []any:
			return true
		}
	}
	return false
}

func delimiterOf(sm *openapi3.SerializationMethod) string {
	switch sm.Style {
	case openapi3.SerializationSpaceDelimited:
		return " "
	case openapi3.SerializationPipeDelimited:
		return "|"
	}
	return ","
}

// needsAuth reports whether the operation's security asks for credentials
// casebook can supply ({} among the requirements makes them optional).
func needsAuth(doc *openapi3.T, op *spec.Operation) bool {
	reqs := doc.Security
	if op.Op.Security != nil {
		reqs = *op.Op.Security
	}
	if len(reqs) == 0 {
		return false
	}
	for _, req := range reqs {
		if len(req) == 0 {
			return false
		}
	}
	return true
}
