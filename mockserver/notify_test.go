package mockserver

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/casebook-dev/casebook/internal/fakeclock"
)

// The notification channel's tests run on a fake clock: heartbeats, faults
// and lifetimes happen when a test advances it, never on the wall clock.
// Reads have a generous deadline only so that a bug hangs no test run.

const (
	callsTopic = "v2.users.agent-with-station.conversations.calls"
	hangGuard  = 30 * time.Second
)

var clockStart = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// notifyMock starts the Genesys mock on a fake clock, with the overlay's
// notifications: section adjusted by edit.
func notifyMock(t *testing.T, edit func(*Notifications), mutate ...func(*Config)) (*Server, *fakeclock.Clock) {
	t.Helper()
	clk := fakeclock.New(clockStart)
	srv, _ := startMock(t, genesysSpec, append([]func(*Config){func(c *Config) {
		c.Clock = clk
		if edit != nil {
			edit(c.Overlay.Notifications)
		}
	}}, mutate...)...)
	return srv, clk
}

// openChannel creates a channel as the agent, subscribes it to the calls
// topic and connects to it.
func openChannel(t *testing.T, srv *Server, tok string, header ...string) (id string, ws *websocket.Conn) {
	t.Helper()
	return openChannelOn(t, srv, tok, callsTopic, header...)
}

// openChannelOn creates a channel, subscribes it to topic and connects to it.
func openChannelOn(t *testing.T, srv *Server, tok, topic string, header ...string) (id string, ws *websocket.Conn) {
	t.Helper()
	r := sendWith(t, srv, "POST", "/api/v2/notifications/channels", tok, "", header...)
	if r.status != 200 {
		t.Fatalf("POST channels = %d %s", r.status, r.raw)
	}
	id = r.str("id")
	put := send(t, srv, "PUT", "/api/v2/notifications/channels/"+id+"/subscriptions", tok, "", `[{"id": "`+topic+`"}]`)
	if put.status != 200 {
		t.Fatalf("PUT subscriptions = %d %s", put.status, put.raw)
	}
	return id, dial(t, r.str("connectUri"))
}

func dial(t *testing.T, uri string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	ws, resp, err := websocket.Dial(ctx, uri, nil)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("Dial(%s) = %d, %v", uri, status, err)
	}
	t.Cleanup(func() { _ = ws.CloseNow() })
	return ws
}

// sendWith is send with extra headers given as "Name: value".
func sendWith(t *testing.T, srv *Server, method, path, tok, body string, header ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	for _, h := range header {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	resp, err := guardedClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r response
	r.status, r.header = resp.StatusCode, resp.Header
	_ = json.NewDecoder(resp.Body).Decode(&r.body)
	r.raw, _ = json.Marshal(r.body)
	return r
}

// next reads one message; err is the read error when the connection ended.
func next(t *testing.T, ws *websocket.Conn) (map[string]any, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	return nextBy(ctx, t, ws)
}

// nextBy is next under the caller's deadline.
func nextBy(ctx context.Context, t *testing.T, ws *websocket.Conn) (map[string]any, error) {
	t.Helper()
	_, data, err := ws.Read(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatal("no message and no close: the channel hangs")
	}
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("message is not JSON: %q", data)
	}
	return m, nil
}

func mustNext(t *testing.T, ws *websocket.Conn) map[string]any {
	t.Helper()
	m, err := next(t, ws)
	if err != nil {
		t.Fatalf("reading the channel: %v", err)
	}
	return m
}

// metadata is the eventBody.message of a channel.metadata message, "" for any other.
func metadata(m map[string]any) string {
	if m["topicName"] != "channel.metadata" {
		return ""
	}
	body, _ := m["eventBody"].(map[string]any)
	s, _ := body["message"].(string)
	return s
}

func ping(t *testing.T, ws *websocket.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	if err := ws.Write(ctx, websocket.MessageText, []byte(`{"message":"ping"}`)); err != nil {
		t.Fatalf("sending ping: %v", err)
	}
}

// wantClosed reads until the connection ends and checks how: a close code,
// or -1 for a drop with no close frame. One deadline bounds the whole wait,
// so a channel that keeps sending heartbeats and never closes fails too.
func wantClosed(t *testing.T, ws *websocket.Conn, code websocket.StatusCode, reason string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	for {
		m, err := nextBy(ctx, t, ws)
		if err == nil {
			if metadata(m) == "" && m["topicName"] != "v2.system.socket_closing" {
				t.Fatalf("while waiting for the close: unexpected message %v", m)
			}
			continue
		}
		if got := websocket.CloseStatus(err); got != code {
			t.Fatalf("connection ended with close status %d (%v), want %d", got, err, code)
		}
		var ce websocket.CloseError
		if reason != "" && (!errors.As(err, &ce) || !strings.Contains(ce.Reason, reason)) {
			t.Errorf("close reason = %q, want it to contain %q", ce.Reason, reason)
		}
		return
	}
}

func TestChannelHeartbeatPongAndEvent(t *testing.T) {
	srv, clk := notifyMock(t, nil)
	tok := tokenFor(t, srv, "agent")
	r := send(t, srv, "POST", "/api/v2/notifications/channels", tok, "", "")
	if r.status != 200 {
		t.Fatalf("POST channels = %d %s", r.status, r.raw)
	}
	id := r.str("id")
	if want := "ws://" + strings.TrimPrefix(srv.URL(), "http://") + "/channels/" + id; r.str("connectUri") != want {
		t.Errorf("connectUri = %q, want %q", r.str("connectUri"), want)
	}
	if want := "2026-11-27T09:00:00.000Z"; r.str("expires") != want {
		t.Errorf("expires = %q, want %q (24 h on)", r.str("expires"), want)
	}
	ws := dial(t, r.str("connectUri"))
	put := send(t, srv, "PUT", "/api/v2/notifications/channels/"+id+"/subscriptions", tok, "", `[{"id": "`+callsTopic+`"}]`)
	if put.status != 200 || !strings.Contains(string(put.raw), callsTopic) {
		t.Fatalf("PUT subscriptions = %d %s", put.status, put.raw)
	}

	ping(t, ws)
	if got := metadata(mustNext(t, ws)); got != "pong" {
		t.Errorf(`answer to {"message":"ping"} = %q, want "pong"`, got)
	}
	clk.Advance(30 * time.Second)
	if got := metadata(mustNext(t, ws)); got != "WebSocket Heartbeat" {
		t.Errorf("after 30 s = %q, want the heartbeat", got)
	}

	call := send(t, srv, "POST", "/api/v2/conversations/calls", tok, "", `{"phoneNumber": "+13175550123"}`)
	if call.status != 200 {
		t.Fatalf("POST calls = %d %s", call.status, call.raw)
	}
	ev := mustNext(t, ws)
	body, _ := ev["eventBody"].(map[string]any)
	if ev["topicName"] != callsTopic || ev["version"] != "2" || body["id"] != call.str("id") {
		t.Fatalf("event = %v, want topic %s with the call's id %s", ev, callsTopic, call.str("id"))
	}
	parts, _ := body["participants"].([]any)
	agent, _ := parts[0].(map[string]any)
	user, _ := agent["user"].(map[string]any)
	if len(parts) != 2 || user["id"] != "agent-with-station" {
		t.Errorf("participants = %v, want the agent (user agent-with-station) and the customer", parts)
	}
}

func TestSubscriptionsAreTheChannelsState(t *testing.T) {
	srv, _ := notifyMock(t, func(n *Notifications) { n.TopicLimit = 2 })
	tok := tokenFor(t, srv, "agent")
	id, _ := openChannel(t, srv, tok)
	subs := "/api/v2/notifications/channels/" + id + "/subscriptions"
	topics := func() string {
		r := send(t, srv, "GET", subs, tok, "", "")
		if r.status != 200 {
			t.Fatalf("GET subscriptions = %d %s", r.status, r.raw)
		}
		return strings.TrimSpace(string(r.raw))
	}
	if got := topics(); got != `{"entities":[{"id":"`+callsTopic+`"}]}` {
		t.Errorf("after PUT: %s", got)
	}
	if r := send(t, srv, "POST", subs, tok, "", `[{"id": "v2.users.agent-with-station.presence"}]`); r.status != 200 {
		t.Fatalf("POST subscriptions = %d %s", r.status, r.raw)
	}
	if got := topics(); !strings.Contains(got, callsTopic) || !strings.Contains(got, ".presence") {
		t.Errorf("POST adds to the list; after it: %s", got)
	}
	tests := []struct {
		name, method, path, body string
		status                   int
		message                  string
	}{
		{"unknown topic, with a suggestion", "PUT", subs, `[{"id": "v2.users.agent-with-station.conversations.call"}]`, 400,
			`did you mean "` + callsTopic + `"?`},
		{"a system topic is not subscribable", "PUT", subs, `[{"id": "channel.metadata"}]`, 400, "not a topic"},
		{"past the topic limit", "POST", subs, `[{"id": "v2.users.u2.presence"}]`, 400, "at most 2 topics"},
		{"unknown channel", "GET", "/api/v2/notifications/channels/streaming-0-nope/subscriptions", "", 404, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, srv, tt.method, tt.path, tok, "", tt.body)
			if r.status != tt.status || !strings.Contains(r.str("message"), tt.message) {
				t.Errorf("%s %s = %d %q, want %d containing %q", tt.method, tt.path, r.status, r.str("message"), tt.status, tt.message)
			}
		})
	}
	if r := send(t, srv, "GET", subs, tokenFor(t, srv, "agent-no-station"), "", ""); r.status != 404 {
		t.Errorf("another user's channel = %d, want 404", r.status)
	}
	if r := send(t, srv, "DELETE", subs, tok, "", ""); r.status != 200 {
		t.Errorf("DELETE subscriptions = %d %s", r.status, r.raw)
	}
	if got := topics(); got != `{"entities":[]}` {
		t.Errorf("after DELETE: %s", got)
	}
	r := send(t, srv, "GET", "/api/v2/notifications/availabletopics", tok, "", "")
	if r.status != 200 || !strings.Contains(string(r.raw), `"v2.users.{id}.conversations.calls"`) {
		t.Errorf("availabletopics = %d %s", r.status, r.raw)
	}
}

func TestEventsReachOnlySubscribedChannels(t *testing.T) {
	srv, clk := notifyMock(t, nil)
	tok := tokenFor(t, srv, "agent")
	_, subscribed := openChannel(t, srv, tok)
	r := send(t, srv, "POST", "/api/v2/notifications/channels", tok, "", "")
	other := dial(t, r.str("connectUri")) // connected, subscribed to nothing
	send(t, srv, "POST", "/api/v2/conversations/calls", tok, "", `{"phoneNumber": "+13175550123"}`)
	if ev := mustNext(t, subscribed); ev["topicName"] != callsTopic {
		t.Errorf("subscribed channel got %v", ev)
	}
	// The other channel's next message is its heartbeat: no event came before it.
	clk.Advance(30 * time.Second)
	if got := metadata(mustNext(t, other)); got != "WebSocket Heartbeat" {
		t.Errorf("unsubscribed channel's first message = %q, want the heartbeat", got)
	}
}

// TestEventsStayInTheirSession: cases running at once each get a session,
// and a channel sees only the events its own session's requests cause.
func TestEventsStayInTheirSession(t *testing.T) {
	srv, clk := notifyMock(t, nil)
	tok := tokenFor(t, srv, "agent")
	_, plain := openChannel(t, srv, tok)
	_, inSession := openChannel(t, srv, tok, ChannelSessionHeader+": case-1")
	call := func(header ...string) string {
		r := sendWith(t, srv, "POST", "/api/v2/conversations/calls", tok, `{"phoneNumber": "+13175550123"}`,
			append(header, "Content-Type: application/json")...)
		if r.status != 200 {
			t.Fatalf("POST calls = %d %s", r.status, r.raw)
		}
		return r.str("id")
	}
	eventID := func(m map[string]any) any { body, _ := m["eventBody"].(map[string]any); return body["id"] }
	first := call(ChannelSessionHeader + ": case-1")
	second := call()
	clk.Advance(30 * time.Second) // a heartbeat closes each channel's stream of messages
	for name, tt := range map[string]struct {
		ws   *websocket.Conn
		want string
	}{"the session's channel": {inSession, first}, "the channel without a session": {plain, second}} {
		if got := eventID(mustNext(t, tt.ws)); got != tt.want {
			t.Errorf("%s got event %v, want %s", name, got, tt.want)
		}
		if got := metadata(mustNext(t, tt.ws)); got != "WebSocket Heartbeat" {
			t.Errorf("%s: after its event came %q, want the heartbeat and no other event", name, got)
		}
	}
}

func TestChannelLimitRemovesTheLeastUsedIdleChannel(t *testing.T) {
	srv, clk := notifyMock(t, func(n *Notifications) { n.ChannelLimit = 2 })
	tok := tokenFor(t, srv, "agent")
	connected, ws := openChannel(t, srv, tok) // oldest, but connected
	clk.Advance(time.Second)
	idle := send(t, srv, "POST", "/api/v2/notifications/channels", tok, "", "").str("id")
	clk.Advance(time.Second)
	third := send(t, srv, "POST", "/api/v2/notifications/channels", tok, "", "")
	for id, want := range map[string]int{connected: 200, idle: 404} {
		if r := send(t, srv, "GET", "/api/v2/notifications/channels/"+id+"/subscriptions", tok, "", ""); r.status != want {
			t.Errorf("channel %s after the third = %d, want %d", id, r.status, want)
		}
	}
	if srv.Channels() != 2 {
		t.Errorf("Channels() = %d, want 2", srv.Channels())
	}
	// At the limit with only connected channels, the least recently used goes, connection and all.
	dial(t, third.str("connectUri"))
	send(t, srv, "POST", "/api/v2/notifications/channels", tok, "", "")
	wantClosed(t, ws, websocket.StatusGoingAway, "channel limit")
}

// TestChannelLimitIsPerSession: cases running at once, each in its own
// session, do not push each other's channels out; the mock's own bound on
// channels in all still holds.
func TestChannelLimitIsPerSession(t *testing.T) {
	srv, _ := notifyMock(t, func(n *Notifications) { n.ChannelLimit = 2 })
	tok := tokenFor(t, srv, "agent")
	for _, session := range []string{"a", "a", "b", "b"} {
		sendWith(t, srv, "POST", "/api/v2/notifications/channels", tok, "", ChannelSessionHeader+": "+session)
	}
	if srv.Channels() != 4 {
		t.Errorf("two sessions at the limit of 2: Channels() = %d, want 4", srv.Channels())
	}
	srv.notify.mu.Lock()
	srv.notify.maxChannels = 4
	srv.notify.mu.Unlock()
	sendWith(t, srv, "POST", "/api/v2/notifications/channels", tok, "", ChannelSessionHeader+": c")
	if srv.Channels() != 4 {
		t.Errorf("past the mock's bound of 4: Channels() = %d, want 4", srv.Channels())
	}
	sendWith(t, srv, "POST", "/api/v2/notifications/channels", tok, "", ChannelSessionHeader+": a") // over a's limit
	checkSessionIndex(t, srv.notify)
}

// checkSessionIndex: the notifier's channels by session are its channels,
// each once, under its own session, and no session is left without one.
func checkSessionIndex(t *testing.T, n *notifier) {
	t.Helper()
	n.mu.Lock()
	defer n.mu.Unlock()
	indexed := 0
	for session, chs := range n.bySession {
		if len(chs) == 0 {
			t.Errorf("bySession[%q] is empty, want the key gone", session)
		}
		for _, ch := range chs {
			indexed++
			if n.channels[ch.id] != ch || ch.session != session {
				t.Errorf("bySession[%q] holds channel %s of session %q, kept: %v", session, ch.id, ch.session, n.channels[ch.id] == ch)
			}
		}
	}
	if indexed != len(n.channels) {
		t.Errorf("bySession holds %d channels, the notifier %d", indexed, len(n.channels))
	}
}

func TestChannelEndsAfterItsLifetimeUnlessResubscribed(t *testing.T) {
	srv, clk := notifyMock(t, func(n *Notifications) { n.Lifetime = Duration(10 * time.Minute) })
	tok := tokenFor(t, srv, "agent")
	id, ws := openChannel(t, srv, tok)
	subs := "/api/v2/notifications/channels/" + id + "/subscriptions"
	clk.Advance(9 * time.Minute)
	if r := send(t, srv, "PUT", subs, tok, "", `[{"id": "`+callsTopic+`"}]`); r.status != 200 {
		t.Fatalf("re-subscribing = %d", r.status)
	}
	clk.Advance(9 * time.Minute) // 18 min after creation, 9 after the renewal
	if r := send(t, srv, "GET", subs, tok, "", ""); r.status != 200 {
		t.Fatalf("a renewed channel = %d, want 200", r.status)
	}
	clk.Advance(time.Minute)
	wantClosed(t, ws, websocket.StatusGoingAway, "channel expired")
	if r := send(t, srv, "GET", subs, tok, "", ""); r.status != 404 {
		t.Errorf("an expired channel = %d, want 404", r.status)
	}
}

func TestChannelEndsWhenItsTokenExpires(t *testing.T) {
	srv, clk := notifyMock(t, nil)
	_, ws := openChannel(t, srv, tokenFor(t, srv, "agent"))
	clk.Advance(time.Hour) // the overlay's token lifetime
	wantClosed(t, ws, websocket.StatusGoingAway, "token expired")
	if srv.Channels() != 0 {
		t.Errorf("Channels() = %d after the token expired, want 0", srv.Channels())
	}
	checkSessionIndex(t, srv.notify)
}

func TestANewConnectionReplacesTheOld(t *testing.T) {
	srv, _ := notifyMock(t, nil)
	tok := tokenFor(t, srv, "agent")
	r := send(t, srv, "POST", "/api/v2/notifications/channels", tok, "", "")
	first := dial(t, r.str("connectUri"))
	second := dial(t, r.str("connectUri"))
	wantClosed(t, first, websocket.StatusGoingAway, "replaced")
	ping(t, second)
	if got := metadata(mustNext(t, second)); got != "pong" {
		t.Errorf("the new connection answers %q, want pong", got)
	}
}

func TestWSFaults(t *testing.T) {
	tests := []struct {
		name   string
		faults string
		check  func(t *testing.T, clk *fakeclock.Clock, ws *websocket.Conn)
	}{
		{"reset-after drops without a close frame", "reset-after=1m", func(t *testing.T, clk *fakeclock.Clock, ws *websocket.Conn) {
			clk.Advance(time.Minute)
			wantClosed(t, ws, -1, "")
		}},
		{"close-after closes with 1001", "close-after=1m", func(t *testing.T, clk *fakeclock.Clock, ws *websocket.Conn) {
			clk.Advance(time.Minute)
			wantClosed(t, ws, websocket.StatusGoingAway, "close-after")
		}},
		{"no-heartbeat", "no-heartbeat", func(t *testing.T, clk *fakeclock.Clock, ws *websocket.Conn) {
			clk.Advance(time.Minute)
			ping(t, ws) // a heartbeat, had one been sent, would come before the pong
			if got := metadata(mustNext(t, ws)); got != "pong" {
				t.Errorf("first message after a minute = %q, want pong (no heartbeat)", got)
			}
		}},
		{"no-pong", "no-pong", func(t *testing.T, clk *fakeclock.Clock, ws *websocket.Conn) {
			for range 2 { // a pong to the first ping would come before the second heartbeat
				ping(t, ws)
				clk.Advance(30 * time.Second)
				if got := metadata(mustNext(t, ws)); got != "WebSocket Heartbeat" {
					t.Fatalf("after a ping = %q, want only heartbeats", got)
				}
			}
		}},
		{"warn-then-close", "warn-then-close=1m,no-heartbeat", func(t *testing.T, clk *fakeclock.Clock, ws *websocket.Conn) {
			clk.Advance(time.Minute)
			if m := mustNext(t, ws); m["topicName"] != "v2.system.socket_closing" {
				t.Fatalf("after a minute = %v, want the maintenance warning", m)
			}
			clk.Advance(time.Minute)
			wantClosed(t, ws, websocket.StatusGoingAway, "maintenance")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, clk := notifyMock(t, nil, func(c *Config) {
				f, err := ParseWSFaults(tt.faults)
				if err != nil {
					t.Fatal(err)
				}
				c.Notify.Faults = f
			})
			_, ws := openChannel(t, srv, tokenFor(t, srv, "agent"))
			tt.check(t, clk, ws)
		})
	}
}

func TestRefuseReconnect(t *testing.T) {
	srv, clk := notifyMock(t, nil)
	tok := tokenFor(t, srv, "agent")
	// Faults for this channel alone, as a case sets them.
	r := sendWith(t, srv, "POST", "/api/v2/notifications/channels", tok, "", WSFaultHeader+": reset-after=10s,refuse-reconnect=1m")
	uri := r.str("connectUri")
	ws := dial(t, uri)
	clk.Advance(10 * time.Second)
	wantClosed(t, ws, -1, "")

	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, uri, nil)
	if err == nil || resp == nil || resp.StatusCode != 503 {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("reconnecting within the refusal = %d, %v; want 503", status, err)
	}
	clk.Advance(time.Minute)
	ws = dial(t, uri) // accepted again
	ping(t, ws)
	if got := metadata(mustNext(t, ws)); got != "pong" {
		t.Errorf("after the refusal the channel answers %q, want pong", got)
	}
}

func TestChannelEndpointErrors(t *testing.T) {
	srv, _ := notifyMock(t, nil)
	tok := tokenFor(t, srv, "agent")
	if r := sendWith(t, srv, "POST", "/api/v2/notifications/channels", tok, "", WSFaultHeader+": reset-aftr=1s"); r.status != 400 ||
		!strings.Contains(r.str("message"), `did you mean "reset-after"?`) {
		t.Errorf("a misspelt fault header = %d %q, want 400 with a suggestion", r.status, r.str("message"))
	}
	uri := send(t, srv, "POST", "/api/v2/notifications/channels", tok, "", "").str("connectUri")
	plain := strings.Replace(uri, "ws://", "http://", 1)
	if r := send(t, srv, "GET", strings.TrimPrefix(plain, srv.URL()), "", "", ""); r.status != http.StatusUpgradeRequired {
		t.Errorf("a plain GET of the connectUri = %d, want 426", r.status)
	}
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	if _, resp, err := websocket.Dial(ctx, strings.TrimSuffix(uri, uri[len(uri)-4:])+"zzzz", nil); err == nil || resp == nil || resp.StatusCode != 404 {
		t.Errorf("dialling an unknown channel: %v, want 404", err)
	}
}

// TestChannelOverTLS mounts the mock's Handler in a TLS server: the
// connectUri is wss://, and the socket works through it.
func TestChannelOverTLS(t *testing.T) {
	ov, err := LoadOverlay(OverlayPathFor(genesysSpec))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Spec: loadSpec(t, genesysSpec), Overlay: ov, Clock: fakeclock.New(clockStart)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(srv.Handler())
	defer ts.Close()
	defer srv.Close()
	id, secret, _ := srv.Client("agent")
	req, _ := http.NewRequest("POST", ts.URL+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth(id, secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	mustDecode(t, ts.Client(), req, &tok)
	req, _ = http.NewRequest("POST", ts.URL+"/api/v2/notifications/channels", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	var ch struct{ ConnectURI string }
	mustDecode(t, ts.Client(), req, &ch)
	if want := "wss://" + strings.TrimPrefix(ts.URL, "https://") + "/channels/"; !strings.HasPrefix(ch.ConnectURI, want) {
		t.Fatalf("connectUri = %q, want it to start %q", ch.ConnectURI, want)
	}
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, ch.ConnectURI, &websocket.DialOptions{HTTPClient: ts.Client()})
	if err != nil {
		t.Fatalf("Dial(%s): %v", ch.ConnectURI, err)
	}
	defer ws.CloseNow()
	ping(t, ws)
	if got := metadata(mustNext(t, ws)); got != "pong" {
		t.Errorf("over TLS the channel answers %q, want pong", got)
	}
}

func mustDecode(t *testing.T, c *http.Client, req *http.Request, v any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(req.Context(), hangGuard)
	defer cancel()
	resp, err := c.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s = %d", req.Method, req.URL.Path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func TestShutdownClosesChannels(t *testing.T) {
	srv, _ := notifyMock(t, nil)
	_, ws := openChannel(t, srv, tokenFor(t, srv, "agent"))
	// The client reads while the server closes, as a real one does, so the
	// close handshake completes.
	ended := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
		defer cancel()
		_, _, err := ws.Read(ctx)
		ended <- err
	}()
	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	err := <-ended
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.StatusGoingAway || !strings.Contains(ce.Reason, "shutting down") {
		t.Errorf("the channel ended with %v, want 1001 server shutting down", err)
	}
}

func TestNotificationsNeedTheOverlaySection(t *testing.T) {
	_, err := New(Config{Spec: loadSpec(t, pcSpec), Notify: NotifyOptions{Heartbeat: time.Second}})
	if err == nil || !strings.Contains(err.Error(), "no notifications: section") {
		t.Errorf("New with a heartbeat and no notifications section: %v", err)
	}
	_, err = DecodeOverlay("o.yaml", []byte("notifications:\n  heartbeat: 1s\n  faults: {reset-aftr: 1s}\n"))
	if err == nil || !strings.Contains(err.Error(), `o.yaml:3:12: notifications.faults: unknown key "reset-aftr" (did you mean "reset-after"?)`) {
		t.Errorf("a misspelt fault in the overlay: %v", err)
	}
	ov, err := DecodeOverlay("o.yaml", []byte("notifications:\n  heartbeat: 1s\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(Config{Spec: loadSpec(t, genesysSpec), Overlay: ov})
	for _, want := range []string{"o.yaml:2:3: notifications.topics: list the topic patterns", "o.yaml:2:3: notifications: source: is required"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New with a bare notifications section: %v, want %q", err, want)
		}
	}
}
