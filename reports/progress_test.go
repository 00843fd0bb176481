package reports

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/results"
)

func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	p := Progress(&buf, 4, now)
	clock = clock.Add(2 * time.Second)
	p(&results.Result{Case: &casefile.Case{Name: "a"}, Status: results.Failed})
	if got, want := buf.String(), "\r\x1b[Kcasebook: 1/4 done, 1 failed, about 6s left"; got != want {
		t.Errorf("after 1 of 4 in 2s: %q, want %q", got, want)
	}
	buf.Reset()
	p(&results.Result{Status: results.Passed}) // within 100ms: not redrawn
	if buf.Len() != 0 {
		t.Errorf("redrawn within %v: %q", redrawEvery, buf.String())
	}
	clock = clock.Add(time.Second)
	p(&results.Result{Status: results.Errored})
	if got := buf.String(); !strings.Contains(got, "3/4 done, 2 failed, about 1s left") {
		t.Errorf("after 3 of 4: %q", got)
	}
	buf.Reset()
	p(&results.Result{Status: results.Passed})
	if got := buf.String(); got != "\r\x1b[K" {
		t.Errorf("after the last case: %q, want the line erased", got)
	}
}

func TestProgressConcurrent(t *testing.T) {
	var buf bytes.Buffer
	p := Progress(&buf, 100, time.Now)
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() { p(&results.Result{Status: results.Passed}) })
	}
	wg.Wait()
	if !strings.HasSuffix(buf.String(), "\r\x1b[K") {
		t.Errorf("progress did not end with the line erased: %q", buf.String())
	}
}
