package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/results"
)

// manyResults is n copies of the rich sample, renamed: a large suite.
func manyResults(n int) []*results.Result {
	var out []*results.Result
	for i := 0; len(out) < n; i++ {
		for _, r := range richResults() {
			c := *r.Case
			c.Name = fmt.Sprintf("%s-%d", c.Name, i)
			r.Case = &c
			out = append(out, r)
		}
	}
	return out[:n]
}

// BenchmarkRenderers renders 1,000 results in each format.
func BenchmarkRenderers(b *testing.B) {
	rs := manyResults(1000)
	for _, name := range Formats() {
		render, _ := Lookup(name)
		b.Run(name, func(b *testing.B) {
			cw := &countingWriter{}
			for b.Loop() {
				cw.n = 0
				if err := render(cw, rs, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cw.n), "bytes/report")
		})
	}
}

type countingWriter struct{ n int }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)

// BenchmarkStream writes 1,000 results in a JSON file, a JUnit file and
// JSON on stdout, as Outputs.Write does with every result in hand
// ("write") and as a streamed run does, a result at a time, spooled and
// then assembled ("stream"): the ratio is what streaming costs in time.
// "json" streams the JSON report alone.
func BenchmarkStream(b *testing.B) {
	rs := manyResults(1000)
	dir := b.TempDir()
	o := Outputs{Format: "json", Files: []File{
		{Format: "junit", Path: filepath.Join(dir, "r.xml")}, {Format: "json", Path: filepath.Join(dir, "r.json")}}}
	b.Run("write", benchWrite(o, rs))
	b.Run("json", benchStream(Outputs{Format: "json"}, rs)) // the JSON report alone: its cost per case
	b.Run("stream", benchStream(o, rs))
}

// BenchmarkStreamFormats writes 1,000 results in each format on stdout,
// from every result in hand ("write") and a result at a time ("stream").
func BenchmarkStreamFormats(b *testing.B) {
	rs := manyResults(1000)
	for _, f := range Formats() {
		b.Run(f+"/write", benchWrite(Outputs{Format: f}, rs))
		b.Run(f+"/stream", benchStream(Outputs{Format: f}, rs))
	}
}

// BenchmarkJUnitPassing streams the JUnit report of 1,000 passing
// results in two folders, as bench/scale.sh's run makes them: no
// failure, no system-out, the case a testcase's cost is mostly.
func BenchmarkJUnitPassing(b *testing.B) {
	var rs []*results.Result
	for i := range 1000 {
		dir := []string{"personal-connection", "genesys-cloud"}[i%2]
		name := fmt.Sprintf("pc-correct-call-%06d", i)
		rs = append(rs, &results.Result{Case: &casefile.Case{Name: name, Pos: casefile.Pos{File: "cases/" + dir + "/" + name + ".yaml", Line: 1}},
			Status: results.Passed, Duration: 1234567 * time.Nanosecond, SpecPath: "specs/" + dir + ".yaml"})
	}
	b.Run("stream", benchStream(Outputs{Format: "junit"}, rs))
}

// BenchmarkJSONPassing streams the JSON report of 1,000 passing results
// shaped as bench/scale.sh's run makes them: the request and the mock's
// problem answer with their headers and JSON bodies, a lint finding, an
// expected body. A case's bodies and headers are most of its cost.
func BenchmarkJSONPassing(b *testing.B) {
	var rs []*results.Result
	for i := range 1000 {
		rs = append(rs, passingResult(i))
	}
	b.Run("stream", benchStream(Outputs{Format: "json"}, rs))
}

// passingResult is the i-th of BenchmarkJSONPassing's results.
func passingResult(i int) *results.Result {
	name := fmt.Sprintf("pc-address-not-e164-%06d", i)
	c := &casefile.Case{
		Name: name, Pitfall: "The recipient address is a local number (555-0199), not E.164 (+15550199).",
		Source: "forum thread", Tags: []string{"personal-connection", "recipient", "e164", "thread"}, FixedBy: "pc-correct-call",
		Expect: casefile.Expect{
			Status:    400,
			Body:      &casefile.Value{V: map[string]any{"code": "bad.request", "status": json.Number("400"), "errors": []any{map[string]any{"pointer": "/recipient/address", "rule": "pattern"}}}},
			BodyMatch: casefile.MatchSubset,
			Lint:      []casefile.ExpectedFinding{{Pointer: "/recipient/address", Rule: "pattern"}},
		},
		Pos: casefile.Pos{File: "cases/personal-connection/" + name + ".yaml", Line: 1, Column: 1},
	}
	pattern := `string doesn't match the regular expression "^\\+[1-9][0-9]{1,14}$"`
	return &results.Result{
		Case: c, Status: results.Passed, SpecPath: "/work/specs/personal-connection.yaml", Target: "mock",
		Operation: "POST /api/v2/outbound/campaigns/{campaignId}/calls",
		Findings: []finding.Finding{{Severity: finding.Error, Location: finding.InBody, Pointer: "/recipient/address", Rule: "pattern",
			Message: pattern, Allowed: []string{`^\\+[1-9][0-9]{1,14}$`}}},
		Request: &results.Request{Method: "POST", URL: "http://127.0.0.1:42129/api/v2/outbound/campaigns/pc-campaign/calls",
			Header: http.Header{"Authorization": {"Bearer REDACTED"}, "Content-Type": {"application/json"},
				"Traceparent": {"00-5637a5756ccab760b143b841bdfa423a-70b431bb6daa8f30-01"}, "User-Agent": {"casebook/dev"}},
			Body: []byte(`{"recipient": {"type": "phone", "address": "555-0199"}, "initiator": {"id": "agent-456", "type": "agent"}}`)},
		Response: &results.Response{Status: 400,
			Header: http.Header{"Content-Length": {"444"}, "Content-Type": {"application/problem+json"},
				"Date": {"Tue, 01 Dec 2026 16:53:15 GMT"}, "X-Content-Type-Options": {"nosniff"}},
			Body: []byte(`{"code":"bad.request","detail":"The request is not valid for the operation. /recipient/address: ` + strings.ReplaceAll(pattern, `"`, `\"`) +
				`","errors":[{"location":"body","message":"` + strings.ReplaceAll(pattern, `"`, `\"`) + `","pointer":"/recipient/address","rule":"pattern"}],` +
				`"instance":"urn:uuid:a18031e7-182c-481c-80c1-08f601efda3e","status":400,"title":"Bad Request","type":"about:blank"}`)},
		Differences: []diff.Difference{}, Duration: 181 * time.Microsecond, Attempts: 1, TraceID: "5637a5756ccab760b143b841bdfa423a",
	}
}

// benchWrite writes o's reports of rs with Outputs.Write.
func benchWrite(o Outputs, rs []*results.Result) func(*testing.B) {
	return func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := o.Write(rs, &countingWriter{}, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// benchStream writes o's reports of rs with a Stream, a result at a time.
func benchStream(o Outputs, rs []*results.Result) func(*testing.B) {
	return func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s, err := o.Stream(&countingWriter{}, Options{})
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range rs {
				s.Add(r)
			}
			if _, err := s.Close(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkStreamHolds streams 10,000 and 100,000 results (made one at a
// time and dropped) into every format at once, with coverage, and reports
// the live heap just before Close against before the first: what the
// reports hold per case, which must not grow with the number of cases
// (html and markdown keep each case's name and where its parts lie in the
// spool, a few dozen bytes).
func BenchmarkStreamHolds(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			o := Outputs{Format: "text"}
			for _, f := range Formats() {
				o.Files = append(o.Files, File{Format: f, Path: filepath.Join(dir, "r."+f)})
			}
			for b.Loop() {
				s, err := o.Stream(&countingWriter{}, Options{})
				if err != nil {
					b.Fatal(err)
				}
				before := liveHeap()
				for i := range n {
					rich := richResults()
					r := rich[i%len(rich)]
					c := *r.Case
					c.Name = fmt.Sprintf("%s-%d", c.Name, i)
					if c.FixedBy != "" {
						c.FixedBy = fmt.Sprintf("%s-%d", c.FixedBy, i+1) // the next case's name
					}
					r.Case = &c
					s.Add(r)
				}
				held := liveHeap() - before
				s.SetCoverage(sampleCoverage())
				if _, err := s.Close(); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(held)/float64(n), "heap-B/case")
				b.ReportMetric(float64(held)/(1<<20), "heap-MB")
			}
		})
	}
}

func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
