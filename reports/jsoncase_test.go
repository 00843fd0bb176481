package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/internal/strictyaml"
)

// referenceCase is r as the JSON report wrote a case before jsonOut:
// its JSONResult encoded by encoding/json, indented as in the document.
func referenceCase(r *results.Result) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("    ", "  ")
	if err := enc.Encode(jsonResult(r)); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// checkJSONCase: jsonOut writes r byte for byte as the reference does,
// and fails where it fails. o is reused from case to case, as the
// report's is (its scratch space, its memory of names).
func checkJSONCase(t *testing.T, o *jsonOut, r *results.Result) {
	t.Helper()
	want, werr := referenceCase(r)
	o.b, o.level, o.empty = o.b[:0], 2, false
	err := o.result(r)
	if (err == nil) != (werr == nil) {
		t.Fatalf("case %q: jsonOut error = %v, want %v", r.Case.Name, err, werr)
	}
	if err == nil && !bytes.Equal(o.b, want) {
		t.Fatalf("case %q: jsonOut wrote\n%s\nwant (encoding/json)\n%s", r.Case.Name, o.b, want)
	}
}

// TestJSONCaseMatchesEncodingJSON holds the hand-written case writer to
// encoding/json's on the golden files' results and on randomized ones.
func TestJSONCaseMatchesEncodingJSON(t *testing.T) {
	all := append(append(richResults(), eventResults()...), stepsResult())
	var o jsonOut
	for _, r := range all {
		checkJSONCase(t, &o, r)
	}
	rng := rand.New(rand.NewPCG(1, 16))
	for range 3000 {
		checkJSONCase(t, &o, randomResult(rng))
	}
}

// FuzzJSONCase builds a result from the fuzzer's strings and bodies (with
// every optional part present or not by the bits of shape) and holds
// jsonOut to encoding/json on it: redaction, escaping, invalid UTF-8,
// empty and nil, omitempty.
func FuzzJSONCase(f *testing.F) {
	f.Add("pc-correct-call", "Authorization", "Bearer tok", []byte(`{"password":"p","a":[1,{"token":"t"}]}`), []byte(`client_secret=s&x=1`), []byte(`{"b":"<&>"}`), uint32(0xffffffff))
	f.Add("<&>\u2028\xff", "X-Api-Key", "k\x00", []byte("\xff\xfe"), []byte(" [1] "), []byte(`null`), uint32(0x5555))
	f.Add("", "", "", []byte(``), []byte(`{"a":1}x`), []byte(`1e400`), uint32(0))
	f.Add("é", "Content-Type", "text/plain", []byte("plain text\n"), []byte("\f{\"password\":\"p\"}"), []byte(`[{"password":"p"}]`), uint32(0xaaaa))
	f.Fuzz(func(t *testing.T, name, hname, hvalue string, body, reqBody, value []byte, shape uint32) {
		rng := rand.New(rand.NewPCG(uint64(shape), uint64(len(body))))
		r := randomResult(rng)
		r.Case.Name = name
		r.Reason = hvalue
		bit := func(i int) bool { return shape&(1<<i) != 0 }
		var v any
		if json.Unmarshal(value, &v) != nil {
			v = string(value)
		}
		if bit(0) {
			r.Request = &results.Request{Method: name, URL: "https://u:" + hvalue + "@h/p?access_token=" + hvalue + "&q=" + name, Header: http.Header{hname: {hvalue}}, Body: reqBody}
		}
		if bit(1) {
			r.Response = &results.Response{Status: len(body), Header: http.Header{hname: {hvalue, name}, "Set-Cookie": nil}, Body: body}
		}
		if bit(2) {
			r.Case.Expect.Body = &casefile.Value{V: v}
		}
		if bit(3) {
			r.Differences = append(r.Differences, diff.Difference{Part: diff.Body, Pointer: "/" + hname, Want: v, Got: hvalue, Missing: bit(4), Extra: bit(5)})
		}
		if bit(6) {
			r.Channel = &results.Channel{ID: name, Topics: []string{hname}}
			r.Events = []results.Event{{TopicName: hname, Body: body}, {TopicName: name, Body: reqBody}}
		}
		if bit(7) {
			r.Case.Tags = []string{name, hname, hvalue}
			r.Case.Expect.Headers = map[string]string{hname: hvalue, name: ""}
		}
		checkJSONCase(t, &jsonOut{}, r)
	})
}

// Pools the random results draw from: what makes encoding tricky.
var (
	randomStrings = []string{"", "plain", "<a href=\"x\">&amp;</a>", "line\u2028sep\u2029", "bad\xffutf8\xc3", "é ü 日本",
		"ctl\x00\x01\x1f\x7f", `quote" back\ slash/`, "tab\tnl\nret\r", "Authorization", "access_token", "X-Api-Key", "Bearer abc def",
		"token_type", "client_secret", "\U0001F600"}
	randomBodies = []string{"", " ", "null", "true", "1.50", `"str"`, `{}`, `[]`, ` {"a":1} `, "\f{\"password\":\"p\"}",
		`{"password":"p","nested":{"client_secret":"s","list":[{"access_token":"t"}]},"n":1.50e+3,"token_type":"bearer"}`,
		`[{"password":"p"},{"password":""},"password",-0.0]`, `{"a":1,"a":{"token":"t"}}`, `{"<&>":"<&>\u2028"}`,
		`{"a":"\ud800"}`, "{\"a\":\"\xff\"}", `{"a":1}]`, `{"a":1} {"b":2}`, `{"a":`, `client_secret=s3&x=1`, `a=1&password=p w`,
		"plain text <&>", "\xff\xfe\x00", "caf\xc3\xa9", `{"a" : [ 1 , 2 ] }`, `{"big":123456789012345678901234567890}`}
)

func pick[T any](rng *rand.Rand, pool []T) T { return pool[rng.IntN(len(pool))] }

// randomStrs is nil, empty or a few strings.
func randomStrs(rng *rand.Rand) []string {
	switch rng.IntN(3) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	out := make([]string, 1+rng.IntN(3))
	for i := range out {
		out[i] = pick(rng, randomStrings)
	}
	return out
}

// randomValue is a generic value as a case or a difference holds one.
func randomValue(rng *rand.Rand, depth int) any {
	switch n := rng.IntN(12); {
	case n == 0:
		return nil
	case n == 1:
		return pick(rng, []float64{0, -1.5, 1e21, 1e-7, 3.25, math.NaN()}) // NaN: encoding/json's error
	case n == 2:
		return json.Number(pick(rng, []string{"1", "-0.5e+3", "12345678901234567890"}))
	case n == 3:
		return rng.IntN(2) == 0
	case n == 4:
		return int64(rng.IntN(1000) - 500)
	case n == 5 && depth < 3:
		a := make([]any, rng.IntN(3))
		for i := range a {
			a[i] = randomValue(rng, depth+1)
		}
		return a
	case n == 6 && depth < 3:
		m := map[string]any{}
		for range rng.IntN(4) {
			m[pick(rng, randomStrings)] = randomValue(rng, depth+1)
		}
		return m
	case n == 7:
		return []any(nil)
	case n == 8:
		return map[string]string{"k": pick(rng, randomStrings)}
	}
	return pick(rng, randomStrings)
}

func randomHeader(rng *rand.Rand) http.Header {
	if rng.IntN(4) == 0 {
		return nil
	}
	h := http.Header{}
	for range rng.IntN(4) {
		h[pick(rng, randomStrings)] = randomStrs(rng)
	}
	return h
}

func randomFindings(rng *rand.Rand) []finding.Finding {
	if rng.IntN(3) == 0 {
		return nil
	}
	out := make([]finding.Finding, rng.IntN(3))
	for i := range out {
		out[i] = finding.Finding{Severity: finding.Severity(pick(rng, randomStrings)), Location: finding.Location(pick(rng, randomStrings)),
			Pointer: pick(rng, randomStrings), Rule: pick(rng, randomStrings), Message: pick(rng, randomStrings),
			Allowed: randomStrs(rng), DidYouMean: pick(rng, randomStrings), Nearest: randomStrs(rng)}
	}
	return out
}

func randomDifferences(rng *rand.Rand) []diff.Difference {
	if rng.IntN(3) == 0 {
		return nil
	}
	out := make([]diff.Difference, rng.IntN(4))
	for i := range out {
		out[i] = diff.Difference{Step: pick(rng, randomStrings), Part: pick(rng, []diff.Part{diff.Body, diff.Header, diff.Status, diff.Event}),
			Pointer: "/" + pick(rng, randomStrings), Want: randomValue(rng, 0), Got: randomValue(rng, 0),
			Missing: rng.IntN(3) == 0, Extra: rng.IntN(3) == 0}
	}
	return out
}

func randomExpect(rng *rand.Rand) casefile.Expect {
	e := casefile.Expect{Status: rng.IntN(3) * 200, BodyMatch: pick(rng, []string{"", "exact"}), Ignore: randomStrs(rng),
		Conformance: pick(rng, []string{"", "warn"})}
	if rng.IntN(2) == 0 {
		e.Headers = map[string]string{}
		for range rng.IntN(3) {
			e.Headers[pick(rng, randomStrings)] = pick(rng, randomStrings)
		}
	}
	if rng.IntN(2) == 0 {
		e.Body = &casefile.Value{V: randomValue(rng, 0)}
	}
	for range rng.IntN(3) {
		e.Lint = append(e.Lint, casefile.ExpectedFinding{Pointer: pick(rng, randomStrings), Rule: pick(rng, []string{"", "required"})})
	}
	for range rng.IntN(3) {
		ev := casefile.ExpectedEvent{TopicName: pick(rng, randomStrings), Within: strictyaml.Duration(rng.IntN(3)) * strictyaml.Duration(time.Second), Absent: rng.IntN(2) == 0}
		if rng.IntN(2) == 0 {
			ev.Body = &casefile.Value{V: randomValue(rng, 0)}
		}
		e.Events = append(e.Events, ev)
	}
	return e
}

func randomRequest(rng *rand.Rand) *results.Request {
	if rng.IntN(4) == 0 {
		return nil
	}
	url := pick(rng, []string{"", "http://127.0.0.1:1/api?x=1", "https://user:pw@h/p?access_token=t&api_key=k&q=<&>", "::bad url", "/p?password=" + pick(rng, randomStrings)})
	return &results.Request{Method: pick(rng, []string{"", "GET", "POST"}), URL: url, Header: randomHeader(rng), Body: []byte(pick(rng, randomBodies))}
}

func randomResponse(rng *rand.Rand) *results.Response {
	if rng.IntN(4) == 0 {
		return nil
	}
	return &results.Response{Status: rng.IntN(3) * 201, Header: randomHeader(rng), Body: []byte(pick(rng, randomBodies))}
}

// randomResult is a result with every part present or absent, nil or
// empty, drawn from the pools above.
func randomResult(rng *rand.Rand) *results.Result {
	c := &casefile.Case{Name: pick(rng, randomStrings), Pitfall: pick(rng, randomStrings), Source: pick(rng, randomStrings),
		Verification: pick(rng, []string{"", "live", "unverified"}), Tags: randomStrs(rng), FixedBy: pick(rng, randomStrings),
		Pos: casefile.Pos{File: pick(rng, randomStrings), Line: rng.IntN(3), Column: rng.IntN(3)}, Expect: randomExpect(rng)}
	r := &results.Result{Case: c, SpecPath: pick(rng, randomStrings), Target: pick(rng, randomStrings),
		Status: pick(rng, []results.Status{results.Passed, results.Failed, results.Skipped, results.Errored}), Reason: pick(rng, randomStrings),
		Operation: pick(rng, randomStrings), Findings: randomFindings(rng), Conformance: randomFindings(rng),
		Request: randomRequest(rng), Response: randomResponse(rng), Differences: randomDifferences(rng),
		Duration: time.Duration(rng.Int64N(int64(time.Minute))), Attempts: rng.IntN(3),
		CorrelationID: pick(rng, randomStrings), TraceID: pick(rng, randomStrings)}
	if rng.IntN(3) == 0 {
		r.Channel = &results.Channel{ID: pick(rng, randomStrings), Topics: randomStrs(rng), Ended: pick(rng, randomStrings)}
		for range rng.IntN(3) {
			r.Events = append(r.Events, results.Event{TopicName: pick(rng, randomStrings), Body: []byte(pick(rng, randomBodies)),
				After: time.Duration(rng.Int64N(int64(time.Second)))})
		}
	}
	if rng.IntN(4) == 0 {
		for i := range 1 + rng.IntN(3) {
			c.Steps = append(c.Steps, casefile.Step{Name: fmt.Sprint("step ", i), Expect: randomExpect(rng)})
			st := &results.Step{Name: pick(rng, randomStrings), Status: results.Passed, Reason: pick(rng, randomStrings),
				Operation: pick(rng, randomStrings), Findings: randomFindings(rng), Conformance: randomFindings(rng),
				Request: randomRequest(rng), Response: randomResponse(rng), Differences: randomDifferences(rng), Attempts: rng.IntN(3),
				CorrelationID: pick(rng, randomStrings), TraceID: pick(rng, randomStrings)}
			if rng.IntN(2) == 0 {
				st.Captured = map[string]string{}
				for range rng.IntN(3) {
					st.Captured[pick(rng, randomStrings)] = pick(rng, randomStrings)
				}
			}
			r.Steps = append(r.Steps, st)
		}
	}
	return r
}
