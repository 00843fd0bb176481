package runner_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/internal/target"
	"github.com/casebook-dev/casebook/mockserver"
	"github.com/casebook-dev/casebook/runner"
)

// End to end over real HTTP: the mock (mockserver.New, in process) stands
// in for Genesys Cloud, and a live profile's baseURL and tokenURL point at
// it, as `casebook mock` would for a person. A thin wrapper around the
// mock's handler records what the "vendor" saw: every request, the
// Authorization and traceparent headers.

const genesysSpec = "../specs/genesys-cloud/openapi.yaml"

// Distinctive secrets: none of them may appear in any output.
const (
	clientSecret = "zq-CLIENT-SECRET-9d1e7a"
	staticToken  = "zq-USER-TOKEN-42b7c3"
	wrongSecret  = "zq-WRONG-SECRET-e5f0aa"
)

var (
	specOnce   sync.Once
	loadedSpec *spec.Spec
)

func genesys(t *testing.T) *spec.Spec {
	t.Helper()
	specOnce.Do(func() {
		s, err := spec.Load(genesysSpec)
		if err != nil {
			panic(err)
		}
		loadedSpec = s
	})
	return loadedSpec
}

// vendor is the mock standing in for the live API, and what it saw.
type vendor struct {
	*httptest.Server
	mock *mockserver.Server

	// arrived gets "METHOD /path" of each request as it arrives (while
	// there is room), for a test that acts on what is in flight.
	arrived chan string

	mu           sync.Mutex
	hits         []string // "METHOD /path"
	auths        []string // Authorization of API requests (the tokens issued)
	traceparents []string
}

// startVendor serves the Genesys spec with its shipped overlay, the agent
// client's secret replaced by clientSecret and a static user token added.
func startVendor(t *testing.T, mutate func(*mockserver.Config)) *vendor {
	t.Helper()
	ov, err := mockserver.LoadOverlay(mockserver.OverlayPathFor(genesysSpec))
	if err != nil {
		t.Fatal(err)
	}
	for i := range ov.Clients {
		if ov.Clients[i].Name == "agent" {
			ov.Clients[i].Secret = clientSecret
			user := ov.Clients[i]
			user.Name, user.ID, user.Secret, user.Token = "static-user", "", "", staticToken
			ov.Clients = append(ov.Clients, user)
			break
		}
	}
	cfg := mockserver.Config{Spec: genesys(t), Overlay: ov}
	if mutate != nil {
		mutate(&cfg)
	}
	m, err := mockserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	v := &vendor{mock: m, arrived: make(chan string, 64)}
	v.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case v.arrived <- r.Method + " " + r.URL.Path:
		default:
		}
		v.mu.Lock()
		v.hits = append(v.hits, r.Method+" "+r.URL.Path)
		if a := r.Header.Get("Authorization"); a != "" && r.URL.Path != "/oauth/token" {
			v.auths = append(v.auths, a)
		}
		if tp := r.Header.Get("Traceparent"); tp != "" {
			v.traceparents = append(v.traceparents, tp)
		}
		v.mu.Unlock()
		m.ServeHTTP(w, r)
	}))
	t.Cleanup(v.Close)
	return v
}

// count is how many requests matched "METHOD /path" (or any, for "").
func (v *vendor) count(hit string) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	n := 0
	for _, h := range v.hits {
		if hit == "" || h == hit {
			n++
		}
	}
	return n
}

func (v *vendor) tokenRequests() int { return v.count("POST /oauth/token") }

// project writes casebook.yaml with a live profile pointing at v, and the
// case files, and loads both.
func project(t *testing.T, v *vendor, cases map[string]string) (*runner.Config, []*casefile.Case) {
	t.Helper()
	dir := t.TempDir()
	specAbs, _ := filepath.Abs(genesysSpec)
	cfgYAML := fmt.Sprintf(`spec: %s
targets:
  standin:
    kind: genesys
    baseURL: %s
    tokenURL: %s/oauth/token
    allowHTTP: true
credentials:
  agent:
    kind: oauth2
    clientIdEnv: CB_E2E_CLIENT_ID
    clientSecretEnv: CB_E2E_CLIENT_SECRET
  agent-outbound:
    kind: oauth2
    clientId: agent-client
    clientSecretEnv: CB_E2E_CLIENT_SECRET
    scopes: [outbound]
  service:
    kind: oauth2
    clientId: service-client
    clientSecretEnv: CB_E2E_SERVICE_SECRET
  static-user:
    kind: bearer
    tokenEnv: CB_E2E_USER_TOKEN
  broken:
    kind: oauth2
    clientId: agent-client
    clientSecretEnv: CB_E2E_WRONG_SECRET
vars:
  CAMPAIGN_ID: campaign-predictive
`, specAbs, v.URL, v.URL)
	if err := os.WriteFile(filepath.Join(dir, runner.ConfigFile), []byte(cfgYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "cases"), 0o755)
	for name, body := range cases {
		if err := os.WriteFile(filepath.Join(dir, "cases", name+".yaml"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("CB_E2E_CLIENT_ID", "agent-client")
	t.Setenv("CB_E2E_CLIENT_SECRET", clientSecret)
	t.Setenv("CB_E2E_SERVICE_SECRET", "service-secret")
	t.Setenv("CB_E2E_USER_TOKEN", staticToken)
	t.Setenv("CB_E2E_WRONG_SECRET", wrongSecret)
	cfg, err := runner.LoadConfig(filepath.Join(dir, runner.ConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := runner.LoadCases(cfg, cfg.DefaultPaths())
	if err != nil {
		t.Fatal(err)
	}
	return cfg, loaded
}

func getCampaign(name, auth string) string {
	return fmt.Sprintf(`name: %s
auth: %s
request:
  method: GET
  path: /api/v2/outbound/campaigns/{campaignId}
  pathParams: {campaignId: "${CAMPAIGN_ID}"}
expect:
  status: 200
`, name, auth)
}

func postCall(name, auth, extra string) string {
	return fmt.Sprintf(`name: %s
auth: %s
%s
request:
  method: POST
  path: /api/v2/conversations/calls
  body: {phoneNumber: "+13175550100"}
`, name, auth, extra)
}

func liveRun(t *testing.T, cfg *runner.Config, opts runner.Options, cases []*casefile.Case) map[string]*runner.Result {
	t.Helper()
	if opts.Target == nil {
		tg, err := cfg.Target("standin", runner.TargetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tg.Close() })
		opts.Target = tg
	}
	opts.Vars = cfg.RunVars(opts.Vars)
	r := runner.New(opts)
	defer r.Close()
	if err := r.LoadSpecs(cases); err != nil { // before Run: the durations measured are the requests'
		t.Fatal(err)
	}
	out := map[string]*runner.Result{}
	for _, res := range r.Run(context.Background(), cases) {
		out[res.Case.Name] = res
	}
	return out
}

func TestLiveOneTokenPerClientAndScopeSet(t *testing.T) {
	v := startVendor(t, nil)
	cases := map[string]string{}
	for i := range 30 {
		cases[fmt.Sprintf("a%02d", i)] = getCampaign(fmt.Sprintf("a%02d", i), "agent")
	}
	for i := range 10 {
		cases[fmt.Sprintf("o%02d", i)] = getCampaign(fmt.Sprintf("o%02d", i), "agent-outbound")
	}
	cfg, loaded := project(t, v, cases)
	results := liveRun(t, cfg, runner.Options{Concurrency: 16}, loaded)
	for name, res := range results {
		if res.Status != runner.Passed {
			t.Errorf("%s: %s %s %v", name, res.Status, res.Reason, res.Differences)
		}
	}
	// One client with two scope sets: two tokens for 40 cases.
	if got := v.tokenRequests(); got != 2 {
		t.Errorf("token requests = %d for 40 cases of one client and two scope sets, want 2", got)
	}
	if got := v.count("GET /api/v2/outbound/campaigns/campaign-predictive"); got != 40 {
		t.Errorf("API requests = %d, want 40", got)
	}
}

func TestLiveRetriesAndTimeouts(t *testing.T) {
	const campaign = "/api/v2/outbound/campaigns/"
	retry := runner.RetryPolicy{Retries: 2, BaseDelay: 10 * time.Millisecond, MaxDelay: 50 * time.Millisecond}
	for _, tc := range []struct {
		name     string
		faults   []mockserver.Fault
		caseYAML string
		timeout  time.Duration
		status   runner.Status
		attempts int
		// maxAttempts, when set, accepts attempts..maxAttempts: net/http
		// itself resends an idempotent request once when a reused
		// connection drops, so whether casebook's retry or the transport's
		// comes first is up to connection reuse.
		maxAttempts int
		reasonHas   string
	}{
		// How long Retry-After makes the client wait is TestRetryDecisions'
		// (internal/target); here the 429 is retried and answered.
		{name: "429 retried after Retry-After", faults: []mockserver.Fault{{Path: campaign, Status: 429, RetryAfter: "1", Times: 1}},
			caseYAML: getCampaign("c", "agent"), status: runner.Passed, attempts: 2},
		{name: "503 twice then answered", faults: []mockserver.Fault{{Path: campaign, Status: 503, Times: 2}},
			caseYAML: getCampaign("c", "agent"), status: runner.Passed, attempts: 3},
		{name: "503 throughout: the last answer is the result", faults: []mockserver.Fault{{Path: campaign, Status: 503}},
			caseYAML: getCampaign("c", "agent"), status: runner.Failed, attempts: 3},
		// A slow answer never comes (an hour, cut short when the client
		// gives up); the timeout is long enough for the retry's answer on
		// a loaded machine.
		{name: "slow answer times out, the retry is answered", faults: []mockserver.Fault{{Path: campaign, Delay: time.Hour, Times: 1}},
			caseYAML: getCampaign("c", "agent"), timeout: 3 * time.Second, status: runner.Passed, attempts: 2},
		{name: "always slow: gives up", faults: []mockserver.Fault{{Path: campaign, Delay: time.Hour}},
			caseYAML: getCampaign("c", "agent"), timeout: 200 * time.Millisecond, status: runner.Errored, attempts: 3,
			reasonHas: "giving up after 3 attempts: context deadline exceeded"},
		{name: "dropped connection, GET retried", faults: []mockserver.Fault{{Path: campaign, Drop: true, Times: 2}},
			caseYAML: getCampaign("c", "agent"), status: runner.Passed, attempts: 2, maxAttempts: 3},
		{name: "dropped connection, POST not retried", faults: []mockserver.Fault{{Method: "POST", Drop: true, Times: 1}},
			caseYAML: postCall("c", "agent", "safeForLive: true"), status: runner.Errored, attempts: 1, reasonHas: "EOF"},
		{name: "dropped connection, POST with retry: true", faults: []mockserver.Fault{{Method: "POST", Drop: true, Times: 1}},
			caseYAML: postCall("c", "agent", "safeForLive: true\nretry: true"), status: runner.Passed, attempts: 2},
		{name: "503 on POST not retried", faults: []mockserver.Fault{{Method: "POST", Status: 503, Times: 1}},
			caseYAML: postCall("c", "agent", "safeForLive: true\nexpect: {status: 200}"), status: runner.Failed, attempts: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := startVendor(t, func(c *mockserver.Config) { c.Faults = &mockserver.Faults{Rules: tc.faults} })
			cfg, loaded := project(t, v, map[string]string{"c": tc.caseYAML})
			res := liveRun(t, cfg, runner.Options{Retry: retry, Timeout: tc.timeout}, loaded)["c"]
			if res.Status != tc.status || res.Attempts < tc.attempts || res.Attempts > max(tc.attempts, tc.maxAttempts) {
				t.Errorf("status %s after %d attempts, want %s after %d (reason %q, differences %v)",
					res.Status, res.Attempts, tc.status, tc.attempts, res.Reason, res.Differences)
			}
			if !strings.Contains(res.Reason, tc.reasonHas) {
				t.Errorf("reason %q, want it to contain %q", res.Reason, tc.reasonHas)
			}
		})
	}
}

func TestLiveSideEffectGuard(t *testing.T) {
	v := startVendor(t, nil)
	cfg, loaded := project(t, v, map[string]string{
		"get":         getCampaign("get", "agent"),
		"post":        postCall("post", "agent", ""),
		"post-safe":   postCall("post-safe", "agent", "safeForLive: true"),
		"post-header": postCall("post-header", "none", "safeForLive: true") + "  headers: {Authorization: Bearer pasted-token}\n",
	})
	res := liveRun(t, cfg, runner.Options{}, loaded)
	if r := res["get"]; r.Status != runner.Passed {
		t.Errorf("get: %s %s", r.Status, r.Reason)
	}
	if r := res["post"]; r.Status != runner.Skipped || !strings.Contains(r.Reason, "--allow-side-effects") {
		t.Errorf("post: %s %q, want skipped naming --allow-side-effects", r.Status, r.Reason)
	}
	if r := res["post-safe"]; r.Status != runner.Passed || r.Response == nil || r.Response.Status != 200 {
		t.Errorf("post-safe: %s %q, want sent and answered 200", r.Status, r.Reason)
	}
	r := res["post-header"]
	if r.Status != runner.Errored || !strings.Contains(r.Reason, "post-header.yaml:") || !strings.Contains(r.Reason, "request.headers.Authorization") {
		t.Errorf("post-header: %s %q, want errored naming file:line and the header", r.Status, r.Reason)
	}
	if strings.Contains(r.Reason, "pasted-token") {
		t.Errorf("post-header: the reason repeats the case's token: %q", r.Reason)
	}
	if got := v.count("POST /api/v2/conversations/calls"); got != 1 {
		t.Errorf("the vendor got %d calls placed, want 1 (post-safe only)", got)
	}
	res = liveRun(t, cfg, runner.Options{AllowSideEffects: true}, loaded)
	if r := res["post"]; r.Status != runner.Passed {
		t.Errorf("post with AllowSideEffects: %s %q, want sent", r.Status, r.Reason)
	}
}

func TestDryRunSendsNothing(t *testing.T) {
	v := startVendor(t, nil)
	cfg, loaded := project(t, v, map[string]string{
		"get":   getCampaign("get", "agent"),
		"get2":  getCampaign("get2", "agent"),
		"user":  getCampaign("user", "static-user"),
		"post":  postCall("post", "agent", "safeForLive: true"),
		"plain": getCampaign("plain", "none"),
	})
	var out bytes.Buffer
	res := liveRun(t, cfg, runner.Options{DryRun: &out, Concurrency: 1}, loaded)
	if got := v.count(""); got != 0 {
		t.Errorf("a dry run sent %d requests, want 0", got)
	}
	for name, r := range res {
		if r.Status != runner.Skipped || !strings.Contains(r.Reason, "dry run") {
			t.Errorf("%s: %s %q, want skipped by the dry run", name, r.Status, r.Reason)
		}
	}
	text := out.String()
	for _, want := range []string{
		`CASEBOOK_TOKEN_AGENT=$(curl -sS -u "${CB_E2E_CLIENT_ID}:${CB_E2E_CLIENT_SECRET}" -d grant_type=client_credentials ` + v.URL + `/oauth/token | jq -r .access_token)`,
		`-H "Authorization: Bearer ${CASEBOOK_TOKEN_AGENT}"`,
		`-H "Authorization: Bearer ${CB_E2E_USER_TOKEN}"`,
		"\n  " + v.URL + "/api/v2/outbound/campaigns/campaign-predictive",
		`--data-raw '{"phoneNumber":"+13175550100"}'`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("dry run output lacks %s\n%s", want, text)
		}
	}
	if n := strings.Count(text, "CASEBOOK_TOKEN_AGENT=$("); n != 1 {
		t.Errorf("the token command is printed %d times, want once", n)
	}
	// And for the built-in mock: nothing is fetched either.
	out.Reset()
	liveRun(t, cfg, runner.Options{DryRun: &out, Target: target.NewMockTarget()}, loaded[:1])
	if !strings.Contains(out.String(), `Authorization: Bearer ${CASEBOOK_TOKEN_AGENT}`) {
		t.Errorf("mock dry run:\n%s", out.String())
	}
}

func TestLiveInterruptKeepsReport(t *testing.T) {
	v := startVendor(t, func(c *mockserver.Config) {
		c.Faults = &mockserver.Faults{Rules: []mockserver.Fault{{Method: "GET", Delay: 10 * time.Second}}}
	})
	cases := map[string]string{}
	for i := range 10 {
		cases[fmt.Sprintf("c%d", i)] = getCampaign(fmt.Sprintf("c%d", i), "agent")
	}
	cfg, loaded := project(t, v, cases)
	tg, _ := cfg.Target("standin", runner.TargetOptions{})
	defer tg.Close()
	r := runner.New(runner.Options{Target: tg, Concurrency: 2, Vars: cfg.RunVars(nil), Retry: runner.RetryPolicy{Retries: 3}})
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// Ctrl-C once both workers' requests are in flight (held by the
		// 10s fault): a timer would race the spec's loading on a busy machine.
		for inFlight := 0; inFlight < 2; {
			if strings.HasPrefix(<-v.arrived, "GET ") {
				inFlight++
			}
		}
		cancel()
	}()
	// Had Run not stopped at Ctrl-C, the fault's 10s would have passed
	// and the two in flight would have an answer, not an error.
	results := r.Run(ctx, loaded)
	counts := map[runner.Status]int{}
	for i, res := range results {
		if res == nil {
			t.Fatalf("result %d is nil: the report would lose it", i)
		}
		counts[res.Status]++
		if res.Status == runner.Errored && !strings.Contains(res.Reason, "context canceled") {
			t.Errorf("%s: reason %q, want the interruption", res.Case.Name, res.Reason)
		}
	}
	if counts[runner.Errored] != 2 || counts[runner.Skipped] != 8 {
		t.Errorf("statuses %v, want the 2 in flight errored and 8 skipped", counts)
	}
}

func TestTraceparentAndCorrelationID(t *testing.T) {
	v := startVendor(t, func(c *mockserver.Config) {
		c.Faults = &mockserver.Faults{Rules: []mockserver.Fault{{Path: "/api/v2/outbound/", Status: 503, Times: 1}}}
	})
	cfg, loaded := project(t, v, map[string]string{
		"missing": strings.Replace(getCampaign("missing", "agent"), "${CAMPAIGN_ID}", "no-such-campaign", 1),
	})
	res := liveRun(t, cfg, runner.Options{Retry: runner.RetryPolicy{Retries: 1, BaseDelay: time.Millisecond}}, loaded)["missing"]
	if res.Response == nil || res.Response.Status != 404 || res.Attempts != 2 {
		t.Fatalf("status %v after %d attempts, want 404 after 2 (%s)", res.Response, res.Attempts, res.Reason)
	}
	if res.CorrelationID == "" || res.CorrelationID != res.Response.Header.Get("Inin-Correlation-Id") {
		t.Errorf("CorrelationID = %q, want the Inin-Correlation-Id %q", res.CorrelationID, res.Response.Header.Get("Inin-Correlation-Id"))
	}
	v.mu.Lock()
	tps := append([]string(nil), v.traceparents...)
	v.mu.Unlock()
	if len(tps) != 2 {
		t.Fatalf("the vendor saw %d traceparent headers, want 2 (one per attempt): %v", len(tps), tps)
	}
	for _, tp := range tps {
		if len(tp) != 55 || !strings.HasPrefix(tp, "00-"+res.TraceID+"-") || !strings.HasSuffix(tp, "-01") {
			t.Errorf("traceparent %q, want 00-%s-<parent>-01", tp, res.TraceID)
		}
	}
	if tps[0] == tps[1] {
		t.Errorf("both attempts carried parent id %s, want one span each", tps[0])
	}
	if !strings.HasPrefix(res.Request.URL, v.URL) || res.Target != "standin" {
		t.Errorf("result URL %q target %q", res.Request.URL, res.Target)
	}
}

func TestDriftMockVsLive(t *testing.T) {
	// The stand-in has no business rules: where the mock's rules say 400,
	// the "live API" places the call. That is drift, and the report says so.
	v := startVendor(t, func(c *mockserver.Config) { c.Overlay.Rules = nil })
	cfg, loaded := project(t, v, map[string]string{
		"get": getCampaign("get", "agent"),
		"two-destinations": `name: two-destinations
auth: agent
safeForLive: true
request:
  method: POST
  path: /api/v2/conversations/calls
  body: {phoneNumber: "+13175550100", callUserId: "u-1"}
`,
		"unsafe": postCall("unsafe", "agent", ""),
	})
	live, err := cfg.Target("standin", runner.TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	mock := target.NewMockTarget()
	defer mock.Close()
	byName := map[string]runner.DriftResult{}
	for _, d := range runner.Drift(context.Background(), loaded, mock, live, runner.Options{Vars: cfg.RunVars(nil)}) {
		byName[d.Case.Name] = d
	}
	if d := byName["get"]; !d.Compared || d.Drifted() {
		t.Errorf("get: compared %v, differences %v; want the same answer", d.Compared, d.Differences)
	}
	d := byName["two-destinations"]
	want := map[string]string{"status": "400 200", "code": "too.many.create.conversation.parameters (absent)"}
	for _, diff := range d.Differences {
		if diff.Aspect != results.DriftShape {
			if w := want[diff.Aspect]; w != diff.A+" "+diff.B {
				t.Errorf("two-destinations %s: %s vs %s, want %s", diff.Aspect, diff.A, diff.B, w)
			}
			delete(want, diff.Aspect)
		}
	}
	if len(want) > 0 || !d.Drifted() {
		t.Errorf("two-destinations: differences %v, missing %v", d.Differences, want)
	}
	if d := byName["unsafe"]; d.Compared || d.B.Status != runner.Skipped {
		t.Errorf("unsafe: compared %v, live status %s; want not compared (skipped on the live side)", d.Compared, d.B.Status)
	}
}

// basicHeader is what the token request's Authorization carries.
func basicHeader(id, secret string) string {
	return base64.StdEncoding.EncodeToString([]byte(id + ":" + secret))
}
