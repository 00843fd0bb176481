package reports

import (
	"bytes"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/results"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// sampleResults covers every status and every kind of difference.
func sampleResults() []*results.Result {
	pos := casefile.Pos{File: "cases/pc/recipient.yaml", Line: 1, Column: 1}
	return []*results.Result{
		{
			Case:   &casefile.Case{Name: "pc-correct-call", Pos: pos},
			Status: results.Passed, Target: "mock", Operation: "POST /calls/{id}",
			Request:  &results.Request{Method: "POST", URL: "http://127.0.0.1:1/calls/c1"},
			Response: &results.Response{Status: 202, Body: []byte(`{"status":"queued"}`)},
			// expect.conformance: warn: the case passes, the break shows.
			Conformance: []finding.Finding{{Severity: finding.Warning, Location: finding.InHeader, Pointer: "/Content-Type",
				Rule: finding.RuleContentType, Message: `Content-Type "" is not one the spec declares for 202`, Allowed: []string{"application/json"}}},
		},
		{
			Case: &casefile.Case{Name: "pc-recipient-phone-number", Pos: pos, Pitfall: "phoneNumber\ninstead of type + address",
				Source: "forum thread", Verification: "unverified"},
			Status: results.Failed, Target: "mock", Operation: "POST /calls/{id}",
			Findings: []finding.Finding{
				{Severity: finding.Error, Location: finding.InBody, Pointer: "/recipient/phoneNumber", Rule: "additionalProperties",
					Message: `property "phoneNumber" is not allowed here`, Allowed: []string{"address", "type"}, DidYouMean: "address"},
				{Severity: finding.Warning, Location: finding.InBody, Pointer: "/extra", Rule: "undeclared", Message: `"extra" is not a field`},
			},
			Request:  &results.Request{Method: "POST", URL: "http://127.0.0.1:1/calls/c1", Header: http.Header{"Authorization": {"Bearer REDACTED"}}},
			Response: &results.Response{Status: 400, Body: []byte("{\n  \"code\": \"bad.request\"\n}")},
			Conformance: []finding.Finding{{Severity: finding.Error, Location: finding.InBody, Pointer: "/status", Rule: "required",
				Message: `property "status" is missing`}},
			Differences: []diff.Difference{
				{Part: diff.Lint, Pointer: "/extra", Got: "warning body /extra: undeclared", Extra: true},
				{Part: diff.Lint, Pointer: "/recipient/type", Want: "required finding", Missing: true},
				{Part: diff.Status, Want: 202, Got: 400},
				{Part: diff.Header, Pointer: "Content-Type", Want: "application/json", Got: "application/problem+json"},
				{Part: diff.Body, Pointer: "/code", Want: "queued", Got: "bad.request"},
				{Part: diff.Conformance, Pointer: "/status", Got: `error body /status: required: property "status" is missing`, Extra: true},
			},
		},
		{Case: &casefile.Case{Name: "dead-server", Pos: pos}, Status: results.Errored,
			Reason: "POST http://127.0.0.1:1/calls (case dead-server): connection refused"},
		{Case: &casefile.Case{Name: "not-run", Pos: pos}, Status: results.Skipped, Reason: "run interrupted"},
	}
}

func TestTextGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"text", Options{}},
		{"text-verbose", Options{Verbose: true}},
		{"text-color", Options{Color: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Text(&buf, sampleResults(), tc.opts); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", tc.name+".golden"), buf.Bytes())
		})
	}
}

func TestTextSummaryLine(t *testing.T) {
	var buf bytes.Buffer
	if err := Text(&buf, sampleResults(), Options{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	if got, want := lines[len(lines)-1], "1 passed, 1 failed, 1 errored, 1 skipped"; got != want {
		t.Errorf("last line = %q, want %q", got, want)
	}
	if strings.Contains(buf.String(), "\x1b[") {
		t.Error("text without Color has ANSI escapes")
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, d)
	}
}

// TestVerboseShowsPassingAnswers: -v shows what a passing case got back;
// without it a passing case is one line.
func TestVerboseShowsPassingAnswers(t *testing.T) {
	pass := &results.Result{Case: &casefile.Case{Name: "ok"}, Status: results.Passed,
		Request:  &results.Request{Method: "GET", URL: "http://h/x"},
		Response: &results.Response{Status: 200, Body: []byte(`{"id":"x-1"}`)}}
	var quiet, verbose bytes.Buffer
	require.NoError(t, Text(&quiet, []*results.Result{pass}, Options{}))
	require.NoError(t, Text(&verbose, []*results.Result{pass}, Options{Verbose: true}))
	assert.Equal(t, "PASS ok (GET /x -> 200)\n1 passed, 0 failed\n", quiet.String())
	assert.Contains(t, verbose.String(), "    answer: 200 {\n")
	assert.Contains(t, verbose.String(), `"id": "x-1"`)
}
