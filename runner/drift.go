package runner

import (
	"context"
	"sync"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/drift"
)

// Drift runs every case against a and b (concurrently, each under opts:
// variables, guard, retries, rate limit) and compares the answers with
// drift.Compare: status, error code, the body's top-level members and
// their types, each disagreement with the side whose answer breaks the
// spec's declared responses there.
func Drift(ctx context.Context, cases []*casefile.Case, a, b Target, opts Options) []DriftResult {
	var ra, rb []*Result
	var wg sync.WaitGroup
	specs := newSpecCache(opts.Specs) // both sides lint against one loaded copy of each spec
	for _, side := range []struct {
		t   Target
		out *[]*Result
	}{{a, &ra}, {b, &rb}} {
		wg.Go(func() {
			o := opts
			o.Target, o.LintOnly, o.DryRun = side.t, false, nil
			r := New(o)
			r.specs = specs
			defer r.Close()
			*side.out = r.Run(ctx, cases)
		})
	}
	wg.Wait()
	out := make([]DriftResult, len(cases))
	for i, c := range cases {
		out[i] = drift.Compare(c, ra[i], rb[i])
	}
	return out
}
