package reports

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/jsonvalue"
	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/internal/secret"
)

// jsonOut appends one case of the JSON report by hand, indented where the
// whole document's encoding indents it: the JSONResult the case is, as
// a json.Encoder (SetEscapeHTML(false), SetIndent("", "  ")) writes it,
// member by member in the struct's order, omitempty as the tags say.
// Encoding by reflection, then indenting, cost twice as much
// (bench/RESULTS.md, "Follow-up 8"); json_reference_test.go keeps that
// path, and TestJSONCaseMatchesEncodingJSON and FuzzJSONCase hold this
// one to it byte for byte.
//
// Strings and floats go through jsonvalue's appenders (encoding/json's
// quoting: no HTML escapes, U+2028 and U+2029 escaped, invalid UTF-8 as
// U+FFFD); generic values (bodies, expected values, differences) are
// written indented where they stand by jsonvalue's AppendIndent and
// RecodeIndent, in one pass.
type jsonOut struct {
	b       []byte
	level   int  // of the member or element written next
	empty   bool // the object or array open last has no member yet
	scratch []byte
	keys    []string
	secrets map[string]bool        // secretName's memory
	mask    func(name []byte) bool // secretNameBytes, made once
}

// spaces indents a line of up to 32 levels without allocating.
const spaces = "\n                                                                "

func (o *jsonOut) newline() {
	if n := 1 + 2*o.level; n <= len(spaces) {
		o.b = append(o.b, spaces[:n]...)
		return
	}
	o.b = append(o.b, '\n')
	for range o.level {
		o.b = append(o.b, ' ', ' ')
	}
}

func (o *jsonOut) open(c byte) {
	o.b = append(o.b, c)
	o.level++
	o.empty = true
}

func (o *jsonOut) close(c byte) {
	o.level--
	if !o.empty {
		o.newline()
	}
	o.b = append(o.b, c)
	o.empty = false
}

// elem starts an element of an array.
func (o *jsonOut) elem() {
	if !o.empty {
		o.b = append(o.b, ',')
	}
	o.empty = false
	o.newline()
}

// key starts a member whose name needs no escaping (the struct's tags).
func (o *jsonOut) key(k string) {
	o.elem()
	o.b = append(o.b, '"')
	o.b = append(o.b, k...)
	o.b = append(o.b, '"', ':', ' ')
}

// mapKey starts a member named by the data (a header, a capture).
func (o *jsonOut) mapKey(k string) {
	o.elem()
	o.b = jsonvalue.AppendString(o.b, k)
	o.b = append(o.b, ':', ' ')
}

func (o *jsonOut) str(k, v string) {
	o.key(k)
	o.b = jsonvalue.AppendString(o.b, v)
}

// strOmit is str for a member tagged omitempty.
func (o *jsonOut) strOmit(k, v string) {
	if v != "" {
		o.str(k, v)
	}
}

func (o *jsonOut) int(k string, n int) {
	o.key(k)
	o.b = strconv.AppendInt(o.b, int64(n), 10)
}

func (o *jsonOut) intOmit(k string, n int) {
	if n != 0 {
		o.int(k, n)
	}
}

func (o *jsonOut) float(k string, f float64) error {
	o.key(k)
	b, err := jsonvalue.AppendFloat(o.b, f)
	o.b = b
	return err
}

// strs writes a []string member: null when nil (a header's values), []
// when empty.
func (o *jsonOut) strs(k string, ss []string) {
	o.key(k)
	o.strList(ss)
}

func (o *jsonOut) strList(ss []string) {
	if ss == nil {
		o.b = append(o.b, "null"...)
		return
	}
	o.open('[')
	for _, s := range ss {
		o.elem()
		o.b = jsonvalue.AppendString(o.b, s)
	}
	o.close(']')
}

// strsOmit is strs for a member tagged omitempty.
func (o *jsonOut) strsOmit(k string, ss []string) {
	if len(ss) > 0 {
		o.strs(k, ss)
	}
}

// value writes a generic value as encoding/json encodes it.
func (o *jsonOut) value(v any) error {
	b, err := jsonvalue.AppendIndent(o.b, v, o.prefix(), "  ")
	o.b = b
	return err
}

// raw writes compact JSON (jsonvalue.Append's, or this package's) indented.
func (o *jsonOut) raw(compact []byte) {
	o.b = jsonvalue.Indent(o.b, compact, o.prefix(), "  ")
}

// prefix is what starts a line inside the value written next.
func (o *jsonOut) prefix() string {
	if n := 1 + 2*o.level; n <= len(spaces) {
		return spaces[1:n]
	}
	return strings.Repeat(" ", 2*o.level)
}

// jsonBody writes a body that is a JSON object or array as the member
// named k, recoded and indented in one pass (jsonvalue.RecodeIndent), and
// reports whether it did: any other body, or one Recode declines, is
// redactedBody's to write, and o is left as it was.
func (o *jsonOut) jsonBody(k string, body []byte) bool {
	if lead := bytes.TrimLeft(body, " \t\r\n"); len(lead) == 0 || (lead[0] != '{' && lead[0] != '[') {
		return false
	}
	if o.mask == nil {
		o.mask = o.secretNameBytes
	}
	n, empty := len(o.b), o.empty
	if k != "" {
		o.key(k)
	}
	b, ok := jsonvalue.RecodeIndent(o.b, body, o.mask, secret.Redacted, o.prefix(), "  ")
	if !ok {
		o.b, o.empty = b[:n], empty
		return false
	}
	o.b = b
	return true
}

// sortedKeys are m's keys in encoding/json's order, in o's reused slice.
func sortedKeys[V any](o *jsonOut, m map[string]V) []string {
	o.keys = o.keys[:0]
	for k := range m {
		o.keys = append(o.keys, k)
	}
	slices.Sort(o.keys)
	return o.keys
}

// stringMap writes a map[string]string member (omitempty).
func (o *jsonOut) stringMapOmit(k string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	o.key(k)
	o.open('{')
	for _, name := range sortedKeys(o, m) {
		o.mapKey(name)
		o.b = jsonvalue.AppendString(o.b, m[name])
	}
	o.close('}')
}

// secretName is secret.Name(name), remembered for up to 256 names: a
// run's messages carry the same few header and member names case after
// case. (secret.Name no longer allocates for a short ASCII name; what the
// memory still saves is the string a body's member name would need, in
// secretNameBytes, and the substring scans.)
func (o *jsonOut) secretName(name string) bool {
	if v, ok := o.secrets[name]; ok {
		return v
	}
	v := secret.Name(name)
	if o.secrets == nil {
		o.secrets = map[string]bool{}
	}
	if len(o.secrets) < 256 {
		o.secrets[name] = v
	}
	return v
}

// secretNameBytes is secretName of a name in a body's text, without
// making a string of it when the name is remembered.
func (o *jsonOut) secretNameBytes(name []byte) bool {
	if v, ok := o.secrets[string(name)]; ok {
		return v
	}
	return o.secretName(string(name))
}

// redactedBody is the package's redactedBody with o's memory of names.
func (o *jsonOut) redactedBody(body []byte) (bodyKind, []byte, error) {
	if o.mask == nil {
		o.mask = o.secretNameBytes
	}
	kind, out, err := redactedBody(o.scratch[:0], body, o.mask)
	o.scratch = out
	return kind, out, err
}

// result writes r as its JSONResult.
func (o *jsonOut) result(r *results.Result) error {
	c := r.Case
	o.open('{')
	o.str("name", c.Name)
	o.str("status", string(r.Status))
	o.strOmit("reason", r.Reason)
	o.strOmit("file", c.Pos.File)
	o.intOmit("line", c.Pos.Line)
	o.intOmit("column", c.Pos.Column)
	o.strOmit("pitfall", c.Pitfall)
	o.strOmit("source", c.Source)
	o.str("verification", orDefault(c.Verification, "unverified"))
	o.strs("tags", nonNil(c.Tags))
	o.strOmit("fixedBy", c.FixedBy)
	o.strOmit("spec", r.SpecPath)
	o.strOmit("target", r.Target)
	o.strOmit("operation", r.Operation)
	o.findings("findings", nonNil(r.Findings))
	if len(r.Conformance) > 0 {
		o.findings("conformance", r.Conformance)
	}
	if err := o.expected(&c.Expect); err != nil {
		return err
	}
	if err := o.messages(r.Request, r.Response); err != nil {
		return err
	}
	o.differences(r.Differences)
	if err := o.float("durationMs", durationMs(r.Duration)); err != nil {
		return err
	}
	o.int("attempts", r.Attempts)
	o.strOmit("correlationId", r.CorrelationID)
	o.strOmit("traceId", r.TraceID)
	if r.Channel != nil {
		if err := o.channel(r.Channel, r.Events); err != nil {
			return err
		}
	}
	if len(r.Steps) > 0 {
		o.key("steps")
		o.open('[')
		for i, st := range r.Steps {
			if err := o.step(st, &c.Steps[i].Expect); err != nil {
				return err
			}
		}
		o.close(']')
	}
	o.close('}')
	return nil
}

// step writes one step as its JSONStep.
func (o *jsonOut) step(st *results.Step, e *casefile.Expect) error {
	o.elem()
	o.open('{')
	o.str("name", st.Name)
	o.str("status", string(st.Status))
	o.strOmit("reason", st.Reason)
	o.strOmit("operation", st.Operation)
	o.findings("findings", nonNil(st.Findings))
	if len(st.Conformance) > 0 {
		o.findings("conformance", st.Conformance)
	}
	if err := o.expected(e); err != nil {
		return err
	}
	if err := o.messages(st.Request, st.Response); err != nil {
		return err
	}
	o.differences(st.Differences)
	o.int("attempts", st.Attempts)
	o.strOmit("correlationId", st.CorrelationID)
	o.strOmit("traceId", st.TraceID)
	o.stringMapOmit("captured", st.Captured)
	o.close('}')
	return nil
}

func (o *jsonOut) findings(k string, fs []finding.Finding) {
	o.key(k)
	o.open('[')
	for i := range fs {
		f := &fs[i]
		o.elem()
		o.open('{')
		o.str("severity", string(f.Severity))
		o.str("location", string(f.Location))
		o.str("pointer", f.Pointer)
		o.str("rule", f.Rule)
		o.str("message", f.Message)
		o.strsOmit("allowed", f.Allowed)
		o.strOmit("didYouMean", f.DidYouMean)
		o.strsOmit("nearest", f.Nearest)
		o.close('}')
	}
	o.close(']')
}

// expected writes what the case asserts as its JSONExpected.
func (o *jsonOut) expected(e *casefile.Expect) error {
	o.key("expected")
	o.open('{')
	o.intOmit("status", e.Status)
	o.stringMapOmit("headers", e.Headers)
	if e.Body != nil {
		o.key("body")
		if err := o.value(e.Body.V); err != nil { // nil: JSON null, kept visible
			return err
		}
	}
	match := e.BodyMatch
	if match == "" && e.Body != nil {
		match = casefile.MatchSubset
	}
	o.strOmit("bodyMatch", match)
	o.strsOmit("ignore", e.Ignore)
	if len(e.Lint) > 0 {
		o.key("lint")
		o.open('[')
		for _, f := range e.Lint {
			o.elem()
			o.open('{')
			o.strOmit("pointer", f.Pointer)
			o.strOmit("rule", f.Rule)
			o.strOmit("location", f.Location)
			o.strOmit("severity", f.Severity)
			o.close('}')
		}
		o.close(']')
	}
	o.strOmit("conformance", e.Conformance)
	if len(e.Events) > 0 {
		if err := o.expectedEvents(e.Events); err != nil {
			return err
		}
	}
	o.close('}')
	return nil
}

func (o *jsonOut) expectedEvents(evs []casefile.ExpectedEvent) error {
	o.key("events")
	o.open('[')
	for _, ev := range evs {
		within := time.Duration(ev.Within)
		if within == 0 {
			within = casefile.DefaultEventWithin
		}
		o.elem()
		o.open('{')
		o.str("topicName", ev.TopicName)
		if err := o.float("withinMs", float64(within.Milliseconds())); err != nil {
			return err
		}
		if ev.Body != nil && ev.Body.V != nil { // omitempty: a nil any is left out
			o.key("body")
			if err := o.value(ev.Body.V); err != nil {
				return err
			}
		}
		if ev.Absent {
			o.key("absent")
			o.b = append(o.b, "true"...)
		}
		o.close('}')
	}
	o.close(']')
	return nil
}

// messages writes the request and the response, secrets redacted.
func (o *jsonOut) messages(req *results.Request, resp *results.Response) error {
	if req != nil {
		o.key("request")
		o.open('{')
		o.strOmit("method", req.Method)
		o.strOmit("url", redactURL(req.URL))
		if err := o.headersAndBody(req.Header, req.Body); err != nil {
			return err
		}
		o.close('}')
	}
	if resp != nil {
		o.key("response")
		o.open('{')
		o.intOmit("status", resp.Status)
		if err := o.headersAndBody(resp.Header, resp.Body); err != nil {
			return err
		}
		o.close('}')
	}
	return nil
}

// headersAndBody ends a JSONMessage: its headers, redacted as
// secret.RedactHeader redacts them (without its copy), and its body.
func (o *jsonOut) headersAndBody(h http.Header, body []byte) error {
	o.key("headers")
	o.open('{')
	for _, name := range sortedKeys(o, h) {
		o.mapKey(name)
		vs := h[name]
		if vs == nil || !o.secretName(name) {
			o.strList(vs)
			continue
		}
		o.open('[')
		for _, v := range vs {
			o.elem()
			o.b = jsonvalue.AppendString(o.b, secret.RedactedValue(name, v))
		}
		o.close(']')
	}
	o.close('}')
	if o.jsonBody("body", body) {
		return nil
	}
	kind, out, err := o.redactedBody(body)
	if err != nil {
		return err
	}
	switch kind {
	case bodyJSON:
		o.key("body")
		o.raw(out)
	case bodyText:
		o.key("bodyText")
		o.b = jsonvalue.AppendString(o.b, string(out))
	case bodyBase64:
		o.key("bodyBase64")
		o.b = jsonvalue.AppendString(o.b, string(out))
	}
	return nil
}

// differences writes each difference as its JSONDifference, a
// credential's values redacted (safeDifference).
func (o *jsonOut) differences(ds []diff.Difference) {
	o.key("differences")
	o.open('[')
	for _, d := range ds {
		d = safeDifference(d)
		o.elem()
		o.open('{')
		o.strOmit("step", d.Step)
		o.str("part", string(d.Part))
		o.str("pointer", d.Pointer)
		if !d.Extra {
			o.key("want")
			o.diffValue(d.Want)
		}
		if !d.Missing {
			o.key("got")
			o.diffValue(d.Got)
		}
		if d.Missing {
			o.key("missing")
			o.b = append(o.b, "true"...)
		}
		if d.Extra {
			o.key("extra")
			o.b = append(o.b, "true"...)
		}
		o.str("text", d.String())
		o.close('}')
	}
	o.close(']')
}

// diffValue is rawJSON: the value as JSON, or, when encoding/json cannot
// encode it, its fmt.Sprint as a JSON string.
func (o *jsonOut) diffValue(v any) {
	if err := o.value(v); err != nil {
		o.b = jsonvalue.AppendString(o.b, fmt.Sprint(v))
	}
}

// channel writes the case's channel and the events that came on it.
func (o *jsonOut) channel(ch *results.Channel, events []results.Event) error {
	o.key("channel")
	o.open('{')
	o.str("id", ch.ID)
	o.strs("topics", nonNil(ch.Topics))
	o.strOmit("ended", ch.Ended)
	o.close('}')
	if len(events) == 0 {
		return nil
	}
	o.key("events")
	o.open('[')
	for _, e := range events {
		o.elem()
		o.open('{')
		o.str("topicName", e.TopicName)
		if err := o.float("afterMs", float64(e.After.Microseconds())/1000); err != nil {
			return err
		}
		o.key("body") // the body as JSON or text; null for other bytes
		if o.jsonBody("", e.Body) {
			o.close('}')
			continue
		}
		kind, out, err := o.redactedBody(e.Body)
		if err != nil {
			return err
		}
		switch kind {
		case bodyJSON:
			o.raw(out)
		case bodyText:
			o.b = jsonvalue.AppendString(o.b, string(out))
		default:
			o.b = append(o.b, "null"...)
		}
		o.close('}')
	}
	o.close(']')
	return nil
}
