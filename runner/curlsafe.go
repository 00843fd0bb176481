package runner

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/secret"
	"github.com/casebook-dev/casebook/internal/spec"
)

// A dry run prints each request as a curl command a person can read,
// check and run by hand. Credentials appear only as references to
// environment variables ("$GENESYS_CLIENT_SECRET", "Bearer $TOKEN"), never
// as values: the output gets pasted into tickets and chats.

// dryRun serialises the curl output of concurrent cases and remembers
// which token commands were already printed.
type dryRun struct {
	mu   sync.Mutex
	w    io.Writer
	seen map[string]bool
}

// curlAuth is a credential as shell: lines to run first (fetching a token)
// and request headers or -u user:password that reference variables.
type curlAuth struct {
	setup  []string
	header []string // -H arguments, quoted
	user   string   // -u argument, quoted
}

// printCurl writes the case's request as curl and sends nothing. The
// request is recorded (redacted) in the result as a send would record it.
func (r *Runner) printCurl(ctx context.Context, s *spec.Spec, c *casefile.Case, p *prepared, res *Result) error {
	base, err := r.target.BaseURL(ctx, s)
	if err != nil {
		return err
	}
	req, err := p.httpRequest(ctx, base)
	if err != nil {
		return err
	}
	ca, err := curlCredential(r.target, c.Auth)
	if err != nil {
		return err
	}
	res.Request = &Request{Method: req.Method, URL: req.URL.Redacted(), Header: secret.RedactHeader(req.Header), Body: p.body}
	d := r.dry
	d.mu.Lock()
	defer d.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: case %s (target %s)\n", c.Pos, c.Name, r.target.Name())
	for _, line := range ca.setup {
		if !d.seen[line] {
			d.seen[line] = true
			b.WriteString(line + "\n")
		}
	}
	b.WriteString(curlCommand(req.Method, req.URL.Redacted(), secret.RedactHeader(req.Header), p.body, ca))
	b.WriteString("\n")
	_, err = io.WriteString(d.w, b.String())
	return err
}

// curlCommand renders one request. Header values are single-quoted
// (literal); credentials are double-quoted so their $VARIABLES expand.
func curlCommand(method, url string, h http.Header, body []byte, ca curlAuth) string {
	parts := []string{"curl -sS"}
	if method != http.MethodGet || len(body) > 0 {
		parts = append(parts, "-X "+method)
	}
	parts = append(parts, shellQuote(url))
	if ca.user != "" {
		parts = append(parts, "-u "+ca.user)
	}
	for _, arg := range ca.header {
		parts = append(parts, "-H "+arg)
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range h[k] {
			parts = append(parts, "-H "+shellQuote(k+": "+v))
		}
	}
	if len(body) > 0 {
		parts = append(parts, "--data-binary "+shellQuote(string(body)))
	}
	return strings.Join(parts, " \\\n  ")
}

// shellQuote quotes s for a POSIX shell, literally.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellVar is "$NAME" for use inside double quotes.
func shellVar(name string) string { return "$" + name }

// dqEscape escapes s for use inside double quotes.
func dqEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`, "`", "\\`").Replace(s)
}

var notVarChar = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// tokenVar names the shell variable holding the token of credential auth.
func tokenVar(auth string) string {
	return "TOKEN_" + strings.ToUpper(strings.Trim(notVarChar.ReplaceAllString(auth, "_"), "_"))
}

// curlCredential shows the credential auth names on target t as shell.
func curlCredential(t Target, auth string) (curlAuth, error) {
	if auth == "" || auth == "none" {
		return curlAuth{}, nil
	}
	switch t := t.(type) {
	case *LiveTarget:
		return t.curlAuth(auth)
	case *URLTarget:
		return curlAuth{}, t.Authorize(context.Background(), nil, nil, auth)
	}
	// The mock, or a target casebook does not know: a token it issues.
	v := tokenVar(auth)
	return curlAuth{
		setup:  []string{fmt.Sprintf("# %s: a token of client %q of target %s (for the mock: its overlay's client, from /oauth/token)", v, auth, t.Name())},
		header: []string{`"Authorization: Bearer ` + shellVar(v) + `"`},
	}, nil
}

// curlAuth shows a live credential: its variables, never their values.
func (l *LiveTarget) curlAuth(auth string) (curlAuth, error) {
	cr, err := l.credential(auth)
	if err != nil {
		return curlAuth{}, err
	}
	switch cr.Kind {
	case AuthOAuth2:
		v := tokenVar(auth)
		id := dqEscape(cr.ClientID)
		if cr.ClientIDEnv != "" {
			id = shellVar(cr.ClientIDEnv)
		}
		form := "-d grant_type=client_credentials"
		if len(cr.Scopes) > 0 {
			form += " --data-urlencode " + shellQuote("scope="+strings.Join(cr.Scopes, " "))
		}
		fetch := fmt.Sprintf(`%s=$(curl -sS -u "%s:%s" %s %s | jq -r .access_token)`,
			v, id, shellVar(cr.ClientSecretEnv), form, shellQuote(cmp.Or(cr.TokenURL, l.cfg.TokenURL)))
		return curlAuth{setup: []string{fetch}, header: []string{`"Authorization: Bearer ` + shellVar(v) + `"`}}, nil
	case AuthBearer:
		return curlAuth{header: []string{`"Authorization: Bearer ` + shellVar(cr.TokenEnv) + `"`}}, nil
	case AuthBasic:
		user := dqEscape(cr.Username)
		if cr.UsernameEnv != "" {
			user = shellVar(cr.UsernameEnv)
		}
		return curlAuth{user: `"` + user + ":" + shellVar(cr.PasswordEnv) + `"`}, nil
	case AuthAPIKey:
		h := apiKeyHeader(cr)
		return curlAuth{header: []string{`"` + dqEscape(h) + ": " + shellVar(cr.KeyEnv) + `"`}}, nil
	}
	return curlAuth{}, &AuthError{Auth: auth, Msg: fmt.Sprintf("unknown credential kind %q", cr.Kind)}
}

// headerNames lists the names set in h, to tell afterwards which ones a
// target's Authorize added.
func headerNames(h http.Header) map[string]bool {
	out := make(map[string]bool, len(h))
	for k := range h {
		out[k] = true
	}
	return out
}

// recordRequest is req as a report may keep it: secret-named headers
// redacted, and every header Authorize added (an API key under any name)
// replaced by secret.Redacted too.
func recordRequest(req *http.Request, body []byte, before map[string]bool) *Request {
	h := secret.RedactHeader(req.Header)
	for k, vs := range h {
		if before[k] || secret.Name(k) {
			continue
		}
		for i := range vs {
			vs[i] = secret.Redacted
		}
	}
	return &Request{Method: req.Method, URL: req.URL.Redacted(), Header: h, Body: body}
}
