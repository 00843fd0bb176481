package lint

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/jsonvalue"
	"github.com/casebook-dev/casebook/internal/spec"
)

// Request is a request as a case describes it, with the path already filled in.
type Request struct {
	Method string
	// Path is the concrete request path, escaped as it is sent (no query).
	Path   string
	Query  url.Values
	Header http.Header
	Body   []byte
}

// Options tune a check.
type Options struct {
	// SkipSecurity leaves out the check that credentials are present (the
	// mock authenticates requests itself, before it lints them).
	SkipSecurity bool
	// AuthSupplied says the credentials are added later, in whatever form
	// the operation's security scheme takes (a case's auth:, which the
	// target turns into a Bearer token, HTTP Basic or an API key): the
	// request passes the security check when casebook can supply one of the
	// operation's requirements.
	AuthSupplied bool
	// Decoded, when set, receives the JSON body lint decoded (numbers as
	// json.Number), so that a caller reading the body too (the mock's rules
	// and hooks) does not decode it a second time. Lint does not change
	// it. It is left alone when lint decoded no JSON body.
	Decoded *any
	// ErrorsOnly says the caller reads only the error findings (the mock,
	// which answers 400 on them): lint skips the work that can find
	// nothing but warnings, the walk for undeclared body fields (about
	// a quarter of a request check's own cost on a body that has some),
	// and may leave warnings out. The errors are the same.
	ErrorsOnly bool
}

// Result is what Check found: the operation the request resolves to (nil
// when none) and the findings, sorted by location and pointer.
type Result struct {
	Match    *spec.Match
	Findings []finding.Finding
}

// Check resolves the request to its operation and lints it.
func Check(ctx context.Context, s *spec.Spec, r *Request, opts Options) Result {
	m, err := s.Find(r.Method, r.Path)
	if err != nil {
		var re *spec.RouteError
		if errors.As(err, &re) && !re.MethodNotAllowed() {
			re.Nearest = s.Nearest(re.Method, re.Path, 3)
		}
		return Result{Findings: []finding.Finding{routeFinding(err)}}
	}
	hr, herr := r.httpRequest()
	if herr != nil {
		return Result{Match: m, Findings: []finding.Finding{{Severity: finding.Error, Location: finding.InRoute, Rule: finding.RuleSyntax, Message: herr.Error()}}}
	}
	return Result{Match: m, Findings: CheckHTTP(ctx, s, m, hr, r.Body, opts)}
}

func (r *Request) httpRequest() (*http.Request, error) {
	u := &url.URL{Path: r.Path, RawQuery: r.Query.Encode()}
	if raw, err := url.PathUnescape(r.Path); err == nil {
		u.Path, u.RawPath = raw, r.Path
	}
	// No body (CheckHTTP reads the bytes, never hr.Body) and the header
	// shared, not cloned: lint only reads a request's header, as it reads
	// the mock's own requests.
	hr, err := http.NewRequest(r.Method, u.String(), nil)
	if err != nil {
		return nil, err
	}
	if r.Header != nil {
		hr.Header = r.Header
	}
	return hr, nil
}

// routeFinding turns a *spec.RouteError into a finding naming the nearest operations.
func routeFinding(err error) finding.Finding {
	var re *spec.RouteError
	if !errors.As(err, &re) {
		return finding.Finding{Severity: finding.Error, Location: finding.InRoute, Rule: finding.RuleUnknownOperation, Message: err.Error()}
	}
	if re.MethodNotAllowed() {
		return finding.Finding{Severity: finding.Error, Location: finding.InRoute, Rule: finding.RuleMethodNotAllowed,
			Message: fmt.Sprintf("%s is not allowed on %s", re.Method, re.Path), Allowed: re.Allowed}
	}
	f := finding.Finding{Severity: finding.Error, Location: finding.InRoute, Rule: finding.RuleUnknownOperation,
		Message: fmt.Sprintf("%s %s is not an operation of the spec", re.Method, re.Path), Nearest: re.Nearest}
	if len(re.Nearest) > 0 {
		f.DidYouMean = re.Nearest[0]
	}
	return f
}

// CheckHTTP lints an HTTP request already routed to m. body is the request
// body (hr.Body is not read).
func CheckHTTP(ctx context.Context, s *spec.Spec, m *spec.Match, hr *http.Request, body []byte, opts Options) []finding.Finding {
	v := NewValidator(s.Doc, AsRequest)
	c := &collector{v: v, errorsOnly: opts.ErrorsOnly}
	if !opts.SkipSecurity {
		c.security(s, m, hr, opts.AuthSupplied)
	}
	c.parameters(m, hr, v)
	if rb := m.Op.RequestBody; rb != nil && rb.Value != nil {
		c.body(ctx, m, hr, body, v)
	}
	if opts.Decoded != nil && c.decoded {
		*opts.Decoded = c.jsonBody
	}
	return c.sorted()
}

// body checks the request body: presence, media type, syntax, then the
// schema. JSON and form bodies are decoded here and checked field by field
// with the same validator; other media types the validator can decode
// (multipart, text) are left to it; the rest is a warning that names what
// was not checked, never a rejection.
func (c *collector) body(ctx context.Context, m *spec.Match, hr *http.Request, body []byte, v Validator) {
	rb := m.Op.RequestBody.Value
	contentType := hr.Header.Get("Content-Type")
	media, mt, ok := c.bodyPrecheck(rb, contentType, body)
	if !ok || media == nil || media.Schema == nil || media.Schema.Value == nil {
		return
	}
	var value any
	switch {
	case IsJSONMedia(mt):
		v, err := decodeJSON(body)
		if err != nil {
			c.addFinding(finding.Finding{Severity: finding.Error, Location: finding.InBody, Rule: finding.RuleSyntax, Message: "the body is not valid JSON: " + err.Error()})
			return
		}
		value = v
		c.jsonBody, c.decoded = v, true
	case mt == formMedia:
		form, err := decodeForm(body, media)
		if err != nil {
			c.addFinding(finding.Finding{Severity: finding.Error, Location: finding.InBody, Rule: finding.RuleSyntax, Message: "the body is not a valid form: " + err.Error()})
			return
		}
		value = (&coercer{v: v}).coerce(form, media.Schema)
	case openapi3filter.RegisteredBodyDecoder(mt) != nil:
		c.validatorBody(ctx, m, hr, body)
		return
	default:
		c.addFinding(finding.Finding{Severity: finding.Warning, Location: finding.InBody, Rule: finding.RuleNotChecked,
			Message: fmt.Sprintf("not checked: casebook cannot read a body of media type %s", mt)})
		return
	}
	if err := v.Visit(media.Schema.Value, value); err != nil {
		c.add(err, finding.InBody, "")
	}
	if !c.errorsOnly {
		c.undeclared(value, media.Schema, "")
	}
}

// validatorBody leaves a body casebook does not decode itself to
// openapi3filter, which reads multipart and text bodies.
func (c *collector) validatorBody(ctx context.Context, m *spec.Match, hr *http.Request, body []byte) {
	vr := hr.WithContext(ctx)
	vr.Body = io.NopCloser(bytes.NewReader(body))
	vr.GetBody = nil
	vr.ContentLength = int64(len(body))
	in := &openapi3filter.RequestValidationInput{
		Request: vr, PathParams: m.PathParams, Route: m.Route,
		Options: &openapi3filter.Options{MultiError: true, SkipSettingDefaults: true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.WithStringFormatValidators(formats)}},
	}
	if err := openapi3filter.ValidateRequestBody(ctx, in, m.Op.RequestBody.Value); err != nil {
		c.add(err, finding.InBody, "")
	}
}

// bodyPrecheck checks presence and content type itself, so that these come
// out as typed findings rather than validator text. It returns the media
// type object the body is checked against and its name, and whether to go on.
func (c *collector) bodyPrecheck(rb *openapi3.RequestBody, contentType string, body []byte) (*openapi3.MediaType, string, bool) {
	if len(body) == 0 {
		if rb.Required {
			c.addFinding(finding.Finding{Severity: finding.Error, Location: finding.InBody, Rule: "required", Message: "the operation requires a request body and none was sent"})
		}
		return nil, "", false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err == nil && mt == formMedia && looksLikeJSON(body) && !c.jsonAsForm(rb) {
		return nil, "", false
	}
	media := rb.Content.Get(mt)
	if contentType == "" || err != nil || media == nil {
		if len(rb.Content) == 0 {
			return nil, "", false // the operation says nothing of its body's form
		}
		c.addFinding(finding.Finding{Severity: finding.Error, Location: finding.InHeader, Pointer: "/Content-Type", Rule: finding.RuleContentType,
			Message: fmt.Sprintf("Content-Type %q is not accepted by the operation", contentType), Allowed: slices.Sorted(maps.Keys(rb.Content))})
		return nil, "", false
	}
	return media, mt, true
}

// decodeJSON decodes one JSON document; anything but white space after it
// is an error (a server's decoder would refuse `{...}{}` or read only half).
func decodeJSON(body []byte) (any, error) {
	if v, ok := jsonvalue.Decode(body); ok {
		return v, nil // the same value as below, at a third of the cost
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, errors.New(jsonErrorPlace(body, err))
	}
	off := dec.InputOffset()
	if rest := bytes.TrimLeft(body[off:], " \t\r\n"); len(rest) > 0 {
		line, col := LineCol(body, off+int64(len(body[off:])-len(rest)))
		return nil, fmt.Errorf("line %d, column %d: data after the JSON value", line, col)
	}
	return v, nil
}

const formMedia = "application/x-www-form-urlencoded"

// jsonAsForm reports a JSON body that goes out as a form: what curl -d
// does without -H 'Content-Type: application/json', and a classic 400 the
// server words as anything but that. An error when the operation takes no
// form, a warning when it does (the server reads one odd field). It
// reports whether the validator should still check the body.
func (c *collector) jsonAsForm(rb *openapi3.RequestBody) bool {
	accepted := rb.Content.Get(formMedia) != nil
	sev := finding.Error
	if accepted {
		sev = finding.Warning
	}
	c.addFinding(finding.Finding{Severity: sev, Location: finding.InHeader, Pointer: "/Content-Type", Rule: finding.RuleContentType,
		Message: "the body is JSON but goes out as " + formMedia + ", so the server reads it as a form field " +
			"(curl -d does this without -H 'Content-Type: application/json')",
		Allowed: slices.Sorted(maps.Keys(rb.Content))})
	return accepted
}

// looksLikeJSON: an object or an array that parses as JSON.
func looksLikeJSON(body []byte) bool {
	t := bytes.TrimSpace(body)
	return len(t) > 0 && (t[0] == '{' || t[0] == '[') && json.Valid(t)
}

// IsJSONMedia reports whether a media type (parsed: no parameters) is
// JSON: application/json or a +json suffix (RFC 6839).
func IsJSONMedia(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// jsonErrorPlace renders a JSON decoding error with its line and column.
func jsonErrorPlace(body []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := LineCol(body, se.Offset)
		return fmt.Sprintf("line %d, column %d: %s", line, col, se.Error())
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "unexpected end of input"
	}
	return err.Error()
}

// LineCol turns a byte offset into a 1-based line and column.
func LineCol(data []byte, offset int64) (int, int) {
	offset = max(0, min(offset, int64(len(data))))
	before := data[:offset]
	return bytes.Count(before, []byte("\n")) + 1, int(offset) - bytes.LastIndexByte(before, '\n')
}
