package results

// Coverage is how much of its specs a run exercised: which operations got
// an answer, which of each operation's declared statuses came back, and,
// for an operation that needs scopes or permissions, which auth outcomes
// (401, 403, a success). It counts answers, whatever the verdict: a
// failing case still exercised what it reached.
type Coverage struct {
	// Specs are the specs the run's cases were checked against, in the
	// order the cases first name them.
	Specs []SpecCoverage
}

// SpecCoverage is one spec's coverage.
type SpecCoverage struct {
	Path string
	// Operations are all of the spec's operations, sorted by path and method.
	Operations []OperationCoverage
}

// OperationCoverage is what the run exercised of one operation.
type OperationCoverage struct {
	// Operation is "POST /api/v2/conversations/calls".
	Operation string
	// Answers is how many answers the run got for it.
	Answers int
	// Statuses are the responses the operation declares ("200", "4XX",
	// "default"), each hit when an answer resolved to it as the spec
	// resolves a status (exact code first, then its range, then default).
	Statuses []Outcome
	// Undeclared lists the statuses answered that resolve to no declared
	// response, sorted: each is also a conformance break.
	Undeclared []int
	// Auth are the outcomes 401, 403 and success (any 2xx) for an
	// operation whose security names scopes or that publishes
	// x-inin-requires-permissions; nil for any other.
	Auth []Outcome
}

// Outcome is one thing a run could exercise, and whether it did.
type Outcome struct {
	Name string `json:"name"`
	Hit  bool   `json:"hit"`
}

// AuthSuccess names the auth outcome of a 2xx answer.
const AuthSuccess = "success"

// Count is how many of Total things a run exercised.
type Count struct {
	Covered, Total int
}

// Percent is Covered of Total as a percentage; 100 when there is nothing
// to cover.
func (c Count) Percent() float64 {
	if c.Total == 0 {
		return 100
	}
	return 100 * float64(c.Covered) / float64(c.Total)
}

// Below reports whether the share covered is under percent.
func (c Count) Below(percent float64) bool { return c.Percent() < percent }

func (c Count) plus(d Count) Count { return Count{c.Covered + d.Covered, c.Total + d.Total} }

// Counts are a coverage's counts by kind, and their sum.
type Counts struct {
	Operations, Statuses, Auth Count
}

// Total is every kind together: what --min-coverage holds the run to.
func (c Counts) Total() Count { return c.Operations.plus(c.Statuses).plus(c.Auth) }

func (c Counts) plus(d Counts) Counts {
	return Counts{c.Operations.plus(d.Operations), c.Statuses.plus(d.Statuses), c.Auth.plus(d.Auth)}
}

// Counts adds up one operation.
func (o *OperationCoverage) Counts() Counts {
	var c Counts
	c.Operations = Count{Total: 1}
	if o.Answers > 0 {
		c.Operations.Covered = 1
	}
	c.Statuses = hits(o.Statuses)
	c.Auth = hits(o.Auth)
	return c
}

// Counts adds up one spec.
func (s *SpecCoverage) Counts() Counts {
	var c Counts
	for i := range s.Operations {
		c = c.plus(s.Operations[i].Counts())
	}
	return c
}

// Counts adds up every spec.
func (cv *Coverage) Counts() Counts {
	var c Counts
	for i := range cv.Specs {
		c = c.plus(cv.Specs[i].Counts())
	}
	return c
}

func hits(outcomes []Outcome) Count {
	c := Count{Total: len(outcomes)}
	for _, o := range outcomes {
		if o.Hit {
			c.Covered++
		}
	}
	return c
}
