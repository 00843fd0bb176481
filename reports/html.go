package reports

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/jsonptr"
	"github.com/casebook-dev/casebook/internal/results"
)

func init() { Register("html", HTML) }

var (
	//go:embed html/report.css
	reportCSS string
	//go:embed html/report.js
	reportJS string
	//go:embed html/report.html.tmpl
	reportTmpl string
)

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"join": func(s []string) string { return strings.Join(s, ", ") },
}).Parse(reportTmpl))

// HTML writes one self-contained page (inline CSS and JS, no external
// asset, so it can be mailed or attached to a CI run): a summary, filters
// by status and tag, and per case the expected and the actual answer side
// by side with the differences highlighted, the differences as (-want
// +got), the lint findings and the request sent.
func HTML(w io.Writer, rs []*results.Result, opts Options) error {
	bw := bufio.NewWriter(w)
	if err := htmlTemplate.Execute(bw, newHTMLPage(rs, opts)); err != nil {
		return err
	}
	return bw.Flush()
}

type htmlPage struct {
	Version  string
	CSS      template.CSS
	JS       template.JS
	Summary  results.Summary
	Total    int
	Duration string
	Statuses []htmlCount
	Tags     []htmlCount
	Cases    []htmlCase
	Coverage *htmlCoverage
}

// htmlCoverage is the coverage section: one table per spec.
type htmlCoverage struct {
	Line  string
	Specs []htmlSpecCoverage
}

type htmlSpecCoverage struct {
	Path, Line string
	Rows       []htmlCoverageRow
}

type htmlCoverageRow struct {
	Operation, Statuses, Auth string
	Answers                   int
}

func newHTMLCoverage(cv *results.Coverage) *htmlCoverage {
	if cv == nil {
		return nil
	}
	c := cv.Counts()
	hc := &htmlCoverage{Line: countText(c.Total()) + ": " + countsLine(c)}
	for i := range cv.Specs {
		sc := &cv.Specs[i]
		hs := htmlSpecCoverage{Path: sc.Path, Line: countsLine(sc.Counts())}
		for j := range sc.Operations {
			oc := &sc.Operations[j]
			hs.Rows = append(hs.Rows, htmlCoverageRow{Operation: oc.Operation, Answers: oc.Answers, Statuses: statusCell(oc), Auth: authCell(oc)})
		}
		hc.Specs = append(hc.Specs, hs)
	}
	return hc
}

type htmlCount struct {
	Name  string
	Count int
}

type htmlCase struct {
	ID, Name, Status, TagsJSON string
	Tags                       []string
	Open                       bool
	File, Pitfall, Source      string
	Verification, FixedBy      string
	FixedByID                  string
	Reason, Operation, Target  string
	RequestLine, Time          string
	AnswerStatus               int
	htmlExchange
	CorrelationID, TraceID string
	Channel                *htmlChannel
	// Steps are a multi-step case's steps, each shown as a case's exchange is.
	Steps []htmlStep
}

// htmlExchange is one request's lint findings, contract breaks,
// differences, expected and actual answers side by side, and the request sent.
type htmlExchange struct {
	Findings      []htmlFinding
	Conformance   []htmlFinding
	Differences   []htmlDiff
	Want, Got     htmlSide
	HasComparison bool
	Request       *htmlSide
}

type htmlStep struct {
	Name, Status, Reason, Operation string
	RequestLine                     string
	AnswerStatus                    int
	Open                            bool
	htmlExchange
	CorrelationID, TraceID string
}

// htmlChannel is the case's notification channel and what arrived on it.
type htmlChannel struct {
	ID, Topics, Ended string
	Events            []htmlEvent
}

type htmlEvent struct {
	Topic, After, Body string
}

// htmlFinding is a row of a findings table; a row with a Note is marked,
// the note as its title.
type htmlFinding struct {
	finding.Finding
	Note string
}

type htmlDiff struct {
	Where, Want, Got string
	ShowWant         bool
	ShowGot          bool
}

// htmlSide is one column: a status line, headers and a body, each line
// marked when a difference points at it.
type htmlSide struct {
	Title   string
	Status  htmlLine
	Headers []htmlLine
	Body    []htmlLine
	Note    string
}

type htmlLine struct {
	Text string
	Mark bool
}

func newHTMLPage(rs []*results.Result, opts Options) *htmlPage {
	var total float64
	ids := map[string]string{}
	for i, r := range rs {
		ids[r.Case.Name] = "case-" + strconv.Itoa(i+1)
	}
	tagCount := map[string]int{}
	var cases []htmlCase
	for i, r := range rs {
		hc := htmlCaseOf(r, "case-"+strconv.Itoa(i+1))
		hc.FixedByID = ids[r.Case.FixedBy]
		cases = append(cases, hc)
		total += r.Duration.Seconds()
		for _, t := range r.Case.Tags {
			tagCount[t]++
		}
	}
	p := newHTMLHead(len(rs), results.Summarize(rs), total, tagCount, opts)
	p.Cases = cases
	return p
}

// newHTMLHead is the page without its cases, from the number of cases,
// their counts, the sum of their durations in seconds (in case order) and
// how many cases carry each tag.
func newHTMLHead(n int, s results.Summary, totalSeconds float64, tagCount map[string]int, opts Options) *htmlPage {
	p := &htmlPage{
		Version: orDefault(opts.Version, unknownVersion), CSS: template.CSS(reportCSS), JS: template.JS(reportJS),
		Summary: s, Total: n, Coverage: newHTMLCoverage(opts.Coverage),
	}
	p.Duration = fmt.Sprintf("%.2fs", totalSeconds)
	p.Statuses = []htmlCount{{"all", n}, {"failed", s.Failed}, {"errored", s.Errored}, {"passed", s.Passed}, {"skipped", s.Skipped}}
	for t, c := range tagCount {
		p.Tags = append(p.Tags, htmlCount{t, c})
	}
	sort.Slice(p.Tags, func(i, j int) bool { return p.Tags[i].Name < p.Tags[j].Name })
	return p
}

func htmlCaseOf(r *results.Result, id string) htmlCase {
	c := r.Case
	tags, _ := json.Marshal(nonNil(c.Tags))
	hc := htmlCase{
		ID: id, Name: c.Name, Status: string(r.Status), Tags: c.Tags, TagsJSON: string(tags),
		Open: r.Failed(), File: c.Pos.String(), Pitfall: oneLine(c.Pitfall), Source: oneLine(c.Source),
		Verification: orDefault(c.Verification, "unverified"), FixedBy: c.FixedBy,
		Reason: r.Reason, Operation: r.Operation, Target: r.Target, RequestLine: redactedRequestLine(r.Request),
		Time:          fmt.Sprintf("%.0fms", float64(r.Duration.Microseconds())/1000),
		CorrelationID: r.CorrelationID, TraceID: r.TraceID,
	}
	if r.Response != nil {
		hc.AnswerStatus = r.Response.Status
	}
	if ch := r.Channel; ch != nil {
		hc.Channel = &htmlChannel{ID: ch.ID, Topics: orDefault(strings.Join(ch.Topics, ", "), "none"), Ended: ch.Ended}
		for _, e := range r.Events {
			hc.Channel.Events = append(hc.Channel.Events, htmlEvent{Topic: e.TopicName,
				After: e.After.Round(time.Millisecond).String(), Body: diff.Show(eventBody(e))})
		}
	}
	if len(r.Steps) == 0 {
		hc.htmlExchange = htmlExchangeOf(&c.Expect, r.Findings, r.Conformance, r.Differences, r.Request, r.Response)
		return hc
	}
	hc.RequestLine, hc.AnswerStatus = fmt.Sprintf("%d steps", len(r.Steps)), 0
	for i, st := range r.Steps {
		hs := htmlStep{
			Name: st.Name, Status: string(st.Status), Reason: st.Reason, Operation: st.Operation,
			RequestLine: redactedRequestLine(st.Request), Open: st.Status == results.Failed || st.Status == results.Errored,
			htmlExchange:  htmlExchangeOf(&c.Steps[i].Expect, st.Findings, st.Conformance, st.Differences, st.Request, st.Response),
			CorrelationID: st.CorrelationID, TraceID: st.TraceID,
		}
		if st.Response != nil {
			hs.AnswerStatus = st.Response.Status
		}
		hc.Steps = append(hc.Steps, hs)
	}
	return hc
}

// htmlExchangeOf shows one request against its expectation and the contract.
func htmlExchangeOf(e *casefile.Expect, fs, contract []finding.Finding, ds []diff.Difference, req *results.Request, resp *results.Response) htmlExchange {
	var x htmlExchange
	unexpected := map[string]bool{}
	for _, d := range safeDifferences(ds) {
		d.Step = "" // shown under its step
		hd := htmlDiff{Where: d.Where(), ShowWant: !d.Extra, ShowGot: !d.Missing}
		if hd.ShowWant {
			hd.Want = showValue(d.Part, d.Want)
		}
		if hd.ShowGot {
			hd.Got = showValue(d.Part, d.Got)
		}
		x.Differences = append(x.Differences, hd)
		if d.Part == diff.Lint && d.Extra {
			unexpected[d.Pointer] = true
		}
	}
	for _, f := range fs {
		hf := htmlFinding{Finding: f}
		if unexpected[f.Pointer] {
			hf.Note = "not expected by the case"
		}
		x.Findings = append(x.Findings, hf)
	}
	for _, f := range contract {
		hf := htmlFinding{Finding: f}
		if f.Severity == finding.Error {
			hf.Note = "breaks the contract: fails the case"
		}
		x.Conformance = append(x.Conformance, hf)
	}
	x.Want, x.Got, x.HasComparison = sides(e, resp, ds, contract)
	if req != nil {
		x.Request = &htmlSide{
			Title:   "request",
			Status:  htmlLine{Text: req.Method + " " + redactURL(req.URL)},
			Headers: headerLines(redactHeader(req.Header), nil),
			Body:    bodyLines(redactBody(req.Body), nil, false),
		}
	}
	return x
}

// sides builds the expected and the actual columns. Lines a difference
// points at are marked: on the expected side what was wanted and missed,
// on the actual side what came instead.
func sides(e *casefile.Expect, resp *results.Response, ds []diff.Difference, contract []finding.Finding) (want, got htmlSide, ok bool) {
	if e.Status == 0 && len(e.Headers) == 0 && e.Body == nil && resp == nil {
		return want, got, false
	}
	wantMarks, gotMarks := map[string]bool{}, map[string]bool{}
	statusDiff, headerDiff := false, map[string]bool{}
	for _, d := range ds {
		switch d.Part {
		case diff.Status:
			statusDiff = true
		case diff.Header:
			headerDiff[http.CanonicalHeaderKey(d.Pointer)] = true
		case diff.Body:
			if !d.Extra {
				wantMarks[d.Pointer] = true
			}
			if !d.Missing {
				gotMarks[d.Pointer] = true
			}
		}
	}
	for _, f := range contract {
		switch f.Location {
		case finding.InStatus:
			statusDiff = true
		case finding.InHeader:
			headerDiff[http.CanonicalHeaderKey(strings.TrimPrefix(f.Pointer, "/"))] = true
		case finding.InBody:
			gotMarks[f.Pointer] = true
		}
	}
	want.Title = "expected"
	if e.Status != 0 {
		want.Status = htmlLine{Text: fmt.Sprintf("status %d", e.Status), Mark: statusDiff}
	} else {
		want.Status = htmlLine{Text: "status: any"}
	}
	wh := http.Header{}
	for k, v := range e.Headers {
		wh.Set(k, orDefault(v, "(present)"))
	}
	want.Headers = headerLines(wh, headerDiff)
	if e.Body != nil {
		want.Body = jsonLines(e.Body.V, wantMarks)
		if e.BodyMatch == "exact" {
			want.Note = "body must match exactly"
		} else {
			want.Note = "body: these fields at least (subset)"
		}
		if len(e.Ignore) > 0 {
			want.Note += "; ignoring " + strings.Join(e.Ignore, ", ")
		}
	}
	got.Title = "actual"
	if resp == nil {
		got.Note = "no answer"
		return want, got, true
	}
	got.Status = htmlLine{Text: fmt.Sprintf("status %d %s", resp.Status, http.StatusText(resp.Status)), Mark: statusDiff}
	got.Headers = headerLines(redactHeader(resp.Header), headerDiff)
	got.Body = bodyLines(redactBody(resp.Body), gotMarks, gotMarks[""])
	return want, got, true
}

func headerLines(h http.Header, marks map[string]bool) []htmlLine {
	var out []htmlLine
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			out = append(out, htmlLine{Text: k + ": " + v, Mark: marks[k]})
		}
	}
	return out
}

// bodyLines shows a JSON body pretty-printed with marks, anything else as text.
func bodyLines(b []byte, marks map[string]bool, markAll bool) []htmlLine {
	if len(b) == 0 {
		return nil
	}
	if v, ok := decodeJSON(b); ok {
		return jsonLines(v, marks)
	}
	// Control characters and bad UTF-8 shown as \u001b / \xff, as in JUnit.
	s := xmlSafe(string(b))
	if len(s) > 20000 {
		s = s[:20000] + "... (truncated)"
	}
	var out []htmlLine
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		out = append(out, htmlLine{Text: l, Mark: markAll})
	}
	return out
}

// jsonLines pretty-prints v (keys sorted, so both columns line up) and marks
// every line of a value whose pointer is in marks.
func jsonLines(v any, marks map[string]bool) []htmlLine {
	var out []htmlLine
	writeJSONLines(&out, v, "", "", "", "", marks, false)
	return out
}

func writeJSONLines(out *[]htmlLine, v any, ptr, indent, prefix, suffix string, marks map[string]bool, marked bool) {
	marked = marked || marks[ptr]
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 {
			*out = append(*out, htmlLine{indent + prefix + "{}" + suffix, marked})
			return
		}
		*out = append(*out, htmlLine{indent + prefix + "{", marked})
		keys := slices.Sorted(maps.Keys(t))
		for i, k := range keys {
			comma := ","
			if i == len(keys)-1 {
				comma = ""
			}
			kp := diff.Show(k) + ": "
			writeJSONLines(out, t[k], ptr+jsonptr.Join(k), indent+"  ", kp, comma, marks, marked)
		}
		*out = append(*out, htmlLine{indent + "}" + suffix, marked})
	case []any:
		if len(t) == 0 {
			*out = append(*out, htmlLine{indent + prefix + "[]" + suffix, marked})
			return
		}
		*out = append(*out, htmlLine{indent + prefix + "[", marked})
		for i, e := range t {
			comma := ","
			if i == len(t)-1 {
				comma = ""
			}
			writeJSONLines(out, e, ptr+"/"+strconv.Itoa(i), indent+"  ", "", comma, marks, marked)
		}
		*out = append(*out, htmlLine{indent + "]" + suffix, marked})
	default:
		*out = append(*out, htmlLine{indent + prefix + string(*rawJSON(v)) + suffix, marked})
	}
}

// redactedRequestLine is "POST /path?query" with credential parameters redacted.
func redactedRequestLine(r *results.Request) string {
	if r == nil {
		return ""
	}
	return r.Method + " " + pathOf(redactURL(r.URL))
}
