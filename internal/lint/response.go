package lint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/internal/suggest"
)

// Response is an answer as CheckResponse sees it.
type Response struct {
	// Method is the request's: a HEAD answer has no body to check.
	Method string
	Status int
	Header http.Header
	Body   []byte
	// JSON, when set, is Body decoded by jsonvalue.Decode (ok false: Body
	// is not one plain JSON value), which a caller that decodes the answer
	// for itself too shares (the runner: one decode for the comparison, the
	// captures and this check). The check only reads the value.
	JSON func() (v any, ok bool)
}

// SilenceHeader is the header casebook's mock adds to an answer whose
// status the operation does not declare, when it answers a mistake the
// spec names no status for with HTTP's own (mockProtocolStatuses). An
// answer that carries it, from the built-in mock or a standalone
// `casebook mock` behind a URL, gets a warning naming the spec's silence
// instead of an error; no other server sends it, so from anything else an
// undeclared status stays an error.
const SilenceHeader = "Casebook-Undeclared-Status"

// mockProtocolStatuses are the statuses casebook's mock answers from its
// own checks, whatever the spec declares: HTTP's answer to the mistake.
var mockProtocolStatuses = map[int]string{
	http.StatusBadRequest:            "a request that fails validation",
	http.StatusUnauthorized:          "a request without valid credentials",
	http.StatusForbidden:             "a token without the scope or permission the operation requires",
	http.StatusNotFound:              "an item that does not exist",
	http.StatusMethodNotAllowed:      "a method the path does not take",
	http.StatusRequestEntityTooLarge: "a body over the mock's size limit",
	http.StatusUnsupportedMediaType:  "a Content-Type the operation does not take",
}

// CheckResponse checks an answer to a request that resolved to m against
// what the operation declares: the status is declared (exactly, as a range
// such as 4XX, or through a default; see SilenceHeader for the
// mock's own protocol statuses), a body comes in a declared content
// type and validates against its schema, the required headers are there
// and hold what their schemas allow, and a Genesys Cloud error's code is
// one of the x-inin-error-codes published for the status. Findings are
// errors named like lint's (location, pointer, rule, allowed values, did
// you mean); the caller decides what they cost.
//
// What the spec leaves open is not held against the answer: an operation
// that declares no responses, a response without content, an empty body
// (OpenAPI does not say a declared body is required), a media type that is
// not JSON, and members the schema does not declare when it allows others
// (servers add fields; lint's undeclared warning is for requests only).
func CheckResponse(m *spec.Match, r *Response) []finding.Finding {
	if m.Op.Responses == nil || m.Op.Responses.Len() == 0 {
		return nil
	}
	c := &collector{}
	resp, declared := m.ResponseFor(r.Status)
	if !declared {
		c.addFinding(undeclaredStatus(m, r))
		return c.sorted()
	}
	if resp == nil {
		return nil
	}
	c.responseHeaders(m, resp, r)
	if r.Method != http.MethodHead && r.Status != http.StatusNoContent && r.Status != http.StatusNotModified {
		c.responseBody(m, resp, r)
	}
	return c.sorted()
}

// undeclaredStatus is the finding for a status the operation does not
// declare: an error, or a warning naming what the status answers when
// casebook's mock gave it for a mistake the spec has no status for.
func undeclaredStatus(m *spec.Match, r *Response) finding.Finding {
	declared := m.Op.Responses.Keys()
	slices.Sort(declared)
	f := finding.Finding{Severity: finding.Error, Location: finding.InStatus, Rule: finding.RuleStatus,
		Message: fmt.Sprintf("%d is not a status %s declares, and it declares no default", r.Status, m.Operation), Allowed: declared}
	if what, ok := mockProtocolStatuses[r.Status]; ok && r.Header.Get(SilenceHeader) != "" {
		f.Severity = finding.Warning
		f.Message += fmt.Sprintf("; casebook's mock answers %s with HTTP's %d where the spec names no status for it", what, r.Status)
	}
	return f
}

// responseHeaders checks the headers the response declares: a required one
// must be there; one that is there must hold what its schema allows.
// Content-Type is the content's business (OpenAPI ignores its definition
// among the headers).
func (c *collector) responseHeaders(m *spec.Match, resp *openapi3.Response, r *Response) {
	var buf [8]string // the names, sorted, on the stack (responses declare a few)
	names := buf[:0]
	for name := range resp.Headers {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		h := resp.Headers[name]
		if h == nil || h.Value == nil || http.CanonicalHeaderKey(name) == "Content-Type" {
			continue
		}
		values := r.Header.Values(name)
		if len(values) == 0 {
			if h.Value.Required {
				c.addFinding(finding.Finding{Severity: finding.Error, Location: finding.InHeader, Pointer: jsonptr.Join(name), Rule: "required",
					Message: fmt.Sprintf("the answer lacks the header %s, which the spec requires with %d", name, r.Status)})
			}
			continue
		}
		s := h.Value.Schema
		if s == nil || s.Value == nil || s.Value.Type.Is("array") || s.Value.Type.Is("object") {
			continue // a serialised array or object is not checked
		}
		if err := NewValidator(m.Route.Spec, AsResponse).Visit(s.Value, headerValue(values[0], s.Value)); err != nil {
			c.add(err, finding.InHeader, jsonptr.Join(name))
		}
	}
}

// headerValue reads a header as the scalar its schema describes; a value
// that does not parse stays a string, which the schema's type rejects.
func headerValue(v string, s *openapi3.Schema) any {
	switch {
	case s.Type.Is("integer"), s.Type.Is("number"):
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return json.Number(v)
		}
	case s.Type.Is("boolean"):
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return v
}

// responseBody checks a body against the declared content: its type, then
// (for JSON) its syntax, its schema and, for Genesys Cloud, its code.
func (c *collector) responseBody(m *spec.Match, resp *openapi3.Response, r *Response) {
	if len(resp.Content) == 0 || len(bytes.TrimSpace(r.Body)) == 0 {
		return
	}
	ct := r.Header.Get("Content-Type")
	media := resp.Content.Get(ct)
	if media == nil {
		c.addFinding(finding.Finding{Severity: finding.Error, Location: finding.InHeader, Pointer: "/Content-Type", Rule: finding.RuleContentType,
			Message: fmt.Sprintf("Content-Type %q is not one the spec declares for %d", ct, r.Status), Allowed: slices.Sorted(maps.Keys(resp.Content))})
		return
	}
	if mt, _, _ := mime.ParseMediaType(ct); !IsJSONMedia(mt) {
		return
	}
	v, err := r.decodeJSON()
	if err != nil {
		c.addFinding(finding.Finding{Severity: finding.Error, Location: finding.InBody, Rule: finding.RuleSyntax,
			Message: "the answer's body is not valid JSON: " + err.Error()})
		return
	}
	if media.Schema != nil && media.Schema.Value != nil {
		if err := NewValidator(m.Route.Spec, AsResponse).Visit(media.Schema.Value, v); err != nil {
			c.add(err, finding.InBody, "")
		}
	}
	c.errorCode(resp, r.Status, v)
}

// decodeJSON is the body's JSON value: r.JSON's when it has one, else
// decodeJSON's (which says where the body stops being JSON).
func (r *Response) decodeJSON() (any, error) {
	if r.JSON != nil {
		if v, ok := r.JSON(); ok {
			return v, nil
		}
	}
	return decodeJSON(r.Body)
}

// errorCode checks a Genesys Cloud error's code against the codes the spec
// publishes for the status (x-inin-error-codes); a response that publishes
// none, or a body without a code, says nothing either way.
func (c *collector) errorCode(resp *openapi3.Response, status int, body any) {
	codes := spec.ErrorCodesOf(resp)
	obj, _ := body.(map[string]any)
	code, ok := obj["code"].(string)
	if len(codes) == 0 || !ok {
		return
	}
	if _, published := codes[code]; published {
		return
	}
	allowed := slices.Sorted(maps.Keys(codes))
	c.addFinding(finding.Finding{Severity: finding.Error, Location: finding.InBody, Pointer: "/code", Rule: finding.RuleErrorCode,
		Message:    fmt.Sprintf("%q is not one of the error codes the spec publishes for %d", code, status),
		Allowed:    allowed,
		DidYouMean: suggest.Closest(code, allowed),
	})
}
