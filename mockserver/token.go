package mockserver

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"
)

// grant is what an access token stands for.
type grant struct {
	client  *Client
	scopes  []string
	expires time.Time // zero: never (a static token from the overlay)
}

func (g *grant) hasScope(scope string) bool {
	for _, s := range g.scopes {
		if s == scope || s == "*" {
			return true
		}
	}
	return false
}

// MaxLiveTokens is how many issued tokens the mock holds at once. A token
// is forgotten only when it expires, never earlier: a client holding one
// within its expires_in is always let in. Past this many live tokens the
// token endpoint answers 429 with Retry-After (until the oldest expires),
// so a loop fetching tokens cannot exhaust memory (about 250 bytes each).
const MaxLiveTokens = 100_000

// tokenStore holds the tokens the mock issued. Tokens are opaque random
// strings, so a client cannot forge one or read its grants from it, as with
// a real vendor.
type tokenStore struct {
	mu     sync.Mutex
	tokens map[string]*grant
	// order is the issued tokens in issue order, which is expiry order:
	// every token gets the same lifetime. Expired ones are dropped from
	// its front at each issue.
	order    []string
	lifetime time.Duration
	now      func() time.Time
	max      int
}

func newTokenStore(lifetime time.Duration) *tokenStore {
	return &tokenStore{tokens: map[string]*grant{}, lifetime: lifetime, now: time.Now, max: MaxLiveTokens}
}

// addStatic registers a pre-issued token that never expires. Static tokens
// come from the overlay and do not count towards MaxLiveTokens.
func (ts *tokenStore) addStatic(token string, c *Client) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.tokens[token] = &grant{client: c, scopes: c.Scopes}
}

// issue makes a new token for the client with the scopes granted. When the
// store already holds its maximum of live tokens it issues none and says
// how long until the oldest expires.
func (ts *tokenStore) issue(c *Client, scopes []string) (tok string, life time.Duration, full bool, wait time.Duration) {
	var b [32]byte
	_, _ = rand.Read(b[:])
	tok = base64.RawURLEncoding.EncodeToString(b[:])
	ts.mu.Lock()
	defer ts.mu.Unlock()
	now := ts.now()
	ts.dropExpired(now)
	if len(ts.order) >= ts.max {
		return "", 0, true, ts.tokens[ts.order[0]].expires.Sub(now)
	}
	ts.tokens[tok] = &grant{client: c, scopes: scopes, expires: now.Add(ts.lifetime)}
	ts.order = append(ts.order, tok)
	return tok, ts.lifetime, false, 0
}

// dropExpired forgets the tokens that expired by now, oldest first. The
// caller holds mu.
func (ts *tokenStore) dropExpired(now time.Time) {
	i := 0
	for ; i < len(ts.order); i++ {
		if now.Before(ts.tokens[ts.order[i]].expires) {
			break
		}
		delete(ts.tokens, ts.order[i])
	}
	ts.order = ts.order[i:]
}

// lookup finds a token's grant; found is false for an unknown or expired token.
func (ts *tokenStore) lookup(tok string) (*grant, bool) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	g := ts.tokens[tok]
	if g == nil || (!g.expires.IsZero() && !ts.now().Before(g.expires)) {
		return nil, false
	}
	return g, true
}
