package mockserver

import (
	"encoding/json"
	"strings"
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
//	{"topicName": "v2.outbound.campaigns.<id>", "version": "2", "eventBody": {...}, ...}
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

// An event comes from a change of the mock's state: every create, update,
// delete and action the store sees reaches publishEvents through
// Server.OnChange, the hook any follower of the state uses. eventSources
// say which changes a topic sees and what their event says; docs/
// notifications.md names the source of each topic and body.

// eventSource makes the event of one operation's changes.
type eventSource struct {
	// topic is the topic a change is published on; "" publishes nothing.
	topic func(Change) string
	// body is the event's eventBody, made only when a channel listens.
	body func(Change) any
}

// eventSources, by operation as the spec writes it. The campaign's actions
// are those the vendor's SDKs name for switching it (start, stop); a
// callback scheduled on a campaign changes no campaign.
var eventSources = map[string]eventSource{
	"POST /api/v2/conversations/calls":                   {callTopic, callBody},
	"POST /api/v2/outbound/campaigns":                    campaignEvents,
	"PUT /api/v2/outbound/campaigns/{campaignId}":        campaignEvents,
	"DELETE /api/v2/outbound/campaigns/{campaignId}":     campaignEvents,
	"POST /api/v2/outbound/campaigns/{campaignId}/start": campaignEvents,
	"POST /api/v2/outbound/campaigns/{campaignId}/stop":  campaignEvents,
}

// publishEvents publishes a change's event to the channels of the
// change's session that subscribe to its topic.
func (s *Server) publishEvents(c Change) {
	src, ok := eventSources[c.Operation]
	if !ok {
		return
	}
	topic := src.topic(c)
	if topic == "" || !s.notify.listening(topic, c.Session) {
		return
	}
	s.notify.publish(topic, src.body(c), c.Session)
}

// callTopic: a call placed by a token that acts for a user is an event on
// v2.users.{userId}.conversations.calls.
func callTopic(c Change) string {
	if c.Kind != Action || c.User == "" {
		return ""
	}
	return "v2.users." + c.User + ".conversations.calls"
}

// callBody is the conversation in the SDKs' CallConversationNotification
// shape: its id (the answer's) and its participants, the agent and, when
// the request dialled a number, the customer. The field names are
// published; the values (purpose, state, direction) are casebook's
// reading of an outbound call just placed.
func callBody(c Change) any {
	a, _ := c.Body.(map[string]any)
	id, _ := a["id"].(string)
	if id == "" {
		id = newID()
	}
	agent := map[string]any{"id": newID(), "purpose": "agent", "state": "dialing", "direction": "outbound",
		"user": map[string]any{"id": c.User}}
	participants := []any{agent}
	req, _ := c.Request.(map[string]any)
	if phone, ok := req["phoneNumber"].(string); ok && phone != "" {
		participants = append(participants, map[string]any{"id": newID(), "purpose": "customer",
			"state": "dialing", "direction": "outbound", "address": "tel:" + phone})
	}
	return map[string]any{"id": id, "participants": participants}
}

// campaignEvents: a campaign created, updated, deleted, started or
// stopped is an event on v2.outbound.campaigns.{id} whose body is the
// campaign as the change left it, in the SDKs' CampaignNotification shape.
var campaignEvents = eventSource{
	topic: func(c Change) string {
		if c.ID == "" || changedItem(c) == nil {
			return "" // the mock keeps no campaign (stateless): nothing to tell
		}
		return "v2.outbound.campaigns." + c.ID
	},
	body: func(c Change) any { return campaignNotification(changedItem(c)) },
}

// changedItem is the item a change is about: Body for a create, update or
// delete, Item for an action; nil when it is not an object.
func changedItem(c Change) map[string]any {
	v := c.Body
	if c.Kind == Action {
		v = c.Item
	}
	m, _ := v.(map[string]any)
	return m
}

// campaignNotificationFields are the members of the topic's model in the
// vendor's .NET SDK: CampaignNotification, since renamed
// DialerCampaignConfigChangeCampaign, which adds division. A REST
// Campaign's members the model lacks (selfUri, alwaysRunning) are left out.
var campaignNotificationFields = []string{
	"id", "name", "dateCreated", "dateModified", "version", "contactList", "queue", "dialingMode",
	"script", "edgeGroup", "site", "campaignStatus", "phoneColumns", "abandonRate", "dncLists",
	"callableTimeSet", "callAnalysisResponseSet", "callerName", "callerAddress", "outboundLineCount",
	"errors", "ruleSets", "skipPreviewDisabled", "previewTimeOutSeconds", "singleNumberPreview",
	"contactSort", "contactSorts", "noAnswerTimeout", "callAnalysisLanguage", "priority",
	"contactListFilters", "division", "additionalProperties",
}

// campaignNotificationRefs are the members that are references in
// CampaignNotification: {id, name} only (CampaignNotificationUriReference,
// DocumentDataV2NotificationCreatedBy), where the REST Campaign's
// UriReference also has selfUri.
var campaignNotificationRefs = map[string]bool{
	"contactList": true, "queue": true, "script": true, "edgeGroup": true, "site": true,
	"callableTimeSet": true, "callAnalysisResponseSet": true, "dncLists": true, "ruleSets": true,
	"contactListFilters": true, "division": true,
}

// campaignNotificationEnums are the members whose values both models spell
// in capitals (DialingModeEnum PREVIEW, CampaignStatusEnum ON) where the
// REST Campaign has preview and on.
var campaignNotificationEnums = map[string]bool{"dialingMode": true, "campaignStatus": true}

// campaignNotification is a campaign as a CampaignNotification: the
// model's members only, references reduced to id and name, the two enums
// in capitals. Members nested deeper keep the REST Campaign's shape.
func campaignNotification(campaign map[string]any) map[string]any {
	out := make(map[string]any, len(campaignNotificationFields))
	for _, name := range campaignNotificationFields {
		v, ok := campaign[name]
		switch {
		case !ok || v == nil:
			continue
		case campaignNotificationRefs[name]:
			v = reference(v)
		case campaignNotificationEnums[name]:
			if s, isString := v.(string); isString {
				v = strings.ToUpper(s)
			}
		}
		out[name] = v
	}
	return out
}

// reference keeps the id and name of a reference, or of each in a list.
func reference(v any) any {
	switch r := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for _, k := range []string{"id", "name"} {
			if x, ok := r[k]; ok {
				out[k] = x
			}
		}
		return out
	case []any:
		out := make([]any, len(r))
		for i, x := range r {
			out[i] = reference(x)
		}
		return out
	}
	return v
}
