package target

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/casebook-dev/casebook/internal/curl"
	"github.com/casebook-dev/casebook/internal/secret"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/internal/suggest"
)

// LiveConfig describes a live target.
type LiveConfig struct {
	// Name is how reports name the target (the profile's name).
	Name string
	// BaseURL is where requests go (https://api.mypurecloud.ie).
	BaseURL string
	// TokenURL is the OAuth2 token endpoint of oauth2 credentials.
	TokenURL string
	// Hosts are further hosts a redirect may lead to.
	Hosts []string
	// AllowHTTP permits plain http (a stand-in on loopback).
	AllowHTTP bool
	// Credentials are what cases' auth: names.
	Credentials map[string]Credential
	// Secrets is looked up after the environment.
	Secrets *Secrets
	// ConfigFile is where the credentials are defined, for errors.
	ConfigFile string
}

// LiveTarget sends to a real API with credentials from the environment. It
// refuses plain http unless allowed, refuses every host that is not the
// base URL's, the token URL's or listed, and never follows a redirect with
// credentials. The runner sends it only the cases that are safe for live
// (see Live).
type LiveTarget struct {
	cfg    LiveConfig
	base   *url.URL
	hosts  map[string]bool
	client *http.Client
	tokens tokenCache
	used   secretSet
}

// NewLiveTarget checks cfg and builds the target. It reads no secret yet:
// a credential's variables are looked up when a case first names it.
func NewLiveTarget(cfg LiveConfig) (*LiveTarget, error) {
	if cfg.Secrets == nil {
		cfg.Secrets = &Secrets{}
	}
	l := &LiveTarget{cfg: cfg, hosts: map[string]bool{}, tokens: tokenCache{m: map[string]*cachedToken{}}}
	var err error
	profile := "targets." + cfg.Name + "."
	if l.base, err = l.allowURL(profile+"baseURL", cfg.BaseURL); err != nil {
		return nil, err
	}
	if cfg.TokenURL != "" {
		if _, err := l.allowURL(profile+"tokenURL", cfg.TokenURL); err != nil {
			return nil, err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.Credentials)) {
		if cr := cfg.Credentials[name]; cr.TokenURL != "" {
			if _, err := l.allowURL("credentials."+name+".tokenURL", cr.TokenURL); err != nil {
				return nil, err
			}
		}
	}
	for _, h := range cfg.Hosts {
		l.hosts[strings.ToLower(h)] = true
	}
	l.client = &http.Client{
		Transport:     &hostGuard{next: http.DefaultTransport, hosts: l.hosts, allowHTTP: cfg.AllowHTTP, target: cfg.Name},
		CheckRedirect: l.checkRedirect,
	}
	return l, nil
}

// allowURL parses one of the profile's URLs (field is its key in
// casebook.yaml) and allows its host.
func (l *LiveTarget) allowURL(field, raw string) (*url.URL, error) {
	if msg := checkURL(raw); msg != "" {
		return nil, &ConfigError{Field: field, Reason: msg}
	}
	u, _ := url.Parse(raw)
	if u.Scheme == "http" && !l.cfg.AllowHTTP {
		return nil, &ConfigError{Field: field, Reason: "plain http; a live target needs https " +
			"(allowHTTP: true in the profile or --allow-http for a stand-in on loopback)"}
	}
	l.hosts[strings.ToLower(u.Host)] = true
	return u, nil
}

func (l *LiveTarget) Name() string         { return l.cfg.Name }
func (l *LiveTarget) Client() *http.Client { return l.client }
func (l *LiveTarget) Close() error         { l.client.CloseIdleConnections(); return nil }

// BaseURL is the profile's base URL, whatever the spec's servers say.
func (l *LiveTarget) BaseURL(context.Context, *spec.Spec) (string, error) {
	return strings.TrimRight(l.base.String(), "/"), nil
}

// credential finds what auth names.
func (l *LiveTarget) credential(auth string) (Credential, error) {
	cr, ok := l.cfg.Credentials[auth]
	if !ok {
		names := slices.Sorted(maps.Keys(l.cfg.Credentials))
		return cr, &AuthError{Auth: auth, Msg: fmt.Sprintf("no credential %q under credentials: in %s%s (known: %s)",
			auth, l.cfg.ConfigFile, suggest.Hint(auth, names), strings.Join(names, ", "))}
	}
	return cr, nil
}

// Authorize adds the credential auth names. "" and "none" add nothing.
func (l *LiveTarget) Authorize(ctx context.Context, req *http.Request, _ *spec.Spec, auth string) error {
	if noAuth(auth) {
		return nil
	}
	cr, err := l.credential(auth)
	if err != nil {
		return err
	}
	switch cr.Kind {
	case AuthOAuth2:
		tok, err := l.token(ctx, auth, cr)
		if err != nil {
			return err
		}
		tok.SetAuthHeader(req)
	case AuthBearer:
		tok, err := l.secret(auth, "tokenEnv", cr.TokenEnv)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	case AuthBasic:
		user, err := l.valueOrEnv(auth, "usernameEnv", cr.Username, cr.UsernameEnv)
		if err != nil {
			return err
		}
		pass, err := l.secret(auth, "passwordEnv", cr.PasswordEnv)
		if err != nil {
			return err
		}
		req.SetBasicAuth(user, pass)
		l.used.add(strings.TrimPrefix(req.Header.Get("Authorization"), "Basic "))
	case AuthAPIKey:
		key, err := l.secret(auth, "keyEnv", cr.KeyEnv)
		if err != nil {
			return err
		}
		req.Header.Set(apiKeyHeader(cr), key)
	default:
		return &AuthError{Auth: auth, Msg: fmt.Sprintf("unknown credential kind %q", cr.Kind)}
	}
	return nil
}

func apiKeyHeader(cr Credential) string {
	if cr.Header != "" {
		return cr.Header
	}
	return "X-Api-Key"
}

// secret looks a credential's variable up. The error names the variable,
// never a value.
func (l *LiveTarget) secret(auth, field, name string) (string, error) {
	if v, ok := l.cfg.Secrets.Lookup(name); ok && v != "" {
		l.used.add(v)
		return v, nil
	}
	where := "the environment"
	if l.cfg.Secrets.File != "" {
		where += " or " + l.cfg.Secrets.File
	}
	return "", &AuthError{Auth: auth, Msg: fmt.Sprintf("%s names $%s, which is not set in %s", field, name, where)}
}

func (l *LiveTarget) valueOrEnv(auth, field, value, env string) (string, error) {
	if value != "" {
		return value, nil
	}
	return l.secret(auth, field, env)
}

// token returns the cached token of the credential's client and scope set,
// fetching one when there is none or it is about to expire.
func (l *LiveTarget) token(ctx context.Context, auth string, cr Credential) (*oauth2.Token, error) {
	id, err := l.valueOrEnv(auth, "clientIdEnv", cr.ClientID, cr.ClientIDEnv)
	if err != nil {
		return nil, err
	}
	secret, err := l.secret(auth, "clientSecretEnv", cr.ClientSecretEnv)
	if err != nil {
		return nil, err
	}
	tokenURL := cmp.Or(cr.TokenURL, l.cfg.TokenURL)
	if tokenURL == "" {
		return nil, &AuthError{Auth: auth, Msg: fmt.Sprintf("target %s has no tokenURL for oauth2 credentials", l.cfg.Name)}
	}
	cc := &clientcredentials.Config{
		ClientID: id, ClientSecret: secret, TokenURL: tokenURL,
		Scopes: cr.Scopes, AuthStyle: oauth2.AuthStyleInHeader,
	}
	tok, err := l.tokens.get(cc).tokenFor(ctx, l.client, auth, tokenURL)
	if err != nil {
		return nil, err
	}
	l.used.add(tok.AccessToken)
	return tok, nil
}

// hostGuard refuses requests to hosts the profile does not name, and plain
// http unless allowed. It sits under the client, so redirects and token
// requests pass it too.
type hostGuard struct {
	next      http.RoundTripper
	hosts     map[string]bool
	allowHTTP bool
	target    string
}

func (g *hostGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if !g.hosts[strings.ToLower(req.URL.Host)] {
		return nil, &HostError{Target: g.target, Host: req.URL.Host}
	}
	if req.URL.Scheme != "https" && !g.allowHTTP {
		return nil, &HostError{Target: g.target, Host: req.URL.Host, Plain: true}
	}
	return g.next.RoundTrip(req)
}

// HostError is a request the live target refused to send.
type HostError struct {
	Target, Host string
	Plain        bool
}

func (e *HostError) Error() string {
	if e.Plain {
		return fmt.Sprintf("target %s: refusing plain http to %s (allow it with allowHTTP: true or --allow-http)", e.Target, e.Host)
	}
	return fmt.Sprintf("target %s: refusing to send to %s, a host the profile does not name (add it under hosts:)", e.Target, e.Host)
}

// checkRedirect follows a redirect only to the profile's hosts, and never
// with credentials: Go keeps Authorization on a same-host redirect, and a
// token must go only where the case sent it.
func (l *LiveTarget) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if !l.hosts[strings.ToLower(req.URL.Host)] {
		return &HostError{Target: l.cfg.Name, Host: req.URL.Host}
	}
	for name := range req.Header {
		if l.CredentialHeader(name) {
			req.Header.Del(name)
		}
	}
	return nil
}

// CredentialHeader reports whether a header carries credentials: by its
// name, or as the API key header a credential names.
func (l *LiveTarget) CredentialHeader(name string) bool {
	if secret.Name(name) {
		return true
	}
	for _, cr := range l.cfg.Credentials {
		if cr.Kind == AuthAPIKey && strings.EqualFold(apiKeyHeader(cr), name) {
			return true
		}
	}
	return false
}

// CurlAuth shows a credential as shell: the variables casebook.yaml names
// for it, never their values; an OAuth2 token is fetched first.
func (l *LiveTarget) CurlAuth(_ *spec.Spec, _, _, auth string) (curl.Auth, error) {
	if noAuth(auth) {
		return curl.Auth{}, nil
	}
	cr, err := l.credential(auth)
	if err != nil {
		return curl.Auth{}, err
	}
	switch cr.Kind {
	case AuthOAuth2:
		return curl.ClientCredentials(auth, cr.ClientID, cr.ClientIDEnv, cr.ClientSecretEnv, cr.Scopes, cmp.Or(cr.TokenURL, l.cfg.TokenURL)), nil
	case AuthBearer:
		return curl.Bearer(cr.TokenEnv, ""), nil
	case AuthBasic:
		return curl.Basic(cr.Username, cr.UsernameEnv, cr.PasswordEnv), nil
	case AuthAPIKey:
		return curl.APIKey(apiKeyHeader(cr), cr.KeyEnv), nil
	}
	return curl.Auth{}, &AuthError{Auth: auth, Msg: fmt.Sprintf("unknown credential kind %q", cr.Kind)}
}
