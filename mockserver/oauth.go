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

// serveToken is the client-credentials token endpoint (RFC 6749 section
// 4.4): form-encoded, the client authenticated by HTTP Basic or by
// client_id and client_secret form fields, never both. Errors are JSON with
// Content-Type application/json, which is what lets x/oauth2 read their code.
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
	tok, life := s.tokens.issue(c, scopes)
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
	switch gt := form.Get("grant_type"); gt {
	case "":
		return nil, nil, &oauthError{http.StatusBadRequest, "invalid_request", "grant_type is missing"}
	case "client_credentials":
	default:
		return nil, nil, &oauthError{http.StatusBadRequest, "unsupported_grant_type", "only client_credentials is supported"}
	}
	c, oe := s.authenticateClient(r, form)
	if oe != nil {
		return nil, nil, oe
	}
	scopes, oe := grantedScopes(c, form.Get("scope"))
	return c, scopes, oe
}

// authenticateClient checks the client's id and secret (RFC 6749 section 2.3.1).
func (s *Server) authenticateClient(r *http.Request, form url.Values) (*Client, *oauthError) {
	id, secret, basic := r.BasicAuth()
	if basic {
		// The Basic credentials are form-encoded before base64 (section 2.3.1).
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
		if form.Has("client_id") || form.Has("client_secret") {
			return nil, &oauthError{http.StatusBadRequest, "invalid_request", "authenticate the client one way only: HTTP Basic or form fields"}
		}
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	if id == "" {
		return nil, &oauthError{http.StatusUnauthorized, "invalid_client", "no client authentication"}
	}
	c := s.clientsByID[id]
	if c == nil || c.Secret == "" || subtle.ConstantTimeCompare([]byte(c.Secret), []byte(secret)) != 1 {
		return nil, &oauthError{http.StatusUnauthorized, "invalid_client", "client authentication failed"}
	}
	return c, nil
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
