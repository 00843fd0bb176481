package runner

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/internal/target"
	"github.com/casebook-dev/casebook/mockserver"
)

// standIn answers {"id": 5} on /things/..., where the contract wants a
// string id and a name, and 418 on /teapot, which declares only 200.
func standIn(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/teapot" {
			w.WriteHeader(http.StatusTeapot)
			_, _ = w.Write([]byte(`{"id": "pot", "name": "teapot"}`))
			return
		}
		_, _ = w.Write([]byte(`{"id": 5}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func runStandIn(t *testing.T, opts Options) map[string]*Result {
	t.Helper()
	cfg, err := FindConfig("testdata/standin")
	require.NoError(t, err)
	cases, err := LoadCases(cfg, cfg.DefaultPaths())
	require.NoError(t, err)
	tgt, err := target.NewURLTarget(standIn(t).URL)
	require.NoError(t, err)
	opts.Target = tgt
	r := New(opts)
	defer r.Close()
	out := map[string]*Result{}
	for _, res := range r.Run(context.Background(), cases) {
		out[res.Case.Name] = res
	}
	return out
}

func partsOf(ds []diff.Difference) []string {
	var out []string
	for _, d := range ds {
		out = append(out, string(d.Part)+" "+d.Pointer)
	}
	return out
}

func TestConformanceFailsTheCase(t *testing.T) {
	rs := runStandIn(t, Options{})

	thing := rs["thing-breaks-contract"]
	assert.Equal(t, Failed, thing.Status)
	// The body matches what the case expects ({id: 5}); the contract does not.
	assert.Equal(t, []string{"conformance /id", "conformance /name"}, partsOf(thing.Differences))
	var rules []string
	for _, f := range thing.Conformance {
		rules = append(rules, string(f.Severity)+" "+f.Pointer+" "+f.Rule)
	}
	assert.Equal(t, []string{"error /id type", "error /name required"}, rules)

	// The case expects the 418 it gets, but the spec does not declare it.
	teapot := rs["teapot-undeclared"]
	assert.Equal(t, Failed, teapot.Status)
	if assert.Len(t, teapot.Conformance, 1) {
		f := teapot.Conformance[0]
		assert.Equal(t, finding.InStatus, f.Location)
		assert.Equal(t, finding.RuleStatus, f.Rule)
		assert.Equal(t, []string{"200"}, f.Allowed)
	}
	assert.Equal(t, []string{"conformance "}, partsOf(teapot.Differences))
}

func TestConformanceWarn(t *testing.T) {
	rs := runStandIn(t, Options{})
	drift := rs["thing-known-drift"]
	assert.Equal(t, Passed, drift.Status, "expect.conformance: warn lets the case pass: %v", drift.Differences)
	require.Len(t, drift.Conformance, 2)
	for _, f := range drift.Conformance {
		assert.Equal(t, finding.Warning, f.Severity, f.String())
	}

	// The run's setting (casebook.yaml conformance: warn) does the same for
	// every case that does not say.
	for name, res := range runStandIn(t, Options{Conformance: "warn"}) {
		assert.Equal(t, Passed, res.Status, "%s: %v", name, res.Differences)
		assert.NotEmpty(t, res.Conformance, "%s: the breaks are still reported", name)
	}
}

// TestDriftSaysWhichSideBreaksTheContract: the stand-in's {"id": 5} and
// 418 against a server that keeps the contract.
func TestDriftSaysWhichSideBreaksTheContract(t *testing.T) {
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id": "t1", "name": "widget"}`))
	}))
	t.Cleanup(good.Close)
	cfg, err := FindConfig("testdata/standin")
	require.NoError(t, err)
	cases, err := LoadCases(cfg, cfg.DefaultPaths())
	require.NoError(t, err)
	a, err := target.NewURLTarget(standIn(t).URL)
	require.NoError(t, err)
	b, err := target.NewURLTarget(good.URL)
	require.NoError(t, err)

	got := map[string][]string{}
	for _, d := range Drift(context.Background(), cases, a, b, Options{}) {
		for _, dd := range d.Differences {
			side := "neither"
			switch {
			case len(dd.ABreaks) > 0 && len(dd.BBreaks) > 0:
				side = "both"
			case len(dd.ABreaks) > 0:
				side = "a: " + dd.ABreaks[0].Rule
			case len(dd.BBreaks) > 0:
				side = "b: " + dd.BBreaks[0].Rule
			}
			got[d.Case.Name] = append(got[d.Case.Name], dd.Aspect+" "+dd.Pointer+" "+side)
		}
	}
	want := map[string][]string{
		"thing-breaks-contract": {"shape /id a: type", "shape /name a: required"},
		"thing-known-drift":     {"shape /id a: type", "shape /name a: required"},
		"teapot-undeclared":     {"status  a: status"},
	}
	assert.Equal(t, want, got)
}

func TestCoverageCountsAnswers(t *testing.T) {
	cfg, err := FindConfig("testdata/standin")
	require.NoError(t, err)
	cases, err := LoadCases(cfg, cfg.DefaultPaths())
	require.NoError(t, err)
	tgt, err := target.NewURLTarget(standIn(t).URL)
	require.NoError(t, err)
	r := New(Options{Target: tgt})
	defer r.Close()
	cov := r.Coverage(r.Run(context.Background(), cases))

	require.Len(t, cov.Specs, 1)
	sc := cov.Specs[0]
	assert.Equal(t, "testdata/standin/specs/things.yaml", filepath.ToSlash(sc.Path))
	want := []results.OperationCoverage{
		// The stand-in's 418 resolves to no declared response.
		{Operation: "GET /teapot", Answers: 1, Statuses: []results.Outcome{{Name: "200"}}, Undeclared: []int{418}},
		// No security: no auth outcomes to cover.
		{Operation: "GET /things/{id}", Answers: 2, Statuses: []results.Outcome{{Name: "200", Hit: true}}},
	}
	assert.Equal(t, want, sc.Operations)
	assert.Equal(t, results.Count{Covered: 3, Total: 4}, cov.Counts().Total())
}

func TestCoverageAuthOutcomes(t *testing.T) {
	// The shipped Genesys cases against the built-in mock: POST
	// /api/v2/conversations/calls publishes x-inin-requires-permissions, and
	// the cases answer it 401 (no token), 403 (missing permission) and 200.
	cfg, err := FindConfig("..")
	require.NoError(t, err)
	cases, err := LoadCases(cfg, []string{"../cases/genesys-cloud"})
	require.NoError(t, err)
	r := New(Options{})
	defer r.Close()
	cov := r.Coverage(r.Run(context.Background(), cases))
	require.Len(t, cov.Specs, 1)
	var calls *results.OperationCoverage
	for i, oc := range cov.Specs[0].Operations {
		if oc.Operation == "POST /api/v2/conversations/calls" {
			calls = &cov.Specs[0].Operations[i]
		}
	}
	require.NotNil(t, calls)
	assert.Equal(t, []results.Outcome{{Name: "401", Hit: true}, {Name: "403", Hit: true}, {Name: results.AuthSuccess, Hit: true}}, calls.Auth)
	total := cov.Counts().Total()
	assert.True(t, total.Covered > 0 && total.Covered < total.Total, "a partial suite: %+v", total)
}

// TestMockProtocolStatus: a spec that names no status for a mistake (a
// Content-Type POST /notes does not take) gets HTTP's 415 from the mock.
// From casebook's mock, built in or standing alone behind a plain URL,
// that is the spec's silence, a warning (the mock says so in
// lint.SilenceHeader); the same answer from any other server is a
// conformance break, so no live API is let off.
func TestMockProtocolStatus(t *testing.T) {
	cfg, err := FindConfig("testdata/protocol")
	require.NoError(t, err)
	cases, err := LoadCases(cfg, cfg.DefaultPaths())
	require.NoError(t, err)
	run := func(tgt target.Target) *Result {
		r := New(Options{Target: tgt})
		defer r.Close()
		rs := r.Run(context.Background(), cases)
		require.Len(t, rs, 1)
		return rs[0]
	}
	warned := func(res *Result) {
		t.Helper()
		assert.Equal(t, Passed, res.Status, "%v", res.Differences)
		if assert.Len(t, res.Conformance, 1) {
			assert.Equal(t, finding.Warning, res.Conformance[0].Severity)
			assert.Equal(t, finding.RuleStatus, res.Conformance[0].Rule)
		}
	}
	urlOf := func(h http.Handler) target.Target {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		tgt, err := target.NewURLTarget(srv.URL)
		require.NoError(t, err)
		return tgt
	}

	warned(run(target.NewMockTarget()))

	s, err := spec.Load("testdata/protocol/specs/notes.yaml")
	require.NoError(t, err)
	mock, err := mockserver.New(mockserver.Config{Spec: s})
	require.NoError(t, err)
	warned(run(urlOf(mock)))

	// Another server answering the same 415 without the mock's word for it.
	other := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnsupportedMediaType)
		fmt.Fprint(w, `{"message": "unsupported"}`)
	})
	res := run(urlOf(other))
	assert.Equal(t, Failed, res.Status)
	assert.Equal(t, []string{"conformance "}, partsOf(res.Differences))
}
