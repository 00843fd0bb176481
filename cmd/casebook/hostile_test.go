package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// aliasBomb is the 432-byte file: nine anchors of nine aliases
// (9^9 scalars once expanded) under key, indented by indent.
func aliasBomb(key, indent string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s:\n", indent, key)
	fmt.Fprintf(&b, "%s  a0: &a0 [x, x, x, x, x, x, x, x, x]\n", indent)
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "%s  a%d: &a%d [%s]\n", indent, i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 9), ", "))
	}
	return b.String()
}

var aliasError = regexp.MustCompile(`(\S+):(\d+):(\d+): excessive aliasing: \*a\d`)

// TestAliasBombsAreRefused: an alias bomb in a case, an overlay or
// casebook.yaml is a file:line:col error and exit 2, for every command
// that reads the file (each used to grow past gigabytes).
func TestAliasBombsAreRefused(t *testing.T) {
	bombCase := writeProject(t, "name: bomb\nrequest:\n  method: POST\n  path: /x\n"+aliasBomb("body", "  "))
	bombConfig := t.TempDir()
	must(t, os.WriteFile(filepath.Join(bombConfig, "casebook.yaml"), []byte(aliasBomb("vars", "")), 0o644))
	bombOverlay := filepath.Join(t.TempDir(), "bomb.overlay.yaml")
	must(t, os.WriteFile(bombOverlay, []byte(aliasBomb("fixtures", "")), 0o644))
	pcSpec, err := filepath.Abs("../../specs/personal-connection.yaml")
	must(t, err)
	for _, tc := range []struct {
		name, dir string
		args      []string
		file      string
	}{
		{"case, lint", bombCase, []string{"lint"}, filepath.Join("cases", "case.yaml")},
		{"case, run", bombCase, []string{"run"}, filepath.Join("cases", "case.yaml")},
		{"case, curl", bombCase, []string{"curl", "cases/case.yaml"}, filepath.Join("cases", "case.yaml")},
		{"casebook.yaml, lint", bombConfig, []string{"lint"}, filepath.Join(bombConfig, "casebook.yaml")},
		{"overlay, mock", "", []string{"mock", "--spec", pcSpec, "--overlay", bombOverlay}, bombOverlay},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := casebook(t, tc.dir, tc.args...)
			m := aliasError.FindStringSubmatch(o.stderr)
			if o.code != exitUsage || m == nil || !strings.HasSuffix(m[1], tc.file) {
				t.Errorf("casebook %v: exit %d, stderr:\n%s\nwant exit 2 and %s:line:col: excessive aliasing", tc.args, o.code, o.stderr, tc.file)
			}
		})
	}
}
