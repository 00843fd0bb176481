package mockserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/spec"
)

// exchange is one request as the rules see it.
type exchange struct {
	r       *http.Request
	match   *spec.Match
	body    []byte
	grant   *grant
	session *session // nil: the shared state
	// acted is the item an action acts on, kept by answerState for
	// OnChange (nil when nobody follows changes or the mock keeps no state).
	acted *actedItem

	// linted is the body as lint decoded it (numbers as json.Number), when
	// it did (lint.Options.Decoded): json reads it instead of the bytes.
	linted    any
	hasLinted bool

	parsed  bool
	doc     any
	hasBody bool

	// inRange: every number in linted is within float64's range (ranged:
	// checked), so a member read from linted and converted alone is what
	// the same member of json()'s copy would be (bodyMember).
	ranged, inRange bool
}

// json decodes the body once, as json.Unmarshal does (numbers as float64),
// from lint's decoding when there is one; a body that is not JSON has no
// members.
func (ex *exchange) json() (any, bool) {
	if !ex.parsed {
		ex.parsed = true
		if ex.hasLinted {
			ex.doc, ex.hasBody = asUnmarshalled(ex.linted)
		} else if len(bytes.TrimSpace(ex.body)) > 0 && json.Unmarshal(ex.body, &ex.doc) == nil {
			ex.hasBody = true
		}
	}
	return ex.doc, ex.hasBody
}

// asUnmarshalled is v, a JSON document decoded with UseNumber, as
// json.Unmarshal decodes it into an any: a copy with float64 numbers. ok
// is false where Unmarshal fails, on a number beyond float64's range.
func asUnmarshalled(v any) (any, bool) {
	switch v := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		return f, err == nil
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			var ok bool
			if out[k], ok = asUnmarshalled(e); !ok {
				return nil, false
			}
		}
		return out, true
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			var ok bool
			if out[i], ok = asUnmarshalled(e); !ok {
				return nil, false
			}
		}
		return out, true
	}
	return v, true
}

// bodyMember is the member ptr names in json()'s body. From lint's
// decoding it converts only that member, not the whole body: a rule reads
// one or two members of it on every request.
func (ex *exchange) bodyMember(ptr string) (any, bool) {
	if !ex.hasLinted || ex.parsed {
		doc, ok := ex.json()
		if !ok {
			return nil, false
		}
		return jsonptr.Get(doc, ptr)
	}
	if !ex.ranged {
		ex.ranged, ex.inRange = true, floatRange(ex.linted)
	}
	if !ex.inRange {
		return nil, false // json() has no body: Unmarshal would fail
	}
	v, ok := jsonptr.Get(ex.linted, ptr)
	if !ok {
		return nil, false
	}
	v, _ = asUnmarshalled(v)
	return v, true
}

// floatRange reports whether asUnmarshalled(v) succeeds, without its copy.
func floatRange(v any) bool {
	switch v := v.(type) {
	case json.Number:
		_, err := strconv.ParseFloat(string(v), 64)
		return err == nil
	case map[string]any:
		for _, e := range v {
			if !floatRange(e) {
				return false
			}
		}
	case []any:
		for _, e := range v {
			if !floatRange(e) {
				return false
			}
		}
	}
	return true
}

// value reads what a Ref names; ok is false when it is absent (a JSON
// null counts as absent, as vendors treat it).
func (ex *exchange) value(r Ref) (any, bool) {
	switch {
	case r.Body != "":
		v, ok := ex.bodyMember(r.Body)
		return v, ok && v != nil
	case r.Path != "":
		v, ok := ex.match.PathParams[r.Path]
		return v, ok
	case r.Query != "":
		q := ex.r.URL.Query()
		return q.Get(r.Query), q.Has(r.Query)
	case r.Header != "":
		vs := ex.r.Header.Values(r.Header)
		if len(vs) == 0 {
			return nil, false
		}
		return vs[0], true
	case r.Token != "":
		return ex.tokenValue(r.Token)
	}
	return nil, false
}

func (ex *exchange) tokenValue(attr string) (any, bool) {
	if ex.grant == nil {
		return nil, false
	}
	switch attr {
	case "user":
		return ex.grant.client.User, ex.grant.client.User != ""
	case "client":
		return ex.grant.client.Name, true
	case "scopes":
		out := make([]any, len(ex.grant.scopes))
		for i, s := range ex.grant.scopes {
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

// matchRule returns the first of the operation's rules whose conditions
// all hold.
func (s *Server) matchRule(ex *exchange, rules []*Rule) *Rule {
	for _, r := range rules {
		if s.holdsAll(ex, r.When) {
			return r
		}
	}
	return nil
}

func (s *Server) holdsAll(ex *exchange, conds []Condition) bool {
	for i := range conds {
		if !s.holds(ex, &conds[i]) {
			return false
		}
	}
	return true
}

// holds evaluates one condition: its subject's value, then its predicates.
func (s *Server) holds(ex *exchange, c *Condition) bool {
	v, present := s.subject(ex, c)
	return predicates(c, v, present)
}

func (s *Server) subject(ex *exchange, c *Condition) (any, bool) {
	switch {
	case c.Count != nil:
		return float64(countPresent(ex, c.Count)), true
	case c.Fixture != "":
		rec := s.lookupFixture(ex, c.Fixture, *c.Key)
		if rec == nil {
			return nil, false
		}
		v, ok := jsonptr.Get(rec, c.Field)
		return v, ok && v != nil
	}
	return ex.value(c.ref())
}

// countPresent counts the body pointers that hold something: present, not
// null, and not an empty string, list or object.
func countPresent(ex *exchange, ptrs []string) int {
	n := 0
	for _, p := range ptrs {
		v, ok := ex.value(Ref{Body: p})
		if ok && !isEmpty(v) {
			n++
		}
	}
	return n
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return v == nil
}

// predicates: exists tests presence; equals, in, notIn, min and max need
// the value present. A condition with no predicate means exists: true.
func predicates(c *Condition, v any, present bool) bool {
	if c.Exists != nil {
		return present == *c.Exists
	}
	if !present {
		return false
	}
	if c.Equals != nil && !sameValue(v, c.Equals) {
		return false
	}
	if c.In != nil && !slices.ContainsFunc(c.In, func(w any) bool { return sameValue(v, w) }) {
		return false
	}
	if c.NotIn != nil && slices.ContainsFunc(c.NotIn, func(w any) bool { return sameValue(v, w) }) {
		return false
	}
	n, isNum := magnitude(v)
	if c.Min != nil && (!isNum || n < *c.Min) {
		return false
	}
	if c.Max != nil && (!isNum || n > *c.Max) {
		return false
	}
	return true
}

// magnitude is a number's value or a list's length.
func magnitude(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case []any:
		return float64(len(x)), true
	}
	return 0, false
}

// sameValue compares JSON values; a string from a path, query or header
// equals a YAML number or boolean written the same way.
func sameValue(got, want any) bool {
	if gs, ok := got.(string); ok {
		ws, ok := scalarString(want)
		return ok && gs == ws
	}
	gj, err1 := json.Marshal(got)
	wj, err2 := json.Marshal(want)
	return err1 == nil && err2 == nil && bytes.Equal(gj, wj)
}
