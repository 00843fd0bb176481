package notifications

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// signal is what a session's timers tell its loop.
type signal int

const (
	sigPing signal = iota
	sigNoPong
	sigNoHeartbeat
)

// session is one connection's life: it reads messages, pings, and watches
// for the heartbeat and the pong.
type session struct {
	c    *Client
	sigs chan signal

	mu            sync.Mutex
	over          bool
	stopHeartbeat func() bool
	stopPing      func() bool
	stopPong      func() bool
}

// session runs one connection until it fails or ctx ends, and says why it ended.
func (c *Client) session(ctx context.Context, ws *websocket.Conn, handle func(Event)) string {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := &session{c: c, sigs: make(chan signal, 64)}
	defer s.end()
	msgs, lost := make(chan []byte), make(chan error, 1)
	go func() {
		for {
			_, data, err := ws.Read(ctx)
			if err != nil {
				lost <- err
				return
			}
			select {
			case msgs <- data:
			case <-ctx.Done():
				return
			}
		}
	}()
	s.watchHeartbeat()
	s.schedulePing()
	for {
		select {
		case <-ctx.Done():
			return "stopped"
		case err := <-lost:
			return "connection lost: " + describe(err)
		case data := <-msgs:
			if reason := s.message(data, handle); reason != "" {
				return reason
			}
		case sg := <-s.sigs:
			if reason := s.timer(ctx, ws, sg); reason != "" {
				return reason
			}
		}
	}
}

// message handles one message from the channel; a non-empty result ends
// the session.
func (s *session) message(data []byte, handle func(Event)) string {
	var e Event
	if err := json.Unmarshal(data, &e); err != nil {
		return "" // not ours to judge; keep reading
	}
	switch e.TopicName {
	case "channel.metadata":
		var body struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(e.EventBody, &body)
		switch body.Message {
		case "pong":
			s.stop(&s.stopPong)
			s.c.cfg.Trace(Trace{Kind: PongReceived})
		case "WebSocket Heartbeat":
			s.watchHeartbeat()
			s.c.cfg.Trace(Trace{Kind: Heartbeat})
		}
	case "v2.system.socket_closing":
		s.c.cfg.Trace(Trace{Kind: ClosingWarning})
		return "the server warned it will close the connection"
	default:
		handle(e)
	}
	return ""
}

// timer acts on what a timer said.
func (s *session) timer(ctx context.Context, ws *websocket.Conn, sg signal) string {
	switch sg {
	case sigNoPong:
		return fmt.Sprintf("no pong within %v", s.c.cfg.PongTimeout)
	case sigNoHeartbeat:
		return fmt.Sprintf("no heartbeat within %v", s.c.cfg.HeartbeatTimeout)
	}
	if err := ws.Write(ctx, websocket.MessageText, []byte(`{"message":"ping"}`)); err != nil {
		return "connection lost: " + describe(err)
	}
	s.c.cfg.Trace(Trace{Kind: PingSent})
	return ""
}

// watchHeartbeat (re)starts the wait for the next heartbeat.
func (s *session) watchHeartbeat() {
	s.arm(&s.stopHeartbeat, s.c.cfg.HeartbeatTimeout, func() { s.signal(sigNoHeartbeat) })
}

// schedulePing arms the next ping. The pong's deadline is armed when the
// ping falls due, so it counts from then whatever the loop is doing; while
// an earlier ping still waits for its pong, that deadline stands.
func (s *session) schedulePing() {
	s.arm(&s.stopPing, s.c.cfg.PingEvery, func() {
		s.mu.Lock()
		waiting := s.stopPong != nil
		s.mu.Unlock()
		if !waiting {
			s.arm(&s.stopPong, s.c.cfg.PongTimeout, func() { s.signal(sigNoPong) })
		}
		s.signal(sigPing)
		s.schedulePing()
	})
}

// arm replaces the timer in *slot, unless the session is over.
func (s *session) arm(slot *func() bool, d time.Duration, f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.over {
		return
	}
	if *slot != nil {
		(*slot)()
	}
	*slot = s.c.cfg.Clock.AfterFunc(d, f)
}

func (s *session) stop(slot *func() bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if *slot != nil {
		(*slot)()
		*slot = nil
	}
}

func (s *session) signal(sg signal) {
	select {
	case s.sigs <- sg:
	default: // the loop is far behind; a later signal will do
	}
}

// end stops every timer; none arms again.
func (s *session) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.over = true
	for _, stop := range []func() bool{s.stopHeartbeat, s.stopPing, s.stopPong} {
		if stop != nil {
			stop()
		}
	}
}

// describe says how a connection ended: a close frame's code and reason,
// or a drop without one.
func describe(err error) string {
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		return fmt.Sprintf("closed by the server (%d %s)", ce.Code, ce.Reason)
	}
	return "dropped without a close frame (" + err.Error() + ")"
}
