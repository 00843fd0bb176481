package main

import (
	"bytes"
	"flag"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/mockserver"
	"github.com/casebook-dev/casebook/runner"
)

func parseLive(t *testing.T, args ...string) (liveFlags, error) {
	t.Helper()
	var f liveFlags
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	return f, f.check()
}

func TestLiveFlagsApply(t *testing.T) {
	f, err := parseLive(t, "--allow-side-effects", "--dry-run", "--rate", "5", "--timeout", "3s", "--retries", "4", "--allow-http", "--secrets", "s.env")
	if err != nil {
		t.Fatal(err)
	}
	var opts runner.Options
	var out bytes.Buffer
	f.apply(&opts, &out)
	if !opts.AllowSideEffects || opts.RateLimit != 5 || opts.Timeout != 3*time.Second || opts.Retry.Retries != 4 || opts.DryRun != &out || opts.Concurrency != 1 {
		t.Errorf("apply = %+v", opts)
	}
	if to := f.targetOptions(); !to.AllowHTTP || to.SecretsFile != "s.env" {
		t.Errorf("targetOptions = %+v", to)
	}
	f, _ = parseLive(t)
	opts = runner.Options{}
	f.apply(&opts, &out)
	if opts.DryRun != nil || opts.AllowSideEffects || opts.Retry.Retries != 2 || opts.Timeout != 30*time.Second {
		t.Errorf("defaults: apply = %+v, want no dry run, no side effects, 2 retries, 30s", opts)
	}
	for _, args := range [][]string{{"--rate", "-1"}, {"--timeout", "0s"}, {"--retries", "-2"}} {
		if _, err := parseLive(t, args...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

// TestDriftCommand runs casebook drift against the built-in mock and a
// stand-in for the live API (the mock without its business rules, behind
// a live profile): the rule-backed case drifts, exit 1.
func TestDriftCommand(t *testing.T) {
	specPath, _ := filepath.Abs("../../specs/genesys-cloud/openapi.yaml")
	s, err := spec.Load(specPath)
	must(t, err)
	ov, err := mockserver.LoadOverlay(mockserver.OverlayPathFor(specPath))
	must(t, err)
	ov.Rules = nil
	m, err := mockserver.New(mockserver.Config{Spec: s, Overlay: ov})
	must(t, err)
	standin := httptest.NewServer(m)
	defer standin.Close()

	dir := t.TempDir()
	config := "spec: " + specPath + `
targets:
  standin: {kind: genesys, baseURL: ` + standin.URL + `, tokenURL: ` + standin.URL + `/oauth/token}
credentials:
  agent: {kind: oauth2, clientId: agent-client, clientSecretEnv: CB_DRIFT_SECRET}
`
	must(t, os.WriteFile(filepath.Join(dir, "casebook.yaml"), []byte(config), 0o644))
	must(t, os.MkdirAll(filepath.Join(dir, "cases"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "cases", "calls.yaml"), []byte(`
- name: get-campaign
  auth: agent
  request: {method: GET, path: /api/v2/outbound/campaigns/campaign-predictive}
- name: two-destinations
  auth: agent
  safeForLive: true
  request:
    method: POST
    path: /api/v2/conversations/calls
    body: {phoneNumber: "+13175550100", callUserId: u-1}
`), 0o644))
	t.Setenv("CB_DRIFT_SECRET", "agent-secret")
	cfgFlag := "--config=" + filepath.Join(dir, "casebook.yaml")

	var stdout, stderr bytes.Buffer
	code := cmdDrift([]string{"--target", "mock,standin", cfgFlag}, &stdout, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), "plain http") {
		t.Errorf("without --allow-http: exit %d, stderr %q; want 2 and plain http refused", code, stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	code = cmdDrift([]string{"--target", "mock,standin", "--allow-http", cfgFlag}, &stdout, &stderr)
	if code != exitFailed {
		t.Fatalf("exit %d, want 1\n%s%s", code, stdout.String(), stderr.String())
	}
	for _, want := range []string{"DRIFT  two-destinations", "status               mock: 400   standin: 200", "1 drifted, 1 same, 0 not compared"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("drift output lacks %q:\n%s", want, stdout.String())
		}
	}
	stdout.Reset()
	code = cmdDrift([]string{"--target", "mock,standin", "--allow-http", cfgFlag, filepath.Join(dir, "cases", "calls.yaml"), "--dry-run"}, &stdout, &stderr)
	if code != exitUsage {
		t.Errorf("--dry-run: exit %d, want 2", code)
	}
}
