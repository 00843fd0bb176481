// Package target is where a case's request goes and how it is authorized:
// the built-in mock (a loopback mockserver per spec, tokens from its
// overlay's clients), any base URL (a standalone casebook mock or a
// stand-in: the same overlay clients, tokens from the target's own token
// path), and a live API named by a profile of casebook.yaml.
//
// The live target is the careful one: OAuth2 client credentials with one
// cached token per client and scope set (fetched under the caller's
// context), bearer, basic and API-key credentials read from the
// environment or a secrets file and never from a case, a host guard under
// the HTTP client that refuses every host the profile does not name,
// redirects that never carry credentials, and every secret it sent
// scrubbed out of the answers.
//
// A Sender sends to any target: at most a rate per second, a timeout per
// attempt, a W3C traceparent, retries with backoff for what may pass (429
// with its Retry-After, 502, 503, 504, a lost connection).
//
// The runner sees a Target and a Sender, nothing of how either works.
package target

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/curl"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/internal/wsfault"
	"github.com/casebook-dev/casebook/mockserver"
)

// Target is where requests go: the built-in mock, a base URL, a live profile.
type Target interface {
	// Name is how reports name the target ("mock", a URL, a profile).
	Name() string
	// BaseURL readies the target for a spec and returns the URL requests
	// are sent to (scheme://host[/prefix]).
	BaseURL(ctx context.Context, s *spec.Spec) (string, error)
	// Authorize adds the credentials a case's auth: names to req.
	Authorize(ctx context.Context, req *http.Request, s *spec.Spec, auth string) error
	// CurlAuth is the credential auth names as shell, for a curl command
	// to the operation method path routes to in s: references to the
	// variables holding it, never its value, presented as the target
	// would send it.
	CurlAuth(s *spec.Spec, method, path, auth string) (curl.Auth, error)
	// Client sends the requests, each under the Sender's timeout per
	// attempt (the client may have no timeout of its own).
	Client() *http.Client
	// Close releases what the target started.
	Close() error
}

// Live is a target that is a real API. The runner guards it: no side
// effects unless allowed, no credentials written into case files.
type Live interface {
	Target
	// CredentialHeader reports whether a header carries credentials to
	// this target: by its name, or as the API key header a credential names.
	CredentialHeader(name string) bool
}

// Channels is a target that fails a case's notification channel on demand
// (the built-in mock): it returns the headers for the channel's creation
// and for the case's request, which carry the channel's faults, and the
// client the channel's WebSocket handshake goes through (nil:
// http.DefaultClient). A target that is also Sessions scopes the channel
// to the case's session.
type Channels interface {
	ChannelHeaders(faults wsfault.Faults) (create, request http.Header)
	ChannelClient(faults wsfault.Faults) *http.Client
}

// Sessions is a target that keeps a state per case (the built-in mock):
// cases running at once never see each other's items, and the mock
// faults a case names hit its requests only.
type Sessions interface {
	Target
	// OpenSession readies a case's session and returns the context its
	// requests are sent under, and the function that ends the session.
	OpenSession(ctx context.Context, s *spec.Spec, mock casefile.Mock) (_ context.Context, done func(), _ error)
}

// Scrubber is a target that blanks the secrets it sent out of an answer:
// what a server echoes must not reach a report.
type Scrubber interface {
	Scrub([]byte) []byte
}

// noAuth reports whether auth asks for no credentials.
func noAuth(auth string) bool { return auth == "" || auth == "none" }

// URLTarget sends to a server casebook did not start: a standalone
// casebook mock, a stand-in, a staging host. A case's auth: names a client
// of the overlay beside the case's spec, as it does for the built-in mock,
// and its token comes from the target's own token path (the overlay's
// auth.tokenPath): what "casebook mock --spec" serves. Those are mock
// clients, never real secrets; a live API takes a profile of casebook.yaml.
type URLTarget struct {
	Base   string
	client *http.Client
	tokens tokenCache

	mu       sync.Mutex
	overlays map[*spec.Spec]*mockserver.Overlay
}

// NewURLTarget targets base, e.g. http://127.0.0.1:8080.
func NewURLTarget(base string) (*URLTarget, error) {
	if !strings.HasPrefix(base, "http://") && !strings.HasPrefix(base, "https://") {
		return nil, &ConfigError{Msg: fmt.Sprintf("target %q: want mock or an http:// or https:// base URL", base)}
	}
	return &URLTarget{
		Base: strings.TrimRight(base, "/"), client: &http.Client{Timeout: 30 * time.Second, Transport: sessionTransport{http.DefaultTransport}},
		tokens: tokenCache{m: map[string]*cachedToken{}}, overlays: map[*spec.Spec]*mockserver.Overlay{},
	}, nil
}

func (u *URLTarget) Name() string                                        { return u.Base }
func (u *URLTarget) Client() *http.Client                                { return u.client }
func (u *URLTarget) BaseURL(context.Context, *spec.Spec) (string, error) { return u.Base, nil }
func (u *URLTarget) Close() error                                        { return nil }

// OpenSession gives a case a state of its own on a standalone casebook
// mock, as the built-in target does: its requests carry a fresh
// Casebook-Session header (mockserver.SessionHeader), which such a mock
// answers from a fresh state seeded from its fixtures (or, for a case that
// says mock.state: off, from the spec alone: SessionStateHeader), and any
// other server ignores. A case that says mock.state: shared sends none:
// the mock's shared state. Mock faults cannot travel in a header: the
// runner skips a case that injects them on this target.
func (u *URLTarget) OpenSession(ctx context.Context, _ *spec.Spec, mock casefile.Mock) (context.Context, func(), error) {
	if mock.State == casefile.StateShared {
		return ctx, func() {}, nil
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	ctx = context.WithValue(ctx, sessionKey{}, "case-"+hex.EncodeToString(b[:]))
	if mock.State == casefile.StateOff {
		ctx = context.WithValue(ctx, statelessKey{}, true)
	}
	return ctx, func() {}, nil
}

// Authorize fetches a token for the overlay client auth names from the
// target's token path. "" and "none" send no credentials.
func (u *URLTarget) Authorize(ctx context.Context, req *http.Request, s *spec.Spec, auth string) error {
	if noAuth(auth) {
		return nil
	}
	ov, err := u.overlay(s)
	if err != nil {
		return &AuthError{Auth: auth, Msg: "reading the overlay beside " + s.Path, Err: err}
	}
	c := ov.Client(auth)
	if c == nil {
		return unknownClient(ov, auth, ov.File,
			" (against a URL, auth: names a client of the overlay beside the case's spec; a live API takes a profile of casebook.yaml)")
	}
	how := mockserver.PresentationIn(s, req.Method, strings.TrimPrefix(req.URL.EscapedPath(), basePath(u.Base)))
	return overlayAuthorize(ctx, &u.tokens, u.client, c, u.Base+ov.TokenPath(), how, req)
}

// overlay is the overlay beside s (the mock's default overlay when there
// is none), read once per spec.
func (u *URLTarget) overlay(s *spec.Spec) (*mockserver.Overlay, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if ov := u.overlays[s]; ov != nil {
		return ov, nil
	}
	ov, err := mockserver.OverlayFor(s.Path)
	if err != nil {
		return nil, err
	}
	if ov == nil {
		ov = mockserver.DefaultOverlay()
	}
	u.overlays[s] = ov
	return ov, nil
}

// CurlAuth is the overlay client auth names, as the operation takes it
// (see OverlayCurlAuth).
func (u *URLTarget) CurlAuth(s *spec.Spec, method, path, auth string) (curl.Auth, error) {
	return OverlayCurlAuth(s, method, path, auth, fmt.Sprintf("the overlay client %q (from %s's token endpoint)", auth, u.Base)), nil
}

// OverlayCurlAuth is the credential of auth as shell, in the form the
// operation method path routes to in s takes (mockserver.PresentationIn),
// as the mock and URL targets send it: HTTP Basic from
// $CASEBOOK_BASIC_<AUTH> (id:secret), else a token from
// $CASEBOOK_TOKEN_<AUTH> as an API key where the scheme is one, else as a
// Bearer token (also without a spec). whose names the credential for the
// note on its variable.
func OverlayCurlAuth(s *spec.Spec, method, path, auth, whose string) curl.Auth {
	if noAuth(auth) {
		return curl.Auth{}
	}
	var how mockserver.Presentation
	if s != nil {
		how = mockserver.PresentationIn(s, method, path)
	}
	switch {
	case how.Basic:
		return curl.BasicFrom(curl.BasicVar(auth), "id:secret of "+whose+", sent as HTTP Basic")
	case how.KeyIn != "":
		return curl.APIKeyIn(how.KeyIn, how.KeyName, curl.TokenVar(auth), fmt.Sprintf("a token of %s, sent as the API key %s (in %s)", whose, how.KeyName, how.KeyIn))
	}
	return curl.Bearer(curl.TokenVar(auth), "a token of "+whose)
}

// AuthError reports credentials that could not be had. It never holds a secret.
type AuthError struct {
	Auth string
	Msg  string
	Err  error
}

func (e *AuthError) Error() string {
	s := fmt.Sprintf("auth %q: %s", e.Auth, e.Msg)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *AuthError) Unwrap() error { return e.Err }

// ConfigError is a target that cannot be built as configured: a bad URL,
// plain http to a live API. It never repeats a URL that may hold a secret.
// Field, when set, is the key of casebook.yaml at fault
// ("targets.live.baseURL"), and Reason what is wrong with it: the config
// places the error at the key's file:line:col.
type ConfigError struct {
	Msg           string
	Field, Reason string
}

func (e *ConfigError) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Reason
	}
	return e.Msg
}

// basePath is the path part of a base URL ("/prefix" of http://host/prefix).
func basePath(base string) string {
	if u, err := url.Parse(base); err == nil {
		return strings.TrimRight(u.Path, "/")
	}
	return ""
}
