package runner_test

import (
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/generate"
	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/internal/target"
	"github.com/casebook-dev/casebook/runner"
)

// The built-in target reaches its mocks in memory, notification channels
// included; every result must be the one loopback TCP gives: the shipped
// cases (channels, events, faults, steps, every vendor) and generated cases with every negative, run both
// ways, match field for field but for what differs from run to run by
// design (durations, trace ids, the Date header).
func TestMockInMemoryParity(t *testing.T) {
	cfg, shipped, err := runner.Load("../casebook.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("shipped", func(t *testing.T) {
		memory := compareTargets(t, runner.Options{Vars: cfg.RunVars(nil), Conformance: cfg.Conformance}, shipped)
		events := 0
		for _, r := range memory {
			if r.Channel != nil {
				events += len(r.Events)
			}
		}
		if events == 0 {
			t.Errorf("no event arrived on a channel: the comparison does not cover the channels")
		}
	})
	for _, specPath := range []string{"../mockserver/testdata/basic-form.yaml", "../mockserver/testdata/pets.yaml", "../mockserver/testdata/error-shapes.yaml"} {
		t.Run(filepath.Base(specPath), func(t *testing.T) {
			compareTargets(t, runner.Options{}, generatedCases(t, specPath))
		})
	}
}

// generatedCases are `casebook generate --negative`'s cases for specPath.
func generatedCases(t *testing.T, specPath string) []*casefile.Case {
	t.Helper()
	s, err := spec.Load(specPath)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	files, _, err := generate.Suite(context.Background(), s, generate.Options{SpecPath: specPath, Out: out, Negative: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := generate.Write(out, files); err != nil {
		t.Fatal(err)
	}
	cases, err := runner.LoadCases(&runner.Config{}, []string{out}) // each case names its spec
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 5 {
		t.Fatalf("generate wrote %d cases for %s, want a valid one and negatives", len(cases), specPath)
	}
	return cases
}

// compareTargets runs cases against the built-in mock in memory and over
// loopback TCP, compares the results, and returns those in memory.
func compareTargets(t *testing.T, opts runner.Options, cases []*casefile.Case) []*runner.Result {
	t.Helper()
	run := func(tg *target.MockTarget) []*runner.Result {
		defer tg.Close()
		o := opts
		o.Target = tg
		r := runner.New(o)
		defer r.Close()
		if err := r.LoadSpecs(cases); err != nil {
			t.Fatal(err)
		}
		return r.Run(context.Background(), cases)
	}
	memory, loopback := run(target.NewMockTarget()), run(target.NewLoopbackMockTarget())
	passed := 0
	for i := range cases {
		if memory[i].Status == runner.Passed {
			passed++
		}
		if diff := cmp.Diff(loopback[i], memory[i], resultsAlike...); diff != "" {
			t.Errorf("case %s (-loopback +in memory):\n%s", cases[i].Name, diff)
		}
	}
	if passed == 0 {
		t.Errorf("no case passed: the comparison compares failures only")
	}
	return memory
}

// resultsAlike compares results but for what changes from one run to the
// next whatever the transport.
var resultsAlike = []cmp.Option{
	cmpopts.IgnoreFields(results.Result{}, "Duration", "TraceID"),
	cmpopts.IgnoreFields(results.Step{}, "TraceID"),
	cmpopts.IgnoreFields(results.Event{}, "After"),
	cmp.Transformer("header", func(h http.Header) http.Header {
		out := make(http.Header, len(h))
		for k, v := range h {
			switch k {
			case "Date", "Traceparent":
			default:
				out[k] = v
			}
		}
		return out
	}),
	cmp.Transformer("text", func(s string) string { return string(unrandom([]byte(s))) }),
	cmp.Transformer("bytes", unrandom),
	cmp.AllowUnexported(casefile.Case{}),
}

var (
	mockPort = regexp.MustCompile(`127\.0\.0\.1:[0-9]+`)
	uuid     = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	channel  = regexp.MustCompile(`streaming-[0-9]+-[0-9a-z]+`)
	token    = regexp.MustCompile(`"access_token":"[^"]+"`)
)

// unrandom blanks what differs between two mocks by design: the port each
// listens on, the UUIDs, channel ids and tokens each makes up.
func unrandom(b []byte) []byte {
	b = mockPort.ReplaceAll(b, []byte("127.0.0.1:PORT"))
	b = uuid.ReplaceAll(b, []byte("UUID"))
	b = channel.ReplaceAll(b, []byte("streaming-CHANNEL"))
	return token.ReplaceAll(b, []byte(`"access_token":"TOKEN"`))
}
