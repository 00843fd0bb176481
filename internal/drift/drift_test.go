package drift

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/assert"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/results"
)

func answer(status int, body string) *results.Response {
	return &results.Response{Status: status, Body: []byte(body)}
}

func TestCompareOneRequest(t *testing.T) {
	a := &results.Result{Response: answer(400, `{"code":"bad.request","status":400}`)}
	b := &results.Result{Response: answer(200, `{"id":"x"}`),
		Conformance: []finding.Finding{{Location: finding.InBody, Pointer: "/id", Rule: "undeclared"}}}
	d := Compare(&casefile.Case{Name: "one"}, a, b)
	want := []results.DriftDifference{
		{Aspect: results.DriftStatus, A: "400", B: "200"},
		{Aspect: results.DriftCode, A: "bad.request", B: results.Absent},
		{Aspect: results.DriftShape, Pointer: "/code", A: "string", B: results.Absent},
		{Aspect: results.DriftShape, Pointer: "/id", A: results.Absent, B: "string",
			BBreaks: []finding.Finding{{Location: finding.InBody, Pointer: "/id", Rule: "undeclared"}}},
		{Aspect: results.DriftShape, Pointer: "/status", A: "number", B: results.Absent},
	}
	assert.True(t, d.Compared)
	if diff := cmp.Diff(want, d.Differences, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Compare differences (-want +got):\n%s", diff)
	}
}

// TestCompareEveryStep: a multi-step case is compared at every step both
// sides answered, not only at the last answer; a step one side never
// sent is a difference of its own.
func TestCompareEveryStep(t *testing.T) {
	step := func(name string, r *results.Response) *results.Step { return &results.Step{Name: name, Response: r} }
	for _, tc := range []struct {
		name string
		a, b []*results.Step
		want []results.DriftDifference
	}{
		{"the first step drifts, the last agrees",
			[]*results.Step{step("create", answer(201, `{"id":"1"}`)), step("read", answer(200, `{"id":"1"}`))},
			[]*results.Step{step("create", answer(200, `{"id":"1"}`)), step("read", answer(200, `{"id":"1"}`))},
			[]results.DriftDifference{{Step: "create", Aspect: results.DriftStatus, A: "201", B: "200"}}},
		{"a middle step's body drifts",
			[]*results.Step{step("create", answer(201, `{}`)), step("update", answer(200, `{"version":2}`)), step("read", answer(200, `{}`))},
			[]*results.Step{step("create", answer(201, `{}`)), step("update", answer(200, `{"version":"2"}`)), step("read", answer(200, `{}`))},
			[]results.DriftDifference{{Step: "update", Aspect: results.DriftShape, Pointer: "/version", A: "number", B: "string"}}},
		{"one side stopped after the first step",
			[]*results.Step{step("create", answer(201, `{}`)), step("read", answer(200, `{}`))},
			[]*results.Step{step("create", answer(201, `{}`)), step("read", nil)},
			[]results.DriftDifference{{Step: "read", Aspect: results.DriftStatus, A: "200", B: results.NoAnswer}}},
		{"every step agrees",
			[]*results.Step{step("create", answer(201, `{}`)), step("read", answer(200, `{}`))},
			[]*results.Step{step("create", answer(201, `{}`)), step("read", answer(200, `{}`))},
			nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			last := func(s []*results.Step) *results.Response { return s[len(s)-1].Response }
			a := &results.Result{Steps: tc.a, Response: last(tc.a)}
			b := &results.Result{Steps: tc.b, Response: last(tc.b)}
			d := Compare(&casefile.Case{Name: "steps"}, a, b)
			assert.True(t, d.Compared)
			if diff := cmp.Diff(tc.want, d.Differences, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Compare differences (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompareNoAnswer(t *testing.T) {
	d := Compare(&casefile.Case{Name: "skipped"}, &results.Result{Response: answer(200, "")}, &results.Result{Status: results.Skipped})
	assert.False(t, d.Compared)
	assert.Empty(t, d.Differences)
}
