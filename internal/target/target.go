package runner

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/casebook-dev/casebook/internal/spec"
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
	// Client sends the requests.
	Client() *http.Client
	// Close releases what the target started.
	Close() error
}

// MockTarget is the built-in mock: one loopback server per spec, started on
// first use with the spec's overlay (rules, fixtures, OAuth clients). A
// case's auth: names an overlay client; MockTarget exchanges its client
// credentials at the mock's /oauth/token, as a service would.
type MockTarget struct {
	mu      sync.Mutex
	servers map[*spec.Spec]*mockserver.Server
	tokens  tokenCache
	client  *http.Client
}

// NewMockTarget returns a target that starts mocks as specs need them.
func NewMockTarget() *MockTarget {
	return &MockTarget{
		servers: map[*spec.Spec]*mockserver.Server{},
		tokens:  tokenCache{m: map[string]*cachedToken{}},
		client:  &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}},
	}
}

func (m *MockTarget) Name() string         { return "mock" }
func (m *MockTarget) Client() *http.Client { return m.client }

func (m *MockTarget) server(s *spec.Spec) (*mockserver.Server, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if srv := m.servers[s]; srv != nil {
		return srv, nil
	}
	cfg := mockserver.Config{Spec: s}
	if p := mockserver.OverlayPathFor(s.Path); p != "" {
		if _, err := os.Stat(p); err == nil {
			ov, err := mockserver.LoadOverlay(p)
			if err != nil {
				return nil, err
			}
			cfg.Overlay = ov
		}
	}
	srv, err := mockserver.New(cfg)
	if err != nil {
		return nil, err
	}
	if err := srv.Start(); err != nil {
		return nil, err
	}
	m.servers[s] = srv
	return srv, nil
}

func (m *MockTarget) BaseURL(ctx context.Context, s *spec.Spec) (string, error) {
	srv, err := m.server(s)
	if err != nil {
		return "", err
	}
	return srv.URL(), nil
}

// Authorize fetches (once, then from the cache live targets use too) a
// token for the overlay client named auth. "" and "none" send no credentials.
func (m *MockTarget) Authorize(ctx context.Context, req *http.Request, s *spec.Spec, auth string) error {
	if auth == "" || auth == "none" {
		return nil
	}
	srv, err := m.server(s)
	if err != nil {
		return err
	}
	id, secret, ok := srv.Client(auth)
	if !ok {
		return &AuthError{Auth: auth, Msg: fmt.Sprintf("the mock's overlay for %s defines no client %q", s.Path, auth)}
	}
	cc := &clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: srv.TokenURL(), AuthStyle: oauth2.AuthStyleInHeader}
	tok, err := m.tokens.get(cc).Token(context.WithValue(ctx, oauth2.HTTPClient, m.client))
	if err != nil {
		return &AuthError{Auth: auth, Msg: "token request to " + cc.TokenURL + " failed", Err: tokenError(err)}
	}
	tok.SetAuthHeader(req)
	return nil
}

// Close stops every mock the target started, waiting for in-flight requests.
func (m *MockTarget) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	// Close our side first: a connection the transport dialed but never
	// used is "new" to the server, and http.Server.Shutdown waits 5 s
	// before it counts a new connection as idle.
	m.client.CloseIdleConnections()
	var errs []error
	for _, srv := range m.servers {
		errs = append(errs, srv.Close())
	}
	m.servers = map[*spec.Spec]*mockserver.Server{}
	return errors.Join(errs...)
}

// URLTarget sends to a server casebook did not start.
type URLTarget struct {
	Base   string
	client *http.Client
}

// NewURLTarget targets base, e.g. http://127.0.0.1:8080.
func NewURLTarget(base string) (*URLTarget, error) {
	if !strings.HasPrefix(base, "http://") && !strings.HasPrefix(base, "https://") {
		return nil, &UsageError{Msg: fmt.Sprintf("target %q: want mock or an http:// or https:// base URL", base)}
	}
	return &URLTarget{Base: strings.TrimRight(base, "/"), client: &http.Client{Timeout: 30 * time.Second}}, nil
}

func (u *URLTarget) Name() string                                        { return u.Base }
func (u *URLTarget) Client() *http.Client                                { return u.client }
func (u *URLTarget) BaseURL(context.Context, *spec.Spec) (string, error) { return u.Base, nil }
func (u *URLTarget) Close() error                                        { return nil }

// Authorize cannot know a plain URL's credentials: only auth: none works here.
func (u *URLTarget) Authorize(_ context.Context, _ *http.Request, _ *spec.Spec, auth string) error {
	if auth == "" || auth == "none" {
		return nil
	}
	return &AuthError{Auth: auth, Msg: "a plain URL target has no credentials; use the mock or a live profile"}
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
