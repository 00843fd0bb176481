package mockserver

import (
	"strings"
	"testing"
)

// TestGenesysPitfalls replays each pitfall of the thread against the
// published Genesys Cloud contract and its overlay, over real HTTP with
// real client-credentials exchanges, and checks the vendor-shaped answer.
func TestGenesysPitfalls(t *testing.T) {
	srv, _ := startMock(t, genesysSpec)
	tok := map[string]string{}
	for _, name := range []string{"agent", "agent-no-station", "agent-no-permission", "service"} {
		tok[name] = tokenFor(t, srv, name)
	}
	tests := []struct {
		name         string
		method, path string
		auth, ct     string
		body         string
		wantStatus   int
		wantCode     string
		wantMessage  string // substring
		wantField    string // details[].fieldName that must be present
	}{
		{name: "thread endpoint outbound/calls", method: "POST", path: "/api/v2/outbound/calls", auth: "agent", body: `{}`,
			wantStatus: 404, wantCode: "not.found", wantMessage: "The requested resource was not found."},
		{name: "thread endpoint campaign calls", method: "POST", path: "/api/v2/outbound/campaigns/c1/calls", auth: "agent", body: `{}`,
			wantStatus: 404, wantCode: "not.found"},
		{name: "wrong method", method: "DELETE", path: "/api/v2/conversations/calls", auth: "agent",
			wantStatus: 405, wantCode: "method.not.allowed", wantMessage: "POST"},
		{name: "no token", method: "POST", path: "/api/v2/conversations/calls", body: `{"phoneNumber": "+13175550123"}`,
			wantStatus: 401, wantCode: "authentication.required", wantMessage: "No authentication bearer token specified in authorization header."},
		{name: "unknown token", method: "POST", path: "/api/v2/conversations/calls", auth: "forged", body: `{"phoneNumber": "+13175550123"}`,
			wantStatus: 401, wantCode: "bad.credentials", wantMessage: "Invalid login credentials."},
		{name: "client credentials token", method: "POST", path: "/api/v2/conversations/calls", auth: "service", body: `{"phoneNumber": "+13175550123"}`,
			wantStatus: 400, wantCode: "not.a.user", wantMessage: "Client credentials cannot be used"},
		{name: "missing permission", method: "POST", path: "/api/v2/conversations/calls", auth: "agent-no-permission", body: `{"phoneNumber": "+13175550123"}`,
			wantStatus: 403, wantCode: "missing.permissions", wantMessage: "missing the following permission(s): conversation:conference:add"},
		{name: "missing any of two permissions", method: "POST", path: "/api/v2/conversations/calls/user/u1", auth: "agent-no-permission", body: `{"phoneNumber": "+13175550123"}`,
			wantStatus: 403, wantCode: "missing.any.permissions", wantMessage: "conversation:agentlessCall:add, conversation:call:add"},
		{name: "no station", method: "POST", path: "/api/v2/conversations/calls", auth: "agent-no-station", body: `{"phoneNumber": "+13175550123"}`,
			wantStatus: 400, wantCode: "conversation.error.no.user.station", wantMessage: "A station is required to place a call."},
		{name: "two destinations", method: "POST", path: "/api/v2/conversations/calls", auth: "agent", body: `{"phoneNumber": "+13175550123", "callUserId": "u2"}`,
			wantStatus: 400, wantCode: "too.many.create.conversation.parameters", wantMessage: "Only a single destination"},
		{name: "thread body: no destination", method: "POST", path: "/api/v2/conversations/calls", auth: "agent",
			body:       `{"recipient": {"type": "phone", "address": "+15550199"}, "initiator": {"id": "agent-456", "type": "agent"}}`,
			wantStatus: 400, wantCode: "bad.request"},
		{name: "empty participants is no destination", method: "POST", path: "/api/v2/conversations/calls", auth: "agent", body: `{"participants": []}`,
			wantStatus: 400, wantCode: "bad.request"},
		{name: "wrong type names the field", method: "POST", path: "/api/v2/conversations/calls", auth: "agent", body: `{"phoneNumber": 13175550123}`,
			wantStatus: 400, wantCode: "bad.request", wantField: "/phoneNumber"},
		{name: "malformed JSON gives the position", method: "POST", path: "/api/v2/conversations/calls", auth: "agent", body: "{\n \"phoneNumber\": }",
			wantStatus: 400, wantCode: "bad.request", wantMessage: "line 2, column"},
		{name: "wrong content type", method: "POST", path: "/api/v2/conversations/calls", auth: "agent", ct: "text/plain", body: `phoneNumber=1`,
			wantStatus: 415, wantCode: "unsupported.media.type"},
		{name: "unknown campaign", method: "GET", path: "/api/v2/outbound/campaigns/nope", auth: "agent",
			wantStatus: 404, wantCode: "not.found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := tok[tt.auth]
			if tt.auth == "forged" {
				token = "forged-token"
			}
			r := send(t, srv, tt.method, tt.path, token, tt.ct, tt.body)
			checkGenesysError(t, r, tt.wantStatus, tt.wantCode)
			if !strings.Contains(r.str("message"), tt.wantMessage) {
				t.Errorf("message = %q, want it to contain %q", r.str("message"), tt.wantMessage)
			}
			if tt.wantField != "" && !hasDetail(r, tt.wantField) {
				t.Errorf("details = %v, want fieldName %s", r.body["details"], tt.wantField)
			}
			for _, secret := range []string{"agent-secret", token} {
				if secret != "" && strings.Contains(string(r.raw), secret) {
					t.Errorf("error body leaks a secret: %s", r.raw)
				}
			}
		})
	}
}

// checkGenesysError checks the ErrorBody envelope: code, status, and a
// contextId equal to the Inin-Correlation-Id header.
func checkGenesysError(t *testing.T, r response, status int, code string) {
	t.Helper()
	if r.status != status || r.str("code") != code {
		t.Fatalf("answer = %d %s, want %d %s; body %s", r.status, r.str("code"), status, code, r.raw)
	}
	if got, _ := r.body["status"].(float64); int(got) != status {
		t.Errorf("body status = %v, want %d", r.body["status"], status)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	if id := r.header.Get("Inin-Correlation-Id"); id == "" || id != r.str("contextId") {
		t.Errorf("Inin-Correlation-Id = %q, contextId = %q: want equal and non-empty", id, r.str("contextId"))
	}
}

func hasDetail(r response, field string) bool {
	details, _ := r.body["details"].([]any)
	for _, d := range details {
		if m, ok := d.(map[string]any); ok && m["fieldName"] == field && m["errorCode"] != "" {
			return true
		}
	}
	return false
}

func TestGenesysSuccess(t *testing.T) {
	srv, _ := startMock(t, genesysSpec)
	agent := tokenFor(t, srv, "agent")

	r := send(t, srv, "POST", "/api/v2/conversations/calls", agent, "", `{"phoneNumber": "+13175550123"}`)
	if r.status != 200 || r.str("id") == "" {
		t.Fatalf("correct call = %d %s, want 200 with a CreateCallResponse id", r.status, r.raw)
	}
	again := send(t, srv, "POST", "/api/v2/conversations/calls", agent, "", `{"phoneNumber": "+13175550123"}`)
	if string(again.raw) != string(r.raw) {
		t.Errorf("same request, different answers:\n%s\n%s", r.raw, again.raw)
	}
	other := send(t, srv, "POST", "/api/v2/conversations/calls", agent, "", `{"phoneNumber": "+13175550124"}`)
	if other.str("id") == r.str("id") {
		t.Errorf("different requests got the same generated id %q", r.str("id"))
	}

	c := send(t, srv, "GET", "/api/v2/outbound/campaigns/campaign-predictive", agent, "", "")
	if c.status != 200 || c.str("dialingMode") != "predictive" || c.str("id") != "campaign-predictive" {
		t.Errorf("GET fixture campaign = %d %s, want 200 with dialingMode predictive", c.status, c.raw)
	}
	// The agent holds conversation:call:add, one of the two the operation accepts.
	u := send(t, srv, "POST", "/api/v2/conversations/calls/user/u1", agent, "", `{"phoneNumber": "+13175550123"}`)
	if u.status != 200 {
		t.Errorf("call on behalf of a user = %d %s, want 200", u.status, u.raw)
	}
}
