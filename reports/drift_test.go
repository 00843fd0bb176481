package reports

import (
	"bytes"
	"testing"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/results"
)

func TestDriftText(t *testing.T) {
	c := func(name string) *casefile.Case {
		return &casefile.Case{Name: name, Pos: casefile.Pos{File: "cases/" + name + ".yaml", Line: 1, Column: 1}}
	}
	answered := &results.Result{Request: &results.Request{Method: "POST", URL: "https://api.mypurecloud.ie/api/v2/conversations/calls"},
		Response: &results.Response{Status: 200}, CorrelationID: "corr-1", TraceID: "4bf92f3577b34da6a3ce929d0e0e4736"}
	rs := []results.DriftResult{
		{Case: c("same"), A: answered, B: answered, Compared: true},
		{Case: c("two-destinations"), A: answered, B: answered, Compared: true, Differences: []results.DriftDifference{
			{Aspect: "status", A: "400", B: "200"},
			{Aspect: "code", A: "too.many.create.conversation.parameters", B: "(absent)"},
			{Aspect: "shape", Pointer: "/id", A: "(absent)", B: "string"},
		}},
		{Case: c("teapot"), A: answered, B: answered, Compared: true, Differences: []results.DriftDifference{
			{Aspect: "status", A: "200", B: "418", BBreaks: []finding.Finding{{Severity: finding.Error, Location: finding.InStatus,
				Rule: finding.RuleStatus, Message: "418 is not a status GET /teapot declares, and it declares no default", Allowed: []string{"200"}}}},
		}},
		{Case: c("unsafe"), A: answered, B: &results.Result{Status: results.Skipped, Reason: "not sent to live target live: POST may have side effects"}},
	}
	var b bytes.Buffer
	failed := DriftText(&b, "mock", "live", rs, false)
	want := `drift: mock vs live, 4 case(s)
DRIFT  two-destinations  (cases/two-destinations.yaml:1:1)
    status               mock: 400   live: 200
    code                 mock: too.many.create.conversation.parameters   live: (absent)
    shape /id            mock: (absent)   live: string
    live: POST https://api.mypurecloud.ie/api/v2/conversations/calls, correlation id corr-1, trace id 4bf92f3577b34da6a3ce929d0e0e4736
DRIFT  teapot  (cases/teapot.yaml:1:1)
    status               mock: 200   live: 418   (live breaks the contract)
        live: error status: status: 418 is not a status GET /teapot declares, and it declares no default (allowed: 200)
    live: POST https://api.mypurecloud.ie/api/v2/conversations/calls, correlation id corr-1, trace id 4bf92f3577b34da6a3ce929d0e0e4736
NOT COMPARED  unsafe: live skipped: not sent to live target live: POST may have side effects
2 drifted, 1 same, 1 not compared
Where mock and live disagree, the spec or the mock's overlay is wrong about the API.
Where a side breaks the contract, its answer is one the spec does not allow: that side is wrong, or the spec is out of date.
`
	if got := b.String(); got != want || !failed {
		t.Errorf("renderDrift = (failed %v)\n%s\nwant (failed true)\n%s", failed, got, want)
	}
}

// TestDriftTextNamesTheStep: a multi-step case's disagreement says at
// which step it is.
func TestDriftTextNamesTheStep(t *testing.T) {
	answered := &results.Result{Request: &results.Request{Method: "GET", URL: "https://api.example/items/1"}, Response: &results.Response{Status: 200}}
	rs := []results.DriftResult{{Case: &casefile.Case{Name: "crud"}, A: answered, B: answered, Compared: true,
		Differences: []results.DriftDifference{{Step: "create", Aspect: "status", A: "201", B: "200"}}}}
	var b bytes.Buffer
	DriftText(&b, "mock", "live", rs, false)
	if want := "    step create: status  mock: 201   live: 200\n"; !bytes.Contains(b.Bytes(), []byte(want)) {
		t.Errorf("DriftText:\n%s\nwant a line %q", b.String(), want)
	}
}
