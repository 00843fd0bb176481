package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/casebook-dev/casebook/internal/results"
)

// TestStepsInEveryFormat: a multi-step case shows each step, with its own
// request, answer and differences, in every format (golden files under
// testdata/steps.*, refreshed with -update), and the JSON validates.
func TestStepsInEveryFormat(t *testing.T) {
	rs := []*results.Result{stepsResult()}
	for _, tc := range []struct {
		format, golden string
		opts           Options
		want           []string // what each must show, beyond the golden file
	}{
		{"text", "testdata/steps.txt", Options{}, []string{"(3 steps)", "step create: passed (POST /api/v2/outbound/campaigns -> 200)",
			"step read back: failed", "body /name", `step delete: skipped`, `step "read back" did not finish`}},
		{"json", "testdata/steps.json", Options{Version: "test"}, []string{`"steps": [`, `"step": "read back"`, `"captured": {`}},
		{"junit", "testdata/steps.junit.xml", Options{}, []string{"step create: passed", "step read back: failed", "step read back: body /name"}},
		{"html", "testdata/steps.html", Options{Version: "test"}, []string{"step create", "step read back", "step delete", "3 steps"}},
		{"markdown", "testdata/steps.md", Options{}, []string{"**The steps**", "1. `create` (passed), capturing `CAMPAIGN_ID` from `/id`",
			"GET /api/v2/outbound/campaigns/${CAMPAIGN_ID}", "3. `delete` (skipped"}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := renderers[tc.format](&buf, rs, tc.opts); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.golden, buf.Bytes())
			for _, w := range tc.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("%s lacks %q", tc.format, w)
				}
			}
		})
	}
	c := jsonschema.NewCompiler()
	schema, err := c.Compile(reportSchema)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(renderJSON(t, rs)))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Errorf("a multi-step report does not validate against %s: %v", reportSchema, err)
	}
}
