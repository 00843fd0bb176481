package target

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/mockserver"
)

// tokenServer is a client-credentials token endpoint that counts requests
// per client id and scope set, issuing tokens that live for life.
type tokenServer struct {
	*httptest.Server
	mu     sync.Mutex
	counts map[string]int
}

func newTokenServer(t *testing.T, life time.Duration) *tokenServer {
	ts := &tokenServer{counts: map[string]int{}}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _, ok := r.BasicAuth()
		if !ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			w.Write([]byte(`{"error":"invalid_client"}`))
			return
		}
		r.ParseForm()
		ts.mu.Lock()
		ts.counts[id+" "+r.Form.Get("scope")]++
		n := ts.counts[id+" "+r.Form.Get("scope")]
		ts.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": id + "-token-" + string(rune('0'+n)), "token_type": "Bearer", "expires_in": int(life.Seconds())})
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tokenServer) count(key string) int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.counts[key]
}

func newTestLive(t *testing.T, base, tokenURL string, creds map[string]Credential) *LiveTarget {
	t.Helper()
	lt, err := NewLiveTarget(LiveConfig{Name: "test", BaseURL: base, TokenURL: tokenURL, AllowHTTP: true, Credentials: creds})
	if err != nil {
		t.Fatalf("NewLiveTarget: %v", err)
	}
	return lt
}

func TestOneTokenPerClientAndScopeSet(t *testing.T) {
	ts := newTokenServer(t, time.Hour)
	t.Setenv("CB_SECRET", "s")
	creds := map[string]Credential{
		"a":      {Kind: AuthOAuth2, ClientID: "c1", ClientSecretEnv: "CB_SECRET"},
		"a-too":  {Kind: AuthOAuth2, ClientID: "c1", ClientSecretEnv: "CB_SECRET"}, // same client, same scopes: shares a's token
		"scoped": {Kind: AuthOAuth2, ClientID: "c1", ClientSecretEnv: "CB_SECRET", Scopes: []string{"outbound", "conversations"}},
		"same":   {Kind: AuthOAuth2, ClientID: "c1", ClientSecretEnv: "CB_SECRET", Scopes: []string{"conversations", "outbound"}},
		"other":  {Kind: AuthOAuth2, ClientID: "c2", ClientSecretEnv: "CB_SECRET"},
	}
	lt := newTestLive(t, ts.URL, ts.URL+"/oauth/token", creds)
	var wg sync.WaitGroup
	for range 20 {
		for _, auth := range []string{"a", "a-too", "scoped", "same", "other"} {
			wg.Go(func() {
				req := httptest.NewRequest("GET", ts.URL+"/x", nil)
				if err := lt.Authorize(t.Context(), req, nil, auth); err != nil {
					t.Errorf("Authorize(%s): %v", auth, err)
				}
				if !strings.HasPrefix(req.Header.Get("Authorization"), "Bearer c") {
					t.Errorf("Authorize(%s) set %q", auth, req.Header.Get("Authorization"))
				}
			})
		}
	}
	wg.Wait()
	for key, want := range map[string]int{"c1 ": 1, "c1 conversations outbound": 1, "c2 ": 1} {
		if got := ts.count(key); got != want {
			t.Errorf("token requests for %q = %d, want %d", key, got, want)
		}
	}
	if got := ts.count("c1 outbound conversations"); got != 0 {
		t.Errorf("the scope set in another order fetched its own token (%d times)", got)
	}
}

// TestTokenRefreshedBeforeExpiry: a token is reused while more than a
// quarter of its life is left, and fetched again after, on a clock the
// test moves (no waiting).
func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	ts := newTokenServer(t, 20*time.Second)
	t.Setenv("CB_SECRET", "s")
	lt := newTestLive(t, ts.URL, ts.URL+"/oauth/token", map[string]Credential{"a": {Kind: AuthOAuth2, ClientID: "c1", ClientSecretEnv: "CB_SECRET"}})
	var ahead atomic.Int64 // how far the test's clock is ahead of the real one
	lt.tokens.now = func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	auth := func() string {
		req := httptest.NewRequest("GET", ts.URL+"/x", nil)
		require.NoError(t, lt.Authorize(t.Context(), req, nil, "a"))
		return req.Header.Get("Authorization")
	}
	first := auth()
	ahead.Store(int64(10 * time.Second))
	// x/oauth2's fixed 10s margin would fetch again here; a quarter of 20s is 5s.
	assert.Equal(t, first, auth(), "after 10s of a 20s token: want the cached token")
	assert.Equal(t, 1, ts.count("c1 "), "token requests after 10s")
	ahead.Store(int64(16 * time.Second))
	assert.NotEqual(t, first, auth(), "after 16s of a 20s token: want a new one")
	assert.Equal(t, 2, ts.count("c1 "), "token requests after 16s")
}

func TestTokenErrorKeepsNoBody(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		w.Write([]byte(`{"error":"invalid_client","error_description":"bad client","echo":"super-secret-echo"}`))
	}))
	defer ts.Close()
	t.Setenv("CB_SECRET", "super-secret-echo")
	lt := newTestLive(t, ts.URL, ts.URL+"/oauth/token", map[string]Credential{"a": {Kind: AuthOAuth2, ClientID: "c1", ClientSecretEnv: "CB_SECRET"}})
	err := lt.Authorize(t.Context(), httptest.NewRequest("GET", ts.URL, nil), nil, "a")
	if err == nil || !strings.Contains(err.Error(), "invalid_client (bad client)") || strings.Contains(err.Error(), "super-secret") {
		t.Errorf("Authorize = %v, want the status and error code, not the body", err)
	}
}

func TestAuthorizeKinds(t *testing.T) {
	t.Setenv("CB_TOKEN", "tok-1")
	t.Setenv("CB_USER", "u")
	t.Setenv("CB_PASS", "p")
	t.Setenv("CB_KEY", "k-1")
	lt := newTestLive(t, "https://api.example.com", "", map[string]Credential{
		"bearer": {Kind: AuthBearer, TokenEnv: "CB_TOKEN"},
		"basic":  {Kind: AuthBasic, UsernameEnv: "CB_USER", PasswordEnv: "CB_PASS"},
		"key":    {Kind: AuthAPIKey, Header: "X-Gateway-Key", KeyEnv: "CB_KEY"},
		"unset":  {Kind: AuthBearer, TokenEnv: "CB_NOT_SET"},
		"oauth":  {Kind: AuthOAuth2, ClientID: "c", ClientSecretEnv: "CB_TOKEN"},
	})
	for _, tc := range []struct{ auth, header, want string }{
		{"bearer", "Authorization", "Bearer tok-1"},
		{"basic", "Authorization", "Basic dTpw"},
		{"key", "X-Gateway-Key", "k-1"},
		{"none", "Authorization", ""},
	} {
		req := httptest.NewRequest("GET", "https://api.example.com/x", nil)
		if err := lt.Authorize(t.Context(), req, nil, tc.auth); err != nil {
			t.Errorf("Authorize(%s): %v", tc.auth, err)
		}
		if got := req.Header.Get(tc.header); got != tc.want {
			t.Errorf("Authorize(%s): %s = %q, want %q", tc.auth, tc.header, got, tc.want)
		}
	}
	for _, tc := range []struct{ auth, want string }{
		{"unset", "tokenEnv names $CB_NOT_SET, which is not set"},
		{"bearr", `did you mean "bearer"?`},
		{"oauth", "has no tokenURL"},
	} {
		err := lt.Authorize(t.Context(), httptest.NewRequest("GET", "https://api.example.com/x", nil), nil, tc.auth)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Authorize(%s) = %v, want %q", tc.auth, err, tc.want)
		}
	}
}

func TestRedirectGuard(t *testing.T) {
	var seen sync.Map // path -> Authorization received
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Store("other", r.Header.Get("Authorization"))
	}))
	defer other.Close()
	var hits atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		seen.Store(r.URL.Path, r.Header.Get("Authorization")+"|"+r.Header.Get("X-Gateway-Key"))
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/stolen", http.StatusFound)
		case "/same":
			http.Redirect(w, r, "/landed", http.StatusFound)
		}
	}))
	defer api.Close()
	t.Setenv("CB_TOKEN", "tok-1")
	t.Setenv("CB_KEY", "k-1")
	lt := newTestLive(t, api.URL, "", map[string]Credential{
		"bearer": {Kind: AuthBearer, TokenEnv: "CB_TOKEN"},
		"key":    {Kind: AuthAPIKey, Header: "X-Gateway-Key", KeyEnv: "CB_KEY"},
	})
	do := func(path string) error {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", api.URL+path, nil)
		lt.Authorize(t.Context(), req, nil, "bearer")
		lt.Authorize(t.Context(), req, nil, "key")
		resp, err := lt.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	if err := do("/away"); err == nil || !strings.Contains(err.Error(), "a host the profile does not name") {
		t.Errorf("redirect to another host: %v, want it refused", err)
	}
	if _, ok := seen.Load("other"); ok {
		t.Errorf("the other host got a request")
	}
	if err := do("/same"); err != nil {
		t.Fatalf("same-host redirect: %v", err)
	}
	if got, _ := seen.Load("/landed"); got != "|" {
		t.Errorf("after a same-host redirect the server saw credentials %q, want none", got)
	}
	// A request built for another host is refused at the transport.
	req, _ := http.NewRequest("GET", other.URL+"/direct", nil)
	if _, err := lt.Client().Do(req); err == nil || !strings.Contains(err.Error(), "refusing to send") {
		t.Errorf("direct request to another host: %v, want refused", err)
	}
}

func TestScrubBlanksWhatWasSent(t *testing.T) {
	ts := newTokenServer(t, time.Hour)
	t.Setenv("CB_TOKEN", "user-token-123")
	t.Setenv("CB_USER", "someone")
	t.Setenv("CB_PASS", "password-456")
	t.Setenv("CB_KEY", "k")
	t.Setenv("CB_SECRET", "client-secret-789")
	lt := newTestLive(t, ts.URL, ts.URL+"/oauth/token", map[string]Credential{
		"bearer": {Kind: AuthBearer, TokenEnv: "CB_TOKEN"},
		"basic":  {Kind: AuthBasic, UsernameEnv: "CB_USER", PasswordEnv: "CB_PASS"},
		"short":  {Kind: AuthAPIKey, KeyEnv: "CB_KEY"},
		"oauth":  {Kind: AuthOAuth2, ClientID: "client-1", ClientSecretEnv: "CB_SECRET"},
	})
	var sent []string
	for _, auth := range []string{"bearer", "basic", "short", "oauth"} {
		req := httptest.NewRequest("GET", ts.URL+"/x", nil)
		if err := lt.Authorize(t.Context(), req, nil, auth); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, req.Header.Get("Authorization"))
	}
	echo := `{"headers":"` + strings.Join(sent, ",") + `","secret":"client-secret-789","password":"password-456","k":"k"}`
	got := string(lt.Scrub([]byte(echo)))
	for _, secret := range []string{"user-token-123", "password-456", "client-secret-789", "client-1-token-1", strings.TrimPrefix(sent[1], "Basic ")} {
		if strings.Contains(got, secret) {
			t.Errorf("Scrub left %q in %s", secret, got)
		}
	}
	if !strings.Contains(got, `"k":"k"`) {
		t.Errorf("Scrub blanked a one-letter key everywhere: %s", got)
	}
}

// TestLiveTokenRefreshedAtTheVendorsExpiry: over real HTTP against the
// mock standing in for the vendor, a token past its lifetime is refused
// by the vendor (401) and the live target fetches a new one, which is
// accepted. Both clocks are the test's: nothing waits for an hour to pass.
func TestLiveTokenRefreshedAtTheVendorsExpiry(t *testing.T) {
	const genesysSpec = "../../specs/genesys-cloud/openapi.yaml"
	s, err := spec.Load(genesysSpec)
	require.NoError(t, err)
	ov, err := mockserver.OverlayFor(genesysSpec)
	require.NoError(t, err)
	var ahead atomic.Int64 // how far both clocks are ahead of the real one
	now := func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	vendor, err := mockserver.New(mockserver.Config{Spec: s, Overlay: ov, Clock: shiftedClock(now)})
	require.NoError(t, err)
	require.NoError(t, vendor.Start())
	t.Cleanup(func() { _ = vendor.Close() })

	t.Setenv("CB_SECRET", "agent-secret")
	lt := newTestLive(t, vendor.URL(), vendor.TokenURL(), map[string]Credential{"agent": {Kind: AuthOAuth2, ClientID: "agent-client", ClientSecretEnv: "CB_SECRET"}})
	lt.tokens.now = now
	call := func(authorization string) int {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", vendor.URL()+"/api/v2/outbound/campaigns/campaign-predictive", nil)
		req.Header.Set("Authorization", authorization)
		resp, err := lt.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	authorize := func() string {
		req := httptest.NewRequest("GET", vendor.URL(), nil)
		require.NoError(t, lt.Authorize(t.Context(), req, s, "agent"))
		return req.Header.Get("Authorization")
	}

	first := authorize()
	require.Equal(t, 200, call(first), "the first token at the vendor")
	ahead.Store(int64(time.Hour + time.Second)) // the overlay's tokenLifetime is the default hour
	assert.Equal(t, 401, call(first), "the first token after its lifetime, at the vendor")
	second := authorize()
	assert.NotEqual(t, first, second, "the live target kept an expired token")
	assert.Equal(t, 200, call(second), "the new token at the vendor")
}

// shiftedClock is the mock's clock read from now; timers run on the wall
// clock (this test arms none).
type shiftedClock func() time.Time

func (c shiftedClock) Now() time.Time { return c() }

func (shiftedClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}
