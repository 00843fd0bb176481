package runner_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/casebook-dev/casebook/internal/secret"
	"github.com/casebook-dev/casebook/internal/target"
	"github.com/casebook-dev/casebook/mockserver"
	"github.com/casebook-dev/casebook/reports"
	"github.com/casebook-dev/casebook/runner"
)

// TestSecretsAppearInNoOutput runs a full live flow (token exchange, a
// user's bearer token, a retried 503, a 404, a failing token request, a
// case with a pasted token, a dry run and a drift run) and looks for every
// secret in everything casebook writes: the JSON and text reports, the
// curl export, the drift differences and every error string.
func TestSecretsAppearInNoOutput(t *testing.T) {
	v := startVendor(t, func(c *mockserver.Config) {
		c.Faults = &mockserver.Faults{Rules: []mockserver.Fault{{Path: "/api/v2/outbound/", Status: 503, Times: 1}}}
	})
	const pasted = "zq-PASTED-TOKEN-77aa01"
	cfg, loaded := project(t, v, map[string]string{
		"get":     getCampaign("get", "agent"),
		"user":    getCampaign("user", "static-user"),
		"service": getCampaign("service", "service"),
		"missing": strings.Replace(getCampaign("missing", "agent"), "${CAMPAIGN_ID}", "nope", 1),
		"broken":  getCampaign("broken", "broken"),
		"post":    postCall("post", "agent", "safeForLive: true"),
		"pasted":  strings.Replace(getCampaign("pasted", "none"), "expect:", "  headers: {Authorization: Bearer "+pasted+"}\nexpect:", 1),
	})
	var outputs []string
	collect := func(results []*runner.Result) {
		for _, format := range []string{"json", "text"} {
			render, err := reports.Lookup(format)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := render(&b, results, reports.Options{Verbose: true}); err != nil {
				t.Fatal(err)
			}
			outputs = append(outputs, b.String())
		}
		for _, r := range results {
			outputs = append(outputs, r.Reason, fmt.Sprint(r.Request))
		}
	}

	tg, err := cfg.Target("standin", runner.TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	opts := runner.Options{Target: tg, Vars: cfg.RunVars(nil), Retry: runner.RetryPolicy{Retries: 1}, AllowSideEffects: true}
	r := runner.New(opts)
	results := r.Run(context.Background(), loaded)
	r.Close()
	collect(results)

	var dry bytes.Buffer
	opts.DryRun = &dry
	r = runner.New(opts)
	collect(r.Run(context.Background(), loaded))
	r.Close()
	outputs = append(outputs, dry.String())

	mock := target.NewMockTarget()
	defer mock.Close()
	opts.DryRun = nil
	for _, d := range runner.Drift(context.Background(), loaded, mock, tg, opts) {
		collect([]*runner.Result{d.A, d.B})
		outputs = append(outputs, fmt.Sprint(d.Differences))
	}

	// The flow did what it should, so the search below means something.
	byName := map[string]*runner.Result{}
	for _, res := range results {
		byName[res.Case.Name] = res
	}
	if byName["get"].Status != runner.Passed || byName["user"].Status != runner.Passed || byName["broken"].Status != runner.Errored {
		t.Fatalf("get %s, user %s, broken %s (%s)", byName["get"].Status, byName["user"].Status, byName["broken"].Status, byName["broken"].Reason)
	}
	if got := byName["get"].Request.Header.Get("Authorization"); got != "Bearer "+secret.Redacted {
		t.Errorf("recorded Authorization = %q, want Bearer %s", got, secret.Redacted)
	}
	v.mu.Lock()
	secrets := []string{clientSecret, staticToken, wrongSecret, pasted,
		basicHeader("agent-client", clientSecret), basicHeader("agent-client", wrongSecret)}
	for _, a := range v.auths {
		if tok, ok := strings.CutPrefix(a, "Bearer "); ok && tok != pasted {
			secrets = append(secrets, tok) // the tokens the vendor issued
		}
	}
	v.mu.Unlock()
	if len(secrets) < 8 {
		t.Fatalf("only %d secrets to look for: the issued tokens were not seen", len(secrets))
	}
	all := strings.Join(outputs, "\n")
	for _, s := range secrets {
		if strings.Contains(all, s) {
			i := strings.Index(all, s)
			t.Errorf("secret %q appears in the output: ...%s...", s[:8], all[max(0, i-80):min(len(all), i+len(s)+20)])
		}
	}
	if !strings.Contains(all, "CB_E2E_CLIENT_SECRET") || !strings.Contains(all, "invalid_client") {
		t.Errorf("the output should name the variable and the token error, not hide everything:\n%.2000s", all)
	}
}
