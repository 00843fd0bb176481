package runner

import (
	"github.com/casebook-dev/casebook/internal/coverage"
	"github.com/casebook-dev/casebook/internal/results"
)

// Coverage is how much of its specs a run exercised (see results.Coverage).
type Coverage = results.Coverage

// Coverage counts, per spec the results were checked against, which
// operations, declared statuses and auth outcomes the answers in rs
// exercised (see internal/coverage). Specs come from the runner's cache,
// loaded by LoadSpecs or the run itself.
func (r *Runner) Coverage(rs []*Result) *Coverage {
	return coverage.Count(rs, r.specs.get)
}

// CoverageOf is the coverage of the answers t counted as they came (a
// streamed run holds no results to count at the end), from the runner's specs.
func (r *Runner) CoverageOf(t *coverage.Tally) *Coverage {
	return t.Coverage(r.specs.get)
}
