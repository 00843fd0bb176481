package mockserver

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"
)

const campaignPath = "/api/v2/outbound/campaigns/campaign-predictive"

func TestFaultStatusWithRetryAfter(t *testing.T) {
	faults := &Faults{Rules: []Fault{{Path: "/api/v2/outbound/", Status: http.StatusTooManyRequests, RetryAfter: "2", Times: 2}}}
	srv, _ := startMock(t, genesysSpec, func(c *Config) { c.Faults = faults })
	tok := tokenFor(t, srv, "agent") // the token endpoint is not faulted
	for i, want := range []int{429, 429, 200} {
		r := send(t, srv, "GET", campaignPath, tok, "", "")
		if r.status != want {
			t.Fatalf("request %d: status = %d, want %d (body %s)", i+1, r.status, want, r.raw)
		}
		if want == 429 {
			if got := r.header.Get("Retry-After"); got != "2" {
				t.Errorf("request %d: Retry-After = %q, want 2", i+1, got)
			}
			checkGenesysError(t, r, 429, "too.many.requests")
		}
	}
	if got := faults.Injected(); got != 2 {
		t.Errorf("Injected() = %d, want 2", got)
	}
}

func TestFaultSelectsMethodAndPath(t *testing.T) {
	faults := &Faults{Rules: []Fault{{Method: "POST", Path: "/api/v2/outbound/", Status: 503}}}
	srv, _ := startMock(t, genesysSpec, func(c *Config) { c.Faults = faults })
	tok := tokenFor(t, srv, "agent")
	if r := send(t, srv, "GET", campaignPath, tok, "", ""); r.status != 200 {
		t.Errorf("GET status = %d, want 200: the rule is for POST", r.status)
	}
	if r := send(t, srv, "POST", "/api/v2/outbound/campaigns", tok, "", "{}"); r.status != 503 {
		t.Errorf("POST status = %d, want 503", r.status)
	}
}

func TestFaultTokenEndpointOnlyWhenNamed(t *testing.T) {
	faults := &Faults{Rules: []Fault{{Path: "/oauth/token", Status: 503, Times: 1}}}
	srv, _ := startMock(t, genesysSpec, func(c *Config) { c.Faults = faults })
	r := send(t, srv, "POST", "/oauth/token", "", "application/x-www-form-urlencoded", "grant_type=client_credentials")
	if r.status != 503 {
		t.Fatalf("token status = %d, want 503", r.status)
	}
	tokenFor(t, srv, "agent") // the second one is answered
}

// heldDelays replaces the fault timer: each Delay is reported on asked and
// lasts until the test sends on release, or the client gives up (then the
// wait's result, false, is reported on cut).
type heldDelays struct {
	asked   chan time.Duration
	release chan struct{}
	cut     chan bool
}

func holdDelays(f *Faults) *heldDelays {
	h := &heldDelays{asked: make(chan time.Duration, 1), release: make(chan struct{}), cut: make(chan bool, 1)}
	f.wait = func(ctx context.Context, d time.Duration) bool {
		h.asked <- d
		select {
		case <-h.release:
			return true
		case <-ctx.Done():
			h.cut <- false
			return false
		}
	}
	return h
}

// TestFaultSlowAnswer: a client that gives up during a Delay finds the wait
// cut short (the mock stops waiting for it), and the next request is
// answered as usual.
func TestFaultSlowAnswer(t *testing.T) {
	faults := &Faults{Rules: []Fault{{Delay: time.Hour, Times: 1}}}
	held := holdDelays(faults)
	srv, _ := startMock(t, genesysSpec, func(c *Config) { c.Faults = faults })
	tok := tokenFor(t, srv, "agent")
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL()+campaignPath, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	errc := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	if d := <-held.asked; d != time.Hour {
		t.Errorf("the mock held the answer back %v, want the rule's 1h", d)
	}
	cancel() // the client gives up
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Do = %v, want the client's cancellation", err)
	}
	<-held.cut // the mock stopped waiting: nobody to answer
	if r := send(t, srv, "GET", campaignPath, tok, "", ""); r.status != 200 {
		t.Errorf("after the slow one: status = %d, want 200", r.status)
	}
}

// TestFaultDelayThenAnswer: the answer is held back until the delay is
// over, then given as usual.
func TestFaultDelayThenAnswer(t *testing.T) {
	faults := &Faults{Rules: []Fault{{Delay: 100 * time.Millisecond, Times: 1}}}
	held := holdDelays(faults)
	srv, _ := startMock(t, genesysSpec, func(c *Config) { c.Faults = faults })
	tok := tokenFor(t, srv, "agent")
	req, _ := http.NewRequest("GET", srv.URL()+campaignPath, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	answered := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	if d := <-held.asked; d != 100*time.Millisecond {
		t.Errorf("the mock held the answer back %v, want the rule's 100ms", d)
	}
	select {
	case status := <-answered:
		t.Fatalf("answered %d while the delay was still running", status)
	default:
	}
	close(held.release)
	if status := <-answered; status != 200 {
		t.Errorf("status = %d, want 200 after the delay", status)
	}
}

func TestFaultDropConnection(t *testing.T) {
	faults := &Faults{Rules: []Fault{{Drop: true, Times: 1}}}
	srv, _ := startMock(t, genesysSpec, func(c *Config) { c.Faults = faults })
	tok := tokenFor(t, srv, "agent")
	req, _ := http.NewRequest("POST", srv.URL()+"/api/v2/outbound/campaigns", nil) // POST: net/http does not retry it itself
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		t.Fatalf("Do answered %d, want a dropped connection", resp.StatusCode)
	}
	if !errors.Is(err, io.EOF) {
		t.Errorf("Do = %v, want EOF", err)
	}
	if r := send(t, srv, "GET", campaignPath, tok, "", ""); r.status != 200 {
		t.Errorf("after the drop: status = %d, want 200: the server keeps serving", r.status)
	}
}

func TestNilFaultsInjectNothing(t *testing.T) {
	var f *Faults
	if got := f.Injected(); got != 0 {
		t.Errorf("nil Faults: Injected() = %d, want 0", got)
	}
	req, _ := http.NewRequest("GET", "http://x/", nil)
	if ft := f.pick(req, "/oauth/token"); ft != nil {
		t.Errorf("nil Faults picked %+v", ft)
	}
}
