package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The end-to-end tests drive the real command as a user would, against
// the real HTTP mock, in a process of its own. That process is this test
// binary itself (as go-internal/testscript runs commands): started with
// runAsCasebook in its environment, TestMain runs the command instead of
// the tests. Nothing is built: the command under test is compiled into the
// test binary with the same flags (-race included).

// runAsCasebook is the environment variable that makes the test binary
// the casebook command.
const runAsCasebook = "CASEBOOK_TEST_RUN_AS_COMMAND"

var binary string

func TestMain(m *testing.M) {
	if os.Getenv(runAsCasebook) == "1" {
		os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
	}
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	binary = exe
	os.Exit(m.Run())
}

// casebookCmd is the casebook command with args, as a process to start.
func casebookCmd(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append(os.Environ(), runAsCasebook+"=1", "NO_COLOR=1")
	return cmd
}

type outcome struct {
	code           int
	stdout, stderr string
}

// casebook runs the binary in dir (the repository root when "").
func casebook(t *testing.T, dir string, args ...string) outcome {
	t.Helper()
	if dir == "" {
		dir = "../.."
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := casebookCmd(ctx, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("casebook %v: %v", args, err)
	}
	return outcome{code, out.String(), errb.String()}
}

var summaryLine = regexp.MustCompile(`(?m)^(\d+) passed, (\d+) failed(, \d+ errored)?(, \d+ skipped)?$`)

func TestShippedCasesPass(t *testing.T) {
	o := casebook(t, "", "run")
	if o.code != exitOK {
		t.Fatalf("casebook run exited %d, want 0\nstdout:\n%s\nstderr:\n%s", o.code, o.stdout, o.stderr)
	}
	m := summaryLine.FindStringSubmatch(o.stdout)
	if m == nil || m[2] != "0" || m[1] == "0" {
		t.Fatalf("casebook run summary = %q, want N passed, 0 failed", m)
	}
	lines := strings.Split(strings.TrimSpace(o.stdout), "\n")
	if !summaryLine.MatchString(lines[len(lines)-1]) {
		t.Errorf("the report must end with the summary line, ends with %q", lines[len(lines)-1])
	}
}

// TestNiceCXoneSuite: the CXone suite runs on its own against the built-in
// mock (password-grant tokens, a session to dial from) and dials.
func TestNiceCXoneSuite(t *testing.T) {
	o := casebook(t, "", "run", "cases/nice-cxone")
	if o.code != exitOK {
		t.Fatalf("casebook run cases/nice-cxone exited %d, want 0\nstdout:\n%s\nstderr:\n%s", o.code, o.stdout, o.stderr)
	}
	m := summaryLine.FindStringSubmatch(o.stdout)
	if m == nil {
		t.Fatalf("no summary line in:\n%s", o.stdout)
	}
	if passed, _ := strconv.Atoi(m[1]); passed < 6 || m[2] != "0" {
		t.Errorf("summary = %q, want at least 6 passed and none failed", m[0])
	}
	if !strings.Contains(o.stdout, "/dial-phone -> 202)") {
		t.Errorf("no case dialed (POST .../dial-phone -> 202):\n%s", o.stdout)
	}
}

func TestNoArgumentsRunsTheMainJob(t *testing.T) {
	o := casebook(t, "")
	if o.code != exitOK || !summaryLine.MatchString(o.stdout) {
		t.Fatalf("casebook (no arguments) exited %d:\n%s%s", o.code, o.stdout, o.stderr)
	}
	// Flags without a command are run's.
	o = casebook(t, "", "--format", "json")
	if o.code != exitOK || !strings.HasPrefix(o.stdout, "{") {
		t.Errorf("casebook --format json exited %d:\n%.200s%s", o.code, o.stdout, o.stderr)
	}
}

func TestLintShippedCases(t *testing.T) {
	o := casebook(t, "", "lint")
	if o.code != exitOK {
		t.Fatalf("casebook lint exited %d\n%s%s", o.code, o.stdout, o.stderr)
	}
	for _, want := range []string{
		"error body /recipient/phoneNumber: additionalProperties",
		"unknown-operation",
		"POST /api/v2/outbound/campaigns/{campaignId}/calls", // nearest to the thread's old endpoint
	} {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("casebook lint output lacks %q", want)
		}
	}
}

// writeProject makes a project with one case file and the repository's specs.
func writeProject(t *testing.T, caseYAML string) string {
	t.Helper()
	dir := t.TempDir()
	specs, err := filepath.Abs("../../specs")
	if err != nil {
		t.Fatal(err)
	}
	config := "suites:\n  - cases: cases\n    spec: " + filepath.Join(specs, "personal-connection.yaml") + "\n"
	must(t, os.WriteFile(filepath.Join(dir, "casebook.yaml"), []byte(config), 0o644))
	must(t, os.MkdirAll(filepath.Join(dir, "cases"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "cases", "case.yaml"), []byte(caseYAML), 0o644))
	return dir
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

const brokenExpectation = `name: wrong-expectation
auth: pc-service
request:
  method: POST
  path: /api/v2/outbound/campaigns/{campaignId}/calls
  pathParams: {campaignId: pc-campaign}
  body:
    recipient: {type: phone, address: "555"}
    initiator: {id: agent-456, type: agent}
expect:
  status: 202
`

func TestFailingCaseShowsDifference(t *testing.T) {
	dir := writeProject(t, brokenExpectation)
	o := casebook(t, dir, "run")
	if o.code != exitFailed {
		t.Fatalf("exit %d, want 1\n%s%s", o.code, o.stdout, o.stderr)
	}
	for _, want := range []string{
		"FAIL wrong-expectation",
		"differences (-want +got):",
		"lint /recipient/address", // the unlisted pattern finding
		"- 202",                   // status want
		"+ 400",                   // status got
		"answer: 400",             // the actual body is shown
		"0 passed, 1 failed",
	} {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, o.stdout)
		}
	}
}

func TestBrokenCaseFile(t *testing.T) {
	dir := writeProject(t, "name: x\nreqest:\n  method: GET\n")
	o := casebook(t, dir, "run")
	if o.code != exitUsage {
		t.Fatalf("exit %d, want 2\n%s%s", o.code, o.stdout, o.stderr)
	}
	want := filepath.Join("cases", "case.yaml") + `:2:1: case "x": unknown key "reqest" (did you mean "request"?)`
	if !strings.Contains(o.stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, o.stderr)
	}
}

func TestBrokenSpec(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "spec.json"), []byte("{\"openapi\": \"3.0.3\",\n\"paths\": {,}}"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "c.yaml"), []byte("spec: spec.json\nrequest: {method: GET, path: /}\n"), 0o644))
	o := casebook(t, dir, "lint", "c.yaml")
	if o.code != exitUsage || !strings.Contains(o.stderr, "spec.json:2:") {
		t.Fatalf("exit %d, want 2 naming spec.json:2:\n%s", o.code, o.stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
		// whole: the error is all of stderr (one line and the hint, not the usage).
		whole bool
	}{
		{[]string{"rnu"}, "casebook: unknown command \"rnu\" (did you mean \"run\"?)\nRun 'casebook help' for the commands.\n", true},
		{[]string{"run", "--formt", "json"}, "casebook run: unknown flag --formt (did you mean --format?)\nRun 'casebook help run' for usage.\n", true},
		{[]string{"run", "no/such/folder"}, "no such case file or folder: no/such/folder", false},
		{[]string{"run", "--target", "ftp://x"}, `unknown target "ftp://x": want mock, an http(s) base URL`, false},
	} {
		o := casebook(t, "", tc.args...)
		if o.code != exitUsage || !strings.Contains(o.stderr, tc.want) || (tc.whole && o.stderr != tc.want) {
			t.Errorf("casebook %v: exit %d stderr %q, want 2 and %q", tc.args, o.code, o.stderr, tc.want)
		}
	}
}

// TestHelpHasExamples runs in process: help is printed by dispatch alone,
// and a process per command cost a second each under -race.
func TestHelpHasExamples(t *testing.T) {
	casebook := func(_ *testing.T, _ string, args ...string) outcome {
		var out, errb bytes.Buffer
		code := dispatch(args, &out, &errb)
		return outcome{code, out.String(), errb.String()}
	}
	for _, c := range commands() {
		o := casebook(t, "", c.name, "--help")
		if o.code != exitOK || !strings.Contains(o.stdout, "casebook "+c.name) || !strings.Contains(strings.ToLower(o.stdout), "example") {
			t.Errorf("casebook %s --help: exit %d, want 0 and a usage with an example:\n%s%s", c.name, o.code, o.stdout, o.stderr)
		}
		if n := strings.Count(o.stdout, "Usage: casebook"); n != 1 || o.stderr != "" {
			t.Errorf("casebook %s --help printed the usage %d times on stdout and %q on stderr, want once and nothing", c.name, n, o.stderr)
		}
	}
	o := casebook(t, "", "help")
	if o.code != exitOK || !strings.Contains(o.stdout, "Exit codes") {
		t.Errorf("casebook help: exit %d:\n%s", o.code, o.stdout)
	}
}

// TestHelpFilesBelongToCommands: a help/NAME.txt no command shows is
// documentation nobody reads.
func TestHelpFilesBelongToCommands(t *testing.T) {
	files, err := fs.Glob(helpFiles, "help/*.txt")
	require.NoError(t, err)
	names := []string{"casebook"} // casebook help
	for _, c := range commands() {
		names = append(names, c.name)
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".txt")
		assert.Contains(t, names, name, "%s is the help of no command", f)
	}
}

func TestVersion(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		o := casebook(t, "", arg)
		if o.code != exitOK || !strings.HasPrefix(o.stdout, "casebook ") {
			t.Errorf("casebook %s = %d %q", arg, o.code, o.stdout)
		}
	}
}

// mockProcess is "casebook mock --spec spec" running as its own process.
type mockProcess struct {
	cmd    *exec.Cmd
	url    string
	stderr bytes.Buffer
}

// startMock starts "casebook mock" on a port the system picks; the test
// kills it at the end unless it was stopped.
func startMock(t *testing.T, spec string) *mockProcess {
	t.Helper()
	m := &mockProcess{cmd: casebookCmd(context.Background(), "mock", "--spec", spec, "--addr", "127.0.0.1:0")}
	m.cmd.Dir = "../.."
	stdout, err := m.cmd.StdoutPipe()
	must(t, err)
	m.cmd.Stderr = &m.stderr
	must(t, m.cmd.Start())
	t.Cleanup(func() { _ = m.cmd.Process.Kill() })
	m.url = waitForURL(t, stdout)
	go io.Copy(io.Discard, stdout)
	return m
}

// TestRunAgainstMockProcess starts "casebook mock" as its own process, replays
// a case against it with --target, then stops it with SIGINT.
func TestRunAgainstMockProcess(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGINT")
	}
	m := startMock(t, "specs/personal-connection.yaml")
	url := m.url

	dir := writeProject(t, `name: no-token
request:
  method: POST
  path: /api/v2/outbound/campaigns/c1/calls
  body: {recipient: {type: phone, address: "+15550199"}, initiator: {id: a, type: agent}}
expect:
  lint: [{rule: security}]
  status: 401
  body: {code: authentication.required}
`)
	o := casebook(t, dir, "run", "--target", url)
	if o.code != exitOK {
		t.Errorf("run --target %s exited %d:\n%s%s", url, o.code, o.stdout, o.stderr)
	}
	resp, err := http.Get(url + "/api/v2/nothing/here")
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET unknown path = %d, want 404", resp.StatusCode)
		}
	}
	must(t, m.cmd.Process.Signal(syscall.SIGINT))
	done := make(chan error, 1)
	go func() { done <- m.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("casebook mock after SIGINT: %v\n%s", err, m.stderr.String())
		}
	case <-time.After(time.Minute): // a hang guard, not a speed claim
		t.Fatal("casebook mock did not stop within a minute of SIGINT")
	}
}

// TestShippedSuitesAgainstMockProcess is the README's two terminals:
// "casebook mock --spec S" in one, "casebook run --target URL cases/..." in
// the other. Cases with auth: get their tokens from the standalone mock's
// token path, as clients of the overlay beside the spec, and every case
// passes.
func TestShippedSuitesAgainstMockProcess(t *testing.T) {
	for _, suite := range []struct{ spec, cases string }{
		{"specs/personal-connection.yaml", "cases/personal-connection"},
		{"specs/genesys-cloud/openapi.yaml", "cases/genesys-cloud"},
		{"specs/nice-cxone/openapi.yaml", "cases/nice-cxone"},
	} {
		t.Run(suite.cases, func(t *testing.T) {
			m := startMock(t, suite.spec)
			o := casebook(t, "", "run", "--target", m.url, suite.cases)
			if o.code != exitOK || strings.Contains(o.stdout, "FAIL") || strings.Contains(o.stdout, "ERROR") {
				t.Fatalf("run --target %s %s exited %d:\n%s%s", m.url, suite.cases, o.code, o.stdout, o.stderr)
			}
			if m := summaryLine.FindStringSubmatch(o.stdout); m == nil || m[1] == "0" || m[2] != "0" {
				t.Errorf("summary %q, want N passed, 0 failed", m)
			}
		})
	}
}

var urlRE = regexp.MustCompile(`http://127\.0\.0\.1:\d+`)

func waitForURL(t *testing.T, r io.Reader) string {
	t.Helper()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if u := urlRE.FindString(sc.Text()); u != "" {
				found <- u
				return
			}
		}
	}()
	select {
	case u := <-found:
		return u
	case <-time.After(time.Minute): // a hang guard, not a speed claim
		t.Fatal("casebook mock printed no URL within a minute")
	}
	return ""
}

// TestInitThenRun: a fresh folder, casebook init for a spec, casebook run:
// it passes, and casebook run in an empty folder says how to start.
func TestInitThenRun(t *testing.T) {
	dir := t.TempDir()
	o := casebook(t, dir, "run")
	if o.code != exitUsage || !strings.Contains(o.stderr, "casebook init --spec FILE") {
		t.Errorf("casebook run in an empty folder: exit %d, stderr %q; want 2 and how to start", o.code, o.stderr)
	}
	spec, err := filepath.Abs("../../specs/genesys-cloud/openapi.yaml")
	must(t, err)
	o = casebook(t, dir, "init", "--spec", spec)
	if o.code != exitOK {
		t.Fatalf("casebook init: exit %d\n%s%s", o.code, o.stdout, o.stderr)
	}
	o = casebook(t, dir, "run")
	if o.code != exitOK || !strings.Contains(o.stdout, "1 passed, 0 failed") {
		t.Errorf("casebook run after init: exit %d\n%s%s", o.code, o.stdout, o.stderr)
	}
	if o = casebook(t, dir, "init", "--spec", spec); o.code != exitUsage {
		t.Errorf("casebook init twice: exit %d, want 2 (nothing overwritten)", o.code)
	}
}

// TestBrokenConfig: casebook.yaml's problems read like a case file's:
// file:line:col, the key, and a count that names the file.
func TestBrokenConfig(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "casebook.yaml"), []byte("suites:\n  - cases: cases\n    spex: a.yaml\n"), 0o644))
	o := casebook(t, dir, "lint")
	assert.Equal(t, exitUsage, o.code)
	assert.Contains(t, o.stderr, `casebook.yaml:3:5: suites[0]: unknown key "spex" (did you mean "spec"?)`)
	assert.Contains(t, o.stderr, "casebook: 1 problem(s) in casebook.yaml\n")
	assert.NotContains(t, o.stderr, "case files")
}

// TestLintWarnsOfTouchedSpecProblems: lint warns of the spec's problems in
// the operations its cases touch, not of those elsewhere in the spec (which
// casebook mock reports), whether or not the reports stream.
func TestLintWarnsOfTouchedSpecProblems(t *testing.T) {
	dir := t.TempDir()
	spec := `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things/{id}:
    get:
      responses: {"200": {description: ok}}
  /fine:
    get:
      responses: {"200": {description: ok}}
`
	files := map[string]string{
		"spec.yaml":   spec,
		"fine.yaml":   "spec: spec.yaml\nrequest: {method: GET, path: /fine}\n",
		"things.yaml": "spec: spec.yaml\nrequest: {method: GET, path: /things/1}\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		args []string
		warn bool
	}{
		{[]string{"lint", "fine.yaml"}, false},
		{[]string{"lint", "things.yaml"}, true},
		{[]string{"lint", "--format", "json", "things.yaml"}, true},
		{[]string{"lint", "--format", "json", "--report", "junit=out.xml", "fine.yaml", "things.yaml"}, true},
	} {
		o := casebook(t, dir, tt.args...)
		if o.code != exitOK {
			t.Fatalf("casebook %v exited %d\n%s", tt.args, o.code, o.stderr)
		}
		if got := strings.Contains(o.stderr, "path parameters"); got != tt.warn {
			t.Errorf("casebook %v: stderr = %q, want the undeclared path parameter warned of: %v", tt.args, o.stderr, tt.warn)
		}
	}
}
