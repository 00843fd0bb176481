package runner

import (
	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/internal/target"
)

// The types a run produces live in internal/results, below both the runner
// and the reports, so a renderer never links the engine. These aliases are
// how the runner's users name them.
type (
	// Case is one case of a case file, as LoadCases returns it.
	Case = casefile.Case
	// Result is everything one case produced (see results.Result).
	Result   = results.Result
	Request  = results.Request
	Response = results.Response
	Status   = results.Status
	Summary  = results.Summary
	// SpecProblems are a loaded spec's departures from the OpenAPI rules.
	SpecProblems = results.SpecProblems
	// DriftResult is one case run against two targets (see Drift).
	DriftResult     = results.DriftResult
	DriftDifference = results.DriftDifference
)

// RetryPolicy says when a request is sent again (see Options.Retry).
type RetryPolicy = target.RetryPolicy

// The outcomes of a case.
const (
	Passed  = results.Passed
	Failed  = results.Failed
	Skipped = results.Skipped
	Errored = results.Errored
)
