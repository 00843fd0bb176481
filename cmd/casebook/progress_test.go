package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/runner"
)

func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	p := newProgressTo(&buf, 4, now)
	clock = clock.Add(2 * time.Second)
	p(&runner.Result{Case: &casefile.Case{Name: "a"}, Status: runner.Failed})
	if got, want := buf.String(), "\r\x1b[Kcasebook: 1/4 done, 1 failed, about 6s left"; got != want {
		t.Errorf("after 1 of 4 in 2s: %q, want %q", got, want)
	}
	buf.Reset()
	p(&runner.Result{Status: runner.Passed}) // within 100ms: not redrawn
	if buf.Len() != 0 {
		t.Errorf("redrawn within %v: %q", redrawEvery, buf.String())
	}
	clock = clock.Add(time.Second)
	p(&runner.Result{Status: runner.Errored})
	if got := buf.String(); !strings.Contains(got, "3/4 done, 2 failed, about 1s left") {
		t.Errorf("after 3 of 4: %q", got)
	}
	buf.Reset()
	p(&runner.Result{Status: runner.Passed})
	if got := buf.String(); got != "\r\x1b[K" {
		t.Errorf("after the last case: %q, want the line erased", got)
	}
}

func TestProgressQuietOffTerminal(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, 10)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() { p(&runner.Result{Status: runner.Failed}) })
	}
	wg.Wait()
	if buf.Len() != 0 {
		t.Errorf("progress wrote %q to a non-terminal", buf.String())
	}
}

func TestProgressConcurrent(t *testing.T) {
	var buf bytes.Buffer
	p := newProgressTo(&buf, 100, time.Now)
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() { p(&runner.Result{Status: runner.Passed}) })
	}
	wg.Wait()
	if !strings.HasSuffix(buf.String(), "\r\x1b[K") {
		t.Errorf("progress did not end with the line erased: %q", buf.String())
	}
}
