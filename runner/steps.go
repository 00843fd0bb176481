package runner

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/lint"
	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/internal/secret"
	"github.com/casebook-dev/casebook/internal/spec"
)

// A multi-step case (steps: instead of request:) sends its steps in order
// in one session of the target (on the built-in mock, one state: a step
// reads what the step before it created). Each step is linted just before
// it is sent, with the values the steps before it captured; a lint-only
// or dry run, which has no answers, lints with stand-ins for them and
// leaves out the findings the stand-ins cause. A step that gets no answer
// or captures nothing stops the case: the steps after it are skipped.

// runSteps runs a multi-step case and gives res its verdict.
func (r *Runner) runSteps(ctx context.Context, s *spec.Spec, c *casefile.Case, res *Result) {
	defer summarizeSteps(res)
	sctx, done, skip, err := r.startSteps(ctx, s, c)
	if done == nil { // nothing is sent: lint every step, and say why
		r.lintAllSteps(ctx, s, c, res)
		switch {
		case err != nil:
			errored(res, err)
		case skip != "":
			res.Status, res.Reason = Skipped, skip
		case r.dry != nil:
			r.printSteps(ctx, s, c, res)
		}
		return
	}
	defer done()
	captured := map[string]any{}
	stop := ""
	for i := range c.Steps {
		sr := &results.Step{Name: c.Steps[i].Name}
		res.Steps = append(res.Steps, sr)
		if stop == "" && sctx.Err() != nil {
			stop = "run interrupted"
		}
		if stop != "" {
			r.lintStep(sctx, s, c, i, r.expander(c, captured, true), sr)
			sr.Status, sr.Reason = Skipped, stop
			continue
		}
		if !r.sendStep(sctx, s, c, i, captured, sr) {
			stop = fmt.Sprintf("step %q did not finish", sr.Name)
		}
	}
}

// startSteps readies the steps to be sent, in the case's session of the
// target; done is nil when they are not sent (lint only, a dry run, an
// interrupted run, a step a live target must not get) and skip or err
// says why.
func (r *Runner) startSteps(ctx context.Context, s *spec.Spec, c *casefile.Case) (_ context.Context, done func(), skip string, _ error) {
	switch {
	case r.opts.LintOnly || r.dry != nil:
		return ctx, nil, "", nil
	case ctx.Err() != nil:
		return ctx, nil, "run interrupted", nil
	}
	for _, sent := range c.Requests() {
		if skip, err := r.guard(c, sent.Request, sent.Field); err != nil || skip != "" {
			return ctx, nil, fmt.Sprintf("step %q %s", sent.Step.Name, skip), err
		}
	}
	return r.mockSession(ctx, s, c)
}

// sendStep lints, sends and checks one step, and captures what it names.
// It reports false when the case cannot go on: the step got no answer or
// captured nothing.
func (r *Runner) sendStep(ctx context.Context, s *spec.Spec, c *casefile.Case, i int, captured map[string]any, sr *results.Step) bool {
	st := &c.Steps[i]
	x := r.expander(c, captured, false)
	p, m := r.lintStep(ctx, s, c, i, x, sr)
	if p == nil {
		return false
	}
	want, err := expandExpect(x, &st.Expect, fmt.Sprintf("steps[%d].expect.", i))
	if err != nil {
		sr.Status, sr.Reason = Errored, err.Error()
		return false
	}
	ex, err := r.sender.Send(ctx, s, p.request(c, c.AuthOf(st)))
	sr.Request, sr.Response, sr.Attempts = ex.Request, ex.Response, ex.Attempts
	sr.TraceID, sr.CorrelationID = ex.TraceID, ex.CorrelationID
	if err != nil {
		sr.Status, sr.Reason = Errored, err.Error()
		return false
	}
	a := newAnswer(ex.Response)
	sr.Differences = append(sr.Differences, responseDifferences(want, a)...)
	sr.Conformance = r.conformance(m, p.method, a, r.conformancePolicy(&st.Expect))
	sr.Differences = append(sr.Differences, conformanceDifferences(sr.Conformance)...)
	ok := capture(st, a, captured, sr)
	sr.Status = Passed
	if len(sr.Differences) > 0 {
		sr.Status = Failed
	}
	return ok
}

// expander fills a step's variables: what the steps before it captured,
// --var values, the environment. Names still to be captured are stand-ins
// (placeholders) or, in a dry run, left for the shell.
func (r *Runner) expander(c *casefile.Case, captured map[string]any, placeholders bool) *expander {
	pending := map[string]bool{}
	for _, st := range c.Steps {
		for name := range st.Capture {
			if _, ok := captured[name]; !ok {
				pending[name] = true
			}
		}
	}
	return &expander{vars: r.opts.Vars, c: c, captured: captured, pending: pending, placeholders: placeholders}
}

// expandExpect fills ${NAME} in a step's expected body and headers, so a
// step can expect what an earlier one captured (id: "${CAMPAIGN_ID}").
func expandExpect(x *expander, e *casefile.Expect, field string) (*casefile.Expect, error) {
	out := *e
	if e.Body != nil {
		out.Body = &casefile.Value{V: x.expandAny(field+"body", place{}, e.Body.V), Pos: e.Body.Pos}
	}
	if e.Headers != nil {
		out.Headers = make(map[string]string, len(e.Headers))
		for k, v := range e.Headers {
			out.Headers[k] = x.expand(field+"headers."+k, place{}, v)
		}
	}
	return &out, x.err
}

// lintStep prepares step i and lints it as `casebook lint` does; the
// findings about stand-ins are left out. It returns the request and the
// operation it resolved to; nil when the step cannot be built (a variable
// without a value).
func (r *Runner) lintStep(ctx context.Context, s *spec.Spec, c *casefile.Case, i int, x *expander, sr *results.Step) (*prepared, *spec.Match) {
	st := &c.Steps[i]
	p, err := prepareRequest(x, &st.Request, fmt.Sprintf("steps[%d].request.", i))
	if err != nil {
		sr.Status, sr.Reason = Errored, err.Error()
		return nil, nil
	}
	lr := lint.Check(ctx, s, p.lintRequest(), lintOptions(c.AuthOf(st)))
	r.specs.use(c.SpecPath, lr.Match)
	for _, f := range lr.Findings {
		if !x.standIn(f) {
			sr.Findings = append(sr.Findings, f)
		}
	}
	if lr.Match != nil {
		sr.Operation = lr.Match.Operation.String()
	}
	sr.Differences = lintDifferences(st.Expect.Lint, sr.Findings)
	return p, lr.Match
}

// lintAllSteps lints every step with stand-ins for the values they would
// capture: what a run that sends nothing can check.
func (r *Runner) lintAllSteps(ctx context.Context, s *spec.Spec, c *casefile.Case, res *Result) {
	res.Steps = res.Steps[:0]
	for i := range c.Steps {
		sr := &results.Step{Name: c.Steps[i].Name}
		res.Steps = append(res.Steps, sr)
		if p, _ := r.lintStep(ctx, s, c, i, r.expander(c, nil, true), sr); p != nil {
			sr.Status = Passed
			if len(sr.Differences) > 0 {
				sr.Status = Failed
			}
		}
	}
}

// capture reads the values a step names from its answer. A value that is
// not there is a difference, and the case stops: the steps after it need it.
func capture(st *casefile.Step, a *answer, captured map[string]any, sr *results.Step) bool {
	ok := true
	for _, name := range slices.Sorted(maps.Keys(st.Capture)) {
		from := st.Capture[name]
		var body any
		if from.Pointer != "" {
			body, _ = a.json()
		}
		v, found := from.Read(a.Header, body)
		if !found {
			sr.Differences = append(sr.Differences, diff.Difference{Part: diff.Capture, Pointer: from.String(),
				Want: "a value for ${" + name + "}", Missing: true})
			ok = false
			continue
		}
		if sr.Captured == nil {
			sr.Captured = map[string]string{}
		}
		captured[name], sr.Captured[name] = v, captureText(v)
		if secret.Name(name) || secret.Name(from.Header) {
			sr.Captured[name] = secret.Redacted
		}
	}
	return ok
}

// summarizeSteps gives a multi-step case its verdict from its steps:
// errored when a step errored, failed when a step differs from its
// expectation, passed otherwise. The case's differences are its steps',
// each naming its step; its request and answer are the last step's sent.
func summarizeSteps(res *Result) {
	res.Differences, res.Attempts = nil, 0
	failed := false
	for _, sr := range res.Steps {
		for i := range sr.Differences {
			sr.Differences[i].Step = sr.Name
		}
		res.Differences = append(res.Differences, sr.Differences...)
		res.Attempts += sr.Attempts
		failed = failed || len(sr.Differences) > 0
		if sr.Request != nil {
			res.Request, res.Response = sr.Request, sr.Response
			res.TraceID, res.CorrelationID = sr.TraceID, sr.CorrelationID
		}
		if sr.Status == Errored && res.Status == "" {
			res.Status, res.Reason = Errored, fmt.Sprintf("step %q: %s", sr.Name, sr.Reason)
		}
	}
	switch {
	case res.Status != "":
	case failed:
		res.Status = Failed
	default:
		res.Status = Passed
	}
}
