package target

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGenesysRegionDerivesURLs(t *testing.T) {
	tg, err := FromProfile("live", Profile{Kind: KindGenesys, Region: "mypurecloud.ie"}, LiveConfig{})
	require.NoError(t, err)
	require.IsType(t, &LiveTarget{}, tg)
	lt := tg.(*LiveTarget)
	base, _ := lt.BaseURL(t.Context(), nil)
	assert.Equal(t, "https://api.mypurecloud.ie", base)
	assert.Equal(t, "https://login.mypurecloud.ie/oauth/token", lt.cfg.TokenURL)
	assert.Equal(t, map[string]bool{"api.mypurecloud.ie": true, "login.mypurecloud.ie": true}, lt.hosts, "the allowed hosts: the api and login hosts only")
}

func TestLivePlainHTTPRefused(t *testing.T) {
	gw := Profile{Kind: KindLive, BaseURL: "http://gw.example.com"}
	_, err := FromProfile("gw", gw, LiveConfig{})
	if assert.Error(t, err) {
		assert.Contains(t, err.Error(), "plain http")
	}
	_, err = FromProfile("gw", gw, LiveConfig{AllowHTTP: true})
	assert.NoError(t, err, "with AllowHTTP")
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
