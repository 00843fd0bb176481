package mockserver

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLoopbackByDefault(t *testing.T) {
	srv, _ := startMock(t, genesysSpec)
	if !strings.HasPrefix(srv.URL(), "http://127.0.0.1:") {
		t.Errorf("URL() = %q, want loopback on a system-chosen port", srv.URL())
	}
}

func TestBodyLimit(t *testing.T) {
	srv, _ := startMock(t, genesysSpec, func(c *Config) { c.MaxBodyBytes = 64 })
	tok := tokenFor(t, srv, "agent")
	r := send(t, srv, "POST", "/api/v2/conversations/calls", tok, "", `{"phoneNumber": "`+strings.Repeat("1", 100)+`"}`)
	checkGenesysError(t, r, 413, "request.too.large")
}

// TestPanicBecomes500: a panic while answering is a 500 in the envelope and
// one log line, and the server goes on serving.
func TestPanicBecomes500(t *testing.T) {
	srv, logs := startMock(t, genesysSpec)
	srv.testHook = func(r *http.Request) {
		if r.Header.Get("X-Panic") != "" {
			panic("boom")
		}
	}
	tok := tokenFor(t, srv, "agent")
	req, _ := http.NewRequest("POST", srv.URL()+"/api/v2/conversations/calls", strings.NewReader(`{"phoneNumber": "+1"}`))
	req.Header.Set("X-Panic", "1")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 500 || resp.Header.Get("Inin-Correlation-Id") == "" {
		t.Errorf("panic answer = %d (correlation id %q), want 500 in the envelope", resp.StatusCode, resp.Header.Get("Inin-Correlation-Id"))
	}
	if n := strings.Count(logs.String(), "panic while answering"); n != 1 {
		t.Errorf("log has %d panic lines, want 1:\n%s", n, logs)
	}
	if r := send(t, srv, "POST", "/api/v2/conversations/calls", tok, "", `{"phoneNumber": "+13175550123"}`); r.status != 200 {
		t.Errorf("after the panic: %d %s, want 200", r.status, r.raw)
	}
	if strings.Contains(logs.String(), tok) {
		t.Errorf("a token reached the log")
	}
}

// TestConcurrentLoad runs many clients at once under -race: token
// exchanges, errors and successes on the same server.
func TestConcurrentLoad(t *testing.T) {
	srv, _ := startMock(t, genesysSpec)
	var wg sync.WaitGroup
	var bad atomic.Int32
	for g := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok := tokenFor(t, srv, []string{"agent", "agent-no-station", "service"}[g%3])
			for i := range 20 {
				body := fmt.Sprintf(`{"phoneNumber": "+1317555%04d"}`, i)
				r := send(t, srv, "POST", "/api/v2/conversations/calls", tok, "", body)
				want := map[int]int{0: 200, 1: 400, 2: 400}[g%3]
				if r.status != want {
					bad.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if n := bad.Load(); n > 0 {
		t.Errorf("%d answers had the wrong status under load", n)
	}
}

// TestCloseWaitsForInFlight: Close returns only after a slow request has
// been answered, and the answer arrives whole.
func TestCloseWaitsForInFlight(t *testing.T) {
	srv, _ := startMock(t, genesysSpec)
	tok := tokenFor(t, srv, "agent")
	started := make(chan struct{})
	srv.testHook = func(*http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
	}
	done := make(chan response)
	go func() {
		done <- send(t, srv, "POST", "/api/v2/conversations/calls", tok, "", `{"phoneNumber": "+13175550123"}`)
	}()
	<-started
	begin := time.Now()
	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if waited := time.Since(begin); waited < 200*time.Millisecond {
		t.Errorf("Close returned after %v, before the in-flight request finished", waited)
	}
	if r := <-done; r.status != 200 {
		t.Errorf("in-flight request = %d, want 200", r.status)
	}
}
