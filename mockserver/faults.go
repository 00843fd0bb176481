package mockserver

import (
	"context"
	"math"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/casebook-dev/casebook/internal/fault"
	"github.com/casebook-dev/casebook/internal/spec"
)

// Faults make the mock misbehave the way a vendor under load does (429 with
// Retry-After, 503, slow answers, dropped or reset connections), so that a
// client's retries, backoff, timeouts and rate limiting can be tested over
// real HTTP. Set Config.Faults; a nil *Faults injects nothing. The
// overlay's faults: and a session's apply too (a session's first).
//
//	faults := &mockserver.Faults{Rules: []mockserver.Fault{
//		{Path: "/api/v2/outbound/campaigns/", Status: 429, RetryAfter: "1", Times: 2},
//		{Method: "GET", Delay: 2 * time.Second, Times: 1},
//	}}
//
// Each request is matched against the rules in order; the first rule whose
// method and path match, whose Times is not spent and whose Rate picks the
// request applies. The token endpoint is left alone unless a rule's Path
// names it, and casebook's own routes always are.
type Faults struct {
	Rules []Fault

	mu       sync.Mutex
	seen     []int // matching requests, per rule
	used     []int // faults injected, per rule
	injected int
	// wait, when set, replaces the timer behind Delay: tests hold an
	// answer back and let it go on cue instead of on the wall clock.
	wait func(ctx context.Context, d time.Duration) bool
}

// Fault is one way to misbehave and which requests get it (the keys are
// the same on the command line, in the overlay and in a case).
type Fault = fault.Fault

// ParseFault reads a fault in the command line's form,
// "METHOD /path=KEY=VALUE,...", e.g.
// "POST /api/v2/conversations/calls=status=429,retry-after=2,rate=0.5".
// Keys: status, retry-after, rate, delay, reset, drop, times, code.
func ParseFault(s string) (Fault, error) { return fault.Parse(s) }

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
		f.used, f.seen = make([]int, len(f.Rules)), make([]int, len(f.Rules))
	}
	for i := range f.Rules {
		rule := &f.Rules[i]
		if !faultMatches(rule, r, tokenPath) || (rule.Times > 0 && f.used[i] >= rule.Times) {
			continue
		}
		f.seen[i]++
		if !picked(rule.Rate, f.seen[i]) {
			continue
		}
		f.used[i]++
		f.injected++
		return rule
	}
	return nil
}

// reset makes every rule's Times and Rate count afresh.
func (f *Faults) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.used, f.seen = nil, nil
}

// picked spreads a rate evenly and without chance, so a test sees the
// same sequence every run: the n-th matching request is hit when it
// brings the count of hits due, ceil(n*rate), up by one (rate 0.5: the
// first, third, fifth...).
func picked(rate float64, n int) bool {
	if rate <= 0 || rate >= 1 {
		return true
	}
	due := func(k int) float64 { return math.Ceil(float64(k)*rate - 1e-9) }
	return due(n) > due(n-1)
}

func faultMatches(ft *Fault, r *http.Request, tokenPath string) bool {
	if ft.Method != "" && !strings.EqualFold(ft.Method, r.Method) {
		return false
	}
	if r.URL.Path == tokenPath && ft.Path != tokenPath {
		return false
	}
	switch {
	case ft.Path == "":
		return true
	case strings.HasSuffix(ft.Path, "/"):
		return strings.HasPrefix(r.URL.Path, ft.Path)
	case strings.Contains(ft.Path, "{"):
		return templateMatches(ft.Path, r.URL.Path)
	}
	return r.URL.Path == ft.Path
}

// templateMatches: a {name} segment stands for any one segment.
func templateMatches(tmpl, path string) bool {
	ts, ps := strings.Split(tmpl, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i, t := range ts {
		if t != ps[i] && !(isParamSegment(t) && ps[i] != "") {
			return false
		}
	}
	return true
}

// faultCodes are casebook's own codes for injected errors, used when the
// spec lists none of publishedFaultCodes for the operation and status.
var faultCodes = map[int]string{
	http.StatusTooManyRequests:    "too.many.requests",
	http.StatusBadGateway:         "bad.gateway",
	http.StatusServiceUnavailable: "service.unavailable",
	http.StatusGatewayTimeout:     "gateway.timeout",
}

// publishedFaultCodes are the codes looked for in the spec's error codes
// (Genesys Cloud's x-inin-error-codes list too.many.requests for 429,
// service.unavailable for 503 and request.timeout for 504).
var publishedFaultCodes = map[int][]string{
	http.StatusTooManyRequests:    {"too.many.requests"},
	http.StatusServiceUnavailable: {"service.unavailable"},
	http.StatusGatewayTimeout:     {"request.timeout", "gateway.timeout"},
	http.StatusBadGateway:         {"bad.gateway"},
}

// injectFault applies the fault for r, if any, and reports whether it
// answered the request (the caller then does nothing more).
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, sess *session) bool {
	var from *Faults
	var ft *Fault
	if sess != nil {
		from, ft = sess.faults, sess.faults.pick(r, s.tokenPath)
	}
	for _, f := range s.faults {
		if ft == nil {
			from, ft = f, f.pick(r, s.tokenPath)
		}
	}
	if ft == nil {
		return false
	}
	if ft.Delay > 0 && !from.delay(r.Context(), ft.Delay) {
		return true // the client is gone: nobody to answer
	}
	if ft.Reset {
		resetConnection(w)
		return true
	}
	if ft.Drop {
		panic(http.ErrAbortHandler) // net/http closes the connection, logs nothing
	}
	if ft.Status == 0 {
		return false
	}
	op := s.operationOf(r)
	s.writeError(w, op, s.faultError(op, ft))
	return true
}

// operationOf is the operation a request routes to, nil when none.
func (s *Server) operationOf(r *http.Request) *spec.Operation {
	if m, err := s.spec.Find(r.Method, r.URL.EscapedPath()); err == nil {
		return m.Operation
	}
	return nil
}

// faultError is an injected status in the vendor's terms: the code the
// spec lists for it (Genesys Cloud's too.many.requests for 429), else
// casebook's own, and a message that says the fault is casebook's.
func (s *Server) faultError(op *spec.Operation, ft *Fault) *apiError {
	e := &apiError{Status: ft.Status, Code: ft.Code, Header: http.Header{}}
	what := "casebook mock: injected fault (" + http.StatusText(ft.Status) + ")."
	if e.Code == "" {
		e.Code = s.publishedCode(op, ft.Status)
	}
	if e.Code == "" {
		e.Code = faultCodes[ft.Status]
		if e.Code == "" {
			e.Code = codeInternal
		}
		what += " The code is casebook's: the spec lists none for this status."
	}
	e.Message = what
	if ft.RetryAfter != "" {
		e.Header.Set("Retry-After", ft.RetryAfter)
	}
	return e
}

// publishedCode is the code the spec lists for an injected status, on the
// operation or anywhere in the spec; "" when it lists none.
func (s *Server) publishedCode(op *spec.Operation, status int) string {
	for _, code := range publishedFaultCodes[status] {
		if op != nil {
			if _, ok := op.ErrorCodes(strconv.Itoa(status))[code]; ok {
				return code
			}
		}
		if _, ok := s.codes.specWide()[strconv.Itoa(status)][code]; ok {
			return code
		}
	}
	return ""
}

// resetConnection closes the client's connection with a TCP reset (RST):
// SO_LINGER 0, then close. Without a connection to take over (a handler
// mounted in a test), the connection is dropped instead.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// faults are the overlay's faults, nil when it has none.
func (o *Overlay) faults() *Faults {
	if len(o.Faults) == 0 {
		return nil
	}
	return &Faults{Rules: slices.Clone(o.Faults)}
}
