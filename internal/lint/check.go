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
	hr, err := http.NewRequest(r.Method, u.String(), bytes.NewReader(r.Body))
	if err != nil {
		return nil, err
	}
	if r.Header != nil {
		hr.Header = r.Header.Clone()
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
// body (hr.Body is replaced, so the caller's reader is left alone).
func CheckHTTP(ctx context.Context, s *spec.Spec, m *spec.Match, hr *http.Request, body []byte, opts Options) []finding.Finding {
	c := &collector{}
	var parsed any
	checkBody := false
	if rb := m.Op.RequestBody; rb != nil && rb.Value != nil {
		parsed, checkBody = c.bodyPrecheck(rb.Value, hr.Header.Get("Content-Type"), body)
	}
	if !opts.SkipSecurity {
		c.security(s, m, hr)
	}
	// A shallow copy is enough: the validator replaces the body (and
	// GetBody, ContentLength) of the copy, and never writes headers or the
	// URL with SkipSettingDefaults. Clone copied every header per request.
	hr = hr.WithContext(ctx)
	hr.Body = io.NopCloser(bytes.NewReader(body))
	hr.GetBody = nil
	hr.ContentLength = int64(len(body))
	// A JSON body already parsed is validated here, not decoded a second
	// time by the validator (the mock's largest cost after the network).
	ownBody := checkBody && parsed != nil && !isBinary(mediaSchema(m.Op.RequestBody.Value, hr.Header.Get("Content-Type")))
	in := &openapi3filter.RequestValidationInput{
		Request:    hr,
		PathParams: m.PathParams,
		Route:      m.Route,
		Options: &openapi3filter.Options{
			MultiError:          true,
			SkipSettingDefaults: true,
			ExcludeRequestBody:  !checkBody || ownBody,
			AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
		},
	}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		c.add(err, "", "")
	}
	if ownBody {
		if err := validateJSONBody(m, hr.Header.Get("Content-Type"), parsed); err != nil {
			c.add(err, "", "")
		}
	}
	if checkBody && parsed != nil {
		c.undeclared(parsed, mediaSchema(m.Op.RequestBody.Value, hr.Header.Get("Content-Type")), "")
	}
	return c.sorted()
}

// validateJSONBody checks a JSON body bodyPrecheck decoded as
// openapi3filter.ValidateRequestBody does after decoding it the same way
// (encoding/json, UseNumber), and fails with the same *RequestError.
func validateJSONBody(m *spec.Match, contentType string, value any) error {
	rb := m.Op.RequestBody.Value
	media := rb.Content.Get(contentType)
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return nil
	}
	err := media.Schema.Value.VisitJSON(value, schemaOptions(m, openapi3.VisitAsRequest())...)
	if err == nil {
		return nil
	}
	id := strings.TrimSpace(media.Schema.Ref)
	if id == "" {
		id = strings.TrimSpace(media.Schema.Value.Title)
	}
	if id != "" {
		id = " " + id
	}
	return &openapi3filter.RequestError{RequestBody: rb, Reason: "doesn't match schema" + id, Err: err}
}

// isBinary is a file upload schema, which the validator reads as raw bytes.
func isBinary(ref *openapi3.SchemaRef) bool {
	return ref != nil && ref.Value != nil && ref.Value.Type.Is("string") && ref.Value.Format == "binary"
}

// bodyPrecheck checks presence, content type and JSON syntax itself, so that
// these come out as typed findings rather than validator text. It reports
// the parsed JSON body and whether the validator should check the body.
func (c *collector) bodyPrecheck(rb *openapi3.RequestBody, contentType string, body []byte) (any, bool) {
	if len(body) == 0 {
		if rb.Required {
			c.addFinding(finding.Finding{Severity: finding.Error, Location: finding.InBody, Rule: "required", Message: "the operation requires a request body and none was sent"})
		}
		return nil, false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err == nil && mt == formMedia && looksLikeJSON(body) {
		return nil, c.jsonAsForm(rb)
	}
	if contentType == "" || err != nil || rb.Content.Get(mt) == nil {
		c.addFinding(finding.Finding{Severity: finding.Error, Location: finding.InHeader, Pointer: "/Content-Type", Rule: finding.RuleContentType,
			Message: fmt.Sprintf("Content-Type %q is not accepted by the operation", contentType), Allowed: slices.Sorted(maps.Keys(rb.Content))})
		return nil, false
	}
	if !isJSONMedia(mt) {
		return nil, true
	}
	v, err := decodeJSON(body)
	if err != nil {
		c.addFinding(finding.Finding{Severity: finding.Error, Location: finding.InBody, Rule: finding.RuleSyntax, Message: "the body is not valid JSON: " + jsonErrorPlace(body, err)})
		return nil, false
	}
	return v, true
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

func isJSONMedia(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

func mediaSchema(rb *openapi3.RequestBody, contentType string) *openapi3.SchemaRef {
	mt, _, _ := mime.ParseMediaType(contentType)
	if m := rb.Content.Get(mt); m != nil {
		return m.Schema
	}
	return nil
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
