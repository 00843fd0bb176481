package mockserver

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// FuzzServeHTTP sends arbitrary methods, paths, content types, credentials
// and bodies. Whatever comes in, the mock must not panic (a recovered panic
// is logged, and the log is checked) and every 4xx or 5xx must be a
// well-formed envelope whose status matches the answer's.
func FuzzServeHTTP(f *testing.F) {
	seeds := []struct {
		method, path, ct string
		auth             uint8
		body             string
	}{
		{"POST", "/api/v2/conversations/calls", "application/json", 1, `{"phoneNumber": "+13175550123"}`},
		{"POST", "/api/v2/conversations/calls", "application/json", 2, `{"phoneNumber": "+1", "callUserId": "u"}`},
		{"POST", "/api/v2/conversations/calls", "application/json", 1, "{\n\"phoneNumber\": }"},
		{"POST", "/api/v2/conversations/calls", "text/plain", 1, `x`},
		{"GET", "/api/v2/outbound/campaigns/campaign-predictive", "", 1, ""},
		{"PUT", "/api/v2/outbound/campaigns/c%2F1", "application/json", 1, `{"name": 1}`},
		{"DELETE", "/api/v2/conversations/calls", "", 0, ""},
		{"POST", "/oauth/token", "application/x-www-form-urlencoded", 0, "grant_type=client_credentials&client_id=agent-client&client_secret=agent-secret"},
		{"POST", "/api/v2/outbound/calls", "application/json", 3, `[]`},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.ct, s.auth, []byte(s.body))
	}
	logs := &panicWatch{}
	srv, err := New(Config{Spec: loadSpec(f, genesysSpec), Overlay: mustOverlay(f, genesysSpec), Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		f.Fatal(err)
	}
	tokens := []string{"", issue(srv, "agent"), issue(srv, "service"), "garbage"}
	f.Fuzz(func(t *testing.T, method, path, ct string, auth uint8, body []byte) {
		req := fuzzRequest(method, path, ct, tokens[int(auth)%len(tokens)], body)
		if req == nil {
			return
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if p := logs.last(); p != "" {
			t.Fatalf("%s %q panicked: %s", method, path, p)
		}
		if rec.Code >= 400 {
			checkEnvelope(t, rec)
		}
	})
}

func fuzzRequest(method, path, ct, token string, body []byte) *http.Request {
	if method == "" || strings.ContainsAny(method, " \t\r\n()<>@,;:\\\"/[]?={}") || !strings.HasPrefix(path, "/") {
		return nil
	}
	u, err := url.ParseRequestURI(path)
	if err != nil {
		return nil
	}
	req := &http.Request{Method: method, URL: u, RequestURI: path, Header: http.Header{}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Body: http.NoBody, Host: "127.0.0.1"}
	if len(body) > 0 {
		req.Body = httpBody(body)
		req.ContentLength = int64(len(body))
	}
	if ct != "" && !strings.ContainsAny(ct, "\r\n") {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

func checkEnvelope(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("%d answer is not JSON: %v\n%s", rec.Code, err, rec.Body)
	}
	if _, oauth := body["error"]; oauth {
		return // the token endpoint answers RFC 6749 errors
	}
	code, _ := body["code"].(string)
	status, _ := body["status"].(float64)
	if code == "" || int(status) != rec.Code {
		t.Fatalf("envelope %s: want a code and status %d", rec.Body, rec.Code)
	}
	if id := rec.Header().Get("Inin-Correlation-Id"); id == "" || id != body["contextId"] {
		t.Fatalf("Inin-Correlation-Id %q != contextId %v", id, body["contextId"])
	}
}

// panicWatch keeps only the last panic log line, so a long fuzz run does
// not grow a log it has to search.
type panicWatch struct {
	mu    sync.Mutex
	panic string
}

func (p *panicWatch) Write(b []byte) (int, error) {
	if bytes.Contains(b, []byte("panic while answering")) {
		p.mu.Lock()
		p.panic = string(b)
		p.mu.Unlock()
	}
	return len(b), nil
}

func (p *panicWatch) last() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.panic
}

func httpBody(b []byte) *readCloser { return &readCloser{bytes.NewReader(b)} }

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

func mustOverlay(t testing.TB, specPath string) *Overlay {
	t.Helper()
	ov, err := LoadOverlay(OverlayPathFor(specPath))
	if err != nil {
		t.Fatal(err)
	}
	return ov
}

// issue makes a token without the token endpoint (the fuzzer's requests
// must not depend on a network).
func issue(srv *Server, name string) string {
	tok, _, _, _ := srv.tokens.issue(srv.clients[name], srv.clients[name].Scopes)
	return tok
}

// FuzzDecodeObject holds decodeObject's fast path (internal/jsonvalue) to
// the json.Decoder it shortcuts: the same object, or nil, for any body.
func FuzzDecodeObject(f *testing.F) {
	for _, s := range []string{``, `{}`, `null`, `[1]`, `"x"`, `{"a": 1, "a": 2.50}`, `{"a": {"b": [1, "é", null, true]}} trailing`,
		`{"name": "x\u00e9\"y", "n": -0.0e+5}`, "{\"bad\": \"\xff\"}", ` {"sp": 1} `, `{"a":`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		fast, slow := decodeObject(body), decodeObjectSlow(body)
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("decodeObject(%q) = %#v, the json.Decoder's %#v", body, fast, slow)
		}
	})
}
