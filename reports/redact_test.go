package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/casebook-dev/casebook/internal/results"
)

// A JSON body that is an array is redacted like an object: a batch of
// credentials sent or echoed back must not reach any report.
func TestArrayBodiesRedacted(t *testing.T) {
	rs := richResults()
	r := rs[0]
	r.Request = &results.Request{Method: "POST", URL: "http://h/batch",
		Body: []byte(`[{"password":"arr-pass-1","user":"u"},[{"client_secret":"arr-secret-2"}]]`)}
	r.Response = &results.Response{Status: 400,
		Body: []byte(` [ {"access_token" : "arr-token-3"} ] `)}
	var text bytes.Buffer
	require.NoError(t, Text(&text, rs, Options{Verbose: true}))
	outs := map[string]string{
		"text":  text.String(),
		"json":  string(renderJSON(t, rs)),
		"junit": string(renderJUnit(t, rs)),
		"html":  string(renderHTML(t, rs)),
	}
	for format, out := range outs {
		if !strings.Contains(out, "access_token") {
			// The answer must be in the report at all for the check to mean something.
			t.Errorf("%s report does not show the answer's body", format)
		}
		for _, s := range []string{"arr-pass-1", "arr-secret-2", "arr-token-3"} {
			if strings.Contains(out, s) {
				t.Errorf("%s report contains the secret %q of an array body", format, s)
			}
		}
	}
}

func TestRedactBodyArrays(t *testing.T) {
	got := string(redactBody([]byte(`[{"password":"p","n":1},"password"]`)))
	require.Equal(t, `[{"n":1,"password":"REDACTED"},"password"]`, got)
}

// redactURL's shortcut (no '@', no '?': nothing to redact) gives what
// parsing gives.
func FuzzRedactURL(f *testing.F) {
	for _, seed := range []string{"", "http://127.0.0.1:1/api/v2/users/me", "https://u:pw@h/p?access_token=t&q=1", "::bad",
		"http://h/p#frag@x", "http://h/%40/p", "//u:p@h", "http://[::1]:80/p", "http://h/p?", "mailto:a@b", "http://u:p%40@h/"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if got, want := redactURL(raw), parseAndRedactURL(raw); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", raw, got, want)
		}
	})
}
