package mockserver

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestOtherSchemes: HTTP Basic takes an overlay client's id and secret, an
// API key takes a token the mock issued; answers come from the spec's
// example, its lowest 2xx, or a schema that recurses into itself.
func TestOtherSchemes(t *testing.T) {
	ov, err := DecodeOverlay("inline.yaml", []byte("clients:\n  - {name: c, id: cid, secret: csecret}\n"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Spec: loadSpec(t, "testdata/schemes.yaml"), Overlay: ov})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })

	do := func(path string, set func(*http.Request)) response {
		req, _ := http.NewRequest("GET", srv.URL()+path, nil)
		set(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return response{status: resp.StatusCode, header: resp.Header, raw: raw}
	}
	if r := do("/basic", func(r *http.Request) { r.SetBasicAuth("cid", "csecret") }); r.status != 200 || !strings.Contains(string(r.raw), `"from":"example"`) {
		t.Errorf("basic with the right secret = %d %s, want 200 with the spec's example", r.status, r.raw)
	}
	if r := do("/basic", func(r *http.Request) { r.SetBasicAuth("cid", "wrong") }); r.status != 401 || r.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("basic with a wrong secret = %d %s, want 401 problem+json", r.status, r.raw)
	}
	tok := tokenFor(t, srv, "c")
	if r := do("/key", func(r *http.Request) { r.Header.Set("X-Api-Key", tok) }); r.status != 204 || len(r.raw) != 0 {
		t.Errorf("API key = %d %q, want 204 and no body", r.status, r.raw)
	}
	if r := do("/key", func(*http.Request) {}); r.status != 401 {
		t.Errorf("no API key = %d, want 401", r.status)
	}
	r := send(t, srv, "POST", "/open", "", "", `{"n": 0}`)
	if r.status != 400 || !strings.Contains(string(r.raw), `"pointer":"/n"`) {
		t.Errorf("n below minimum = %d %s, want 400 naming /n", r.status, r.raw)
	}
	r = send(t, srv, "POST", "/open", "", "", `{"n": 2}`)
	if r.status != 201 || len(r.str("id")) != 36 || !strings.HasPrefix(r.str("when"), "2026-") {
		t.Errorf("generated answer = %d %s, want 201 with a uuid and a date-time", r.status, r.raw)
	}
}

// TestPresentation: each operation takes its credential in its own form,
// and PresentationFor says which, so the built-in target (and a test)
// presents what the operation takes: Basic with the client's id and
// secret, or the mock's token as a Bearer or as an API key in a header, a
// query parameter or a cookie.
func TestPresentation(t *testing.T) {
	ov, err := DecodeOverlay("inline.yaml", []byte("clients:\n  - {name: c, id: cid, secret: csecret}\n"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Spec: loadSpec(t, "testdata/schemes.yaml"), Overlay: ov})
	if err != nil {
		t.Fatal(err)
	}
	tok := issue(srv, "c")
	for _, tc := range []struct {
		path string
		want Presentation
	}{
		{"/basic", Presentation{Basic: true}},
		{"/key", Presentation{KeyIn: "header", KeyName: "X-Api-Key"}},
		{"/qkey", Presentation{KeyIn: "query", KeyName: "api_key"}},
		{"/ckey", Presentation{KeyIn: "cookie", KeyName: "session"}},
		{"/either", Presentation{Basic: true}}, // the first requirement
	} {
		got := srv.PresentationFor("GET", tc.path)
		if got != tc.want {
			t.Errorf("PresentationFor(GET %s) = %+v, want %+v", tc.path, got, tc.want)
		}
		r := httptest.NewRequest("GET", tc.path, nil)
		got.Present(r, "cid", "csecret", tok)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		if rec.Code >= 300 {
			t.Errorf("GET %s presented as %+v = %d %s, want success", tc.path, got, rec.Code, rec.Body)
		}
		// Nothing, or a credential of another form, is 401.
		r = httptest.NewRequest("GET", tc.path, nil)
		rec = httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		if rec.Code != 401 {
			t.Errorf("GET %s without credentials = %d, want 401", tc.path, rec.Code)
		}
	}
	r := httptest.NewRequest("GET", "/either", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, r)
	if rec.Code != 204 {
		t.Errorf("GET /either with a Bearer token = %d, want 204 (its second requirement)", rec.Code)
	}
	r = httptest.NewRequest("GET", "/either", nil)
	r.Header.Set("Authorization", "Bearer unknown")
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, r)
	if h := rec.Header().Values("Www-Authenticate"); rec.Code != 401 || len(h) != 2 || !strings.Contains(h[0], `error="invalid_token"`) || !strings.HasPrefix(h[1], "Basic") {
		t.Errorf("GET /either with an unknown Bearer = %d %q, want 401 with an invalid_token Bearer and a Basic challenge", rec.Code, h)
	}
}
