package target

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/mockserver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMockTargetPasswordGrant: an overlay client with an access key gets
// its token by the password grant, once, and the API accepts it.
func TestMockTargetPasswordGrant(t *testing.T) {
	s, err := spec.Load("../../specs/nice-cxone/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := NewMockTarget()
	t.Cleanup(func() { _ = m.Close() })
	ctx := context.Background()
	base, err := m.BaseURL(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	authorized := func() *http.Request {
		req, _ := http.NewRequestWithContext(ctx, "POST", base+"/InContactAPI/services/v23.0/agent-sessions/cx-session-1/dial-phone",
			strings.NewReader(`{"skillId": 4567, "phoneNumber": "+15550199"}`))
		req.Header.Set("Content-Type", "application/json")
		if err := m.Authorize(ctx, req, s, "cx-agent"); err != nil {
			t.Fatalf("Authorize(cx-agent): %v", err)
		}
		return req
	}
	first, second := authorized(), authorized()
	if a, b := first.Header.Get("Authorization"), second.Header.Get("Authorization"); !strings.HasPrefix(a, "Bearer ") || a != b {
		t.Errorf("Authorization headers %q and %q, want one cached bearer token", a, b)
	}
	resp, err := m.Client().Do(first)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("dial-phone with the password-grant token = %d, want 202", resp.StatusCode)
	}
}

// TestMockUnknownClientListsClients: an auth: the overlay does not define
// is refused with the clients it does define, and the nearest one.
func TestMockUnknownClientListsClients(t *testing.T) {
	s, err := spec.Load("../../specs/genesys-cloud/openapi.yaml")
	require.NoError(t, err)
	m := NewMockTarget()
	defer m.Close()
	err = m.Authorize(t.Context(), httptest.NewRequest("GET", "/", nil), s, "agent-no-statoin")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `defines no client "agent-no-statoin" (did you mean "agent-no-station"?)`)
	assert.Contains(t, err.Error(), "its clients: agent, agent-no-permission, agent-no-station, service")
	req := httptest.NewRequest("GET", "/", nil)
	require.NoError(t, m.Authorize(t.Context(), req, s, "agent"))
	assert.Regexp(t, `^Bearer \S+$`, req.Header.Get("Authorization"))
}

// TestMockTargetLetsIdleConnectionsGoFirst: the built-in target drops an
// idle keep-alive connection before the mock would close it, so a POST
// (which net/http does not retry) is never sent on a connection the
// server is closing (the likely cause of one EOF in ~121,000 cases seen
// in a 234 s run under load; not reproduced on demand).
func TestMockTargetLetsIdleConnectionsGoFirst(t *testing.T) {
	m := NewMockTarget()
	tr, ok := m.Client().Transport.(sessionTransport).base.(*http.Transport)
	require.True(t, ok, "the mock target's transport is %T", m.Client().Transport)
	assert.Positive(t, tr.IdleConnTimeout)
	assert.Less(t, tr.IdleConnTimeout, mockserver.IdleTimeout)
}
