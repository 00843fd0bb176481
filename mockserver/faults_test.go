package mockserver

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"syscall"
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

// TestFaultFromCommandLine is issue 11's fault: every POST to the call
// endpoint answers 429 with Retry-After: 2, the code the published spec
// lists for 429, and an Inin-Correlation-Id equal to contextId.
func TestFaultFromCommandLine(t *testing.T) {
	ft, err := ParseFault("POST /api/v2/conversations/calls=status=429,retry-after=2,rate=1")
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := startMock(t, genesysSpec, func(c *Config) { c.Faults = &Faults{Rules: []Fault{ft}} })
	tok := tokenFor(t, srv, "agent")
	for range 3 {
		r := send(t, srv, "POST", "/api/v2/conversations/calls", tok, "", `{"phoneNumber": "+13175550123"}`)
		checkGenesysError(t, r, 429, "too.many.requests")
		if got := r.header.Get("Retry-After"); got != "2" {
			t.Errorf("Retry-After = %q, want 2", got)
		}
		if strings.Contains(r.str("message"), "casebook's") {
			t.Errorf("message %q says the code is casebook's; the spec lists it", r.str("message"))
		}
	}
	if r := send(t, srv, "POST", "/api/v2/conversations/calls/user/u1", tok, "", `{"phoneNumber": "+13175550123"}`); r.status != 200 {
		t.Errorf("another path = %d, want 200: the fault names one path", r.status)
	}
}

// TestFaultRateAndTemplate: rate 0.5 hits every other matching request,
// from the first; a {name} segment matches any one segment.
func TestFaultRateAndTemplate(t *testing.T) {
	srv := newServer(t, genesysSpec, Config{Faults: &Faults{Rules: []Fault{
		{Method: "GET", Path: "/api/v2/outbound/campaigns/{campaignId}", Status: 503, Rate: 0.5},
	}}})
	tok := issue(srv, "agent")
	var got []int
	for range 5 {
		got = append(got, inProcess(srv, "GET", campaignPath, tok, "", nil).status)
	}
	if want := []int{503, 200, 503, 200, 503}; !slices.Equal(got, want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}
	if r := inProcess(srv, "GET", campaignPath+"/x", tok, "", nil); r.status == 503 {
		t.Errorf("a longer path got the fault")
	}
}

// TestFaultCodeNotPublished: where the spec lists no code for the status
// (the thread's contract), the code is casebook's and the message says so.
func TestFaultCodeNotPublished(t *testing.T) {
	srv := newServer(t, pcSpec, Config{Faults: &Faults{Rules: []Fault{{Status: 429}}}})
	r := inProcess(srv, "POST", "/api/v2/outbound/campaigns/pc-campaign/calls", "", "{}", nil)
	if r.status != 429 || r.str("code") != "too.many.requests" || !strings.Contains(r.str("detail"), "The code is casebook's") {
		t.Errorf("429 = %d %s, want casebook's code, marked as such", r.status, r.raw)
	}
}

// TestFaultFromOverlayAndSession: the overlay's faults apply to every
// request; a session's only to its own, first.
func TestFaultFromOverlayAndSession(t *testing.T) {
	ov, err := DecodeOverlay("o.yaml", []byte("faults:\n  - {method: GET, path: /api/v2/outbound/campaigns/, status: 503, times: 1}\n  - POST /api/v2/conversations/calls=status=502\n"))
	if err != nil {
		t.Fatal(err)
	}
	base := mustOverlay(t, genesysSpec)
	base.Faults = ov.Faults
	srv, err := New(Config{Spec: loadSpec(t, genesysSpec), Overlay: base})
	if err != nil {
		t.Fatal(err)
	}
	tok := issue(srv, "agent")
	if r := inProcess(srv, "GET", campaignPath, tok, "", nil); r.status != 503 {
		t.Errorf("overlay fault: %d, want 503", r.status)
	}
	if r := inProcess(srv, "POST", "/api/v2/conversations/calls", tok, `{"phoneNumber": "+13175550123"}`, nil); r.status != 502 {
		t.Errorf("overlay fault in the command line's form: %d, want 502", r.status)
	}
	id := srv.OpenSession(SessionOptions{Faults: []Fault{{Method: "GET", Status: 429, RetryAfter: "1"}}})
	if r := inProcess(srv, "GET", campaignPath, tok, "", http.Header{SessionHeader: {id}}); r.status != 429 || r.header.Get("Retry-After") != "1" {
		t.Errorf("session fault: %d, want 429 with Retry-After", r.status)
	}
	if r := inProcess(srv, "GET", campaignPath, tok, "", nil); r.status != 200 {
		t.Errorf("outside the session: %d, want 200", r.status)
	}
	if _, err := DecodeOverlay("o.yaml", []byte("faults:\n  - {status: 200}\n")); err == nil || !strings.Contains(err.Error(), "o.yaml:2:5: faults[0]: status=200") {
		t.Errorf("a bad overlay fault: %v, want it placed", err)
	}
}

// TestFaultResetConnection: reset closes the connection with a TCP RST.
func TestFaultResetConnection(t *testing.T) {
	srv, _ := startMock(t, genesysSpec, func(c *Config) { c.Faults = &Faults{Rules: []Fault{{Method: "POST", Reset: true, Times: 1}}} })
	tok := tokenFor(t, srv, "agent")
	req, _ := http.NewRequest("POST", srv.URL()+"/api/v2/outbound/campaigns", strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("Do answered %d, want a reset connection", resp.StatusCode)
	}
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("Do = %v, want ECONNRESET", err)
	}
	if r := send(t, srv, "GET", campaignPath, tok, "", ""); r.status != 200 {
		t.Errorf("after the reset: %d, want 200", r.status)
	}
}
