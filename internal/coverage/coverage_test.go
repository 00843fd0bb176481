package coverage

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/internal/spec"
)

const pcSpec = "../../specs/personal-connection.yaml"

func answer(specPath, op string, status int) *results.Result {
	return &results.Result{SpecPath: specPath, Operation: op, Response: &results.Response{Status: status}}
}

// A tally counts answers as they come, and keeps each status once,
// however many answers there are.
func TestTallyHoldsCountsNotAnswers(t *testing.T) {
	const call = "POST /api/v2/outbound/campaigns/{campaignId}/calls"
	var rs []*results.Result
	for range 1000 {
		rs = append(rs, answer(pcSpec, call, 202), answer(pcSpec, call, 400), answer(pcSpec, call, 418))
	}
	rs = append(rs, &results.Result{SpecPath: pcSpec, Operation: call}, // no answer: errored before sending
		answer("missing.yaml", call, 200)) // a spec that does not load
	load := func(path string) (*spec.Spec, error) { return spec.Load(path) }

	var tally Tally
	for _, r := range rs {
		tally.Add(r)
	}
	if n := len(tally.answers[pcSpec][call].statuses); n != 3 {
		t.Errorf("tally keeps %d statuses for 3,000 answers of 3 statuses, want 3", n)
	}
	got := tally.Coverage(load)
	if len(got.Specs) != 1 {
		t.Fatalf("Coverage() has %d specs, want 1 (missing.yaml does not load)", len(got.Specs))
	}
	var oc *results.OperationCoverage
	for i := range got.Specs[0].Operations {
		if got.Specs[0].Operations[i].Operation == call {
			oc = &got.Specs[0].Operations[i]
		}
	}
	if oc == nil {
		t.Fatalf("no coverage of %s in %+v", call, got.Specs[0].Operations)
	}
	want := []results.Outcome{{Name: "202", Hit: true}, {Name: "400", Hit: true}, {Name: "401"}, {Name: "403"}, {Name: "404"}}
	if oc.Answers != 3000 || !cmp.Equal(oc.Undeclared, []int{418}) || !cmp.Equal(oc.Statuses, want) {
		t.Errorf("%s: answers %d, undeclared %v, statuses %v; want 3000, [418], %v", call, oc.Answers, oc.Undeclared, oc.Statuses, want)
	}
}
