package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is written by the command and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// watchBuffer is a syncBuffer that sends on found what re first matches in
// all that was written: the test waits for a line instead of polling.
type watchBuffer struct {
	syncBuffer
	re    *regexp.Regexp
	found chan string
	once  sync.Once
}

func newWatchBuffer(re *regexp.Regexp) *watchBuffer {
	return &watchBuffer{re: re, found: make(chan string, 1)}
}

func (w *watchBuffer) Write(p []byte) (int, error) {
	n, err := w.syncBuffer.Write(p)
	if m := w.re.FindString(w.String()); m != "" {
		w.once.Do(func() { w.found <- m })
	}
	return n, err
}

func TestMockUsageErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.overlay.yaml")
	if err := os.WriteFile(bad, []byte("clients:\n  - name: a\n    scops: [x]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no spec", nil, "--spec FILE is required"},
		{"missing spec file", []string{"--spec", "nope.yaml"}, "nope.yaml"},
		{"broken overlay", []string{"--spec", "../../specs/genesys-cloud/openapi.yaml", "--overlay", bad}, bad + `:3:5: clients[0]: unknown key "scops" (did you mean "scopes"?)`},
		{"misspelt ws fault", []string{"--spec", "../../specs/genesys-cloud/openapi.yaml", "--ws-fault", "reset-aftr=1s"}, `unknown ws fault "reset-aftr" (did you mean "reset-after"?)`},
		{"ws fault without a duration", []string{"--spec", "../../specs/genesys-cloud/openapi.yaml", "--ws-fault", "close-after"}, `ws fault close-after: want a positive duration`},
		{"negative heartbeat", []string{"--spec", "../../specs/genesys-cloud/openapi.yaml", "--ws-heartbeat", "-1s"}, "heartbeat must be positive"},
		{"ws flags on a spec without channels", []string{"--spec", "../../specs/personal-connection.yaml", "--ws-heartbeat", "1s"}, "has no notifications: section"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := cmdMock(tt.args, &stdout, &stderr); code != exitUsage {
				t.Errorf("cmdMock(%q) = %d, want %d", tt.args, code, exitUsage)
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.wantErr)
			}
		})
	}
}

// inProcessMock is `casebook mock` started on a goroutine by startInProcessMock.
type inProcessMock struct {
	url    string
	stdout *watchBuffer
	stderr *syncBuffer
	done   chan int
}

// startInProcessMock runs cmdMock with args and waits for it to print its URL.
func startInProcessMock(t *testing.T, args ...string) *inProcessMock {
	t.Helper()
	m := &inProcessMock{stdout: newWatchBuffer(urlRE), stderr: &syncBuffer{}, done: make(chan int)}
	go func() { m.done <- cmdMock(args, m.stdout, m.stderr) }()
	select {
	case m.url = <-m.stdout.found:
	case code := <-m.done:
		t.Fatalf("the mock exited %d before printing its URL; stderr %q", code, m.stderr.String())
	}
	return m
}

// stop sends SIGTERM and wants exit 0.
func (m *inProcessMock) stop(t *testing.T) {
	t.Helper()
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-m.done:
		if code != exitOK {
			t.Errorf("exit code = %d, want 0 after SIGTERM; stderr %s", code, m.stderr.String())
		}
	case <-time.After(time.Minute): // a hang guard, not a speed claim
		t.Fatal("the mock did not stop on SIGTERM")
	}
}

// TestMockServesUntilSignal starts the command, calls it, and stops it
// with SIGTERM: exit 0, client ids printed, secrets never, the request
// line in the --log file and only a summary on stderr.
func TestMockServesUntilSignal(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "mock.log")
	m := startInProcessMock(t, "--spec", "../../specs/genesys-cloud/openapi.yaml", "--addr", "127.0.0.1:0", "--log", logFile)
	resp, err := http.Post(m.url+"/api/v2/conversations/calls", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("call without a token = %d, want 401", resp.StatusCode)
	}
	m.stop(t)
	out := m.stdout.String()
	if !strings.Contains(out, "agent-client") || strings.Contains(out, "agent-secret") {
		t.Errorf("start-up output should list client ids and no secrets:\n%s", out)
	}
	if got := m.stderr.String(); got != "casebook mock: 1 request(s) answered: 401 x1\n" {
		t.Errorf("stderr = %q, want the summary only", got)
	}
	log, err := os.ReadFile(logFile)
	if err != nil || strings.Count(string(log), "msg=request") != 1 || !strings.Contains(string(log), "status=401") {
		t.Errorf("--log file: %v\n%s\nwant the one request's line", err, log)
	}
}

// TestMockWarnsOfSpecProblems: the spec is validated in the background
// while the mock serves; what validation finds still reaches stderr, before
// the closing summary, even when the mock is stopped at once.
func TestMockWarnsOfSpecProblems(t *testing.T) {
	m := startInProcessMock(t, "--spec", "../../runner/testdata/problems/spec.yaml", "--addr", "127.0.0.1:0")
	m.stop(t)
	got := m.stderr.String()
	warn := strings.Index(got, "breaks 1 OpenAPI rule(s)")
	summary := strings.Index(got, "casebook mock: no requests answered")
	if warn < 0 || !strings.Contains(got, "path parameters") || summary < warn {
		t.Errorf("stderr = %q, want the spec's problem (the undeclared path parameter) before the summary", got)
	}
}
