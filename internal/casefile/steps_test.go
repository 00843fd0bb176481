package casefile

import (
	"strings"
	"testing"
)

const steps = `name: create-then-read
auth: agent
steps:
  - name: create
    request:
      method: POST
      path: /api/v2/outbound/campaigns
      body: {name: Spring}
    expect: {status: 200}
    capture: {CAMPAIGN_ID: /id, WHERE: "header:Location"}
  - name: read
    auth: other
    request:
      method: GET
      path: /api/v2/outbound/campaigns/{campaignId}
      pathParams: {campaignId: "${CAMPAIGN_ID}"}
    expect: {status: 200, body: {name: Spring}}
`

func TestDecodeSteps(t *testing.T) {
	cases, err := Decode("steps.yaml", []byte(steps))
	if err != nil {
		t.Fatal(err)
	}
	c := cases[0]
	if len(c.Steps) != 2 || c.Steps[1].Auth != "other" || c.Steps[0].Capture["CAMPAIGN_ID"].Pointer != "/id" ||
		c.Steps[0].Capture["WHERE"].Header != "Location" {
		t.Fatalf("steps = %+v", c.Steps)
	}
	if p := c.FieldPos("steps[1].request.pathParams.campaignId"); p.Line != 16 {
		t.Errorf("FieldPos(steps[1]...campaignId) = %v, want line 16", p)
	}
}

func TestDecodeStepErrors(t *testing.T) {
	step := func(name, extra string) string {
		return "  - name: " + name + "\n    request: {method: GET, path: /a}\n" + extra
	}
	for _, tc := range []struct{ name, src, want string }{
		{"request and steps", "request: {method: GET, path: /a}\nsteps:\n" + step("a", ""), "s.yaml:4:3: case \"s\": steps: a case has one request: or steps:, not both"},
		{"expect beside steps", "expect: {status: 200}\nsteps:\n" + step("a", ""), "expect: with steps:, each step has its own expect:"},
		{"no steps", "steps: []\n", "steps: is empty"},
		{"nameless step", "steps:\n  - request: {method: GET, path: /a}\n", "steps[0]: a step needs a name"},
		{"twice the same name", "steps:\n" + step("a", "") + step("a", ""), `steps[1].name: step name "a" is used twice`},
		{"step without request", "steps:\n  - name: a\n", `step "a" has no request:`},
		{"a step's request is checked", "steps:\n  - name: a\n    request: {method: get, path: a}\n",
			`steps[0].request.method: unknown method "get" (did you mean "GET"?)`},
		{"capture not a pointer", "steps:\n" + step("a", "    capture: {ID: id}\n"), `s.yaml:5:19: case "s": steps[0].capture.ID: "id" is neither a JSON pointer`},
		{"capture of a bad name", "steps:\n" + step("a", "    capture: {1D: /id}\n"), `steps[0].capture.1D: "1D" is not a variable name`},
		{"used before captured", "steps:\n  - name: a\n    request: {method: GET, path: '/a/${ID}'}\n" + step("b", "    capture: {ID: /id}\n"),
			`steps[0].request: ${ID} is captured by step "b", after this one`},
		{"own capture", "steps:\n  - name: a\n    request: {method: GET, path: '/a/${ID}'}\n    capture: {ID: /id}\n",
			`${ID} is captured from this step's own answer`},
		{"step expect checked", "steps:\n" + step("a", "    expect: {status: 42}\n"), `steps[0].expect.status: 42 is not an HTTP status`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode("s.yaml", []byte("name: s\n"+tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Decode = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// check skips the VarRef and PathParam regexps on a string without "${"
// or "{": neither can match one. Held here on tricky strings and every
// string of every shipped case's requests.
func TestRegexpGuards(t *testing.T) {
	texts := []string{"", "$", "{", "}", "${", "$ {A}", "${}", "{a}", "${A}", "$${A}", "/a/{b}/${C}", "é{x}", "{/}"}
	for _, c := range packTestCases(t) {
		for _, r := range append([]*Request{&c.Request}, stepRequests(c)...) {
			texts = append(texts, r.Path, r.RawBody)
			for _, v := range r.Headers {
				texts = append(texts, v)
			}
			if r.Body != nil {
				walkStrings(r.Body.V, func(s string) { texts = append(texts, s) })
			}
		}
	}
	for _, s := range texts {
		if !strings.Contains(s, "${") && VarRef.MatchString(s) {
			t.Errorf("VarRef matches %q, which has no ${", s)
		}
		if !strings.Contains(s, "{") && PathParam.MatchString(s) {
			t.Errorf("PathParam matches %q, which has no {", s)
		}
	}
}

func stepRequests(c *Case) []*Request {
	var out []*Request
	for i := range c.Steps {
		out = append(out, &c.Steps[i].Request)
	}
	return out
}
