// Package results holds what a run produces: a Result per case (its
// findings, the request as sent, the answer, the differences) and a
// DriftResult per case run against two targets. The runner fills them in
// and the reports render them; neither knows the other, and a renderer
// links none of the engine (no spec loading, no mock, no OAuth2).
package results

import (
	"net/http"
	"time"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/finding"
)

// Status is the outcome of one case.
type Status string

const (
	Passed  Status = "passed"
	Failed  Status = "failed"
	Skipped Status = "skipped"
	// Errored: the case could not be run to a verdict (dead server, spec that
	// does not load, missing variable). Counted as a failure.
	Errored Status = "errored"
)

// Result is everything one case produced: the typed material every reporter
// renders. It holds no secrets: Request headers are redacted when recorded.
type Result struct {
	Case *casefile.Case
	// SpecPath is the spec the case was linted against.
	SpecPath string
	// Target names where the request went ("mock", a URL, a live profile).
	Target string
	Status Status
	// Reason says why a case was skipped or errored.
	Reason string

	// Operation is the spec operation the request resolved to ("POST /api/v2/conversations/calls"), empty when none.
	Operation string
	Findings  []finding.Finding

	Request  *Request
	Response *Response
	// Conformance lists where the answer breaks the contract: a status,
	// content type, header or body the operation does not declare, a
	// Genesys error code it does not publish. Errors fail the case; a case
	// or the config may lower them to warnings (expect.conformance: warn).
	Conformance []finding.Finding
	// Differences lists every way the outcome differs from the expectation:
	// lint findings first, then status, headers and body, then the
	// conformance errors.
	Differences []diff.Difference

	Duration time.Duration
	Attempts int
	// CorrelationID is the vendor's id for the exchange (Inin-Correlation-Id, X-Request-Id, ...).
	CorrelationID string
	// TraceID is the W3C trace id sent in the traceparent header.
	TraceID string

	// Channel is the notification channel the case opened (nil: none), and
	// Events what arrived on it while the case waited for its expectations.
	Channel *Channel
	Events  []Event

	// Steps are the steps of a multi-step case, in order (nil for a case
	// with one request). Then Differences holds every step's, each naming
	// its step; Request, Response, CorrelationID and TraceID are the last
	// step's that was sent, and Attempts counts every step's.
	Steps []*Step
}

// Channel is a case's notification channel, as the case saw it.
type Channel struct {
	ID     string
	Topics []string
	// Ended says how the connection ended while the case ran: a close code
	// and reason, or a drop without a close frame; "" when it stayed open.
	Ended string
}

// Event is a notification that arrived on a case's channel.
type Event struct {
	TopicName string
	// Body is the event's eventBody, as JSON.
	Body []byte
	// After is how long after the request was sent it arrived.
	After time.Duration
}

// Step is what one step of a multi-step case produced.
type Step struct {
	Name   string
	Status Status
	// Reason says why the step was skipped or errored.
	Reason string
	// Operation is the spec operation the step's request resolved to.
	Operation   string
	Findings    []finding.Finding
	Request     *Request
	Response    *Response
	Differences []diff.Difference
	// Conformance lists where the step's answer breaks the contract, as Result's does.
	Conformance []finding.Finding
	Attempts    int
	// CorrelationID and TraceID identify the step's exchange, as Result's do.
	CorrelationID string
	TraceID       string
	// Captured are the values the step read from its answer for the steps
	// after it, by variable name; a value whose name or header carries a
	// credential is secret.Redacted.
	Captured map[string]string
}

// Request is the request as sent, with secrets redacted.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
}

// Response is the server's answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Failed reports whether the result counts against the run.
func (r *Result) Failed() bool { return r.Status == Failed || r.Status == Errored }

// SpecProblems are one spec's departures from the OpenAPI rules: what
// casebook can live with (published vendor specs often break a rule) but
// a person should hear about.
type SpecProblems struct {
	Path     string
	Problems []string
}

// Summary counts results by status.
type Summary struct {
	Passed, Failed, Skipped, Errored int
	Duration                         time.Duration
}

// Summarize counts results.
func Summarize(results []*Result) Summary {
	var s Summary
	for _, r := range results {
		s.Add(r)
	}
	return s
}

// Add counts one result.
func (s *Summary) Add(r *Result) {
	switch r.Status {
	case Passed:
		s.Passed++
	case Failed:
		s.Failed++
	case Skipped:
		s.Skipped++
	case Errored:
		s.Errored++
	}
}

// OK reports whether nothing failed.
func (s Summary) OK() bool { return s.Failed == 0 && s.Errored == 0 }
