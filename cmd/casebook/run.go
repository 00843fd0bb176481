package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/casebook-dev/casebook/internal/cli"
	"github.com/casebook-dev/casebook/internal/coverage"
	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/internal/strictyaml"
	"github.com/casebook-dev/casebook/reports"
	"github.com/casebook-dev/casebook/runner"
)

func cmdRun(args []string, stdout, stderr io.Writer) int {
	fs := cli.NewFlagSet("run", "[flags] [case files or folders]", help("run"))
	inv := &invocation{stdout: stdout, stderr: stderr}
	fs.StringVar(&inv.target, "target", "mock", "where requests go: mock (built-in), a base URL, a profile of casebook.yaml, or a,b to compare two")
	fs.BoolVar(&inv.coverage, "coverage", false, "report which operations, declared statuses and auth outcomes the answers exercised")
	fs.Func("min-coverage", "exit 1 when coverage (operations, statuses and auth outcomes together) is below this percentage, e.g. 80", cli.Percent(&inv.minCoverage))
	inv.register(fs.FlagSet)
	inv.live = &liveFlags{}
	inv.live.register(fs.FlagSet)
	if ok, code := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	inv.paths = fs.Args()
	return inv.execute()
}

func cmdLint(args []string, stdout, stderr io.Writer) int {
	fs := cli.NewFlagSet("lint", "[flags] [case files or folders]", help("lint"))
	inv := &invocation{stdout: stdout, stderr: stderr, lintOnly: true}
	inv.register(fs.FlagSet)
	if ok, code := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	inv.common.verbose = true // the findings are the point of lint
	inv.paths = fs.Args()
	return inv.execute()
}

// commonFlags are shared by run, lint and drift.
type commonFlags struct {
	config  string
	verbose bool
	vars    map[string]string
	specs   spec.LoadOptions
}

func registerCommon(fs *flag.FlagSet) *commonFlags {
	c := &commonFlags{vars: map[string]string{}}
	fs.StringVar(&c.config, "config", "", "project config file (default: casebook.yaml in this folder or above)")
	fs.BoolVar(&c.verbose, "v", false, "show passing cases in full")
	fs.Func("var", "set a ${NAME} variable used in cases, as NAME=value (repeatable)", cli.KeyValue(c.vars))
	registerRefFlags(fs, &c.specs)
	return c
}

// options are the runner's options the common flags set.
func (c *commonFlags) options(cfg *runner.Config) runner.Options {
	return runner.Options{Vars: cfg.RunVars(c.vars), Conformance: cfg.Conformance, Specs: c.specs}
}

// invocation is one run or lint: its flags, then execute.
type invocation struct {
	paths    []string
	target   string
	lintOnly bool
	// coverage and minCoverage (0: no gate) are casebook run's.
	coverage    bool
	minCoverage float64
	common      *commonFlags
	report      reports.Outputs
	sel         runner.Selection
	live        *liveFlags // nil for lint
	stdout      io.Writer
	stderr      io.Writer
}

func (inv *invocation) register(fs *flag.FlagSet) {
	inv.common = registerCommon(fs)
	registerOutputs(fs, &inv.report)
	registerSelection(fs, &inv.sel)
}

// execute runs lint, run and drift: load and select the cases, load their
// specs, then lint, replay against one target, or compare two.
func (inv *invocation) execute() int {
	if inv.live != nil {
		if err := inv.live.check(); err != nil {
			return fail(inv.stderr, err)
		}
	}
	// Against one target every report streams (reports.Stream): the run
	// holds slim cases (runner.LoadSlim), not every case and result.
	drift := inv.live != nil && strings.Contains(inv.target, ",")
	if batchGC {
		cli.TuneGCForBatch()
	}
	load := runner.LoadSlim
	if drift {
		load = runner.Load
	}
	cfg, loaded, err := load(inv.common.config, inv.paths)
	var cases []*runner.Case
	if err == nil {
		cases, err = runner.Select(loaded, inv.sel)
	}
	if err != nil {
		return fail(inv.stderr, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if drift {
		if inv.wantsCoverage() {
			return fail(inv.stderr, &runner.UsageError{Msg: "--coverage counts one target's answers; it does not go with --target a,b"})
		}
		return inv.drift(ctx, cfg, cases)
	}
	opts, closeTarget, err := inv.options(cfg, len(cases))
	if err != nil {
		return fail(inv.stderr, err)
	}
	defer closeTarget()
	r := runner.New(opts)
	defer r.Close()
	if err := r.LoadSpecs(cases); err != nil {
		return fail(inv.stderr, err)
	}
	if err := inv.report.CheckFiles(r.InputFiles(cfg, loaded, inv.live.inputFiles()...)); err != nil {
		return fail(inv.stderr, err)
	}
	// After the cases: the warnings are of the operations they touched.
	defer func() { reports.SpecWarnings(inv.stderr, r.SpecProblems()) }()
	return inv.stream(ctx, r, cases)
}

// stream runs the slim cases, each unpacked as a worker starts it, and
// hands each result to the reports (and the coverage tally) as it comes:
// a run holds what is in flight, not every case and result. When the
// reports cannot spool (no temporary folder), the results are held.
func (inv *invocation) stream(ctx context.Context, r *runner.Runner, cases []*runner.Case) int {
	out, ropts := inv.reportOptions(nil)
	st, err := inv.report.Stream(out, ropts)
	var held []*runner.Result
	add := func(res *runner.Result) { held = append(held, res) }
	if err == nil {
		add = st.Add
	}
	var tally *coverage.Tally
	if inv.wantsCoverage() {
		tally = &coverage.Tally{}
		add = tally.Counting(add)
	}
	r.RunSlim(ctx, cases, add)
	var cov *runner.Coverage
	if tally != nil {
		cov = r.CoverageOf(tally)
	}
	if st == nil {
		return inv.finish(held, cov)
	}
	st.SetCoverage(cov)
	sum, err := st.Close()
	return inv.exitCode(sum, err, cov)
}

// wantsCoverage: --coverage or --min-coverage.
func (inv *invocation) wantsCoverage() bool { return inv.coverage || inv.minCoverage > 0 }

// reportOptions are where the report goes and how it is rendered. With
// --dry-run the curl commands own stdout, so the report goes to stderr.
func (inv *invocation) reportOptions(cov *runner.Coverage) (io.Writer, reports.Options) {
	out := inv.stdout
	if inv.live != nil && inv.live.dryRun {
		out = inv.stderr
	}
	return out, reports.Options{Color: cli.UseColor(out, os.Getenv), Verbose: inv.common.verbose, Version: runner.BuildVersion(), Coverage: cov}
}

// options builds the runner's options: variables, the target, live safety
// flags and progress on a terminal.
func (inv *invocation) options(cfg *runner.Config, total int) (runner.Options, func(), error) {
	opts := inv.common.options(cfg)
	opts.LintOnly = inv.lintOnly
	closeTarget := func() {}
	if !inv.lintOnly {
		t, err := cfg.Target(inv.target, inv.live.targetOptions())
		if err != nil {
			return opts, closeTarget, err
		}
		closeTarget = func() { t.Close() }
		opts.Target = t
		inv.live.apply(&opts, inv.stdout)
	}
	if cli.IsTerminal(inv.stderr) && total > 0 { // a progress line; none in CI logs
		opts.OnResult = reports.Progress(inv.stderr, total, time.Now)
	}
	return opts, closeTarget, nil
}

// finish writes the reports and picks the exit code.
func (inv *invocation) finish(rs []*runner.Result, cov *runner.Coverage) int {
	out, ropts := inv.reportOptions(cov)
	return inv.exitCode(results.Summarize(rs), inv.report.Write(rs, out, ropts), cov)
}

// exitCode is exitReport when the reports could not be written, else
// exitFailed for a failed case or coverage below --min-coverage.
func (inv *invocation) exitCode(sum results.Summary, reportErr error, cov *runner.Coverage) int {
	if reportErr != nil {
		fmt.Fprintf(inv.stderr, "casebook: the cases ran, but writing the report failed: %v\n", reportErr)
		return exitReport
	}
	code := exitOK
	if !sum.OK() {
		code = exitFailed
	}
	return inv.coverageGate(cov, code)
}

// coverageGate is code, or exitFailed when the coverage is below --min-coverage.
func (inv *invocation) coverageGate(cov *runner.Coverage, code int) int {
	if cov != nil && inv.minCoverage > 0 {
		if total := cov.Counts().Total(); total.Below(inv.minCoverage) {
			fmt.Fprintf(inv.stderr, "casebook: coverage %.1f%% is below --min-coverage %g%%\n", total.Percent(), inv.minCoverage)
			code = exitFailed
		}
	}
	return code
}

// fail prints err (see printLoadError) and returns exitUsage: what went
// wrong is the configuration, a case or a spec, and nothing was run.
func fail(stderr io.Writer, err error) int {
	printLoadError(stderr, err)
	return exitUsage
}

// printLoadError prints each problem of a case file or casebook.yaml on
// its own line, file:line:col first, then how many and where.
func printLoadError(w io.Writer, err error) {
	list, ok := strictyaml.Problems(err)
	if !ok {
		fmt.Fprintf(w, "casebook: %v\n", err)
		return
	}
	for _, e := range list {
		fmt.Fprintln(w, e)
	}
	fmt.Fprintf(w, "casebook: %s\n", list.Summary())
}
