package reports

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/internal/secret"
)

const reportSchema = "../docs/report-schema.json"

func renderJSON(t *testing.T, rs []*results.Result) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := JSON(&buf, rs, Options{Version: "test"}); err != nil {
		t.Fatalf("JSON() error: %v", err)
	}
	return buf.Bytes()
}

func TestJSONGolden(t *testing.T) {
	golden(t, "testdata/report.json", renderJSON(t, richResults()))
}

func TestJSONValidatesAgainstSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	schema, err := c.Compile(reportSchema)
	if err != nil {
		t.Fatalf("compiling %s: %v", reportSchema, err)
	}
	for _, tc := range []struct {
		name string
		rs   []*results.Result
	}{
		{"sample", richResults()},
		{"a notification channel", eventResults()},
		// An empty run is still a report: cases must be [], not null.
		{"empty", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(renderJSON(t, tc.rs)))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(doc); err != nil {
				t.Errorf("report does not validate against %s: %v", reportSchema, err)
			}
		})
	}
}

// TestSchemaRejectsBrokenReport proves the schema validation can fail.
func TestSchemaRejectsBrokenReport(t *testing.T) {
	c := jsonschema.NewCompiler()
	schema, err := c.Compile(reportSchema)
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]string{
		"wrong version":       `{"schemaVersion":2,"tool":{"name":"casebook","version":"x"},"summary":{"total":0,"passed":0,"failed":0,"errored":0,"skipped":0,"durationMs":0},"cases":[]}`,
		"unknown status":      `{"schemaVersion":1,"tool":{"name":"casebook","version":"x"},"summary":{"total":0,"passed":0,"failed":0,"errored":0,"skipped":0,"durationMs":0},"cases":[{"name":"a","status":"ok","verification":"live","tags":[],"findings":[],"expected":{},"differences":[],"durationMs":0,"attempts":0}]}`,
		"two bodies":          `{"schemaVersion":1,"tool":{"name":"casebook","version":"x"},"summary":{"total":0,"passed":0,"failed":0,"errored":0,"skipped":0,"durationMs":0},"cases":[{"name":"a","status":"passed","verification":"live","tags":[],"findings":[],"expected":{},"differences":[],"durationMs":0,"attempts":0,"response":{"status":200,"headers":{},"body":1,"bodyText":"1"}}]}`,
		"missing without got": `{"schemaVersion":1,"tool":{"name":"casebook","version":"x"},"summary":{"total":0,"passed":0,"failed":0,"errored":0,"skipped":0,"durationMs":0},"cases":[{"name":"a","status":"failed","verification":"live","tags":[],"findings":[],"expected":{},"differences":[{"part":"body","pointer":"/a","text":"x"}],"durationMs":0,"attempts":0}]}`,
	} {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if schema.Validate(v) == nil {
			t.Errorf("%s: the schema accepted a broken report", name)
		}
	}
}

func TestJSONRedactsSecrets(t *testing.T) {
	out := string(renderJSON(t, richResults()))
	for _, secret := range []string{"eyJhbGciOi", "sk-live-123", "session=abc", "sid=xyz", "tok-secret-1", "shh", "pass@"} {
		if strings.Contains(out, secret) {
			t.Errorf("JSON report contains the secret %q", secret)
		}
	}
	if !strings.Contains(out, `"Bearer REDACTED"`) {
		t.Errorf("JSON report lost the Authorization scheme: want \"Bearer REDACTED\"")
	}
}

func TestJSONBodies(t *testing.T) {
	var rep JSONReport
	if err := json.Unmarshal(renderJSON(t, richResults()), &rep); err != nil {
		t.Fatal(err)
	}
	byName := map[string]JSONResult{}
	for _, c := range rep.Cases {
		byName[c.Name] = c
	}
	if b, ok := byName["pc-correct-call"].Response.Body.(map[string]any); !ok || b["status"] != "queued" {
		t.Errorf("JSON response body = %#v, want the parsed object", byName["pc-correct-call"].Response.Body)
	}
	m := byName[`genesys-markup <&> "quoted"`].Response
	if m.Body != nil || m.BodyText != nil || m.BodyBase64 == "" {
		t.Errorf("non-UTF-8 body: got body=%v text=%v base64=%q, want only base64", m.Body, m.BodyText, m.BodyBase64)
	}
	got := rep.Summary
	if got.Total != 5 || got.Passed != 1 || got.Failed != 2 || got.Skipped != 1 || got.Errored != 1 {
		t.Errorf("summary = %+v, want 5 total: 1 passed, 2 failed, 1 skipped, 1 errored", got)
	}
	// Decoding null into *json.RawMessage gives nil: look at the text.
	var raw struct {
		Cases []struct {
			Differences []map[string]json.RawMessage `json:"differences"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(renderJSON(t, richResults()), &raw); err != nil {
		t.Fatal(err)
	}
	if w, ok := raw.Cases[0].Differences[1]["want"]; !ok || string(w) != "null" {
		t.Errorf("difference want = %s (present %v), want JSON null kept", w, ok)
	}
}

// TestReportsRedactIssuedTokens: a token endpoint's answer (a live one
// issues real tokens) and a difference about it never reach a report.
func TestReportsRedactIssuedTokens(t *testing.T) {
	rs := richResults()[:1]
	rs[0].Response.Body = []byte(`{"access_token":"eyJ-issued-token","token_type":"bearer","expires_in":3600}`)
	rs[0].Differences = append(rs[0].Differences, diff.Difference{Part: diff.Body, Pointer: "/access_token", Want: "x", Got: "eyJ-issued-token"})
	for _, name := range Formats() {
		if name == "text" {
			continue // the lead's human renderer: see the report to the lead
		}
		render, _ := Lookup(name)
		var buf bytes.Buffer
		if err := render(&buf, rs, Options{}); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(buf.String(), "eyJ-issued-token") {
			t.Errorf("%s report holds the issued token", name)
		}
		if !strings.Contains(buf.String(), "bearer") {
			t.Errorf("%s report lost token_type (not a secret)", name)
		}
	}
}

// TestEveryFormatShowsConformance: where an answer breaks the contract,
// every format says so, with the finding's pointer and rule.
func TestEveryFormatShowsConformance(t *testing.T) {
	rs := richResults()[:1]
	rs[0].Conformance = []finding.Finding{{Severity: finding.Error, Location: finding.InBody, Pointer: "/errors/0/pointer",
		Rule: "type", Message: "value must be a string", Allowed: []string{"string"}}}
	for _, name := range Formats() {
		render, _ := Lookup(name)
		var buf bytes.Buffer
		if err := render(&buf, rs, Options{}); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"/errors/0/pointer", "value must be a string"} {
			if !strings.Contains(buf.String(), want) {
				t.Errorf("%s report lacks the conformance finding's %q", name, want)
			}
		}
	}
}

// JSON writes a case at a time; what it writes must be NewJSONReport's
// document encoded whole, byte for byte, with and without cases and coverage.
func TestJSONStreamsTheWholeDocument(t *testing.T) {
	tests := []struct {
		name string
		rs   []*results.Result
		opts Options
	}{
		{"cases", richResults(), Options{Version: "test"}},
		{"no cases", nil, Options{Version: "test"}},
		{"one case, coverage after the cases", richResults()[:1], Options{Version: "test", Coverage: sampleCoverage()}},
		{"a version that spells the cases member", richResults()[:2], Options{Version: "\n  \"cases\": []"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(NewJSONReport(tt.rs, tt.opts)); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := JSON(&got, tt.rs, tt.opts); err != nil {
				t.Fatalf("JSON() error: %v", err)
			}
			if got.String() != want.String() {
				t.Errorf("JSON() = %s\nwant NewJSONReport encoded whole:\n%s", got.String(), want.String())
			}
		})
	}
}

// setRedactedBody (the reference's) and redactedBody (the report's)
// decode an object once; what they give is what setBody(redactBody(b))
// sets, for any body.
func FuzzSetRedactedBody(f *testing.F) {
	for _, seed := range []string{
		`{"client_secret":"s3","nested":{"password":"p","list":[{"access_token":"t"}]},"n":1.50}`,
		`{"a":"<&>"}`, ` {"a":1} `, "\f{\"password\":\"p\"}", "\u00a0{\"a\":1}", `{"a":1}]`, `{"a":1} {"b":2}`,
		`{"a":`, `[{"password":"p"}]`, `client_secret=s3&x=1`, "\xff{", `{"password":""}`, `{"a":1,"a":{"token":"t"}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var want, got, hand JSONMessage
		want.setBody(redactBody(append([]byte(nil), b...)))
		got.setRedactedBody(b)
		wj, err1 := json.Marshal(want)
		gj, err2 := json.Marshal(got)
		if err1 != nil || err2 != nil || !bytes.Equal(wj, gj) {
			t.Errorf("setRedactedBody(%q) = %s (%v), want %s (%v)", b, gj, err2, wj, err1)
		}
		// And redactedBody, which the JSON report now writes a body with.
		kind, out, err := redactedBody([]byte("x"), b, func(name []byte) bool { return secret.Name(string(name)) })
		if err != nil || !bytes.HasPrefix(out, []byte("x")) {
			t.Fatalf("redactedBody(%q) = %q, %v: want x and the body", b, out, err)
		}
		switch s := string(out[1:]); kind {
		case bodyJSON:
			hand.Body = json.RawMessage(s)
		case bodyText:
			hand.BodyText = &s
		case bodyBase64:
			hand.BodyBase64 = s
		}
		if hj, err := json.Marshal(hand); err != nil || !bytes.Equal(wj, hj) {
			t.Errorf("redactedBody(%q) = %d %s (%v), want %s", b, kind, hj, err, wj)
		}
	})
}

// canonicalJSON writes what encoding/json writes for the decoded,
// redacted body, or leaves the body alone.
func FuzzCanonicalJSON(f *testing.F) {
	for _, seed := range []string{
		`{"b":1,"a":[true,false,null,{"z":"","y":"é"}],"password":"p","nested":{"client_secret":"s","token":""}}`,
		`[{"password":"p"},-0.5e+3,0,1E9]`, ` {} `, `[]`, `{"a":"\n"}`, `{"a":"\u0041"}`, "{\"a\":\"\u2028\"}",
		`{"a":1,"a":2}`, `{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":1}]`, `"x"`, `{"a":[1,]}`, `{"a" : [ 1 , 2 ] }`,
		`{"access_token":{"password":"p"},"list":[[{"apiKey":"k"}]]}`, "{\"a\":\"\xff\"}", `{"<&>":"<&>"}`,
	} {
		f.Add([]byte(seed), true)
		f.Add([]byte(seed), false)
	}
	f.Fuzz(func(t *testing.T, b []byte, redact bool) {
		got, ok := canonicalJSON([]byte("x"), b, redact)
		if !ok {
			if string(got) != "x" {
				t.Errorf("canonicalJSON(%q) = %q, false: want nothing appended", b, got)
			}
			return
		}
		v, isJSON := decodeJSON(b)
		if !isJSON {
			t.Fatalf("canonicalJSON(%q) = %q, true: but it is not JSON", b, got)
		}
		if redact {
			redactValue(v)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		if w := "x" + strings.TrimSuffix(want.String(), "\n"); string(got) != w {
			t.Errorf("canonicalJSON(%q) =\n%s\nwant\n%s", b, got, w)
		}
	})
}
