package target

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// tokenError keeps what a token endpoint's error says (status, RFC 6749
// error code and description) and drops the raw body x/oauth2 would print.
func tokenError(err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return err
	}
	msg := ""
	if re.Response != nil {
		msg = re.Response.Status
	}
	if re.ErrorCode != "" {
		msg += ": " + re.ErrorCode
	}
	if re.ErrorDescription != "" {
		msg += " (" + re.ErrorDescription + ")"
	}
	return errors.New(strings.TrimPrefix(msg, ": "))
}

// tokenCache holds one token source per token URL, client and scope set,
// shared by every case and credential that names the same client: fetching
// a token per request (or per credential name) is how a run trips the
// vendor's token rate limit (Schemathesis #1775 was this bug).
type tokenCache struct {
	mu      sync.Mutex
	m       map[string]*cachedToken
	clients map[overlayClient]*cachedToken // m's entries of overlay clients (forClient)
	// now is the clock tokens age by (nil: time.Now); tests set it.
	now func() time.Time
}

func (c *tokenCache) get(cc *clientcredentials.Config) *cachedToken {
	scopes := slices.Clone(cc.Scopes)
	slices.Sort(scopes)
	scopes = slices.Compact(scopes)
	key := cc.TokenURL + "\x00" + cc.ClientID + "\x00" + secretKey(cc.ClientSecret) + "\x00" + strings.Join(scopes, " ")
	return c.entry(key, func() func(context.Context) (*oauth2.Token, error) {
		cc.Scopes = scopes // one spelling of the set, whichever credential asks first
		return cc.Token
	})
}

// getPassword is get for the resource owner password grant (RFC 6749
// section 4.3): one token per token URL, application and user.
func (c *tokenCache) getPassword(cfg *oauth2.Config, username, password string) *cachedToken {
	key := "password\x00" + cfg.Endpoint.TokenURL + "\x00" + cfg.ClientID + "\x00" + secretKey(cfg.ClientSecret) +
		"\x00" + username + "\x00" + secretKey(password)
	return c.entry(key, func() func(context.Context) (*oauth2.Token, error) {
		return func(ctx context.Context) (*oauth2.Token, error) {
			return cfg.PasswordCredentialsToken(ctx, username, password)
		}
	})
}

// secretKey stands for a secret in a cache key: two credentials naming one
// client with different secrets must not share a token only one could get.
func secretKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// entry returns the cached token under key, made with fetcher's fetch on first use.
func (c *tokenCache) entry(key string, fetcher func() func(context.Context) (*oauth2.Token, error)) *cachedToken {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.m[key]
	if t == nil {
		t = &cachedToken{fetch: fetcher(), now: c.now}
		if t.now == nil {
			t.now = time.Now
		}
		c.m[key] = t
	}
	return t
}

// tokenFor returns the token, cached or fetched through client; a failure
// is an *AuthError naming auth and the token URL, and keeping no body.
func (t *cachedToken) tokenFor(ctx context.Context, client *http.Client, auth, tokenURL string) (*oauth2.Token, error) {
	tok, err := t.Token(context.WithValue(ctx, oauth2.HTTPClient, client))
	if err != nil {
		return nil, &AuthError{Auth: auth, Msg: "token request to " + tokenURL + " failed", Err: tokenError(err)}
	}
	return tok, nil
}

// cachedToken is one client's token, refreshed shortly before it expires.
// Unlike oauth2.ReuseTokenSource it fetches under the caller's context, so
// Ctrl-C and the per-request timeout reach the token request too. One
// fetch at a time: concurrent cases wait for it rather than each fetching.
type cachedToken struct {
	mu      sync.Mutex
	fetch   func(context.Context) (*oauth2.Token, error)
	tok     *oauth2.Token
	fetched time.Time
	now     func() time.Time
}

// Token returns the cached token or fetches a new one.
func (t *cachedToken) Token(ctx context.Context) (*oauth2.Token, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fresh(t.now()) {
		return t.tok, nil
	}
	tok, err := t.fetch(ctx)
	if err != nil {
		return nil, err
	}
	t.tok, t.fetched = tok, t.now()
	return tok, nil
}

// fresh: the token has more than a quarter of its life (at most 10s) left.
// x/oauth2's fixed 10s margin would refetch on every request a token that
// lives only seconds.
func (t *cachedToken) fresh(now time.Time) bool {
	if t.tok == nil || t.tok.AccessToken == "" {
		return false
	}
	if t.tok.Expiry.IsZero() {
		return true
	}
	margin := min(10*time.Second, t.tok.Expiry.Sub(t.fetched)/4)
	return now.Add(margin).Before(t.tok.Expiry)
}
