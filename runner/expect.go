package runner

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/jsonvalue"
	"github.com/casebook-dev/casebook/internal/lint"
	"github.com/casebook-dev/casebook/internal/spec"
)

// lintDifferences compares the findings a case expects with those lint
// found. Every expected finding must be found; every finding must be
// expected: a pitfall case documents exactly the mistakes it demonstrates,
// and a case that lists none must lint clean.
func lintDifferences(want []casefile.ExpectedFinding, got []finding.Finding) []diff.Difference {
	used := make([]bool, len(got))
	var out []diff.Difference
	for _, w := range want {
		found := false
		for i, g := range got {
			if matches(w, g) {
				used[i], found = true, true
			}
		}
		if !found {
			out = append(out, diff.Difference{Part: diff.Lint, Pointer: w.Pointer, Want: describeExpected(w), Missing: true})
		}
	}
	for i, g := range got {
		if !used[i] {
			out = append(out, diff.Difference{Part: diff.Lint, Pointer: g.Pointer, Got: g.String(), Extra: true})
		}
	}
	return out
}

func matches(w casefile.ExpectedFinding, g finding.Finding) bool {
	return (w.Pointer == "" || w.Pointer == g.Pointer) &&
		(w.Rule == "" || w.Rule == g.Rule) &&
		(w.Location == "" || w.Location == string(g.Location)) &&
		(w.Severity == "" || w.Severity == string(g.Severity))
}

func describeExpected(w casefile.ExpectedFinding) string {
	var parts []string
	for _, p := range []string{w.Severity, w.Location, w.Rule} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return "a finding"
	}
	return strings.Join(parts, " ") + " finding"
}

// answer is a response as the runner checks it: its body decoded as JSON
// at most once, for the body comparison, the conformance check and the
// captures alike (each only reads the value; it used to be decoded once
// for each).
type answer struct {
	*Response
	decoded bool
	v       any
	plain   bool // v is jsonvalue.Decode's: the body is one plain JSON value
}

func newAnswer(resp *Response) *answer { return &answer{Response: resp} }

// plainJSON is the body decoded by jsonvalue.Decode, the first time it is
// asked for (lint.Response.JSON).
func (a *answer) plainJSON() (any, bool) {
	if !a.decoded {
		a.decoded = true
		a.v, a.plain = jsonvalue.Decode(a.Body)
	}
	return a.v, a.plain
}

// json is the body's JSON value (its first value, as a json.Decoder reads
// it), numbers kept exact; ok is false when it is not JSON.
func (a *answer) json() (v any, ok bool) {
	if v, ok := a.plainJSON(); ok {
		return v, true
	}
	dec := json.NewDecoder(bytes.NewReader(a.Body))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return nil, false
	}
	return v, true
}

// responseDifferences compares status, headers and body.
func responseDifferences(e *casefile.Expect, resp *answer) []diff.Difference {
	var out []diff.Difference
	if e.Status != 0 && e.Status != resp.Status {
		out = append(out, diff.Difference{Part: diff.Status, Want: e.Status, Got: resp.Status})
	}
	for _, name := range slices.Sorted(maps.Keys(e.Headers)) {
		want := e.Headers[name]
		got, ok := resp.Header[http.CanonicalHeaderKey(name)]
		switch {
		case !ok:
			out = append(out, diff.Difference{Part: diff.Header, Pointer: http.CanonicalHeaderKey(name), Want: presentOr(want), Missing: true})
		case want != "" && !headerMatches(want, got):
			out = append(out, diff.Difference{Part: diff.Header, Pointer: http.CanonicalHeaderKey(name), Want: want, Got: strings.Join(got, ", ")})
		}
	}
	if e.Body != nil {
		out = append(out, bodyDifferences(e, resp)...)
	}
	return out
}

func presentOr(v string) string {
	if v == "" {
		return "(present)"
	}
	return v
}

// headerMatches compares media types without parameters for Content-Type
// (application/json matches application/json; charset=utf-8).
func headerMatches(want string, got []string) bool {
	for _, g := range got {
		if g == want || strings.EqualFold(strings.TrimSpace(strings.Split(g, ";")[0]), want) {
			return true
		}
	}
	return false
}

func bodyDifferences(e *casefile.Expect, a *answer) []diff.Difference {
	got, ok := a.json()
	if !ok {
		return []diff.Difference{{Part: diff.Body, Want: e.Body.V, Got: truncate(string(a.Body), 200)}}
	}
	return diff.Bodies(e.Body.V, got, diff.Options{Exact: e.BodyMatch == casefile.MatchExact, Ignore: e.Ignore})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// conformance checks the answer against the declared responses of m (the
// operation the request resolved to; nil: none, so nothing to hold the
// answer to). Under casefile.ConformanceWarn its breaks are warnings. An
// answer from casebook's mock says so (lint.SilenceHeader): its protocol
// statuses the spec leaves undeclared are warnings; any other server's are
// errors.
func (r *Runner) conformance(m *spec.Match, method string, resp *answer, policy string) []finding.Finding {
	if m == nil || resp.Response == nil {
		return nil
	}
	fs := lint.CheckResponse(m, &lint.Response{Method: method, Status: resp.Status, Header: resp.Header, Body: resp.Body, JSON: resp.plainJSON})
	if policy == casefile.ConformanceWarn {
		for i := range fs {
			fs[i].Severity = finding.Warning
		}
	}
	return fs
}

// conformanceDifferences are the contract's errors: each one fails the
// case, whatever it expects. Warnings do not.
func conformanceDifferences(fs []finding.Finding) []diff.Difference {
	var out []diff.Difference
	for _, f := range fs {
		if f.Severity == finding.Error {
			out = append(out, diff.Difference{Part: diff.Conformance, Pointer: f.Pointer, Got: f.String(), Extra: true})
		}
	}
	return out
}
