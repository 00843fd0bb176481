package target

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/curl"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/internal/suggest"
	"github.com/casebook-dev/casebook/internal/wsfault"
	"github.com/casebook-dev/casebook/mockserver"
)

// MockTarget is the built-in mock: one loopback server per spec, started on
// first use with the spec's overlay (rules, fixtures, OAuth clients). A
// case's auth: names an overlay client; MockTarget exchanges its client
// credentials (or, for an access-key user, its username and password by the
// password grant) at the mock's token endpoint, as a service would.
//
// Requests reach a mock in memory (memListener): the same HTTP exchange
// with the same server, without a loopback socket, and so do the
// notification channels' WebSockets (ChannelClient). A case whose session
// injects faults, a channel with WebSocket faults, and every case of a
// mock whose overlay has faults (its own or its channels'), go over
// loopback TCP: a reset fault resets a TCP connection.
type MockTarget struct {
	mu       sync.Mutex
	servers  map[*spec.Spec]*mockserver.Server
	memories map[string]*memListener // by the mock's address: the mocks reached in memory
	loopback bool                    // every request over loopback TCP (NewLoopbackMockTarget)
	tokens   tokenCache
	client   *http.Client
	channels *http.Client // client with a timeout, for the channels' WebSocket handshakes
}

// NewMockTarget returns a target that starts mocks as specs need them.
func NewMockTarget() *MockTarget {
	m := &MockTarget{
		servers:  map[*spec.Spec]*mockserver.Server{},
		memories: map[string]*memListener{},
		tokens:   tokenCache{m: map[string]*cachedToken{}},
	}
	mem := newMockTransport()
	mem.DialContext = m.dial
	// No Timeout: a Sender sends every request under its own timeout per
	// attempt (its token requests too), and http.Client bounds a request
	// to a RoundTripper it does not know with a timer and a goroutine of
	// its own, on every request. A WebSocket handshake has no Sender.
	m.client = &http.Client{Transport: sessionTransport{mockTransport{mem: mem, wire: newMockTransport()}}}
	m.channels = &http.Client{Timeout: 30 * time.Second, Transport: m.client.Transport}
	return m
}

// NewLoopbackMockTarget is NewMockTarget sending every request over
// loopback TCP, as casebook did before it reached its mocks in memory:
// what the in-memory exchange is held to (TestMockInMemoryParity).
func NewLoopbackMockTarget() *MockTarget {
	m := NewMockTarget()
	m.loopback = true
	return m
}

func newMockTransport() *http.Transport {
	return &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: mockserver.IdleTimeout / 2}
}

// dial connects to the mock at addr in memory, or over TCP when it is
// not reached in memory.
func (m *MockTarget) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	m.mu.Lock()
	l := m.memories[addr]
	m.mu.Unlock()
	if l == nil {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	return l.dial(ctx)
}

// wireKey marks a request that must go over loopback TCP: its session
// injects faults.
type wireKey struct{}

// mockTransport sends a request marked wireKey over TCP (wire), any
// other through mem, whose dial reaches a mock in memory. Two transports,
// so that a connection pooled for one kind never carries the other.
type mockTransport struct{ mem, wire *http.Transport }

func (t mockTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if wire, _ := req.Context().Value(wireKey{}).(bool); wire {
		return t.wire.RoundTrip(req)
	}
	return t.mem.RoundTrip(req)
}

func (t mockTransport) CloseIdleConnections() {
	t.mem.CloseIdleConnections()
	t.wire.CloseIdleConnections()
}

// OpenSession opens a mock session for one case: a fresh state unless
// the case says mock.state: shared (the shared one) or off (answers from
// the spec alone), the case's faults, and the scope of its notification
// channel's events. The requests sent under the returned context belong
// to the session; done ends it.
func (m *MockTarget) OpenSession(ctx context.Context, s *spec.Spec, mock casefile.Mock) (_ context.Context, done func(), _ error) {
	shared, off := mock.State == casefile.StateShared, mock.State == casefile.StateOff
	srv, err := m.server(s)
	if err != nil {
		return ctx, nil, err
	}
	id := srv.OpenSession(mockserver.SessionOptions{SharedState: shared, Stateless: off, Faults: mock.Faults})
	ctx = context.WithValue(ctx, sessionKey{}, id)
	if len(mock.Faults) > 0 {
		ctx = context.WithValue(ctx, wireKey{}, true)
	}
	return ctx, func() { srv.CloseSession(id) }, nil
}

type sessionKey struct{}

// statelessKey marks a session a URL target asks a standalone mock to
// answer from the spec alone (mockserver.SessionStateHeader).
type statelessKey struct{}

// sessionTransport sends the mock session a request's context names as
// the mock's session header. It is the target's business, not the case's,
// so reports do not show it.
type sessionTransport struct{ base http.RoundTripper }

func (t sessionTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if id, ok := req.Context().Value(sessionKey{}).(string); ok {
		off, _ := req.Context().Value(statelessKey{}).(bool)
		req = withSession(req, id, off)
	}
	return t.base.RoundTrip(req)
}

// withSession is req with the session headers added, req itself left as
// it is (a RoundTripper must not modify its request, and reports read it):
// a shallow copy with a header map of its own, sharing req's value
// slices, which neither side modifies. A deep copy (req.Clone) copied
// every header's values and the URL on every request.
func withSession(req *http.Request, id string, off bool) *http.Request {
	h := make(http.Header, len(req.Header)+2)
	for k, vs := range req.Header {
		h[k] = vs
	}
	h[mockserver.SessionHeader] = []string{id}
	if off {
		h[mockserver.SessionStateHeader] = []string{"off"}
	}
	r := *req
	r.Header = h
	return &r
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the transport.
func (t sessionTransport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func (m *MockTarget) Name() string         { return "mock" }
func (m *MockTarget) Client() *http.Client { return m.client }

// MockOverlay is the overlay file the built-in mock reads for a spec
// (mockserver.OverlayFor), whether it exists or not: one of a run's inputs.
func MockOverlay(specPath string) string { return mockserver.OverlayPathFor(specPath) }

func (m *MockTarget) server(s *spec.Spec) (*mockserver.Server, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if srv := m.servers[s]; srv != nil {
		return srv, nil
	}
	ov, err := mockserver.OverlayFor(s.Path)
	if err != nil {
		return nil, err
	}
	srv, err := mockserver.New(mockserver.Config{Spec: s, Overlay: ov})
	if err != nil {
		return nil, err
	}
	if err := srv.Start(); err != nil {
		return nil, err
	}
	if !m.loopback && !hasFaults(srv.Overlay()) {
		if err := m.serveInMemory(srv); err != nil {
			_ = srv.Close()
			return nil, err
		}
	}
	m.servers[s] = srv
	return srv, nil
}

// hasFaults reports whether an overlay injects faults: HTTP ones, or
// WebSocket ones into every notification channel.
func hasFaults(o *mockserver.Overlay) bool {
	return o != nil && (len(o.Faults) > 0 || o.Notifications != nil && !o.Notifications.Faults.IsZero())
}

// serveInMemory has srv serve a memListener too, for dial to find by
// srv's address. m.mu is held.
func (m *MockTarget) serveInMemory(srv *mockserver.Server) error {
	u, err := url.Parse(srv.URL())
	if err != nil {
		return err
	}
	addr, err := net.ResolveTCPAddr("tcp", u.Host)
	if err != nil {
		return err
	}
	l := newMemListener(addr)
	if err := srv.Serve(l); err != nil {
		return err
	}
	m.memories[u.Host] = l
	return nil
}

func (m *MockTarget) BaseURL(ctx context.Context, s *spec.Spec) (string, error) {
	srv, err := m.server(s)
	if err != nil {
		return "", err
	}
	return srv.URL(), nil
}

// Authorize adds the credentials of the overlay client named auth in the
// form the operation takes (mockserver.PresentationFor): its id and secret
// as HTTP Basic, or a token from the mock's token endpoint as a Bearer
// token or an API key. "" and "none" send no credentials.
func (m *MockTarget) Authorize(ctx context.Context, req *http.Request, s *spec.Spec, auth string) error {
	if noAuth(auth) {
		return nil
	}
	srv, err := m.server(s)
	if err != nil {
		return err
	}
	c := srv.Overlay().Client(auth)
	if c == nil {
		return unknownClient(srv.Overlay(), auth, fmt.Sprintf("the mock's overlay for %s (%s)", s.Path, srv.Overlay().File), "")
	}
	return overlayAuthorize(ctx, &m.tokens, m.client, c, srv.TokenURL(), srv.PresentationFor(req.Method, req.URL.EscapedPath()), req)
}

// overlayAuthorize presents the overlay client c's credentials in the form
// the operation takes (how): its id and secret as HTTP Basic, or a token
// fetched (once, then from the cache) at tokenURL, as a service would
// (client credentials, or for an access-key user, NICE CXone, the password
// grant with the application's credentials, when the overlay gives them,
// as Basic), sent as a Bearer token or as an API key.
func overlayAuthorize(ctx context.Context, tokens *tokenCache, hc *http.Client, c *mockserver.Client, tokenURL string, how mockserver.Presentation, req *http.Request) error {
	if !how.NeedsToken() {
		how.Present(req, c.ID, c.Secret, "")
		return nil
	}
	tok, err := tokens.forClient(c, tokenURL).tokenFor(ctx, hc, c.Name, tokenURL)
	if err != nil {
		return err
	}
	how.Present(req, c.ID, c.Secret, tok.AccessToken)
	return nil
}

// forClient is the token of the overlay client c at tokenURL: the entry
// get or getPassword keeps for it, found by c and tokenURL after the first
// time (an overlay's clients do not change), without building its key (a
// hash of the secret, the key's string) on every request.
func (t *tokenCache) forClient(c *mockserver.Client, tokenURL string) *cachedToken {
	k := overlayClient{c, tokenURL}
	t.mu.Lock()
	src := t.clients[k]
	t.mu.Unlock()
	if src != nil {
		return src
	}
	if c.GrantsPassword() {
		cfg := &oauth2.Config{ClientID: c.ID, ClientSecret: c.Secret,
			Endpoint: oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInHeader}}
		src = t.getPassword(cfg, c.Username, c.Password)
	} else {
		src = t.get(&clientcredentials.Config{ClientID: c.ID, ClientSecret: c.Secret, TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInHeader})
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.clients == nil {
		t.clients = map[overlayClient]*cachedToken{}
	}
	t.clients[k] = src
	return src
}

// overlayClient names an overlay client's token: the client, and the
// token URL it is fetched from.
type overlayClient struct {
	c   *mockserver.Client
	url string
}

// unknownClient is the error for an auth: that names no client of ov:
// where says whose overlay it is, hint what to do.
func unknownClient(ov *mockserver.Overlay, auth, where, hint string) error {
	names := slices.Sorted(slices.Values(ov.ClientNames()))
	return &AuthError{Auth: auth, Msg: fmt.Sprintf("%s defines no client %q%s; its clients: %s%s",
		where, auth, suggest.Hint(auth, names), strings.Join(names, ", "), hint)}
}

// CurlAuth is the overlay client auth names, as the operation takes it
// (see OverlayCurlAuth).
func (m *MockTarget) CurlAuth(s *spec.Spec, method, path, auth string) (curl.Auth, error) {
	return OverlayCurlAuth(s, method, path, auth, fmt.Sprintf("the mock overlay's client %q (from its /oauth/token)", auth)), nil
}

// ChannelHeaders gives a case's notification channel its WebSocket
// faults (on the creation request). The channel and the case's request
// need no header of their own to meet: both go out under the case's mock
// session (OpenSession), whose header the target's transport adds, so the
// events the request causes reach only this case's channel when cases run
// at once.
func (m *MockTarget) ChannelHeaders(faults wsfault.Faults) (create, request http.Header) {
	if faults.IsZero() {
		return nil, nil
	}
	return http.Header{mockserver.WSFaultHeader: {faults.String()}}, nil
}

// ChannelClient is the client a notification channel's WebSocket
// handshake goes through: the target's transport, which reaches a mock
// in memory as it does for requests (and over loopback TCP under a
// session with faults), so the upgrade and the frames travel as the
// requests do; the handshake bounded to 30 s.
// A channel with WebSocket faults gets nil, http.DefaultClient over
// loopback TCP: a reset-after fault resets a TCP connection.
func (m *MockTarget) ChannelClient(faults wsfault.Faults) *http.Client {
	if !faults.IsZero() {
		return nil
	}
	return m.channels
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
	m.memories = map[string]*memListener{}
	return errors.Join(errs...)
}
