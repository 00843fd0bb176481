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
	var order []string
	answers := map[string]map[string][]int{} // spec -> operation -> statuses answered
	for _, res := range rs {
		if _, seen := answers[res.SpecPath]; !seen {
			answers[res.SpecPath] = map[string][]int{}
			order = append(order, res.SpecPath)
		}
		if res.Response != nil && res.Operation != "" {
			answers[res.SpecPath][res.Operation] = append(answers[res.SpecPath][res.Operation], res.Response.Status)
		}
	}
	cov := &results.Coverage{}
	for _, path := range order {
		s, err := load(path)
		if err != nil {
			continue
		}
		sc := results.SpecCoverage{Path: path}
		for _, op := range s.Operations() {
			sc.Operations = append(sc.Operations, operationCoverage(s, op, answers[path][op.String()]))
		}
		cov.Specs = append(cov.Specs, sc)
	}
	return cov
}

// operationCoverage is what the statuses answered exercised of op.
func operationCoverage(s *spec.Spec, op *spec.Operation, statuses []int) results.OperationCoverage {
	oc := results.OperationCoverage{Operation: op.String(), Answers: len(statuses)}
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
