package runner_test

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/runner"
)

const campaignBody = `{name: Spring, dialingMode: preview, callerName: C, callerAddress: "+13175550123",
         contactList: {id: contact-list-1}, phoneColumns: [{columnName: Cell, type: cell}]}`

// createReadRename creates a campaign, captures its id, version and the
// answer's correlation id, reads it back and renames it with the version
// read: the captured version must go out as a number.
const createReadRename = `name: flow
auth: agent
steps:
  - name: create
    request: {method: POST, path: /api/v2/outbound/campaigns, body: ` + campaignBody + `}
    expect: {status: 200, body: {name: Spring}}
    capture: {CAMPAIGN_ID: /id, CORRELATION: "header:Inin-Correlation-Id"}
  - name: read back
    request:
      method: GET
      path: /api/v2/outbound/campaigns/{campaignId}
      pathParams: {campaignId: "${CAMPAIGN_ID}"}
      headers: {X-Previous-Correlation: "${CORRELATION}"}
    expect: {status: 200, body: {id: "${CAMPAIGN_ID}", name: Spring, dialingMode: preview}}
    capture: {VERSION: /version}
  - name: rename
    request:
      method: PUT
      path: /api/v2/outbound/campaigns/{campaignId}
      pathParams: {campaignId: "${CAMPAIGN_ID}"}
      body: {name: Summer, version: "${VERSION}", dialingMode: preview, callerName: C, callerAddress: "+13175550123",
             contactList: {id: contact-list-1}, phoneColumns: [{columnName: Cell, type: cell}]}
    expect: {status: 200, body: {name: Summer, version: 2}}
`

func TestStepsCreateCaptureReadBack(t *testing.T) {
	res := runOne(t, runner.Options{}, createReadRename)
	if res.Status != runner.Passed {
		t.Fatalf("%s %s %v", res.Status, res.Reason, res.Differences)
	}
	if len(res.Steps) != 3 || res.Attempts != 3 {
		t.Fatalf("steps = %d, attempts = %d; want 3 and 3", len(res.Steps), res.Attempts)
	}
	id := res.Steps[0].Captured["CAMPAIGN_ID"]
	if !regexp.MustCompile(`^[0-9a-f-]{36}$`).MatchString(id) || res.Steps[0].Captured["CORRELATION"] == "" {
		t.Errorf("captured = %v, want a campaign id and a correlation id", res.Steps[0].Captured)
	}
	read := res.Steps[1].Request
	if !strings.HasSuffix(read.URL, "/api/v2/outbound/campaigns/"+id) || read.Header.Get("X-Previous-Correlation") != res.Steps[0].Captured["CORRELATION"] {
		t.Errorf("read back sent %s with %v, want the captured id and correlation id", read.URL, read.Header)
	}
	if !bytes.Contains(res.Steps[2].Request.Body, []byte(`"version":1`)) {
		t.Errorf("rename sent %s, want the captured version as the number 1", res.Steps[2].Request.Body)
	}
	if res.Response != res.Steps[2].Response || res.CorrelationID != res.Steps[2].CorrelationID {
		t.Errorf("the case's answer is not its last step's")
	}
}

// TestStepsCaptureMissingStops: a capture that finds nothing fails its
// step, and the steps after it are skipped, not sent.
func TestStepsCaptureMissingStops(t *testing.T) {
	src := strings.Replace(createReadRename, "CAMPAIGN_ID: /id,", "CAMPAIGN_ID: /campaignId,", 1)
	res := runOne(t, runner.Options{}, src)
	if res.Status != runner.Failed || len(res.Steps) != 3 {
		t.Fatalf("%s %s, %d steps; want failed with 3 steps", res.Status, res.Reason, len(res.Steps))
	}
	want := diff.Difference{Step: "create", Part: diff.Capture, Pointer: "/campaignId", Want: "a value for ${CAMPAIGN_ID}", Missing: true}
	if len(res.Differences) != 1 || res.Differences[0] != want {
		t.Errorf("differences = %+v, want %+v", res.Differences, want)
	}
	for _, st := range res.Steps[1:] {
		if st.Status != runner.Skipped || st.Request != nil || !strings.Contains(st.Reason, `step "create" did not finish`) {
			t.Errorf("step %s: %s %q sent %v, want skipped and not sent", st.Name, st.Status, st.Reason, st.Request)
		}
	}
}

// TestStepsLintOnly: a lint-only run lints every step, the values still
// to be captured standing in, and reports no finding they cause (the
// version stand-in is a string where an integer goes).
func TestStepsLintOnly(t *testing.T) {
	res := runOne(t, runner.Options{LintOnly: true}, createReadRename)
	if res.Status != runner.Passed {
		t.Fatalf("%s %s %v", res.Status, res.Reason, res.Differences)
	}
	for _, st := range res.Steps {
		if len(st.Findings) != 0 || st.Operation == "" {
			t.Errorf("step %s: operation %q findings %v, want it routed and clean", st.Name, st.Operation, st.Findings)
		}
	}
	// A real mistake in a later step is still found.
	bad := strings.Replace(createReadRename, "name: Summer, version:", "nmae: Summer, version:", 1)
	res = runOne(t, runner.Options{LintOnly: true}, bad)
	if res.Status != runner.Failed || len(res.Steps[2].Findings) == 0 || res.Differences[0].Step != "rename" {
		t.Errorf("a misspelt member in step 3: %s %v, want a finding in step rename", res.Status, res.Differences)
	}
}

// TestStepsDryRun prints every step as curl, each capture read from the
// step's answer by the shell, and sends nothing.
func TestStepsDryRun(t *testing.T) {
	var out bytes.Buffer
	res := runOne(t, runner.Options{DryRun: &out}, createReadRename)
	if res.Status != runner.Skipped || res.Attempts != 0 {
		t.Fatalf("%s %s after %d attempts, want skipped and nothing sent", res.Status, res.Reason, res.Attempts)
	}
	text := out.String()
	for _, want := range []string{
		"step 1 of 3: create", "ANSWER_CREATE=$(curl -sS \\\n  -D \"$HEADERS_CREATE\" \\\n  -X POST",
		`CAMPAIGN_ID=$(printf '%s' "$ANSWER_CREATE" | jq -r '.["id"]')`,
		`CORRELATION=$(grep -i '^Inin-Correlation-Id:' "$HEADERS_CREATE" | head -n 1 | sed 's/^[^:]*: *//' | tr -d '\r')`,
		`/api/v2/outbound/campaigns/${CAMPAIGN_ID}"`, `"X-Previous-Correlation: ${CORRELATION}"`, `"version":'"${VERSION_JSON}"'`,
		`VERSION=$(printf '%s' "$ANSWER_READ_BACK" | jq -r '.["version"]')`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("dry run lacks %s\n%s", want, text)
		}
	}
}

// TestStepsCurl: casebook curl writes every step, in order.
func TestStepsCurl(t *testing.T) {
	cases := decodeCases(t, map[string]string{"rename": createReadRename, "read": readCampaignAlone})
	var out bytes.Buffer
	if err := runner.Curl(&out, cases[:1], "http://127.0.0.1:8080"); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{"# flow, step 1 of 3: create", "# flow, step 3 of 3: rename", `"version":'"${VERSION_JSON}"'`,
		`CAMPAIGN_ID=$(printf '%s' "$ANSWER_CREATE" | jq -r '.["id"]')`} {
		if !strings.Contains(text, want) {
			t.Errorf("curl lacks %s\n%s", want, text)
		}
	}
}

const readCampaignAlone = "name: read\nrequest: {method: GET, path: /api/v2/outbound/campaigns/campaign-predictive}\n"

// runOne runs one case (written as the rename case) on the built-in mock.
func runOne(t *testing.T, opts runner.Options, src string) *runner.Result {
	t.Helper()
	cases := decodeCases(t, map[string]string{"rename": src, "read": readCampaignAlone})
	r := runner.New(opts)
	defer r.Close()
	return r.Run(context.Background(), cases[:1])[0]
}
