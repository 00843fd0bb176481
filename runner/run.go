package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"runtime"
	"slices"
	"sort"
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

// MaxResponseBytes bounds how much of an answer is read and kept.
const MaxResponseBytes = 10 << 20

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
}

// Runner runs cases. It is safe for concurrent use.
type Runner struct {
	opts   Options
	target Target
	owned  bool
	specs  *specCache
	limit  *limiter
	dry    *curl.Writer
}

// New returns a runner. Close it to stop what it started.
func New(opts Options) *Runner {
	r := &Runner{opts: opts, target: opts.Target, specs: newSpecCache(), limit: newLimiter(opts.RateLimit)}
	if opts.DryRun != nil {
		r.dry = curl.NewWriter(opts.DryRun)
	}
	if r.target == nil && !opts.LintOnly {
		r.target, r.owned = target.NewMockTarget(), true
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
// rules without breaking casebook (see spec.Spec.Problems), sorted by path.
func (r *Runner) SpecProblems() []SpecProblems {
	r.specs.mu.Lock()
	defer r.specs.mu.Unlock()
	var out []SpecProblems
	for path, e := range r.specs.specs {
		if e.s != nil && len(e.s.Problems) > 0 {
			out = append(out, SpecProblems{Path: path, Problems: e.s.Problems})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Run runs the cases concurrently and returns their results in case order.
// It returns early, with the results so far (the rest Skipped), when ctx ends.
func (r *Runner) Run(ctx context.Context, cases []*casefile.Case) []*Result {
	results := make([]*Result, len(cases))
	n := r.opts.Concurrency
	if n <= 0 {
		n = 4 * runtime.GOMAXPROCS(0)
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(n, max(len(cases), 1)) {
		wg.Go(func() {
			for i := range jobs {
				results[i] = r.RunCase(ctx, cases[i])
				if r.opts.OnResult != nil {
					r.opts.OnResult(results[i])
				}
			}
		})
	}
	for i := range cases {
		if ctx.Err() != nil {
			results[i] = &Result{Case: cases[i], SpecPath: cases[i].SpecPath, Status: Skipped, Reason: "run interrupted"}
			continue
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
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
	p, err := prepare(c, r.opts.Vars, false)
	if err != nil {
		return errored(res, err)
	}
	lr := lint.Check(ctx, s, p.lintRequest(c), lint.Options{})
	res.Findings = lr.Findings
	if lr.Match != nil {
		res.Operation = lr.Match.Operation.String()
	}
	res.Differences = lintDifferences(c.Expect.Lint, lr.Findings)
	if !r.opts.LintOnly && !r.replay(ctx, s, c, p, res) {
		return res
	}
	res.Status = Passed
	if len(res.Differences) > 0 {
		res.Status = Failed
	}
	return res
}

// replay sends the case (or prints it, or says why not) and adds the
// answer's differences. It reports false when the case got its verdict
// without an answer: skipped or errored.
func (r *Runner) replay(ctx context.Context, s *spec.Spec, c *casefile.Case, p *prepared, res *Result) bool {
	if ctx.Err() != nil {
		// Ctrl-C came while the case waited for a worker: it never started.
		res.Status, res.Reason = Skipped, "run interrupted"
		return false
	}
	skip, err := r.guard(c)
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
	if err := r.send(ctx, s, c, p, res); err != nil {
		errored(res, err)
		return false
	}
	res.Differences = append(res.Differences, responseDifferences(&c.Expect, res.Response)...)
	return true
}

// guard says why a case must not go to a live target: a skip reason for a
// method with side effects (the case is reported skipped, not failed), an
// error for credentials written into the case file.
func (r *Runner) guard(c *casefile.Case) (skip string, err error) {
	live, ok := r.target.(target.Live)
	if !ok {
		return "", nil
	}
	for _, k := range slices.Sorted(maps.Keys(c.Request.Headers)) {
		if live.CredentialHeader(k) {
			f := "request.headers." + k
			return "", &casefile.Error{Pos: c.FieldPos(f), Case: c.Name, Field: f,
				Msg: "a case file may not carry credentials to a live target; name a credential with auth: (its secret comes from the environment)"}
		}
	}
	method := strings.ToUpper(c.Request.Method)
	if readOnly(method) || c.SafeForLive || r.opts.AllowSideEffects {
		return "", nil
	}
	return fmt.Sprintf("not sent to live target %s: %s may have side effects (mark the case safeForLive: true, or pass --allow-side-effects)",
		r.target.Name(), method), nil
}

// errored gives res its verdict when err stopped the case.
func errored(res *Result, err error) *Result {
	res.Status, res.Reason = Errored, err.Error()
	return res
}

// SendError reports a request that got no answer. It names the operation
// and case first; it never holds a secret.
type SendError struct {
	Method, URL, Case string
	Err               error
}

func (e *SendError) Error() string {
	return fmt.Sprintf("%s %s (case %s): %v", e.Method, e.URL, e.Case, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// send replays the case, retrying as Options.Retry allows. The result
// keeps the last attempt's request (redacted) and answer.
func (r *Runner) send(ctx context.Context, s *spec.Spec, c *casefile.Case, p *prepared, res *Result) error {
	base, err := r.target.BaseURL(ctx, s)
	if err != nil {
		return err
	}
	policy := r.opts.Retry.withDefaults()
	allowed := idempotent(p.method) || c.Retry
	traceID := newTraceID()
	fail := func(n int, err error) error {
		if n > 1 {
			err = fmt.Errorf("giving up after %d attempts: %w", n, err)
		}
		return &SendError{Method: p.method, URL: r.sentURL(res, base, p), Case: c.Name, Err: err}
	}
	for n := 1; ; n++ {
		res.Attempts = n
		resp, err := r.attempt(ctx, s, c, p, base, traceID, res)
		wait, again := policy.next(ctx, n, allowed, resp, err)
		switch {
		case !again && err != nil:
			return fail(n, err)
		case !again:
			res.Response = resp
			res.CorrelationID = correlationID(resp.Header, resp.Body)
			return nil
		}
		if err := sleep(ctx, wait); err != nil {
			return fail(n, err)
		}
	}
}

// attempt sends the request once, under the rate limit and the per-attempt
// timeout. Authorize runs each time: a token may have expired meanwhile.
func (r *Runner) attempt(ctx context.Context, s *spec.Spec, c *casefile.Case, p *prepared, base, traceID string, res *Result) (*Response, error) {
	if err := r.limit.Wait(ctx); err != nil {
		return nil, err
	}
	timeout := r.opts.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := p.httpRequest(actx, base)
	if err != nil {
		return nil, err
	}
	res.TraceID = setTraceparent(req.Header, traceID)
	before := headerNames(req.Header)
	if err := r.target.Authorize(actx, req, s, c.Auth); err != nil {
		return nil, err
	}
	res.Request = recordRequest(req, p.body, before)
	resp, err := r.target.Client().Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text repeats the method and URL SendError gives
		}
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes))
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	answer := &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
	if sc, ok := r.target.(target.Scrubber); ok {
		answer.Body = sc.Scrub(answer.Body)
		for _, vs := range answer.Header {
			for i, v := range vs {
				vs[i] = string(sc.Scrub([]byte(v)))
			}
		}
	}
	return answer, nil
}

// sentURL is the URL for an error: the recorded one, else base and path.
func (r *Runner) sentURL(res *Result, base string, p *prepared) string {
	if res.Request != nil {
		return res.Request.URL
	}
	return strings.TrimRight(base, "/") + p.path
}

// correlationID finds the vendor's id for the exchange, for a support ticket.
func correlationID(h map[string][]string, body []byte) string {
	for _, name := range []string{"Inin-Correlation-Id", "X-Request-Id", "X-Correlation-Id", "Request-Id", "X-Amzn-Requestid"} {
		if v := h[name]; len(v) > 0 && v[0] != "" {
			return v[0]
		}
	}
	var eb struct {
		ContextID string `json:"contextId"`
	}
	if json.Unmarshal(body, &eb) == nil {
		return eb.ContextID
	}
	return ""
}

// specCache loads each spec once per run, even when cases run concurrently.
type specCache struct {
	mu    sync.Mutex
	specs map[string]*specEntry
}

type specEntry struct {
	once sync.Once
	s    *spec.Spec
	err  error
}

func newSpecCache() *specCache { return &specCache{specs: map[string]*specEntry{}} }

func (c *specCache) get(path string) (*spec.Spec, error) {
	c.mu.Lock()
	e := c.specs[path]
	if e == nil {
		e = &specEntry{}
		c.specs[path] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.s, e.err = spec.Load(path) })
	return e.s, e.err
}
