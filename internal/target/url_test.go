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
