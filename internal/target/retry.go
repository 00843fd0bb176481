package target

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/casebook-dev/casebook/internal/results"
)

// RetryPolicy says when and how a failed request is sent again: answers
// 429, 502, 503 and 504 and requests that got no answer, for idempotent
// methods or a case that says retry: true. A 429 waits what its Retry-After
// asks; the rest back off exponentially with full jitter (AWS's
// "exponential backoff and jitter"), so parallel cases do not retry in step.
type RetryPolicy struct {
	// Retries is how many times a request is repeated after the first
	// attempt (0: never).
	Retries int
	// BaseDelay is the backoff before the first retry (default 500ms); it
	// doubles with each retry up to MaxDelay (default 30s).
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// MaxRetryAfter caps the wait a Retry-After asks for (default 60s).
	MaxRetryAfter time.Duration
	// Wait waits between attempts, or until ctx ends (default: a timer).
	// Tests replace it to see the waits without spending them.
	Wait func(ctx context.Context, d time.Duration) error
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.BaseDelay <= 0 {
		p.BaseDelay = 500 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 30 * time.Second
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 60 * time.Second
	}
	if p.Wait == nil {
		p.Wait = sleep
	}
	return p
}

// idempotent methods may be repeated without a second side effect (RFC 9110 9.2.2).
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// ReadOnly reports whether a method changes nothing on the server (RFC
// 9110 9.2.1, "safe"): what a live target is sent without asking.
func ReadOnly(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

// retryStatus: the answer says "not now", not "no".
func retryStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// next decides whether attempt n (1-based) is followed by another and how
// long to wait first. resp is nil when err is set. parent is the run's
// context: once it ends (Ctrl-C), nothing is retried.
func (p RetryPolicy) next(parent context.Context, n int, allowed bool, resp *results.Response, err error) (time.Duration, bool) {
	if !allowed || n > p.Retries || parent.Err() != nil {
		return 0, false
	}
	if err != nil {
		if !retryableError(err) {
			return 0, false
		}
		return p.backoff(n), true
	}
	if !retryStatus(resp.Status) {
		return 0, false
	}
	if resp.Status == http.StatusTooManyRequests || resp.Status == http.StatusServiceUnavailable {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, p.MaxRetryAfter), true
		}
	}
	return p.backoff(n), true
}

// backoff is a random wait in [0, min(MaxDelay, BaseDelay*2^(n-1))].
func (p RetryPolicy) backoff(n int) time.Duration {
	ceiling := p.BaseDelay << min(n-1, 30)
	if ceiling <= 0 || ceiling > p.MaxDelay {
		ceiling = p.MaxDelay
	}
	return rand.N(ceiling + 1)
}

// retryAfter reads a Retry-After value: delay-seconds or an HTTP-date
// (RFC 9110 10.2.3). A date in the past means now.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// retryableError: the request got no answer for a reason that may pass
// (refused, reset, dropped, timed out), as opposed to one that will not
// (a refused host, a bad certificate, a malformed URL).
func retryableError(err error) bool {
	var he *HostError
	if errors.As(err, &he) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
