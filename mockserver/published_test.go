package mockserver

import (
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/casebook-dev/casebook/internal/spec"
)

// TestPublishedSwagger serves the whole published Genesys Cloud spec with no
// overlay: it routes every operation of its 568 paths, enforces its
// security and answers with its own error codes. How fast it starts is
// BenchmarkPublishedStartup's to say.
func TestPublishedSwagger(t *testing.T) {
	s := loadSpec(t, realSwagger) // loaded once for the package's tests
	srv, err := New(Config{Spec: s})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	if s.Envelope != spec.EnvelopeGenesys {
		t.Fatalf("envelope = %s, want genesys (detected from ErrorBody and x-inin-error-codes)", s.Envelope)
	}

	paths := map[string]bool{}
	param := regexp.MustCompile(`\{[^}]+\}`)
	for _, op := range s.Operations() {
		paths[op.Path] = true
		concrete := param.ReplaceAllString(op.Path, "p1")
		// In process: 932 round trips over loopback cost more than they prove under -race.
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(op.Method, concrete, nil))
		var body map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != 401 || body["code"] != "authentication.required" {
			t.Errorf("%s (as %s) without a token = %d %s, want 401 authentication.required", op, concrete, rec.Code, rec.Body)
			continue
		}
		if want := op.ErrorCodes("401")["authentication.required"]; body["message"] != want {
			t.Errorf("%s message = %v, want the spec's %q", op, body["message"], want)
		}
	}
	if len(paths) != 568 {
		t.Errorf("routed %d paths, want 568", len(paths))
	}

	// The default client (no overlay) may call anything; the spec still validates.
	tok := tokenFor(t, srv, "default")
	r := send(t, srv, "POST", "/api/v2/conversations/calls", tok, "", `{"phoneNumber": "+13175550123"}`)
	if r.status != 200 || r.str("id") == "" {
		t.Errorf("correct call on the published spec = %d %s, want 200 with an id", r.status, r.raw)
	}
	r = send(t, srv, "POST", "/api/v2/conversations/calls", tok, "", `{"priority": "high"}`)
	checkGenesysError(t, r, 400, "bad.request")
	if !hasDetail(r, "/priority") {
		t.Errorf("details = %v, want /priority", r.body["details"])
	}
	r = send(t, srv, "GET", "/api/v2/nothing/here", tok, "", "")
	checkGenesysError(t, r, 404, "not.found")
}
