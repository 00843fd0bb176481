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

// tokenStore holds the tokens the mock issued. Tokens are opaque random
// strings, so a client cannot forge one or read its grants from it, as with
// a real vendor. The store is bounded: past maxTokens, expired tokens are
// dropped, then the oldest, so a loop fetching tokens cannot exhaust memory.
type tokenStore struct {
	mu       sync.Mutex
	tokens   map[string]*grant
	order    []string // issue order, for eviction
	lifetime time.Duration
	now      func() time.Time
}

const maxTokens = 10000

func newTokenStore(lifetime time.Duration) *tokenStore {
	return &tokenStore{tokens: map[string]*grant{}, lifetime: lifetime, now: time.Now}
}

// addStatic registers a pre-issued token that never expires.
func (ts *tokenStore) addStatic(token string, c *Client) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.tokens[token] = &grant{client: c, scopes: c.Scopes}
}

// issue makes a new token for the client with the scopes granted.
func (ts *tokenStore) issue(c *Client, scopes []string) (string, time.Duration) {
	var b [32]byte
	_, _ = rand.Read(b[:])
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if len(ts.order) >= maxTokens {
		ts.evict()
	}
	ts.tokens[tok] = &grant{client: c, scopes: scopes, expires: ts.now().Add(ts.lifetime)}
	ts.order = append(ts.order, tok)
	return tok, ts.lifetime
}

// evict drops expired tokens, and the oldest half when none has expired.
// The caller holds mu.
func (ts *tokenStore) evict() {
	now := ts.now()
	kept := ts.order[:0]
	for _, t := range ts.order {
		if g := ts.tokens[t]; g != nil && now.Before(g.expires) {
			kept = append(kept, t)
		} else {
			delete(ts.tokens, t)
		}
	}
	if len(kept) >= maxTokens {
		for _, t := range kept[:len(kept)/2] {
			delete(ts.tokens, t)
		}
		kept = append([]string(nil), kept[len(kept)/2:]...)
	}
	ts.order = kept
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
