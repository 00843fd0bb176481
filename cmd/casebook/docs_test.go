package main

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestPitfallsUpToDate fails when docs/pitfalls.md is not what casebook docs
// generates from the shipped cases and mock. Regenerate it with:
//
//	go run ./cmd/casebook docs
func TestPitfallsUpToDate(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := cmdDocs([]string{"--config", testConfig(t), "--out", "-"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("casebook docs: exit %d\n%s", code, stderr.String())
	}
	shipped, err := os.ReadFile("../../docs/pitfalls.md")
	if err != nil {
		t.Fatalf("%v (generate it with: go run ./cmd/casebook docs)", err)
	}
	if got := stdout.String(); got != string(shipped) {
		t.Errorf("docs/pitfalls.md is out of date; regenerate it with: go run ./cmd/casebook docs\nfirst difference at line %s", firstDiffLine(string(shipped), got))
	}
}

func firstDiffLine(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return strings.Join([]string{itoa(i + 1), "\n  shipped:   " + wl, "\n  generated: " + gl}, "")
		}
	}
	return "(none)"
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestDocsCheck: --check passes on a fresh file and fails on a stale one.
func TestDocsCheck(t *testing.T) {
	out := t.TempDir() + "/pitfalls.md"
	var stdout, stderr bytes.Buffer
	if code := cmdDocs([]string{"--config", testConfig(t), "--out", out}, &stdout, &stderr); code != exitOK {
		t.Fatalf("casebook docs --out: exit %d\n%s", code, stderr.String())
	}
	if code := cmdDocs([]string{"--config", testConfig(t), "--out", out, "--check"}, &stdout, &stderr); code != exitOK {
		t.Errorf("--check right after writing: exit %d, want 0 (is the output deterministic?)\n%s", code, stderr.String())
	}
	if err := os.WriteFile(out, []byte("stale\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code := cmdDocs([]string{"--config", testConfig(t), "--out", out, "--check"}, &stdout, &stderr); code != exitFailed {
		t.Errorf("--check on a stale file: exit %d, want 1", code)
	}
}
