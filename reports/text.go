package reports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/results"
)

const (
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiDim    = "\x1b[2m"
	ansiReset  = "\x1b[0m"
)

// Text renders a screen a person reads: one line per passing case, and for a
// failing one its lint findings, the differences as (-want +got) with
// pointers, and the answer's body; then the coverage tables, when asked
// for. It ends with "N passed, N failed".
func Text(w io.Writer, rs []*results.Result, opts Options) error {
	bw := bufio.NewWriter(w)
	t := &textWriter{w: bw, color: opts.Color}
	for _, r := range rs {
		t.result(r, opts.Verbose)
	}
	if opts.Coverage != nil {
		t.coverage(opts.Coverage)
	}
	t.summary(results.Summarize(rs))
	return bw.Flush()
}

type textWriter struct {
	w     *bufio.Writer
	color bool
}

func (t *textWriter) paint(code, s string) string {
	if !t.color {
		return s
	}
	return code + s + ansiReset
}

func (t *textWriter) printf(format string, args ...any) { fmt.Fprintf(t.w, format, args...) }

func (t *textWriter) result(r *results.Result, verbose bool) {
	var label string // a map of the four, made per case, cost more than the line
	switch r.Status {
	case results.Passed:
		label = t.paint(ansiGreen, "PASS")
	case results.Failed:
		label = t.paint(ansiRed, "FAIL")
	case results.Errored:
		label = t.paint(ansiRed, "ERROR")
	case results.Skipped:
		label = t.paint(ansiYellow, "SKIP")
	}
	t.printf("%s %s", label, r.Case.Name)
	if v := r.Case.Verification; v != "" {
		t.printf(" [%s]", v)
	}
	switch {
	case len(r.Steps) > 0:
		t.printf(" %s", t.paint(ansiDim, fmt.Sprintf("(%d steps)", len(r.Steps))))
	case r.Response != nil:
		t.printf(" %s", t.paint(ansiDim, fmt.Sprintf("(%s -> %d)", requestLine(r.Request), r.Response.Status)))
	}
	if n := contractWarnings(r); n > 0 {
		t.printf(" %s", t.paint(ansiYellow, fmt.Sprintf("[%d contract %s]", n, plural(n, "warning", "warnings"))))
	}
	t.printf("\n")
	if r.Status == results.Passed && !verbose {
		return
	}
	t.printf("    %s\n", r.Case.Pos)
	if r.Case.Pitfall != "" {
		t.printf("    pitfall: %s\n", oneLine(r.Case.Pitfall))
	}
	if r.Case.Source != "" {
		t.printf("    source: %s\n", oneLine(r.Case.Source))
	}
	if r.Reason != "" {
		t.printf("    %s\n", r.Reason)
	}
	if len(r.Steps) > 0 {
		for _, st := range r.Steps {
			t.step(st, verbose)
		}
		return
	}
	t.exchange("    ", r.Operation, r.Findings, r.Conformance, r.Differences, r.Response)
	t.channel(r)
	t.answer("    ", r.Response, r.Status == results.Failed || verbose)
}

// step shows one step of a multi-step case: a line, and what went wrong
// (everything, verbose).
func (t *textWriter) step(st *results.Step, verbose bool) {
	t.printf("    step %s: %s", st.Name, st.Status)
	if st.Response != nil {
		t.printf(" (%s -> %d)", requestLine(st.Request), st.Response.Status)
	}
	t.printf("\n")
	if st.Reason != "" {
		t.printf("      %s\n", st.Reason)
	}
	if st.Status == results.Passed && !verbose {
		return
	}
	t.exchange("      ", st.Operation, st.Findings, st.Conformance, st.Differences, st.Response)
	t.answer("      ", st.Response, st.Status == results.Failed || verbose)
}

// exchange shows one request's lint findings, contract breaks and
// differences.
func (t *textWriter) exchange(indent, op string, fs, contract []finding.Finding, ds []diff.Difference, resp *results.Response) {
	t.findings(indent, op, fs)
	t.contract(indent, op, contract, resp)
	t.differences(indent, ds)
}

// answer shows the answer when shown: that of a failing case, and with -v
// of every case (what a passing pitfall case documents is the answer it got).
func (t *textWriter) answer(indent string, resp *results.Response, shown bool) {
	if resp != nil && shown {
		t.printf("%sanswer: %d %s\n", indent, resp.Status, indentBody(redactBody(resp.Body), indent))
	}
}

func requestLine(r *results.Request) string {
	if r == nil {
		return ""
	}
	return r.Method + " " + pathOf(redactURL(r.URL))
}

func pathOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.IndexByte(u[i+3:], '/'); j >= 0 {
			return u[i+3+j:]
		}
	}
	return u
}

func (t *textWriter) findings(indent, op string, fs []finding.Finding) {
	if len(fs) == 0 {
		return
	}
	t.printf("%slint (%s):\n", indent, orDefault(op, "no operation"))
	for _, f := range fs {
		t.printf("%s  %s\n", indent, f)
	}
}

// contract lists where the answer breaks the operation's declared responses.
func (t *textWriter) contract(indent, op string, fs []finding.Finding, resp *results.Response) {
	if len(fs) == 0 {
		return
	}
	answer := "no answer"
	if resp != nil {
		answer = fmt.Sprintf("answer %d", resp.Status)
	}
	t.printf("%scontract (%s, %s):\n", indent, orDefault(op, "no operation"), answer)
	for _, f := range fs {
		t.printf("%s  %s\n", indent, f)
	}
}

// differences lists (-want +got); a step's differences are shown under
// the step, so they are named without it.
func (t *textWriter) differences(indent string, ds []diff.Difference) {
	if len(ds) == 0 {
		return
	}
	t.printf("%sdifferences (-want +got):\n", indent)
	for _, d := range ds {
		d.Step = ""
		t.printf("%s  %s\n", indent, d.Where())
		if !d.Extra {
			t.printf("%s    %s\n", indent, t.paint(ansiRed, "- "+showValue(d.Part, d.Want)))
		}
		if !d.Missing {
			t.printf("%s    %s\n", indent, t.paint(ansiGreen, "+ "+showValue(d.Part, d.Got)))
		}
	}
}

// channel shows the case's notification channel and what arrived on it.
func (t *textWriter) channel(r *results.Result) {
	ch := r.Channel
	if ch == nil {
		return
	}
	line := fmt.Sprintf("    channel %s (topics: %s)", ch.ID, orDefault(strings.Join(ch.Topics, ", "), "none"))
	if ch.Ended != "" {
		line += "; " + ch.Ended
	}
	t.printf("%s\n", line)
	if len(r.Events) == 0 {
		t.printf("      no events\n")
	}
	for _, e := range r.Events {
		t.printf("      event %s after %v: %s\n", e.TopicName, e.After.Round(time.Millisecond), diff.Show(eventBody(e)))
	}
}

// eventBody is an event's body as a value, secrets redacted.
func eventBody(e results.Event) any {
	b := redactBody(e.Body)
	if v, ok := decodeJSON(b); ok {
		return v
	}
	return string(b)
}

// summary counts as the JSON report does: a case that could not be run
// to a verdict is errored, not failed.
func (t *textWriter) summary(s results.Summary) {
	line := fmt.Sprintf("%d passed, %d failed", s.Passed, s.Failed)
	if s.Errored > 0 {
		line += fmt.Sprintf(", %d errored", s.Errored)
	}
	if s.Skipped > 0 {
		line += fmt.Sprintf(", %d skipped", s.Skipped)
	}
	if !s.OK() {
		line = t.paint(ansiRed, line)
	}
	t.printf("%s\n", line)
}

// indentBody shows an answer's body, indented when it is JSON, its lines
// under indent plus "answer: ".
func indentBody(b []byte, indent string) string {
	var pretty bytes.Buffer
	if json.Indent(&pretty, bytes.TrimSpace(b), "", "  ") == nil {
		b = pretty.Bytes()
	}
	s := strings.TrimSpace(string(b))
	if len(s) > 2000 {
		s = s[:2000] + "..."
	}
	if s == "" {
		return "(empty body)"
	}
	return strings.ReplaceAll(s, "\n", "\n"+indent+"        ")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func orDash(s string) string { return orDefault(s, "-") }
