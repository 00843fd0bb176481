package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/results"
)

func renderMarkdown(t *testing.T, rs []*results.Result) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Markdown(&buf, rs, Options{}); err != nil {
		t.Fatalf("Markdown() error: %v", err)
	}
	return buf.String()
}

func TestMarkdownGolden(t *testing.T) {
	golden(t, "testdata/pitfalls.md", []byte(renderMarkdown(t, richResults())))
}

func TestMarkdownCatalogue(t *testing.T) {
	rs := richResults()
	// A pitfall with no fix recorded, and a volatile correlation id.
	rs[2].Case.Pitfall = "Markup in a name."
	rs[2].CorrelationID = "6a1f0c4e-0000-4000-8000-000000000001"
	rs[2].Response.Header.Set("Inin-Correlation-Id", rs[2].CorrelationID)
	rs[2].Response.Body = []byte(`{"contextId":"6a1f0c4e-0000-4000-8000-000000000001","instance":"urn:uuid:0b5e9c1a-1111-4111-8111-111111111111"}`)
	out := renderMarkdown(t, rs)
	for _, want := range []string{
		"### pc-recipient-phone-number",
		"**The right request**\n\nFrom case [`pc-correct-call`](#pc-correct-call)",
		`"address": "+15550199"`,
		"Authorization: Bearer <token of credential \"pc-dialer\">",
		"- **Verification:** `unverified`",
		"None is recorded: no case names the corrected request",
		`"contextId": "<correlation id>"`,
		"Inin-Correlation-Id: <correlation id>",
		"urn:uuid:<id>",
		"2 pitfalls (2 unverified).",
		// HTML in a name is text, not markup.
		"### genesys-markup &lt;&amp;&gt; \"quoted\"",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("catalogue lacks %q", want)
		}
	}
	if strings.Contains(out, "<&>") {
		t.Error("a case's name reaches the catalogue as HTML")
	}
	if strings.Contains(out, "### pc-correct-call") {
		t.Error("the fix case has an entry of its own; it should appear only as the fix")
	}
	if strings.Contains(out, "### genesys-skipped") {
		t.Error("a case without pitfall: has an entry")
	}
	for _, secret := range []string{"sk-live-123", "6a1f0c4e", "0b5e9c1a"} {
		if strings.Contains(out, secret) {
			t.Errorf("catalogue holds %q (a secret or a value that changes every run)", secret)
		}
	}
}

// TestMarkdownCorrectBehaviourApart: a case tagged correct that is no
// pitfall's fix is listed under a heading of its own, not counted or
// shown as a pitfall, and has no "wrong" or "right" request.
func TestMarkdownCorrectBehaviourApart(t *testing.T) {
	rs := richResults()
	good := &results.Result{Status: results.Passed, Target: "mock",
		Case: &casefile.Case{Name: "gc-campaign-read", Pitfall: "A client reads the campaign back by the id the create answered.",
			Tags: []string{"genesys-cloud", casefile.TagCorrect}, Auth: "agent",
			Request: casefile.Request{Method: "GET", Path: "/api/v2/outbound/campaigns/c1"},
			Pos:     casefile.Pos{File: "cases/genesys-cloud/campaign-read.yaml", Line: 2, Column: 1}},
		Response: &results.Response{Status: 200}}
	out := renderMarkdown(t, append(rs, good))
	before, after, found := strings.Cut(out, "\n## Correct behaviour\n")
	require.True(t, found, "no Correct behaviour heading:\n%s", out)
	assert.NotContains(t, before, "### gc-campaign-read", "a correct case is among the pitfalls")
	assert.Contains(t, before, "1 case of correct behaviour, under [Correct behaviour](#correct-behaviour)")
	assert.Contains(t, before, "- [gc-campaign-read](#gc-campaign-read): A client reads the campaign back")
	assert.Contains(t, after, "### gc-campaign-read")
	assert.Contains(t, after, "**The request**")
	assert.NotContains(t, after, "The wrong request")
	assert.NotContains(t, after, "The right request")
	assert.NotContains(t, after, "### pc-recipient-phone-number")
}
