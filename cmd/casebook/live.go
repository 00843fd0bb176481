package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/casebook-dev/casebook/internal/cli"
	"github.com/casebook-dev/casebook/reports"
	"github.com/casebook-dev/casebook/runner"
)

// liveFlags are the flags of a run that may reach a live API. --var and
// --config are the common flags' (registerCommon).
type liveFlags struct {
	allowSideEffects bool
	dryRun           bool
	allowHTTP        bool
	rate             float64
	timeout          time.Duration
	retries          int
	secrets          string
}

func (f *liveFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.allowSideEffects, "allow-side-effects", false,
		"send every case to a live target, also those that may change something (a POST can place a real call)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print each request as curl (credentials as $VARIABLES) and send nothing")
	fs.BoolVar(&f.allowHTTP, "allow-http", false, "allow plain http to a live target (a stand-in on loopback)")
	fs.Float64Var(&f.rate, "rate", 0, "send at most this many requests per second, retries included (0: no limit)")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "give up on one attempt of a request after this long")
	fs.IntVar(&f.retries, "retries", 2, "retry 429, 502, 503, 504 and lost connections this many times (idempotent methods, or retry: true)")
	fs.StringVar(&f.secrets, "secrets", "", "a KEY=VALUE file of credentials' variables (default: secretsFile in casebook.yaml)")
}

// check rejects values no run can use.
func (f *liveFlags) check() error {
	switch {
	case f.rate < 0:
		return fmt.Errorf("--rate: want 0 or more requests per second, got %v", f.rate)
	case f.timeout <= 0:
		return fmt.Errorf("--timeout: want a positive duration such as 10s, got %v", f.timeout)
	case f.retries < 0:
		return fmt.Errorf("--retries: want 0 or more, got %d", f.retries)
	}
	return nil
}

// apply sets the runner options the flags control. A dry run writes its
// curl commands to dryOut, one case at a time so they come in case order.
func (f *liveFlags) apply(opts *runner.Options, dryOut io.Writer) {
	opts.AllowSideEffects = f.allowSideEffects
	opts.RateLimit = f.rate
	opts.Timeout = f.timeout
	opts.Retry = runner.RetryPolicy{Retries: f.retries}
	if f.dryRun {
		opts.DryRun = dryOut
		opts.Concurrency = 1
	}
}

// inputFiles are the files the flags name for the run to read (--secrets);
// none for lint, which has no live flags.
func (f *liveFlags) inputFiles() []string {
	if f == nil {
		return nil
	}
	return []string{f.secrets}
}

func (f *liveFlags) targetOptions() runner.TargetOptions {
	return runner.TargetOptions{AllowHTTP: f.allowHTTP, SecretsFile: f.secrets}
}

// cmdDrift is "casebook drift --target a,b [paths]": run with two targets.
func cmdDrift(args []string, stdout, stderr io.Writer) int {
	fs := cli.NewFlagSet("drift", "--target a,b [flags] [case files or folders]", help("drift"))
	inv := &invocation{stdout: stdout, stderr: stderr, live: &liveFlags{}}
	fs.StringVar(&inv.target, "target", "mock,live", "the two targets to compare: mock, a base URL or a profile of casebook.yaml")
	inv.common = registerCommon(fs.FlagSet)
	registerSelection(fs.FlagSet, &inv.sel)
	inv.live.register(fs.FlagSet)
	if ok, code := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	if !strings.Contains(inv.target, ",") {
		usageError(stderr, fs, fmt.Errorf("--target %s: want two targets to compare, such as mock,live", inv.target))
		return exitUsage
	}
	inv.paths = fs.Args()
	return inv.execute()
}

// drift compares two targets on the cases: casebook drift, and casebook
// run when --target is a comma list. Exit 1 when an answer drifted.
func (inv *invocation) drift(ctx context.Context, cfg *runner.Config, cases []*runner.Case) int {
	if inv.live.dryRun {
		return fail(inv.stderr, &runner.UsageError{Msg: "--dry-run cannot compare two targets: they must be sent to; casebook run --dry-run shows the requests"})
	}
	if err := runner.New(runner.Options{LintOnly: true, Specs: inv.common.specs}).LoadSpecs(cases); err != nil {
		return fail(inv.stderr, err)
	}
	a, b, err := cfg.TargetPair(inv.target, inv.live.targetOptions())
	if err != nil {
		return fail(inv.stderr, err)
	}
	defer a.Close()
	defer b.Close()
	opts := inv.common.options(cfg)
	inv.live.apply(&opts, nil)
	if reports.DriftText(inv.stdout, a.Name(), b.Name(), runner.Drift(ctx, cases, a, b, opts), inv.common.verbose) {
		return exitFailed
	}
	return exitOK
}
