package lint

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/spec"
)

// security checks that the credentials one of the operation's security
// requirements names are present (requirements are alternatives; the schemes
// within one are all needed). It checks presence and form, not validity:
// only the server can say whether a token is good. With authSupplied the
// credentials come later (a case's auth:), in whatever form the scheme
// takes, so any requirement casebook can supply is met.
//
// The finding points where the first alternative's credential goes:
// /Authorization for OAuth2 and HTTP schemes, the key's own header, query
// parameter or cookie name for an API key.
func (c *collector) security(s *spec.Spec, m *spec.Match, hr *http.Request, authSupplied bool) {
	reqs := s.Doc.Security
	if m.Op.Security != nil {
		reqs = *m.Op.Security
	}
	if len(reqs) == 0 {
		return
	}
	var wanted []string
	where := ""
	for _, req := range reqs {
		if len(req) == 0 {
			return // {} makes security optional
		}
		if met(s.Doc, req, hr, authSupplied) {
			return
		}
		// Not met: the finding names the schemes in order, and the first
		// one missing says where the credential goes.
		var names []string
		for _, name := range slices.Sorted(maps.Keys(req)) {
			scheme := lookupScheme(s.Doc, name)
			names = append(names, describeScheme(name, scheme))
			if where == "" && !satisfied(scheme, hr, authSupplied) {
				where = place(scheme)
			}
		}
		wanted = append(wanted, strings.Join(names, " and "))
	}
	c.addFinding(finding.Finding{Severity: finding.Error, Location: finding.InSecurity, Pointer: jsonptr.Join(where), Rule: finding.RuleSecurity,
		Message: fmt.Sprintf("the operation needs credentials the request does not carry: %s", strings.Join(wanted, " or "))})
}

// met reports whether the request satisfies every scheme of one
// requirement; the order does not matter, so the passing request, the
// usual one, sorts and words nothing.
func met(doc *openapi3.T, req openapi3.SecurityRequirement, hr *http.Request, authSupplied bool) bool {
	for name := range req {
		if !satisfied(lookupScheme(doc, name), hr, authSupplied) {
			return false
		}
	}
	return true
}

// satisfied: the request carries the scheme's credential, or casebook will
// (authSupplied) and can.
func satisfied(scheme *openapi3.SecurityScheme, hr *http.Request, authSupplied bool) bool {
	return scheme != nil && (authSupplied && suppliable(scheme) || present(scheme, hr))
}

// suppliable reports whether casebook can present credentials for the
// scheme: a Bearer token (OAuth2, OpenID Connect, HTTP bearer), HTTP Basic
// or an API key in a header, a query parameter or a cookie.
func suppliable(s *openapi3.SecurityScheme) bool {
	switch s.Type {
	case "oauth2", "openIdConnect":
		return true
	case "http":
		return strings.EqualFold(s.Scheme, "bearer") || strings.EqualFold(s.Scheme, "basic")
	case "apiKey":
		return s.In == "header" || s.In == "query" || s.In == "cookie"
	}
	return false
}

// place is the name a scheme's credential travels under.
func place(s *openapi3.SecurityScheme) string {
	if s != nil && s.Type == "apiKey" && s.Name != "" {
		return s.Name
	}
	return "Authorization"
}

func lookupScheme(doc *openapi3.T, name string) *openapi3.SecurityScheme {
	if doc.Components == nil {
		return nil
	}
	if ref := doc.Components.SecuritySchemes[name]; ref != nil {
		return ref.Value
	}
	return nil
}

func describeScheme(name string, s *openapi3.SecurityScheme) string {
	if s == nil {
		return name + " (undefined scheme)"
	}
	switch s.Type {
	case "oauth2", "openIdConnect":
		return name + " (OAuth2 bearer token)"
	case "http":
		return fmt.Sprintf("%s (HTTP %s)", name, s.Scheme)
	case "apiKey":
		return fmt.Sprintf("%s (API key in %s %q)", name, s.In, s.Name)
	}
	return name
}

func present(s *openapi3.SecurityScheme, hr *http.Request) bool {
	auth := hr.Header.Get("Authorization")
	switch s.Type {
	case "oauth2", "openIdConnect":
		return hasScheme(auth, "Bearer")
	case "http":
		return hasScheme(auth, s.Scheme)
	case "apiKey":
		switch s.In {
		case "header":
			return hr.Header.Get(s.Name) != ""
		case "query":
			return hr.URL.Query().Get(s.Name) != ""
		case "cookie":
			_, err := hr.Cookie(s.Name)
			return err == nil
		}
	}
	return false
}

func hasScheme(auth, scheme string) bool {
	kind, cred, ok := strings.Cut(auth, " ")
	return ok && strings.EqualFold(kind, scheme) && strings.TrimSpace(cred) != ""
}
