package lint

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/spec"
)

func load(t testing.TB, path string) *spec.Spec {
	t.Helper()
	s, err := spec.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const (
	pcSpec      = "../../specs/personal-connection.yaml"
	genesysSpec = "../../specs/genesys-cloud/openapi.yaml"
)

func bearer() http.Header {
	return http.Header{"Authorization": {"Bearer t"}, "Content-Type": {"application/json"}}
}

type want struct {
	severity finding.Severity
	location finding.Location
	pointer  string
	rule     string
	// didYouMean and allowed are checked when set.
	didYouMean string
	allowed    string
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		spec   string
		method string
		path   string
		header http.Header
		body   string
		want   []want
	}{
		{
			name: "thread question: phoneNumber instead of type and address", spec: pcSpec,
			method: "POST", path: "/api/v2/outbound/campaigns/c1/calls", header: bearer(),
			body: `{"recipient": {"phoneNumber": "+15550199", "id": "user-123"}, "initiator": {"id": "agent-456", "type": "agent"}}`,
			want: []want{
				{finding.Error, finding.InBody, "/recipient/address", "required", "", ""},
				{finding.Error, finding.InBody, "/recipient/phoneNumber", "additionalProperties", "address", ""},
				{finding.Error, finding.InBody, "/recipient/type", "required", "", ""},
			},
		},
		{
			name: "not E.164", spec: pcSpec,
			method: "POST", path: "/api/v2/outbound/campaigns/c1/calls", header: bearer(),
			body: `{"recipient": {"type": "phone", "address": "555-0199"}, "initiator": {"id": "agent-456", "type": "agent"}}`,
			want: []want{{finding.Error, finding.InBody, "/recipient/address", "pattern", "", `^\+[1-9][0-9]{1,14}$`}},
		},
		{
			name: "enum did you mean", spec: pcSpec,
			method: "POST", path: "/api/v2/outbound/campaigns/c1/calls", header: bearer(),
			body: `{"recipient": {"type": "phon", "address": "+15550199"}, "initiator": {"id": "a", "type": "agent"}}`,
			want: []want{{finding.Error, finding.InBody, "/recipient/type", "enum", "phone", "phone"}},
		},
		{
			name: "old endpoint names the nearest operations", spec: pcSpec,
			method: "POST", path: "/api/v2/outbound/calls", header: bearer(), body: `{}`,
			want: []want{{finding.Error, finding.InRoute, "", finding.RuleUnknownOperation, "POST /api/v2/outbound/campaigns/{campaignId}/calls", ""}},
		},
		{
			name: "no credentials", spec: pcSpec,
			method: "POST", path: "/api/v2/outbound/campaigns/c1/calls", header: http.Header{"Content-Type": {"application/json"}},
			body: `{"recipient": {"type": "phone", "address": "+15550199"}, "initiator": {"id": "a", "type": "agent"}}`,
			want: []want{{finding.Error, finding.InSecurity, "/Authorization", finding.RuleSecurity, "", ""}},
		},
		{
			name: "wrong content type", spec: pcSpec,
			method: "POST", path: "/api/v2/outbound/campaigns/c1/calls", header: http.Header{"Authorization": {"Bearer x"}, "Content-Type": {"text/plain"}},
			body: `hello`,
			want: []want{{finding.Error, finding.InHeader, "/Content-Type", finding.RuleContentType, "", "application/json"}},
		},
		{
			// curl -d without -H 'Content-Type: application/json' sends this.
			name: "JSON sent as a form", spec: pcSpec,
			method: "POST", path: "/api/v2/outbound/campaigns/c1/calls", header: http.Header{"Authorization": {"Bearer x"}, "Content-Type": {"application/x-www-form-urlencoded"}},
			body: `{"recipient": {"type": "phone", "address": "+15550199"}, "initiator": {"id": "a", "type": "agent"}}`,
			want: []want{{finding.Error, finding.InHeader, "/Content-Type", finding.RuleContentType, "", "application/json"}},
		},
		{
			name: "broken JSON", spec: pcSpec,
			method: "POST", path: "/api/v2/outbound/campaigns/c1/calls", header: bearer(),
			body: "{\n \"recipient\": }",
			want: []want{{finding.Error, finding.InBody, "", finding.RuleSyntax, "", ""}},
		},
		{
			name: "correct call lints clean", spec: pcSpec,
			method: "POST", path: "/api/v2/outbound/campaigns/c1/calls", header: bearer(),
			body: `{"recipient": {"type": "phone", "address": "+15550199"}, "initiator": {"id": "a", "type": "agent"}}`,
		},
		{
			name: "thread body on Genesys: recipient undeclared, did you mean phoneNumber", spec: genesysSpec,
			method: "POST", path: "/api/v2/conversations/calls", header: bearer(),
			body: `{"recipient": {"type": "phone", "address": "+15550199"}, "initiator": {"id": "agent-456", "type": "agent"}}`,
			want: []want{
				{finding.Warning, finding.InBody, "/initiator", finding.RuleUndeclared, "", ""},
				{finding.Warning, finding.InBody, "/recipient", finding.RuleUndeclared, "phoneNumber", ""},
			},
		},
		{
			name: "misspelt field on Genesys", spec: genesysSpec,
			method: "POST", path: "/api/v2/conversations/calls", header: bearer(),
			body: `{"phonenumbr": "+15550199"}`,
			want: []want{{finding.Warning, finding.InBody, "/phonenumbr", finding.RuleUndeclared, "phoneNumber", ""}},
		},
		{
			name: "method not allowed", spec: genesysSpec,
			method: "DELETE", path: "/api/v2/conversations/calls", header: bearer(),
			want: []want{{finding.Error, finding.InRoute, "", finding.RuleMethodNotAllowed, "", "POST"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := load(t, tt.spec)
			req := &Request{Method: tt.method, Path: tt.path, Header: tt.header, Body: []byte(tt.body)}
			got := Check(context.Background(), s, req, Options{}).Findings
			checkErrorsOnly(t, s, req, Options{})
			if len(got) != len(tt.want) {
				t.Fatalf("Check = %d findings, want %d:\n%s", len(got), len(tt.want), render(got))
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

// checkErrorsOnly holds Options.ErrorsOnly to the check it shortens: the
// same errors, in the same order, and the same decoded body.
func checkErrorsOnly(t testing.TB, s *spec.Spec, req *Request, opts Options) {
	t.Helper()
	var fullBody, shortBody any
	opts.Decoded = &fullBody
	full := Check(context.Background(), s, req, opts)
	opts.Decoded, opts.ErrorsOnly = &shortBody, true
	short := Check(context.Background(), s, req, opts)
	var want, got []finding.Finding
	for _, f := range full.Findings {
		if f.Severity == finding.Error {
			want = append(want, f)
		}
	}
	for _, f := range short.Findings {
		if f.Severity == finding.Error {
			got = append(got, f)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Check(%s %s) with ErrorsOnly: errors (-full check +ErrorsOnly):\n%s", req.Method, req.Path, diff)
	}
	if diff := cmp.Diff(fullBody, shortBody); diff != "" {
		t.Errorf("Check(%s %s) with ErrorsOnly: decoded body (-full check +ErrorsOnly):\n%s", req.Method, req.Path, diff)
	}
}

func render(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.String() + "\n")
	}
	return b.String()
}

// TestJSONAsFormSaysSo: the finding names the mistake, not only the
// content type, since the server's own 400 will not.
func TestJSONAsFormSaysSo(t *testing.T) {
	s := load(t, pcSpec)
	got := Check(context.Background(), s, &Request{Method: "POST", Path: "/api/v2/outbound/campaigns/c1/calls",
		Header: http.Header{"Authorization": {"Bearer x"}, "Content-Type": {"application/x-www-form-urlencoded"}},
		Body:   []byte(`{"recipient": {"type": "phone", "address": "+15550199"}}`)}, Options{}).Findings
	require.Len(t, got, 1, render(got))
	assert.Contains(t, got[0].Message, "the body is JSON but goes out as application/x-www-form-urlencoded")
	assert.Contains(t, got[0].Message, "-H 'Content-Type: application/json'")
}
