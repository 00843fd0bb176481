package runner_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/runner"
)

// The benchmarks here time what `casebook run` does, from casebook.yaml to
// results: config, case files, specs, lint, the built-in mock (started
// once per benchmark iteration, as each CLI run starts it) and compare.
// Each checks that every case passed once before it is timed.

// BenchmarkRunShipped runs the shipped cases (17) against the built-in mock.
func BenchmarkRunShipped(b *testing.B) {
	benchRun(b, "..", runner.Options{}, 0)
}

// BenchmarkRun1000Cases runs 1,000 cases (the shipped ones copied under
// distinct names) against the built-in mock; target: under 1 s per op.
func BenchmarkRun1000Cases(b *testing.B) {
	benchRun(b, thousandCases(b), runner.Options{}, 1000)
}

// BenchmarkRunEach1000Cases runs the same 1,000 cases the way casebook run
// does when its reports stream: loaded slim (each case packed into a
// temporary file), each unpacked when a worker starts it, each result
// handed on in case order and let go. Its ratio to BenchmarkRun1000Cases
// is the price of holding neither cases nor results (pack and unpack).
func BenchmarkRunEach1000Cases(b *testing.B) {
	dir := thousandCases(b)
	run := func() results.Summary {
		cfg, err := runner.FindConfig(dir)
		if err != nil {
			b.Fatal(err)
		}
		_, cases, err := runner.LoadSlim(cfg.File, nil)
		if err != nil || len(cases) != 1000 {
			b.Fatalf("LoadSlim = %d cases, %v; want 1000", len(cases), err)
		}
		r := runner.New(runner.Options{})
		defer r.Close()
		if err := r.LoadSpecs(cases); err != nil {
			b.Fatal(err)
		}
		var s results.Summary
		r.RunSlim(context.Background(), cases, func(res *runner.Result) { s.Add(res) })
		if s.Passed != 1000 {
			b.Fatalf("RunEach = %+v, want all 1000 cases passed", s)
		}
		return s
	}
	loopRuns(b, run)
}

// BenchmarkLint1000Cases lints the same 1,000 cases, sending nothing
// (`casebook lint`); target: at least 5,000 cases/s including the load.
func BenchmarkLint1000Cases(b *testing.B) {
	benchRun(b, thousandCases(b), runner.Options{LintOnly: true}, 1000)
}

// BenchmarkLintCase lints one loaded case (the per-case cost of lint,
// spec already loaded): the runner's lint step alone.
func BenchmarkLintCase(b *testing.B) {
	cfg, cases := loadAll(b, "..")
	r := runner.New(runner.Options{LintOnly: true, Vars: cfg.RunVars(nil)}) // casebook.yaml's vars, as the CLI passes them
	defer r.Close()
	if err := r.LoadSpecs(cases); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range cases {
		if res := r.RunCase(ctx, c); res.Status != runner.Passed {
			b.Fatalf("lint of %s = %s %s %v, want passed", c.Name, res.Status, res.Reason, res.Differences)
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r.RunCase(ctx, cases[i%len(cases)])
		i++
	}
}

// BenchmarkRunCase replays one case (the personal-connection correct call)
// against an already started built-in mock: token from cache, send, compare.
func BenchmarkRunCase(b *testing.B) {
	_, cases := loadAll(b, "..")
	var c *casefile.Case
	for _, cc := range cases {
		if cc.Name == "pc-correct-call" {
			c = cc
		}
	}
	if c == nil {
		b.Fatal("no case pc-correct-call among the shipped cases")
	}
	r := runner.New(runner.Options{})
	defer r.Close()
	ctx := context.Background()
	if res := r.RunCase(ctx, c); res.Status != runner.Passed || res.Response == nil || res.Response.Status != 202 {
		b.Fatalf("RunCase(pc-correct-call) = %s %s %v, want passed with 202", res.Status, res.Reason, res.Differences)
	}
	b.ReportAllocs()
	for b.Loop() {
		r.RunCase(ctx, c)
	}
}

func loadAll(b *testing.B, dir string) (*runner.Config, []*casefile.Case) {
	b.Helper()
	cfg, err := runner.FindConfig(dir)
	if err != nil {
		b.Fatal(err)
	}
	cases, err := runner.LoadCases(cfg, cfg.DefaultPaths())
	if err != nil {
		b.Fatal(err)
	}
	return cfg, cases
}

// benchRun is one CLI run per iteration. want is the number of cases
// expected (0: whatever the config holds).
func benchRun(b *testing.B, dir string, opts runner.Options, want int) {
	b.Helper()
	run := func() runner.Summary {
		cfg, cases := loadAll(b, dir)
		if want > 0 && len(cases) != want {
			b.Fatalf("loaded %d cases, want %d", len(cases), want)
		}
		opts.Vars = cfg.RunVars(nil) // casebook.yaml's vars, as the CLI passes them
		r := runner.New(opts)
		defer r.Close()
		if err := r.LoadSpecs(cases); err != nil {
			b.Fatal(err)
		}
		s := results.Summarize(r.Run(context.Background(), cases))
		if s.Failed+s.Errored > 0 || s.Passed != len(cases) {
			b.Fatalf("run = %+v, want all %d cases passed", s, len(cases))
		}
		return s
	}
	loopRuns(b, run)
}

// loopRuns times run (once first, untimed: it checks), and reports cases/s.
func loopRuns(b *testing.B, run func() results.Summary) {
	b.Helper()
	run()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n += run().Passed
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "cases/s")
}

var caseName = regexp.MustCompile(`(?m)^(name|fixedBy): *(\S+)`)

// thousandCases writes 1,000 case files into a temp dir: the shipped cases,
// copy after copy, each copy's names suffixed so that every name is
// distinct (and fixedBy still names a case of the same copy), with a
// casebook.yaml mapping the folders to the shipped specs. A case that
// waits by design (an event expected absent listens for its whole window,
// 500 ms in gc-channel-not-resubscribed) is left out, as bench/scale.sh
// leaves it out: 43 copies of it made the run 3.4 s of waiting.
func thousandCases(b *testing.B) string {
	b.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	suites := []struct{ cases, spec string }{
		{"personal-connection", "specs/personal-connection.yaml"},
		{"genesys-cloud", "specs/genesys-cloud/openapi.yaml"},
	}
	type src struct {
		suite, file string
		data        []byte
	}
	var srcs []src
	config := "suites:\n"
	for _, s := range suites {
		files, err := filepath.Glob(filepath.Join(root, "cases", s.cases, "*.yaml"))
		if err != nil || len(files) == 0 {
			b.Fatalf("no shipped cases in cases/%s: %v", s.cases, err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			if bytes.Contains(data, []byte("absent: true")) {
				continue
			}
			srcs = append(srcs, src{s.cases, filepath.Base(f), data})
		}
		config += fmt.Sprintf("  - {cases: %s, spec: %s}\n", s.cases, filepath.Join(root, s.spec))
		if err := os.Mkdir(filepath.Join(dir, s.cases), 0o755); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 1000 {
		s := srcs[i%len(srcs)]
		copyN := i / len(srcs)
		data := caseName.ReplaceAll(s.data, fmt.Appendf(nil, "${1}: ${2}-%04d", copyN))
		name := fmt.Sprintf("%04d-%s", copyN, s.file)
		if err := os.WriteFile(filepath.Join(dir, s.suite, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, runner.ConfigFile), []byte(config), 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}
