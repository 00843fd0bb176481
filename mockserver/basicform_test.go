package mockserver

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// TestBasicOnlyFormOperation: an operation whose only scheme is HTTP Basic
// and whose body is a form takes the default client's id and secret and a
// repeated key (an exploded array), refuses a Bearer token the mock issued
// with 401 and a Basic challenge, enforces format: uri, and reports a
// field of the wrong type and an undeclared field, each at its pointer, in
// one answer.
func TestBasicOnlyFormOperation(t *testing.T) {
	srv, err := New(Config{Spec: loadSpec(t, "testdata/basic-form.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	post := func(form string, auth func(*http.Request)) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/subscriptions", strings.NewReader(form))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		auth(r)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		return rec
	}
	basic := func(r *http.Request) { r.SetBasicAuth("casebook", "casebook") }

	rec := post("Url=https://example.com/hook&Events=created&Events=updated&Timeout=30", basic)
	if rec.Code != http.StatusCreated {
		t.Errorf("repeated Events with Basic = %d %s, want 201", rec.Code, rec.Body)
	}

	tok := issue(srv, "default")
	rec = post("Url=https://example.com/hook&Events=created", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) })
	if rec.Code != http.StatusUnauthorized || !slices.ContainsFunc(rec.Header().Values("Www-Authenticate"), func(v string) bool { return strings.HasPrefix(v, "Basic ") }) {
		t.Errorf("Bearer on a Basic-only operation = %d, WWW-Authenticate %q; want 401 with a Basic challenge", rec.Code, rec.Header().Values("Www-Authenticate"))
	}
	if slices.ContainsFunc(rec.Header().Values("Www-Authenticate"), func(v string) bool { return strings.HasPrefix(v, "Bearer") }) {
		t.Errorf("a Basic-only operation challenges with %q, want Basic only", rec.Header().Values("Www-Authenticate"))
	}

	rec = post("Url=not+a+url&Events=created", basic)
	if got := problems(t, rec); rec.Code != 400 || !slices.Contains(got, "/Url format") {
		t.Errorf("Url=not a url = %d %v, want 400 with /Url format", rec.Code, got)
	}

	rec = post("Url=https://example.com/hook&Events=created&Timeout=abc&Colour=red", basic)
	got := problems(t, rec)
	if rec.Code != 400 || !slices.Contains(got, "/Timeout type") || !slices.Contains(got, "/Colour additionalProperties") {
		t.Errorf("Timeout=abc and Colour=red = %d %v, want 400 naming /Timeout (type) and /Colour (additionalProperties) in one answer", rec.Code, got)
	}
}

// problems lists "pointer rule" of each error in a problem+json answer.
func problems(t *testing.T, rec *httptest.ResponseRecorder) []string {
	t.Helper()
	var body struct {
		Errors []struct{ Pointer, Rule string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, rec.Body)
	}
	var out []string
	for _, e := range body.Errors {
		out = append(out, e.Pointer+" "+e.Rule)
	}
	return out
}
