package runner

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/target"
)

// writeConfig writes casebook.yaml into a temporary folder and loads it.
func writeConfig(t *testing.T, yaml string) (*Config, error) {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, ConfigFile)
	if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return LoadConfig(p)
}

const liveConfig = `
targets:
  live:
    kind: genesys
    region: mypurecloud.ie
  standin:
    kind: genesys
    baseURL: http://127.0.0.1:4010
    tokenURL: http://127.0.0.1:4010/oauth/token
    allowHTTP: true
  staging:
    kind: url
    baseURL: https://staging.example.com
credentials:
  default:
    kind: oauth2
    clientIdEnv: GENESYS_CLIENT_ID
    clientSecretEnv: GENESYS_CLIENT_SECRET
  agent:
    kind: bearer
    tokenEnv: GENESYS_USER_TOKEN
vars:
  CAMPAIGN_ID: campaign-predictive
`

func TestTargetNames(t *testing.T) {
	cfg, err := writeConfig(t, liveConfig)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, want string }{
		{"mock", "*target.MockTarget"},
		{"", "*target.MockTarget"},
		{"http://127.0.0.1:9999", "*target.URLTarget"},
		{"staging", "*target.URLTarget"},
		{"standin", "*target.LiveTarget"},
	} {
		tg, err := cfg.Target(tc.name, TargetOptions{})
		if err != nil {
			t.Errorf("Target(%q): %v", tc.name, err)
			continue
		}
		if got := typeName(tg); got != tc.want {
			t.Errorf("Target(%q) = %s, want %s", tc.name, got, tc.want)
		}
		tg.Close()
	}
	_, err = cfg.Target("stagin", TargetOptions{})
	var ue *UsageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), `did you mean "staging"`) {
		t.Errorf("Target(stagin) = %v, want a UsageError suggesting staging", err)
	}
	a, b, err := cfg.TargetPair("mock,standin", TargetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "mock", a.Name())
	assert.Equal(t, "standin", b.Name())
	_, _, err = cfg.TargetPair("mock", TargetOptions{})
	assert.ErrorContains(t, err, "want two targets to compare")
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }

func TestConfigErrorsNamePlaces(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string
		notWant    string
	}{
		{
			name: "unknown region suggests the nearest",
			yaml: "targets:\n  live:\n    kind: genesys\n    region: mypurecloud.i\n",
			want: []string{":4:13:", "targets.live.region", `did you mean "mypurecloud.ie"?`},
		},
		{
			name: "region and baseURL together",
			yaml: "targets:\n  live:\n    kind: genesys\n    region: mypurecloud.ie\n    baseURL: https://x\n",
			want: []string{":3:5:", "not both"},
		},
		{
			name: "unknown kind",
			yaml: "targets:\n  live:\n    kind: genesis\n",
			want: []string{":3:11:", `did you mean "genesys"?`},
		},
		{
			name:    "credentials in a URL",
			yaml:    "targets:\n  gw:\n    kind: live\n    baseURL: https://user:hunter2@gw.example.com\n",
			want:    []string{":4:14:", "holds credentials"},
			notWant: "hunter2",
		},
		{
			// A secret pasted where a variable name belongs is refused without echoing it.
			name:    "a secret instead of a variable name",
			yaml:    "credentials:\n  default:\n    kind: oauth2\n    clientId: abc\n    clientSecretEnv: s3cr3t-value/with+chars\n",
			want:    []string{":5:22:", "not a value"},
			notWant: "s3cr3t",
		},
		{
			// The strict decoder: there is no field that could hold a secret.
			name: "clientSecret is not a field",
			yaml: "credentials:\n  default:\n    kind: oauth2\n    clientId: abc\n    clientSecret: x\n",
			want: []string{`did you mean "clientSecretEnv"?`},
		},
		{
			name: "field of another kind",
			yaml: "credentials:\n  t:\n    kind: bearer\n    tokenEnv: T\n    scopes: [a]\n",
			want: []string{"credentials.t.scopes", "a bearer credential takes tokenEnv"},
		},
		{
			name: "conformance is fail or warn",
			yaml: "conformance: warning\n",
			want: []string{":1:14:", "conformance", `did you mean "warn"?`},
		},
		{
			name: "oauth2 without a client id",
			yaml: "credentials:\n  d:\n    kind: oauth2\n    clientSecretEnv: S\n",
			want: []string{"needs one of clientId or clientIdEnv"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := writeConfig(t, tc.yaml)
			if err == nil {
				t.Fatalf("LoadConfig succeeded, want an error containing %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("LoadConfig error = %q, want it to contain %q", err, w)
				}
			}
			if tc.notWant != "" && strings.Contains(err.Error(), tc.notWant) {
				t.Errorf("LoadConfig error = %q, repeats %q", err, tc.notWant)
			}
		})
	}
}

func TestRunVarsOrder(t *testing.T) {
	cfg := &Config{Vars: map[string]string{"A": "config", "B": "config", "C": "config"}}
	t.Setenv("B", "env")
	t.Setenv("C", "env")
	got := cfg.RunVars(map[string]string{"C": "flag"})
	// A: only the config has it. B: the environment wins, so it is left to
	// the runner's environment lookup. C: --var beats both.
	if got["A"] != "config" || got["C"] != "flag" {
		t.Errorf("RunVars = %v, want A=config C=flag", got)
	}
	if _, ok := got["B"]; ok {
		t.Errorf("RunVars = %v, want B left to the environment", got)
	}
}

func TestGuard(t *testing.T) {
	lt, err := target.NewLiveTarget(target.LiveConfig{Name: "test", BaseURL: "https://api.example.com",
		Credentials: map[string]target.Credential{"key": {Kind: target.AuthAPIKey, Header: "X-Gateway-Key", KeyEnv: "K"}}})
	require.NoError(t, err)
	r := New(Options{Target: lt})
	withHeader := func(method, header string) *casefile.Case {
		c := &casefile.Case{Name: "c", Pos: casefile.Pos{File: "c.yaml", Line: 3, Column: 1}}
		c.Request.Method = method
		if header != "" {
			c.Request.Headers = map[string]string{header: "v"}
		}
		return c
	}
	for _, tc := range []struct {
		name, method, header string
		allow                bool
		skip, err            bool
	}{
		{name: "GET goes", method: "GET"},
		{name: "POST is held back", method: "POST", skip: true},
		{name: "POST with --allow-side-effects", method: "POST", allow: true},
		{name: "DELETE is held back though idempotent", method: "DELETE", skip: true},
		{name: "Authorization in the case", method: "GET", header: "Authorization", err: true},
		{name: "the credential's API key header in the case", method: "GET", header: "x-gateway-key", err: true},
		{name: "an ordinary header", method: "GET", header: "X-Trace"},
	} {
		r.opts.AllowSideEffects = tc.allow
		c := withHeader(tc.method, tc.header)
		skip, err := r.guard(c, &c.Request, "request.")
		if (skip != "") != tc.skip || (err != nil) != tc.err {
			t.Errorf("%s: guard = %q, %v; want skip %v, error %v", tc.name, skip, err, tc.skip, tc.err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "c.yaml:3:1:") {
			t.Errorf("%s: error %q, want it to start with the case's file:line", tc.name, err)
		}
	}
	r.target = target.NewMockTarget() // the mock is not guarded
	c := withHeader("POST", "Authorization")
	if skip, err := r.guard(c, &c.Request, "request."); skip != "" || err != nil {
		t.Errorf("mock target: guard = %q, %v; want nothing held back", skip, err)
	}
}

// TestTargetErrorsNamePlaces: what is wrong with a target or its secrets
// file only when the target is built is still placed at the key of
// casebook.yaml that says it, as decoding errors are.
func TestTargetErrorsNamePlaces(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{"plain http", "targets:\n  live:\n    kind: live\n    baseURL: http://api.example\n",
			[]string{"casebook.yaml:4:14: targets.live.baseURL: plain http"}},
		{"secrets file missing", "secretsFile: nope.env\ntargets:\n  live: {kind: live, baseURL: \"https://api.example\"}\n",
			[]string{"casebook.yaml:1:14: secretsFile: open ", "nope.env: no such file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := writeConfig(t, tc.yaml)
			require.NoError(t, err)
			_, err = cfg.Target("live", TargetOptions{})
			require.Error(t, err)
			var ce *ConfigError
			assert.ErrorAs(t, err, &ce)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}
