// Package notifications is a small Genesys Cloud notification-channel
// client that survives what real channels do to it, and the answer to the
// forum thread's last pitfall: "the 400 error might be masking a dropped
// notification channel that fails to re-subscribe after a TCP reset. Check
// your ping/pong intervals."
//
// A naive client opens the channel's WebSocket once and reads until it
// fails. Real channels go quiet without closing (a proxy that drops the
// TCP connection, a node that stops answering), close for maintenance
// after a warning, expire after 24 hours or with their token, and refuse
// connections for a while. This client
//
//   - pings with {"message":"ping"} and reconnects when no pong comes back
//     within PongTimeout;
//   - reconnects when no heartbeat arrives within HeartbeatTimeout;
//   - reconnects at once on the maintenance warning (v2.system.socket_closing);
//   - reconnects after any drop, backing off (Backoff, doubled up to
//     MaxBackoff) while connections are refused;
//   - creates a new channel when the old one is gone (404), and
//   - subscribes its topics again (PUT) after every connection, so no
//     connection is ever left open with nothing subscribed.
//
// It is tested against casebook's mock under every fault the mock can
// inject (client_test.go): after each reconnection, every event published
// after the re-subscription arrives. Events published while the client is
// disconnected are not kept by the channel; a client that must not miss
// state re-reads it (GET the conversation) after Trace kind Subscribed.
//
//	hc := clientcredentials.Config{...}.Client(ctx)   // or any authenticated *http.Client
//	c, _ := notifications.New(notifications.Config{
//		BaseURL: "https://api.mypurecloud.com", HTTP: hc,
//		Topics:  []string{"v2.users." + userID + ".conversations.calls"},
//	})
//	err := c.Run(ctx, func(e notifications.Event) { ... })
package notifications

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// Config says where the channel is and how patient to be. Zero durations
// take the defaults.
type Config struct {
	// BaseURL is the API's base URL (https://api.mypurecloud.com).
	BaseURL string
	// HTTP sends the REST requests with a valid token (an oauth2 client).
	HTTP *http.Client
	// Topics are subscribed after every connection.
	Topics []string

	// PingEvery is how often to send {"message":"ping"} (default 10s).
	PingEvery time.Duration
	// PongTimeout is how long a ping may wait for its pong (default 5s).
	PongTimeout time.Duration
	// HeartbeatTimeout is how long the channel may go without a heartbeat
	// (default 75s: two and a half of the vendor's 30 s heartbeats).
	HeartbeatTimeout time.Duration
	// Backoff is the first wait after a failed connection (default 1s),
	// doubled after each further failure up to MaxBackoff (default 30s).
	Backoff, MaxBackoff time.Duration

	// Clock times pings, timeouts and back-off; nil is the wall clock.
	// Tests pass a fake one.
	Clock Clock
	// Trace, when set, is told each step (connected, pong, disconnected...).
	// It is called from the client's goroutine and must not block.
	Trace func(Trace)
}

// Clock is what the client needs of time: AfterFunc as time.AfterFunc,
// returning the timer's Stop.
type Clock interface {
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

type wallClock struct{}

func (wallClock) AfterFunc(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }

// TraceKind names a step of the client's life.
type TraceKind string

const (
	ChannelCreated TraceKind = "channel created"
	Connected      TraceKind = "connected"
	Subscribed     TraceKind = "subscribed" // events published from now on arrive
	Heartbeat      TraceKind = "heartbeat"
	PingSent       TraceKind = "ping"
	PongReceived   TraceKind = "pong"
	ClosingWarning TraceKind = "closing warning"
	Disconnected   TraceKind = "disconnected" // Detail says why
	Retrying       TraceKind = "retrying"     // Detail: the wait and the failure
)

// Trace is one step, for logs and tests.
type Trace struct {
	Kind   TraceKind
	Detail string
}

// Event is one notification.
type Event struct {
	TopicName string          `json:"topicName"`
	Version   string          `json:"version"`
	EventBody json.RawMessage `json:"eventBody"`
	Metadata  struct {
		CorrelationID string `json:"CorrelationId"`
	} `json:"metadata"`
}

// Client keeps one channel connected and subscribed.
type Client struct {
	cfg     Config
	channel *channelInfo
	backoff time.Duration
}

type channelInfo struct {
	ID         string `json:"id"`
	ConnectURI string `json:"connectUri"`
}

// New checks the configuration and fills its defaults.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" || cfg.HTTP == nil || len(cfg.Topics) == 0 {
		return nil, errors.New("notifications: Config needs BaseURL, HTTP and Topics")
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	defaults := []struct {
		d   *time.Duration
		def time.Duration
	}{{&cfg.PingEvery, 10 * time.Second}, {&cfg.PongTimeout, 5 * time.Second},
		{&cfg.HeartbeatTimeout, 75 * time.Second}, {&cfg.Backoff, time.Second}, {&cfg.MaxBackoff, 30 * time.Second}}
	for _, d := range defaults {
		if *d.d <= 0 {
			*d.d = d.def
		}
	}
	if cfg.Clock == nil {
		cfg.Clock = wallClock{}
	}
	if cfg.Trace == nil {
		cfg.Trace = func(Trace) {}
	}
	return &Client{cfg: cfg, backoff: cfg.Backoff}, nil
}

// Run keeps the channel connected and calls handle for each event, until
// ctx ends; it then returns ctx's error. handle runs in Run's goroutine.
func (c *Client) Run(ctx context.Context, handle func(Event)) error {
	for ctx.Err() == nil {
		ws, err := c.connect(ctx)
		if err != nil {
			c.retry(ctx, err)
			continue
		}
		c.backoff = c.cfg.Backoff
		reason := c.session(ctx, ws, handle)
		_ = ws.CloseNow()
		c.cfg.Trace(Trace{Kind: Disconnected, Detail: reason})
	}
	return ctx.Err()
}

// errChannelGone: the channel no longer exists (expired, its token expired,
// or the channel limit removed it); the next attempt creates a new one.
var errChannelGone = errors.New("the channel is gone")

// connect makes sure there is a channel, opens it and subscribes it.
func (c *Client) connect(ctx context.Context) (*websocket.Conn, error) {
	if c.channel == nil {
		ch, err := c.createChannel(ctx)
		if err != nil {
			return nil, err
		}
		c.channel = ch
		c.cfg.Trace(Trace{Kind: ChannelCreated, Detail: ch.ID})
	}
	ws, resp, err := websocket.Dial(ctx, c.channel.ConnectURI, nil)
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusNotFound {
			c.channel = nil
			return nil, errChannelGone
		}
		return nil, fmt.Errorf("opening the channel: %w", err)
	}
	ws.SetReadLimit(1 << 20)
	c.cfg.Trace(Trace{Kind: Connected, Detail: c.channel.ID})
	if err := c.subscribe(ctx); err != nil {
		_ = ws.CloseNow()
		return nil, err
	}
	c.cfg.Trace(Trace{Kind: Subscribed, Detail: strings.Join(c.cfg.Topics, ",")})
	return ws, nil
}

func (c *Client) createChannel(ctx context.Context) (*channelInfo, error) {
	var ch channelInfo
	if err := c.call(ctx, http.MethodPost, "/api/v2/notifications/channels", nil, &ch); err != nil {
		return nil, fmt.Errorf("creating a channel: %w", err)
	}
	return &ch, nil
}

// subscribe replaces the channel's topics with ours (PUT), which also
// renews the channel's 24-hour lifetime.
func (c *Client) subscribe(ctx context.Context) error {
	topics := make([]map[string]string, len(c.cfg.Topics))
	for i, t := range c.cfg.Topics {
		topics[i] = map[string]string{"id": t}
	}
	err := c.call(ctx, http.MethodPut, "/api/v2/notifications/channels/"+c.channel.ID+"/subscriptions", topics, nil)
	var se *statusError
	if errors.As(err, &se) && se.status == http.StatusNotFound {
		c.channel = nil
		return errChannelGone
	}
	if err != nil {
		return fmt.Errorf("subscribing: %w", err)
	}
	return nil
}

type statusError struct {
	status int
	body   string
}

func (e *statusError) Error() string { return fmt.Sprintf("%d %s", e.status, e.body) }

// call sends one JSON request and decodes the answer into out (if not nil).
func (c *Client) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.cfg.BaseURL+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return &statusError{status: resp.StatusCode, body: string(raw)}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// retry waits the current back-off (doubling it for next time), unless the
// channel is merely gone: then a new one is made at once.
func (c *Client) retry(ctx context.Context, err error) {
	if errors.Is(err, errChannelGone) {
		c.cfg.Trace(Trace{Kind: Retrying, Detail: "now: " + err.Error()})
		return
	}
	wait := c.backoff
	c.backoff = min(2*c.backoff, c.cfg.MaxBackoff)
	done := make(chan struct{})
	stop := c.cfg.Clock.AfterFunc(wait, func() { close(done) })
	defer stop()
	c.cfg.Trace(Trace{Kind: Retrying, Detail: fmt.Sprintf("in %v: %v", wait, err)})
	select {
	case <-done:
	case <-ctx.Done():
	}
}
