package lint

import (
	"context"
	"net/http"
	"os"
	"slices"
	"testing"

	"github.com/casebook-dev/casebook/internal/finding"
)

// benchCheck times Check of one request; wantRules are the rules of the
// findings it must produce (checked once, before the loop, so that a
// benchmark cannot quietly measure a different path).
func benchCheck(b *testing.B, specPath, method, path, body string, wantRules ...string) {
	if _, err := os.Stat(specPath); err != nil {
		b.Skip(err)
	}
	s := load(b, specPath)
	req := &Request{Method: method, Path: path, Header: http.Header{"Authorization": {"Bearer t"}, "Content-Type": {"application/json"}}, Body: []byte(body)}
	ctx := context.Background()
	var rules []string
	for _, f := range Check(ctx, s, req, Options{}).Findings {
		rules = append(rules, f.Rule)
	}
	if !slices.Equal(rules, wantRules) {
		b.Fatalf("Check(%s %s) finding rules = %q, want %q", method, path, rules, wantRules)
	}
	b.ReportAllocs()
	for b.Loop() {
		Check(ctx, s, req, Options{})
	}
}

func BenchmarkCheckValid(b *testing.B) {
	benchCheck(b, pcSpec, "POST", "/api/v2/outbound/campaigns/c1/calls",
		`{"recipient": {"type": "phone", "address": "+15550199"}, "initiator": {"id": "a", "type": "agent"}}`)
}

func BenchmarkCheckInvalid(b *testing.B) {
	benchCheck(b, pcSpec, "POST", "/api/v2/outbound/campaigns/c1/calls",
		`{"recipient": {"phoneNumber": "+15550199", "id": "user-123"}, "initiator": {"id": "agent-456"}}`,
		"required", "required", "additionalProperties", "required")
}

func BenchmarkCheckUnknownOperation(b *testing.B) {
	benchCheck(b, genesysSwagger, "POST", "/api/v2/outbound/calls", `{}`, finding.RuleUnknownOperation)
}

func BenchmarkCheckGenesysSwagger(b *testing.B) {
	benchCheck(b, genesysSwagger, "POST", "/api/v2/conversations/calls", `{"phoneNumber": "+15550199", "recipient": {"type": "phone"}}`,
		finding.RuleUndeclared)
}

// BenchmarkCheckOpenAPI31 is the same check on a 3.1 document, whose body
// schema a Validator compiles for JSON Schema 2020-12 once (kin-openapi
// alone compiles it on every call, about ten times the 3.0 check).
// BenchmarkCheckOpenAPI30 is its twin in 3.0 (nullable for the type list):
// the pair, run together, gives the 3.1 check's cost relative to 3.0's.
func BenchmarkCheckOpenAPI31(b *testing.B) {
	benchCheck(b, "../spec/testdata/openapi31.json", "POST", "/things", `{"name": "x"}`)
}

func BenchmarkCheckOpenAPI30(b *testing.B) {
	benchCheck(b, "../spec/testdata/openapi30.json", "POST", "/things", `{"name": "x"}`)
}

const genesysSwagger = "../../../shared/specs-real/genesys-cloud-2018-03-swagger.json"

// BenchmarkCheckResponseGenesysError is the conformance check of the
// answer every Genesys pitfall case gets: a 400 ErrorBody, its code
// against the published x-inin-error-codes.
func BenchmarkCheckResponseGenesysError(b *testing.B) {
	s := load(b, genesysSpec)
	m, err := s.Find("POST", "/api/v2/conversations/calls")
	if err != nil {
		b.Fatal(err)
	}
	resp := &Response{Method: "POST", Status: 400, Header: http.Header{"Content-Type": {"application/json"}},
		Body: []byte(`{"message": "A station is required to place a call.", "code": "conversation.error.no.user.station", "status": 400,
			"contextId": "8d1e9b3c-0000-4000-8000-000000000001", "details": [], "errors": []}`)}
	if fs := CheckResponse(m, resp); len(fs) != 0 {
		b.Fatalf("CheckResponse = %v, want a conforming answer", fs)
	}
	b.ReportAllocs()
	for b.Loop() {
		CheckResponse(m, resp)
	}
}
