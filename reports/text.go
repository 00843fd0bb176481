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
	label := map[results.Status]string{
		results.Passed:  t.paint(ansiGreen, "PASS"),
		results.Failed:  t.paint(ansiRed, "FAIL"),
		results.Errored: t.paint(ansiRed, "ERROR"),
		results.Skipped: t.paint(ansiYellow, "SKIP"),
	}[r.Status]
	t.printf("%s %s", label, r.Case.Name)
	if v := r.Case.Verification; v != "" {
		t.printf(" [%s]", v)
	}
	if r.Response != nil {
		t.printf(" %s", t.paint(ansiDim, fmt.Sprintf("(%s -> %d)", requestLine(r), r.Response.Status)))
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
	t.findings(r)
	t.contract(r)
	t.differences(r.Differences)
	t.channel(r)
	// The answer of a failing case, and with -v of every case: what a
	// passing pitfall case documents is the answer it got.
	if r.Response != nil && (r.Status == results.Failed || verbose) {
		t.printf("    answer: %d %s\n", r.Response.Status, indentBody(r.Response.Body))
	}
}

func requestLine(r *results.Result) string {
	if r.Request == nil {
		return ""
	}
	return r.Request.Method + " " + pathOf(redactURL(r.Request.URL))
}

func pathOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.IndexByte(u[i+3:], '/'); j >= 0 {
			return u[i+3+j:]
		}
	}
	return u
}

func (t *textWriter) findings(r *results.Result) {
	if len(r.Findings) == 0 {
		return
	}
	t.printf("    lint (%s):\n", orDefault(r.Operation, "no operation"))
	for _, f := range r.Findings {
		t.printf("      %s\n", f)
	}
}

// contract lists where the answer breaks the operation's declared responses.
func (t *textWriter) contract(r *results.Result) {
	if len(r.Conformance) == 0 {
		return
	}
	answer := "no answer"
	if r.Response != nil {
		answer = fmt.Sprintf("answer %d", r.Response.Status)
	}
	t.printf("    contract (%s, %s):\n", orDefault(r.Operation, "no operation"), answer)
	for _, f := range r.Conformance {
		t.printf("      %s\n", f)
	}
}

func (t *textWriter) differences(ds []diff.Difference) {
	if len(ds) == 0 {
		return
	}
	t.printf("    differences (-want +got):\n")
	for _, d := range ds {
		where := string(d.Part)
		if d.Pointer != "" {
			where += " " + d.Pointer
		}
		t.printf("      %s\n", where)
		if !d.Extra {
			t.printf("        %s\n", t.paint(ansiRed, "- "+showValue(d.Part, d.Want)))
		}
		if !d.Missing {
			t.printf("        %s\n", t.paint(ansiGreen, "+ "+showValue(d.Part, d.Got)))
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

// indentBody shows an answer's body, indented when it is JSON.
func indentBody(b []byte) string {
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
	return strings.ReplaceAll(s, "\n", "\n            ")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func orDash(s string) string { return orDefault(s, "-") }
