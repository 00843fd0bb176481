package mocktest

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeT records failures; Fatalf stops the caller as testing.T's does
// (runtime.Goexit there, a panic here, recovered by the test).
type fakeT struct {
	fatal    string
	errors   []string
	cleanups []func()
}

type fatalStop struct{}

func (f *fakeT) Helper() {}
func (f *fakeT) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
	panic(fatalStop{})
}
func (f *fakeT) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

func (f *fakeT) start(spec string) string {
	defer func() {
		if v := recover(); v != nil && v != (fatalStop{}) {
			panic(v)
		}
	}()
	return Start(f, spec).URL()
}

func TestStartServesUntilCleanup(t *testing.T) {
	ft := &fakeT{}
	url := ft.start("../../specs/personal-connection.yaml")
	if ft.fatal != "" || url == "" {
		t.Fatalf("Start: fatal %q, URL %q", ft.fatal, url)
	}
	resp, err := http.Get(url + "/api/v2/outbound/campaigns/pc-campaign")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET without a token = %d, want 401 from the mock", resp.StatusCode)
	}
	if len(ft.cleanups) != 1 {
		t.Fatalf("Start registered %d cleanups, want 1", len(ft.cleanups))
	}
	ft.cleanups[0]()
	if len(ft.errors) > 0 {
		t.Errorf("closing: %v", ft.errors)
	}
	if resp, err := http.Get(url + "/"); err == nil {
		resp.Body.Close()
		t.Errorf("the mock still answers after the test's cleanup")
	}
}

func TestStartBrokenSpecFailsTheTest(t *testing.T) {
	p := filepath.Join(t.TempDir(), "broken.yaml")
	if err := os.WriteFile(p, []byte("openapi: 3.0.3\npaths: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ft := &fakeT{}
	ft.start(p)
	if !strings.Contains(ft.fatal, "broken.yaml:") {
		t.Errorf("Start(broken spec) fatal = %q, want it to name the file", ft.fatal)
	}
	if len(ft.cleanups) != 0 {
		t.Errorf("nothing started, but %d cleanups were registered", len(ft.cleanups))
	}
}
