package mockserver

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// TestTokenEndpointErrors checks the RFC 6749 answers x/oauth2 relies on:
// JSON with Content-Type application/json and the right error code.
func TestTokenEndpointErrors(t *testing.T) {
	srv, logs := startMock(t, genesysSpec)
	tests := []struct {
		name        string
		contentType string
		basic       [2]string
		form        url.Values
		wantStatus  int
		wantError   string
	}{
		{"wrong secret", "application/x-www-form-urlencoded", [2]string{"agent-client", "nope"},
			url.Values{"grant_type": {"client_credentials"}}, 401, "invalid_client"},
		{"unknown client in form", "application/x-www-form-urlencoded", [2]string{},
			url.Values{"grant_type": {"client_credentials"}, "client_id": {"who"}, "client_secret": {"x"}}, 401, "invalid_client"},
		{"no client authentication", "application/x-www-form-urlencoded", [2]string{},
			url.Values{"grant_type": {"client_credentials"}}, 401, "invalid_client"},
		{"password grant", "application/x-www-form-urlencoded", [2]string{"agent-client", "agent-secret"},
			url.Values{"grant_type": {"password"}}, 400, "unsupported_grant_type"},
		{"no grant type", "application/x-www-form-urlencoded", [2]string{"agent-client", "agent-secret"},
			url.Values{}, 400, "invalid_request"},
		{"JSON body", "application/json", [2]string{"agent-client", "agent-secret"},
			url.Values{"grant_type": {"client_credentials"}}, 400, "invalid_request"},
		{"basic and form at once", "application/x-www-form-urlencoded", [2]string{"agent-client", "agent-secret"},
			url.Values{"grant_type": {"client_credentials"}, "client_id": {"agent-client"}}, 400, "invalid_request"},
		{"scope the client lacks", "application/x-www-form-urlencoded", [2]string{"agent-client", "agent-secret"},
			url.Values{"grant_type": {"client_credentials"}, "scope": {"users"}}, 400, "invalid_scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", srv.TokenURL(), strings.NewReader(tt.form.Encode()))
			req.Header.Set("Content-Type", tt.contentType)
			if tt.basic[0] != "" {
				req.SetBasicAuth(tt.basic[0], tt.basic[1])
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body map[string]string
			raw, _ := io.ReadAll(resp.Body)
			_ = json.Unmarshal(raw, &body)
			if resp.StatusCode != tt.wantStatus || body["error"] != tt.wantError {
				t.Errorf("token = %d %s, want %d %s", resp.StatusCode, raw, tt.wantStatus, tt.wantError)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
		})
	}
	if strings.Contains(logs.String(), "agent-secret") {
		t.Errorf("a client secret reached the log:\n%s", logs)
	}
}

// TestTokenFormAuthAndScopes: client authentication by form fields, and a
// token granted the scopes asked for.
func TestTokenFormAuthAndScopes(t *testing.T) {
	srv, _ := startMock(t, genesysSpec)
	cc := clientcredentials.Config{ClientID: "agent-client", ClientSecret: "agent-secret", TokenURL: srv.TokenURL(),
		AuthStyle: oauth2.AuthStyleInParams, Scopes: []string{"conversations"}}
	tok, err := cc.Token(context.Background())
	if err != nil {
		t.Fatalf("token by form fields: %v", err)
	}
	if got := tok.Extra("scope"); got != "conversations" {
		t.Errorf("scope = %v, want conversations", got)
	}
	if tok.Expiry.IsZero() || time.Until(tok.Expiry) > time.Hour+time.Minute {
		t.Errorf("expiry = %v, want about an hour from now", tok.Expiry)
	}
	cc.ClientSecret = "wrong"
	_, err = cc.Token(context.Background())
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_client" {
		t.Errorf("wrong secret: err = %v, want RetrieveError invalid_client", err)
	}
}

// TestExpiredToken: a token past its lifetime is bad.credentials.
func TestExpiredToken(t *testing.T) {
	srv, _ := startMock(t, genesysSpec)
	tok := tokenFor(t, srv, "agent")
	srv.tokens.mu.Lock()
	srv.tokens.now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	srv.tokens.mu.Unlock()
	r := send(t, srv, "POST", "/api/v2/conversations/calls", tok, "", `{"phoneNumber": "+13175550123"}`)
	checkGenesysError(t, r, 401, "bad.credentials")
}

// TestTokenStoreEvictsByExpiry: a token is forgotten when it expires and
// never before, however many are issued; past the bound on live tokens the
// store issues none (and says how long until the oldest expires) rather
// than forget a live one.
func TestTokenStoreEvictsByExpiry(t *testing.T) {
	ts := newTokenStore(time.Hour)
	ts.max = 3
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	ts.now = func() time.Time { return now }
	c := &Client{Name: "c"}
	var live []string
	for range 3 {
		tok, _, full, _ := ts.issue(c, nil)
		if full {
			t.Fatal("the store is full before its bound")
		}
		live = append(live, tok)
		now = now.Add(time.Minute)
	}
	if tok, _, full, wait := ts.issue(c, nil); !full || tok != "" || wait != 57*time.Minute {
		t.Errorf("issue past the bound = %q full=%v wait=%v, want none, full, 57m until the oldest expires", tok, full, wait)
	}
	for i, tok := range live {
		if _, ok := ts.lookup(tok); !ok {
			t.Errorf("live token %d was forgotten within its lifetime", i)
		}
	}
	now = now.Add(57 * time.Minute) // the first token's expiry
	if _, _, full, _ := ts.issue(c, nil); full {
		t.Errorf("issue after the oldest expired: full, want a token")
	}
	if _, ok := ts.lookup(live[0]); ok {
		t.Errorf("the expired token is still accepted")
	}
	if _, ok := ts.lookup(live[1]); !ok {
		t.Errorf("a live token was forgotten when an expired one was dropped")
	}
	if n := len(ts.tokens); n != 3 {
		t.Errorf("store holds %d tokens, want 3 (the expired one dropped)", n)
	}
}

// TestTokenEndpointWhenFull: past the bound the token endpoint answers 429
// with Retry-After, and a token already issued still works.
func TestTokenEndpointWhenFull(t *testing.T) {
	srv, _ := startMock(t, genesysSpec)
	srv.tokens.mu.Lock()
	srv.tokens.max = 1
	srv.tokens.mu.Unlock()
	tok := tokenFor(t, srv, "agent")
	form := url.Values{"grant_type": {"client_credentials"}}
	req, _ := http.NewRequest("POST", srv.TokenURL(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("agent-client", "agent-secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "temporarily_unavailable") {
		t.Errorf("token request past the bound = %d Retry-After %q %s, want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	r := send(t, srv, "POST", "/api/v2/conversations/calls", tok, "", `{"phoneNumber": "+13175550123"}`)
	if r.status != http.StatusOK {
		t.Errorf("a call with the token issued before the store filled up = %d %s, want 200", r.status, r.raw)
	}
}

func TestHolds(t *testing.T) {
	tests := []struct {
		held []string
		want string
		ok   bool
	}{
		{[]string{"*"}, "outbound:campaign:view", true},
		{[]string{"outbound:campaign:view"}, "outbound:campaign:view", true},
		{[]string{"outbound:*:view"}, "outbound:campaign:view", true},
		{[]string{"outbound:*"}, "outbound:campaign:edit", true},
		{[]string{"outbound:campaign"}, "outbound:campaign:view", false},
		{[]string{"outbound:campaign:edit"}, "outbound:campaign:view", false},
		{nil, "outbound:campaign:view", false},
	}
	for _, tt := range tests {
		if got := holds(tt.held, tt.want); got != tt.ok {
			t.Errorf("holds(%v, %q) = %v, want %v", tt.held, tt.want, got, tt.ok)
		}
	}
}

// TestLoopback: the mock knows when it is reachable beyond this machine,
// so that the command can warn that its test secrets are.
func TestLoopback(t *testing.T) {
	for _, tc := range []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:0", true},
		{"[::1]:0", true},
		{"0.0.0.0:0", false},
		{":0", false},
	} {
		if tc.addr == "[::1]:0" {
			if ln, err := net.Listen("tcp", tc.addr); err != nil {
				continue // no IPv6 loopback on this machine
			} else {
				ln.Close()
			}
		}
		srv, _ := startMock(t, pcSpec, func(c *Config) { c.Addr = tc.addr })
		if got := srv.Loopback(); got != tc.want {
			t.Errorf("Loopback() on %s = %v, want %v", tc.addr, got, tc.want)
		}
	}
}
