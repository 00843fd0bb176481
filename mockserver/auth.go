package mockserver

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/casebook-dev/casebook/internal/spec"
)

// authorize checks the request's credentials against what the operation
// needs, in the order a vendor gateway does: a token at all (401
// authentication.required), a token the server issued and that has not
// expired (401 bad.credentials), the scopes of the security requirement
// (403, or the overlay's status), a user behind the token where the
// operation acts as one (400 not.a.user), then the permissions (403). The
// order of the last three is casebook's choice; no vendor source gives it.
func (s *Server) authorize(r *http.Request, m *spec.Match, pol *opPolicy) (*grant, *apiError) {
	reqs := s.requirements(m.Operation)
	if len(reqs) == 0 {
		return s.optionalGrant(r), nil
	}
	g, aerr := s.authenticate(r, reqs)
	if aerr != nil {
		return nil, aerr
	}
	if e := s.checkScopes(g, reqs, pol); e != nil {
		return nil, e
	}
	if pol.userContext && g.client.User == "" {
		return nil, &apiError{Status: http.StatusBadRequest, Code: codeNotAUser}
	}
	if e := checkPermissions(g.client, pol.permissions); e != nil {
		return nil, e
	}
	return g, nil
}

// authenticate finds the grant behind the request's credentials: a token
// the mock issued (Bearer, or the value of an API-key scheme), or, where a
// requirement names HTTP Basic, an overlay client's id and secret.
func (s *Server) authenticate(r *http.Request, reqs openapi3.SecurityRequirements) (*grant, *apiError) {
	if id, secret, ok := r.BasicAuth(); ok && s.allowsBasic(reqs) {
		c := s.clientsByID[id]
		if c == nil || c.Secret == "" || subtle.ConstantTimeCompare([]byte(c.Secret), []byte(secret)) != 1 {
			return nil, &apiError{Status: http.StatusUnauthorized, Code: codeBadCredentials,
				Header: http.Header{"Www-Authenticate": {`Basic realm="casebook mock"`}}}
		}
		return &grant{client: c, scopes: c.Scopes}, nil
	}
	tok := s.credential(r, reqs)
	if tok == "" {
		return nil, &apiError{Status: http.StatusUnauthorized, Code: codeAuthRequired,
			Header: http.Header{"Www-Authenticate": {`Bearer realm="casebook mock"`}}}
	}
	g, ok := s.tokens.lookup(tok)
	if !ok {
		return nil, &apiError{Status: http.StatusUnauthorized, Code: codeBadCredentials,
			Header: http.Header{"Www-Authenticate": {`Bearer realm="casebook mock", error="invalid_token"`}}}
	}
	return g, nil
}

// allowsBasic reports whether a requirement names an HTTP Basic scheme.
func (s *Server) allowsBasic(reqs openapi3.SecurityRequirements) bool {
	for _, req := range reqs {
		for name := range req {
			if sc := s.scheme(name); sc != nil && sc.Type == "http" && strings.EqualFold(sc.Scheme, "basic") {
				return true
			}
		}
	}
	return false
}

func (s *Server) scheme(name string) *openapi3.SecurityScheme {
	if s.spec.Doc.Components == nil {
		return nil
	}
	if ref := s.spec.Doc.Components.SecuritySchemes[name]; ref != nil {
		return ref.Value
	}
	return nil
}

// optionalGrant reads a token on an operation that needs none, so rules on
// the token still see it.
func (s *Server) optionalGrant(r *http.Request) *grant {
	if tok := bearer(r); tok != "" {
		if g, ok := s.tokens.lookup(tok); ok {
			return g
		}
	}
	return nil
}

// requirements are the operation's security requirements; nil when one of
// them is empty ({}), which makes credentials optional.
func (s *Server) requirements(op *spec.Operation) openapi3.SecurityRequirements {
	reqs := s.spec.Doc.Security
	if op.Op.Security != nil {
		reqs = *op.Op.Security
	}
	for _, req := range reqs {
		if len(req) == 0 {
			return nil
		}
	}
	return reqs
}

// credential finds the token: a Bearer Authorization header, or the value
// of an API-key scheme the requirements name (treated as a token too).
func (s *Server) credential(r *http.Request, reqs openapi3.SecurityRequirements) string {
	if tok := bearer(r); tok != "" {
		return tok
	}
	for _, req := range reqs {
		for name := range req {
			if sc := s.scheme(name); sc != nil && sc.Type == "apiKey" {
				if v := apiKey(r, sc); v != "" {
					return v
				}
			}
		}
	}
	return ""
}

func bearer(r *http.Request) string {
	kind, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(kind, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

func apiKey(r *http.Request, sc *openapi3.SecurityScheme) string {
	switch sc.In {
	case "header":
		return r.Header.Get(sc.Name)
	case "query":
		return r.URL.Query().Get(sc.Name)
	case "cookie":
		if c, err := r.Cookie(sc.Name); err == nil {
			return c.Value
		}
	}
	return ""
}

// checkScopes passes when the token holds every scope of at least one
// requirement (the overlay's per-operation scopes replace the spec's).
func (s *Server) checkScopes(g *grant, reqs openapi3.SecurityRequirements, pol *opPolicy) *apiError {
	if !s.scopePolicy.check {
		return nil
	}
	var firstMissing []string
	for _, needed := range s.neededScopes(reqs, pol) {
		var missing []string
		for _, sc := range needed {
			if !g.hasScope(sc) {
				missing = append(missing, sc)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		if firstMissing == nil {
			firstMissing = missing
		}
	}
	p := s.scopePolicy
	msg := p.message
	if msg == "" {
		// Whatever code the overlay picks, the message says what is missing.
		msg = defaultMessages[codeInsufficientScope]
	}
	return &apiError{Status: p.status, Code: p.code, Message: msg, Params: []string{strings.Join(firstMissing, ", ")}}
}

// neededScopes lists, per alternative requirement, the OAuth2 scopes it needs.
func (s *Server) neededScopes(reqs openapi3.SecurityRequirements, pol *opPolicy) [][]string {
	if pol.scopes != nil {
		return [][]string{pol.scopes}
	}
	out := make([][]string, 0, len(reqs))
	for _, req := range reqs {
		var needed []string
		for name, scopes := range req {
			if sc := s.scheme(name); sc != nil && (sc.Type == "oauth2" || sc.Type == "openIdConnect") {
				needed = append(needed, scopes...)
			}
		}
		out = append(out, needed)
	}
	return out
}

// checkPermissions: ALL needs every permission (403 missing.permissions
// naming those missing); ANY needs one (403 missing.permissions naming it
// when there is only one, missing.any.permissions naming all otherwise).
func checkPermissions(c *Client, p *Permissions) *apiError {
	if p == nil || len(p.Permissions) == 0 {
		return nil
	}
	var missing []string
	for _, want := range p.Permissions {
		if !holds(c.Permissions, want) {
			missing = append(missing, want)
		}
	}
	if strings.EqualFold(p.Type, "ALL") {
		if len(missing) == 0 {
			return nil
		}
		return &apiError{Status: http.StatusForbidden, Code: codeMissingPerms, Params: []string{strings.Join(missing, ", ")}}
	}
	if len(missing) < len(p.Permissions) {
		return nil
	}
	if len(missing) == 1 {
		return &apiError{Status: http.StatusForbidden, Code: codeMissingPerms, Params: missing}
	}
	return &apiError{Status: http.StatusForbidden, Code: codeMissingAnyPerms, Params: []string{strings.Join(missing, ", ")}}
}

// holds reports whether one of the held permissions grants want. "*" grants
// everything; a "*" segment matches any segment, and a trailing "*" segment
// the rest ("outbound:*" grants "outbound:campaign:view").
func holds(held []string, want string) bool {
	ws := strings.Split(want, ":")
	for _, h := range held {
		if h == "*" || h == want {
			return true
		}
		if segmentsMatch(strings.Split(h, ":"), ws) {
			return true
		}
	}
	return false
}

func segmentsMatch(h, w []string) bool {
	for i, seg := range h {
		if i >= len(w) {
			return false
		}
		if seg == "*" && i == len(h)-1 {
			return true
		}
		if seg != "*" && seg != w[i] {
			return false
		}
	}
	return len(h) == len(w)
}
