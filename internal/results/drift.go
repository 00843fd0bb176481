package results

import "github.com/casebook-dev/casebook/internal/casefile"

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
	// Aspect is DriftStatus, DriftCode or DriftShape.
	Aspect string
	// Pointer is the top-level member for DriftShape ("/contextId").
	Pointer string
	// A and B are what each target answered: a status, an error code, a
	// JSON type, or "(absent)".
	A, B string
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
