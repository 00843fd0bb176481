package casefile

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/suggest"
)

var methods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"}

// check applies the rules a decoded case must meet beyond its types.
func check(c *Case) ErrorList {
	var errs ErrorList
	fail := func(field, format string, args ...any) {
		errs = append(errs, &Error{Pos: c.FieldPos(field), Case: c.Name, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if _, ok := c.fieldPos["request"]; !ok {
		fail("", "missing request: a case must say what it sends (request: {method, path, ...})")
		return errs
	}
	checkRequest(c, fail)
	checkExpect(c, fail)
	checkEvents(c, fail)
	switch c.Mock.State {
	case "", StateFresh, StateShared:
	default:
		msg := fmt.Sprintf("state %q is neither %q nor %q", c.Mock.State, StateFresh, StateShared)
		if s := suggest.Closest(c.Mock.State, []string{StateFresh, StateShared}); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		fail("mock.state", "%s", msg)
	}
	if c.Verification != "" && !slices.Contains(Verifications, c.Verification) {
		fail("verification", "%q is not a verification level (want one of %s)", c.Verification, strings.Join(Verifications, ", "))
	}
	checkClaims(c, fail)
	return errs
}

// ClaimID is the shape of a claim id: lower-case words joined by hyphens.
var ClaimID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// checkClaims checks the ids' shape; whether each names a claim of the
// ledger is checked where the ledger is read (internal/claims).
func checkClaims(c *Case, fail func(string, string, ...any)) {
	seen := map[string]bool{}
	for i, id := range c.Claims {
		field := fmt.Sprintf("claims[%d]", i)
		switch {
		case !ClaimID.MatchString(id):
			fail(field, "%q is not a claim id (want lower-case words joined by hyphens, as in docs/claims.yaml)", id)
		case seen[id]:
			fail(field, "claim %q is listed twice", id)
		}
		seen[id] = true
	}
}

func checkRequest(c *Case, fail func(string, string, ...any)) {
	r := &c.Request
	switch {
	case r.Method == "":
		fail("request", "missing request.method")
	case !slices.Contains(methods, r.Method):
		msg := fmt.Sprintf("unknown method %q", r.Method)
		if up := strings.ToUpper(r.Method); slices.Contains(methods, up) {
			msg += fmt.Sprintf(" (did you mean %q?)", up)
		}
		fail("request.method", "%s", msg)
	}
	if r.Path == "" {
		fail("request", "missing request.path")
	} else if !strings.HasPrefix(r.Path, "/") {
		fail("request.path", "path %q must start with /", r.Path)
	}
	used := map[string]bool{}
	for _, m := range PathParam.FindAllStringSubmatch(r.Path, -1) {
		used[m[1]] = true
		if _, ok := r.PathParams[m[1]]; !ok {
			fail("request.path", "path parameter {%s} has no value in request.pathParams", m[1])
		}
	}
	for name := range r.PathParams {
		if !used[name] {
			fail("request.pathParams."+name, "the path template has no {%s}", name)
		}
	}
	switch {
	case r.Body != nil && r.Form != nil:
		fail("request.form", "a request has a body or form fields, not both")
	case r.RawBody != "" && (r.Body != nil || r.Form != nil):
		fail("request.rawBody", "a request has one of body, form and rawBody")
	}
	for name := range r.Headers {
		if strings.EqualFold(name, "Authorization") && c.Auth != "" && c.Auth != "none" {
			fail("request.headers."+name, "an Authorization header and auth: %q both set the credentials; keep one", c.Auth)
		}
	}
}

func checkExpect(c *Case, fail func(string, string, ...any)) {
	e := &c.Expect
	if e.Status != 0 && (e.Status < 100 || e.Status > 599) {
		fail("expect.status", "%d is not an HTTP status", e.Status)
	}
	switch e.BodyMatch {
	case "", MatchSubset, MatchExact:
	default:
		fail("expect.bodyMatch", "bodyMatch %q is neither %q nor %q%s", e.BodyMatch, MatchSubset, MatchExact,
			suggest.Hint(e.BodyMatch, []string{MatchSubset, MatchExact}))
	}
	switch e.Conformance {
	case "", ConformanceFail, ConformanceWarn:
	default:
		fail("expect.conformance", "conformance %q is neither %q nor %q%s", e.Conformance, ConformanceFail, ConformanceWarn,
			suggest.Hint(e.Conformance, []string{ConformanceFail, ConformanceWarn}))
	}
	for i, p := range e.Ignore {
		if !jsonptr.Valid(p) {
			fail(fmt.Sprintf("expect.ignore[%d]", i), "%q is not a JSON pointer (want /field/0/name)", p)
		}
	}
	for i, f := range e.Lint {
		field := fmt.Sprintf("expect.lint[%d]", i)
		if f.Rule == "" && f.Pointer == "" {
			fail(field, "an expected finding names a pointer, a rule, or both")
		}
		if !jsonptr.Valid(f.Pointer) {
			fail(field+".pointer", "%q is not a JSON pointer (want /field/0/name)", f.Pointer)
		}
		if f.Severity != "" && f.Severity != "error" && f.Severity != "warning" {
			fail(field+".severity", "%q is neither error nor warning", f.Severity)
		}
	}
	for name := range e.Headers {
		if http.CanonicalHeaderKey(name) == "" {
			fail("expect.headers", "empty header name")
		}
	}
}

// checkEvents: expect.events needs a channel to arrive on, and a channel
// is opened for expect.events.
func checkEvents(c *Case, fail func(string, string, ...any)) {
	switch {
	case len(c.Expect.Events) > 0 && c.Channel == nil:
		fail("expect.events", "events arrive on a notification channel: add channel: {topics: [...]} with the topics to subscribe")
	case c.Channel != nil && len(c.Expect.Events) == 0:
		fail("channel", "a channel is opened to check events: list them under expect.events")
	}
	for i, e := range c.Expect.Events {
		if strings.TrimSpace(e.TopicName) == "" {
			fail(fmt.Sprintf("expect.events[%d]", i), "an expected event needs a topicName")
		}
		if e.Absent && e.Body != nil {
			fail(fmt.Sprintf("expect.events[%d].body", i), "an absent event has no body to compare: drop body or absent")
		}
	}
}
