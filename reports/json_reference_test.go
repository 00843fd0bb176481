package reports

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/results"
)

// The JSON report as it was written before Follow-up 8 (bench/RESULTS.md):
// each case built as a JSONResult and encoded by encoding/json. Kept as
// the reference the hand-written jsonOut is held to, byte for byte.

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

// NewJSONReport builds the report document, secrets redacted.
func NewJSONReport(rs []*results.Result, opts Options) *JSONReport {
	rep := jsonHead(rs, opts)
	for _, r := range rs {
		rep.Cases = append(rep.Cases, jsonResult(r))
	}
	return rep
}

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

func nonNilHeader(h http.Header) http.Header {
	if h == nil {
		return http.Header{}
	}
	return h
}
