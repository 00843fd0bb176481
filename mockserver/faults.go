package mockserver

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Faults make the mock misbehave the way a vendor under load does (429 with
// Retry-After, 503, slow answers, dropped connections), so that a client's
// retries, backoff, timeouts and rate limiting can be tested over real HTTP.
// Set Config.Faults; a nil *Faults injects nothing.
//
//	faults := &mockserver.Faults{Rules: []mockserver.Fault{
//		{Path: "/api/v2/outbound/campaigns/", Status: 429, RetryAfter: "1", Times: 2},
//		{Method: "GET", Delay: 2 * time.Second, Times: 1},
//	}}
//
// Each request is matched against the rules in order; the first rule whose
// method and path match and whose Times is not spent applies. The token
// endpoint is left alone unless a rule's Path names it.
type Faults struct {
	Rules []Fault

	mu       sync.Mutex
	used     []int
	injected int
	// wait, when set, replaces the timer behind Delay: tests hold an
	// answer back and let it go on cue instead of on the wall clock.
	wait func(ctx context.Context, d time.Duration) bool
}

// Fault is one way to misbehave.
type Fault struct {
	// Method ("" any) and Path (a prefix of the URL path, "" any) select requests.
	Method string
	Path   string
	// Times is how many matching requests get the fault (0: all of them).
	Times int

	// Delay holds the answer back this long (a slow answer), then the
	// request is answered as usual, or with Status, or dropped. A client
	// that gives up first finds the wait cut short.
	Delay time.Duration
	// Status answers with this error status (429, 502, 503, 504) in the
	// spec's error envelope instead of the real answer.
	Status int
	// Code is the envelope's error code (default: casebook's own for the
	// status, e.g. too.many.requests; no vendor source gives them).
	Code string
	// RetryAfter is sent as the Retry-After header: delay-seconds ("2") or
	// an HTTP-date.
	RetryAfter string
	// Drop closes the connection without an answer, as a crashed or
	// overloaded server does.
	Drop bool
}

// Injected is how many requests got a fault so far.
func (f *Faults) Injected() int {
	if f == nil {
		return 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.injected
}

// delay holds an answer back for d; it reports false when ctx (the
// client's request) is done first.
func (f *Faults) delay(ctx context.Context, d time.Duration) bool {
	if f.wait != nil {
		return f.wait(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// pick finds the fault for a request and spends one of its Times.
func (f *Faults) pick(r *http.Request, tokenPath string) *Fault {
	if f == nil {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.used) != len(f.Rules) {
		f.used = make([]int, len(f.Rules))
	}
	for i := range f.Rules {
		rule := &f.Rules[i]
		if !rule.matches(r, tokenPath) || (rule.Times > 0 && f.used[i] >= rule.Times) {
			continue
		}
		f.used[i]++
		f.injected++
		return rule
	}
	return nil
}

func (ft *Fault) matches(r *http.Request, tokenPath string) bool {
	if ft.Method != "" && !strings.EqualFold(ft.Method, r.Method) {
		return false
	}
	if r.URL.Path == tokenPath && ft.Path != tokenPath {
		return false
	}
	return strings.HasPrefix(r.URL.Path, ft.Path)
}

// faultCodes are casebook's own codes for injected errors.
var faultCodes = map[int]string{
	http.StatusTooManyRequests:    "too.many.requests",
	http.StatusBadGateway:         "bad.gateway",
	http.StatusServiceUnavailable: "service.unavailable",
	http.StatusGatewayTimeout:     "gateway.timeout",
}

// injectFault applies the fault for r, if any, and reports whether it
// answered the request (the caller then does nothing more).
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, sess *session) bool {
	var ft *Fault
	if sess != nil {
		ft = sess.faults.pick(r, s.tokenPath)
	}
	for _, f := range s.faults {
		if ft == nil {
			ft = f.pick(r, s.tokenPath)
		}
	}
	if ft == nil {
		return false
	}
	if ft.Delay > 0 && !s.cfg.Faults.delay(r.Context(), ft.Delay) {
		return true // the client is gone: nobody to answer
	}
	if ft.Drop {
		panic(http.ErrAbortHandler) // net/http closes the connection, logs nothing
	}
	if ft.Status == 0 {
		return false
	}
	e := &apiError{Status: ft.Status, Code: ft.Code, Header: http.Header{}}
	if e.Code == "" {
		e.Code = faultCodes[ft.Status]
	}
	if e.Code == "" {
		e.Code = codeInternal
	}
	if e.Message == "" {
		e.Message = "casebook mock: injected fault (" + http.StatusText(ft.Status) + ")."
	}
	if ft.RetryAfter != "" {
		e.Header.Set("Retry-After", ft.RetryAfter)
	}
	s.writeError(w, nil, e)
	return true
}

// faults are the overlay's faults (none yet).
func (o *Overlay) faults() *Faults { return nil }

// reset makes every rule's Times count again.
func (f *Faults) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.used = nil
}
