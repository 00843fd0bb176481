package curl

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shellArgs runs script in a real shell with curl replaced by a function
// that prints its arguments, and returns them: what curl would receive.
func shellArgs(t *testing.T, script string, env ...string) []string {
	t.Helper()
	sh, err := exec.LookPath("sh")
	require.NoError(t, err, "the tests need a POSIX shell")
	cmd := exec.Command(sh, "-c", "curl() { for a in \"$@\"; do printf '%s\\0' \"$a\"; done; }\n"+script)
	cmd.Env = env
	out, err := cmd.Output()
	require.NoError(t, err, "sh -c %s", script)
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

// caseCommand is a case's request as `casebook curl` renders it: its
// ${NAME} variables left to the shell.
func caseCommand() *Command {
	return &Command{
		Method: "POST",
		Path:   "/api/v2/campaigns/c%201%2F${CAMPAIGN}/calls",
		Query:  url.Values{"dry": {"it's"}},
		Header: http.Header{"X-Api-Key": {"sk-live-123"}, "X-Request-Id": {"${REQ_ID}"}, "Content-Type": {"application/json"}},
		Body:   []byte(`{"note":"it's \"quoted\" $HOME","to":"+1555","who":"${AGENT}"}`),
		Refs:   true,
		Auth:   Bearer(TokenVar("pc-dialer"), `a token of credential "pc-dialer"`),
	}
}

// TestCommandThroughShell: the shell quoting, the variables and Parse agree.
func TestCommandThroughShell(t *testing.T) {
	setup, cmd := caseCommand().Lines()
	args := shellArgs(t, cmd, "CASEBOOK_BASE_URL=http://127.0.0.1:8080/", "CASEBOOK_TOKEN_PC_DIALER=tok-1",
		"CASEBOOK_X_API_KEY=key-1", "CAMPAIGN=c2", "AGENT=agent-7", "REQ_ID=r-9", "HOME=/root")
	got, err := Parse(args, nil)
	require.NoError(t, err, "Parse(%q)", args)
	assert.Equal(t, "POST", got.Method)
	assert.Equal(t, "http://127.0.0.1:8080/api/v2/campaigns/c%201%2Fc2/calls?dry=it%27s", got.URL)
	assert.Equal(t, "Bearer tok-1", got.Header.Get("Authorization"))
	assert.Equal(t, "key-1", got.Header.Get("X-Api-Key"))
	assert.Equal(t, "r-9", got.Header.Get("X-Request-Id"))
	var body map[string]any
	require.NoError(t, json.Unmarshal(got.Body, &body), "body %q", got.Body)
	assert.Equal(t, "agent-7", body["who"], "the variable expands")
	assert.Equal(t, `it's "quoted" $HOME`, body["note"], "the literal $HOME does not")
	assert.Contains(t, setup, `# CASEBOOK_TOKEN_PC_DIALER: a token of credential "pc-dialer"`)
	assert.Contains(t, setup, "# CASEBOOK_X_API_KEY: the value of the X-Api-Key header")
}

// TestLiteralCommandThroughShell: a request as it will be sent (a dry run)
// reaches curl byte for byte, whatever it holds that looks like shell.
func TestLiteralCommandThroughShell(t *testing.T) {
	body := `{"name":"O'Brien","note":"$HOME \"quoted\" ` + "`x`" + ` ${AGENT}"}`
	c := &Command{
		Method: "POST", Base: "https://api.example.com", Path: "/a",
		Query:  url.Values{"b": {"c"}, "d": {"'e' ${F}"}},
		Header: http.Header{"Content-Type": {"application/json"}, "X-Weird": {`a'b"c`}},
		Body:   []byte(body),
		Auth:   Bearer("CASEBOOK_TOKEN_AGENT", ""),
	}
	_, cmd := c.Lines()
	got := shellArgs(t, cmd, "CASEBOOK_TOKEN_AGENT=tok", "AGENT=no", "HOME=/root")
	want := []string{"-sS", "-X", "POST", "https://api.example.com/a?b=c&d=%27e%27+%24%7BF%7D", "-H", "Authorization: Bearer tok",
		"-H", "Content-Type: application/json", "-H", `X-Weird: a'b"c`, "--data-raw", body}
	assert.Equal(t, want, got, "command:\n%s", cmd)
}

// TestCredentialsBecomeVariables: a credential the request carries is
// never written, and each variable's comment says what it holds, which is
// what the shell then sends.
func TestCredentialsBecomeVariables(t *testing.T) {
	c := &Command{
		Method: "POST", Base: "http://127.0.0.1:8080", Path: "/token",
		Query:  url.Values{"access_token": {"qs-secret-1"}},
		Header: http.Header{"Authorization": {"Basic aGVsbG8="}},
		Form:   url.Values{"grant_type": {"client_credentials"}, "client_secret": {"form-secret-2"}},
	}
	setup, cmd := c.Lines()
	all := strings.Join(setup, "\n") + "\n" + cmd
	for _, s := range []string{"qs-secret-1", "aGVsbG8=", "form-secret-2"} {
		assert.NotContains(t, all, s)
	}
	assert.Equal(t, []string{
		"# CASEBOOK_ACCESS_TOKEN: the value of the access_token query parameter",
		`# CASEBOOK_AUTHORIZATION: the credentials of the Authorization header, after "Basic "`,
		"# CASEBOOK_CLIENT_SECRET: the value of the client_secret form field",
	}, setup)
	got := shellArgs(t, cmd, "CASEBOOK_ACCESS_TOKEN=a", "CASEBOOK_AUTHORIZATION=b", "CASEBOOK_CLIENT_SECRET=c")
	assert.Equal(t, []string{"-sS", "-X", "POST", "http://127.0.0.1:8080/token?access_token=a", "-H", "Authorization: Basic b",
		"--data-urlencode", "client_secret=c", "--data-urlencode", "grant_type=client_credentials"}, got)
}

func TestAuthKinds(t *testing.T) {
	for _, tc := range []struct {
		name  string
		auth  Auth
		setup []string
		args  []string
	}{
		{"bearer", Bearer("USER_TOKEN", ""), nil, []string{"-H", "Authorization: Bearer u-tok"}},
		{"api key", APIKey("X-Gateway-Key", "KEY"), nil, []string{"-H", "X-Gateway-Key: k-1"}},
		{"basic from variables", Basic("", "USER", "PASS"), nil, []string{"-u", "someone:p w"}},
		{"basic with a written user", Basic(`o"neil`, "", "PASS"), nil, []string{"-u", `o"neil:p w`}},
		{
			"client credentials", ClientCredentials("pc-service", "", "CLIENT_ID", "CLIENT_SECRET", []string{"a", "b"}, "https://login.example.com/oauth/token"),
			[]string{`CASEBOOK_TOKEN_PC_SERVICE=$(curl -sS -u "${CLIENT_ID}:${CLIENT_SECRET}" -d grant_type=client_credentials --data-urlencode 'scope=a b' https://login.example.com/oauth/token | jq -r .access_token)`},
			[]string{"-H", "Authorization: Bearer svc-tok"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			setup, cmd := (&Command{Method: "GET", Base: "https://api.example.com", Path: "/x", Auth: tc.auth}).Lines()
			assert.Equal(t, tc.setup, setup)
			got := shellArgs(t, cmd, "USER_TOKEN=u-tok", "KEY=k-1", "USER=someone", "PASS=p w", "CASEBOOK_TOKEN_PC_SERVICE=svc-tok")
			assert.Equal(t, append([]string{"-sS", "https://api.example.com/x"}, tc.args...), got)
		})
	}
}

func TestVariableNames(t *testing.T) {
	for in, want := range map[string]string{"agent": "CASEBOOK_TOKEN_AGENT", "agent-no-station": "CASEBOOK_TOKEN_AGENT_NO_STATION", "pc.service": "CASEBOOK_TOKEN_PC_SERVICE", "-x--y-": "CASEBOOK_TOKEN_X_Y"} {
		assert.Equal(t, want, TokenVar(in), "TokenVar(%q)", in)
	}
	assert.Equal(t, "CASEBOOK_X_API_KEY", Var("X-Api-Key"))
}

// TestWriterSetupOnce: a token request shared by commands is printed once.
func TestWriterSetupOnce(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	auth := ClientCredentials("agent", "id-1", "", "SECRET", nil, "https://login.example.com/oauth/token")
	for _, p := range []string{"/a", "/b"} {
		require.NoError(t, w.Write(&Command{Comment: "case " + p, Method: "GET", Base: "https://api.example.com", Path: p, Auth: auth}))
	}
	assert.Equal(t, 1, strings.Count(b.String(), "CASEBOOK_TOKEN_AGENT=$("), b.String())
	assert.Contains(t, b.String(), "# case /a\n")
	assert.Contains(t, b.String(), "\n\n# case /b\ncurl -sS")
}
