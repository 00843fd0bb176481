package reports

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/casebook-dev/casebook/internal/results"
)

// sampleCoverage has an operation answered with declared and undeclared
// statuses, one never answered, and one whose access needs no grant.
func sampleCoverage() *results.Coverage {
	return &results.Coverage{Specs: []results.SpecCoverage{{
		Path: "specs/genesys-cloud/openapi.yaml",
		Operations: []results.OperationCoverage{
			{
				Operation: "POST /api/v2/conversations/calls", Answers: 4,
				Statuses:   []results.Outcome{{Name: "200", Hit: true}, {Name: "400", Hit: true}, {Name: "401", Hit: true}, {Name: "403", Hit: false}},
				Undeclared: []int{418},
				Auth:       []results.Outcome{{Name: "401", Hit: true}, {Name: "403", Hit: false}, {Name: results.AuthSuccess, Hit: true}},
			},
			{
				Operation: "GET /api/v2/outbound/campaigns/{campaignId}",
				Statuses:  []results.Outcome{{Name: "200", Hit: false}, {Name: "404", Hit: false}},
				Auth:      []results.Outcome{{Name: "401", Hit: false}, {Name: "403", Hit: false}, {Name: results.AuthSuccess, Hit: false}},
			},
			{Operation: "GET /health", Answers: 1, Statuses: []results.Outcome{{Name: "200", Hit: true}}},
		},
	}}}
}

func TestCoverageCounts(t *testing.T) {
	c := sampleCoverage().Counts()
	for _, tc := range []struct {
		name      string
		got, want results.Count
	}{
		{"operations", c.Operations, results.Count{Covered: 2, Total: 3}},
		{"statuses", c.Statuses, results.Count{Covered: 4, Total: 7}},
		{"auth", c.Auth, results.Count{Covered: 2, Total: 6}},
		{"total", c.Total(), results.Count{Covered: 8, Total: 16}},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %+v, want %+v", tc.name, tc.got, tc.want)
		}
	}
	if got := c.Total().Percent(); got != 50 {
		t.Errorf("Percent() = %v, want 50", got)
	}
	if !c.Total().Below(50.1) || c.Total().Below(50) {
		t.Errorf("Below: 8/16 must be below 50.1%% and not below 50%%")
	}
	if got := (results.Count{}).Percent(); got != 100 {
		t.Errorf("nothing to cover: Percent() = %v, want 100", got)
	}
}

func TestCoverageText(t *testing.T) {
	var buf bytes.Buffer
	if err := Text(&buf, sampleResults(), Options{Coverage: sampleCoverage()}); err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join("testdata", "text-coverage.golden"), buf.Bytes())
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	if got := lines[len(lines)-1]; got != "1 passed, 1 failed, 1 errored, 1 skipped" {
		t.Errorf("with coverage the report still ends with the summary line, ends with %q", got)
	}
}

func TestCoverageJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, richResults(), Options{Version: "test", Coverage: sampleCoverage()}); err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	schema, err := c.Compile(reportSchema)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Errorf("report with coverage does not validate against %s: %v", reportSchema, err)
	}
	var rep JSONReport
	if err := json.Unmarshal(buf.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Coverage == nil || rep.Coverage.Percent != 50 || rep.Coverage.Statuses != (JSONCount{4, 7, 57.1}) {
		t.Errorf("coverage = %+v, want 50%% and statuses 4/7 (57.1%%)", rep.Coverage)
	}
	if got := rep.Coverage.Specs[0].Operations[0].Undeclared; len(got) != 1 || got[0] != 418 {
		t.Errorf("undeclared = %v, want [418]", got)
	}
}

func TestCoverageHTML(t *testing.T) {
	var buf bytes.Buffer
	if err := HTML(&buf, richResults(), Options{Coverage: sampleCoverage()}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="coverage"`, "coverage 8/16 (50.0%)", "<code>GET /api/v2/outbound/campaigns/{campaignId}</code>", "200 400 401 (3 of 4); undeclared 418", "401 - success"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
}
