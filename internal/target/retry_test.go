package target

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/casebook-dev/casebook/internal/results"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"3", 3 * time.Second, true},
		{"0", 0, true},
		{"-1", 0, false},
		{"Thu, 26 Nov 2026 12:00:07 GMT", 7 * time.Second, true},
		{"Thu, 26 Nov 2026 11:00:00 GMT", 0, true}, // in the past: now
		{"soon", 0, false},
	} {
		got, ok := retryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%q) = %v, %v, want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestRetryDecisions(t *testing.T) {
	p := RetryPolicy{Retries: 2, BaseDelay: 10 * time.Millisecond, MaxDelay: 40 * time.Millisecond, MaxRetryAfter: 5 * time.Second}.withDefaults()
	ctx := context.Background()
	answer := func(status int, retryAfter string) *results.Response {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return &results.Response{Status: status, Header: h}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		n       int
		allowed bool
		resp    *results.Response
		err     error
		again   bool
		wait    time.Duration // exact wait when > 0; else a backoff within MaxDelay
	}{
		{name: "429 waits Retry-After", n: 1, allowed: true, resp: answer(429, "2"), again: true, wait: 2 * time.Second},
		{name: "Retry-After is capped", n: 1, allowed: true, resp: answer(429, "3600"), again: true, wait: 5 * time.Second},
		{name: "503 without Retry-After backs off", n: 1, allowed: true, resp: answer(503, ""), again: true},
		{name: "502", n: 2, allowed: true, resp: answer(502, ""), again: true},
		{name: "504", n: 1, allowed: true, resp: answer(504, ""), again: true},
		{name: "retries spent", n: 3, allowed: true, resp: answer(503, ""), again: false},
		{name: "500 is an answer", n: 1, allowed: true, resp: answer(500, ""), again: false},
		{name: "400 is an answer", n: 1, allowed: true, resp: answer(400, ""), again: false},
		{name: "not idempotent, no retry: true", n: 1, allowed: false, resp: answer(503, ""), again: false},
		{name: "connection reset", n: 1, allowed: true, err: fmt.Errorf("read: %w", syscall.ECONNRESET), again: true},
		{name: "dropped", n: 1, allowed: true, err: io.EOF, again: true},
		{name: "attempt timed out", n: 1, allowed: true, err: context.DeadlineExceeded, again: true},
		{name: "refused host", n: 1, allowed: true, err: &HostError{Host: "evil.example.com"}, again: false},
		{name: "other error", n: 1, allowed: true, err: errors.New("x509: certificate signed by unknown authority"), again: false},
		{name: "Ctrl-C", ctx: cancelled, n: 1, allowed: true, err: io.EOF, again: false},
	} {
		c := tc.ctx
		if c == nil {
			c = ctx
		}
		wait, again := p.next(c, tc.n, tc.allowed, tc.resp, tc.err)
		if again != tc.again {
			t.Errorf("%s: again = %v, want %v", tc.name, again, tc.again)
			continue
		}
		if tc.wait > 0 && wait != tc.wait {
			t.Errorf("%s: wait = %v, want %v", tc.name, wait, tc.wait)
		}
		if tc.wait == 0 && (wait < 0 || wait > p.MaxDelay) {
			t.Errorf("%s: wait = %v, want within [0, %v]", tc.name, wait, p.MaxDelay)
		}
	}
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}.withDefaults()
	for n, ceiling := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 4: 800 * time.Millisecond, 10: time.Second, 80: time.Second} {
		seen := map[time.Duration]bool{}
		for range 200 {
			d := p.backoff(n)
			if d < 0 || d > ceiling {
				t.Fatalf("backoff(%d) = %v, want within [0, %v]", n, d, ceiling)
			}
			seen[d] = true
		}
		if len(seen) < 50 {
			t.Errorf("backoff(%d): %d distinct waits in 200, want jitter", n, len(seen))
		}
	}
}

func TestMethods(t *testing.T) {
	for _, m := range []string{"GET", "HEAD", "OPTIONS"} {
		if !ReadOnly(m) || !idempotent(m) {
			t.Errorf("%s: want read-only and idempotent", m)
		}
	}
	for _, m := range []string{"PUT", "DELETE"} {
		if ReadOnly(m) || !idempotent(m) {
			t.Errorf("%s: want idempotent, not read-only", m)
		}
	}
	for _, m := range []string{"POST", "PATCH"} {
		if ReadOnly(m) || idempotent(m) {
			t.Errorf("%s: want neither read-only nor idempotent", m)
		}
	}
}

var traceparentRE = regexp.MustCompile(`^00-[0-9a-f]{32}-[0-9a-f]{16}-01$`)

func TestTraceparent(t *testing.T) {
	id := newTraceID()
	a, b := traceparent(id), traceparent(id)
	if !traceparentRE.MatchString(a) {
		t.Errorf("traceparent = %q, want 00-<32 hex>-<16 hex>-01", a)
	}
	if a[3:35] != id || b[3:35] != id || a == b {
		t.Errorf("two attempts: %q and %q, want one trace id and two parent ids", a, b)
	}
	if newTraceID() == id {
		t.Errorf("two traces share id %s", id)
	}
	h := http.Header{}
	if got := setTraceparent(h, id); got != id || h.Get("Traceparent") == "" {
		t.Errorf("setTraceparent = %q, header %q", got, h.Get("Traceparent"))
	}
	own := "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	h = http.Header{"Traceparent": {own}}
	if got := setTraceparent(h, id); got != "4bf92f3577b34da6a3ce929d0e0e4736" || h.Get("Traceparent") != own {
		t.Errorf("a case's own traceparent: got id %q header %q, want it kept", got, h.Get("Traceparent"))
	}
}

// TestLimiterSpacesRequests: on a clock the test holds still, five
// callers at 20/s are told to wait 0, 50, 100, 150 and 200ms; a cancelled
// caller gives its slot back.
func TestLimiterSpacesRequests(t *testing.T) {
	l := newLimiter(20)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var waits []time.Duration
	l.now = func() time.Time { return start }
	l.sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}
	for range 5 {
		require.NoError(t, l.Wait(context.Background()))
	}
	assert.Equal(t, []time.Duration{0, 50 * time.Millisecond, 100 * time.Millisecond, 150 * time.Millisecond, 200 * time.Millisecond}, waits)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, l.Wait(ctx), context.Canceled)
	assert.Equal(t, start.Add(250*time.Millisecond), l.next, "the cancelled caller's slot is given back")
	var none *limiter
	assert.NoError(t, none.Wait(context.Background()), "a nil limiter never waits")
}
