package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCmdCurl(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := cmdCurl([]string{"--config", testConfig(t), "--base", "http://127.0.0.1:8080", "pc-recipient-phone-number"}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("casebook curl: exit %d, stderr %s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"# pc-recipient-phone-number (", "-X POST", "http://127.0.0.1:8080/api/v2/outbound/campaigns/", `"Authorization: Bearer ${CASEBOOK_TOKEN_PC_SERVICE}"`, `"phoneNumber":"+15550199"`} {
		if !strings.Contains(out, want) {
			t.Errorf("casebook curl output lacks %q:\n%s", want, out)
		}
	}
}

func TestCmdCurlUnknownCase(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := cmdCurl([]string{"--config", testConfig(t), "pc-recipient-phone-numbr"}, &stdout, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), `did you mean "pc-recipient-phone-number"?`) {
		t.Errorf("exit %d, stderr %q; want 2 and a did-you-mean", code, stderr.String())
	}
}

func TestCmdImportCurl(t *testing.T) {
	out := filepath.Join(t.TempDir(), "imported.yaml")
	var stdout, stderr bytes.Buffer
	code := cmdImport([]string{"curl", "--config", testConfig(t), "--out", out, "--auth", "pc-dialer", "--",
		"curl", "-X", "POST", "https://api.example.com/api/v2/outbound/campaigns/pc-campaign-1/calls",
		"-H", "Authorization: Bearer eyJ.secret.token", "-H", "Content-Type: application/json",
		"-d", `{"recipient":{"phoneNumber":"+15550199","id":"user-123"},"initiator":{"id":"agent-456"}}`}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("import curl: exit %d, stderr:\n%s", code, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("eyJ.secret.token")) || strings.Contains(stderr.String(), "eyJ.secret.token") {
		t.Errorf("the token leaked:\n%s\n%s", data, stderr.String())
	}
	for _, want := range []string{"auth: pc-dialer", "path: /api/v2/outbound/campaigns/{campaignId}/calls", "campaignId: pc-campaign-1", "pointer: /recipient/address, rule: required"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("imported case lacks %q:\n%s", want, data)
		}
	}
	for _, want := range []string{"removed the Authorization header", "POST /api/v2/outbound/campaigns/{campaignId}/calls", "/recipient/phoneNumber"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
	// The written case runs: lint finds exactly what it now expects.
	stdout.Reset()
	stderr.Reset()
	if code := cmdLint([]string{"--config", testConfig(t), out}, &stdout, &stderr); code != exitOK {
		t.Errorf("casebook lint on the imported case: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	// Nothing is overwritten.
	if code := cmdImport([]string{"curl", "--config", testConfig(t), "--out", out, "--", "https://h/x"}, &stdout, &stderr); code != exitUsage {
		t.Errorf("import over an existing file: exit %d, want 2", code)
	}
}

func TestCmdImportHAR(t *testing.T) {
	dir := t.TempDir()
	harFile := filepath.Join(dir, "s.har")
	os.WriteFile(harFile, []byte(`{"log":{"entries":[
	 {"request":{"method":"GET","url":"https://api.example.com/api/v2/outbound/campaigns/pc-campaign-1","headers":[]},"response":{"status":200}},
	 {"request":{"method":"POST","url":"https://api.example.com/api/v2/outbound/campaigns/pc-campaign-1/calls","headers":[{"name":"Cookie","value":"sid=abc"}],
	  "postData":{"mimeType":"application/json","text":"{\"recipient\":{\"type\":\"phone\",\"address\":\"5550199\"}}"}},"response":{"status":400}}]}}`), 0o644)
	var stdout, stderr bytes.Buffer
	code := cmdImport([]string{"har", "--config", testConfig(t), harFile}, &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("import har: exit %d\n%s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"status: 400", "address: \"5550199\"", "source: imported from s.har, entry 2", "auth: none"} {
		if !strings.Contains(out, want) {
			t.Errorf("imported case lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "sid=abc") {
		t.Errorf("the cookie leaked:\n%s", out)
	}
}

func TestCmdImportUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"wget"}, {"curl"}, {"curl", "--", "-X"}, {"har"}} {
		var stdout, stderr bytes.Buffer
		if code := cmdImport(args, &stdout, &stderr); code != exitUsage {
			t.Errorf("casebook import %q: exit %d, want 2", args, code)
		}
	}
}

// testConfig is the repository's casebook.yaml as an absolute path.
func testConfig(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs("../../casebook.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestImportRoundTripsCapturedBytes imports the README's example (curl -d
// without -H: JSON sent as a form, with a "+") and replays the case against
// a server that records what it gets: the same bytes, the same
// Content-Type, and lint saying what curl did.
func TestImportRoundTripsCapturedBytes(t *testing.T) {
	const captured = `{"phoneNumber": "+15550199"}`
	type got struct{ body, contentType string }
	seen := make(chan got, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seen <- got{string(b), r.Header.Get("Content-Type")}
		w.WriteHeader(http.StatusBadRequest)
	}))
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "readme.yaml")
	var stdout, stderr bytes.Buffer
	code := cmdImport([]string{"curl", "--config", testConfig(t), "--out", out, "--auth", "none", "--",
		"-X", "POST", "https://api.mypurecloud.com/api/v2/conversations/calls",
		"-H", "Authorization: Bearer ...", "-d", captured}, &stdout, &stderr)
	require.Equal(t, exitOK, code, stderr.String())
	assert.Contains(t, stderr.String(), "the body is JSON but goes out as application/x-www-form-urlencoded")
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(data), `rule: content-type`, "lint's finding is in the case")

	stdout.Reset()
	stderr.Reset()
	code = cmdRun([]string{"--config", testConfig(t), "--target", srv.URL, out}, &stdout, &stderr)
	assert.Equal(t, exitOK, code, "the imported case passes as captured:\n%s%s", stdout.String(), stderr.String())
	select {
	case g := <-seen:
		assert.Equal(t, captured, g.body, "the bytes replayed")
		assert.Equal(t, "application/x-www-form-urlencoded", g.contentType)
	default:
		t.Fatalf("the server got no request:\n%s%s", stdout.String(), stderr.String())
	}
}
