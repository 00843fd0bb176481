package target

import (
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/suggest"
)

// Target kinds a profile in casebook.yaml can have.
const (
	// KindMock is the built-in mock (the target named "mock" needs no profile).
	KindMock = "mock"
	// KindURL is a server casebook did not start, sent to without credentials
	// and without the live safety checks (a local stand-in, a staging server).
	KindURL = "url"
	// KindLive is a real API: credentials from the environment, the
	// side-effect guard, https only, requests only to the profile's hosts.
	KindLive = "live"
	// KindGenesys is a live Genesys Cloud org, found by its region domain.
	KindGenesys = "genesys"
)

var kinds = []string{KindMock, KindURL, KindLive, KindGenesys}

// GenesysRegions are the Genesys Cloud region domains a genesys profile's
// region: may name. Source: ../shared/research/libraries.md (the domains of
// the vendor's SDK region list, checked 2026-11-26).
var GenesysRegions = []string{
	"mypurecloud.com", "mypurecloud.ie", "mypurecloud.com.au", "mypurecloud.jp", "mypurecloud.de",
	"usw2.pure.cloud", "cac1.pure.cloud", "apne2.pure.cloud", "euw2.pure.cloud", "aps1.pure.cloud",
	"sae1.pure.cloud", "mec1.pure.cloud", "apne3.pure.cloud", "euc2.pure.cloud", "use2.us-gov-pure.cloud",
}

// Profile is a named target in casebook.yaml. A genesys profile derives
// https://api.<region> and https://login.<region>/oauth/token from its
// region, or takes baseURL and tokenURL (a gateway, or `casebook mock`
// standing in for the vendor):
//
//	targets:
//	  live:
//	    kind: genesys
//	    region: mypurecloud.ie
//	  standin:
//	    kind: genesys
//	    baseURL: http://127.0.0.1:4010
//	    tokenURL: http://127.0.0.1:4010/oauth/token
//	    allowHTTP: true
type Profile struct {
	Kind     string `yaml:"kind"`
	Region   string `yaml:"region"`
	BaseURL  string `yaml:"baseURL"`
	TokenURL string `yaml:"tokenURL"`
	// Hosts are further hosts a redirect may lead to. The base URL's and
	// the token URL's hosts are always allowed; any other is refused.
	Hosts []string `yaml:"hosts"`
	// AllowHTTP permits plain http (a stand-in on loopback); live profiles
	// refuse it otherwise, since a token would cross the network in clear.
	AllowHTTP bool `yaml:"allowHTTP"`
}

// Credential is what a case's auth: names on a live target. It holds the
// names of environment variables (or keys of the secrets file), never a
// secret: a config file is committed, a secret must not be.
//
//	credentials:
//	  default:
//	    kind: oauth2
//	    clientIdEnv: GENESYS_CLIENT_ID
//	    clientSecretEnv: GENESYS_CLIENT_SECRET
//	  agent:
//	    kind: bearer
//	    tokenEnv: GENESYS_USER_TOKEN
type Credential struct {
	// Kind is oauth2 (client credentials), bearer, basic or apiKey.
	Kind string `yaml:"kind"`
	// ClientID is the OAuth2 client id when it may be committed; else ClientIDEnv.
	ClientID        string   `yaml:"clientId"`
	ClientIDEnv     string   `yaml:"clientIdEnv"`
	ClientSecretEnv string   `yaml:"clientSecretEnv"`
	Scopes          []string `yaml:"scopes"`
	// TokenURL overrides the profile's token endpoint for this credential.
	TokenURL string `yaml:"tokenURL"`
	// TokenEnv holds a bearer token (a user's token, for endpoints that act as a user).
	TokenEnv string `yaml:"tokenEnv"`
	// Username (or UsernameEnv) and PasswordEnv are HTTP Basic credentials.
	Username    string `yaml:"username"`
	UsernameEnv string `yaml:"usernameEnv"`
	PasswordEnv string `yaml:"passwordEnv"`
	// Header carries an API key (default X-Api-Key); KeyEnv holds the key.
	Header string `yaml:"header"`
	KeyEnv string `yaml:"keyEnv"`
}

// Credential kinds.
const (
	AuthOAuth2 = "oauth2"
	AuthBearer = "bearer"
	AuthBasic  = "basic"
	AuthAPIKey = "apiKey"
)

var authKinds = []string{AuthOAuth2, AuthBearer, AuthBasic, AuthAPIKey}

// FailFunc reports a problem at a dotted field of casebook.yaml
// ("targets.live.region"); the config places it at its line and column.
type FailFunc func(field, format string, args ...any)

// CheckProfile reports what is wrong with the profile name of targets:.
func CheckProfile(name string, p Profile, fail FailFunc) {
	f := "targets." + name
	if strings.ContainsAny(name, ", ") {
		fail(f, "a target name cannot hold a comma or a space (--target takes a comma list)")
	}
	if !slices.Contains(kinds, p.Kind) {
		fail(f+".kind", "want one of %s, got %q%s", strings.Join(kinds, ", "), p.Kind, suggest.Hint(p.Kind, kinds))
		return
	}
	switch p.Kind {
	case KindMock:
		if p.BaseURL != "" || p.Region != "" || p.TokenURL != "" {
			fail(f, "a mock target takes no region, baseURL or tokenURL")
		}
		return
	case KindGenesys:
		switch {
		case p.Region != "" && (p.BaseURL != "" || p.TokenURL != ""):
			fail(f, "give region, or baseURL and tokenURL, not both")
		case p.Region == "" && p.BaseURL == "":
			fail(f, "a genesys target needs region (e.g. mypurecloud.ie) or baseURL and tokenURL")
		case p.Region != "" && !slices.Contains(GenesysRegions, p.Region):
			fail(f+".region", "unknown Genesys Cloud region %q%s (known: %s)", p.Region, suggest.Hint(p.Region, GenesysRegions), strings.Join(GenesysRegions, ", "))
		}
	default:
		if p.Region != "" {
			fail(f+".region", "only a genesys target takes a region")
		}
		if p.BaseURL == "" {
			fail(f+".baseURL", "a %s target needs a baseURL", p.Kind)
		}
		if p.Kind == KindURL && p.TokenURL != "" {
			fail(f+".tokenURL", "a url target sends no credentials; use kind: live for an API with a token endpoint")
		}
	}
	for _, u := range []struct{ field, v string }{{"baseURL", p.BaseURL}, {"tokenURL", p.TokenURL}} {
		if u.v != "" {
			if err := checkURL(u.v); err != "" {
				fail(f+"."+u.field, "%s", err)
			}
		}
	}
}

// checkURL accepts an absolute http(s) URL without credentials, query or
// fragment. The message never repeats the URL: a pasted one may hold a secret.
func checkURL(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "not a URL"
	case u.Scheme != "http" && u.Scheme != "https":
		return "want an http:// or https:// URL"
	case u.Host == "":
		return "the URL has no host"
	case u.User != nil:
		return "the URL holds credentials; name them under credentials: instead"
	case u.RawQuery != "" || u.Fragment != "":
		return "the URL may not have a query or fragment"
	}
	return ""
}

// CheckCredential reports what is wrong with the credential at field f.
func CheckCredential(f string, cr Credential, fail FailFunc) {
	if !slices.Contains(authKinds, cr.Kind) {
		fail(f+".kind", "want one of %s, got %q%s", strings.Join(authKinds, ", "), cr.Kind, suggest.Hint(cr.Kind, authKinds))
		return
	}
	envs := map[string]string{
		"clientIdEnv": cr.ClientIDEnv, "clientSecretEnv": cr.ClientSecretEnv, "tokenEnv": cr.TokenEnv,
		"usernameEnv": cr.UsernameEnv, "passwordEnv": cr.PasswordEnv, "keyEnv": cr.KeyEnv,
	}
	for _, k := range slices.Sorted(maps.Keys(envs)) {
		if v := envs[k]; v != "" && !casefile.VarName.MatchString(v) {
			// Never echo the value: someone may have pasted the secret itself.
			fail(f+"."+k, "want the name of an environment variable (letters, digits, _), not a value")
		}
	}
	used := usedFields(cr)
	allowed := map[string][]string{
		AuthOAuth2: {"clientId", "clientIdEnv", "clientSecretEnv", "scopes", "tokenURL"},
		AuthBearer: {"tokenEnv"},
		AuthBasic:  {"username", "usernameEnv", "passwordEnv"},
		AuthAPIKey: {"header", "keyEnv"},
	}[cr.Kind]
	for _, u := range used {
		if !slices.Contains(allowed, u) {
			fail(f+"."+u, "a %s credential takes %s, not %s", cr.Kind, strings.Join(allowed, ", "), u)
		}
	}
	need := func(field string, ok bool, what string) {
		if !ok {
			fail(f+"."+field, "a %s credential needs %s", cr.Kind, what)
		}
	}
	switch cr.Kind {
	case AuthOAuth2:
		need("clientIdEnv", (cr.ClientID == "") != (cr.ClientIDEnv == ""), "one of clientId or clientIdEnv")
		need("clientSecretEnv", cr.ClientSecretEnv != "", "clientSecretEnv")
		if cr.TokenURL != "" {
			if err := checkURL(cr.TokenURL); err != "" {
				fail(f+".tokenURL", "%s", err)
			}
		}
	case AuthBearer:
		need("tokenEnv", cr.TokenEnv != "", "tokenEnv")
	case AuthBasic:
		need("usernameEnv", (cr.Username == "") != (cr.UsernameEnv == ""), "one of username or usernameEnv")
		need("passwordEnv", cr.PasswordEnv != "", "passwordEnv")
	case AuthAPIKey:
		need("keyEnv", cr.KeyEnv != "", "keyEnv")
	}
}

func usedFields(cr Credential) []string {
	var out []string
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"clientId", cr.ClientID != ""}, {"clientIdEnv", cr.ClientIDEnv != ""}, {"clientSecretEnv", cr.ClientSecretEnv != ""},
		{"scopes", len(cr.Scopes) > 0}, {"tokenURL", cr.TokenURL != ""}, {"tokenEnv", cr.TokenEnv != ""},
		{"username", cr.Username != ""}, {"usernameEnv", cr.UsernameEnv != ""}, {"passwordEnv", cr.PasswordEnv != ""},
		{"header", cr.Header != ""}, {"keyEnv", cr.KeyEnv != ""},
	} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

// Live reports whether the profile is a real API, sent to with credentials.
func (p Profile) Live() bool { return p.Kind == KindLive || p.Kind == KindGenesys }

// FromProfile builds the target of profile name. A live profile is built
// with live's credentials, secrets and say over plain http, its own URLs
// (a genesys region's https://api.<region> and https://login.<region>) and
// hosts filled in.
func FromProfile(name string, p Profile, live LiveConfig) (Target, error) {
	switch p.Kind {
	case KindMock:
		return NewMockTarget(), nil
	case KindURL:
		return NewURLTarget(p.BaseURL)
	}
	live.Name, live.BaseURL, live.TokenURL, live.Hosts = name, p.BaseURL, p.TokenURL, p.Hosts
	if p.Region != "" {
		live.BaseURL, live.TokenURL = "https://api."+p.Region, "https://login."+p.Region+"/oauth/token"
	}
	live.AllowHTTP = live.AllowHTTP || p.AllowHTTP
	return NewLiveTarget(live)
}
