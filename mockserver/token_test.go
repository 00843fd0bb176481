package mockserver

import (
	"context"
	"encoding/json"
	"errors"
	"io"
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

func TestTokenStoreIsBounded(t *testing.T) {
	ts := newTokenStore(time.Hour)
	c := &Client{Name: "c"}
	first, _ := ts.issue(c, nil)
	for range maxTokens + 10 {
		ts.issue(c, nil)
	}
	if n := len(ts.tokens); n > maxTokens {
		t.Errorf("store holds %d tokens, want at most %d", n, maxTokens)
	}
	if _, ok := ts.lookup(first); ok {
		t.Errorf("the oldest token survived eviction")
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
