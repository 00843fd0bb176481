package mockserver

import (
	"strings"
	"testing"
)

const pcBody = `{"recipient": {"type": "phone", "address": "+15550199"}, "initiator": {"id": "agent-456", "type": "agent"}}`

// TestPersonalConnection replays the thread's own contract: problem+json
// answers, the overlay's campaign-kind and agent rules, and scopes.
func TestPersonalConnection(t *testing.T) {
	srv, _ := startMock(t, pcSpec)
	dialer, noScopes := tokenFor(t, srv, "pc-service"), tokenFor(t, srv, "pc-no-scopes")
	tests := []struct {
		name, path, token, body string
		wantStatus              int
		wantCode                string
		wantPointers            []string // errors[].pointer, in order
	}{
		{"correct call", "/api/v2/outbound/campaigns/pc-campaign/calls", dialer, pcBody, 202, "", nil},
		{"predictive campaign", "/api/v2/outbound/campaigns/predictive-campaign/calls", dialer, pcBody, 400, "bad.request", nil},
		{"progressive campaign", "/api/v2/outbound/campaigns/progressive-campaign/calls", dialer, pcBody, 400, "bad.request", nil},
		{"missing scope", "/api/v2/outbound/campaigns/pc-campaign/calls", noScopes, pcBody, 403, "insufficient.scope", nil},
		{"agent without phone", "/api/v2/outbound/campaigns/pc-campaign/calls", dialer,
			`{"recipient": {"type": "phone", "address": "+15550199"}, "initiator": {"id": "agent-no-phone", "type": "agent"}}`, 400, "bad.request", nil},
		{"thread question payload", "/api/v2/outbound/campaigns/pc-campaign/calls", dialer,
			`{"recipient": {"phoneNumber": "+15550199", "id": "user-123"}, "initiator": {"id": "agent-456"}}`, 400, "bad.request",
			[]string{"/initiator/type", "/recipient/address", "/recipient/phoneNumber", "/recipient/type"}},
		{"no token", "/api/v2/outbound/campaigns/pc-campaign/calls", "", pcBody, 401, "authentication.required", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, srv, "POST", tt.path, tt.token, "", tt.body)
			if r.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", r.status, tt.wantStatus, r.raw)
			}
			if tt.wantCode == "" {
				return
			}
			checkProblem(t, r, tt.wantCode)
			if tt.wantPointers != nil {
				var got []string
				errs, _ := r.body["errors"].([]any)
				for _, e := range errs {
					m, _ := e.(map[string]any)
					if m["rule"] == "" || m["location"] != "body" {
						t.Errorf("error %v lacks its rule or location", m)
					}
					got = append(got, m["pointer"].(string))
				}
				if strings.Join(got, " ") != strings.Join(tt.wantPointers, " ") {
					t.Errorf("errors[].pointer = %v, want %v", got, tt.wantPointers)
				}
			}
		})
	}
}

func checkProblem(t *testing.T, r response, code string) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	if r.str("code") != code || r.str("type") == "" || r.str("title") == "" || r.str("detail") == "" {
		t.Errorf("problem = %s, want type, title, detail and code %s", r.raw, code)
	}
	if got, _ := r.body["status"].(float64); int(got) != r.status {
		t.Errorf("problem status = %v, want %d", r.body["status"], r.status)
	}
}

// TestScopeStatusConfigurable: the thread says a missing scope may come back
// as 400; an overlay can say so.
func TestScopeStatusConfigurable(t *testing.T) {
	srv, _ := startMock(t, pcSpec, func(c *Config) {
		c.Overlay.Auth.Scopes.Status = 400
		c.Overlay.Auth.Scopes.Code = "bad.request"
	})
	r := send(t, srv, "POST", "/api/v2/outbound/campaigns/pc-campaign/calls", tokenFor(t, srv, "pc-no-scopes"), "", pcBody)
	if r.status != 400 || r.str("code") != "bad.request" || !strings.Contains(r.str("detail"), "outbound:campaign:write") {
		t.Errorf("missing scope with status 400 = %d %s, want 400 bad.request naming outbound:campaign:write", r.status, r.raw)
	}
}

func TestPersonalConnectionFixtureGET(t *testing.T) {
	srv, _ := startMock(t, pcSpec)
	tok := tokenFor(t, srv, "pc-service")
	if r := send(t, srv, "GET", "/api/v2/outbound/campaigns/predictive-campaign", tok, "", ""); r.status != 200 || r.str("dialingMode") != "predictive" {
		t.Errorf("GET fixture = %d %s, want 200 predictive", r.status, r.raw)
	}
	if r := send(t, srv, "GET", "/api/v2/outbound/campaigns/none", tok, "", ""); r.status != 404 || r.str("code") != "not.found" {
		t.Errorf("GET missing fixture = %d %s, want 404 not.found", r.status, r.raw)
	}
}
