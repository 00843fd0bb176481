package reports

import (
	"bytes"
	"encoding/xml"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/results"
)

// referenceJUnit is JUnit as it was before junitCaseEncoder: every case
// encoded by the document's one Encoder.
func referenceJUnit(w io.Writer, rs []*results.Result) error {
	var doc junitDoc
	var members [][]int
	for n, r := range rs {
		i := doc.add(r)
		if i == len(members) {
			members = append(members, nil)
		}
		members[i] = append(members[i], n)
	}
	return doc.referenceWrite(w, func(suite int, each func(JUnitTestCase) error) error {
		for _, n := range members[suite] {
			if err := each(junitCase(rs[n], suiteName(rs[n]))); err != nil {
				return err
			}
		}
		return nil
	})
}

// referenceWrite is junitDoc.write before the stream spooled XML: the
// whole document through one encoding/xml Encoder. It writes the document; cases calls each with the cases of a suite,
// in order, encoded one at a time.
func (d *junitDoc) referenceWrite(w io.Writer, cases func(suite int, each func(JUnitTestCase) error) error) error {
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
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	root := xml.StartElement{Name: xml.Name{Local: "testsuites"}, Attr: junitCounts(doc.Name, doc.Tests, doc.Failures, doc.Errors, doc.Skipped, doc.Time)}
	if err := enc.EncodeToken(root); err != nil {
		return err
	}
	for i := range doc.Suites {
		if err := referenceSuite(enc, &doc.Suites[i], func(each func(JUnitTestCase) error) error { return cases(i, each) }); err != nil {
			return err
		}
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// referenceSuite writes one testsuite element: its counts, its properties,
// then each of its cases, encoded one by one.
func referenceSuite(enc *xml.Encoder, s *JUnitTestSuite, cases func(each func(JUnitTestCase) error) error) error {
	start := xml.StartElement{Name: xml.Name{Local: "testsuite"}, Attr: junitCounts(s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, s.Time)}
	if err := enc.EncodeToken(start); err != nil {
		return err
	}
	if len(s.Properties) > 0 {
		props := struct {
			Property []JUnitProperty `xml:"property"`
		}{s.Properties}
		if err := enc.EncodeElement(props, xml.StartElement{Name: xml.Name{Local: "properties"}}); err != nil {
			return err
		}
	}
	tc := xml.StartElement{Name: xml.Name{Local: "testcase"}}
	if err := cases(func(c JUnitTestCase) error { return enc.EncodeElement(c, tc) }); err != nil {
		return err
	}
	return enc.EncodeToken(start.End())
}

// checkJUnit: JUnit and the streamed report write rs byte for byte as
// the reference does.
func checkJUnit(t *testing.T, rs []*results.Result) {
	t.Helper()
	var want, got bytes.Buffer
	if err := referenceJUnit(&want, rs); err != nil {
		t.Fatalf("referenceJUnit: %v", err)
	}
	if err := JUnit(&got, rs, Options{}); err != nil {
		t.Fatalf("JUnit: %v", err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("JUnit wrote\n%s\nwant (one encoding/xml Encoder)\n%s", got.Bytes(), want.Bytes())
	}
	o := Outputs{Format: "junit"}
	var streamed bytes.Buffer
	s, err := o.Stream(&streamed, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		s.Add(r)
	}
	if _, err := s.Close(); err != nil {
		t.Fatalf("Stream.Close: %v", err)
	}
	if !bytes.Equal(streamed.Bytes(), want.Bytes()) {
		t.Fatalf("the streamed JUnit report is\n%s\nwant (one encoding/xml Encoder)\n%s", streamed.Bytes(), want.Bytes())
	}
}

// junitNasty is what makes XML escaping tricky: markup, quotes in
// attributes, ]]>, control characters, invalid UTF-8, U+FFFE.
var junitNasty = []string{"", "plain", `at"tr'ib<>&`, "]]>", "a]]>b]]]>", "\x00\x01\x1b[31m\x7f", "bad\xffutf8\xc3",
	"\ufffe\uffff\U0010ffff", "tab\tnl\nret\r\r\n", "\u2028\u2029 é 日本", "&amp;&#x0;&#xD;"}

// TestJUnitMatchesOneEncoder holds the report (JUnit and streamed) to the
// document as one encoding/xml Encoder wrote it, on the golden files'
// results, on suites with and without a spec, and on randomized results
// with nasty names, reasons, files, spec paths and bodies.
func TestJUnitMatchesOneEncoder(t *testing.T) {
	checkJUnit(t, nil)
	checkJUnit(t, richResults())
	checkJUnit(t, append(richResults(), stepsResult()))
	rng := rand.New(rand.NewPCG(10, 17))
	for range 300 {
		rs := make([]*results.Result, rng.IntN(6))
		for i := range rs {
			rs[i] = randomJUnitResult(rng, pick(rng, junitNasty), pick(rng, junitNasty), pick(rng, junitNasty))
		}
		checkJUnit(t, rs)
	}
}

// TestJUnitReadsRuns: the streamed report is the same whatever runs of
// testcases its finish reads from the spool at once: every case alone,
// a few together, and all of a suite's.
func TestJUnitReadsRuns(t *testing.T) {
	defer func(n int64) { junitReadRun = n }(junitReadRun)
	for _, n := range []int64{1, 700, 1 << 20} {
		junitReadRun = n
		rng := rand.New(rand.NewPCG(uint64(n), 3))
		for range 50 {
			rs := make([]*results.Result, rng.IntN(12))
			for i := range rs {
				rs[i] = randomJUnitResult(rng, pick(rng, junitNasty), pick(rng, junitNasty), pick(rng, junitNasty))
			}
			checkJUnit(t, rs)
		}
	}
}

// randomJUnitResult is randomResult with the fields JUnit writes drawn
// from the nasty strings.
func randomJUnitResult(rng *rand.Rand, a, b, c string) *results.Result {
	r := randomResult(rng)
	r.Status = pick(rng, []results.Status{results.Passed, results.Failed, results.Errored, results.Skipped})
	r.Case.Name = a + b
	r.Case.Pos = casefile.Pos{File: pick(rng, []string{"", "cases/x/" + b + ".yaml", c + "/y.yaml", "z.yaml"}), Line: rng.IntN(3)}
	r.SpecPath = pick(rng, []string{"", "specs/" + c, a})
	r.Reason = b + "\n" + c
	r.Duration = time.Duration(rng.IntN(3e9))
	if rng.IntN(2) == 0 {
		r.Differences = append(r.Differences, diff.Difference{Part: diff.Body, Pointer: "/" + a, Want: b, Got: c})
	}
	if r.Response != nil && rng.IntN(2) == 0 {
		r.Response.Body = []byte(c)
	}
	return r
}

// FuzzJUnit holds the report to the one-Encoder reference on results
// whose names, reasons, paths and bodies the fuzzer chooses.
func FuzzJUnit(f *testing.F) {
	f.Add("nasty <&> ]]> \x1b", "at\"tr'", "\xff\x00", uint64(1), uint8(3))
	f.Add("", "", "", uint64(0), uint8(0))
	f.Add("\ufffe", "]]]>", "\r\n\t", uint64(7), uint8(5))
	f.Fuzz(func(t *testing.T, a, b, c string, seed uint64, n uint8) {
		rng := rand.New(rand.NewPCG(seed, uint64(len(a))))
		rs := make([]*results.Result, n%5)
		for i := range rs {
			rs[i] = randomJUnitResult(rng, a, b, c)
		}
		checkJUnit(t, rs)
	})
}
