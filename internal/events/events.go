// Package events opens a case's notification channel (Genesys Cloud's
// notification service, docs/notifications.md) and checks the events the
// case's request causes on it. The channel is created and subscribed
// through the case's target and credentials (a target.Sender), its
// WebSocket read until every expectation is settled: an expected event
// has come, or its time has run out, or the connection has ended.
//
//	l, err := events.Open(ctx, sender, spec, events.Options{Auth: "agent", Topics: topics})
//	if err != nil { ... }
//	l.Sent()                                   // the case's request goes out
//	... send the request ...
//	differences := l.Await(ctx, c.Expect.Events)
//	channel, received := l.Close()
package events

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/internal/target"
)

// The vendor's operations, as the published swagger names them.
const (
	channelsPath      = "/api/v2/notifications/channels"
	subscriptionsPath = "/api/v2/notifications/channels/%s/subscriptions"
	// maxMessage bounds one message read from the channel.
	maxMessage = 1 << 20
	// maxEvents bounds how many events a case keeps.
	maxEvents = 1000
)

// Options say how to open a case's channel.
type Options struct {
	// Auth names the credential (a case's auth:); the channel belongs to it.
	Auth string
	// Topics are subscribed with PUT; none subscribes to nothing.
	Topics []string
	// Header is added to the channel's creation request: the built-in
	// mock's fault and session headers.
	Header http.Header
	// Case names the case, for errors.
	Case string
	// Client is the HTTP client the WebSocket handshake goes through: the
	// built-in mock's reaches it in memory (target.Channels). Nil is
	// http.DefaultClient.
	Client *http.Client
}

// Listener is an open channel and what has arrived on it.
type Listener struct {
	ws      *websocket.Conn
	channel results.Channel
	done    chan struct{} // closed when the reader stops

	mu      sync.Mutex
	sent    time.Time
	events  []results.Event
	closing bool
	changed chan struct{} // gets a value when an event arrives or the connection ends
}

// Open creates the channel, connects to its connectUri and subscribes it.
func Open(ctx context.Context, sender *target.Sender, s *spec.Spec, o Options) (*Listener, error) {
	var ch struct {
		ID         string `json:"id"`
		ConnectURI string `json:"connectUri"`
	}
	if err := call(ctx, sender, s, &target.Request{Method: http.MethodPost, Path: channelsPath, Header: o.Header, Auth: o.Auth, Case: o.Case}, &ch); err != nil {
		return nil, err
	}
	if ch.ID == "" || ch.ConnectURI == "" {
		return nil, fmt.Errorf("opening a notification channel: POST %s answered no id and connectUri", channelsPath)
	}
	ws, _, err := websocket.Dial(ctx, ch.ConnectURI, &websocket.DialOptions{HTTPClient: o.Client})
	if err != nil {
		return nil, fmt.Errorf("opening the notification channel %s: %w", ch.ID, err)
	}
	ws.SetReadLimit(maxMessage)
	topics := make([]map[string]string, len(o.Topics))
	for i, t := range o.Topics {
		topics[i] = map[string]string{"id": t}
	}
	body, _ := json.Marshal(topics)
	put := &target.Request{Method: http.MethodPut, Path: fmt.Sprintf(subscriptionsPath, ch.ID), Body: body,
		Header: http.Header{"Content-Type": {"application/json"}}, Auth: o.Auth, Case: o.Case}
	if err := call(ctx, sender, s, put, nil); err != nil {
		_ = ws.CloseNow()
		return nil, err
	}
	l := &Listener{ws: ws, channel: results.Channel{ID: ch.ID, Topics: o.Topics}, done: make(chan struct{}), changed: make(chan struct{}, 1)}
	go l.read()
	return l, nil
}

// call sends one of the channel's REST requests and decodes its answer.
func call(ctx context.Context, sender *target.Sender, s *spec.Spec, r *target.Request, out any) error {
	ex, err := sender.Send(ctx, s, r)
	if err != nil {
		return fmt.Errorf("notification channel: %w", err)
	}
	if ex.Response.Status != http.StatusOK {
		return fmt.Errorf("notification channel: %s %s answered %d: %s", r.Method, r.Path, ex.Response.Status, clip(ex.Response.Body))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(ex.Response.Body, out); err != nil {
		return fmt.Errorf("notification channel: %s %s answered no JSON: %w", r.Method, r.Path, err)
	}
	return nil
}

func clip(b []byte) string {
	if len(b) > 200 {
		return string(b[:197]) + "..."
	}
	return string(b)
}

// Sent marks the moment the case's request goes out: an event's within
// counts from here.
func (l *Listener) Sent() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent = time.Now()
}

// read keeps every message but the channel's own (channel.metadata
// heartbeats and pongs) until the connection ends.
func (l *Listener) read() {
	defer close(l.done)
	for {
		_, data, err := l.ws.Read(context.Background())
		if err != nil {
			l.mu.Lock()
			if !l.closing {
				l.channel.Ended = describe(err)
			}
			l.mu.Unlock()
			l.signal()
			return
		}
		var m struct {
			TopicName string          `json:"topicName"`
			EventBody json.RawMessage `json:"eventBody"`
		}
		if json.Unmarshal(data, &m) != nil || m.TopicName == "" || m.TopicName == "channel.metadata" {
			continue
		}
		l.mu.Lock()
		if len(l.events) < maxEvents {
			l.events = append(l.events, results.Event{TopicName: m.TopicName, Body: m.EventBody, After: since(l.sent)})
		}
		l.mu.Unlock()
		l.signal()
	}
}

func since(t time.Time) time.Duration {
	if t.IsZero() {
		return 0
	}
	return time.Since(t)
}

func (l *Listener) signal() {
	select {
	case l.changed <- struct{}{}:
	default:
	}
}

// describe says how a connection ended: its close frame, or a drop.
func describe(err error) string {
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		return fmt.Sprintf("closed by the server: %d %s", ce.Code, ce.Reason)
	}
	return "dropped without a close frame"
}

// Await waits until each expectation is settled and returns the
// differences: an expected event that did not come (or came with another
// body), and an absent one that came. A connection that ends settles the
// rest: nothing more can arrive.
func (l *Listener) Await(ctx context.Context, want []casefile.ExpectedEvent) []diff.Difference {
	for {
		out, next, pending := l.settle(want)
		if !pending {
			return out
		}
		timer := time.NewTimer(time.Until(next))
		select {
		case <-l.changed:
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			out, _, _ = l.settle(want)
			return out
		}
		timer.Stop()
	}
}

// settle checks every expectation against what has arrived; pending says
// whether one is still open, next when the earliest open one runs out.
func (l *Listener) settle(want []casefile.ExpectedEvent) (out []diff.Difference, next time.Time, pending bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ended := l.channel.Ended != ""
	now := time.Now()
	for _, w := range want {
		match, seen := l.find(w)
		deadline := l.sent.Add(within(w))
		open := !ended && now.Before(deadline)
		if w.Absent {
			if match != nil {
				out = append(out, diff.Difference{Part: diff.Event, Pointer: w.TopicName, Got: jsonValue(match.Body), Extra: true})
			} else if open {
				pending, next = true, earliest(next, deadline)
			}
			continue
		}
		switch {
		case match != nil:
		case open:
			pending, next = true, earliest(next, deadline)
		case seen != nil:
			out = append(out, diff.Difference{Part: diff.Event, Pointer: w.TopicName, Want: wantOf(w), Got: jsonValue(seen.Body)})
		default:
			out = append(out, diff.Difference{Part: diff.Event, Pointer: w.TopicName, Want: wantOf(w), Missing: true})
		}
	}
	if pending {
		return nil, next, true
	}
	return out, next, false
}

// find returns the first event that matches w, and the last one on w's
// topic (to show what came instead).
func (l *Listener) find(w casefile.ExpectedEvent) (match, seen *results.Event) {
	for i := range l.events {
		e := &l.events[i]
		if e.TopicName != w.TopicName {
			continue
		}
		seen = e
		if w.Body == nil || len(diff.Bodies(w.Body.V, jsonValue(e.Body), diff.Options{})) == 0 {
			return e, seen
		}
	}
	return nil, seen
}

func within(w casefile.ExpectedEvent) time.Duration {
	if w.Within > 0 {
		return time.Duration(w.Within)
	}
	return casefile.DefaultEventWithin
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

// wantOf is what a report shows as wanted: the body, or that an event was.
func wantOf(w casefile.ExpectedEvent) any {
	if w.Body != nil {
		return w.Body.V
	}
	return fmt.Sprintf("an event within %v", within(w))
}

func jsonValue(b []byte) any {
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return string(b)
	}
	return v
}

// Close ends the connection and returns the channel and the events that
// arrived on it.
func (l *Listener) Close() (*results.Channel, []results.Event) {
	l.mu.Lock()
	l.closing = true
	l.mu.Unlock()
	_ = l.ws.CloseNow()
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	ch := l.channel
	return &ch, append([]results.Event(nil), l.events...)
}
