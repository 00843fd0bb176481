package runner

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/secret"
	"github.com/casebook-dev/casebook/internal/spec"
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
	if l.base, err = l.allowURL("baseURL", cfg.BaseURL); err != nil {
		return nil, err
	}
	if cfg.TokenURL != "" {
		if _, err := l.allowURL("tokenURL", cfg.TokenURL); err != nil {
			return nil, err
		}
	}
	for _, cr := range cfg.Credentials {
		if cr.TokenURL != "" {
			if _, err := l.allowURL("tokenURL", cr.TokenURL); err != nil {
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

// allowURL parses one of the profile's URLs and allows its host.
func (l *LiveTarget) allowURL(field, raw string) (*url.URL, error) {
	if msg := checkURL(raw); msg != "" {
		return nil, &UsageError{Msg: fmt.Sprintf("target %s: %s: %s", l.cfg.Name, field, msg)}
	}
	u, _ := url.Parse(raw)
	if u.Scheme == "http" && !l.cfg.AllowHTTP {
		return nil, &UsageError{Msg: fmt.Sprintf("target %s: %s is plain http; a live target needs https "+
			"(allowHTTP: true in the profile or --allow-http for a stand-in on loopback)", l.cfg.Name, field)}
	}
	l.hosts[strings.ToLower(u.Host)] = true
	return u, nil
}

func (l *LiveTarget) Name() string         { return l.cfg.Name }
func (l *LiveTarget) Client() *http.Client { return l.client }
func (l *LiveTarget) Close() error         { l.client.CloseIdleConnections(); return nil }

// Live marks the target as a real API: the runner applies the side-effect
// guard and refuses credentials written into case files.
func (l *LiveTarget) Live() bool { return true }

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
			auth, ConfigFile, didYouMean(auth, names), strings.Join(names, ", "))}
	}
	return cr, nil
}

// Authorize adds the credential auth names. "" and "none" add nothing.
func (l *LiveTarget) Authorize(ctx context.Context, req *http.Request, _ *spec.Spec, auth string) error {
	if auth == "" || auth == "none" {
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
	tok, err := l.tokens.get(cc).Token(context.WithValue(ctx, oauth2.HTTPClient, l.client))
	if err != nil {
		return nil, &AuthError{Auth: auth, Msg: "token request to " + tokenURL + " failed", Err: tokenError(err)}
	}
	l.used.add(tok.AccessToken)
	return tok, nil
}

// tokenError keeps what a token endpoint's error says (status, RFC 6749
// error code and description) and drops the raw body x/oauth2 would print.
func tokenError(err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return err
	}
	msg := ""
	if re.Response != nil {
		msg = re.Response.Status
	}
	if re.ErrorCode != "" {
		msg += ": " + re.ErrorCode
	}
	if re.ErrorDescription != "" {
		msg += " (" + re.ErrorDescription + ")"
	}
	return errors.New(strings.TrimPrefix(msg, ": "))
}

// tokenCache holds one token source per token URL, client and scope set,
// shared by every case and credential that names the same client: fetching
// a token per request (or per credential name) is how a run trips the
// vendor's token rate limit (Schemathesis #1775 was this bug).
type tokenCache struct {
	mu sync.Mutex
	m  map[string]*cachedToken
}

func (c *tokenCache) get(cc *clientcredentials.Config) *cachedToken {
	scopes := slices.Clone(cc.Scopes)
	slices.Sort(scopes)
	scopes = slices.Compact(scopes)
	// The secret's hash is in the key too: two credentials naming one client
	// id with different secrets must not share a token that only one of
	// them could get.
	sum := sha256.Sum256([]byte(cc.ClientSecret))
	key := cc.TokenURL + "\x00" + cc.ClientID + "\x00" + hex.EncodeToString(sum[:]) + "\x00" + strings.Join(scopes, " ")
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.m[key]
	if t == nil {
		cc.Scopes = scopes // one spelling of the set, whichever credential asks first
		t = &cachedToken{cc: cc}
		c.m[key] = t
	}
	return t
}

// cachedToken is one client's token, refreshed shortly before it expires.
// Unlike oauth2.ReuseTokenSource it fetches under the caller's context, so
// Ctrl-C and the per-request timeout reach the token request too. One
// fetch at a time: concurrent cases wait for it rather than each fetching.
type cachedToken struct {
	mu      sync.Mutex
	cc      *clientcredentials.Config
	tok     *oauth2.Token
	fetched time.Time
}

// Token returns the cached token or fetches a new one.
func (t *cachedToken) Token(ctx context.Context) (*oauth2.Token, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fresh(time.Now()) {
		return t.tok, nil
	}
	tok, err := t.cc.Token(ctx)
	if err != nil {
		return nil, err
	}
	t.tok, t.fetched = tok, time.Now()
	return tok, nil
}

// fresh: the token has more than a quarter of its life (at most 10s) left.
// x/oauth2's fixed 10s margin would refetch on every request a token that
// lives only seconds.
func (t *cachedToken) fresh(now time.Time) bool {
	if t.tok == nil || t.tok.AccessToken == "" {
		return false
	}
	if t.tok.Expiry.IsZero() {
		return true
	}
	margin := min(10*time.Second, t.tok.Expiry.Sub(t.fetched)/4)
	return now.Add(margin).Before(t.tok.Expiry)
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
		if l.credentialHeader(name) {
			req.Header.Del(name)
		}
	}
	return nil
}

// credentialHeader: a header that carries credentials by its name, or the
// API key header a credential names.
func (l *LiveTarget) credentialHeader(name string) bool {
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

// Secrets are values read from a secrets file (KEY=VALUE lines, # comments).
// Lookup consults the environment first: a variable set for one command
// beats the file.
type Secrets struct {
	File   string
	values map[string]string
}

// LoadSecrets reads a secrets file. A malformed line is an error naming
// file:line and never the line's text.
func LoadSecrets(path string) (*Secrets, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &UsageError{Msg: fmt.Sprintf("secrets file: %v", err)}
	}
	s := &Secrets{File: path, values: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		k = strings.TrimSpace(k)
		if !ok || !envName.MatchString(k) {
			return nil, &UsageError{Msg: fmt.Sprintf("%s:%d: want NAME=value", path, n)}
		}
		s.values[k] = unquote(strings.TrimSpace(v))
	}
	return s, nil
}

func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// Lookup finds a variable in the environment, then the file.
func (s *Secrets) Lookup(name string) (string, bool) {
	if v, ok := os.LookupEnv(name); ok {
		return v, true
	}
	v, ok := s.values[name]
	return v, ok
}

// liveTarget is a target that is a real API. The runner guards it: no
// side effects unless allowed, no credentials from case files.
type liveTarget interface{ Live() bool }

// guard says why a case must not go to a live target: a skip reason for a
// method with side effects (the case is reported skipped, not failed), an
// error for credentials written into the case file.
func (r *Runner) guard(c *casefile.Case) (skip string, err error) {
	lt, ok := r.target.(liveTarget)
	if !ok || !lt.Live() {
		return "", nil
	}
	secret := secret.Name
	if l, ok := r.target.(*LiveTarget); ok {
		secret = l.credentialHeader
	}
	for _, k := range slices.Sorted(maps.Keys(c.Request.Headers)) {
		if secret(k) {
			f := "request.headers." + k
			return "", &casefile.Error{Pos: c.FieldPos(f), Case: c.Name, Field: f,
				Msg: "a case file may not carry credentials to a live target; name a credential with auth: (its secret comes from the environment)"}
		}
	}
	method := strings.ToUpper(c.Request.Method)
	if readOnly(method) || c.SafeForLive || r.opts.AllowSideEffects {
		return "", nil
	}
	return fmt.Sprintf("not sent to live target %s: %s may have side effects (mark the case safeForLive: true, or pass --allow-side-effects)",
		r.target.Name(), method), nil
}

// Scrub replaces every secret the target has sent (client secrets, tokens,
// passwords, keys) with secret.Redacted in b. The runner scrubs answers with it: a
// server that echoes a request's credentials (an echo endpoint, a debug
// header) must not carry them into a report.
func (l *LiveTarget) Scrub(b []byte) []byte { return l.used.scrub(b) }

// secretSet is the secrets a target has used. Values shorter than
// minSecretLen are not scrubbed: blanking every "p" in an answer would
// destroy it, and so short a secret is no secret.
type secretSet struct {
	mu   sync.Mutex
	vals map[string]bool
}

const minSecretLen = 6

func (s *secretSet) add(v string) {
	if len(v) < minSecretLen {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.vals == nil {
		s.vals = map[string]bool{}
	}
	s.vals[v] = true
}

func (s *secretSet) scrub(b []byte) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	for v := range s.vals {
		if bytes.Contains(b, []byte(v)) {
			b = bytes.ReplaceAll(b, []byte(v), []byte(secret.Redacted))
		}
	}
	return b
}
