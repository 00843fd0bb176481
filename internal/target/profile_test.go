package target

import (
	"os"
	"path/filepath"
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
	require.NoError(t, os.WriteFile(p, []byte("# test\nexport CB_ID=client-1\nCB_SECRET='quoted secret'\n\n"), 0o600))
	s, err := LoadSecrets(p)
	require.NoError(t, err)
	v, _ := s.Lookup("CB_SECRET")
	assert.Equal(t, "quoted secret", v)
	t.Setenv("CB_ID", "from-env")
	v, _ = s.Lookup("CB_ID")
	assert.Equal(t, "from-env", v, "the environment beats the file")

	require.NoError(t, os.WriteFile(p, []byte("OK=1\nthis line is hunter2\n"), 0o600))
	_, err = LoadSecrets(p)
	if assert.Error(t, err) {
		assert.Contains(t, err.Error(), p+":2:", "the error names file:line")
		assert.NotContains(t, err.Error(), "hunter2", "and never the line's text")
	}
}
