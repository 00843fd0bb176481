package mockserver

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Events come from the state's changes (Server.OnChange): these tests
// change a campaign and read what a subscribed channel hears. A missing
// event is shown by what comes instead: the next heartbeat, or an event
// the test causes after it.

const predictiveTopic = "v2.outbound.campaigns.campaign-predictive"

// eventOn reads the next message and checks it is an event on topic.
func eventOn(t *testing.T, m map[string]any, topic string) map[string]any {
	t.Helper()
	if m["topicName"] != topic || m["version"] != "2" {
		t.Fatalf("message = %v, want an event on %s", m, topic)
	}
	body, _ := m["eventBody"].(map[string]any)
	return body
}

// TestCampaignEvents: updating and starting the overlay's campaign
// publishes it on its topic, as a CampaignNotification: the model's
// members only, references as id and name, the enums in capitals.
func TestCampaignEvents(t *testing.T) {
	srv, _ := notifyMock(t, nil)
	tok := tokenFor(t, srv, "agent")
	_, ws := openChannelOn(t, srv, tok, predictiveTopic)

	put := send(t, srv, "PUT", "/api/v2/outbound/campaigns/campaign-predictive", tok, "",
		`{"name": "Renewals (paused)", "version": 1, "dialingMode": "predictive", "campaignStatus": "off",
		  "callerName": "Casebook Test", "callerAddress": "(555) 555-5555", "alwaysRunning": true,
		  "contactList": {"id": "contact-list-1", "name": "Renewals", "selfUri": "https://api.mypurecloud.com/api/v2/outbound/contactlists/contact-list-1"},
		  "phoneColumns": [{"columnName": "Cell", "type": "cell"}]}`)
	if put.status != 200 {
		t.Fatalf("PUT campaign = %d %s", put.status, put.raw)
	}
	want := map[string]any{
		"id": "campaign-predictive", "name": "Renewals (paused)", "version": float64(2),
		"dialingMode": "PREDICTIVE", "campaignStatus": "OFF", // the REST Campaign says predictive, off
		"callerName": "Casebook Test", "callerAddress": "(555) 555-5555", "abandonRate": float64(5),
		"contactList":  map[string]any{"id": "contact-list-1", "name": "Renewals"}, // no selfUri
		"phoneColumns": []any{map[string]any{"columnName": "Cell", "type": "cell"}},
		// alwaysRunning and selfUri are the REST Campaign's, not the notification's.
	}
	if diff := cmp.Diff(want, eventOn(t, mustNext(t, ws), predictiveTopic)); diff != "" {
		t.Errorf("event of the update (-want +got):\n%s", diff)
	}

	if r := send(t, srv, "POST", "/api/v2/outbound/campaigns/campaign-predictive/start", tok, "", ""); r.status/100 != 2 {
		t.Fatalf("POST start = %d %s", r.status, r.raw)
	}
	if diff := cmp.Diff(want, eventOn(t, mustNext(t, ws), predictiveTopic)); diff != "" {
		t.Errorf("event of the start: the campaign as it is (-want +got):\n%s", diff)
	}
}

// TestCampaignCreatedEvent: a create is an event on the new campaign's
// topic. A client cannot subscribe to an id before it exists, but the
// mock's ids are a function of the seed, the session's collection and the
// request: the same create in a fresh session makes the same id, so a
// channel can wait for it there.
func TestCampaignCreatedEvent(t *testing.T) {
	srv, _ := notifyMock(t, nil)
	tok := tokenFor(t, srv, "agent")
	body := campaignBody("Spring renewals", "preview", `"campaignStatus": "on"`)
	create := func(session string) response {
		r := sendWith(t, srv, "POST", "/api/v2/outbound/campaigns", tok, body,
			"Content-Type: application/json", SessionHeader+": "+session)
		if r.status != 200 {
			t.Fatalf("POST campaign = %d %s", r.status, r.raw)
		}
		return r
	}
	id := create("probe").str("id")
	topic := "v2.outbound.campaigns." + id
	_, ws := openChannelOn(t, srv, tok, topic, SessionHeader+": case-1")
	if got := create("case-1").str("id"); got != id {
		t.Fatalf("the same create in a fresh session made id %s, want %s", got, id)
	}
	ev := eventOn(t, mustNext(t, ws), topic)
	if ev["id"] != id || ev["name"] != "Spring renewals" || ev["dialingMode"] != "PREVIEW" || ev["campaignStatus"] != "ON" || ev["version"] != float64(1) {
		t.Errorf("event of the create = %v, want campaign %s, Spring renewals, PREVIEW, ON, version 1", ev, id)
	}
	if _, ok := ev["selfUri"]; ok {
		t.Errorf("event of the create has selfUri, which CampaignNotification lacks: %v", ev)
	}
}

// TestCampaignEventsNeedState: a session that keeps no state (mock.state:
// off) has no campaign to tell of; its calls are still events.
func TestCampaignEventsNeedState(t *testing.T) {
	srv, clk := notifyMock(t, nil)
	tok := tokenFor(t, srv, "agent")
	off := SessionHeader + ": " + srv.OpenSession(SessionOptions{Stateless: true})
	_, ws := openChannelOn(t, srv, tok, predictiveTopic, off)
	r := sendWith(t, srv, "PUT", "/api/v2/outbound/campaigns/campaign-predictive", tok,
		campaignBody("Renewals (paused)", "predictive", `"version": 1`), "Content-Type: application/json", off)
	if r.status != 200 {
		t.Fatalf("stateless PUT campaign = %d %s", r.status, r.raw)
	}
	clk.Advance(30 * time.Second)
	if got := mustNext(t, ws); metadata(got) != "WebSocket Heartbeat" {
		t.Errorf("after a stateless update the channel's next message is %v, want the heartbeat and no event", got)
	}
}

// TestEventSources: which change is an event on which topic, for the
// kinds no shipped operation makes (a delete, a stop) and the changes
// that publish nothing.
func TestEventSources(t *testing.T) {
	campaign := map[string]any{"id": "c1", "name": "N", "dialingMode": "power", "selfUri": "/api/v2/outbound/campaigns/c1",
		"dncLists": []any{map[string]any{"id": "d1", "name": "DNC", "selfUri": "/x"}}}
	tests := []struct {
		name      string
		change    Change
		topic     string
		wantBody  any
		wantEvent bool
	}{
		{"a delete tells of the campaign as it was",
			Change{Kind: Deleted, Operation: "DELETE /api/v2/outbound/campaigns/{campaignId}", ID: "c1", Body: campaign},
			"v2.outbound.campaigns.c1", map[string]any{"id": "c1", "name": "N", "dialingMode": "POWER",
				"dncLists": []any{map[string]any{"id": "d1", "name": "DNC"}}}, true},
		{"a stop tells of the campaign it acted on",
			Change{Kind: Action, Operation: "POST /api/v2/outbound/campaigns/{campaignId}/stop", ID: "c1", Item: campaign},
			"v2.outbound.campaigns.c1", map[string]any{"id": "c1", "name": "N", "dialingMode": "POWER",
				"dncLists": []any{map[string]any{"id": "d1", "name": "DNC"}}}, true},
		{"an action the mock kept no campaign for",
			Change{Kind: Action, Operation: "POST /api/v2/outbound/campaigns/{campaignId}/start", ID: "c1"}, "", nil, false},
		{"a callback scheduled on a campaign changes no campaign",
			Change{Kind: Action, Operation: "POST /api/v2/outbound/campaigns/{campaignId}/callback/schedule", ID: "c1", Item: campaign}, "", nil, false},
		{"a call by a client that acts for no user",
			Change{Kind: Action, Operation: "POST /api/v2/conversations/calls", Client: "service"}, "", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, ok := eventSources[tt.change.Operation]
			topic := ""
			if ok {
				topic = src.topic(tt.change)
			}
			if topic != tt.topic {
				t.Fatalf("topic = %q, want %q", topic, tt.topic)
			}
			if !tt.wantEvent {
				return
			}
			if diff := cmp.Diff(tt.wantBody, src.body(tt.change)); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}
