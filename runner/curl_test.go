package runner_test

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/curl"
	"github.com/casebook-dev/casebook/internal/target"
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

// TestCurlFollowsSecurityScheme: the credential goes out as the
// operation's security scheme takes it, not as a Bearer token always,
// and only as a reference to a variable.
func TestCurlFollowsSecurityScheme(t *testing.T) {
	const schemes = "../mockserver/testdata/schemes.yaml"
	for _, tc := range []struct {
		path string
		want string // the line of the curl command carrying the credential
		note string
	}{
		{"/basic", `-u "${CASEBOOK_BASIC_CLIENT}"`, `# CASEBOOK_BASIC_CLIENT: id:secret of credential "client", sent as HTTP Basic`},
		{"/key", `-H "X-Api-Key: ${CASEBOOK_TOKEN_CLIENT}"`, "# CASEBOOK_TOKEN_CLIENT: a token of credential \"client\", sent as the API key X-Api-Key (in header)"},
		{"/qkey", `"${CASEBOOK_BASE_URL%/}/qkey?api_key=${CASEBOOK_TOKEN_CLIENT}"`, "sent as the API key api_key (in query)"},
		{"/ckey", `-H "Cookie: session=${CASEBOOK_TOKEN_CLIENT}"`, "sent as the API key session (in cookie)"},
		{"/either", `-u "${CASEBOOK_BASIC_CLIENT}"`, "sent as HTTP Basic"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			c := &casefile.Case{Name: "scheme", Auth: "client", SpecPath: schemes,
				Request: casefile.Request{Method: "GET", Path: tc.path}}
			var out bytes.Buffer
			require.NoError(t, runner.Curl(&out, []*runner.Case{c}, ""))
			assert.Contains(t, out.String(), tc.want)
			assert.Contains(t, out.String(), tc.note)
			assert.NotContains(t, out.String(), "Bearer")
		})
	}
}

// TestDryRunFollowsSecurityScheme: run --dry-run against the built-in mock
// prints the credential the way the mock takes it for that operation.
func TestDryRunFollowsSecurityScheme(t *testing.T) {
	c := &casefile.Case{Name: "basic", Auth: "default", SpecPath: "../mockserver/testdata/schemes.yaml",
		Request: casefile.Request{Method: "GET", Path: "/basic"}}
	tg := target.NewMockTarget()
	defer tg.Close()
	var out bytes.Buffer
	r := runner.New(runner.Options{Target: tg, DryRun: &out, Concurrency: 1})
	defer r.Close()
	res := r.Run(context.Background(), []*runner.Case{c})
	require.Len(t, res, 1)
	assert.Equal(t, runner.Skipped, res[0].Status, res[0].Reason)
	assert.Contains(t, out.String(), `-u "${CASEBOOK_BASIC_DEFAULT}"`)
	assert.Contains(t, out.String(), `# CASEBOOK_BASIC_DEFAULT: id:secret of the mock overlay's client "default"`)
	assert.NotContains(t, out.String(), "Bearer")
}
