package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/casebook-dev/casebook/internal/claims"
)

func sampleLedger() *claims.Ledger {
	return &claims.Ledger{
		File: "docs/claims.yaml",
		Thread: claims.Thread{File: "thread.txt", Note: "Numbered by casebook.", Posts: []claims.Post{
			{ID: "question", Name: "the question", Lines: "1-3", Opens: "Why does"},
			{ID: "answer-1", Name: "answer 1", Lines: "4-9", Opens: "Because"},
		}},
		Vendors: []claims.Vendor{{ID: "acme", Name: "Acme"}, {ID: "thread", Name: "the thread's own model"}},
		Sources: []claims.Source{{ID: "acme-spec", Cite: "acme.yaml (published 2026)"}, {ID: "thread", Cite: "the thread"}},
		Rows: []claims.Row{
			{Claim: claims.Claim{ID: "wrong-path", Post: "question", Line: 2, Quote: "I post to /v1/call | /v1/calls", Claim: "POST /v1/call places <the> call."},
				Cells: []claims.Cell{
					{Verdict: claims.Verdict{Verdict: "false", Why: "No such path.", Sources: []string{"acme-spec"}},
						Cases: []claims.CaseRef{{Name: "acme-wrong-path", File: "cases/acme/wrong-path.yaml", Verification: "published-spec"}}},
					{Verdict: claims.Verdict{Verdict: "true", Why: "The thread says so.", Sources: []string{"thread"}}},
				}},
			{Claim: claims.Claim{ID: "socket-advice", Post: "answer-1", Line: 5, Quote: "use the socket", Claim: "A socket helps."},
				Cells: []claims.Cell{
					{Verdict: claims.Verdict{Verdict: "not-applicable", Why: "Tooling advice.", Sources: []string{"acme-spec"}}},
					{Verdict: claims.Verdict{Verdict: "not-applicable", Why: "Not in the contract.", Sources: []string{"thread"}}},
				}},
		},
	}
}

func TestClaimsMarkdownGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := ClaimsMarkdown(&buf, sampleLedger()); err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/claims.md", buf.Bytes())
}

func TestClaimsMarkdown(t *testing.T) {
	var buf bytes.Buffer
	if err := ClaimsMarkdown(&buf, sampleLedger()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"| claim | said in | Acme | the thread's own model | cases |",
		"| [wrong-path](#wrong-path) | the question, line 2 | `false` | `true` | 1 |",
		"> “I post to /v1/call \\| /v1/calls”", // a | in a quote does not split a table or line
		"POST /v1/call places &lt;the&gt; call.",
		"Cases: `acme-wrong-path` (`cases/acme/wrong-path.yaml`, `published-spec`).",
		"### socket-advice",
		"No case tests this claim.",
		"2 claims, 1 tested by at least one case.",
		"- `acme-spec`: acme.yaml (published 2026)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("ledger lacks %q", want)
		}
	}
	if n := strings.Count(out, "No case tests this claim."); n != 1 {
		t.Errorf("%d claims said untested, want 1 (only socket-advice)", n)
	}
}
