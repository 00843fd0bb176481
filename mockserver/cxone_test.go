package mockserver

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

const cxoneSpec = "../specs/nice-cxone/openapi.yaml"

// passwordTokenFor does a real password-grant exchange as the named overlay
// client, authenticating its application by HTTP Basic as x/oauth2 does.
func passwordTokenFor(t testing.TB, srv *Server, name string) string {
	t.Helper()
	user, pass, ok := srv.PasswordGrant(name)
	if !ok {
		t.Fatalf("PasswordGrant(%q): not a password-grant client", name)
	}
	id, secret, _ := srv.Client(name)
	cfg := oauth2.Config{ClientID: id, ClientSecret: secret,
		Endpoint: oauth2.Endpoint{TokenURL: srv.TokenURL(), AuthStyle: oauth2.AuthStyleInHeader}}
	tok, err := cfg.PasswordCredentialsToken(context.Background(), user, pass)
	if err != nil {
		t.Fatalf("password grant for %s: %v", name, err)
	}
	return tok.AccessToken
}

// TestPasswordGrant: the token endpoint trades an access key id and secret
// (username and password) for a token the API accepts, with or without
// the application's client authentication, and refuses everything else in
// RFC 6749's words.
func TestPasswordGrant(t *testing.T) {
	srv, logs := startMock(t, cxoneSpec)
	dial := func(tok string) int {
		return send(t, srv, "POST", "/InContactAPI/services/v23.0/agent-sessions/cx-session-1/dial-phone", tok, "",
			`{"skillId": 4567, "phoneNumber": "+15550199"}`).status
	}
	if got := dial(passwordTokenFor(t, srv, "cx-agent")); got != http.StatusAccepted {
		t.Errorf("dial-phone with a password-grant token = %d, want 202", got)
	}
	user, pass, _ := srv.PasswordGrant("cx-agent")
	tests := []struct {
		name       string
		basic      [2]string
		form       url.Values
		wantStatus int
		wantError  string
	}{
		{"no client authentication", [2]string{},
			url.Values{"grant_type": {"password"}, "username": {user}, "password": {pass}}, 200, ""},
		{"application in form fields", [2]string{},
			url.Values{"grant_type": {"password"}, "username": {user}, "password": {pass},
				"client_id": {"casebook-cxone-app"}, "client_secret": {"casebook-cxone-app-secret"}}, 200, ""},
		{"wrong password", [2]string{}, url.Values{"grant_type": {"password"}, "username": {user}, "password": {"nope"}}, 400, "invalid_grant"},
		{"unknown username", [2]string{}, url.Values{"grant_type": {"password"}, "username": {"who"}, "password": {pass}}, 400, "invalid_grant"},
		{"no password", [2]string{}, url.Values{"grant_type": {"password"}, "username": {user}}, 400, "invalid_request"},
		{"wrong application secret", [2]string{"casebook-cxone-app", "nope"},
			url.Values{"grant_type": {"password"}, "username": {user}, "password": {pass}}, 401, "invalid_client"},
		{"client credentials for a password-grant application", [2]string{"casebook-cxone-app", "casebook-cxone-app-secret"},
			url.Values{"grant_type": {"client_credentials"}}, 400, "unauthorized_client"},
		{"the thread's scopes", [2]string{},
			url.Values{"grant_type": {"password"}, "username": {user}, "password": {pass},
				"scope": {"outbound:campaign:write view:personalconnection manage:personalconnection"}}, 400, "invalid_scope"},
		{"unsupported grant", [2]string{}, url.Values{"grant_type": {"implicit"}}, 400, "unsupported_grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := postToken(t, srv, tt.basic, tt.form)
			if resp.status != tt.wantStatus || resp.str("error") != tt.wantError {
				t.Fatalf("token = %d %s, want %d %q", resp.status, resp.raw, tt.wantStatus, tt.wantError)
			}
			if tt.wantStatus == 200 && dial(resp.str("access_token")) != http.StatusAccepted {
				t.Errorf("the token the endpoint issued is not accepted by dial-phone")
			}
		})
	}
	if strings.Contains(logs.String(), pass) || strings.Contains(logs.String(), "casebook-cxone-app-secret") {
		t.Errorf("a password or secret reached the log:\n%s", logs)
	}
}

// TestPasswordGrantNeedsAPasswordClient: a spec whose overlay has no
// password-grant client still answers the password grant as unsupported.
func TestPasswordGrantNeedsAPasswordClient(t *testing.T) {
	srv, _ := startMock(t, genesysSpec)
	resp := postToken(t, srv, [2]string{"agent-client", "agent-secret"},
		url.Values{"grant_type": {"password"}, "username": {"u"}, "password": {"p"}})
	if resp.status != 400 || resp.str("error") != "unsupported_grant_type" {
		t.Errorf("password grant on the Genesys mock = %d %s, want 400 unsupported_grant_type", resp.status, resp.raw)
	}
}

func postToken(t testing.TB, srv *Server, basic [2]string, form url.Values) response {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.TokenURL(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic[0] != "" {
		req.SetBasicAuth(basic[0], basic[1])
	}
	return do(t, req)
}

// TestCXoneAgentSession replays the agent-side flow and its pitfalls: a
// session to dial from, the flat dial-phone body, and get-next-event's 304.
func TestCXoneAgentSession(t *testing.T) {
	srv, _ := startMock(t, cxoneSpec)
	tok := passwordTokenFor(t, srv, "cx-agent")
	const base = "/InContactAPI/services/v23.0/agent-sessions"
	tests := []struct {
		name         string
		method, path string
		body         string
		wantStatus   int
		wantCode     string
		wantEmpty    bool
	}{
		{name: "start a session", method: "POST", path: base, body: `{"stationId": "station-1"}`, wantStatus: 200},
		{name: "start a session without a station", method: "POST", path: base, body: `{}`, wantStatus: 400, wantCode: "bad.request"},
		{name: "dial", method: "POST", path: base + "/cx-session-1/dial-phone", body: `{"skillId": 4567, "phoneNumber": "+15550199"}`,
			wantStatus: 202, wantEmpty: true},
		{name: "dial without a session", method: "POST", path: base + "/never-started/dial-phone",
			body: `{"skillId": 4567, "phoneNumber": "+15550199"}`, wantStatus: 404, wantCode: "not.found"},
		{name: "the thread's body", method: "POST", path: base + "/cx-session-1/dial-phone",
			body:       `{"recipient": {"type": "phone", "address": "+15550199"}, "initiator": {"id": "agent-456", "type": "agent"}}`,
			wantStatus: 400, wantCode: "bad.request"},
		{name: "events waiting", method: "GET", path: base + "/cx-session-1/get-next-event?timeout=60", wantStatus: 200},
		{name: "no event before the timeout", method: "GET", path: base + "/cx-session-idle/get-next-event?timeout=60",
			wantStatus: 304, wantEmpty: true},
		{name: "events of an unknown session", method: "GET", path: base + "/gone/get-next-event", wantStatus: 409, wantCode: "session.ended"},
		{name: "dialer login", method: "POST", path: base + "/cx-session-1/dialer-login", body: `{"skillName": "Renewals PC"}`,
			wantStatus: 202, wantEmpty: true},
		{name: "the thread's endpoint", method: "POST", path: "/api/v2/outbound/calls", body: `{}`, wantStatus: 404, wantCode: "not.found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, srv, tt.method, tt.path, tok, "", tt.body)
			if r.status != tt.wantStatus || r.str("code") != tt.wantCode {
				t.Errorf("%s %s = %d %s, want %d %q", tt.method, tt.path, r.status, r.raw, tt.wantStatus, tt.wantCode)
			}
			if tt.wantEmpty && len(r.raw) != 0 {
				t.Errorf("%s %s: body %q, want none", tt.method, tt.path, r.raw)
			}
		})
	}
}

// TestBodilessRuleAnswer: a rule may answer a status its operation declares
// without content (get-next-event's 304), and then carries no code.
func TestBodilessRuleAnswer(t *testing.T) {
	const op = "GET /InContactAPI/services/v23.0/agent-sessions/{sessionId}/get-next-event"
	overlay := func(then string) string {
		return "rules:\n  - name: r\n    operation: " + op + "\n    source: s\n    verification: unverified\n" +
			"    when: [{query: timeout, equals: 0}]\n    then: " + then + "\n"
	}
	s := loadSpec(t, cxoneSpec)
	ov, err := DecodeOverlay("o.yaml", []byte(overlay("{status: 304, code: none}")))
	if err == nil {
		_, err = New(Config{Spec: s, Overlay: ov})
	}
	if want := "o.yaml:2:5: rules[0].then: a 304 answer has no body: drop code, message and params"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("New(304 with a code) = %v, want an error containing %q", err, want)
	}
	ov, err = DecodeOverlay("o.yaml", []byte("clients: [{name: t, token: static-token}]\n"+overlay("{status: 304}")))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Spec: s, Overlay: ov})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	path := "/InContactAPI/services/v23.0/agent-sessions/s1/get-next-event?timeout="
	if r := send(t, srv, "GET", path+"0", "static-token", "", ""); r.status != http.StatusNotModified || len(r.raw) != 0 {
		t.Errorf("rule holds: %d %q, want 304 and no body", r.status, r.raw)
	}
	if r := send(t, srv, "GET", path+"5", "static-token", "", ""); r.status != http.StatusOK {
		t.Errorf("rule does not hold: %d %s, want 200", r.status, r.raw)
	}
}
