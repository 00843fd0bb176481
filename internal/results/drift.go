package results

import (
	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/finding"
)

// DriftResult is one case run against two targets.
type DriftResult struct {
	Case *casefile.Case
	// A and B are the case's results on each target.
	A, B *Result
	// Compared is false when a side has no answer (skipped, errored, dry
	// run): its Result's Reason says why.
	Compared bool
	// Differences list each way the answers disagree; none when they agree.
	Differences []DriftDifference
}

// Drifted reports whether the two answers disagree.
func (d *DriftResult) Drifted() bool { return len(d.Differences) > 0 }

// DriftDifference is one disagreement.
type DriftDifference struct {
	// Step names the step of a multi-step case whose answers disagree; ""
	// for a case with one request.
	Step string
	// Aspect is DriftStatus, DriftCode or DriftShape.
	Aspect string
	// Pointer is the top-level member for DriftShape ("/contextId").
	Pointer string
	// A and B are what each target answered: a status, an error code, a
	// JSON type, or "(absent)".
	A, B string
	// ABreaks and BBreaks are each side's conformance findings that bear on
	// this aspect: where that side's answer breaks the spec's declared
	// responses (a status it does not declare, a code it does not publish,
	// a member its schema does not allow). Both empty: the spec allows both
	// answers, and what is wrong is the mock's overlay or the spec's silence.
	ABreaks, BBreaks []finding.Finding
}

// Aspects of an answer that drift compares.
const (
	DriftStatus = "status"
	// DriftCode is the error code of the body: Genesys' "code", or an RFC
	// 9457 problem's "code" member.
	DriftCode = "code"
	// DriftShape is the body's top-level members and their JSON types.
	DriftShape = "shape"
)

// Absent stands for a member or code one side does not have.
const Absent = "(absent)"

// NoAnswer stands for a step one side did not send (its case stopped
// before it).
const NoAnswer = "(no answer)"
