package runner

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
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

func TestGenesysRegionDerivesURLs(t *testing.T) {
	cfg, err := writeConfig(t, liveConfig)
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	tg, err := cfg.Target("live", TargetOptions{})
	if err != nil {
		t.Fatalf("Target(live): %v", err)
	}
	lt, ok := tg.(*LiveTarget)
	if !ok {
		t.Fatalf("Target(live) = %T, want *LiveTarget", tg)
	}
	base, _ := lt.BaseURL(t.Context(), nil)
	if base != "https://api.mypurecloud.ie" || lt.cfg.TokenURL != "https://login.mypurecloud.ie/oauth/token" {
		t.Errorf("live: base %q token URL %q, want https://api.mypurecloud.ie and https://login.mypurecloud.ie/oauth/token", base, lt.cfg.TokenURL)
	}
	if !lt.hosts["api.mypurecloud.ie"] || !lt.hosts["login.mypurecloud.ie"] || len(lt.hosts) != 2 {
		t.Errorf("live: allowed hosts %v, want the api and login hosts only", lt.hosts)
	}
}

func TestTargetNames(t *testing.T) {
	cfg, err := writeConfig(t, liveConfig)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, want string }{
		{"mock", "*runner.MockTarget"},
		{"", "*runner.MockTarget"},
		{"http://127.0.0.1:9999", "*runner.URLTarget"},
		{"staging", "*runner.URLTarget"},
		{"standin", "*runner.LiveTarget"},
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
	list, err := cfg.TargetList("mock,standin", TargetOptions{})
	if err != nil || len(list) != 2 || list[1].Name() != "standin" {
		t.Errorf("TargetList(mock,standin) = %v, %v", list, err)
	}
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

func TestLivePlainHTTPRefused(t *testing.T) {
	cfg, err := writeConfig(t, "targets:\n  gw:\n    kind: live\n    baseURL: http://gw.example.com\n")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.Target("gw", TargetOptions{}); err == nil || !strings.Contains(err.Error(), "plain http") {
		t.Errorf("Target(gw) = %v, want plain http refused", err)
	}
	if _, err := cfg.Target("gw", TargetOptions{AllowHTTP: true}); err != nil {
		t.Errorf("Target(gw) with AllowHTTP = %v, want it allowed", err)
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

func TestSecretsFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "secrets.env")
	os.WriteFile(p, []byte("# test\nexport CB_ID=client-1\nCB_SECRET='quoted secret'\n\n"), 0o600)
	s, err := LoadSecrets(p)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Lookup("CB_SECRET"); v != "quoted secret" {
		t.Errorf("Lookup(CB_SECRET) = %q, want quoted secret", v)
	}
	t.Setenv("CB_ID", "from-env")
	if v, _ := s.Lookup("CB_ID"); v != "from-env" {
		t.Errorf("Lookup(CB_ID) = %q, want the environment's from-env", v)
	}
	os.WriteFile(p, []byte("OK=1\nthis line is hunter2\n"), 0o600)
	_, err = LoadSecrets(p)
	if err == nil || !strings.Contains(err.Error(), p+":2:") || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("LoadSecrets(bad) = %v, want file:2 without the line's text", err)
	}
}
