package runner

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/curl"
	"github.com/casebook-dev/casebook/internal/lint"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/internal/target"
)

// Version is casebook's version, set at build time with
// -ldflags "-X github.com/casebook-dev/casebook/runner.Version=v1.2.3".
var Version = "dev"

// BuildVersion is Version, or when that was not set at build time the
// module version `go install module@version` recorded ("dev" from a
// checkout): what --version prints and the reports carry.
func BuildVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok && Version == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return Version
}

// Options configure a run.
type Options struct {
	// Target receives the requests; nil starts the built-in mock.
	Target Target
	// LintOnly checks cases against their specs and sends nothing.
	LintOnly bool
	// Vars fill ${NAME} in cases before the environment does.
	Vars map[string]string
	// Concurrency is how many cases run at once (default: 4 per CPU).
	Concurrency int
	// OnResult, when set, is called as each case finishes (for progress).
	OnResult func(*Result)

	// Retry says when a failed request is sent again (zero: never).
	Retry RetryPolicy
	// Timeout bounds each attempt, its token request included (default 30s).
	Timeout time.Duration
	// RateLimit is the most requests per second sent, retries included
	// (0: no limit).
	RateLimit float64
	// AllowSideEffects sends every case to a live target, not only those
	// with read-only methods or marked safeForLive.
	AllowSideEffects bool
	// DryRun, when set, receives each case's request as a curl command,
	// credentials as $VARIABLE references; nothing is sent.
	DryRun io.Writer
	// Conformance is what an answer that breaks the spec's declared
	// responses costs in a case that does not say (expect.conformance):
	// casefile.ConformanceFail ("" too) or casefile.ConformanceWarn.
	Conformance string
	// Specs say how far the specs' $refs may reach (zero: files in each
	// spec's own folder tree, nothing remote).
	Specs spec.LoadOptions
}

// Runner runs cases. It is safe for concurrent use.
type Runner struct {
	opts   Options
	target Target
	owned  bool
	specs  *specCache
	sender *target.Sender
	dry    *curl.Writer
}

// New returns a runner. Close it to stop what it started.
func New(opts Options) *Runner {
	r := &Runner{opts: opts, target: opts.Target, specs: newSpecCache(opts.Specs)}
	if opts.DryRun != nil {
		r.dry = curl.NewWriter(opts.DryRun)
	}
	if r.target == nil && !opts.LintOnly {
		r.target, r.owned = target.NewMockTarget(), true
	}
	if r.target != nil {
		r.sender = target.NewSender(r.target, opts.Retry, opts.Timeout, opts.RateLimit)
	}
	return r
}

// Close stops the built-in mock when the runner started it.
func (r *Runner) Close() error {
	if r.owned {
		return r.target.Close()
	}
	return nil
}

// LoadSpecs loads every spec the cases name, once each. A spec that does not
// load is a *spec.LoadError: the run cannot mean anything without it.
func (r *Runner) LoadSpecs(cases []*casefile.Case) error {
	var errs []error
	for _, c := range cases {
		if _, err := r.specs.get(c.SpecPath); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// SpecProblems lists, per spec loaded so far, where it breaks the OpenAPI
// rules without breaking casebook, sorted by path: the problems that
// concern the operations the cases run so far touched and the document as
// a whole (spec.Spec.ProblemsOf), not those of operations no case touched,
// since on a big spec validating everything is most of a lint.
func (r *Runner) SpecProblems() []SpecProblems {
	r.specs.mu.Lock()
	defer r.specs.mu.Unlock()
	var out []SpecProblems
	for _, path := range slices.Sorted(maps.Keys(r.specs.specs)) {
		e := r.specs.specs[path]
		if e.s == nil {
			continue
		}
		if p := e.s.ProblemsOf(e.usedOps()); len(p) > 0 {
			out = append(out, SpecProblems{Path: path, Problems: p})
		}
	}
	return out
}

// Run runs the cases concurrently and returns their results in case order.
// It returns early, with the results so far (the rest Skipped), when ctx ends.
func (r *Runner) Run(ctx context.Context, cases []*casefile.Case) []*Result {
	results := make([]*Result, len(cases))
	r.RunEach(ctx, len(cases), func(i int) (*Case, error) { return cases[i], nil },
		func(i int, res *Result) { results[i] = res })
	return results
}

// emitWindow is how many cases per worker RunEach starts ahead of the
// oldest result not yet emitted. A case that waits (for an event, a retry)
// holds back that many results; too few and the other workers stall
// behind it, too many and they pile up. 64 per worker is 512 results on 2
// CPUs: a few MB.
const emitWindow = 64

// RunSlim runs cases loaded by LoadSlim, each unpacked whole as a worker
// starts it (casefile.Whole), and hands each result to emit in case order,
// letting go of the case once it has: the run holds what is in flight and
// the slim cases not yet run, not every whole case and result.
func (r *Runner) RunSlim(ctx context.Context, slim []*Case, emit func(*Result)) {
	r.RunEach(ctx, len(slim), func(i int) (*Case, error) { return casefile.Whole(slim[i]) },
		func(i int, res *Result) { emit(res); slim[i] = nil })
}

// RunEach runs n cases concurrently, as Run does, without holding them or
// their results for the whole run: a worker asks caseAt for case i when it
// starts it (so cases may be decoded as they go), and emit receives each
// result in case order, from the calling goroutine, as soon as the results
// before it are in. At most a window of cases ahead of the oldest one not
// yet emitted is started (emitWindow), so a slow case holds back a
// bounded number of results. When caseAt fails, the case it returns
// (enough to name it in a report) errors. When ctx ends, the cases not
// started are Skipped.
func (r *Runner) RunEach(ctx context.Context, n int, caseAt func(i int) (*Case, error), emit func(i int, res *Result)) {
	workers := r.opts.Concurrency
	if workers <= 0 {
		workers = 4 * runtime.GOMAXPROCS(0)
	}
	type done struct {
		i   int
		res *Result
	}
	window := make(chan struct{}, emitWindow*workers) // a slot per case started and not yet emitted
	jobs := make(chan int)
	out := make(chan done)
	var wg sync.WaitGroup
	for range min(workers, max(n, 1)) {
		wg.Go(func() {
			for i := range jobs {
				c, err := caseAt(i)
				var res *Result
				if err != nil {
					res = errored(&Result{Case: c, SpecPath: c.SpecPath}, err)
				} else {
					res = r.RunCase(ctx, c)
				}
				if r.opts.OnResult != nil {
					r.opts.OnResult(res)
				}
				out <- done{i, res}
			}
		})
	}
	go func() {
		defer func() { wg.Wait(); close(out) }()
		defer close(jobs)
		for i := range n {
			window <- struct{}{}
			if ctx.Err() != nil {
				c, _ := caseAt(i)
				out <- done{i, &Result{Case: c, SpecPath: c.SpecPath, Status: Skipped, Reason: "run interrupted"}}
				continue
			}
			jobs <- i
		}
	}()
	pending := map[int]*Result{}
	next := 0
	for d := range out {
		pending[d.i] = d.res
		for res, ok := pending[next]; ok; res, ok = pending[next] {
			delete(pending, next)
			emit(next, res)
			next++
			<-window
		}
	}
}

// RunCase lints one case and, unless the run is lint-only, replays it.
func (r *Runner) RunCase(ctx context.Context, c *casefile.Case) *Result {
	start := time.Now()
	res := &Result{Case: c, SpecPath: c.SpecPath}
	defer func() { res.Duration = time.Since(start) }()
	if r.target != nil {
		res.Target = r.target.Name()
	}
	s, err := r.specs.get(c.SpecPath)
	if err != nil {
		return errored(res, err)
	}
	if len(c.Steps) > 0 {
		r.runSteps(ctx, s, c, res)
		return res
	}
	p, err := prepare(c, r.opts.Vars, false)
	if err != nil {
		return errored(res, err)
	}
	lr := lint.Check(ctx, s, p.lintRequest(), lintOptions(c.Auth))
	r.specs.use(c.SpecPath, lr.Match)
	res.Findings = lr.Findings
	if lr.Match != nil {
		res.Operation = lr.Match.Operation.String()
	}
	res.Differences = lintDifferences(c.Expect.Lint, lr.Findings)
	if !r.opts.LintOnly && !r.replay(ctx, s, c, p, lr.Match, res) {
		return res
	}
	res.Status = Passed
	if len(res.Differences) > 0 {
		res.Status = Failed
	}
	return res
}

// replay sends the case (or prints it, or says why not) and adds the
// answer's differences: from the expectation, and from the contract of m,
// the operation the request resolved to (nil: none). It reports false when
// the case got its verdict without an answer: skipped or errored.
func (r *Runner) replay(ctx context.Context, s *spec.Spec, c *casefile.Case, p *prepared, m *spec.Match, res *Result) bool {
	if ctx.Err() != nil {
		// Ctrl-C came while the case waited for a worker: it never started.
		res.Status, res.Reason = Skipped, "run interrupted"
		return false
	}
	skip, err := r.guard(c, &c.Request, "request.")
	if err != nil {
		errored(res, err)
		return false
	}
	if skip != "" {
		res.Status, res.Reason = Skipped, skip
		return false
	}
	if r.dry != nil {
		if err := r.printCurl(ctx, s, c, p, res); err != nil {
			errored(res, err)
			return false
		}
		res.Status, res.Reason = Skipped, "dry run: printed as curl, not sent"
		return false
	}
	ctx, done, skip, err := r.mockSession(ctx, s, c)
	if err != nil {
		errored(res, err)
		return false
	}
	if skip != "" {
		res.Status, res.Reason = Skipped, skip
		return false
	}
	defer done()
	want, err := r.expectedEvents(c)
	if err != nil {
		errored(res, err)
		return false
	}
	l, err := r.openChannel(ctx, s, c, p)
	if err != nil {
		errored(res, err)
		return false
	}
	if l != nil {
		defer func() { res.Channel, res.Events = l.Close() }()
		l.Sent()
	}
	if err := r.send(ctx, s, c, p, res); err != nil {
		errored(res, err)
		return false
	}
	a := newAnswer(res.Response)
	res.Differences = append(res.Differences, responseDifferences(&c.Expect, a)...)
	res.Conformance = r.conformance(m, p.method, a, r.conformancePolicy(&c.Expect))
	res.Differences = append(res.Differences, conformanceDifferences(res.Conformance)...)
	if l != nil {
		res.Differences = append(res.Differences, l.Await(ctx, want)...)
	}
	return true
}

// conformancePolicy is what a contract break costs under an expectation
// (a case's, or a step's): its say, else the run's.
func (r *Runner) conformancePolicy(e *casefile.Expect) string {
	if e.Conformance != "" {
		return e.Conformance
	}
	return r.opts.Conformance
}

// guard says why a case's request (or one of its steps') must not go to a
// live target: a skip reason for a method with side effects (the case is
// reported skipped, not failed), an error for credentials written into
// the case file.
func (r *Runner) guard(c *casefile.Case, req *casefile.Request, field string) (skip string, err error) {
	live, ok := r.target.(target.Live)
	if !ok {
		return "", nil
	}
	for _, k := range slices.Sorted(maps.Keys(req.Headers)) {
		if live.CredentialHeader(k) {
			f := field + "headers." + k
			return "", &casefile.Error{Pos: c.FieldPos(f), Case: c.Name, Field: f,
				Msg: "a case file may not carry credentials to a live target; name a credential with auth: (its secret comes from the environment)"}
		}
	}
	method := strings.ToUpper(req.Method)
	if target.ReadOnly(method) || c.SafeForLive || r.opts.AllowSideEffects {
		return "", nil
	}
	return fmt.Sprintf("not sent to live target %s: %s may have side effects (mark the case safeForLive: true, or pass --allow-side-effects)",
		r.target.Name(), method), nil
}

// mockSession opens the case's session where the target keeps one (the
// built-in mock: a fresh state per case, and the case's mock faults; a
// URL target: a fresh state on a standalone casebook mock). A case that
// injects mock faults is skipped on any target but the built-in mock: its
// expectations are about those faults.
func (r *Runner) mockSession(ctx context.Context, s *spec.Spec, c *casefile.Case) (_ context.Context, done func(), skip string, _ error) {
	if _, builtIn := r.target.(*target.MockTarget); !builtIn && len(c.Mock.Faults) > 0 {
		return ctx, nil, "the case injects mock.faults, which only the built-in mock target can", nil
	}
	st, ok := r.target.(target.Sessions)
	if !ok {
		return ctx, func() {}, "", nil
	}
	ctx, done, err := st.OpenSession(ctx, s, c.Mock)
	return ctx, done, "", err
}

// errored gives res its verdict when err stopped the case.
func errored(res *Result, err error) *Result {
	res.Status, res.Reason = Errored, err.Error()
	return res
}

// send replays the case through the runner's sender (rate limit,
// timeout, credentials, trace context, retries). The result keeps the last
// attempt's request (redacted) and answer.
func (r *Runner) send(ctx context.Context, s *spec.Spec, c *casefile.Case, p *prepared, res *Result) error {
	ex, err := r.sender.Send(ctx, s, p.request(c, c.Auth))
	res.Request, res.Response, res.Attempts = ex.Request, ex.Response, ex.Attempts
	res.TraceID, res.CorrelationID = ex.TraceID, ex.CorrelationID
	return err
}

// specCache loads each spec once per run, even when cases run concurrently.
type specCache struct {
	opts  spec.LoadOptions
	mu    sync.Mutex
	specs map[string]*specEntry
}

type specEntry struct {
	once sync.Once
	s    *spec.Spec
	err  error

	mu   sync.Mutex
	used map[*spec.Operation]bool // the operations cases matched (use)
}

// use records that a case's request matched op of the spec at path, for
// SpecProblems.
func (c *specCache) use(path string, m *spec.Match) {
	if m == nil {
		return
	}
	c.mu.Lock()
	e := c.specs[path]
	c.mu.Unlock()
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.used == nil {
		e.used = map[*spec.Operation]bool{}
	}
	e.used[m.Operation] = true
}

// usedOps are the operations use recorded, by path then method.
func (e *specEntry) usedOps() []*spec.Operation {
	e.mu.Lock()
	defer e.mu.Unlock()
	ops := slices.Collect(maps.Keys(e.used))
	slices.SortFunc(ops, func(a, b *spec.Operation) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.Method, b.Method))
	})
	return ops
}

func newSpecCache(opts spec.LoadOptions) *specCache {
	return &specCache{opts: opts, specs: map[string]*specEntry{}}
}

func (c *specCache) get(path string) (*spec.Spec, error) {
	c.mu.Lock()
	e := c.specs[path]
	if e == nil {
		e = &specEntry{}
		c.specs[path] = e
	}
	c.mu.Unlock()
	e.once.Do(func() {
		e.s, e.err = spec.LoadWith(path, c.opts)
	})
	return e.s, e.err
}
