package reports

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/results"
)

// richResults is one of each status, with the awkward material a renderer
// must survive: a secret header the runner did not redact, markup and
// control characters in bodies and messages, a non-JSON body, JSON null.
func richResults() []*results.Result {
	pitfall := &casefile.Case{
		Name:         "pc-recipient-phone-number",
		Pitfall:      "The recipient is sent as {phoneNumber, id} where the contract wants {type: phone, address}.",
		Source:       "forum thread",
		Verification: "unverified",
		Tags:         []string{"personal-connection", "recipient"},
		FixedBy:      "pc-correct-call",
		Auth:         "pc-dialer",
		Request: casefile.Request{
			Method: "POST", Path: "/api/v2/outbound/campaigns/{campaignId}/calls",
			PathParams: map[string]string{"campaignId": "pc-campaign-1"},
			Headers:    map[string]string{"X-Api-Key": "sk-live-123"},
			Body:       &casefile.Value{V: map[string]any{"recipient": map[string]any{"phoneNumber": "+15550199", "id": "user-123"}}},
		},
		Expect: casefile.Expect{
			Lint:    []casefile.ExpectedFinding{{Pointer: "/recipient/address", Rule: "required"}},
			Status:  400,
			Headers: map[string]string{"Content-Type": "application/problem+json"},
			Body:    &casefile.Value{V: map[string]any{"status": json.Number("400"), "code": "bad.request", "detail": nil}},
		},
		Pos: casefile.Pos{File: "cases/personal-connection/recipient-phone-number.yaml", Line: 2, Column: 1},
	}
	fixed := &casefile.Case{
		Name: "pc-correct-call", Pitfall: "The call as the contract describes it.", Source: "forum thread",
		Verification: "published-spec", Tags: []string{"personal-connection", "correct"}, Auth: "pc-dialer",
		Request: casefile.Request{
			Method: "POST", Path: "/api/v2/outbound/campaigns/{campaignId}/calls",
			PathParams: map[string]string{"campaignId": "pc-campaign-1"},
			Body:       &casefile.Value{V: map[string]any{"recipient": map[string]any{"type": "phone", "address": "+15550199"}}},
		},
		Expect: casefile.Expect{Status: 202, Body: &casefile.Value{V: map[string]any{"status": "queued"}}, Conformance: casefile.ConformanceWarn},
		Pos:    casefile.Pos{File: "cases/personal-connection/correct-call.yaml", Line: 1, Column: 1},
	}
	markup := &casefile.Case{
		Name: "genesys-markup <&> \"quoted\"", Tags: []string{"genesys"},
		Request: casefile.Request{Method: "GET", Path: "/api/v2/users/me"},
		Expect:  casefile.Expect{Status: 200, Body: &casefile.Value{V: map[string]any{"name": "a]]>b"}}},
		Pos:     casefile.Pos{File: "cases/genesys-cloud/markup.yaml", Line: 1, Column: 1},
	}
	skipped := &casefile.Case{
		Name: "genesys-skipped", Tags: []string{"genesys", "live-only"},
		Request: casefile.Request{Method: "DELETE", Path: "/api/v2/users/{id}", PathParams: map[string]string{"id": "u1"}},
		Pos:     casefile.Pos{File: "cases/genesys-cloud/skipped.yaml", Line: 1, Column: 1},
	}
	errored := &casefile.Case{
		Name:    "genesys-dead-server",
		Request: casefile.Request{Method: "GET", Path: "/api/v2/users/me"},
		Pos:     casefile.Pos{File: "cases/genesys-cloud/dead.yaml", Line: 1, Column: 1},
	}
	return []*results.Result{
		{
			Case: pitfall, SpecPath: "specs/personal-connection.yaml", Target: "mock", Status: results.Failed,
			Operation: "POST /api/v2/outbound/campaigns/{campaignId}/calls",
			Findings: []finding.Finding{
				{Severity: finding.Error, Location: finding.InBody, Pointer: "/recipient/address", Rule: "required", Message: `property "address" is missing`},
				{Severity: finding.Error, Location: finding.InBody, Pointer: "/recipient/phoneNumber", Rule: "additionalProperties", Message: `property "phoneNumber" is not allowed`, DidYouMean: "address"},
			},
			Request: &results.Request{
				Method: "POST", URL: "http://127.0.0.1:41234/api/v2/outbound/campaigns/pc-campaign-1/calls?access_token=tok-secret-1",
				// Deliberately not redacted: the reports must redact on their own.
				Header: http.Header{"Authorization": {"Bearer eyJhbGciOi.secret"}, "X-Api-Key": {"sk-live-123"}, "Cookie": {"session=abc"}, "Content-Type": {"application/json"}},
				Body:   []byte(`{"recipient":{"id":"user-123","phoneNumber":"+15550199"},"client_secret":"shh"}`),
			},
			Response: &results.Response{
				Status: 400,
				Header: http.Header{"Content-Type": {"application/problem+json"}, "Set-Cookie": {"sid=xyz"}, "Inin-Correlation-Id": {"corr-1"}},
				Body:   []byte(`{"status":400,"code":"bad.request","detail":"recipient.address is required <b>&amp;</b> \u001b[31m]]>","errors":[{"pointer":"/recipient/address"}]}`),
			},
			Differences: []diff.Difference{
				{Part: diff.Lint, Pointer: "/recipient/phoneNumber", Got: `error body /recipient/phoneNumber: additionalProperties`, Extra: true},
				{Part: diff.Body, Pointer: "/detail", Want: nil, Got: "recipient.address is required <b>&amp;</b> \x1b[31m]]>"},
			},
			Duration: 12345 * time.Microsecond, Attempts: 1, CorrelationID: "corr-1", TraceID: "4bf92f3577b34da6a3ce929d0e0e4736",
		},
		{
			Case: fixed, SpecPath: "specs/personal-connection.yaml", Target: "mock", Status: results.Passed,
			Operation: "POST /api/v2/outbound/campaigns/{campaignId}/calls",
			Request:   &results.Request{Method: "POST", URL: "http://127.0.0.1:41234/api/v2/outbound/campaigns/pc-campaign-1/calls", Header: http.Header{"Authorization": {"Bearer REDACTED"}}, Body: []byte(`{"recipient":{"address":"+15550199","type":"phone"}}`)},
			Response:  &results.Response{Status: 202, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"id":"call-1","status":"queued"}`)},
			// Passed under expect.conformance: warn.
			Conformance: []finding.Finding{
				{Severity: finding.Warning, Location: finding.InBody, Pointer: "/status", Rule: "enum", Message: "value is not one of the allowed values", Allowed: []string{"queued", "dialing"}, DidYouMean: "queued"},
			},
			Duration: 3 * time.Millisecond, Attempts: 1,
		},
		{
			Case: markup, SpecPath: "specs/genesys-cloud/openapi.yaml", Target: "mock", Status: results.Failed,
			Operation: "GET /api/v2/users/me",
			Request:   &results.Request{Method: "GET", URL: "http://user:pass@127.0.0.1:41235/api/v2/users/me", Header: http.Header{}},
			Response:  &results.Response{Status: 500, Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<html>oops \x00\x1b & ]]> \xff</html>")},
			Conformance: []finding.Finding{
				{Severity: finding.Error, Location: finding.InStatus, Rule: finding.RuleStatus, Message: "500 is not a status GET /api/v2/users/me declares, and it declares no default", Allowed: []string{"200"}},
			},
			Differences: []diff.Difference{
				{Part: diff.Status, Want: 200, Got: 500},
				{Part: diff.Body, Want: map[string]any{"name": "a]]>b"}, Got: "<html>oops \x00\x1b & ]]> \xff</html>"},
				{Part: diff.Conformance, Got: "error status: status: 500 is not a status GET /api/v2/users/me declares, and it declares no default (allowed: 200)", Extra: true},
			},
			Duration: 2 * time.Millisecond, Attempts: 3,
		},
		{Case: skipped, SpecPath: "specs/genesys-cloud/openapi.yaml", Status: results.Skipped, Reason: "run interrupted"},
		{Case: errored, SpecPath: "specs/genesys-cloud/openapi.yaml", Target: "http://127.0.0.1:9", Status: results.Errored,
			Reason: "GET http://127.0.0.1:9/api/v2/users/me (case genesys-dead-server): connection refused", Duration: time.Millisecond},
	}
}

// stepsResult is a multi-step case whose second step failed: the third
// was skipped.
func stepsResult() *results.Result {
	steps := &casefile.Case{
		Name: "gc-campaign-create-read", Pitfall: "A campaign read back by the id its create answered.", Verification: "unverified",
		Tags: []string{"genesys", "state"}, Auth: "agent",
		Steps: []casefile.Step{
			{Name: "create", Request: casefile.Request{Method: "POST", Path: "/api/v2/outbound/campaigns", Body: &casefile.Value{V: map[string]any{"name": "Spring"}}},
				Expect: casefile.Expect{Status: 200}, Capture: map[string]casefile.Capture{"CAMPAIGN_ID": {Pointer: "/id"}}},
			{Name: "read back", Request: casefile.Request{Method: "GET", Path: "/api/v2/outbound/campaigns/{campaignId}", PathParams: map[string]string{"campaignId": "${CAMPAIGN_ID}"}},
				Expect: casefile.Expect{Status: 200, Body: &casefile.Value{V: map[string]any{"name": "Spring"}}}},
			{Name: "delete", Request: casefile.Request{Method: "DELETE", Path: "/api/v2/outbound/campaigns/{campaignId}", PathParams: map[string]string{"campaignId": "${CAMPAIGN_ID}"}}},
		},
		Pos: casefile.Pos{File: "cases/genesys-cloud/create-read.yaml", Line: 1, Column: 1},
	}
	created := &results.Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}, "Inin-Correlation-Id": {"corr-create"}}, Body: []byte(`{"id":"c-1","name":"Spring","version":1}`)}
	read := &results.Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}, "Inin-Correlation-Id": {"corr-read"}}, Body: []byte(`{"id":"c-1","name":"Autumn","version":1}`)}
	readDiff := diff.Difference{Step: "read back", Part: diff.Body, Pointer: "/name", Want: "Spring", Got: "Autumn"}
	return &results.Result{
		Case: steps, SpecPath: "specs/genesys-cloud/openapi.yaml", Target: "mock", Status: results.Failed,
		Request:     &results.Request{Method: "GET", URL: "http://127.0.0.1:41235/api/v2/outbound/campaigns/c-1", Header: http.Header{"Authorization": {"Bearer REDACTED"}}},
		Response:    read,
		Differences: []diff.Difference{readDiff},
		Duration:    4 * time.Millisecond, Attempts: 2, CorrelationID: "corr-read",
		Steps: []*results.Step{
			{Name: "create", Status: results.Passed, Operation: "POST /api/v2/outbound/campaigns", Attempts: 1, CorrelationID: "corr-create",
				Request:  &results.Request{Method: "POST", URL: "http://127.0.0.1:41235/api/v2/outbound/campaigns", Header: http.Header{"Authorization": {"Bearer REDACTED"}}, Body: []byte(`{"name":"Spring"}`)},
				Response: created, Captured: map[string]string{"CAMPAIGN_ID": "c-1"}},
			{Name: "read back", Status: results.Failed, Operation: "GET /api/v2/outbound/campaigns/{campaignId}", Attempts: 1, CorrelationID: "corr-read",
				Request:     &results.Request{Method: "GET", URL: "http://127.0.0.1:41235/api/v2/outbound/campaigns/c-1", Header: http.Header{"Authorization": {"Bearer REDACTED"}}},
				Response:    read,
				Differences: []diff.Difference{readDiff}},
			{Name: "delete", Status: results.Skipped, Reason: `step "read back" did not finish`, Operation: "DELETE /api/v2/outbound/campaigns/{campaignId}"},
		},
	}
}
