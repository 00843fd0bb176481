package mockserver

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/casebook-dev/casebook/internal/spec"
)

const (
	genesysSpec = "../specs/genesys-cloud/openapi.yaml"
	pcSpec      = "../specs/personal-connection.yaml"
	realSwagger = "../../shared/specs-real/genesys-cloud-2018-03-swagger.json"
)

var (
	specMu    sync.Mutex
	specCache = map[string]*spec.Spec{}
)

// loadSpec loads a spec once per test binary (the published swagger takes
// half a second).
func loadSpec(t testing.TB, path string) *spec.Spec {
	t.Helper()
	specMu.Lock()
	defer specMu.Unlock()
	if s := specCache[path]; s != nil {
		return s
	}
	s, err := spec.Load(path)
	if err != nil {
		t.Fatalf("spec.Load(%q): %v", path, err)
	}
	specCache[path] = s
	return s
}

// logBuffer collects log lines safely from many goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startMock starts a mock of specPath with its conventional overlay on loopback.
func startMock(t testing.TB, specPath string, mutate ...func(*Config)) (*Server, *logBuffer) {
	t.Helper()
	s := loadSpec(t, specPath)
	ov, err := LoadOverlay(OverlayPathFor(specPath))
	if err != nil {
		t.Fatalf("LoadOverlay: %v", err)
	}
	logs := &logBuffer{}
	cfg := Config{Spec: s, Overlay: ov, Logger: slog.New(slog.NewTextHandler(logs, nil))}
	for _, m := range mutate {
		m(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := srv.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv, logs
}

// tokenFor does a real client-credentials exchange as the named overlay client.
func tokenFor(t testing.TB, srv *Server, name string) string {
	t.Helper()
	id, secret, ok := srv.Client(name)
	if !ok {
		t.Fatalf("Client(%q): no such client", name)
	}
	cc := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: srv.TokenURL(), AuthStyle: oauth2.AuthStyleInHeader}
	tok, err := cc.Token(context.Background())
	if err != nil {
		t.Fatalf("token for %s: %v", name, err)
	}
	return tok.AccessToken
}

type response struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (r response) str(key string) string {
	s, _ := r.body[key].(string)
	return s
}

// send makes one request; contentType "" defaults to JSON when there is a body.
func send(t testing.TB, srv *Server, method, path, token, contentType, body string) response {
	t.Helper()
	return sendHeader(t, srv, method, path, token, contentType, body, nil)
}

// sendHeader is send with more headers.
func sendHeader(t testing.TB, srv *Server, method, path, token, contentType, body string, header http.Header) response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType == "" && body != "" {
		contentType = "application/json"
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return do(t, req)
}

// guardedClient bounds every request a test sends, so a mock that never
// answers fails the test with a message instead of hanging the binary
// until its timeout. A hang guard, not a speed claim.
var guardedClient = &http.Client{Timeout: hangGuard}

// do sends req and reads the whole answer.
func do(t testing.TB, req *http.Request) response {
	t.Helper()
	resp, err := guardedClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	_ = json.Unmarshal(raw, &r.body)
	return r
}
