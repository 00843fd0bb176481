package mockserver

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// The WebSocket side of a channel. github.com/coder/websocket does the
// protocol (handshake, framing, masking, close handshake, control frames);
// this file adds what the vendor's service does on top: heartbeats, the
// application-level pong, events, and the ways it ends.

const (
	// closeGoingAway (1001) is how the mock ends a connection it closes
	// cleanly. The vendor's close codes are unverified; a developer-forum
	// answer names 1001 for its idle close (docs/notifications.md).
	closeGoingAway = websocket.StatusGoingAway
	// sendQueue bounds the messages waiting for a slow client; past it the
	// connection is closed (1008) rather than memory growing.
	sendQueue = 256
	// writeTimeout bounds one write to a client that stopped reading.
	writeTimeout = 10 * time.Second
	// maxClientMessage bounds what a client may send (a ping is 19 bytes).
	maxClientMessage = 64 << 10
)

// closeAction is how a connection ends from the server's side.
type closeAction struct {
	reset  bool // drop the TCP connection, no close frame
	code   websocket.StatusCode
	reason string
	// fault: the mock chose to end it (a fault, expiry, maintenance), so
	// refuse-reconnect starts counting.
	fault bool
}

// wsConn is one open connection of a channel.
type wsConn struct {
	n      *notifier
	ch     *channel
	faults WSFaults
	out    chan []byte
	ends   chan closeAction // the first action wins

	mu     sync.Mutex
	done   bool
	timers []func() bool
}

// serveChannel upgrades GET /channels/<id> to the channel's WebSocket.
// An unknown or expired channel is 404 not.found; a refused reconnect is
// 503 service.unavailable; a request that is not an upgrade is 426.
func (s *Server) serveChannel(w *statusRecorder, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, channelsPath)
	if r.Method != http.MethodGet {
		s.fail(w, nil, &apiError{Status: http.StatusMethodNotAllowed, Code: codeMethodNotAllowed, Params: []string{"GET"},
			Header: http.Header{"Allow": {"GET"}}})
		return
	}
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		s.fail(w, nil, &apiError{Status: http.StatusUpgradeRequired, Code: codeBadRequest,
			Message: "casebook mock: " + r.URL.Path + " is a notification channel; open it as a WebSocket.",
			Header:  http.Header{"Upgrade": {"websocket"}, "Connection": {"Upgrade"}}})
		return
	}
	c, e := s.notify.connect(id)
	if e != nil {
		s.fail(w, nil, e)
		return
	}
	defer s.notify.conns.Done()
	// Timers are armed before the handshake answer, so a client that has
	// seen its connection open knows they are running (tests rely on it).
	c.arm()
	tap := &hijackTap{ResponseWriter: w}
	ws, err := websocket.Accept(tap, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		c.finish(false)
		return
	}
	ws.SetReadLimit(maxClientMessage)
	c.serve(ws, tap.conn)
}

// connect registers a new connection of channel id, replacing the one it
// has: the vendor allows one connection per channel.
func (n *notifier) connect(id string) (*wsConn, *apiError) {
	n.mu.Lock()
	defer n.mu.Unlock()
	ch := n.channels[id]
	if ch == nil || n.closed {
		return nil, &apiError{Status: http.StatusNotFound, Code: codeNotFound}
	}
	now := n.clock.Now()
	if now.Before(ch.refuseUntil) {
		return nil, &apiError{Status: http.StatusServiceUnavailable, Code: "service.unavailable",
			Message: "casebook mock: ws fault refuse-reconnect: this channel takes no connection for another " +
				ch.refuseUntil.Sub(now).String() + "."}
	}
	if ch.conn != nil {
		ch.conn.end(closeAction{code: closeGoingAway, reason: "replaced by a new connection to the channel"})
	}
	c := &wsConn{n: n, ch: ch, faults: ch.faults, out: make(chan []byte, sendQueue), ends: make(chan closeAction, 1)}
	ch.conn = c
	ch.lastUsed = now
	n.conns.Add(1)
	return c, nil
}

// arm starts the heartbeat and the timed faults.
func (c *wsConn) arm() {
	f := c.faults
	if !f.NoHeartbeat {
		var beat func()
		beat = func() {
			c.send(heartbeatMessage)
			c.after(c.n.cfg.heartbeat, beat)
		}
		c.after(c.n.cfg.heartbeat, beat)
	}
	if d := time.Duration(f.ResetAfter); d > 0 {
		c.after(d, func() { c.end(closeAction{reset: true, fault: true}) })
	}
	if d := time.Duration(f.CloseAfter); d > 0 {
		c.after(d, func() { c.end(closeAction{code: closeGoingAway, reason: "casebook ws fault close-after", fault: true}) })
	}
	if d := time.Duration(f.WarnThenClose); d > 0 {
		c.after(d, func() {
			c.send(closingMessage(c.ch.id, d))
			c.after(d, func() { c.end(closeAction{code: closeGoingAway, reason: "maintenance", fault: true}) })
		})
	}
}

// after arms a timer that is stopped when the connection ends.
func (c *wsConn) after(d time.Duration, f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return
	}
	c.timers = append(c.timers, c.n.clock.AfterFunc(d, f))
}

// send queues a message; a client too slow to take sendQueue of them is
// closed (1008) rather than let memory grow.
func (c *wsConn) send(msg []byte) {
	select {
	case c.out <- msg:
	default:
		c.end(closeAction{code: websocket.StatusPolicyViolation, reason: "client too slow: send queue full"})
	}
}

// end asks the connection to close; the first request wins.
func (c *wsConn) end(a closeAction) {
	select {
	case c.ends <- a:
	default:
	}
}

// serve runs the connection: a reader answering pings, and this goroutine
// writing queued messages until the client leaves or the server ends it.
func (c *wsConn) serve(ws *websocket.Conn, raw net.Conn) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		c.read(ctx, ws)
	}()
	for {
		select {
		case msg := <-c.out:
			if c.write(ctx, ws, msg) != nil {
				c.finish(false)
				_ = ws.CloseNow()
				return
			}
		case a := <-c.ends:
			c.finish(a.fault)
			c.close(ws, raw, a)
			<-gone
			return
		case <-gone:
			c.finish(false)
			_ = ws.CloseNow()
			return
		}
	}
}

func (c *wsConn) write(ctx context.Context, ws *websocket.Conn, msg []byte) error {
	ctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	return ws.Write(ctx, websocket.MessageText, msg)
}

// read answers each {"message":"ping"} with a pong (unless no-pong) and
// ignores every other message, until the connection fails.
func (c *wsConn) read(ctx context.Context, ws *websocket.Conn) {
	for {
		typ, data, err := ws.Read(ctx)
		if err != nil {
			return
		}
		if typ == websocket.MessageText && isPing(data) && !c.faults.NoPong {
			c.send(pongMessage)
		}
	}
}

// close ends the connection as the action says: a reset drops the TCP
// connection (SO_LINGER 0, so the peer sees RST, not FIN) without a close
// frame; otherwise a close frame with the code and reason.
func (c *wsConn) close(ws *websocket.Conn, raw net.Conn, a closeAction) {
	if a.reset {
		if tcp, ok := raw.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0)
		}
		_ = ws.CloseNow()
		return
	}
	if err := ws.Close(a.code, a.reason); err != nil && !errors.Is(err, net.ErrClosed) {
		_ = ws.CloseNow()
	}
}

// finish stops the connection's timers and detaches it from its channel.
// When the mock itself ended the connection, refuse-reconnect starts now,
// before the client can see the end and dial again.
func (c *wsConn) finish(byFault bool) {
	c.mu.Lock()
	already := c.done
	c.done = true
	for _, stop := range c.timers {
		stop()
	}
	c.timers = nil
	c.mu.Unlock()
	if already {
		return
	}
	n := c.n
	n.mu.Lock()
	defer n.mu.Unlock()
	if c.ch.conn == c {
		c.ch.conn = nil
	}
	if byFault && c.faults.RefuseReconnect > 0 {
		c.ch.refuseUntil = n.clock.Now().Add(time.Duration(c.faults.RefuseReconnect))
	}
}

// hijackTap lets coder/websocket hijack the connection through the
// server's response recorder and keeps the net.Conn: a reset needs it, and
// the http.Server's read and write deadlines, which would otherwise cut the
// socket after 30 s, are cleared on it.
type hijackTap struct {
	http.ResponseWriter
	conn net.Conn
}

func (h *hijackTap) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err == nil {
		_ = conn.SetDeadline(time.Time{})
		h.conn = conn
	}
	return conn, brw, err
}
