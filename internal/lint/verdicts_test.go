package lint

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/spec"
)

// inline loads a spec written in the test.
func inline(t *testing.T, doc string) *spec.Spec {
	t.Helper()
	path := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return load(t, path)
}

const basicForm = "../../mockserver/testdata/basic-form.yaml" // the mock's test spec: one operation, both checkers

// paramsSpec has the parameter styles published specs use: Stripe's
// deepObject array and anyOf, an integer, a header, a cookie, an exploded
// array of objects (Genesys Cloud's `expand`), and an API key in a header.
const paramsSpec = `
openapi: 3.0.3
info: {title: params, version: "1"}
security: [{key: []}]
paths:
  /things:
    get:
      parameters:
        - {name: expand, in: query, style: deepObject, explode: true, schema: {type: array, items: {type: string}}}
        - name: created
          in: query
          style: deepObject
          explode: true
          schema:
            anyOf:
              - {type: object, properties: {gt: {type: integer}, lt: {type: integer}}}
              - {type: integer}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
        - {name: ids, in: query, explode: false, schema: {type: array, items: {type: integer}}}
        - {name: objs, in: query, schema: {type: array, items: {type: object}}}
        - {name: X-Trace, in: header, schema: {type: string, format: uuid}}
        - {name: session, in: cookie, schema: {type: string, minLength: 3}}
      responses: {"200": {description: ok}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-API-KEY}
`

// openapi31 has the keywords whose findings must read as 3.0's do.
const openapi31 = `
openapi: 3.1.0
info: {title: t31, version: "1"}
paths:
  /things:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [name, kind]
              properties:
                name: {type: [string, "null"], minLength: 2}
                kind: {type: string, enum: [a, b]}
                count: {type: integer, minimum: 1}
                site: {type: string, format: uri}
                mail: {type: string, format: email}
      responses: {"200": {description: ok}}
`

func TestVerdicts(t *testing.T) {
	formHeader := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Authorization": {"Basic Y2FzZWJvb2s6Y2FzZWJvb2s="}}
	key := http.Header{"X-Api-Key": {"k"}}
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name   string
		spec   string // a file, or an inline document when it holds a newline
		method string
		path   string
		query  string
		header http.Header
		body   string
		opts   Options
		want   []want
	}{
		{
			name: "form: repeated keys are an exploded array", spec: basicForm, method: "POST", path: "/subscriptions", header: formHeader,
			body: "Url=https://example.com/hook&Events=created&Events=deleted&Timeout=5",
		},
		{
			name: "form: a wrong type and an undeclared field, each at its pointer, at once", spec: basicForm, method: "POST", path: "/subscriptions", header: formHeader,
			body: "Url=https://example.com/hook&Events=created&Timeout=abc&Colour=red",
			want: []want{
				{finding.Error, finding.InBody, "/Colour", "additionalProperties", "Color", "Color"},
				{finding.Error, finding.InBody, "/Timeout", "type", "", "integer"},
			},
		},
		{
			name: "form: format uri, an enum member and a missing required field", spec: basicForm, method: "POST", path: "/subscriptions", header: formHeader,
			body: "Url=not+a+url&Events=creatd",
			want: []want{
				{finding.Error, finding.InBody, "/Events/0", "enum", "created", ""},
				{finding.Error, finding.InBody, "/Url", "format", "", "uri"},
			},
		},
		{
			name: "form: required field missing", spec: basicForm, method: "POST", path: "/subscriptions", header: formHeader,
			body: "Events=created",
			want: []want{{finding.Error, finding.InBody, "/Url", "required", "", ""}},
		},
		{
			name: "Basic-only operation without credentials names Authorization", spec: basicForm, method: "POST", path: "/subscriptions",
			header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, body: "Url=https://example.com/hook&Events=created",
			want: []want{{finding.Error, finding.InSecurity, "/Authorization", finding.RuleSecurity, "", ""}},
		},
		{
			name: "a Bearer token is not HTTP Basic", spec: basicForm, method: "POST", path: "/subscriptions",
			header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Authorization": {"Bearer t"}}, body: "Url=https://example.com/hook&Events=created",
			want: []want{{finding.Error, finding.InSecurity, "/Authorization", finding.RuleSecurity, "", ""}},
		},
		{
			name: "auth: in a case satisfies HTTP Basic", spec: basicForm, method: "POST", path: "/subscriptions",
			header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, body: "Url=https://example.com/hook&Events=created",
			opts: Options{AuthSupplied: true},
		},
		{
			name: "integer path and query parameters fail with rule type", spec: basicForm, method: "GET", path: "/subscriptions/SB1", query: "PageSize=ten",
			header: formHeader, want: []want{{finding.Error, finding.InQuery, "/PageSize", "type", "", "integer"}},
		},
		{
			name: "absent deepObject parameters are not checked for their style", spec: paramsSpec, method: "GET", path: "/things", query: "limit=1", header: key,
		},
		{
			name: "deepObject array and anyOf, delimited integers, header, cookie", spec: paramsSpec, method: "GET", path: "/things",
			query:  "expand[]=customer&expand[]=invoice&created[gt]=5&created[lt]=9&ids=1,2,3",
			header: http.Header{"X-Api-Key": {"k"}, "X-Trace": {"0b989ba4-242f-11e5-81e1-c7b6966d2516"}, "Cookie": {"session=abcd"}},
		},
		{
			name: "anyOf takes the plain value too", spec: paramsSpec, method: "GET", path: "/things", query: "created=1650000000", header: key,
		},
		{
			name: "each parameter's problem at its own pointer", spec: paramsSpec, method: "GET", path: "/things",
			query:  "created[gt]=soon&limit=0&ids=1,x",
			header: http.Header{"X-Api-Key": {"k"}, "X-Trace": {"not-a-uuid"}, "Cookie": {"session=ab"}},
			want: []want{
				{finding.Error, finding.InCookie, "/session", "minLength", "", ""},
				{finding.Error, finding.InHeader, "/X-Trace", "format", "", "uuid"},
				{finding.Error, finding.InQuery, "/created/gt", "type", "", "integer"}, // the anyOf member for an object says why
				{finding.Error, finding.InQuery, "/ids/1", "type", "", "integer"},
				{finding.Error, finding.InQuery, "/limit", "minimum", "", ""},
			},
		},
		{
			name: "an exploded array of objects cannot be checked: a warning, never an error", spec: paramsSpec, method: "GET", path: "/things", query: "objs=a&objs=b", header: key,
			want: []want{{finding.Warning, finding.InQuery, "/objs", finding.RuleNotChecked, "", ""}},
		},
		{
			name: "API key missing: the pointer is its header", spec: paramsSpec, method: "GET", path: "/things",
			want: []want{{finding.Error, finding.InSecurity, "/X-API-KEY", finding.RuleSecurity, "", ""}},
		},
		{
			name: "auth: in a case satisfies an API key", spec: paramsSpec, method: "GET", path: "/things", opts: Options{AuthSupplied: true},
		},
		{
			name: "3.1: findings worded as 3.0's", spec: openapi31, method: "POST", path: "/things", header: jsonHeader,
			body: `{"name": "x", "kind": "c", "count": 0, "site": "not a url", "mail": "nobody", "extra": 1}`,
			want: []want{
				{finding.Error, finding.InBody, "/count", "minimum", "", ""},
				{finding.Error, finding.InBody, "/extra", "additionalProperties", "", ""},
				{finding.Error, finding.InBody, "/kind", "enum", "", "a"},
				{finding.Error, finding.InBody, "/mail", "format", "", "email"},
				{finding.Error, finding.InBody, "/name", "minLength", "", ""},
				{finding.Error, finding.InBody, "/site", "format", "", "uri"},
			},
		},
		{
			name: "3.1: a missing required property at its own pointer", spec: openapi31, method: "POST", path: "/things", header: jsonHeader,
			body: `{"name": null}`,
			want: []want{{finding.Error, finding.InBody, "/kind", "required", "", ""}},
		},
		{
			name: "JSON followed by more data is a syntax error", spec: openapi31, method: "POST", path: "/things", header: jsonHeader,
			body: `{"name": "xy", "kind": "a"}{}`,
			want: []want{{finding.Error, finding.InBody, "", finding.RuleSyntax, "", ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s *spec.Spec
			if strings.Contains(tt.spec, "\n") {
				s = inline(t, tt.spec)
			} else {
				s = load(t, tt.spec)
			}
			q, _ := url.ParseQuery(tt.query)
			req := &Request{Method: tt.method, Path: tt.path, Query: q, Header: tt.header, Body: []byte(tt.body)}
			got := Check(context.Background(), s, req, tt.opts).Findings
			checkFindings(t, got, tt.want)
			checkErrorsOnly(t, s, req, tt.opts)
		})
	}
}

func checkFindings(t *testing.T, got []finding.Finding, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("Check = %d findings, want %d:\n%s", len(got), len(wants), render(got))
	}
	for i, w := range wants {
		g := got[i]
		if g.Severity != w.severity || g.Location != w.location || g.Pointer != w.pointer || g.Rule != w.rule {
			t.Errorf("finding %d = %s, want %s %s %s: %s", i, g, w.severity, w.location, w.pointer, w.rule)
		}
		if w.didYouMean != "" && g.DidYouMean != w.didYouMean {
			t.Errorf("finding %d did you mean = %q, want %q", i, g.DidYouMean, w.didYouMean)
		}
		if w.allowed != "" && !strings.Contains(strings.Join(g.Allowed, "|"), w.allowed) {
			t.Errorf("finding %d allowed = %q, want it to hold %q", i, g.Allowed, w.allowed)
		}
	}
}
