package mockserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/casebook-dev/casebook/internal/suggest"
)

// The REST operations of the notification channel, as the published
// swagger names them. The mock answers them from the channels' state.
const (
	opCreateChannel   = "POST /api/v2/notifications/channels"
	opGetSubs         = "GET /api/v2/notifications/channels/{channelId}/subscriptions"
	opPutSubs         = "PUT /api/v2/notifications/channels/{channelId}/subscriptions"
	opPostSubs        = "POST /api/v2/notifications/channels/{channelId}/subscriptions"
	opDeleteSubs      = "DELETE /api/v2/notifications/channels/{channelId}/subscriptions"
	opAvailableTopics = "GET /api/v2/notifications/availabletopics"

	// channelsPath is where a channel's WebSocket listens: <base>/channels/<id>,
	// the path of the vendor's connectUri.
	channelsPath = "/channels/"

	// WSFaultHeader on POST /api/v2/notifications/channels sets faults for
	// that channel alone, in the --ws-fault form. casebook's own header:
	// the runner sends it for a case's faults; a vendor never sees it.
	WSFaultHeader = "Casebook-Ws-Fault"

	// ChannelSessionHeader is SessionHeader, which scopes channels and
	// events too: a channel created with a value sees only the events that
	// requests with the same value cause (none: those of requests without
	// it). The runner gives each case its own session, so cases running at
	// once do not see each other's events. casebook's own header, never
	// sent to a vendor.
	ChannelSessionHeader = SessionHeader
)

// notifyHandler answers one of the notification operations.
type notifyHandler func(s *Server, w *statusRecorder, ex *exchange, status int)

var notifyHandlers = map[string]notifyHandler{
	opCreateChannel:   (*Server).createChannel,
	opGetSubs:         (*Server).getSubscriptions,
	opPutSubs:         func(s *Server, w *statusRecorder, ex *exchange, st int) { s.setSubscriptions(w, ex, st, true) },
	opPostSubs:        func(s *Server, w *statusRecorder, ex *exchange, st int) { s.setSubscriptions(w, ex, st, false) },
	opDeleteSubs:      (*Server).deleteSubscriptions,
	opAvailableTopics: (*Server).availableTopics,
}

// compileNotifications checks the overlay's notifications: section and
// routes the notification operations the spec has to their handlers.
func (c *compiler) notifications() {
	n := c.o.Notifications
	if n == nil {
		return
	}
	c.provenance(n.Pos, "notifications", n.Source, n.Verification)
	if len(n.Topics) == 0 {
		c.fail(n.Pos, "notifications.topics", "list the topic patterns a channel may subscribe to (v2.users.{id}.conversations.calls)")
	}
	for i, t := range n.Topics {
		if strings.TrimSpace(t) == "" || strings.Contains(t, "..") || strings.HasPrefix(t, ".") || strings.HasSuffix(t, ".") {
			c.fail(n.Pos, fmt.Sprintf("notifications.topics[%d]", i), "%q is not a topic pattern (dot-separated segments, {id} for an id)", t)
		}
	}
	if n.ChannelLimit < 0 || n.TopicLimit < 0 {
		c.fail(n.Pos, "notifications", "channelLimit and topicLimit must not be negative")
	}
	if c.ops[opCreateChannel] == nil {
		c.fail(n.Pos, "notifications", "the spec has no operation %q, which a notification channel needs", opCreateChannel)
	}
	for name, h := range notifyHandlers {
		if op := c.ops[name]; op != nil {
			c.policies[op].notify = h
		}
	}
}

// createChannel answers POST /api/v2/notifications/channels: the Channel
// with a connectUri on this server and the channel's expires.
func (s *Server) createChannel(w *statusRecorder, ex *exchange, status int) {
	var faults WSFaults
	if v := ex.r.Header.Get(WSFaultHeader); v != "" {
		f, err := ParseWSFaults(v)
		if err != nil {
			s.fail(w, ex.match.Operation, &apiError{Status: http.StatusBadRequest, Code: codeBadRequest,
				Message: WSFaultHeader + ": " + err.Error()})
			return
		}
		faults = f
	}
	ch := s.notify.create(ex.grant, faults, ex.r.Header.Get(ChannelSessionHeader))
	scheme := "ws"
	if ex.r.TLS != nil {
		scheme = "wss"
	}
	writeJSON(w, "application/json", status, map[string]any{
		"id":         ch.id,
		"connectUri": scheme + "://" + ex.r.Host + channelsPath + ch.id,
		"expires":    ch.expires.UTC().Format(isoMillis),
	})
}

// isoMillis is the vendor's date-time form ("yyyy-MM-ddTHH:mm:ss.SSSZ",
// from the published invalid.date message).
const isoMillis = "2006-01-02T15:04:05.000Z"

func (s *Server) channelOf(w *statusRecorder, ex *exchange) *channel {
	ch, e := s.notify.lookup(ex.match.PathParams["channelId"], ex.grant)
	if e != nil {
		s.fail(w, ex.match.Operation, e)
	}
	return ch
}

func (s *Server) getSubscriptions(w *statusRecorder, ex *exchange, status int) {
	if ch := s.channelOf(w, ex); ch != nil {
		writeJSON(w, "application/json", status, topicListing(s.notify.topicsOf(ch)))
	}
}

// setSubscriptions answers PUT (replace) and POST (add): the body is a list
// of ChannelTopic, each topic checked against the overlay's patterns.
func (s *Server) setSubscriptions(w *statusRecorder, ex *exchange, status int, replace bool) {
	ch := s.channelOf(w, ex)
	if ch == nil {
		return
	}
	var body []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(ex.body, &body); err != nil {
		s.fail(w, ex.match.Operation, &apiError{Status: http.StatusBadRequest, Code: codeBadRequest})
		return
	}
	topics := make([]string, len(body))
	for i, t := range body {
		topics[i] = t.ID
	}
	got, e := s.notify.subscribe(ch, ex.grant, topics, replace)
	if e != nil {
		s.fail(w, ex.match.Operation, e)
		return
	}
	writeJSON(w, "application/json", status, topicListing(got))
}

func (s *Server) deleteSubscriptions(w *statusRecorder, ex *exchange, status int) {
	if ch := s.channelOf(w, ex); ch != nil {
		s.notify.unsubscribe(ch)
		w.WriteHeader(status)
	}
}

// availableTopics lists the overlay's topic patterns as AvailableTopic ids.
func (s *Server) availableTopics(w *statusRecorder, ex *exchange, status int) {
	entities := make([]map[string]any, len(s.notify.cfg.topics))
	for i, p := range s.notify.cfg.topics {
		entities[i] = map[string]any{"id": p.text}
	}
	writeJSON(w, "application/json", status, map[string]any{"entities": entities})
}

// topicListing is a ChannelTopicEntityListing.
func topicListing(topics []string) map[string]any {
	entities := make([]map[string]any, len(topics))
	for i, t := range topics {
		entities[i] = map[string]any{"id": t}
	}
	return map[string]any{"entities": entities}
}

// checkTopic accepts a topic that matches one of the overlay's patterns.
func (n *notifier) checkTopic(topic string) *apiError {
	filled := make([]string, 0, len(n.cfg.topics))
	for _, p := range n.cfg.topics {
		if p.match(topic) {
			return nil
		}
		filled = append(filled, p.fill(topic))
	}
	msg := fmt.Sprintf("%q is not a topic this server publishes", topic)
	if s := suggest.Closest(topic, filled); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return &apiError{Status: http.StatusBadRequest, Code: codeBadRequest, Message: msg + "."}
}
