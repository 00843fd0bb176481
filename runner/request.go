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
	"strings"

	"github.com/casebook-dev/casebook/internal/casefile"
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

// expander fills ${NAME} from --var values first, then the environment.
// With keep it leaves every ${NAME} as written, for the shell to fill.
type expander struct {
	vars map[string]string
	keep bool
	c    *casefile.Case
	err  error
}

func (x *expander) expand(field, s string) string {
	if x.keep || !strings.Contains(s, "${") {
		return s
	}
	return casefile.VarRef.ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-1]
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

func (x *expander) expandAny(field string, v any) any {
	switch t := v.(type) {
	case string:
		return x.expand(field, t)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, sub := range t {
			out[k] = x.expandAny(field, sub)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, sub := range t {
			out[i] = x.expandAny(field, sub)
		}
		return out
	}
	return v
}

// prepare builds the concrete request of a case. With keepVars it leaves
// the case's ${NAME} variables as written (escaping around them), for a
// curl command whose shell fills them in.
func prepare(c *casefile.Case, vars map[string]string, keepVars bool) (*prepared, error) {
	x := &expander{vars: vars, keep: keepVars, c: c}
	r := &c.Request
	p := &prepared{method: r.Method, query: url.Values{}, header: http.Header{}}
	p.path = casefile.PathParam.ReplaceAllStringFunc(r.Path, func(m string) string {
		name := m[1 : len(m)-1]
		v := r.PathParams[name]
		if keepVars {
			return casefile.EscapeAroundVars(v, url.PathEscape)
		}
		return url.PathEscape(x.expand("request.pathParams."+name, v))
	})
	p.path = x.expand("request.path", p.path)
	for _, k := range slices.Sorted(maps.Keys(r.Query)) {
		for _, v := range r.Query[k] {
			p.query.Add(k, x.expand("request.query."+k, v))
		}
	}
	for k, v := range r.Headers {
		p.header.Set(k, x.expand("request.headers."+k, v))
	}
	switch {
	case r.Body != nil:
		b, err := jsonMarshal(x.expandAny("request.body", r.Body.V))
		if err != nil {
			return nil, fmt.Errorf("%s: case %q: request.body: %w", c.FieldPos("request.body"), c.Name, err)
		}
		p.body = b
		if p.header.Get("Content-Type") == "" {
			p.header.Set("Content-Type", "application/json")
		}
	case r.RawBody != "":
		p.body = []byte(x.expand("request.rawBody", r.RawBody))
	case r.Form != nil:
		p.form = url.Values{}
		for k, vs := range r.Form {
			if len(vs) == 0 {
				p.form.Add(k, "")
			}
			for _, v := range vs {
				p.form.Add(k, x.expand("request.form."+k, v))
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

// lintOptions: a case whose credentials come from auth: gets them from the
// target in whatever form the operation's scheme takes (a Bearer token,
// HTTP Basic, an API key), so lint counts them as present.
func lintOptions(c *casefile.Case) lint.Options {
	return lint.Options{AuthSupplied: c.Auth != "" && c.Auth != "none"}
}

// request is what the sender sends: the path with its query, and
// casebook's User-Agent unless the case sets one.
func (p *prepared) request(c *casefile.Case) *target.Request {
	h := p.header.Clone()
	if h.Get("User-Agent") == "" {
		h.Set("User-Agent", "casebook/"+Version)
	}
	path := p.path
	if len(p.query) > 0 {
		path += "?" + p.query.Encode()
	}
	return &target.Request{Method: p.method, Path: path, Header: h, Body: p.body, Auth: c.Auth, Retryable: c.Retry, Case: c.Name}
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
