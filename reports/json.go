package reports

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/casebook-dev/casebook/internal/casefile"
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
// The bytes are those of NewJSONReport encoded whole, but written a case
// at a time: the document is encoded with no cases, and each case is
// encoded and written where the empty list was. A run of 100,000 cases
// never holds its report (hundreds of MB) in memory, only one case's.
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
// the whole document's encoding would indent them: each case is encoded
// compact, then indented by indentJSON (a third of the time
// encoding/json's own indenting took, which runs its validating scanner
// over output it has just made).
type jsonCaseWriter struct {
	compact bytes.Buffer
	enc     *json.Encoder
	out     []byte
	n       int
}

func newJSONCaseWriter() *jsonCaseWriter {
	cw := &jsonCaseWriter{}
	cw.enc = json.NewEncoder(&cw.compact)
	cw.enc.SetEscapeHTML(false)
	return cw
}

func (cw *jsonCaseWriter) write(w io.Writer, r *results.Result) error {
	cw.compact.Reset()
	if err := cw.enc.Encode(jsonResult(r)); err != nil {
		return fmt.Errorf("json report, case %s: %w", r.Case.Name, err)
	}
	cw.out = cw.out[:0]
	if cw.n > 0 {
		cw.out = append(cw.out, ',')
	}
	cw.n++
	cw.out = append(cw.out, "\n    "...)
	cw.out = indentJSON(cw.out, bytes.TrimSuffix(cw.compact.Bytes(), []byte("\n")), "    ", "  ")
	_, err := w.Write(cw.out)
	return err
}

// indentJSON appends src, compact JSON as encoding/json writes it (valid,
// no space outside strings), indented as json.Indent(dst, src, prefix,
// indent) would: a member or an element a line, "key": value, empty
// objects and arrays kept as {} and [], the first line not prefixed.
func indentJSON(dst, src []byte, prefix, indent string) []byte {
	depth := 0
	newline := func() {
		dst = append(dst, '\n')
		dst = append(dst, prefix...)
		for range depth {
			dst = append(dst, indent...)
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '"':
			j := i + 1
			for src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			dst = append(dst, src[i:j+1]...)
			i = j
		case '{', '[':
			dst = append(dst, c)
			if next := src[i+1]; next == '}' || next == ']' {
				dst = append(dst, next)
				i++
				continue
			}
			depth++
			newline()
		case '}', ']':
			depth--
			newline()
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, ':', ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
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

func jsonDifferences(ds []diff.Difference) []JSONDifference {
	out := make([]JSONDifference, 0, len(ds))
	for _, d := range ds {
		jd := JSONDifference{Step: d.Step, Part: d.Part, Pointer: d.Pointer, Missing: d.Missing, Extra: d.Extra, Text: d.String()}
		if !d.Extra {
			jd.Want = rawJSON(d.Want)
		}
		if !d.Missing {
			jd.Got = rawJSON(d.Got)
		}
		out = append(out, jd)
	}
	return out
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

// NewJSONReport builds the report document, secrets redacted.
func NewJSONReport(rs []*results.Result, opts Options) *JSONReport {
	rep := jsonHead(rs, opts)
	for _, r := range rs {
		rep.Cases = append(rep.Cases, jsonResult(r))
	}
	return rep
}

// jsonHead is the report document without its cases (an empty list): the
// summary, the tool, the coverage.
func jsonHead(rs []*results.Result, opts Options) *JSONReport {
	var total float64
	for _, r := range rs {
		total += durationMs(r.Duration)
	}
	h := jsonHeadOf(len(rs), results.Summarize(rs), total, opts)
	h.Cases = make([]JSONResult, 0, len(rs))
	return h
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

func jsonResult(r *results.Result) JSONResult {
	c := r.Case
	jr := JSONResult{
		Name: c.Name, Status: r.Status, Reason: r.Reason,
		File: c.Pos.File, Line: c.Pos.Line, Column: c.Pos.Column,
		Pitfall: c.Pitfall, Source: c.Source, Verification: orDefault(c.Verification, "unverified"),
		Tags: nonNil(c.Tags), FixedBy: c.FixedBy,
		Spec: r.SpecPath, Target: r.Target, Operation: r.Operation,
		Findings:    nonNil(r.Findings),
		Conformance: r.Conformance,
		Expected:    jsonExpected(&c.Expect),
		Differences: jsonDifferences(safeDifferences(r.Differences)),
		DurationMs:  durationMs(r.Duration),
		Attempts:    r.Attempts,
		Correlation: r.CorrelationID,
		TraceID:     r.TraceID,
	}
	jr.Request, jr.Response = jsonRequest(r.Request), jsonResponse(r.Response)
	for i, st := range r.Steps {
		jr.Steps = append(jr.Steps, JSONStep{
			Name: st.Name, Status: st.Status, Reason: st.Reason, Operation: st.Operation,
			Findings: nonNil(st.Findings), Conformance: st.Conformance, Expected: jsonExpected(&c.Steps[i].Expect),
			Request: jsonRequest(st.Request), Response: jsonResponse(st.Response),
			Differences: jsonDifferences(safeDifferences(st.Differences)),
			Attempts:    st.Attempts, Correlation: st.CorrelationID, TraceID: st.TraceID, Captured: st.Captured,
		})
	}
	if r.Channel != nil {
		jr.Channel = &JSONChannel{ID: r.Channel.ID, Topics: nonNil(r.Channel.Topics), Ended: r.Channel.Ended}
		jr.Events = jsonEvents(r.Events)
	}
	return jr
}

func jsonEvents(es []results.Event) []JSONEvent {
	out := make([]JSONEvent, len(es))
	for i, e := range es {
		var m JSONMessage
		m.setRedactedBody(e.Body)
		body := m.Body
		if body == nil && m.BodyText != nil {
			body = *m.BodyText
		}
		out[i] = JSONEvent{TopicName: e.TopicName, AfterMs: float64(e.After.Microseconds()) / 1000, Body: body}
	}
	return out
}

func jsonRequest(r *results.Request) *JSONMessage {
	if r == nil {
		return nil
	}
	m := &JSONMessage{Method: r.Method, URL: redactURL(r.URL), Headers: nonNilHeader(redactHeader(r.Header))}
	m.setRedactedBody(r.Body)
	return m
}

func jsonResponse(r *results.Response) *JSONMessage {
	if r == nil {
		return nil
	}
	m := &JSONMessage{Status: r.Status, Headers: nonNilHeader(redactHeader(r.Header))}
	m.setRedactedBody(r.Body)
	return m
}

func jsonExpected(e *casefile.Expect) JSONExpected {
	out := JSONExpected{Status: e.Status, Headers: e.Headers, BodyMatch: e.BodyMatch, Ignore: e.Ignore, Conformance: e.Conformance}
	for _, f := range e.Lint {
		out.Lint = append(out.Lint, JSONExpectedFinding(f))
	}
	if e.Body != nil {
		out.Body = e.Body.V
		if out.Body == nil {
			// An expected JSON null must stay visible: omitempty would drop it.
			out.Body = json.RawMessage("null")
		}
	}
	if out.BodyMatch == "" && e.Body != nil {
		out.BodyMatch = casefile.MatchSubset
	}
	for _, ev := range e.Events {
		within := time.Duration(ev.Within)
		if within == 0 {
			within = casefile.DefaultEventWithin
		}
		je := JSONExpectedEvent{TopicName: ev.TopicName, WithinMs: float64(within.Milliseconds()), Absent: ev.Absent}
		if ev.Body != nil {
			je.Body = ev.Body.V
		}
		out.Events = append(out.Events, je)
	}
	return out
}

// setRedactedBody is setBody(redactBody(b)), cheaper: a JSON object or
// array is decoded once, not twice (redactBody decodes it to find
// credentials, and setBody would decode what it returns), without
// reflection when it is plain JSON (canonicalJSON). It sets the same
// value, or the same JSON as a json.RawMessage: the same report.
func (m *JSONMessage) setRedactedBody(b []byte) {
	if out, ok := canonicalJSON(nil, b, true); ok {
		m.Body = json.RawMessage(out)
		return
	}
	t := bytes.TrimSpace(b)
	// Past JSON's own spaces, TrimSpace trims what makes b no JSON for setBody.
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') || len(bytes.Trim(b, " \t\r\n")) != len(t) {
		m.setBody(redactBody(b))
		return
	}
	v, ok := decodeJSON(t)
	if !ok {
		m.setBody(b) // what redactBody returns
		return
	}
	redactValue(v)
	m.Body = v
}

func (m *JSONMessage) setBody(b []byte) {
	if len(b) == 0 {
		return
	}
	if v, ok := decodeJSON(b); ok {
		m.Body = v
		if v == nil {
			m.Body = json.RawMessage("null")
		}
		return
	}
	if utf8.Valid(b) {
		s := string(b)
		m.BodyText = &s
		return
	}
	m.BodyBase64 = base64.StdEncoding.EncodeToString(b)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func nonNilHeader(h http.Header) http.Header {
	if h == nil {
		return http.Header{}
	}
	return h
}
