package reports

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/finding"
	"github.com/casebook-dev/casebook/internal/results"
)

func init() { Register("junit", JUnit) }

// JUnit writes JUnit XML as CI systems read it (Jenkins, GitLab, GitHub
// test-reporter actions): one testsuite per folder of cases, one testcase
// per case, the first difference as the failure message and the full
// differences and the answer in system-out.
//
// Text goes through encoding/xml's escaping, never CDATA: a CDATA writer
// must split "]]>" and cannot carry control characters at all. Characters
// XML 1.0 forbids (NUL, ESC, ...) are written as visible \u001b escapes so
// that a strict parser accepts the file and a reader still sees them.
//
// The document is written a case at a time (JUnitTestSuites is its shape):
// a first pass counts each suite, the second encodes each case as it
// writes it, so a run of 100,000 cases never holds its report in memory
// (see Stream for a run that does not hold its results either).
func JUnit(w io.Writer, rs []*results.Result, opts Options) error {
	var doc junitDoc
	var members [][]int
	for n, r := range rs {
		i := doc.add(r)
		if i == len(members) {
			members = append(members, nil)
		}
		members[i] = append(members[i], n)
	}
	var ce junitCaseEncoder
	return doc.write(w, func(suite int, each func([]byte) error) error {
		for _, n := range members[suite] {
			b, err := ce.encode(junitCase(rs[n], suiteName(rs[n])))
			if err != nil {
				return err
			}
			if err := each(b); err != nil {
				return err
			}
		}
		return nil
	})
}

// junitCaseEncoder writes a testcase element as encoding/xml's indenting
// Encoder writes it inside the whole document (two levels deep: four
// spaces before <testcase>, six before its children), without the line
// break before it. The report is then the cases' bytes put together with
// the document's few other lines (junitDoc.write), and the stream's spool
// holds each case's final bytes rather than a form to decode and encode
// again at the end.
type junitCaseEncoder struct {
	buf bytes.Buffer
	enc *xml.Encoder
	out []byte // passing's
}

func (c *junitCaseEncoder) encode(tc JUnitTestCase) ([]byte, error) {
	if tc.Failure == nil && tc.Error == nil && tc.Skipped == nil && tc.SystemOut == "" {
		return c.passing(&tc), nil
	}
	if c.enc == nil {
		c.enc = xml.NewEncoder(&c.buf)
		c.enc.Indent("    ", "  ")
	}
	c.buf.Reset()
	if err := c.enc.EncodeElement(tc, xml.StartElement{Name: xml.Name{Local: "testcase"}}); err != nil {
		c.enc = nil // its indentation is mid-element now
		return nil, err
	}
	// After its first element the Encoder starts each with a line break.
	return bytes.TrimPrefix(c.buf.Bytes(), []byte("\n")), nil
}

// passing writes a testcase with attributes only (a case that passed
// without a contract warning: most of a run's) as the Encoder writes it,
// without its reflection: the start tag, attributes in the struct's order
// (file and line omitted when empty), and the end tag on the same line.
// TestJUnitMatchesOneEncoder and FuzzJUnit hold it to the Encoder.
func (c *junitCaseEncoder) passing(tc *JUnitTestCase) []byte {
	b := append(c.out[:0], `    <testcase name="`...)
	b = appendXMLAttr(b, tc.Name)
	b = append(b, `" classname="`...)
	b = appendXMLAttr(b, tc.Classname)
	if tc.File != "" {
		b = append(b, `" file="`...)
		b = appendXMLAttr(b, tc.File)
	}
	if tc.Line != 0 {
		b = append(b, `" line="`...)
		b = strconv.AppendInt(b, int64(tc.Line), 10)
	}
	b = append(b, `" time="`...)
	b = appendXMLAttr(b, tc.Time)
	b = append(b, `"></testcase>`...)
	c.out = b
	return b
}

// appendXMLAttr appends s escaped as encoding/xml escapes an attribute's
// value: a string of printable ASCII without a quote, an apostrophe, '&',
// '<' or '>' as it is, any other through xml.EscapeText, the Encoder's
// own escaping.
func appendXMLAttr(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\'' || c == '&' || c == '<' || c == '>' {
			w := bytes.NewBuffer(b)
			xml.EscapeText(w, []byte(s)) // a bytes.Buffer does not fail
			return w.Bytes()
		}
	}
	return append(b, s...)
}

// junitDoc is the document without its cases, built a result at a time:
// each suite (a folder of cases, in the order first met) with its counts
// and time.
type junitDoc struct {
	JUnitTestSuites
	index     map[string]int
	durations []time.Duration
	total     time.Duration
}

// add counts r in its suite and returns the suite's index.
func (d *junitDoc) add(r *results.Result) int {
	name := suiteName(r)
	i, ok := d.index[name]
	if !ok {
		if d.index == nil {
			d.index = map[string]int{}
		}
		i = len(d.Suites)
		d.index[name] = i
		s := JUnitTestSuite{Name: xmlSafe(name)}
		if r.SpecPath != "" {
			s.Properties = append(s.Properties, JUnitProperty{Name: "spec", Value: xmlSafe(r.SpecPath)})
		}
		d.Suites = append(d.Suites, s)
		d.durations = append(d.durations, 0)
	}
	s := &d.Suites[i]
	d.durations[i] += r.Duration
	d.total += r.Duration
	s.Tests++
	switch r.Status {
	case results.Failed:
		s.Failures++
	case results.Errored:
		s.Errors++
	case results.Skipped:
		s.Skipped++
	}
	return i
}

// write writes the document; cases calls each with the cases of a suite,
// in order, each as junitCaseEncoder wrote it. The document reads byte for
// byte as encoding/xml's Encoder, indenting by two spaces, writes the
// whole of JUnitTestSuites: the start tags go through an Encoder of their
// own at their depth; a line break and indentation go before each element
// and before an end tag, except the end tag of an element left empty.
func (d *junitDoc) write(w io.Writer, cases func(suite int, each func([]byte) error) error) error {
	doc := &d.JUnitTestSuites
	doc.Name, doc.Time = "casebook", seconds(d.total)
	for i := range doc.Suites {
		s := &doc.Suites[i]
		s.Time = seconds(d.durations[i])
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(xml.Header)
	if err := junitStart(bw, "", junitCounts(doc.Name, doc.Tests, doc.Failures, doc.Errors, doc.Skipped, doc.Time), "testsuites", nil); err != nil {
		return err
	}
	for i := range doc.Suites {
		s := &doc.Suites[i]
		bw.WriteString("\n")
		if err := junitStart(bw, "  ", junitCounts(s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, s.Time), "testsuite", s.Properties); err != nil {
			return err
		}
		inner := len(s.Properties) > 0
		err := cases(i, func(b []byte) error {
			inner = true
			bw.WriteString("\n")
			_, err := bw.Write(b)
			return err
		})
		if err != nil {
			return err
		}
		if inner {
			bw.WriteString("\n  ")
		}
		bw.WriteString("</testsuite>")
	}
	if len(doc.Suites) > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("</testsuites>\n")
	return bw.Flush()
}

// junitStart writes the start tag of an element name with attr, and its
// properties if any, as encoding/xml's Encoder writes them at the depth
// whose indentation is prefix.
func junitStart(w io.Writer, prefix string, attr []xml.Attr, name string, props []JUnitProperty) error {
	enc := xml.NewEncoder(w)
	enc.Indent(prefix, "  ")
	if err := enc.EncodeToken(xml.StartElement{Name: xml.Name{Local: name}, Attr: attr}); err != nil {
		return err
	}
	if len(props) > 0 {
		p := struct {
			Property []JUnitProperty `xml:"property"`
		}{props}
		if err := enc.EncodeElement(p, xml.StartElement{Name: xml.Name{Local: "properties"}}); err != nil {
			return err
		}
	}
	return enc.Flush()
}

// junitCounts are the attributes testsuites and testsuite share, in order.
func junitCounts(name string, tests, failures, errs, skipped int, time string) []xml.Attr {
	attr := func(k, v string) xml.Attr { return xml.Attr{Name: xml.Name{Local: k}, Value: v} }
	return []xml.Attr{attr("name", name), attr("tests", strconv.Itoa(tests)), attr("failures", strconv.Itoa(failures)),
		attr("errors", strconv.Itoa(errs)), attr("skipped", strconv.Itoa(skipped)), attr("time", time)}
}

// JUnitTestSuites is the document root.
type JUnitTestSuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Skipped  int              `xml:"skipped,attr"`
	Time     string           `xml:"time,attr"`
	Suites   []JUnitTestSuite `xml:"testsuite"`
}

// JUnitTestSuite is a folder of cases.
type JUnitTestSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []JUnitProperty `xml:"properties>property,omitempty"`
	Cases      []JUnitTestCase `xml:"testcase"`
}

// JUnitProperty is a name and value.
type JUnitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// JUnitTestCase is one case.
type JUnitTestCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *JUnitProblem `xml:"failure"`
	Error     *JUnitProblem `xml:"error"`
	Skipped   *JUnitProblem `xml:"skipped"`
	SystemOut junitText     `xml:"system-out,omitempty"`
}

// JUnitProblem is a failure, an error or a skip.
type JUnitProblem struct {
	Message string    `xml:"message,attr"`
	Type    string    `xml:"type,attr,omitempty"`
	Text    junitText `xml:",chardata"`
}

// junitText is character data written with real line breaks: encoding/xml
// writes a string field's newlines as &#xA;, which parsers accept but a
// person opening the file cannot read.
type junitText string

// MarshalXML writes the text as escaped character data, newlines kept.
func (t junitText) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if err := e.EncodeToken(xml.CharData(t)); err != nil {
		return err
	}
	return e.EncodeToken(start.End())
}

// MarshalXML writes the problem with its text's newlines kept (see junitText).
func (p JUnitProblem) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "message"}, Value: p.Message})
	if p.Type != "" {
		start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "type"}, Value: p.Type})
	}
	return p.Text.MarshalXML(e, start)
}

// suiteName is the folder holding the case file, else the spec.
func suiteName(r *results.Result) string {
	if f := r.Case.Pos.File; f != "" {
		return filepath.ToSlash(filepath.Dir(f))
	}
	if r.SpecPath != "" {
		return filepath.ToSlash(r.SpecPath)
	}
	return "casebook"
}

func junitCase(r *results.Result, suite string) JUnitTestCase {
	tc := JUnitTestCase{
		Name:      xmlSafe(r.Case.Name),
		Classname: xmlSafe(suite),
		File:      xmlSafe(r.Case.Pos.File),
		Line:      r.Case.Pos.Line,
		Time:      seconds(r.Duration),
	}
	switch r.Status {
	case results.Failed:
		msg, typ := "the answer differs from the expectation", "difference"
		ds := safeDifferences(r.Differences)
		if len(ds) > 0 {
			msg, typ = ds[0].String(), string(ds[0].Part)
		}
		tc.Failure = &JUnitProblem{Message: xmlSafe(oneLine(msg)), Type: typ, Text: junitText(xmlSafe(differencesText(ds)))}
		tc.SystemOut = junitText(xmlSafe(exchangeText(r)))
	case results.Errored:
		tc.Error = &JUnitProblem{Message: xmlSafe(oneLine(r.Reason)), Type: "errored", Text: junitText(xmlSafe(r.Reason))}
		tc.SystemOut = junitText(xmlSafe(exchangeText(r)))
	case results.Skipped:
		tc.Skipped = &JUnitProblem{Message: xmlSafe(oneLine(r.Reason))}
	case results.Passed:
		if contractWarnings(r) > 0 {
			// Passed under expect.conformance: warn; the breaks still show.
			tc.SystemOut = junitText(xmlSafe(exchangeText(r)))
		}
	}
	return tc
}

// differencesText lists every difference as (-want +got).
func differencesText(ds []diff.Difference) string {
	var b strings.Builder
	b.WriteString("differences (-want +got):\n")
	for _, d := range ds {
		b.WriteString("  " + d.Where() + "\n")
		if !d.Extra {
			b.WriteString("    - " + showValue(d.Part, d.Want) + "\n")
		}
		if !d.Missing {
			b.WriteString("    + " + showValue(d.Part, d.Got) + "\n")
		}
	}
	return b.String()
}

// exchangeText is what a person needs to reproduce the failure: where the
// case lives, the lint findings, the request and the answer.
func exchangeText(r *results.Result) string {
	var b strings.Builder
	c := r.Case
	fmt.Fprintf(&b, "case: %s (%s)\n", c.Name, c.Pos)
	if c.Pitfall != "" {
		fmt.Fprintf(&b, "pitfall: %s\n", oneLine(c.Pitfall))
	}
	if c.Source != "" || c.Verification != "" {
		fmt.Fprintf(&b, "source: %s [%s]\n", orDash(oneLine(c.Source)), orDefault(c.Verification, "unverified"))
	}
	if len(r.Steps) > 0 {
		for _, st := range r.Steps {
			fmt.Fprintf(&b, "\nstep %s: %s\n", st.Name, st.Status)
			if st.Reason != "" {
				fmt.Fprintf(&b, "%s\n", st.Reason)
			}
			writeExchange(&b, st.Operation, st.Findings, st.Conformance, st.Differences, st.Request, st.Response, st.CorrelationID, st.TraceID)
		}
		return b.String()
	}
	writeExchange(&b, r.Operation, r.Findings, r.Conformance, r.Differences, r.Request, r.Response, r.CorrelationID, r.TraceID)
	return b.String()
}

// writeExchange writes one request's findings, contract breaks,
// differences, request, answer and ids, secrets redacted.
func writeExchange(b *strings.Builder, op string, fs, contract []finding.Finding, ds []diff.Difference, req *results.Request, resp *results.Response, correlation, trace string) {
	if op != "" {
		fmt.Fprintf(b, "operation: %s\n", op)
	}
	for _, f := range fs {
		fmt.Fprintf(b, "lint: %s\n", f)
	}
	for _, f := range contract {
		fmt.Fprintf(b, "contract: %s\n", f)
	}
	if len(ds) > 0 {
		b.WriteString(differencesText(safeDifferences(ds)))
	}
	if req != nil {
		fmt.Fprintf(b, "\nrequest: %s %s\n", req.Method, redactURL(req.URL))
		writeHeaders(b, redactHeader(req.Header))
		writeBody(b, redactBody(req.Body))
	}
	if resp != nil {
		fmt.Fprintf(b, "\nanswer: %d\n", resp.Status)
		writeHeaders(b, redactHeader(resp.Header))
		writeBody(b, redactBody(resp.Body))
	}
	if correlation != "" {
		fmt.Fprintf(b, "correlation id: %s\n", correlation)
	}
	if trace != "" {
		fmt.Fprintf(b, "trace id: %s\n", trace)
	}
}

func writeHeaders(b *strings.Builder, h map[string][]string) {
	for _, name := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[name] {
			fmt.Fprintf(b, "  %s: %s\n", name, v)
		}
	}
}

func writeBody(b *strings.Builder, body []byte) {
	if len(body) == 0 {
		return
	}
	s := string(body)
	if len(s) > 20000 {
		s = s[:20000] + "... (truncated)"
	}
	b.WriteString(s)
	if !strings.HasSuffix(s, "\n") {
		b.WriteByte('\n')
	}
}

// seconds is d in seconds as %.3f writes them.
func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

// xmlSafe makes s representable in XML 1.0: invalid UTF-8 bytes and the
// characters XML 1.0 forbids (C0 controls other than tab, newline and
// carriage return; U+FFFE, U+FFFF) become visible escapes (\x00, \u001b).
// encoding/xml would otherwise turn them into U+FFFD, losing what they were.
func xmlSafe(s string) string {
	clean := true
	for i, r := range s {
		if !xmlChar(r) || (r == utf8.RuneError && !validAt(s, i)) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !xmlChar(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func validAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size > 1
}

// xmlChar is XML 1.0's Char production.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) ||
		(r >= 0x10000 && r <= 0x10FFFF)
}
