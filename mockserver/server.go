package mockserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/casebook-dev/casebook/internal/spec"
)

// Config says what to serve and how.
type Config struct {
	// Spec is the API description to serve (required).
	Spec *spec.Spec
	// Overlay adds clients, rules and fixtures; nil serves the spec with
	// DefaultOverlay.
	Overlay *Overlay
	// Addr is where Start listens; "" is 127.0.0.1 on a port the system
	// picks. Loopback unless told otherwise: the mock is for tests, not for
	// a network.
	Addr string
	// Logger gets one line per request (method, path, status, code; never
	// a token, a secret or a body) and one per recovered panic. Nil logs nothing.
	Logger *slog.Logger
	// MaxBodyBytes bounds a request body (default 1 MiB); larger gets 413.
	MaxBodyBytes int64
	// ShutdownTimeout bounds how long Close waits for in-flight requests
	// (default 10s) before it cuts their connections.
	ShutdownTimeout time.Duration
	// Faults, when set, make some answers fail, slow or drop (see Faults).
	// The overlay's faults apply after these.
	Faults *Faults
	// Clock is the mock's time: token expiry and the notification
	// channels' heartbeats, lifetimes and timed faults. Nil is the wall clock.
	Clock Clock
	// Notify adjusts the notification channel that the overlay's
	// notifications: section turns on (an error without one).
	Notify NotifyOptions
	// Seed seeds every generated body and id: the same seed and the same
	// requests give the same answers, byte for byte, in any order. The
	// zero value is a seed like any other, so answers are stable by default.
	Seed uint64
	// Stateless answers every request from the spec alone: nothing a
	// client creates is kept, and an item the path names always exists.
	Stateless bool
}

// Server is a mock of the API a spec describes, answering as its vendor
// does. Configure it with New, then Start it (or mount Handler yourself).
type Server struct {
	spec        *spec.Spec
	overlay     *Overlay
	envelope    spec.Envelope
	skeletons   sync.Map // skeletonKey -> a generated error body (errorSkeleton); nil: none validates
	codes       *codebook
	policies    map[*spec.Operation]*opPolicy
	scopePolicy scopePolicy
	tokens      *tokenStore
	tokenPath   string
	clients     map[string]*Client // by name
	clientsByID map[string]*Client // client-credentials clients
	byUsername  map[string]*Client // password-grant clients
	log         *slog.Logger
	answered    tally
	maxBody     int64
	cfg         Config
	clock       Clock
	notify      *notifier // nil: the overlay turns no notification channel on
	store       *store
	faults      []*Faults // the Config's, then the overlay's

	hooksMu sync.Mutex
	hooks   atomic.Pointer[[]func(Change)]

	mu       sync.Mutex
	srv      *http.Server
	listener net.Listener
	url      string // of listener, built once: the runner asks for it on every request

	// testHook, when set, runs before an answer is chosen (tests use it to panic).
	testHook func(*http.Request)
}

// New checks the overlay against the spec and builds the server. Overlay
// problems are OverlayErrors naming file:line:col.
func New(cfg Config) (*Server, error) {
	if cfg.Spec == nil {
		return nil, errors.New("mockserver: Config.Spec is nil")
	}
	o := cfg.Overlay
	if o == nil {
		o = DefaultOverlay()
	}
	policies, err := compile(cfg.Spec, o)
	if err != nil {
		return nil, err
	}
	s := &Server{
		spec: cfg.Spec, overlay: o, envelope: cfg.Spec.Envelope, codes: newCodebook(cfg.Spec),
		policies: policies, scopePolicy: scopePolicyOf(o), cfg: cfg,
		clients: map[string]*Client{}, clientsByID: map[string]*Client{}, byUsername: map[string]*Client{},
		log: cfg.Logger, maxBody: cfg.MaxBodyBytes, tokenPath: o.TokenPath(),
	}
	if o.Envelope != "" {
		s.envelope = spec.Envelope(o.Envelope)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.maxBody <= 0 {
		s.maxBody = 1 << 20
	}
	life := time.Duration(o.Auth.TokenLifetime)
	if life <= 0 {
		life = time.Hour
	}
	s.clock = cfg.Clock
	if s.clock == nil {
		s.clock = wallClock{}
	}
	s.tokens = newTokenStore(life)
	s.tokens.now = s.clock.Now
	s.addClients(o.Clients)
	if err := s.setUpNotifications(); err != nil {
		return nil, err
	}
	s.store = newStore(cfg.Seed, o.Fixtures)
	if !cfg.Stateless {
		s.store.attach(inferResources(cfg.Spec), policies)
	}
	for _, f := range []*Faults{cfg.Faults, o.faults()} {
		if f != nil {
			s.faults = append(s.faults, f)
		}
	}
	return s, nil
}

// setUpNotifications starts the notification channel when the overlay
// has a notifications: section.
func (s *Server) setUpNotifications() error {
	n := s.overlay.Notifications
	if s.cfg.Notify.Heartbeat < 0 {
		return fmt.Errorf("mockserver: the notification heartbeat must be positive, got %v", s.cfg.Notify.Heartbeat)
	}
	if n == nil {
		if !s.cfg.Notify.isZero() {
			return fmt.Errorf("mockserver: a notification heartbeat or ws faults were given, but the overlay (%s) has no notifications: section", s.overlay.File)
		}
		return nil
	}
	s.notify = newNotifier(newNotifyConfig(n, s.cfg.Notify), s.clock, s.log)
	s.OnChange(s.publishEvents) // events come from the state's changes
	return nil
}

func (s *Server) addClients(cs []Client) {
	for i := range cs {
		c := &cs[i]
		s.clients[c.Name] = c
		switch {
		case c.grantsPassword():
			s.byUsername[c.Username] = c
		case c.ID != "":
			s.clientsByID[c.ID] = c
		}
		if c.Token != "" {
			s.tokens.addStatic(c.Token, c)
		}
	}
}

// DefaultOverlay is what a spec served with no overlay gets: one client,
// id and secret "casebook", holding every scope and permission and acting
// for a user, so any operation of any spec can be called at once. The
// secret is no secret: the mock listens on loopback and serves test data.
func DefaultOverlay() *Overlay {
	return &Overlay{
		File: "(default overlay)",
		Clients: []Client{{
			Name: "default", ID: "casebook", Secret: "casebook",
			Scopes: []string{"*"}, Permissions: []string{"*"}, User: "casebook-user",
		}},
	}
}

// Overlay is the overlay the server enforces.
func (s *Server) Overlay() *Overlay { return s.overlay }

// Client returns the id and secret of the overlay client with this name, so
// a test or the runner can do a real client-credentials exchange (or, for a
// password-grant client, authenticate its application; see PasswordGrant).
func (s *Server) Client(name string) (id, secret string, ok bool) {
	c := s.clients[name]
	if c == nil {
		return "", "", false
	}
	return c.ID, c.Secret, true
}

// PasswordGrant returns the username and password the overlay client with
// this name trades for a token by the password grant (RFC 6749 section
// 4.3); ok is false when the client uses client credentials instead.
func (s *Server) PasswordGrant(name string) (username, password string, ok bool) {
	c := s.clients[name]
	if c == nil || !c.grantsPassword() {
		return "", "", false
	}
	return c.Username, c.Password, true
}

// ClientNames lists the overlay's client names, sorted.
func (s *Server) ClientNames() []string {
	return slices.Sorted(maps.Keys(s.clients))
}

// ClientIDs lists the overlay's client ids (never secrets), sorted by name.
func (s *Server) ClientIDs() map[string]string {
	out := make(map[string]string, len(s.clients))
	for n, c := range s.clients {
		out[n] = c.ID
	}
	return out
}

// Handler is the mock as an http.Handler, for mounting in a test server.
func (s *Server) Handler() http.Handler { return s }

// Start listens on Config.Addr (default 127.0.0.1:0) and serves in the
// background until Close.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return errors.New("mockserver: already started")
	}
	addr := s.cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("mockserver: listen on %s: %w", addr, err)
	}
	s.listener, s.url = ln, "http://"+ln.Addr().String()
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("mock server stopped", "err", err)
		}
	}()
	return nil
}

// Serve serves ln as well as the address Start listens on, with the same
// server (timeouts, shutdown), until Close: a caller's own listener, such
// as the in-memory one through which casebook run's built-in target
// reaches the mock without a socket. The server must be started.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	srv := s.srv
	s.mu.Unlock()
	if srv == nil {
		return errors.New("mockserver: Serve before Start")
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("mock server stopped serving a listener", "err", err)
		}
	}()
	return nil
}

// URL is the base URL of a started server, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// Loopback reports whether the server listens on loopback addresses only
// (false before Start). Whoever reaches the mock can fetch tokens with its
// overlay's clients, whose secrets are published test values.
func (s *Server) Loopback() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listener == nil {
		return false
	}
	a, ok := s.listener.Addr().(*net.TCPAddr)
	return ok && a.IP.IsLoopback()
}

// TokenURL is where the token endpoint listens.
func (s *Server) TokenURL() string { return s.URL() + s.tokenPath }

// Close stops accepting connections and waits for in-flight requests to
// finish (up to Config.ShutdownTimeout), as httptest.Server.Close does.
func (s *Server) Close() error {
	timeout := s.cfg.ShutdownTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return s.Shutdown(ctx)
}

// Shutdown is Close with the caller's deadline. Notification channels'
// WebSockets are closed (1001, going away) first: net/http does not track
// hijacked connections.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.notify != nil {
		s.notify.shutdown(ctx.Done())
	}
	s.mu.Lock()
	srv := s.srv
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	if err := srv.Shutdown(ctx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("mockserver: shutdown: %w", err)
	}
	return nil
}

// Open loads the spec at specPath (its $refs as refs allow) and the
// overlay (overlayPath, else the spec's sibling when it exists) and builds
// the server cfg describes around them: what `casebook mock --spec FILE`
// serves. The spec's problems (rules it breaks that the mock can live
// with) are the caller's to show: Spec().Problems.
func Open(specPath, overlayPath string, refs spec.LoadOptions, cfg Config) (*Server, error) {
	// The collector waits for the load and what New builds on it alike.
	defer spec.PaceGC()()
	s, err := spec.LoadWith(specPath, refs)
	if err != nil {
		return nil, err
	}
	if overlayPath != "" {
		cfg.Overlay, err = LoadOverlay(overlayPath)
	} else {
		cfg.Overlay, err = OverlayFor(specPath)
	}
	if err != nil {
		return nil, err
	}
	cfg.Spec = s
	return New(cfg)
}

// IdleTimeout is how long the mock keeps an idle keep-alive connection
// open. A client that reuses connections should let them go sooner (the
// built-in target: half of it): a request sent on a connection the server
// is closing meanwhile fails with EOF, and net/http retries only
// idempotent ones.
const IdleTimeout = 120 * time.Second

// Spec is the API description the server serves.
func (s *Server) Spec() *spec.Spec { return s.spec }
