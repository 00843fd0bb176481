package target

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/mockserver"
)

// TestURLTargetAuthorizesOverlayClients: against a URL (here a mock casebook
// did not start), auth: names a client of the overlay beside the spec and
// its token comes from the target's own token path.
func TestURLTargetAuthorizesOverlayClients(t *testing.T) {
	s, err := spec.Load("../../specs/personal-connection.yaml")
	require.NoError(t, err)
	ov, err := mockserver.OverlayFor(s.Path)
	require.NoError(t, err)
	srv, err := mockserver.New(mockserver.Config{Spec: s, Overlay: ov})
	require.NoError(t, err)
	var tokenRequests atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == ov.TokenPath() {
			tokenRequests.Add(1)
		}
		srv.ServeHTTP(w, r)
	}))
	defer hs.Close()
	u, err := NewURLTarget(hs.URL)
	require.NoError(t, err)

	for range 2 {
		req, _ := http.NewRequest("POST", hs.URL+"/api/v2/outbound/campaigns/pc-campaign/calls", nil)
		require.NoError(t, u.Authorize(context.Background(), req, s, "pc-service"))
		assert.True(t, strings.HasPrefix(req.Header.Get("Authorization"), "Bearer "), "Authorization = %q", req.Header.Get("Authorization"))
	}
	assert.Equal(t, int32(1), tokenRequests.Load(), "one token per client, then the cache")

	req, _ := http.NewRequest("GET", hs.URL+"/", nil)
	err = u.Authorize(context.Background(), req, s, "pc-servce")
	var ae *AuthError
	require.True(t, errors.As(err, &ae), "Authorize(unknown client) = %v, want an *AuthError", err)
	assert.Contains(t, err.Error(), `personal-connection.overlay.yaml defines no client "pc-servce" (did you mean "pc-service"?)`)
	assert.Empty(t, req.Header.Get("Authorization"))
	assert.NoError(t, u.Authorize(context.Background(), req, s, "none"))
}

// TestURLTargetSessions: each case's requests carry a session of their
// own, so a standalone casebook mock gives each case a fresh state as the
// built-in target does; mock.state: off asks for answers from the spec
// alone, and shared sends no session at all.
func TestURLTargetSessions(t *testing.T) {
	got := make(chan http.Header, 1)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
	}))
	defer hs.Close()
	u, err := NewURLTarget(hs.URL)
	require.NoError(t, err)
	send := func(state string) http.Header {
		t.Helper()
		ctx, done, err := u.OpenSession(context.Background(), nil, casefile.Mock{State: state})
		require.NoError(t, err)
		defer done()
		req, err := http.NewRequestWithContext(ctx, "GET", hs.URL+"/", nil)
		require.NoError(t, err)
		resp, err := u.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return <-got
	}

	first, second := send(""), send(casefile.StateFresh)
	assert.NotEmpty(t, first.Get(mockserver.SessionHeader))
	assert.NotEqual(t, first.Get(mockserver.SessionHeader), second.Get(mockserver.SessionHeader), "two cases share a session")
	assert.Empty(t, first.Get(mockserver.SessionStateHeader))

	off := send(casefile.StateOff)
	assert.NotEmpty(t, off.Get(mockserver.SessionHeader))
	assert.Equal(t, "off", off.Get(mockserver.SessionStateHeader))

	shared := send(casefile.StateShared)
	assert.Empty(t, shared.Get(mockserver.SessionHeader))
}
