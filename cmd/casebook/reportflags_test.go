package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/reports"
	"github.com/casebook-dev/casebook/runner"
)

func failingResults() []*runner.Result {
	return []*runner.Result{
		{Case: &casefile.Case{Name: "ok"}, Status: runner.Passed},
		{Case: &casefile.Case{Name: "bad"}, Status: runner.Failed},
		{Case: &casefile.Case{Name: "not-run"}, Status: runner.Skipped, Reason: "run interrupted"},
	}
}

func parseReportFlags(t *testing.T, args ...string) (*reportFlags, error) {
	t.Helper()
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var f reportFlags
	f.register(fs)
	return &f, fs.Parse(args)
}

func TestReportFlagsWriteFiles(t *testing.T) {
	dir := t.TempDir()
	junit, js := filepath.Join(dir, "out", "results.xml"), filepath.Join(dir, "report.json")
	f, err := parseReportFlags(t, "--format", "json", "--report", "junit="+junit, "--report", "json="+js)
	if err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	// Failing and interrupted cases: the reports are written all the same.
	if err := f.write(failingResults(), &stdout, reports.Options{Color: true}); err != nil {
		t.Fatal(err)
	}
	var rep reports.JSONReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("stdout is not the JSON report: %v\n%s", err, stdout.String())
	}
	data, err := os.ReadFile(junit)
	if err != nil || !strings.Contains(string(data), `<testcase name="bad"`) {
		t.Errorf("junit file: %v\n%s", err, data)
	}
	data, err = os.ReadFile(js)
	if err != nil || bytes.Contains(data, []byte("\x1b[")) || !bytes.Contains(data, []byte(`"skipped": 1`)) {
		t.Errorf("json file: %v\n%s", err, data)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "*", ".*tmp*"))
	more, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(leftovers)+len(more) > 0 {
		t.Errorf("temporary files left behind: %v %v", leftovers, more)
	}
}

func TestReportFlagsRejectAtParse(t *testing.T) {
	for _, args := range [][]string{
		{"--format", "yaml"},
		{"--report", "junit"},
		{"--report", "xunit=out.xml"},
		{"--report", "junit="},
	} {
		if _, err := parseReportFlags(t, args...); err == nil {
			t.Errorf("parsing %q: no error, want one", args)
		}
	}
}

func TestWriteFileAtomicReplaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.html")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	info, _ := os.Stat(path)
	if string(got) != "new" || info.Mode().Perm() != 0o644 {
		t.Errorf("after writeFileAtomic: %q mode %v, want \"new\" 0644", got, info.Mode().Perm())
	}
	// A folder in the way: the error comes back and the folder survives.
	if err := writeFileAtomic(filepath.Dir(path), []byte("x")); err == nil {
		t.Error("writeFileAtomic over a directory: no error")
	}
}

func TestSelectFlags(t *testing.T) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var f selectFlags
	f.register(fs)
	if err := fs.Parse([]string{"--tags", "a, b", "--skip-tags", "c", "--shard", "1/1"}); err != nil {
		t.Fatal(err)
	}
	cases := []*casefile.Case{{Name: "1", Tags: []string{"a"}}, {Name: "2", Tags: []string{"b", "c"}}, {Name: "3", Tags: []string{"d"}}}
	got, err := f.apply(cases)
	if err != nil || len(got) != 1 || got[0].Name != "1" {
		t.Errorf("apply = %v, %v; want case 1 only", got, err)
	}
	if err := fs.Parse([]string{"--shard", "3/2"}); err == nil {
		t.Error("--shard 3/2 parsed without error")
	}
}

// TestReportsFromShippedCases runs the shipped cases against the built-in
// mock and writes every format: the JSON validates against the schema, the
// JUnit file reads back with one test case per case, and nothing holds a
// bearer token the mock issued.
func TestReportsFromShippedCases(t *testing.T) {
	cfg, err := runner.LoadConfig(testConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	cases, err := runner.LoadCases(cfg, cfg.DefaultPaths())
	if err != nil {
		t.Fatal(err)
	}
	r := runner.New(runner.Options{})
	defer r.Close()
	if err := r.LoadSpecs(cases); err != nil {
		t.Fatal(err)
	}
	results := r.Run(context.Background(), cases)
	dir := t.TempDir()
	f, err := parseReportFlags(t, "--format", "markdown",
		"--report", "json="+dir+"/r.json", "--report", "junit="+dir+"/r.xml", "--report", "html="+dir+"/r.html", "--report", "text="+dir+"/r.txt")
	if err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	if err := f.write(results, &stdout, reports.Options{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	schema, err := jsonschema.NewCompiler().Compile("../../docs/report-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(dir + "/r.json")
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Errorf("the JSON report of the shipped cases does not validate: %v", err)
	}
	var suites reports.JUnitTestSuites
	xmlData, _ := os.ReadFile(dir + "/r.xml")
	if err := xml.Unmarshal(xmlData, &suites); err != nil {
		t.Fatalf("JUnit: %v", err)
	}
	if suites.Tests != len(cases) {
		t.Errorf("JUnit has %d tests, want %d", suites.Tests, len(cases))
	}
	for _, name := range []string{"r.json", "r.xml", "r.html", "r.txt"} {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		if m := regexp.MustCompile(`Bearer [A-Za-z0-9._~+/-]{12,}`).Find(b); m != nil {
			t.Errorf("%s holds a bearer token: %s", name, m)
		}
	}
	if !strings.Contains(stdout.String(), "# Pitfall catalogue") {
		t.Errorf("--format markdown did not write the catalogue on stdout")
	}
}
