package runner_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/runner"
)

// Cases with a notification channel, against the built-in mock. An event
// that should come settles its case as soon as it arrives; the generous
// within: values below are hang guards, not timings under test. Only
// events that must not come (or never can) are waited for, briefly.

const callsTopic = "v2.users.agent-with-station.conversations.calls"

// eventCases decodes case YAML for the Genesys spec.
func eventCases(t *testing.T, src string) []*casefile.Case {
	t.Helper()
	cases, err := casefile.Decode("events.yaml", []byte(src))
	require.NoError(t, err)
	specPath, err := filepath.Abs("../specs/genesys-cloud/openapi.yaml")
	require.NoError(t, err)
	for _, c := range cases {
		c.SpecPath = specPath
	}
	return cases
}

func runEventCases(t *testing.T, src string, concurrency int) []*runner.Result {
	t.Helper()
	r := runner.New(runner.Options{Concurrency: concurrency})
	t.Cleanup(func() { _ = r.Close() })
	return r.Run(context.Background(), eventCases(t, src))
}

const placeCall = `
  auth: agent
  request: {method: POST, path: /api/v2/conversations/calls, body: {phoneNumber: "+13175550123"}}`

const readCampaign = `
  auth: agent
  request: {method: GET, path: /api/v2/outbound/campaigns/campaign-preview}`

func TestEventExpectations(t *testing.T) {
	src := `
- name: the call's event comes` + placeCall + `
  channel: {topics: [` + callsTopic + `]}
  expect:
    status: 200
    events:
      - topicName: ` + callsTopic + `
        within: 30s
        body: {participants: [{purpose: agent, user: {id: agent-with-station}}]}
- name: nothing subscribed, nothing comes` + placeCall + `
  channel: {topics: []}
  expect: {events: [{topicName: ` + callsTopic + `, within: 100ms}]}
- name: absent, and absent it is` + placeCall + `
  channel: {topics: []}
  expect: {events: [{topicName: ` + callsTopic + `, within: 100ms, absent: true}]}
- name: absent, but it came` + placeCall + `
  channel: {topics: [` + callsTopic + `]}
  expect: {events: [{topicName: ` + callsTopic + `, within: 30s, absent: true}]}
- name: another body` + placeCall + `
  channel: {topics: [` + callsTopic + `]}
  expect: {events: [{topicName: ` + callsTopic + `, within: 1s, body: {participants: [{purpose: robot}]}}]}
`
	res := runEventCases(t, src, 1)
	require.Len(t, res, 5)
	for _, r := range res {
		require.NotEqual(t, runner.Errored, r.Status, "%s: %s", r.Case.Name, r.Reason)
	}

	came := res[0]
	assert.Equal(t, runner.Passed, came.Status, "differences: %v", came.Differences)
	require.Len(t, came.Events, 1)
	assert.Equal(t, callsTopic, came.Events[0].TopicName)
	assert.Contains(t, string(came.Events[0].Body), `"purpose":"agent"`)
	require.NotNil(t, came.Channel)
	assert.True(t, strings.HasPrefix(came.Channel.ID, "streaming-0-"), came.Channel.ID)
	assert.Equal(t, "", came.Channel.Ended)

	wantEventDifference(t, res[1], diff.Difference{Part: diff.Event, Pointer: callsTopic, Want: "an event within 100ms", Missing: true})
	assert.Equal(t, runner.Passed, res[2].Status, "differences: %v", res[2].Differences)
	assert.Empty(t, res[2].Events)
	require.Equal(t, runner.Failed, res[3].Status)
	assert.True(t, res[3].Differences[0].Extra && res[3].Differences[0].Part == diff.Event, "%v", res[3].Differences)
	require.Equal(t, runner.Failed, res[4].Status)
	assert.NotNil(t, res[4].Differences[0].Got, "a mismatched body shows the event that came: %v", res[4].Differences)
}

func wantEventDifference(t *testing.T, r *runner.Result, want diff.Difference) {
	t.Helper()
	require.Equal(t, runner.Failed, r.Status, "%s", r.Case.Name)
	require.Len(t, r.Differences, 1, "%v", r.Differences)
	assert.Equal(t, want, r.Differences[0])
}

// TestConcurrentCasesSeeOnlyTheirOwnEvents: cases that place calls and
// cases that expect none, on the same user's topic, run at once; each
// channel sees only its own case's events.
func TestConcurrentCasesSeeOnlyTheirOwnEvents(t *testing.T) {
	var b strings.Builder
	for i := range 6 {
		fmt.Fprintf(&b, "\n- name: calls-%d%s\n  channel: {topics: [%s]}\n  expect: {events: [{topicName: %s, within: 30s}]}\n", i, placeCall, callsTopic, callsTopic)
		fmt.Fprintf(&b, "\n- name: quiet-%d%s\n  channel: {topics: [%s]}\n  expect: {events: [{topicName: %s, within: 300ms, absent: true}]}\n", i, readCampaign, callsTopic, callsTopic)
	}
	for _, r := range runEventCases(t, b.String(), 12) {
		assert.Equal(t, runner.Passed, r.Status, "%s: %s %v", r.Case.Name, r.Reason, r.Differences)
		if strings.HasPrefix(r.Case.Name, "calls-") {
			assert.Len(t, r.Events, 1, "%s got another case's event", r.Case.Name)
		}
	}
}

// TestCaseChannelFaults: a case's channel.faults reach the built-in mock;
// the channel closes as the fault says, which settles the wait at once.
func TestCaseChannelFaults(t *testing.T) {
	src := `
- name: closed at once` + readCampaign + `
  channel:
    topics: [` + callsTopic + `]
    faults: {close-after: 1ms}
  expect: {events: [{topicName: ` + callsTopic + `, within: 30s, absent: true}]}
`
	r := runEventCases(t, src, 1)[0]
	assert.Equal(t, runner.Passed, r.Status, "%s %v", r.Reason, r.Differences)
	require.NotNil(t, r.Channel)
	assert.Contains(t, r.Channel.Ended, "1001 casebook ws fault close-after")
}

func TestChannelErrors(t *testing.T) {
	src := `
- name: no credentials
  auth: none
  request: {method: GET, path: /api/v2/outbound/campaigns/campaign-preview}
  channel: {topics: []}
  expect: {events: [{topicName: t, absent: true, within: 1ms}]}
- name: a topic the vendor does not publish` + readCampaign + `
  channel: {topics: [v2.users.agent-with-station.conversations.call]}
  expect: {events: [{topicName: t, absent: true, within: 1ms}]}
`
	res := runEventCases(t, src, 1)
	assert.Equal(t, runner.Errored, res[0].Status)
	assert.Contains(t, res[0].Reason, "POST /api/v2/notifications/channels answered 401")
	assert.Equal(t, runner.Errored, res[1].Status)
	assert.Contains(t, res[1].Reason, `did you mean \"`+callsTopic+`\"?`)
}
