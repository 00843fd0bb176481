// Package coverage counts what a run's answers exercised of their specs:
// per operation, the declared statuses answered and, where access depends
// on what a token holds, the auth outcomes (401, 403, a success). The
// runner runs the cases; this package only counts what came back.
package coverage

import (
	"slices"
	"strconv"

	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/internal/spec"
)

// Count is, per spec the results were checked against (in the order the
// results first name them), which operations, declared statuses and auth
// outcomes the answers in rs exercised. load returns a loaded spec; a spec
// that does not load is left out (its cases errored: nothing to cover).
func Count(rs []*results.Result, load func(path string) (*spec.Spec, error)) *results.Coverage {
	var t Tally
	for _, r := range rs {
		t.Add(r)
	}
	return t.Coverage(load)
}

// Tally counts a run's answers as they come, so that a run that streams
// its results can report its coverage without holding them: per spec and
// operation, how many answers and which distinct statuses. It holds a
// few bytes per operation answered, whatever the number of cases. The
// zero Tally is ready; it is not safe for concurrent use.
type Tally struct {
	order   []string                        // specs, in the order the results first name them
	answers map[string]map[string]*answered // spec -> operation -> its answers
}

// answered is what came back for one operation.
type answered struct {
	n        int
	statuses []int // distinct, in the order they came
}

// Add counts r's answer.
func (t *Tally) Add(r *results.Result) {
	if t.answers == nil {
		t.answers = map[string]map[string]*answered{}
	}
	ops, seen := t.answers[r.SpecPath]
	if !seen {
		ops = map[string]*answered{}
		t.answers[r.SpecPath] = ops
		t.order = append(t.order, r.SpecPath)
	}
	if r.Response == nil || r.Operation == "" {
		return
	}
	a := ops[r.Operation]
	if a == nil {
		a = &answered{}
		ops[r.Operation] = a
	}
	a.n++
	if !slices.Contains(a.statuses, r.Response.Status) {
		a.statuses = append(a.statuses, r.Response.Status)
	}
}

// Counting is next with each result counted first.
func (t *Tally) Counting(next func(*results.Result)) func(*results.Result) {
	return func(r *results.Result) { t.Add(r); next(r) }
}

// Coverage is what the answers counted exercised of each spec (see Count).
func (t *Tally) Coverage(load func(path string) (*spec.Spec, error)) *results.Coverage {
	cov := &results.Coverage{}
	for _, path := range t.order {
		s, err := load(path)
		if err != nil {
			continue
		}
		sc := results.SpecCoverage{Path: path}
		for _, op := range s.Operations() {
			var a answered
			if got := t.answers[path][op.String()]; got != nil {
				a = *got
			}
			sc.Operations = append(sc.Operations, operationCoverage(s, op, a))
		}
		cov.Specs = append(cov.Specs, sc)
	}
	return cov
}

// operationCoverage is what the answers a exercised of op.
func operationCoverage(s *spec.Spec, op *spec.Operation, a answered) results.OperationCoverage {
	statuses := a.statuses
	oc := results.OperationCoverage{Operation: op.String(), Answers: a.n}
	hit := map[string]bool{}
	for _, st := range statuses {
		if key := declaredKey(op, st); key != "" {
			hit[key] = true
		} else if !slices.Contains(oc.Undeclared, st) {
			oc.Undeclared = append(oc.Undeclared, st)
		}
	}
	slices.Sort(oc.Undeclared)
	if op.Op.Responses != nil {
		keys := op.Op.Responses.Keys()
		slices.Sort(keys) // "default" sorts after the codes and ranges
		for _, k := range keys {
			oc.Statuses = append(oc.Statuses, results.Outcome{Name: k, Hit: hit[k]})
		}
	}
	if needsGrant(s, op) {
		answered := func(f func(int) bool) bool { return slices.ContainsFunc(statuses, f) }
		oc.Auth = []results.Outcome{
			{Name: "401", Hit: answered(func(st int) bool { return st == 401 })},
			{Name: "403", Hit: answered(func(st int) bool { return st == 403 })},
			{Name: results.AuthSuccess, Hit: answered(func(st int) bool { return st >= 200 && st < 300 })},
		}
	}
	return oc
}

// declaredKey is the response a status resolves to, as the spec resolves
// it: the exact code, then its range (4XX), then default; "" for none.
func declaredKey(op *spec.Operation, status int) string {
	if op.Op.Responses == nil {
		return ""
	}
	code := strconv.Itoa(status)
	for _, k := range []string{code, code[:1] + "XX", "default"} {
		if op.Op.Responses.Value(k) != nil {
			return k
		}
	}
	return ""
}

// needsGrant reports whether an operation's access depends on what a
// token holds: its security names scopes, or it publishes
// x-inin-requires-permissions. Then 401, 403 and a success are each worth
// a case.
func needsGrant(s *spec.Spec, op *spec.Operation) bool {
	if _, ok := op.Op.Extensions["x-inin-requires-permissions"]; ok {
		return true
	}
	reqs := s.Doc.Security
	if op.Op.Security != nil {
		reqs = *op.Op.Security
	}
	for _, req := range reqs {
		for _, scopes := range req {
			if len(scopes) > 0 {
				return true
			}
		}
	}
	return false
}
