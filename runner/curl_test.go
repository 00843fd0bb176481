package runner_test

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/curl"
	"github.com/casebook-dev/casebook/runner"
)

// TestCurlThroughShell runs what `casebook curl` prints for a case in a
// real shell, with curl replaced by a function that prints its arguments,
// and parses them back: the case's variables and credential come from the
// environment, everything else arrives as the runner would send it.
func TestCurlThroughShell(t *testing.T) {
	c := &casefile.Case{
		Name: "pc-call", Auth: "pc-dialer",
		Request: casefile.Request{
			Method: "POST", Path: "/api/v2/campaigns/{campaignId}/calls",
			PathParams: map[string]string{"campaignId": "c 1/${CAMPAIGN}"},
			Query:      map[string][]string{"dry": {"it's"}},
			Headers:    map[string]string{"X-Api-Key": "sk-live-123", "X-Request-Id": "${REQ_ID}"},
			Body:       &casefile.Value{V: map[string]any{"to": "+1555", "note": `it's "quoted" $HOME <b>`, "who": "${AGENT}"}},
		},
	}
	var out bytes.Buffer
	require.NoError(t, runner.Curl(&out, []*runner.Case{c}, ""))
	assert.NotContains(t, out.String(), "sk-live-123", "the case's API key is written out")
	for _, want := range []string{
		`# CASEBOOK_TOKEN_PC_DIALER: a token of credential "pc-dialer"`,
		"# CASEBOOK_X_API_KEY: the value of the X-Api-Key header",
		"# CASEBOOK_BASE_URL: where to send it",
	} {
		assert.Contains(t, out.String(), want)
	}

	sh, err := exec.LookPath("sh")
	require.NoError(t, err, "the test needs a POSIX shell")
	cmd := exec.Command(sh, "-c", "curl() { for a in \"$@\"; do printf '%s\\0' \"$a\"; done; }\n"+out.String())
	cmd.Env = []string{"CASEBOOK_BASE_URL=http://127.0.0.1:8080/", "CASEBOOK_TOKEN_PC_DIALER=tok-1", "CASEBOOK_X_API_KEY=key-1",
		"CAMPAIGN=c2", "AGENT=agent-7", "REQ_ID=r-9", "HOME=/root"}
	args, err := cmd.Output()
	require.NoError(t, err, "sh:\n%s", out.String())
	got, err := curl.Parse(strings.Split(strings.TrimSuffix(string(args), "\x00"), "\x00"), nil)
	require.NoError(t, err)
	assert.Equal(t, "POST", got.Method)
	assert.Equal(t, "http://127.0.0.1:8080/api/v2/campaigns/c%201%2Fc2/calls?dry=it%27s", got.URL)
	assert.Equal(t, "Bearer tok-1", got.Header.Get("Authorization"))
	assert.Equal(t, "key-1", got.Header.Get("X-Api-Key"))
	assert.Equal(t, "r-9", got.Header.Get("X-Request-Id"))
	assert.Equal(t, "application/json", got.Header.Get("Content-Type"))
	// The runner's own encoding: no HTML escaping, keys sorted.
	assert.Equal(t, `{"note":"it's \"quoted\" $HOME <b>","to":"+1555","who":"agent-7"}`, string(got.Body))
}
