package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/casebook-dev/casebook/internal/casefile"
	"github.com/casebook-dev/casebook/reports"
	"github.com/casebook-dev/casebook/runner"
)

func TestSelectionFlags(t *testing.T) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var sel runner.Selection
	registerSelection(fs, &sel)
	require.NoError(t, fs.Parse([]string{"--tags", "a, b", "--skip-tags", "c", "--shard", "1/1"}))
	cases := []*casefile.Case{{Name: "1", Tags: []string{"a"}}, {Name: "2", Tags: []string{"b", "c"}}, {Name: "3", Tags: []string{"d"}}}
	got, err := runner.Select(cases, sel)
	require.NoError(t, err)
	assert.Equal(t, []*casefile.Case{cases[0]}, got)
	err = fs.Parse([]string{"--shard", "3/2"})
	assert.EqualError(t, err, `invalid value "3/2" for flag -shard: want i/n with 1 <= i <= n, e.g. 2/4, got "3/2"`)
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
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var o reports.Outputs
	registerOutputs(fs, &o)
	require.NoError(t, fs.Parse([]string{"--format", "markdown",
		"--report", "json=" + dir + "/r.json", "--report", "junit=" + dir + "/r.xml", "--report", "html=" + dir + "/r.html", "--report", "text=" + dir + "/r.txt"}))
	var stdout bytes.Buffer
	require.NoError(t, o.Write(results, &stdout, reports.Options{Version: "test"}))
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
