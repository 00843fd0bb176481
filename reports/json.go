package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/results"
)

// SchemaVersion is the version of the JSON report's shape
// (docs/report-schema.json). Adding an optional member keeps it; renaming,
// removing or retyping one bumps it.
const SchemaVersion = 1

func init() { Register("json", JSON) }

// JSON writes the machine-readable report: the stable contract CI tooling
// and dashboards read. Its shape is docs/report-schema.json.
//
// The bytes are those of the JSONReport, every case a JSONResult, encoded
// whole by encoding/json (json_reference_test.go keeps that path as the
// reference), but written a case at a time: the document is encoded with
// no cases, and each case is written by hand (jsonOut) where the empty
// list was. A run of 100,000 cases never holds its report (hundreds of
// MB) in memory, only one case's.
func JSON(w io.Writer, rs []*results.Result, opts Options) error {
	before, after, err := jsonFrame(jsonHead(rs, opts))
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, before); err != nil {
		return err
	}
	cw := newJSONCaseWriter()
	for _, r := range rs {
		if err := cw.write(w, r); err != nil {
			return err
		}
	}
	_, err = io.WriteString(w, cw.end()+after)
	return err
}

// jsonFrame encodes the document head (its cases empty) and cuts it where
// the cases go: before ends with the list's "[", after starts past its "]".
func jsonFrame(head *JSONReport) (before, after string, err error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(head); err != nil {
		return "", "", err
	}
	const emptyCases = "\n  \"cases\": []"
	before, after, ok := strings.Cut(buf.String(), emptyCases)
	if !ok {
		return "", "", fmt.Errorf("json report: no %q member to fill in", "cases")
	}
	return before + strings.TrimSuffix(emptyCases, "]"), after, nil
}

// jsonCaseWriter writes the cases of the list, one at a time, indented as
// the whole document's encoding would indent them (jsonOut).
type jsonCaseWriter struct {
	out jsonOut
	n   int
}

func newJSONCaseWriter() *jsonCaseWriter { return &jsonCaseWriter{} }

func (cw *jsonCaseWriter) write(w io.Writer, r *results.Result) error {
	o := &cw.out
	o.b, o.level, o.empty = o.b[:0], 2, cw.n == 0
	o.elem()
	cw.n++
	if err := o.result(r); err != nil {
		return fmt.Errorf("json report, case %s: %w", r.Case.Name, err)
	}
	_, err := w.Write(o.b)
	return err
}

// end closes the list.
func (cw *jsonCaseWriter) end() string {
	if cw.n == 0 {
		return "]"
	}
	return "\n  ]"
}

// JSONReport is the JSON report's document.
type JSONReport struct {
	SchemaVersion int          `json:"schemaVersion"`
	Tool          JSONTool     `json:"tool"`
	Summary       JSONSummary  `json:"summary"`
	Cases         []JSONResult `json:"cases"`
	// Coverage is there when the run was asked for it (--coverage).
	Coverage *JSONCoverage `json:"coverage,omitempty"`
}

// JSONTool names what wrote the report.
type JSONTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// JSONSummary counts cases by status. Failed does not include Errored.
type JSONSummary struct {
	Total      int     `json:"total"`
	Passed     int     `json:"passed"`
	Failed     int     `json:"failed"`
	Errored    int     `json:"errored"`
	Skipped    int     `json:"skipped"`
	DurationMs float64 `json:"durationMs"`
}

// JSONResult is one case's outcome.
type JSONResult struct {
	Name         string            `json:"name"`
	Status       results.Status    `json:"status"`
	Reason       string            `json:"reason,omitempty"`
	File         string            `json:"file,omitempty"`
	Line         int               `json:"line,omitempty"`
	Column       int               `json:"column,omitempty"`
	Pitfall      string            `json:"pitfall,omitempty"`
	Source       string            `json:"source,omitempty"`
	Verification string            `json:"verification"`
	Tags         []string          `json:"tags"`
	FixedBy      string            `json:"fixedBy,omitempty"`
	Spec         string            `json:"spec,omitempty"`
	Target       string            `json:"target,omitempty"`
	Operation    string            `json:"operation,omitempty"`
	Findings     []finding.Finding `json:"findings"`
	Conformance  []finding.Finding `json:"conformance,omitempty"`
	Expected     JSONExpected      `json:"expected"`
	Request      *JSONMessage      `json:"request,omitempty"`
	Response     *JSONMessage      `json:"response,omitempty"`
	Differences  []JSONDifference  `json:"differences"`
	DurationMs   float64           `json:"durationMs"`
	Attempts     int               `json:"attempts"`
	Correlation  string            `json:"correlationId,omitempty"`
	TraceID      string            `json:"traceId,omitempty"`
	Channel      *JSONChannel      `json:"channel,omitempty"`
	Events       []JSONEvent       `json:"events,omitempty"`
	// Steps are a multi-step case's steps; then differences holds every
	// step's (each naming its step) and request and response are the last
	// step's that was sent.
	Steps []JSONStep `json:"steps,omitempty"`
}

// JSONChannel is the notification channel a case opened.
type JSONChannel struct {
	ID     string   `json:"id"`
	Topics []string `json:"topics"`
	// Ended says how the connection ended while the case ran; absent when it stayed open.
	Ended string `json:"ended,omitempty"`
}

// JSONEvent is a notification that arrived on the case's channel.
type JSONEvent struct {
	TopicName string `json:"topicName"`
	// AfterMs is how long after the request was sent it arrived.
	AfterMs float64 `json:"afterMs"`
	// Body is the event's eventBody.
	Body any `json:"body"`
}

// JSONStep is one step of a multi-step case.
type JSONStep struct {
	Name        string            `json:"name"`
	Status      results.Status    `json:"status"`
	Reason      string            `json:"reason,omitempty"`
	Operation   string            `json:"operation,omitempty"`
	Findings    []finding.Finding `json:"findings"`
	Conformance []finding.Finding `json:"conformance,omitempty"`
	Expected    JSONExpected      `json:"expected"`
	Request     *JSONMessage      `json:"request,omitempty"`
	Response    *JSONMessage      `json:"response,omitempty"`
	Differences []JSONDifference  `json:"differences"`
	Attempts    int               `json:"attempts"`
	Correlation string            `json:"correlationId,omitempty"`
	TraceID     string            `json:"traceId,omitempty"`
	// Captured are the values the step read for the steps after it.
	Captured map[string]string `json:"captured,omitempty"`
}

// JSONExpected is what the case asserts.
type JSONExpected struct {
	Status    int                   `json:"status,omitempty"`
	Headers   map[string]string     `json:"headers,omitempty"`
	Body      any                   `json:"body,omitempty"`
	BodyMatch string                `json:"bodyMatch,omitempty"`
	Ignore    []string              `json:"ignore,omitempty"`
	Lint      []JSONExpectedFinding `json:"lint,omitempty"`
	// Conformance is the case's expect.conformance, when it sets one.
	Conformance string              `json:"conformance,omitempty"`
	Events      []JSONExpectedEvent `json:"events,omitempty"`
}

// JSONExpectedEvent is a notification the case expects (or, absent, does not).
type JSONExpectedEvent struct {
	TopicName string  `json:"topicName"`
	WithinMs  float64 `json:"withinMs"`
	Body      any     `json:"body,omitempty"`
	Absent    bool    `json:"absent,omitempty"`
}

// JSONExpectedFinding is a lint finding the case expects.
type JSONExpectedFinding struct {
	Pointer  string `json:"pointer,omitempty"`
	Rule     string `json:"rule,omitempty"`
	Location string `json:"location,omitempty"`
	Severity string `json:"severity,omitempty"`
}

// JSONDifference is one difference. Want is absent when the answer has a
// value the expectation does not allow (extra), Got when the expected value
// is missing; otherwise both are present, JSON null included.
type JSONDifference struct {
	// Step names the step of a multi-step case it is in.
	Step    string           `json:"step,omitempty"`
	Part    diff.Part        `json:"part"`
	Pointer string           `json:"pointer"`
	Want    *json.RawMessage `json:"want,omitempty"`
	Got     *json.RawMessage `json:"got,omitempty"`
	Missing bool             `json:"missing,omitempty"`
	Extra   bool             `json:"extra,omitempty"`
	// Text is the difference on one line, as the text report shows it.
	Text string `json:"text"`
}

// rawJSON encodes v without HTML escaping, so "<" reads as "<".
func rawJSON(v any) *json.RawMessage {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		buf.Reset()
		_ = enc.Encode(fmt.Sprint(v))
	}
	m := json.RawMessage(bytes.TrimRight(buf.Bytes(), "\n"))
	return &m
}

// JSONMessage is a request or a response. Exactly one of Body, BodyText and
// BodyBase64 is set when there is a body: Body when it parses as JSON,
// BodyText when it is other UTF-8 text, BodyBase64 otherwise.
type JSONMessage struct {
	Method     string      `json:"method,omitempty"`
	URL        string      `json:"url,omitempty"`
	Status     int         `json:"status,omitempty"`
	Headers    http.Header `json:"headers"`
	Body       any         `json:"body,omitempty"`
	BodyText   *string     `json:"bodyText,omitempty"`
	BodyBase64 string      `json:"bodyBase64,omitempty"`
}

// jsonHead is the report document without its cases (an empty list): the
// summary, the tool, the coverage.
func jsonHead(rs []*results.Result, opts Options) *JSONReport {
	var total float64
	for _, r := range rs {
		total += durationMs(r.Duration)
	}
	return jsonHeadOf(len(rs), results.Summarize(rs), total, opts)
}

// jsonHeadOf is jsonHead from the number of cases, their counts and the
// sum of their durationMs (in case order: the float sum is the document's).
func jsonHeadOf(n int, s results.Summary, total float64, opts Options) *JSONReport {
	return &JSONReport{
		SchemaVersion: SchemaVersion,
		Tool:          JSONTool{Name: "casebook", Version: orDefault(opts.Version, unknownVersion)},
		Summary:       JSONSummary{Total: n, Passed: s.Passed, Failed: s.Failed, Errored: s.Errored, Skipped: s.Skipped, DurationMs: total},
		Cases:         []JSONResult{},
		Coverage:      jsonCoverage(opts.Coverage),
	}
}

// durationMs is a duration in milliseconds, to the microsecond.
func durationMs(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
