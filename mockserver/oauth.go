package mockserver

import (
	"crypto/subtle"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// oauthError is an RFC 6749 section 5.2 error answer of the token endpoint.
type oauthError struct {
	status      int
	code        string
	description string
}

// serveToken is the token endpoint: the client-credentials grant (RFC 6749
// section 4.4), the client authenticated by HTTP Basic or by client_id and
// client_secret form fields, never both; and, when an overlay client has a
// username, the resource owner password grant (section 4.3). The body is
// form-encoded. Errors are JSON with Content-Type application/json, which is
// what lets x/oauth2 read their code.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request, body []byte) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeOAuthError(w, &oauthError{http.StatusMethodNotAllowed, "invalid_request", "the token endpoint takes POST"})
		return
	}
	c, scopes, oe := s.tokenRequest(r, body)
	if oe != nil {
		if oe.code == "invalid_client" && r.Header.Get("Authorization") != "" {
			w.Header().Set("WWW-Authenticate", `Basic realm="casebook mock"`)
		}
		writeOAuthError(w, oe)
		return
	}
	tok, life, full, wait := s.tokens.issue(c, scopes)
	if full {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		writeOAuthError(w, &oauthError{http.StatusTooManyRequests, "temporarily_unavailable",
			"the mock holds " + strconv.Itoa(MaxLiveTokens) + " live tokens, its most: reuse one until it expires"})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, "application/json", http.StatusOK, map[string]any{
		"access_token": tok, "token_type": "Bearer",
		"expires_in": int(life.Seconds()), "scope": strings.Join(scopes, " "),
	})
}

func (s *Server) tokenRequest(r *http.Request, body []byte) (*Client, []string, *oauthError) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return nil, nil, &oauthError{http.StatusBadRequest, "invalid_request", "the body must be application/x-www-form-urlencoded"}
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, nil, &oauthError{http.StatusBadRequest, "invalid_request", "the form body cannot be parsed"}
	}
	var (
		c  *Client
		oe *oauthError
	)
	switch gt := form.Get("grant_type"); {
	case gt == "":
		return nil, nil, &oauthError{http.StatusBadRequest, "invalid_request", "grant_type is missing"}
	case gt == "client_credentials":
		c, oe = s.authenticateClient(r, form)
	case gt == "password" && len(s.byUsername) > 0:
		c, oe = s.passwordGrant(r, form)
	default:
		return nil, nil, &oauthError{http.StatusBadRequest, "unsupported_grant_type", "supported grant types: " + strings.Join(s.grantTypes(), ", ")}
	}
	if oe != nil {
		return nil, nil, oe
	}
	scopes, oe := grantedScopes(c, form.Get("scope"))
	return c, scopes, oe
}

// grantTypes are the grants the token endpoint supports: client
// credentials always, the password grant when an overlay client uses it.
func (s *Server) grantTypes() []string {
	if len(s.byUsername) > 0 {
		return []string{"client_credentials", "password"}
	}
	return []string{"client_credentials"}
}

// clientAuth reads the client authentication a token request carries
// (RFC 6749 section 2.3.1): sent is false when there is none.
func clientAuth(r *http.Request, form url.Values) (id, secret string, sent bool, oe *oauthError) {
	id, secret, basic := r.BasicAuth()
	if basic {
		// The Basic credentials are form-encoded before base64 (section 2.3.1).
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
		if form.Has("client_id") || form.Has("client_secret") {
			return "", "", false, &oauthError{http.StatusBadRequest, "invalid_request", "authenticate the client one way only: HTTP Basic or form fields"}
		}
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	return id, secret, id != "", nil
}

// authenticateClient checks a client-credentials client's id and secret.
func (s *Server) authenticateClient(r *http.Request, form url.Values) (*Client, *oauthError) {
	id, secret, sent, oe := clientAuth(r, form)
	if oe != nil {
		return nil, oe
	}
	if !sent {
		return nil, &oauthError{http.StatusUnauthorized, "invalid_client", "no client authentication"}
	}
	c := s.clientsByID[id]
	if c == nil && s.passwordApp(id, secret) {
		return nil, &oauthError{http.StatusBadRequest, "unauthorized_client", "this client gets tokens by the password grant"}
	}
	if c == nil || !sameSecret(c.Secret, secret) {
		return nil, &oauthError{http.StatusUnauthorized, "invalid_client", "client authentication failed"}
	}
	return c, nil
}

// passwordGrant is the resource owner password grant: the username and
// password pick the overlay client. Client authentication is optional (NICE
// CXone's token schema makes client_id and client_secret optional, per
// ../shared/research/cxone-facts.md) but, when sent, must be the
// application of that client.
func (s *Server) passwordGrant(r *http.Request, form url.Values) (*Client, *oauthError) {
	id, secret, sent, oe := clientAuth(r, form)
	if oe != nil {
		return nil, oe
	}
	if sent && !s.passwordApp(id, secret) {
		return nil, &oauthError{http.StatusUnauthorized, "invalid_client", "client authentication failed"}
	}
	username, password := form.Get("username"), form.Get("password")
	if username == "" || password == "" {
		return nil, &oauthError{http.StatusBadRequest, "invalid_request", "the password grant needs username and password"}
	}
	c := s.byUsername[username]
	if c == nil || !sameSecret(c.Password, password) || (sent && c.ID != id) {
		return nil, &oauthError{http.StatusBadRequest, "invalid_grant", "the username or password is wrong"}
	}
	return c, nil
}

// passwordApp reports whether id and secret authenticate the application
// of some password-grant client.
func (s *Server) passwordApp(id, secret string) bool {
	for _, c := range s.byUsername {
		if c.ID == id && sameSecret(c.Secret, secret) {
			return true
		}
	}
	return false
}

// sameSecret compares in constant time; an empty secret never matches.
func sameSecret(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// grantedScopes grants the scopes asked for, which must all be the
// client's, or every scope of the client when none is asked for.
func grantedScopes(c *Client, requested string) ([]string, *oauthError) {
	asked := strings.Fields(requested)
	if len(asked) == 0 {
		return c.Scopes, nil
	}
	for _, a := range asked {
		if !slices.Contains(c.Scopes, a) && !slices.Contains(c.Scopes, "*") {
			return nil, &oauthError{http.StatusBadRequest, "invalid_scope", "the client may not be granted scope " + strconv.Quote(a)}
		}
	}
	return asked, nil
}

func writeOAuthError(w http.ResponseWriter, e *oauthError) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, "application/json", e.status, map[string]string{"error": e.code, "error_description": e.description})
}
