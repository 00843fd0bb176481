package lint

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/spec"
)

// security checks that the credentials one of the operation's security
// requirements names are present (requirements are alternatives; the schemes
// within one are all needed). It checks presence and form, not validity:
// only the server can say whether a token is good.
func (c *collector) security(s *spec.Spec, m *spec.Match, hr *http.Request) {
	reqs := s.Doc.Security
	if m.Op.Security != nil {
		reqs = *m.Op.Security
	}
	if len(reqs) == 0 {
		return
	}
	var wanted []string
	for _, req := range reqs {
		if len(req) == 0 {
			return // {} makes security optional
		}
		ok := true
		var names []string
		for name := range req {
			scheme := lookupScheme(s.Doc, name)
			names = append(names, describeScheme(name, scheme))
			if scheme == nil || !present(scheme, hr) {
				ok = false
			}
		}
		if ok {
			return
		}
		wanted = append(wanted, strings.Join(names, " and "))
	}
	c.addFinding(finding.Finding{Severity: finding.Error, Location: finding.InSecurity, Pointer: jsonptr.Join("Authorization"), Rule: finding.RuleSecurity,
		Message: fmt.Sprintf("the operation needs credentials the request does not carry: %s", strings.Join(wanted, " or "))})
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
