package runner_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/runner"
)

// renameCampaign renames the fixture campaign; readCampaignName expects name.
const (
	renameCampaign = `name: rename
auth: agent
%s
request:
  method: PUT
  path: /api/v2/outbound/campaigns/campaign-predictive
  body: {name: Renamed, version: 1, dialingMode: predictive, callerName: C, callerAddress: "+13175550123",
         contactList: {id: contact-list-1}, phoneColumns: [{columnName: Cell, type: cell}]}
expect: {status: 200, body: {name: Renamed, version: 2}}
`
	readCampaignName = `name: read
auth: agent
%s
request: {method: GET, path: /api/v2/outbound/campaigns/campaign-predictive}
expect: {status: 200, body: {name: %s}}
`
)

// TestEachCaseHasItsOwnState: on the built-in mock a case starts from the
// overlay's fixtures whatever the cases before it changed; cases marked
// mock.state: shared see each other's changes. One worker runs the cases
// in order: rename, then read.
func TestEachCaseHasItsOwnState(t *testing.T) {
	for _, tc := range []struct{ name, mock, wantName string }{
		{"fresh", "", "Renewals (predictive)"},
		{"shared", "mock: {state: shared}", "Renamed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cases := decodeCases(t, map[string]string{
				"rename": fmt.Sprintf(renameCampaign, tc.mock),
				"read":   fmt.Sprintf(readCampaignName, tc.mock, tc.wantName),
			})
			r := runner.New(runner.Options{Concurrency: 1})
			defer r.Close()
			for _, res := range r.Run(context.Background(), cases) {
				if res.Status != runner.Passed {
					t.Errorf("%s: %s %s %v", res.Case.Name, res.Status, res.Reason, res.Differences)
				}
			}
		})
	}
}

// decodeCases writes the cases beside the Genesys spec's path and loads them.
func decodeCases(t *testing.T, files map[string]string) []*casefile.Case {
	t.Helper()
	dir := t.TempDir()
	specAbs, _ := filepath.Abs(genesysSpec)
	var out []*casefile.Case
	for _, name := range []string{"rename", "read"} {
		path := filepath.Join(dir, name+".yaml")
		if err := os.WriteFile(path, []byte("spec: "+specAbs+"\n"+files[name]), 0o644); err != nil {
			t.Fatal(err)
		}
		cs, err := casefile.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			c.SpecPath = specAbs
		}
		out = append(out, cs...)
	}
	return out
}

// TestSharedStateCaseWithAChannel: a case with a notification channel
// keeps the state it asks for. Its channel and its request go out in the
// case's one mock session, so mock.state: shared still sees what the case
// before it changed. The absent event is the channel's required
// expectation, not under test: it waits 1ms.
func TestSharedStateCaseWithAChannel(t *testing.T) {
	read := fmt.Sprintf(readCampaignName, "mock: {state: shared}\nchannel: {topics: ["+callsTopic+"]}", "Renamed")
	read = strings.Replace(read, "expect: {status: 200, body: {name: Renamed}}",
		"expect: {status: 200, body: {name: Renamed}, events: [{topicName: "+callsTopic+", absent: true, within: 1ms}]}", 1)
	cases := decodeCases(t, map[string]string{
		"rename": fmt.Sprintf(renameCampaign, "mock: {state: shared}"),
		"read":   read,
	})
	r := runner.New(runner.Options{Concurrency: 1})
	defer r.Close()
	for _, res := range r.Run(context.Background(), cases) {
		if res.Status != runner.Passed {
			t.Errorf("%s: %s %s %v", res.Case.Name, res.Status, res.Reason, res.Differences)
		}
		if res.Case.Name == "read" && res.Channel == nil {
			t.Errorf("read: no channel was opened")
		}
	}
}
