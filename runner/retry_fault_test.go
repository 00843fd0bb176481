package runner_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/casebook-dev/casebook/internal/target"
	"github.com/casebook-dev/casebook/mockserver"
	"github.com/casebook-dev/casebook/runner"
)

// waits records the waits a RetryPolicy asks for instead of spending them.
type waits struct {
	mu   sync.Mutex
	list []time.Duration
}

func (w *waits) wait(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = append(w.list, d)
	return ctx.Err()
}

func (w *waits) got() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.list)
}

// TestRetryHonoursInjectedRetryAfter runs casebook's own live retry logic
// against the mock answering every call 429 with Retry-After: 2, the fault
// of `casebook mock --fault 'POST /api/v2/conversations/calls=status=429,retry-after=2,rate=1'`:
// each retry waits the 2 s asked for (seen, not spent), and the last
// answer is the result.
func TestRetryHonoursInjectedRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fault    string
		status   runner.Status
		attempts int
		waits    []time.Duration
	}{
		{"every call limited: gives up with the 429", "POST /api/v2/conversations/calls=status=429,retry-after=2,rate=1",
			runner.Failed, 3, []time.Duration{2 * time.Second, 2 * time.Second}},
		{"limited once: the retry is answered", "POST /api/v2/conversations/calls=status=429,retry-after=2,times=1",
			runner.Passed, 2, []time.Duration{2 * time.Second}},
		{"every other call limited: the retry is answered", "POST /api/v2/conversations/calls=status=429,retry-after=2,rate=0.5",
			runner.Passed, 2, []time.Duration{2 * time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ft, err := mockserver.ParseFault(tc.fault)
			if err != nil {
				t.Fatal(err)
			}
			v := startVendor(t, func(c *mockserver.Config) { c.Faults = &mockserver.Faults{Rules: []mockserver.Fault{ft}} })
			cfg, loaded := project(t, v, map[string]string{"c": postCall("c", "agent", "safeForLive: true\nretry: true\nexpect: {status: 200}")})
			w := &waits{}
			res := liveRun(t, cfg, runner.Options{Retry: runner.RetryPolicy{Retries: 2, Wait: w.wait}}, loaded)["c"]
			if res.Status != tc.status || res.Attempts != tc.attempts {
				t.Fatalf("status %s after %d attempts, want %s after %d (reason %q, differences %v)",
					res.Status, res.Attempts, tc.status, tc.attempts, res.Reason, res.Differences)
			}
			if got := w.got(); !slices.Equal(got, tc.waits) {
				t.Errorf("waits = %v, want %v (what Retry-After asked)", got, tc.waits)
			}
			if got := v.count("POST /api/v2/conversations/calls"); got != tc.attempts {
				t.Errorf("the mock saw %d calls, want %d", got, tc.attempts)
			}
			if tc.status == runner.Failed && (res.Response.Status != 429 || res.Response.Header.Get("Retry-After") != "2") {
				t.Errorf("last answer = %d Retry-After %q, want the 429 with Retry-After: 2", res.Response.Status, res.Response.Header.Get("Retry-After"))
			}
		})
	}
}

// TestCaseFaultsOnBuiltInMock: a case's mock.faults hit that case's
// requests only, on the built-in target, and the runner's retries wait
// out the Retry-After they carry.
func TestCaseFaultsOnBuiltInMock(t *testing.T) {
	v := startVendor(t, nil) // only for project(); the cases go to the built-in mock
	limited := postCall("limited", "agent", "retry: true\nexpect: {status: 200}\nmock:\n  faults:\n    - {method: POST, path: /api/v2/conversations/calls, status: 429, retryAfter: 3, times: 1}")
	plain := postCall("plain", "agent", "expect: {status: 200}")
	cfg, loaded := project(t, v, map[string]string{"limited": limited, "plain": plain})
	w := &waits{}
	mock := target.NewMockTarget()
	t.Cleanup(func() { mock.Close() })
	res := liveRun(t, cfg, runner.Options{Target: mock, Retry: runner.RetryPolicy{Retries: 1, Wait: w.wait}}, loaded)
	if r := res["limited"]; r.Status != runner.Passed || r.Attempts != 2 {
		t.Errorf("limited: %s after %d attempts (%s), want passed after 2", r.Status, r.Attempts, r.Reason)
	}
	if r := res["plain"]; r.Status != runner.Passed || r.Attempts != 1 {
		t.Errorf("plain: %s after %d attempts (%s), want passed at once: the fault is the other case's", r.Status, r.Attempts, r.Reason)
	}
	if got := w.got(); !slices.Equal(got, []time.Duration{3 * time.Second}) {
		t.Errorf("waits = %v, want [3s]", got)
	}
	// On any other target a case built on mock faults is skipped.
	res = liveRun(t, cfg, runner.Options{}, loaded)
	if r := res["limited"]; r.Status != runner.Skipped {
		t.Errorf("limited on a live target: %s %q, want skipped", r.Status, r.Reason)
	}
}
