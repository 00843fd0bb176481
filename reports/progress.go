package reports

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/casebook-dev/casebook/internal/results"
)

// progress draws at most every redrawEvery, and always the last result.
type progress struct {
	mu     sync.Mutex
	w      io.Writer
	total  int
	done   int
	failed int
	start  time.Time
	drawn  time.Time
	now    func() time.Time
}

const redrawEvery = 100 * time.Millisecond

// Progress returns a function to call as each case finishes (a
// runner.Options.OnResult) that keeps one line on w up to date:
// "casebook: 12/40 done, 2 failed, about 8s left". The line is erased when
// the last case is in, so the report starts on a clean screen. It is safe
// for concurrent calls; now is the clock (time.Now). Meant for a terminal:
// the caller decides whether w is one.
func Progress(w io.Writer, total int, now func() time.Time) func(*results.Result) {
	p := &progress{w: w, total: total, now: now, start: now()}
	return p.add
}

func (p *progress) add(r *results.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	if r.Failed() {
		p.failed++
	}
	now := p.now()
	if p.done >= p.total {
		fmt.Fprint(p.w, "\r\x1b[K")
		return
	}
	if !p.drawn.IsZero() && now.Sub(p.drawn) < redrawEvery {
		return
	}
	p.drawn = now
	fmt.Fprintf(p.w, "\r\x1b[Kcasebook: %d/%d done, %d failed%s", p.done, p.total, p.failed, p.timeLeft(now))
}

// timeLeft extrapolates from the pace so far; it says nothing until a
// second has passed, when the pace means something.
func (p *progress) timeLeft(now time.Time) string {
	elapsed := now.Sub(p.start)
	if elapsed < time.Second || p.done == 0 {
		return ""
	}
	left := time.Duration(float64(elapsed) / float64(p.done) * float64(p.total-p.done))
	return fmt.Sprintf(", about %s left", left.Round(time.Second))
}
