package mockserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/casebook-dev/casebook/internal/lint"
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
	Faults *Faults
}

// Server is a mock of the API a spec describes, answering as its vendor
// does. Configure it with New, then Start it (or mount Handler yourself).
type Server struct {
	spec        *spec.Spec
	overlay     *Overlay
	envelope    spec.Envelope
	codes       *codebook
	policies    map[*spec.Operation]*opPolicy
	scopePolicy scopePolicy
	tokens      *tokenStore
	tokenPath   string
	clients     map[string]*Client // by name
	clientsByID map[string]*Client
	log         *slog.Logger
	maxBody     int64
	cfg         Config

	mu       sync.Mutex
	srv      *http.Server
	listener net.Listener

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
		clients: map[string]*Client{}, clientsByID: map[string]*Client{},
		log: cfg.Logger, maxBody: cfg.MaxBodyBytes, tokenPath: o.Auth.TokenPath,
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
	if s.tokenPath == "" {
		s.tokenPath = "/oauth/token"
	}
	life := time.Duration(o.Auth.TokenLifetime)
	if life <= 0 {
		life = time.Hour
	}
	s.tokens = newTokenStore(life)
	s.addClients(o.Clients)
	return s, nil
}

func (s *Server) addClients(cs []Client) {
	for i := range cs {
		c := &cs[i]
		s.clients[c.Name] = c
		if c.ID != "" {
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

// Client returns the credentials of the overlay client with this name, so
// a test or the runner can do a real client-credentials exchange.
func (s *Server) Client(name string) (id, secret string, ok bool) {
	c := s.clients[name]
	if c == nil {
		return "", "", false
	}
	return c.ID, c.Secret, true
}

// ClientNames lists the overlay's client names, sorted.
func (s *Server) ClientNames() []string {
	names := make([]string, 0, len(s.clients))
	for n := range s.clients {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
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
	s.listener = ln
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
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

// URL is the base URL of a started server, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listener == nil {
		return ""
	}
	return "http://" + s.listener.Addr().String()
}

// TokenURL is where the client-credentials token endpoint listens.
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

// Shutdown is Close with the caller's deadline.
func (s *Server) Shutdown(ctx context.Context) error {
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

// ServeHTTP answers one request: token endpoint, routing (404, 405), body
// limit (413), credentials (401, 403, 400 not.a.user), validation (400,
// 415), business rules, fixtures, then the success answer.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w}
	defer s.recoverPanic(rec, r)
	s.serve(rec, r)
	s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "code", rec.code,
		"duration", time.Since(start).Round(time.Microsecond))
}

func (s *Server) serve(w *statusRecorder, r *http.Request) {
	if s.injectFault(w, r) {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		s.bodyError(w, err)
		return
	}
	if r.URL.Path == s.tokenPath {
		s.serveToken(w, r, body)
		return
	}
	m, err := s.spec.Find(r.Method, r.URL.EscapedPath())
	if err != nil {
		s.routeError(w, err)
		return
	}
	if s.testHook != nil {
		s.testHook(r)
	}
	s.answer(w, r, m, body)
}

func (s *Server) bodyError(w *statusRecorder, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		s.fail(w, nil, &apiError{Status: http.StatusRequestEntityTooLarge, Code: codeTooLarge, Params: []string{fmt.Sprint(mbe.Limit)}})
		return
	}
	s.fail(w, nil, &apiError{Status: http.StatusBadRequest, Code: codeBadRequest, Message: "The request body could not be read."})
}

func (s *Server) routeError(w *statusRecorder, err error) {
	var re *spec.RouteError
	if errors.As(err, &re) && re.MethodNotAllowed() {
		allow := joinComma(re.Allowed)
		s.fail(w, nil, &apiError{Status: http.StatusMethodNotAllowed, Code: codeMethodNotAllowed, Params: []string{allow},
			Header: http.Header{"Allow": {allow}}})
		return
	}
	s.fail(w, nil, &apiError{Status: http.StatusNotFound, Code: codeNotFound})
}

// answer runs the checks that need the operation.
func (s *Server) answer(w *statusRecorder, r *http.Request, m *spec.Match, body []byte) {
	pol := s.policies[m.Operation]
	g, aerr := s.authorize(r, m, pol)
	if aerr != nil {
		s.fail(w, m.Operation, aerr)
		return
	}
	if verr := s.validate(r, m, body); verr != nil {
		s.fail(w, m.Operation, verr)
		return
	}
	ex := &exchange{r: r, match: m, body: body, grant: g}
	if rule := s.matchRule(ex, pol.rules); rule != nil {
		t := rule.Then
		s.fail(w, m.Operation, &apiError{Status: t.Status, Code: t.Code, Message: t.Message, Params: t.Params})
		return
	}
	if pol.serve != nil {
		s.serveFixture(w, ex, pol.serve)
		return
	}
	s.success(w, r, m, body)
}

// validate lints the request exactly as `casebook lint` does; only error
// findings fail it. A Content-Type the operation does not take is 415.
func (s *Server) validate(r *http.Request, m *spec.Match, body []byte) *apiError {
	var errs []lint.Finding
	for _, f := range lint.CheckHTTP(r.Context(), s.spec, m, r, body, lint.Options{SkipSecurity: true}) {
		if f.Severity == lint.Error {
			errs = append(errs, f)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	for _, f := range errs {
		if f.Rule == lint.RuleContentType {
			return &apiError{Status: http.StatusUnsupportedMediaType, Code: codeUnsupportedMedia, Findings: errs}
		}
	}
	e := &apiError{Status: http.StatusBadRequest, Code: codeBadRequest, Findings: errs}
	if len(errs) == 1 && errs[0].Rule == lint.RuleSyntax {
		// The message carries the line and column of the JSON error.
		e.Message = errs[0].Message
	}
	return e
}

func (s *Server) success(w *statusRecorder, r *http.Request, m *spec.Match, body []byte) {
	status, resp := successResponse(m.Operation)
	ct, v, ok := successBody(resp, requestSeed(m.Method, r.URL.EscapedPath(), r.URL.RawQuery, body))
	if !ok || status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, ct, status, v)
}

func (s *Server) fail(w *statusRecorder, op *spec.Operation, e *apiError) {
	w.code = e.Code
	s.writeError(w, op, e)
}

// recoverPanic turns a panic in a handler into a 500 in the envelope and
// one log line; the server keeps serving.
func (s *Server) recoverPanic(w *statusRecorder, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	s.log.Error("panic while answering", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v))
	if !w.wrote {
		s.fail(w, nil, &apiError{Status: http.StatusInternalServerError, Code: codeInternal})
	}
}

// statusRecorder remembers the status and code for the request log line.
type statusRecorder struct {
	http.ResponseWriter
	status int
	code   string
	wrote  bool
}

func (r *statusRecorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(b)
}

func joinComma(ss []string) string {
	out := ""
	for i, s := range sortedStrings(ss) {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}
