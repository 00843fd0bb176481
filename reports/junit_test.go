package reports

import (
	"bytes"
	"encoding/xml"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/internal/diff"
	"github.com/casebook-dev/casebook/internal/results"
	"github.com/casebook-dev/casebook/internal/testenv"
)

func renderJUnit(t *testing.T, rs []*results.Result) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := JUnit(&buf, rs, Options{}); err != nil {
		t.Fatalf("JUnit() error: %v", err)
	}
	return buf.Bytes()
}

func TestJUnitGolden(t *testing.T) {
	golden(t, "testdata/report.junit.xml", renderJUnit(t, richResults()))
}

// TestJUnitStrictXML checks the file the way a strict XML 1.0 parser (the
// Xerces behind Jenkins and Surefire, expat) reads it: well-formed UTF-8, no
// character XML 1.0 forbids, neither raw nor as a character reference.
func TestJUnitStrictXML(t *testing.T) {
	out := renderJUnit(t, richResults())
	assertStrictXML(t, out)
}

func assertStrictXML(t *testing.T, out []byte) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Fatal("JUnit output is not valid UTF-8")
	}
	for i, r := range string(out) {
		if !xmlChar(r) {
			t.Fatalf("JUnit output has the character %U, illegal in XML 1.0, at byte %d", r, i)
		}
	}
	for _, m := range regexp.MustCompile(`&#(x[0-9a-fA-F]+|[0-9]+);`).FindAllStringSubmatch(string(out), -1) {
		var n int64
		if strings.HasPrefix(m[1], "x") {
			n, _ = strconv.ParseInt(m[1][1:], 16, 32)
		} else {
			n, _ = strconv.ParseInt(m[1], 10, 32)
		}
		if !xmlChar(rune(n)) {
			t.Errorf("JUnit output references %s, illegal in XML 1.0", m[0])
		}
	}
	if strings.Contains(string(out), "<![CDATA[") {
		t.Error("JUnit output uses CDATA")
	}
	dec := xml.NewDecoder(bytes.NewReader(out))
	dec.Strict = true
	for {
		_, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("strict XML decoding: %v", err)
		}
	}
}

// TestJUnitRoundTrip reads the file back and finds what the results said,
// markup and control characters included.
func TestJUnitRoundTrip(t *testing.T) {
	nasty := "want <b>&amp;</b> ]]> \x00 \x1b[31m \xff end"
	rs := []*results.Result{{
		Case:   &casefile.Case{Name: "nasty <&> ]]> \x1b", Pos: casefile.Pos{File: "cases/x/nasty.yaml", Line: 3, Column: 1}},
		Status: results.Failed,
		Differences: []diff.Difference{
			{Part: diff.Body, Pointer: "/msg", Want: "a", Got: nasty},
			{Part: diff.Status, Want: 200, Got: 500},
		},
		Response: &results.Response{Status: 500, Body: []byte(nasty)},
	}}
	out := renderJUnit(t, rs)
	assertStrictXML(t, out)
	var doc JUnitTestSuites
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("xml.Unmarshal: %v", err)
	}
	if len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 1 {
		t.Fatalf("got %d suites, want 1 suite with 1 case:\n%s", len(doc.Suites), out)
	}
	tc := doc.Suites[0].Cases[0]
	for _, check := range []struct{ what, got, want string }{
		{"name", tc.Name, `nasty <&> ]]> \u001b`},
		{"classname", tc.Classname, "cases/x"},
		{"failure message", tc.Failure.Message, `body /msg: want "a", got "want <b>&amp;</b> ]]> \u0000 \u001b[31m \ufffd end"`},
	} {
		if check.got != check.want {
			t.Errorf("%s = %q, want %q", check.what, check.got, check.want)
		}
	}
	if want := `want <b>&amp;</b> ]]> \u0000 \u001b[31m \xff end`; !strings.Contains(string(tc.SystemOut), want) {
		t.Errorf("system-out does not hold the answer body as %q:\n%s", want, tc.SystemOut)
	}
	if !strings.Contains(string(tc.Failure.Text), "status\n    - 200\n    + 500") {
		t.Errorf("failure text lacks the second difference:\n%s", tc.Failure.Text)
	}
}

func TestJUnitCountsAndSuites(t *testing.T) {
	var doc JUnitTestSuites
	if err := xml.Unmarshal(renderJUnit(t, richResults()), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 5 || doc.Failures != 2 || doc.Errors != 1 || doc.Skipped != 1 {
		t.Errorf("testsuites counts = tests %d failures %d errors %d skipped %d, want 5 2 1 1", doc.Tests, doc.Failures, doc.Errors, doc.Skipped)
	}
	var names []string
	for _, s := range doc.Suites {
		names = append(names, s.Name+"="+strconv.Itoa(s.Tests))
		if _, err := strconv.ParseFloat(s.Time, 64); err != nil {
			t.Errorf("suite %s time %q is not a number of seconds", s.Name, s.Time)
		}
		for _, c := range s.Cases {
			if c.Name == "" || c.Classname == "" {
				t.Errorf("testcase without name or classname in %s", s.Name)
			}
		}
	}
	if got, want := strings.Join(names, " "), "cases/personal-connection=2 cases/genesys-cloud=3"; got != want {
		t.Errorf("suites = %s, want %s", got, want)
	}
	out := string(renderJUnit(t, richResults()))
	for _, secret := range []string{"eyJhbGciOi", "sk-live-123", "session=abc", "sid=xyz", "tok-secret-1", "shh"} {
		if strings.Contains(out, secret) {
			t.Errorf("JUnit report contains the secret %q", secret)
		}
	}
}

// TestJUnitExpat parses the report with Python's expat, a strict XML 1.0
// parser that JUnit consumers in Python (pytest plugins, junitparser) use.
func TestJUnitExpat(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		testenv.MissingTool(t, "python3 is not installed: the expat cross-check needs it (TestJUnitStrictXML still checks XML 1.0 rules)")
	}
	cmd := exec.Command(py, "-c", `import sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
print(len(root.findall("testsuite/testcase")), len(root.findall("testsuite/testcase/failure")))`)
	cmd.Stdin = bytes.NewReader(renderJUnit(t, richResults()))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("expat rejected the report: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "5 2" {
		t.Errorf("expat read %q testcases and failures, want \"5 2\"", got)
	}
}

// JUnit groups a suite's cases even when the run interleaves folders, and
// each suite's time is its own cases' (written a case at a time, the
// document still reads as xml.Marshal of JUnitTestSuites would write it).
func TestJUnitInterleavedSuites(t *testing.T) {
	rich := richResults()
	// richResults: two personal-connection cases, then three genesys-cloud ones.
	rs := []*results.Result{rich[2], rich[0], rich[3], rich[1], rich[4]}
	for i, r := range rs {
		r.Duration = time.Duration(i+1) * time.Second
	}
	var doc JUnitTestSuites
	if err := xml.Unmarshal(renderJUnit(t, rs), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range doc.Suites {
		var names []string
		for _, c := range s.Cases {
			names = append(names, c.Name)
		}
		got = append(got, s.Name+" "+s.Time+": "+strings.Join(names, ","))
	}
	want := []string{
		"cases/genesys-cloud 9.000: " + rich[2].Case.Name + "," + rich[3].Case.Name + "," + rich[4].Case.Name,
		"cases/personal-connection 6.000: " + rich[0].Case.Name + "," + rich[1].Case.Name,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JUnit suites mismatch (-want +got):\n%s", diff)
	}
	if doc.Time != "15.000" {
		t.Errorf("testsuites time = %s, want 15.000", doc.Time)
	}
}

// No cases is an empty testsuites element, as encoding the empty document writes it.
func TestJUnitNoCases(t *testing.T) {
	want, err := xml.MarshalIndent(&JUnitTestSuites{Name: "casebook", Time: "0.000"}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(renderJUnit(t, nil)); got != xml.Header+string(want)+"\n" {
		t.Errorf("JUnit(no cases) = %q, want %q", got, xml.Header+string(want)+"\n")
	}
}
