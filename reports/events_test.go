package reports

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/internal/strictyaml"
)

const callsTopic = "v2.users.agent-with-station.conversations.calls"

// eventResults is a case with a notification channel: one event came
// (with a made-up id and a secret-named field the reports must hide), one
// expected event did not, and the connection was dropped.
func eventResults() []*results.Result {
	c := &casefile.Case{
		Name: "gc-call-event", Pitfall: "A call placed by the agent is published on the agent's calls topic.",
		Source: "docs/notifications.md", Verification: "unverified", Tags: []string{"notifications"}, Auth: "agent",
		Channel: &casefile.Channel{Topics: []string{callsTopic}},
		Request: casefile.Request{Method: "POST", Path: "/api/v2/conversations/calls",
			Body: &casefile.Value{V: map[string]any{"phoneNumber": "+13175550123"}}},
		Expect: casefile.Expect{Status: 200, Events: []casefile.ExpectedEvent{
			{TopicName: callsTopic, Body: &casefile.Value{V: map[string]any{"id": "conv-1"}}},
			{TopicName: "v2.users.agent-with-station.conversations.emails", Within: strictyaml.Duration(500 * time.Millisecond)},
		}},
		Pos: casefile.Pos{File: "cases/genesys-cloud/call-event.yaml", Line: 1, Column: 1},
	}
	return []*results.Result{{
		Case: c, SpecPath: "specs/genesys-cloud/openapi.yaml", Target: "mock", Status: results.Failed,
		Operation: "POST /api/v2/conversations/calls",
		Request:   &results.Request{Method: "POST", URL: "http://127.0.0.1:41235/api/v2/conversations/calls", Header: http.Header{}, Body: []byte(`{"phoneNumber":"+13175550123"}`)},
		Response:  &results.Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"id":"conv-1"}`)},
		Differences: []diff.Difference{
			{Part: diff.Event, Pointer: "v2.users.agent-with-station.conversations.emails", Want: "an event within 500ms", Missing: true},
		},
		Channel: &results.Channel{ID: "streaming-0-abc", Topics: []string{callsTopic}, Ended: "dropped without a close frame"},
		Events: []results.Event{{TopicName: callsTopic, After: 4200 * time.Microsecond,
			Body: []byte(`{"id":"conv-1","participants":[{"id":"3f0c9a52-8e0b-4c1e-9d7a-2b8f6c1d0e4a","purpose":"agent"}],"access_token":"tok-in-event"}`)}},
		Duration: 7 * time.Millisecond, Attempts: 1,
	}}
}

func TestEventsInText(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Text(&buf, eventResults(), Options{}))
	out := buf.String()
	for _, want := range []string{
		"event v2.users.agent-with-station.conversations.emails\n        - \"an event within 500ms\"",
		"channel streaming-0-abc (topics: " + callsTopic + "); dropped without a close frame",
		"event " + callsTopic + " after 4ms: {",
	} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "tok-in-event", "a secret inside an event reached the text report")
}

func TestEventsInJSON(t *testing.T) {
	var rep struct {
		Cases []struct {
			Expected struct {
				Events []JSONExpectedEvent `json:"events"`
			} `json:"expected"`
			Channel *JSONChannel `json:"channel"`
			Events  []JSONEvent  `json:"events"`
		} `json:"cases"`
	}
	raw := renderJSON(t, eventResults())
	require.NoError(t, json.Unmarshal(raw, &rep))
	c := rep.Cases[0]
	assert.Equal(t, []JSONExpectedEvent{
		{TopicName: callsTopic, WithinMs: 5000, Body: map[string]any{"id": "conv-1"}},
		{TopicName: "v2.users.agent-with-station.conversations.emails", WithinMs: 500},
	}, c.Expected.Events)
	assert.Equal(t, &JSONChannel{ID: "streaming-0-abc", Topics: []string{callsTopic}, Ended: "dropped without a close frame"}, c.Channel)
	require.Len(t, c.Events, 1)
	assert.Equal(t, 4.2, c.Events[0].AfterMs)
	assert.NotContains(t, string(raw), "tok-in-event", "a secret inside an event reached the JSON report")
}

func TestEventsInMarkdownAndHTML(t *testing.T) {
	md := renderMarkdown(t, eventResults())
	assert.Contains(t, md, "**What the notification channel receives**\n\nSubscribed to `"+callsTopic+"`; the connection was dropped without a close frame:")
	assert.Contains(t, md, `"id": "<uuid>"`, "made-up ids are masked, so the catalogue is the same on every run")
	html := string(renderHTML(t, eventResults()))
	assert.Contains(t, html, "<h4>notification channel</h4>")
	assert.Contains(t, html, "dropped without a close frame")
	assert.NotContains(t, md, "4ms", "the catalogue shows no timings: it is the same on every run")
	for name, out := range map[string]string{"markdown": md, "html": html} {
		assert.NotContains(t, out, "tok-in-event", "a secret inside an event reached the %s report", name)
	}
}
