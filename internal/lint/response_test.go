package lint

import (
	"net/http"
	"strings"
	"testing"

	"github.com/casebook-dev/casebook/internal/finding"
)

const answersSpec = "testdata/answers.yaml"

func jsonHeader(ct string) http.Header { return http.Header{"Content-Type": {ct}} }

func TestCheckResponse(t *testing.T) {
	okHeader := http.Header{"Content-Type": {"application/json; charset=utf-8"}, "X-Rate-Limit-Remaining": {"7"}}
	tests := []struct {
		name   string
		spec   string
		method string
		path   string
		status int
		header http.Header
		body   string
		// fromMock: the answer is casebook's mock's (it carries SilenceHeader).
		fromMock bool
		want     []want
	}{
		{
			name: "the issue's stand-in: id a number, name missing", spec: answersSpec,
			method: "GET", path: "/things/t1", status: 200, header: okHeader, body: `{"id": 5}`,
			want: []want{
				{finding.Error, finding.InBody, "/id", "type", "", "string"},
				{finding.Error, finding.InBody, "/name", "required", "", ""},
			},
		},
		{
			name: "a conforming answer", spec: answersSpec,
			method: "GET", path: "/things/t1", status: 200, header: okHeader, body: `{"id": "t1", "name": "widget", "extra": true}`,
		},
		{
			name: "enum with did you mean", spec: answersSpec,
			method: "GET", path: "/things/t1", status: 200, header: okHeader, body: `{"id": "t1", "name": "w", "kind": "widgt"}`,
			want: []want{{finding.Error, finding.InBody, "/kind", "enum", "widget", "gadget"}},
		},
		{
			name: "undeclared status, no default", spec: answersSpec,
			method: "GET", path: "/things/t1", status: 500, header: jsonHeader("application/json"), body: `{}`,
			want: []want{{finding.Error, finding.InStatus, "", finding.RuleStatus, "", "4XX"}},
		},
		{
			// The mock answers HTTP's 415 where the spec names no status for
			// it: a warning that says so, not a break of the contract.
			name: "the mock's 415 on an operation that declares only 200", spec: answersSpec, fromMock: true,
			method: "GET", path: "/closed", status: 415, header: jsonHeader("application/problem+json"), body: `{}`,
			want: []want{{finding.Warning, finding.InStatus, "", finding.RuleStatus, "", "200"}},
		},
		{
			// The same answer from any other server breaks the contract.
			name: "a live 415 on an operation that declares only 200", spec: answersSpec,
			method: "GET", path: "/closed", status: 415, header: jsonHeader("application/problem+json"), body: `{}`,
			want: []want{{finding.Error, finding.InStatus, "", finding.RuleStatus, "", "200"}},
		},
		{
			// A 500 is no mistake of the request's: from the mock too, an error.
			name: "the mock's undeclared 500", spec: answersSpec, fromMock: true,
			method: "GET", path: "/closed", status: 500, header: jsonHeader("application/problem+json"), body: `{}`,
			want: []want{{finding.Error, finding.InStatus, "", finding.RuleStatus, "", "200"}},
		},
		{
			name: "a range covers the status", spec: answersSpec,
			method: "GET", path: "/things/t1", status: 418, header: jsonHeader("application/problem+json"), body: `{"status": 418}`,
		},
		{
			name: "default covers any status and says nothing of the body", spec: answersSpec,
			method: "POST", path: "/things", status: 503, header: jsonHeader("text/html"), body: `<html>`,
		},
		{
			name: "undeclared content type", spec: answersSpec,
			method: "GET", path: "/things/t1", status: 404, header: jsonHeader("application/json"), body: `{"status": 404}`,
			want: []want{{finding.Error, finding.InHeader, "/Content-Type", finding.RuleContentType, "", "application/problem+json"}},
		},
		{
			name: "required header missing, other header invalid", spec: answersSpec,
			method: "GET", path: "/things/t1", status: 200,
			header: http.Header{"Content-Type": {"application/json"}, "X-Trace": {"not hex"}}, body: `{"id": "t1", "name": "w"}`,
			want: []want{
				{finding.Error, finding.InHeader, "/X-Rate-Limit-Remaining", "required", "", ""},
				{finding.Error, finding.InHeader, "/X-Trace", "pattern", "", ""},
			},
		},
		{
			name: "a header of the wrong type", spec: answersSpec,
			method: "GET", path: "/things/t1", status: 200,
			header: http.Header{"Content-Type": {"application/json"}, "X-Rate-Limit-Remaining": {"many"}}, body: `{"id": "t1", "name": "w"}`,
			want: []want{{finding.Error, finding.InHeader, "/X-Rate-Limit-Remaining", "type", "", "integer"}},
		},
		{
			name: "broken JSON", spec: answersSpec,
			method: "GET", path: "/things/t1", status: 200, header: okHeader, body: "{\"id\": ",
			want: []want{{finding.Error, finding.InBody, "", finding.RuleSyntax, "", ""}},
		},
		{
			name: "HEAD has no body to check", spec: answersSpec,
			method: "HEAD", path: "/things/t1", status: 200, header: okHeader, body: `{"id": 5}`,
		},
		{
			name: "an empty body is not held against the spec", spec: answersSpec,
			method: "GET", path: "/things/t1", status: 200, header: http.Header{"X-Rate-Limit-Remaining": {"1"}},
		},
		{
			name: "a media type that is not JSON is not parsed", spec: answersSpec,
			method: "GET", path: "/free", status: 200, header: jsonHeader("text/plain"), body: `{"not": "checked"}`,
		},
		{
			name: "additionalProperties false names the field and the nearest", spec: answersSpec,
			method: "GET", path: "/closed", status: 200, header: jsonHeader("application/json"), body: `{"adress": "+1555", "type": "phone"}`,
			want: []want{{finding.Error, finding.InBody, "/adress", "additionalProperties", "address", "address"}},
		},
		{
			name: "Genesys: a code the spec does not publish for the status", spec: genesysSpec,
			method: "POST", path: "/api/v2/conversations/calls", status: 400, header: jsonHeader("application/json"),
			body: `{"status": 400, "code": "bad.requets", "message": "x"}`,
			want: []want{{finding.Error, finding.InBody, "/code", finding.RuleErrorCode, "bad.request", "not.a.user"}},
		},
		{
			name: "Genesys: a published code", spec: genesysSpec,
			method: "POST", path: "/api/v2/conversations/calls", status: 400, header: jsonHeader("application/json"),
			body: `{"status": 400, "code": "not.a.user", "message": "x"}`,
		},
		{
			name: "Genesys: status as a string breaks ErrorBody", spec: genesysSpec,
			method: "POST", path: "/api/v2/conversations/calls", status: 403, header: jsonHeader("application/json"),
			body: `{"status": "403", "code": "missing.permissions"}`,
			want: []want{{finding.Error, finding.InBody, "/status", "type", "", "integer"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := load(t, tt.spec)
			m, err := s.Find(tt.method, tt.path)
			if err != nil {
				t.Fatal(err)
			}
			header := tt.header.Clone()
			if tt.fromMock {
				header.Set(SilenceHeader, "the spec names no status for this answer")
			}
			got := CheckResponse(m, &Response{Method: tt.method, Status: tt.status, Header: header, Body: []byte(tt.body)})
			if len(got) != len(tt.want) {
				t.Fatalf("CheckResponse = %d findings, want %d:\n%s", len(got), len(tt.want), render(got))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Severity != w.severity || g.Location != w.location || g.Pointer != w.pointer || g.Rule != w.rule {
					t.Errorf("finding %d = %s, want %s %s %s: %s", i, g, w.severity, w.location, w.pointer, w.rule)
				}
				if w.didYouMean != "" && g.DidYouMean != w.didYouMean {
					t.Errorf("finding %d did you mean = %q, want %q", i, g.DidYouMean, w.didYouMean)
				}
				if w.allowed != "" && !strings.Contains(strings.Join(g.Allowed, "|"), w.allowed) {
					t.Errorf("finding %d allowed = %q, want it to hold %q", i, g.Allowed, w.allowed)
				}
			}
		})
	}
}
