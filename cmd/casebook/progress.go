package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/casebook-dev/casebook/runner"
)

// newProgress returns a runner.Options.OnResult that keeps one line on
// stderr up to date: "casebook: 12/40 done, 2 failed, about 8s left". Only
// on a terminal: when stderr is a file or a pipe (CI logs) it does nothing.
// Safe for concurrent calls. The line is erased when the last case is in,
// so the report starts on a clean screen.
func newProgress(stderr io.Writer, total int) func(*runner.Result) {
	if !isTerminal(stderr) || total <= 0 {
		return func(*runner.Result) {}
	}
	return newProgressTo(stderr, total, time.Now)
}

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

func newProgressTo(w io.Writer, total int, now func() time.Time) func(*runner.Result) {
	p := &progress{w: w, total: total, now: now, start: now()}
	return p.add
}

func (p *progress) add(r *runner.Result) {
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
