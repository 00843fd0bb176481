package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/curl"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/lint"
	"github.com/casebook-dev/casebook/internal/target"
)

// prepared is a case's request with variables filled in, ready to lint and to send.
type prepared struct {
	method string
	path   string // concrete, escaped
	query  url.Values
	header http.Header
	body   []byte
	form   url.Values // the fields of a form body, for a curl command
}

// VarError names a ${NAME} that has no value.
type VarError struct {
	Pos  casefile.Pos
	Case string
	Name string
}

func (e *VarError) Error() string {
	return fmt.Sprintf("%s: case %q: variable ${%s} has no value (set it in the environment, with --var %s=..., or under vars: in %s)",
		e.Pos, e.Case, e.Name, e.Name, ConfigFile)
}

// expander fills ${NAME}: with what an earlier step captured, else from
// --var values, then the environment. With keep it leaves every ${NAME] as
// written, for the shell to fill.
type expander struct {
	vars map[string]string
	keep bool
	c    *casefile.Case
	err  error
	// captured are the values earlier steps of the case captured.
	captured map[string]any
	// pending are names a later-run step captures, not known yet. A dry run
	// leaves them for the shell; with placeholders (a lint-only run) they
	// are filled with a stand-in, and placed records where, so that lint's
	// findings about the stand-ins are dropped.
	pending      map[string]bool
	placeholders bool
	placed       map[place]bool
}

func (x *expander) expand(field string, at place, s string) string {
	if x.keep || !strings.Contains(s, "${") {
		return s
	}
	return casefile.VarRef.ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-1]
		if v, ok := x.captured[name]; ok {
			return captureText(v)
		}
		if x.pending[name] {
			if !x.placeholders {
				return m
			}
			x.place(at)
			return "casebook-capture-" + name
		}
		if v, ok := x.vars[name]; ok {
			return v
		}
		if v, ok := os.LookupEnv(name); ok {
			return v
		}
		if x.err == nil {
			x.err = &VarError{Pos: x.c.FieldPos(field), Case: x.c.Name, Name: name}
		}
		return m
	})
}

// expandAny fills a body. A string that is only ${NAME} of a captured
// value takes the value itself, with its JSON type: a captured number
// stays a number.
func (x *expander) expandAny(field string, at place, v any) any {
	switch t := v.(type) {
	case string:
		if m := casefile.VarRef.FindStringSubmatch(t); m != nil && m[0] == t && !x.keep {
			if cv, ok := x.captured[m[1]]; ok {
				return cv
			}
		}
		return x.expand(field, at, t)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, sub := range t {
			out[k] = x.expandAny(field, at.child(k), sub)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, sub := range t {
			out[i] = x.expandAny(field, at.child(strconv.Itoa(i)), sub)
		}
		return out
	}
	return v
}

// place is where a value goes: a location of the request and the pointer
// lint gives a finding there ("" for the whole location: a ${NAME} in the
// path template).
type place struct {
	loc finding.Location
	ptr string
}

func (p place) child(key string) place { return place{p.loc, p.ptr + "/" + jsonptr.Escape(key)} }

func (x *expander) place(at place) {
	if x.placed == nil {
		x.placed = map[place]bool{}
	}
	x.placed[at] = true
}

// standIn reports whether a finding is about a value a lint-only run
// could not know (a stand-in for a later capture): it is checked when the
// case runs.
func (x *expander) standIn(f finding.Finding) bool {
	for p := range x.placed {
		if p.loc == f.Location && (p.ptr == "" || strings.EqualFold(f.Pointer, p.ptr) || strings.HasPrefix(f.Pointer, p.ptr+"/")) {
			return true
		}
	}
	return false
}

// captureText is a captured value written into text: a string as it is,
// anything else as JSON.
func captureText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := jsonMarshal(v)
	return string(b)
}

// prepare builds the concrete request of a case. With keepVars it leaves
// the case's ${NAME} variables as written (escaping around them), for a
// curl command whose shell fills them in.
func prepare(c *casefile.Case, vars map[string]string, keepVars bool) (*prepared, error) {
	return prepareRequest(&expander{vars: vars, keep: keepVars, c: c}, &c.Request, "request.")
}

// prepareRequest builds a concrete request; field prefixes the fields the
// errors name ("request." or "steps[1].request.").
func prepareRequest(x *expander, r *casefile.Request, field string) (*prepared, error) {
	refsLeft := x.keep || (len(x.pending) > 0 && !x.placeholders)
	p := &prepared{method: r.Method, query: url.Values{}, header: http.Header{}}
	p.path = casefile.PathParam.ReplaceAllStringFunc(r.Path, func(m string) string {
		name := m[1 : len(m)-1]
		v := x.expand(field+"pathParams."+name, place{finding.InPath, "/" + name}, r.PathParams[name])
		if refsLeft {
			return casefile.EscapeAroundVars(v, url.PathEscape)
		}
		return url.PathEscape(v)
	})
	p.path = x.expand(field+"path", place{finding.InPath, ""}, p.path)
	for _, k := range slices.Sorted(maps.Keys(r.Query)) {
		for _, v := range r.Query[k] {
			p.query.Add(k, x.expand(field+"query."+k, place{finding.InQuery, "/" + k}, v))
		}
	}
	for k, v := range r.Headers {
		p.header.Set(k, x.expand(field+"headers."+k, place{finding.InHeader, "/" + k}, v))
	}
	switch {
	case r.Body != nil:
		b, err := jsonMarshal(x.expandAny(field+"body", place{finding.InBody, ""}, r.Body.V))
		if err != nil {
			return nil, fmt.Errorf("%s: case %q: %sbody: %w", x.c.FieldPos(field+"body"), x.c.Name, field, err)
		}
		if refsLeft {
			b = curl.JSONRefs(b, x.pending)
		}
		p.body = b
		if p.header.Get("Content-Type") == "" {
			p.header.Set("Content-Type", "application/json")
		}
	case r.RawBody != "":
		p.body = []byte(x.expand(field+"rawBody", place{finding.InBody, ""}, r.RawBody))
	case r.Form != nil:
		p.form = url.Values{}
		for k, vs := range r.Form {
			if len(vs) == 0 {
				p.form.Add(k, "")
			}
			for _, v := range vs {
				p.form.Add(k, x.expand(field+"form."+k, place{finding.InBody, "/" + k}, v))
			}
		}
		p.body = []byte(p.form.Encode())
		if p.header.Get("Content-Type") == "" {
			p.header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}
	if x.err != nil {
		return nil, x.err
	}
	return p, nil
}

// lintRequest is the request as lint sees it.
func (p *prepared) lintRequest() *lint.Request {
	return &lint.Request{Method: p.method, Path: p.path, Query: p.query, Header: p.header, Body: p.body}
}

// lintOptions: a request whose credentials come from auth: gets them from
// the target in whatever form the operation's scheme takes (a Bearer
// token, HTTP Basic, an API key), so lint counts them as present.
func lintOptions(auth string) lint.Options {
	return lint.Options{AuthSupplied: auth != "" && auth != "none"}
}

// request is what the sender sends: the path with its query, and
// casebook's User-Agent unless the case sets one.
func (p *prepared) request(c *casefile.Case, auth string) *target.Request {
	h := p.header.Clone()
	if h.Get("User-Agent") == "" {
		h.Set("User-Agent", "casebook/"+Version)
	}
	path := p.path
	if len(p.query) > 0 {
		path += "?" + p.query.Encode()
	}
	return &target.Request{Method: p.method, Path: path, Header: h, Body: p.body, Auth: auth, Retryable: c.Retry, Case: c.Name}
}

// jsonMarshal encodes without HTML escaping: a body is sent as written.
func jsonMarshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
