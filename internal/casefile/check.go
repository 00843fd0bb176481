package casefile

import (
	"fmt"
	"maps"
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
	_, hasRequest := c.fieldPos.lookup("request")
	_, hasExpect := c.fieldPos.lookup("expect")
	switch {
	case hasRequest && c.Steps != nil:
		fail("steps", "a case has one request: or steps:, not both")
		return errs
	case c.Steps != nil:
		if hasExpect {
			fail("expect", "with steps:, each step has its own expect:")
		}
		if c.Channel != nil {
			fail("channel", "a notification channel is checked around one request: a case with steps: has none")
		}
		checkSteps(c, fail)
	case !hasRequest:
		fail("", "missing request: a case must say what it sends (request: {method, path, ...}, or steps:)")
		return errs
	default:
		checkRequest(c, &c.Request, c.Auth, "", fail)
		checkExpect(&c.Expect, "", fail)
		checkEvents(c, fail)
	}
	states := []string{StateFresh, StateShared, StateOff}
	if c.Mock.State != "" && !slices.Contains(states, c.Mock.State) {
		fail("mock.state", "state %q is not one of %s%s", c.Mock.State, strings.Join(states, ", "), suggest.Hint(c.Mock.State, states))
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

// checkSteps checks each step as a case's request and expectation, and
// that each ${NAME} a step uses that no step before it captures is not a
// name a later step captures (it would be read before it is set).
func checkSteps(c *Case, fail func(string, string, ...any)) {
	if len(c.Steps) == 0 {
		fail("steps", "steps: is empty; give at least one step")
	}
	names := map[string]bool{}
	captured := map[string]bool{} // by the steps so far
	for i, st := range c.Steps {
		prefix := fmt.Sprintf("steps[%d].", i)
		switch {
		case st.Name == "":
			fail(prefix[:len(prefix)-1], "a step needs a name (it names the step in reports)")
		case names[st.Name]:
			fail(prefix+"name", "step name %q is used twice", st.Name)
		}
		names[st.Name] = true
		if _, ok := c.fieldPos.lookup(prefix + "request"); !ok {
			fail(prefix[:len(prefix)-1], "step %q has no request:", st.Name)
			continue
		}
		checkRequest(c, &c.Steps[i].Request, c.AuthOf(&c.Steps[i]), prefix, fail)
		checkExpect(&c.Steps[i].Expect, prefix, fail)
		if len(st.Expect.Events) > 0 {
			fail(prefix+"expect.events", "events are checked for a case with one request:, not in steps")
		}
		for _, name := range stepVars(&st.Request) {
			if _, ok := captured[name]; ok {
				continue
			}
			if k := laterCapture(c.Steps[i:], name); k == 0 {
				fail(prefix+"request", "${%s} is captured from this step's own answer; a step can use only what the steps before it captured", name)
			} else if k > 0 {
				fail(prefix+"request", "${%s} is captured by step %q, after this one", name, c.Steps[i+k].Name)
			}
		}
		for _, name := range slices.Sorted(maps.Keys(st.Capture)) {
			if !VarName.MatchString(name) {
				fail(prefix+"capture."+name, "%q is not a variable name (letters, digits and _, not starting with a digit)", name)
			}
			captured[name] = true
		}
	}
}

// laterCapture is the index in steps of the first step capturing name, -1 if none.
func laterCapture(steps []Step, name string) int {
	for k, st := range steps {
		if _, ok := st.Capture[name]; ok {
			return k
		}
	}
	return -1
}

// stepVars lists the ${NAME} variables a request uses.
func stepVars(r *Request) []string {
	seen := map[string]bool{}
	add := func(s string) {
		if !strings.Contains(s, "${") {
			return // VarRef cannot match: spare the regexp
		}
		for _, m := range VarRef.FindAllStringSubmatch(s, -1) {
			seen[m[1]] = true
		}
	}
	add(r.Path)
	add(r.RawBody)
	for _, v := range r.PathParams {
		add(v)
	}
	for _, vs := range r.Query {
		for _, v := range vs {
			add(v)
		}
	}
	for _, v := range r.Headers {
		add(v)
	}
	for _, vs := range r.Form {
		for _, v := range vs {
			add(v)
		}
	}
	if r.Body != nil {
		walkStrings(r.Body.V, add)
	}
	return slices.Sorted(maps.Keys(seen))
}

func walkStrings(v any, f func(string)) {
	switch t := v.(type) {
	case string:
		f(t)
	case map[string]any:
		for _, sub := range t {
			walkStrings(sub, f)
		}
	case []any:
		for _, sub := range t {
			walkStrings(sub, f)
		}
	}
}

// checkRequest checks a request; prefix is "" for a case's own request,
// "steps[i]." for a step's.
func checkRequest(c *Case, r *Request, auth, prefix string, fail func(string, string, ...any)) {
	switch {
	case r.Method == "":
		fail(prefix+"request", "missing request.method")
	case !slices.Contains(methods, r.Method):
		msg := fmt.Sprintf("unknown method %q", r.Method)
		if up := strings.ToUpper(r.Method); slices.Contains(methods, up) {
			msg += fmt.Sprintf(" (did you mean %q?)", up)
		}
		fail(prefix+"request.method", "%s", msg)
	}
	if r.Path == "" {
		fail(prefix+"request", "missing request.path")
	} else if !strings.HasPrefix(r.Path, "/") {
		fail(prefix+"request.path", "path %q must start with /", r.Path)
	}
	used := map[string]bool{}
	var params [][]string
	if strings.Contains(r.Path, "{") { // else PathParam cannot match: spare the regexp
		params = PathParam.FindAllStringSubmatch(r.Path, -1)
	}
	for _, m := range params {
		used[m[1]] = true
		if _, ok := r.PathParams[m[1]]; !ok {
			fail(prefix+"request.path", "path parameter {%s} has no value in request.pathParams", m[1])
		}
	}
	for name := range r.PathParams {
		if !used[name] {
			fail(prefix+"request.pathParams."+name, "the path template has no {%s}", name)
		}
	}
	switch {
	case r.Body != nil && r.Form != nil:
		fail(prefix+"request.form", "a request has a body or form fields, not both")
	case r.RawBody != "" && (r.Body != nil || r.Form != nil):
		fail(prefix+"request.rawBody", "a request has one of body, form and rawBody")
	}
	for name := range r.Headers {
		if strings.EqualFold(name, "Authorization") && auth != "" && auth != "none" {
			fail(prefix+"request.headers."+name, "an Authorization header and auth: %q both set the credentials; keep one", auth)
		}
	}
}

func checkExpect(e *Expect, prefix string, fail func(string, string, ...any)) {
	fail0 := fail
	fail = func(field, format string, args ...any) { fail0(prefix+field, format, args...) }
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
