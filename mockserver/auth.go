package mockserver

import (
	"crypto/subtle"
	"maps"
	"net/http"
	"slices"
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

// authenticate finds the grant behind the request's credentials. The
// operation's requirements are alternatives and the schemes within one are
// all needed; each scheme takes its own kind of credential: a Bearer token
// the mock issued (OAuth2, OpenID Connect, HTTP bearer), an overlay
// client's id and secret (HTTP Basic), or a token the mock issued as the
// value of an API key. A credential of a kind the operation does not take
// counts as none: a Bearer token on a Basic-only operation is 401 with a
// Basic challenge, as a server that only knows Basic answers it.
func (s *Server) authenticate(r *http.Request, reqs openapi3.SecurityRequirements) (*grant, *apiError) {
	presented, invalidBearer := false, false
	for _, req := range reqs {
		g, v := s.satisfy(r, req)
		if v == credValid {
			return g, nil
		}
		presented = presented || v == credInvalid
		invalidBearer = invalidBearer || (v == credInvalid && s.takesBearer(req) && bearer(r) != "")
	}
	code := codeAuthRequired
	if presented {
		code = codeBadCredentials
	}
	return nil, &apiError{Status: http.StatusUnauthorized, Code: code,
		Header: http.Header{"Www-Authenticate": s.challenges(reqs, invalidBearer)}}
}

// verdict is what a requirement makes of the request's credentials.
type verdict int

const (
	credMissing verdict = iota // no credential of the kinds it takes
	credInvalid                // one is there, but the mock does not know it
	credValid
)

// satisfy checks one requirement: every scheme in it must be met. The
// grant is the first scheme's.
func (s *Server) satisfy(r *http.Request, req openapi3.SecurityRequirement) (*grant, verdict) {
	if len(req) == 1 { // the usual requirement: one scheme, no names to sort
		for name := range req {
			g, v := s.credentialFor(r, s.scheme(name))
			if v != credValid {
				return nil, v
			}
			return g, credValid
		}
	}
	var first *grant
	worst := credValid
	for _, name := range slices.Sorted(maps.Keys(req)) {
		g, v := s.credentialFor(r, s.scheme(name))
		worst = min(worst, v)
		if first == nil {
			first = g
		}
	}
	if worst != credValid {
		return nil, worst
	}
	return first, credValid
}

// credentialFor checks the credential one scheme takes.
func (s *Server) credentialFor(r *http.Request, sc *openapi3.SecurityScheme) (*grant, verdict) {
	switch {
	case sc == nil:
		return nil, credMissing
	case isBasic(sc):
		id, secret, ok := r.BasicAuth()
		if !ok {
			return nil, credMissing
		}
		c := s.clientsByID[id]
		if c == nil || c.Secret == "" || subtle.ConstantTimeCompare([]byte(c.Secret), []byte(secret)) != 1 {
			return nil, credInvalid
		}
		return &grant{client: c, scopes: c.Scopes}, credValid
	case isBearer(sc):
		return s.tokenGrant(bearer(r))
	case sc.Type == "apiKey":
		return s.tokenGrant(apiKey(r, sc))
	}
	return nil, credMissing
}

func (s *Server) tokenGrant(tok string) (*grant, verdict) {
	if tok == "" {
		return nil, credMissing
	}
	if g, ok := s.tokens.lookup(tok); ok {
		return g, credValid
	}
	return nil, credInvalid
}

func isBasic(sc *openapi3.SecurityScheme) bool {
	return sc.Type == "http" && strings.EqualFold(sc.Scheme, "basic")
}

func isBearer(sc *openapi3.SecurityScheme) bool {
	return sc.Type == "oauth2" || sc.Type == "openIdConnect" || (sc.Type == "http" && strings.EqualFold(sc.Scheme, "bearer"))
}

func (s *Server) takesBearer(req openapi3.SecurityRequirement) bool {
	for name := range req {
		if sc := s.scheme(name); sc != nil && isBearer(sc) {
			return true
		}
	}
	return false
}

// challenges are the WWW-Authenticate values for the schemes the
// operation takes (RFC 9110 section 11.6.1): Bearer, with error
// invalid_token when a Bearer token was refused (RFC 6750 section 3), and
// Basic. An operation that takes only API keys gets the Bearer challenge:
// HTTP has no scheme for them.
func (s *Server) challenges(reqs openapi3.SecurityRequirements, invalidBearer bool) []string {
	var basic, bearerToo bool
	for _, req := range reqs {
		for name := range req {
			sc := s.scheme(name)
			switch {
			case sc == nil:
			case isBasic(sc):
				basic = true
			case isBearer(sc):
				bearerToo = true
			}
		}
	}
	var out []string
	if bearerToo || !basic {
		if invalidBearer {
			out = append(out, `Bearer realm="casebook mock", error="invalid_token"`)
		} else {
			out = append(out, `Bearer realm="casebook mock"`)
		}
	}
	if basic {
		out = append(out, `Basic realm="casebook mock"`)
	}
	return out
}

func (s *Server) scheme(name string) *openapi3.SecurityScheme { return schemeOf(s.spec.Doc, name) }

func schemeOf(doc *openapi3.T, name string) *openapi3.SecurityScheme {
	if doc.Components == nil {
		return nil
	}
	if ref := doc.Components.SecuritySchemes[name]; ref != nil {
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
	return requirementsOf(s.spec.Doc, op)
}

func requirementsOf(doc *openapi3.T, op *spec.Operation) openapi3.SecurityRequirements {
	reqs := doc.Security
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

// Presentation is how a client presents its credentials to an operation:
// its id and secret as HTTP Basic, or a token the mock issued, as a Bearer
// token or as an API key's value.
type Presentation struct {
	// Basic: HTTP Basic with the client's id and secret; no token needed.
	Basic bool
	// KeyIn ("header", "query", "cookie") and KeyName place a token as an
	// API key; both empty with Basic false: Authorization: Bearer.
	KeyIn, KeyName string
}

// PresentationFor says how to present credentials to the operation that
// method and path route to in the mock's spec (see PresentationIn).
func (s *Server) PresentationFor(method, path string) Presentation {
	return PresentationIn(s.spec, method, path)
}

// PresentationIn says how to present credentials to the operation that
// method and path route to in sp: the form its first requirement takes (a
// Bearer token where that requirement takes one, else HTTP Basic, else its
// API key). A path that routes nowhere, or an operation without security,
// takes a Bearer token. A mock casebook did not start (casebook mock in
// another terminal) takes credentials the same way.
func PresentationIn(sp *spec.Spec, method, path string) Presentation {
	m, err := sp.Find(method, path)
	if err != nil {
		return Presentation{}
	}
	reqs := requirementsOf(sp.Doc, m.Operation)
	if len(reqs) == 0 {
		return Presentation{}
	}
	var basic, key *openapi3.SecurityScheme
	var buf [4]string // the first requirement's schemes, sorted, on the stack
	names := buf[:0]
	for name := range reqs[0] {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		switch sc := schemeOf(sp.Doc, name); {
		case sc == nil:
		case isBearer(sc):
			return Presentation{}
		case isBasic(sc):
			basic = sc
		case sc.Type == "apiKey" && key == nil:
			key = sc
		}
	}
	switch {
	case basic != nil:
		return Presentation{Basic: true}
	case key != nil:
		return Presentation{KeyIn: key.In, KeyName: key.Name}
	}
	return Presentation{}
}

// NeedsToken reports whether Present uses a token (else id and secret).
func (p Presentation) NeedsToken() bool { return !p.Basic }

// Present adds the credentials to req.
func (p Presentation) Present(req *http.Request, id, secret, token string) {
	switch {
	case p.Basic:
		req.SetBasicAuth(id, secret)
	case p.KeyIn == "header":
		req.Header.Set(p.KeyName, token)
	case p.KeyIn == "query":
		q := req.URL.Query()
		q.Set(p.KeyName, token)
		req.URL.RawQuery = q.Encode()
	case p.KeyIn == "cookie":
		req.AddCookie(&http.Cookie{Name: p.KeyName, Value: token})
	default:
		req.Header.Set("Authorization", "Bearer "+token)
	}
}
