package runner

import (
	"context"
	"strings"
	"testing"
)

// T is the part of *testing.T the runner needs, so that RunT works inside
// and outside go test (testscript's pattern).
type T interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
	Logf(format string, args ...any)
	Run(name string, f func(T)) bool
}

type tshim struct{ *testing.T }

func (t tshim) Run(name string, f func(T)) bool {
	return t.T.Run(name, func(t *testing.T) { f(tshim{t}) })
}

// TestOptions say what Run and RunT run.
type TestOptions struct {
	Options
	// Paths are case files or folders; empty runs the config's suites.
	Paths []string
	// Dir is where casebook.yaml is looked up from ("" = the working
	// directory). Its vars fill ${NAME} after Options.Vars and the environment.
	Dir string
}

// Run runs cases as subtests of t, one per case, each failing with the
// differences between what it expected and what came back.
func Run(t *testing.T, opts TestOptions) {
	t.Helper()
	RunT(tshim{t}, opts)
}

// RunT is Run over the T interface.
func RunT(t T, opts TestOptions) {
	t.Helper()
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	cfg, err := FindConfig(dir)
	if err != nil {
		t.Fatalf("%v", err)
	}
	paths := opts.Paths
	if len(paths) == 0 {
		paths = cfg.DefaultPaths()
	}
	cases, err := LoadCases(cfg, paths)
	if err != nil {
		t.Fatalf("%v", err)
	}
	o := opts.Options
	o.Vars = cfg.RunVars(o.Vars) // casebook.yaml's vars: fills ${NAME} as the CLI does
	if o.Conformance == "" {
		o.Conformance = cfg.Conformance // and its conformance: setting
	}
	r := New(o)
	defer r.Close()
	if err := r.LoadSpecs(cases); err != nil {
		t.Fatalf("%v", err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t T) {
			res := r.RunCase(context.Background(), c)
			switch res.Status {
			case Skipped:
				t.Skipf("%s", res.Reason)
			case Errored:
				t.Errorf("%s: %s", c.Pos, res.Reason)
			case Failed:
				t.Errorf("%s: case %s differs (-want +got):\n%s", c.Pos, c.Name, describe(res))
			}
		})
	}
}

func describe(res *Result) string {
	var b strings.Builder
	for _, d := range res.Differences {
		b.WriteString("  " + d.String() + "\n")
	}
	if res.Response != nil {
		b.WriteString("  answer body: " + truncate(string(res.Response.Body), 500) + "\n")
	}
	return b.String()
}
