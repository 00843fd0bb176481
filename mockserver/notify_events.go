package mockserver

import (
	"encoding/json"
	"time"
)

// What the channel sends, in the shapes public sources show (each with its
// source in docs/notifications.md):
//
//	{"topicName": "channel.metadata", "eventBody": {"message": "WebSocket Heartbeat"}}
//	{"topicName": "channel.metadata", "eventBody": {"message": "pong"}}
//	{"topicName": "v2.system.socket_closing", "eventBody": {...SystemMessage}}
//	{"topicName": "v2.users.<id>.conversations.calls", "version": "2",
//	 "eventBody": {...}, "metadata": {"CorrelationId": "<uuid>"}}
var (
	heartbeatMessage = mustJSON(metadataMessage("WebSocket Heartbeat"))
	pongMessage      = mustJSON(metadataMessage("pong"))
)

func metadataMessage(text string) map[string]any {
	return map[string]any{"topicName": "channel.metadata", "eventBody": map[string]any{"message": text}}
}

// closingMessage is the maintenance warning: topic v2.system.socket_closing
// with a body in the SDKs' SystemMessageSystemMessage shape.
func closingMessage(channelID string, in time.Duration) []byte {
	return mustJSON(map[string]any{
		"topicName": "v2.system.socket_closing",
		"eventBody": map[string]any{
			"channelId":       channelID,
			"systemTopicType": "socket_closing",
			"correlationId":   newID(),
			"reason":          "maintenance",
			"message":         "casebook mock: this connection closes in " + in.String() + "; reconnect.",
		},
	})
}

// eventMessage wraps an event body in the envelope every topic shares.
func eventMessage(topic string, body any) []byte {
	return mustJSON(map[string]any{
		"topicName": topic,
		"version":   "2",
		"eventBody": body,
		"metadata":  map[string]any{"CorrelationId": newID()},
	})
}

// isPing reports whether a client message is the vendor's application-level
// ping, {"message":"ping"}. WebSocket ping frames are answered by the
// protocol library, as any server does.
func isPing(data []byte) bool {
	var m struct {
		Message string `json:"message"`
	}
	return json.Unmarshal(data, &m) == nil && m.Message == "ping"
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only maps of strings and JSON values reach here
	}
	return b
}

// eventPublisher publishes what a successful answer to an operation causes;
// answer is the body the client got.
type eventPublisher func(s *Server, ex *exchange, answer any)

// eventPublishers: the operations whose success a subscribed topic sees.
var eventPublishers = map[string]eventPublisher{
	"POST /api/v2/conversations/calls": publishCallPlaced,
}

// publishCallPlaced: a call placed by the token's user is an event on
// v2.users.{userId}.conversations.calls whose body has the conversation's
// id and its two participants, in the SDKs' CallConversationNotification
// shape. The field names are published; the values (purpose, state,
// direction) are casebook's reading of an outbound call just placed.
func publishCallPlaced(s *Server, ex *exchange, answer any) {
	if ex.grant == nil || ex.grant.client.User == "" {
		return
	}
	user := ex.grant.client.User
	a, _ := answer.(map[string]any)
	id, _ := a["id"].(string)
	if id == "" {
		id = newID()
	}
	agent := map[string]any{"id": newID(), "purpose": "agent", "state": "dialing", "direction": "outbound",
		"user": map[string]any{"id": user}}
	participants := []any{agent}
	if doc, ok := ex.json(); ok {
		if m, ok := doc.(map[string]any); ok {
			if phone, ok := m["phoneNumber"].(string); ok && phone != "" {
				participants = append(participants, map[string]any{"id": newID(), "purpose": "customer",
					"state": "dialing", "direction": "outbound", "address": "tel:" + phone})
			}
		}
	}
	s.notify.publish("v2.users."+user+".conversations.calls", map[string]any{"id": id, "participants": participants},
		ex.r.Header.Get(ChannelSessionHeader))
}
