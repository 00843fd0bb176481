package target

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/internal/secret"
	"github.com/casebook-dev/casebook/internal/spec"
)

// MaxResponseBytes bounds how much of an answer is read and kept.
const MaxResponseBytes = 10 << 20

// Sender sends requests to a target the way a careful client does: at
// most a rate per second across every caller, each attempt bounded by a
// timeout (its token request included), a W3C traceparent, the target's
// credentials added afresh on each attempt (a token may have expired
// meanwhile), retries as its policy allows, and the answer scrubbed of
// the secrets the target sent. What it records holds no secret. It is
// safe for concurrent use.
type Sender struct {
	target  Target
	retry   RetryPolicy
	timeout time.Duration
	limit   *limiter
}

// NewSender sends to t. timeout <= 0 is 30s; perSecond <= 0 sets no
// rate limit.
func NewSender(t Target, retry RetryPolicy, timeout time.Duration, perSecond float64) *Sender {
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	return &Sender{target: t, retry: retry.withDefaults(), timeout: timeout, limit: newLimiter(perSecond)}
}

// Request is one request to send, built afresh for each attempt.
type Request struct {
	Method string
	// Path is the escaped path and query, appended to the target's base URL.
	Path   string
	Header http.Header
	Body   []byte
	// Auth names the credential to send (a case's auth:).
	Auth string
	// Retryable allows retries of a method that is not idempotent (a
	// case's retry: true).
	Retryable bool
	// Case names the case, for errors.
	Case string
}

// Exchange is what a Send did: the last attempt's request (redacted) and
// answer, and how to find the exchange in the vendor's logs.
type Exchange struct {
	Request  *results.Request
	Response *results.Response
	Attempts int
	// TraceID is the W3C trace id the request carried.
	TraceID string
	// CorrelationID is the vendor's id for the exchange (Inin-Correlation-Id, X-Request-Id, ...).
	CorrelationID string
}

// SendError reports a request that got no answer. It names the operation
// and case first; it never holds a secret.
type SendError struct {
	Method, URL, Case string
	Err               error
}

func (e *SendError) Error() string {
	return fmt.Sprintf("%s %s (case %s): %v", e.Method, e.URL, e.Case, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// Send sends r for spec sp. The exchange comes back also when the request
// got no answer (a *SendError): it says how far the request went.
func (s *Sender) Send(ctx context.Context, sp *spec.Spec, r *Request) (*Exchange, error) {
	ex := &Exchange{TraceID: newTraceID()}
	base, err := s.target.BaseURL(ctx, sp)
	if err != nil {
		return ex, err
	}
	fail := func(n int, err error) error {
		if n > 1 {
			err = fmt.Errorf("giving up after %d attempts: %w", n, err)
		}
		u := strings.TrimRight(base, "/") + r.Path
		if ex.Request != nil {
			u = ex.Request.URL
		}
		u, _, _ = strings.Cut(u, "?") // a query may carry a credential
		return &SendError{Method: r.Method, URL: u, Case: r.Case, Err: err}
	}
	allowed := idempotent(r.Method) || r.Retryable
	for n := 1; ; n++ {
		ex.Attempts = n
		resp, err := s.attempt(ctx, sp, r, base, ex)
		wait, again := s.retry.next(ctx, n, allowed, resp, err)
		switch {
		case !again && err != nil:
			return ex, fail(n, err)
		case !again:
			ex.Response, ex.CorrelationID = resp, correlationID(resp.Header, resp.Body)
			return ex, nil
		}
		if err := s.retry.Wait(ctx, wait); err != nil {
			return ex, fail(n, err)
		}
	}
}

// attempt sends the request once, under the rate limit and the timeout.
func (s *Sender) attempt(ctx context.Context, sp *spec.Spec, r *Request, base string, ex *Exchange) (*results.Response, error) {
	if err := s.limit.Wait(ctx); err != nil {
		return nil, err
	}
	actx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, r.Method, strings.TrimRight(base, "/")+r.Path, bytes.NewReader(r.Body))
	if err != nil {
		return nil, err
	}
	req.Header = r.Header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	ex.TraceID = setTraceparent(req.Header, ex.TraceID)
	before := headerNames(req.Header)
	if err := s.target.Authorize(actx, req, sp, r.Auth); err != nil {
		return nil, err
	}
	ex.Request = recordRequest(req, r.Body, before)
	resp, err := s.target.Client().Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text repeats the method and URL SendError gives
		}
		return nil, err
	}
	defer resp.Body.Close()
	body, err := readBody(resp)
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	return s.scrub(&results.Response{Status: resp.StatusCode, Header: resp.Header, Body: body}), nil
}

// readBody reads an answer's body, at most MaxResponseBytes, as io.ReadAll
// does, but into a buffer the size of its Content-Length when it declares
// one: io.ReadAll starts at 512 bytes and grows, two or three allocations
// and copies for most answers.
func readBody(resp *http.Response) ([]byte, error) {
	var b bytes.Buffer
	if n := resp.ContentLength; n >= 0 && n < MaxResponseBytes {
		b.Grow(int(n) + bytes.MinRead) // ReadFrom wants MinRead free before each read
	}
	_, err := b.ReadFrom(io.LimitReader(resp.Body, MaxResponseBytes))
	return b.Bytes(), err
}

// scrub blanks the secrets the target sent out of an answer: what a
// server echoes (an echo endpoint, a debug header) must not reach a report.
func (s *Sender) scrub(answer *results.Response) *results.Response {
	sc, ok := s.target.(Scrubber)
	if !ok {
		return answer
	}
	answer.Body = sc.Scrub(answer.Body)
	for _, vs := range answer.Header {
		for i, v := range vs {
			vs[i] = string(sc.Scrub([]byte(v)))
		}
	}
	return answer
}

// headerNames lists the names set in h, to tell afterwards which ones a
// target's Authorize added.
func headerNames(h http.Header) map[string]bool {
	out := make(map[string]bool, len(h))
	for k := range h {
		out[k] = true
	}
	return out
}

// recordRequest is req as a report may keep it: secret-named headers
// redacted, and every header Authorize added (an API key under any name)
// replaced by secret.Redacted too.
func recordRequest(req *http.Request, body []byte, before map[string]bool) *results.Request {
	h := secret.RedactHeader(req.Header)
	for k, vs := range h {
		if before[k] || secret.Name(k) {
			continue
		}
		for i := range vs {
			vs[i] = secret.Redacted
		}
	}
	return &results.Request{Method: req.Method, URL: req.URL.Redacted(), Header: h, Body: body}
}

// correlationID finds the vendor's id for the exchange, for a support ticket.
func correlationID(h map[string][]string, body []byte) string {
	for _, name := range []string{"Inin-Correlation-Id", "X-Request-Id", "X-Correlation-Id", "Request-Id", "X-Amzn-Requestid"} {
		if v := h[name]; len(v) > 0 && v[0] != "" {
			return v[0]
		}
	}
	if !mayHoldContextID(body) {
		return ""
	}
	var eb struct {
		ContextID string `json:"contextId"`
	}
	if json.Unmarshal(body, &eb) == nil {
		return eb.ContextID
	}
	return ""
}

// mayHoldContextID reports whether decoding body may find a contextId,
// so that most answers skip the decode. encoding/json matches a key to
// the field under Unicode's case folding, and no rune outside ASCII folds
// to a letter of contextid (TestContextIDFoldsInASCII); a key may also
// be spelled with escapes. So a body without a backslash and without
// "contextid" in any ASCII case has none.
func mayHoldContextID(body []byte) bool {
	const key = "contextid"
	for i, c := range body {
		switch {
		case c == '\\':
			return true
		case c|0x20 == key[0] && len(body)-i >= len(key) && asciiFold(body[i:i+len(key)], key):
			return true
		}
	}
	return false
}

// asciiFold reports whether b is lower, ASCII letters in any case.
func asciiFold(b []byte, lower string) bool {
	for i := range b {
		if b[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}
