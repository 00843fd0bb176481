package notifications_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/casebook-dev/casebook/examples/notifications"
	"github.com/casebook-dev/casebook/internal/fakeclock"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/mockserver"
)

// The client runs against casebook's mock under each fault the mock can
// inject. The mock and the client each keep a fake clock that the test
// advances, and the test moves on only when the client's trace shows the
// consequence, so nothing here waits on the wall clock. The deadline on
// each wait only keeps a bug from hanging the run.

const (
	genesysSpec = "../../specs/genesys-cloud/openapi.yaml"
	callsTopic  = "v2.users.agent-with-station.conversations.calls"
	hangGuard   = 30 * time.Second
)

var start = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func TestClientSurvivesEveryFault(t *testing.T) {
	tests := []struct {
		name   string
		faults string
		edit   func(*mockserver.Notifications)
		// trigger makes the fault happen and waits for what it needs to.
		trigger    func(r *rig)
		wantReason string // in the Disconnected trace
	}{
		{name: "reset-after", faults: "reset-after=1m",
			trigger: func(r *rig) { r.mock.Advance(time.Minute) }, wantReason: "dropped without a close frame"},
		{name: "close-after", faults: "close-after=1m",
			trigger: func(r *rig) { r.mock.Advance(time.Minute) }, wantReason: "closed by the server (1001"},
		{name: "no-heartbeat", faults: "no-heartbeat",
			trigger: func(r *rig) {
				r.mock.Advance(time.Minute) // two heartbeats' worth of silence
				// Pings keep getting pongs; only the heartbeat is missing.
				// The client's 75 s heartbeat deadline falls in the eighth 10 s step.
				for range 7 {
					r.client.Advance(10 * time.Second)
					r.await(notifications.PingSent)
					r.await(notifications.PongReceived)
				}
				r.client.Advance(10 * time.Second)
			}, wantReason: "no heartbeat within 1m15s"},
		{name: "no-pong", faults: "no-pong",
			trigger: func(r *rig) {
				r.client.Advance(10 * time.Second)
				r.await(notifications.PingSent)
				r.client.Advance(5 * time.Second)
			}, wantReason: "no pong within 5s"},
		{name: "warn-then-close", faults: "warn-then-close=1m",
			trigger: func(r *rig) { r.mock.Advance(time.Minute) }, wantReason: "warned"},
		{name: "refuse-reconnect", faults: "reset-after=10s,refuse-reconnect=1m",
			trigger: func(r *rig) {
				r.mock.Advance(10 * time.Second)
				r.await(notifications.Retrying) // the first reconnection was refused (503)
				r.mock.Advance(time.Minute)     // the refusal is over
				r.client.Advance(time.Second)   // the client's back-off is over
			}, wantReason: "dropped without a close frame"},
		{name: "channel expired: a new channel, subscribed again",
			edit:    func(n *mockserver.Notifications) { n.Lifetime = mockserver.Duration(10 * time.Minute) },
			trigger: func(r *rig) { r.mock.Advance(10 * time.Minute) }, wantReason: "channel expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := startRig(t, tt.faults, tt.edit)
			r.await(notifications.Subscribed)
			first := r.placeCall()
			r.awaitEvent(first)

			tt.trigger(r)
			r.await(notifications.Subscribed) // re-subscribed after reconnecting
			if !r.saw(notifications.Disconnected, tt.wantReason) {
				t.Fatalf("no %q trace saying %q; traces: %v", notifications.Disconnected, tt.wantReason, r.seen)
			}
			second := r.placeCall()
			r.awaitEvent(second)
			if len(r.events) != 2 {
				t.Errorf("events = %v, want exactly the two calls %s and %s", r.events, first, second)
			}
		})
	}
}

// TestClientStaysOnAHealthyChannel: heartbeats and pongs keep it connected.
func TestClientStaysOnAHealthyChannel(t *testing.T) {
	r := startRig(t, "", nil)
	r.await(notifications.Subscribed)
	r.mock.Advance(30 * time.Second)
	r.await(notifications.Heartbeat)
	for range 3 {
		r.client.Advance(10 * time.Second)
		r.await(notifications.PingSent)
		r.await(notifications.PongReceived)
	}
	id := r.placeCall()
	r.awaitEvent(id)
	if r.saw(notifications.Disconnected, "") {
		t.Errorf("the client disconnected from a healthy channel; traces: %v", r.seen)
	}
}

var (
	specOnce sync.Once
	theSpec  *spec.Spec
	specErr  error
)

// loadSpec loads the Genesys spec once for all the rigs.
func loadSpec(t *testing.T) *spec.Spec {
	t.Helper()
	specOnce.Do(func() { theSpec, specErr = spec.Load(genesysSpec) })
	if specErr != nil {
		t.Fatal(specErr)
	}
	return theSpec
}

// rig is the mock, the client under test, their clocks, and what the client reported.
type rig struct {
	t              *testing.T
	srv            *mockserver.Server
	mock, client   *fakeclock.Clock
	agent          *http.Client
	traces         chan notifications.Trace
	eventsIn       chan notifications.Event
	seen           []notifications.Trace
	events         []string // the conversation ids of the events received
	expectedEvents map[string]bool
}

func startRig(t *testing.T, faults string, edit func(*mockserver.Notifications)) *rig {
	t.Helper()
	s := loadSpec(t)
	ov, err := mockserver.LoadOverlay(mockserver.OverlayPathFor(genesysSpec))
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(ov.Notifications)
	}
	f, err := mockserver.ParseWSFaults(faults)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, mock: fakeclock.New(start), client: fakeclock.New(start),
		traces: make(chan notifications.Trace, 4096), eventsIn: make(chan notifications.Event, 64), expectedEvents: map[string]bool{}}
	r.srv, err = mockserver.New(mockserver.Config{Spec: s, Overlay: ov, Clock: r.mock, Notify: mockserver.NotifyOptions{Faults: f}})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.srv.Close() })

	id, secret, _ := r.srv.Client("agent")
	cc := clientcredentials.Config{ClientID: id, ClientSecret: secret, TokenURL: r.srv.TokenURL(), AuthStyle: oauth2.AuthStyleInHeader}
	r.agent = cc.Client(context.Background())
	c, err := notifications.New(notifications.Config{
		BaseURL: r.srv.URL(), HTTP: r.agent, Topics: []string{callsTopic}, Clock: r.client,
		Trace: func(tr notifications.Trace) { r.traces <- tr },
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = c.Run(ctx, func(e notifications.Event) { r.eventsIn <- e })
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(hangGuard): // a hang guard, not a speed claim
			t.Errorf("the client's Run did not return after its context was cancelled; traces: %v", r.seen)
		}
	})
	return r
}

// await reads the client's traces until one of kind comes.
func (r *rig) await(kind notifications.TraceKind) notifications.Trace {
	r.t.Helper()
	timeout := time.NewTimer(hangGuard)
	defer timeout.Stop()
	for {
		select {
		case tr := <-r.traces:
			r.seen = append(r.seen, tr)
			if tr.Kind == kind {
				return tr
			}
		case <-timeout.C:
			r.t.Fatalf("the client never reported %q; traces: %v", kind, r.seen)
		}
	}
}

func (r *rig) saw(kind notifications.TraceKind, detail string) bool {
	for _, tr := range r.seen {
		if tr.Kind == kind && strings.Contains(tr.Detail, detail) {
			return true
		}
	}
	return false
}

// placeCall places a call as the agent, which the mock publishes on the agent's calls topic.
func (r *rig) placeCall() string {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", r.srv.URL()+"/api/v2/conversations/calls", strings.NewReader(`{"phoneNumber": "+13175550123"}`))
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.agent.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 || body.ID == "" {
		r.t.Fatalf("POST /api/v2/conversations/calls = %d, %v", resp.StatusCode, err)
	}
	r.expectedEvents[body.ID] = true
	return body.ID
}

// awaitEvent waits for the call's event; any other event is an error.
func (r *rig) awaitEvent(id string) {
	r.t.Helper()
	timeout := time.NewTimer(hangGuard)
	defer timeout.Stop()
	select {
	case e := <-r.eventsIn:
		var body struct{ ID string }
		_ = json.Unmarshal(e.EventBody, &body)
		r.events = append(r.events, body.ID)
		if e.TopicName != callsTopic || body.ID != id {
			r.t.Fatalf("event %s %s, want the call %s on %s (events so far: %v)", e.TopicName, body.ID, id, callsTopic, r.events)
		}
	case <-timeout.C:
		r.t.Fatalf("the call %s's event never came; traces: %v", id, r.seen)
	}
}
