package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/casebook-dev/casebook/internal/testenv"
)

// The notification channel end to end: "casebook mock" as its own process,
// and a client written with the npm ws package (testdata/wsclient, which
// scripts/install-test-deps.sh installs) as a Node service would use it.
// The client reports how long each step took; those are figures for
// people, logged here, not asserted: the test checks what happened.

// wsClient finds node and the installed ws package. Without them the test
// skips locally, but fails in CI (CI=true), where
// scripts/install-test-deps.sh must have installed them.
func wsClient(t *testing.T) (node, dir string) {
	t.Helper()
	dir, _ = filepath.Abs(filepath.Join("testdata", "wsclient"))
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(dir, "node_modules", "ws", "package.json"))
	}
	if err == nil {
		return node, dir
	}
	testenv.MissingTool(t, "node or the npm ws package is missing (%v)", err)
	return "", ""
}

// startMockProcess runs "casebook mock" on the Genesys spec with extra flags.
func startMockProcess(t *testing.T, flags ...string) string {
	t.Helper()
	args := append([]string{"mock", "--spec", "specs/genesys-cloud/openapi.yaml", "--addr", "127.0.0.1:0", "--quiet"}, flags...)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := casebookCmd(ctx, args...)
	cmd.Dir = "../.."
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	url := waitForURL(t, stdout)
	go io.Copy(io.Discard, stdout)
	return url
}

// runWSClient runs check.mjs in a mode against the mock and decodes what it saw.
func runWSClient(t *testing.T, mode, url string) map[string]any {
	t.Helper()
	node, dir := wsClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // hang guard; the script has its own
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "check.mjs", mode, url)
	cmd.Dir = dir
	cmd.WaitDelay = 10 * time.Second // a child holding stdout open cannot hang Wait
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("node check.mjs %s: %v\n%s%s", mode, err, out.String(), errb.String())
	}
	var seen map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(out.Bytes()), &seen); err != nil {
		t.Fatalf("check.mjs printed %q: %v", out.String(), err)
	}
	return seen
}

// TestNotificationChannelWithNodeWS: a ws client opens the connectUri on
// loopback, subscribes to the agent's calls topic with PUT, gets a pong for
// {"message":"ping"} and a heartbeat (--ws-heartbeat 1s), and the event of
// a call the agent places.
func TestNotificationChannelWithNodeWS(t *testing.T) {
	wsClient(t)
	url := startMockProcess(t, "--ws-heartbeat", "1s")
	seen := runWSClient(t, "channel", url)
	if uri, _ := seen["connectUri"].(string); !strings.HasPrefix(uri, strings.Replace(url, "http://", "ws://", 1)+"/channels/") {
		t.Errorf("connectUri = %q, want ws://<the mock>/channels/...", uri)
	}
	if subs, _ := seen["subscribed"].([]any); len(subs) != 1 || subs[0] != "v2.users.agent-with-station.conversations.calls" {
		t.Errorf("PUT subscriptions answered %v", seen["subscribed"])
	}
	for _, k := range []string{"pongMs", "heartbeatMs", "eventMs"} {
		if _, ok := seen[k].(float64); !ok {
			t.Errorf("the ws client saw no %s: %v", strings.TrimSuffix(k, "Ms"), seen)
		}
	}
	event, _ := seen["event"].(map[string]any)
	if event["topicName"] != "v2.users.agent-with-station.conversations.calls" || event["version"] != "2" {
		t.Errorf("event = %v", event)
	}
	t.Logf("figures (ms): pong %v and first heartbeat %v after the socket opened; the call's event %v after the POST",
		seen["pongMs"], seen["heartbeatMs"], seen["eventMs"])
}

// TestNotificationChannelResetWithNodeWS: with --ws-fault reset-after=1s an
// open channel is dropped without a close frame, which ws reports as 1006.
func TestNotificationChannelResetWithNodeWS(t *testing.T) {
	wsClient(t)
	url := startMockProcess(t, "--ws-fault", "reset-after=1s")
	seen := runWSClient(t, "reset", url)
	if code, _ := seen["closeCode"].(float64); code != 1006 {
		t.Errorf("the channel ended with close code %v, want 1006 (dropped, no close frame): %v", seen["closeCode"], seen)
	}
	t.Logf("figure: dropped %v ms after the socket opened", seen["droppedMs"])
}
