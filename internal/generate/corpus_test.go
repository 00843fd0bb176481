package generate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/generate"
	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/lint"
	"github.com/casebook-dev/casebook/internal/spec"
	"github.com/casebook-dev/casebook/mockserver"
)

var update = flag.Bool("update", false, "rewrite docs/conformance.md from this run")

const conformanceDoc = "../../docs/conformance.md"

// probe is a request a user tried by hand, pinned with its verdict.
type probe struct {
	method, target, form string
	status               int
	// pointer, when set, is what lint and a 400 answer must name.
	pointer, rule string
}

// corpus is ../shared/specs-real: published specs nobody here wrote.
var corpus = []struct {
	name, file string
	probes     []probe
}{
	{"Genesys Cloud 2018-03 (Swagger 2.0)", "genesys-cloud-2018-03-swagger.json", nil},
	{"GitHub 2022-06 (OpenAPI 3.0.3)", "github-api-2022-06.json", nil},
	{"Stripe 2022-04 (OpenAPI 3.0.0)", "stripe-spec3-2022-04.json", []probe{
		// Every GET with a query was refused for the absent deepObject `expand`.
		{method: "GET", target: "/v1/customers?limit=1", status: 200},
		// Every customer body was refused for the anyOf in tax_id_data.
		{method: "POST", target: "/v1/customers", form: "email=a@example.com", status: 200},
		{method: "POST", target: "/v1/customers", form: "balance=lots", status: 400, pointer: "/balance", rule: "type"},
	}},
	{"OAI petstore (3.0)", "openapi-examples/v3.0-petstore.yaml", nil},
	{"OAI petstore-expanded (3.0)", "openapi-examples/v3.0-petstore-expanded.yaml", nil},
	{"OAI petstore-expanded (Swagger 2.0)", "openapi-examples/v2.0-petstore-expanded.json", nil},
	{"OAI tic-tac-toe (3.1)", "openapi-examples/v3.1-tictactoe.yaml", nil},
	{"OAI webhook-only (3.1, no paths)", "openapi-examples/v3.1-webhook-example.yaml", nil},
}

const corpusDir = "../../../shared/specs-real/"

// TestCorpus holds casebook's verdicts to the published specs: for every
// operation of every corpus spec it builds a valid request and mutations of
// it; lint and the mock must accept every valid request, reject every
// mutation naming its pointer and rule, and answer with bodies that
// validate against the operation's own schema. The table it makes is
// docs/conformance.md (go test ./internal/generate -run Corpus -update).
func TestCorpus(t *testing.T) {
	rows := make([]row, len(corpus))
	for i, c := range corpus {
		t.Run(c.file, func(t *testing.T) {
			t.Parallel() // the big specs load side by side
			rows[i] = checkSpec(t, c.name, corpusDir+c.file, c.probes)
		})
	}
	// Cleanup runs once every parallel subtest has finished. The table is
	// compared only when every spec ran (-run may pick one).
	t.Cleanup(func() {
		for _, r := range rows {
			if r.name == "" {
				return
			}
		}
		if !t.Failed() {
			compareDoc(t, renderTable(rows))
		}
	})
}

// row is one spec's line in docs/conformance.md.
type row struct {
	name, file                        string
	ops, generated                    int
	lintAccepted, mockAccepted        int
	answers, invalidAnswers           int
	mutations, lintCaught, mockCaught int
	warnings, falseRejections         int
	errorsOutside                     int            // error answers the spec's declared responses do not describe
	undeclaredStatuses                int            // the mock's protocol statuses (400, 401, 415...) the operation leaves undeclared
	notGenerated                      map[string]int // reason -> operations
	warningRules                      map[string]int // rule -> warnings on valid requests
	mutationKinds                     map[string]int // rule -> mutations
}

func checkSpec(t *testing.T, name, path string, probes []probe) row {
	s, err := spec.Load(path)
	if err != nil {
		t.Fatalf("spec.Load(%s) = %v; the corpus is ../shared/specs-real, always beside the checkout", path, err)
	}
	// Stateless: the corpus checks validation and answers, and its ids are
	// made up; a mock keeping state answers them 404 (no such item).
	srv, err := mockserver.New(mockserver.Config{Spec: s, Stateless: true})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, s: s, srv: srv, b: generate.NewBuilder(s)}
	h.token = h.fetchToken()
	r := row{name: name, file: strings.TrimPrefix(path, corpusDir), notGenerated: map[string]int{}, warningRules: map[string]int{}, mutationKinds: map[string]int{}}
	for _, op := range s.Operations() {
		h.operation(op, &r)
	}
	for _, p := range probes {
		h.probe(p)
	}
	if r.falseRejections > 0 || r.invalidAnswers > 0 || r.errorsOutside > 0 || r.mutations != r.lintCaught || r.mutations != r.mockCaught {
		t.Errorf("%s: %d false rejections, %d invalid answers, %d error answers outside the spec, mutations caught by lint %d and by the mock %d of %d",
			name, r.falseRejections, r.invalidAnswers, r.errorsOutside, r.lintCaught, r.mockCaught, r.mutations)
	}
	return r
}

type harness struct {
	t      *testing.T
	s      *spec.Spec
	srv    *mockserver.Server
	b      *generate.Builder
	token  string
	errors int
}

// report prints a failure, at most 40 per spec: one class of bug can fail
// hundreds of operations, and the first few say what it is.
func (h *harness) report(format string, args ...any) {
	h.t.Helper()
	h.errors++
	if h.errors <= 40 {
		h.t.Errorf(format, args...)
	}
}

func (h *harness) fetchToken() string {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("casebook", "casebook")
	h.srv.ServeHTTP(rec, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.AccessToken == "" {
		h.t.Fatalf("token from the mock = %d %s", rec.Code, rec.Body)
	}
	return tok.AccessToken
}

func (h *harness) operation(op *spec.Operation, r *row) {
	r.ops++
	valid, err := h.b.Valid(op)
	if err != nil {
		var ue *generate.UnsupportedError
		if !errors.As(err, &ue) {
			h.t.Fatalf("%s: %v", op, err)
		}
		r.notGenerated[ue.Reason]++
		return
	}
	r.generated++
	findings := h.lint(valid)
	if finding.HasErrors(findings) {
		r.falseRejections++
		h.report("%s: lint rejects the valid request %s:\n%s", op, describeRequest(valid), renderFindings(findings))
	} else {
		r.lintAccepted++
	}
	for _, f := range findings {
		if f.Severity == finding.Warning {
			r.warnings++
			r.warningRules[f.Rule]++
		}
	}
	status, _ := op.SuccessResponse()
	rec := h.serve(valid)
	if rec.Code != status {
		r.falseRejections++
		h.report("%s: the mock answers the valid request %s with %d %s, want %d", op, describeRequest(valid), rec.Code, truncate(rec.Body.String()), status)
	} else {
		r.mockAccepted++
		h.checkAnswer(op, valid.Method, rec, r)
	}
	for _, m := range h.b.Mutations(op, valid) {
		h.mutation(op, m, r)
	}
}

// probe sends a hand-written request with the default client's
// credentials to lint and the mock.
func (h *harness) probe(p probe) {
	path, rawQuery, _ := strings.Cut(p.target, "?")
	query, _ := url.ParseQuery(rawQuery)
	req := &generate.Request{Method: p.method, Path: path, Query: query, Header: map[string]string{}, Auth: true}
	if p.form != "" {
		req.Form, _ = url.ParseQuery(p.form)
		req.ContentType = "application/x-www-form-urlencoded"
	}
	findings := h.lint(req)
	rec := h.serve(req)
	if p.pointer == "" {
		if finding.HasErrors(findings) || rec.Code != p.status {
			h.report("%s %s %s: lint\n%sthe mock %d %s; want no error and %d", p.method, p.target, p.form, renderFindings(findings), rec.Code, truncate(rec.Body.String()), p.status)
		}
		return
	}
	want := generate.Want{Location: finding.InBody, Pointer: p.pointer, Rule: p.rule}
	if !slices.ContainsFunc(findings, want.Matches) || rec.Code != p.status || !names(rec.Body.Bytes(), p.pointer) {
		h.report("%s %s %s: lint\n%sthe mock %d %s; want %s and %d naming %s", p.method, p.target, p.form, renderFindings(findings), rec.Code, truncate(rec.Body.String()), want, p.status, p.pointer)
	}
}

func (h *harness) lint(req *generate.Request) []finding.Finding {
	lr, opts := req.Lint()
	return lint.Check(context.Background(), h.s, lr, opts).Findings
}

// serve sends the request to the mock in process, with the default
// overlay client's credentials in the form the operation takes.
func (h *harness) serve(req *generate.Request) *httptest.ResponseRecorder {
	header, body := req.Encoded()
	u := url.URL{Path: req.URLPath(), RawQuery: req.Query.Encode()}
	if raw, err := url.PathUnescape(u.Path); err == nil {
		u.Path, u.RawPath = raw, req.URLPath()
	}
	hr := httptest.NewRequest(req.Method, u.String(), bytes.NewReader(body))
	hr.Header = header
	if req.Auth {
		h.srv.PresentationFor(req.Method, req.URLPath()).Present(hr, "casebook", "casebook", h.token)
	}
	rec := httptest.NewRecorder()
	h.srv.ServeHTTP(rec, hr)
	return rec
}

// checkAnswer holds a success answer to the operation's declared
// responses as the runner does (lint.CheckResponse: status, content type,
// headers, the body against its schema). A break is the mock's bug.
func (h *harness) checkAnswer(op *spec.Operation, method string, rec *httptest.ResponseRecorder, r *row) {
	if _, resp := op.SuccessResponse(); resp != nil && rec.Body.Len() > 0 {
		r.answers++ // a body the spec describes
	}
	if fs := h.conformance(op, method, rec); len(fs) > 0 {
		r.invalidAnswers++
		h.report("%s: the mock's success answer breaks the spec:\n%s%s", op, renderFindings(fs), truncate(rec.Body.String()))
	}
}

// conformance is what lint.CheckResponse finds in an answer of the mock's.
func (h *harness) conformance(op *spec.Operation, method string, rec *httptest.ResponseRecorder) []finding.Finding {
	m := &spec.Match{Operation: op}
	return lint.CheckResponse(m, &lint.Response{Method: method, Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()})
}

func (h *harness) mutation(op *spec.Operation, m generate.Mutation, r *row) {
	r.mutations++
	r.mutationKinds[m.Want.Rule]++
	findings := h.lint(m.Request)
	caught := false
	for _, f := range findings {
		if m.Want.Matches(f) {
			caught = true
		}
	}
	if caught {
		r.lintCaught++
	} else {
		h.report("%s: lint misses %s (%s) in %s:\n%s", op, m.Want, m.Description, describeRequest(m.Request), renderFindings(findings))
	}
	rec := h.serve(m.Request)
	if fs := h.conformance(op, m.Request.Method, rec); finding.HasErrors(fs) {
		r.errorsOutside++
		h.report("%s: the mock's answer to %s (%s) breaks the spec:\n%s%s", op, m.Name, m.Description, renderFindings(fs), truncate(rec.Body.String()))
	} else if len(fs) > 0 {
		r.undeclaredStatuses++ // HTTP's status for the mistake, which the operation does not declare
	}
	if rec.Code == m.Status && (!invalidInput(m.Status) || names(rec.Body.Bytes(), m.Want.Pointer)) {
		r.mockCaught++
		return
	}
	h.report("%s: the mock answers %s (%s) with %d %s, want %d naming %s", op, m.Name, m.Description, rec.Code, truncate(rec.Body.String()), m.Status, m.Want.Pointer)
}

// invalidInput: the status answers a request that failed validation, and
// must name the failing field.
func invalidInput(status int) bool {
	return status == http.StatusBadRequest || status == http.StatusUnprocessableEntity
}

// names reports whether a JSON answer holds the pointer as a value (the
// problem envelope's errors[].pointer, Genesys's details[].fieldName), as
// a parameter name (Stripe's error.param, GitHub's errors[].field), or in
// a message as "/pointer: ..." (the petstores' Error has only a message).
func names(body []byte, pointer string) bool {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return false
	}
	var walk func(any) bool
	walk = func(v any) bool {
		switch x := v.(type) {
		case string:
			return x == pointer || x == jsonptr.Bracketed(pointer) || strings.Contains(x, pointer+": ")
		case map[string]any:
			for _, sub := range x {
				if walk(sub) {
					return true
				}
			}
		case []any:
			for _, sub := range x {
				if walk(sub) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

func describeRequest(r *generate.Request) string {
	_, body := r.Encoded()
	q := ""
	if len(r.Query) > 0 {
		q = "?" + r.Query.Encode()
	}
	return truncate(fmt.Sprintf("%s %s%s %s", r.Method, r.URLPath(), q, body))
}

func renderFindings(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("    " + f.String() + "\n")
	}
	return b.String()
}

func truncate(s string) string {
	if len(s) > 400 {
		return s[:400] + "..."
	}
	return s
}

func firstLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i > 0 {
		return s[:i]
	}
	return s
}

func renderTable(rows []row) string {
	var b strings.Builder
	b.WriteString(docHeader)
	b.WriteString("| spec | operations | valid requests built | accepted by lint | accepted by the mock | answers with a body | answers outside the spec | mutations | caught by lint | caught by the mock | error answers outside the spec | error statuses the spec leaves undeclared | warnings |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s (`%s`) | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |\n",
			r.name, r.file, r.ops, r.generated, r.lintAccepted, r.mockAccepted, r.answers, r.invalidAnswers, r.mutations, r.lintCaught, r.mockCaught, r.errorsOutside, r.undeclaredStatuses, r.warnings)
	}
	b.WriteString("\nFalse rejections (a valid request refused by lint or the mock): ")
	total := 0
	for _, r := range rows {
		total += r.falseRejections
	}
	fmt.Fprintf(&b, "%d. Invalid generated answers (a success answer that breaks its operation's declared responses): ", total)
	total = 0
	for _, r := range rows {
		total += r.invalidAnswers
	}
	fmt.Fprintf(&b, "%d.\n", total)
	b.WriteString(errorsOutsideNote)
	b.WriteString("\n## Mutations by the rule they must break\n\n| spec | " + strings.Join(mutationRules, " | ") + " |\n|---|" + strings.Repeat("---|", len(mutationRules)) + "\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s |", r.name)
		for _, k := range mutationRules {
			fmt.Fprintf(&b, " %d |", r.mutationKinds[k])
		}
		b.WriteString("\n")
	}
	b.WriteString("\n## What was not checked\n\n")
	for _, r := range rows {
		if len(r.notGenerated) == 0 && len(r.warningRules) == 0 {
			continue
		}
		fmt.Fprintf(&b, "- %s:", r.name)
		for _, reason := range sortedKeys(r.notGenerated) {
			fmt.Fprintf(&b, " %d operation(s) without a valid request, because %s;", r.notGenerated[reason], reason)
		}
		for _, rule := range sortedKeys(r.warningRules) {
			fmt.Fprintf(&b, " %d `%s` warning(s) on valid requests;", r.warningRules[rule], rule)
		}
		b.WriteString("\n")
	}
	return b.String()
}

var mutationRules = []string{"required", "type", "enum", "format", "additionalProperties", "content-type", "security"}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// errorsOutsideNote says what the error-answer columns count.
const errorsOutsideNote = `
"Error answers outside the spec" counts the mock's answers to mutations (400 or 422, 415, 401) that
lint.CheckResponse finds outside the operation's declared responses; it must be 0, and the test
fails otherwise. The mock answers a mistake in the error schema the operation declares for the
status, its range or ` + "`default`" + ` (Stripe's error object, GitHub's validation-error, the petstores'
Error), filled with the diagnosis, in the declared media type; Genesys Cloud keeps its ErrorBody.
Invalid input is 422 where an operation declares 422 and leaves 400 undeclared (GitHub).

"Error statuses the spec leaves undeclared" counts answers whose status the operation does not
declare at all (no such status, no range, no default): the mock still answers HTTP's status for the
mistake (400 validation, 401 credentials, 415 media type...), since answering a declared status
such as 200 or 404 instead would make the verdict wrong. lint.CheckResponse reports such an answer
as a warning naming the spec's silence, and only for the mock's answers, which say so in a
Casebook-Undeclared-Status header (lint.SilenceHeader), whether the mock is built in or stands
alone behind a URL: the same status from any other server is a conformance error.
`

const docHeader = `# Conformance: casebook's verdicts on published specs

<!-- generated by go test ./internal/generate -run Corpus -update; do not edit -->

For every operation of every spec in ../shared/specs-real (published API descriptions nobody on
this project wrote), the corpus test (internal/generate/corpus_test.go) builds a valid request
(every parameter it declares, a body of its preferred media type, JSON or form, with every
property) and mutations of it (each required body field dropped, a field of the wrong type, a
value outside its enum, a value breaking its format, an undeclared field where
additionalProperties is false, each required query or header parameter dropped, a Content-Type
the operation does not take, no credentials). Lint and the mock (called in process) must accept
every valid request, reject every mutation naming its pointer and rule (the mock: its status, and
for a 400 or 422 the pointer, or its parameter name, in its answer), and every success answer must keep to the operation's declared
responses (status, content type, headers, body schema: lint.CheckResponse, as ` + "`casebook run`" + ` holds answers). The same requests are what ` + "`casebook generate`" + ` writes.

`

func compareDoc(t *testing.T, got string) {
	if *update {
		if err := os.WriteFile(conformanceDoc, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(conformanceDoc)
	if err != nil {
		t.Fatalf("%v (write it with: go test ./internal/generate -run Corpus -update)", err)
	}
	if string(want) != got {
		t.Errorf("docs/conformance.md is out of date; regenerate it with: go test ./internal/generate -run Corpus -update\ngot:\n%s", got)
	}
}
